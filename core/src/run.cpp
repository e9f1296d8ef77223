#include "emoscope/run.hpp"

#include <algorithm>
#include <chrono>

#include "emoscope/annotator.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/recorder.hpp"
#include "thread_priority.hpp"

namespace emoscope {

const char* device_choice_name(DeviceChoice device) {
  switch (device) {
    case DeviceChoice::kAuto: return "auto";
    case DeviceChoice::kCpu: return "cpu";
    case DeviceChoice::kCuda: return "cuda";
  }
  return "auto";
}

Result<std::unique_ptr<Classifier>> load_run_classifier(const RunOptions& options) {
  Result<std::string> file = run_model_file(options);
  if (!file) return file.error();
  return load_classifier(file.value(), options.classifier);
}

Result<std::shared_ptr<FaceEmbedder>> load_run_embedder(const RunOptions& options) {
  if (!options.identity.enabled) return std::shared_ptr<FaceEmbedder>();
  Result<std::string> file = run_embedder_file(options);
  if (!file) return file.error();
  auto loaded = load_embedder(file.value(), options.classifier);
  if (!loaded) return loaded.error();
  return std::shared_ptr<FaceEmbedder>(std::move(loaded).value());
}

Result<std::shared_ptr<People>> make_run_people(const RunOptions& options, const FaceEmbedder& embedder) {
  const float max_join = options.identity.threshold > 0 ? options.identity.threshold : People::max_join_of(embedder.spec());
  if (options.identity.gallery_path.empty()) return std::make_shared<People>(max_join, embedder.spec());
  auto people = People::load(options.identity.gallery_path, embedder.spec(), max_join);
  if (!people) return people.error();
  return std::make_shared<People>(std::move(people).value());
}

RecorderOptions recorder_options_for(const Pipeline& pipeline, const DetectorOptions& detector,
                                     const std::string& model_file, const std::string& embedder_file,
                                     const std::string& people_gallery) {
  RecorderOptions r;
  const SourceInfo& info = pipeline.source_info();
  const ModelSpec& spec = pipeline.model_spec();
  r.fps = info.fps > 0 ? info.fps : 25.0;
  if (info.kind == SourceKind::kVideoFile && pipeline.options().mode == PipelineMode::kFile) r.audio_from = info.name;
  r.frame_size = info.size;
  r.labels = spec.labels;
  r.model_name = spec.name;
  r.source_name = info.name;
  r.run.source = info;
  r.run.model_version = spec.version;
  r.run.model_file = model_file;
  DetectorOptions d = detector;
  if (Result<std::string> file = resolve_detector_model(detector)) d.model_path = file.value();
  r.run.detector = d;
  r.run.pipeline = pipeline.options();
  r.run.device = pipeline.device_name();
  if (const FaceEmbedder* embedder = pipeline.embedder(); embedder && pipeline.people()) {
    r.run.identities_on = true;
    r.run.embedder_name = embedder->spec().name;
    r.run.embedder_version = embedder->spec().version;
    r.run.embedder_file = embedder_file;
    r.run.identity_threshold = pipeline.people()->max_join_distance();
    r.run.identity_start_distance = pipeline.people()->start_distance();
    r.run.people_gallery = people_gallery;
    r.people = pipeline.people();
    r.settle_ms = identity_settle_ms(pipeline.options().tracker);
  }
  return r;
}

// The pipeline's FrameTap: every captured frame goes to every output.
class RunEngine::Tap final : public FrameTap {
 public:
  explicit Tap(RunEngine* engine) : engine_(engine) {}  // the engine joins the pipeline before it goes
  void on_frame(const Frame& frame) override {
    for (const auto& writer : engine_->writers()) writer->on_frame(frame);
  }
  void on_results_end() override {
    for (const auto& writer : engine_->writers()) writer->on_results_end();
  }

 private:
  RunEngine* engine_;
};

Result<std::unique_ptr<RunEngine>> RunEngine::open(const RunOptions& given, std::shared_ptr<Classifier> classifier,
                                                   std::shared_ptr<FaceEmbedder> embedder) {
  Result<RunOptions> resolved = resolve(given);
  if (!resolved) return resolved.error();
  RunOptions& options = resolved.value();  // the summary names the files loaded
  auto source = open_source(options.source, /*live_pacing=*/options.live);
  if (!source) return source.error();
  if (options.live && options.mirror) source = mirrored(std::move(source).value(), options.mirror);
  auto detector = create_face_detector(options.detector);
  if (!detector) return detector.error();
  if (!classifier) {
    auto loaded = load_run_classifier(options);
    if (!loaded) return loaded.error();
    classifier = std::move(loaded).value();
  }
  classifier->set_neutral_prior(options.classifier.neutral_prior);  // a shared classifier takes this run's
  std::shared_ptr<People> people;
  if (options.identity.enabled) {
    if (!embedder) {
      auto loaded = load_run_embedder(options);
      if (!loaded) return loaded.error();
      embedder = std::move(loaded).value();
    }
    auto made = make_run_people(options, *embedder);
    if (!made) return made.error();
    people = std::move(made).value();
  } else {
    embedder = nullptr;
  }
  // A live run must keep up with its camera: only analyses yield to the UI and to other programs.
  if (options.live) options.pipeline.worker_nice = 0;
  PipelineOptions po = options.pipeline;
  po.mode = options.live ? PipelineMode::kLive : PipelineMode::kFile;
  auto pipeline = std::make_unique<Pipeline>(std::move(source).value(), std::move(detector).value(),
                                             std::move(classifier), po, std::move(embedder), std::move(people));
  const std::vector<OutputOptions> outputs = options.outputs;
  std::unique_ptr<RunEngine> engine(new RunEngine(std::move(options), std::move(pipeline)));
  for (const OutputOptions& output : outputs) {
    if (MaybeError s = engine->start_recording(output)) return *s;
  }
  return engine;
}

RunEngine::RunEngine(RunOptions options, std::unique_ptr<Pipeline> pipeline)
    : options_(std::move(options)), pipeline_(std::move(pipeline)), device_(pipeline_->device_name()) {
  min_confidence_ = options_.min_confidence;
}

RunEngine::~RunEngine() {
  if (started_run_) stop();  // else the writers close their files as they go
}

void RunEngine::start(RunSink sink, RunEndSink end_sink) {
  if (started_run_) return;
  started_run_ = true;
  on_result_ = std::move(sink);
  on_end_ = std::move(end_sink);
  started_ = SteadyClock::now();
  pipeline_->start([this](FrameResult&& r) { on_result(std::move(r)); },
                   [this](const PipelineEnd&) { results_.close(); },  // the output thread drains, then ends
                   std::make_shared<Tap>(this));
  output_thread_ = start_worker(options_.pipeline.worker_nice, [this] { output_loop(); });
}

void RunEngine::on_result(FrameResult&& result) {
  if (options_.live && paused_) return;
  ++processed_;
  for (const auto& writer : writers()) writer->on_result(result);
  results_.push(std::move(result));  // blocks while full (kBlock); false once the run stops
}

void RunEngine::output_loop() {
  while (std::optional<FrameResult> result = results_.pop()) {
    if (!options_.live) {  // a paused analysis holds its next result: back-pressure stalls the pipeline
      std::unique_lock<std::mutex> lock(pause_mutex_);
      pause_changed_.wait(lock, [&] { return !paused_ || stop_requested_; });
    }
    if (stop_requested_) break;
    if (!on_result_) continue;
    if (MaybeError s = on_result_(std::move(*result))) fail(*s);
  }
  if (stop_requested_) pipeline_->stop();
  RunEnd end;
  end.pipeline = pipeline_->wait();
  const MaybeError closed = finish_outputs(&end.pipeline, &end.outputs);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed && !error_) error_ = closed;
    end.status = error_;
  }
  if (on_end_) on_end_(end);
  std::lock_guard<std::mutex> lock(mutex_);
  end_ = end;
  ended_changed_.notify_all();
}

void RunEngine::fail(const Error& error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = error;
  }
  request_stop();
}

void RunEngine::request_stop() {
  {
    std::lock_guard<std::mutex> lock(pause_mutex_);
    stop_requested_ = true;
  }
  pause_changed_.notify_all();  // a paused analysis ends too
  results_.close();  // wakes the output thread and a classification thread waiting for room
}

RunEnd RunEngine::wait(const std::function<bool()>& stop_when) {
  if (!started_run_) {
    std::lock_guard<std::mutex> lock(mutex_);
    RunEnd end;
    end.pipeline.reason = EndReason::kStopped;
    end.status = error_;
    return end;
  }
  {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!end_) {
      if (stop_when && stop_when()) request_stop();
      ended_changed_.wait_for(lock, std::chrono::milliseconds(20));
    }
  }
  if (output_thread_.joinable()) output_thread_.join();
  return *end_;
}

RunEnd RunEngine::stop() {
  request_stop();
  return wait();
}

MaybeError RunEngine::start_recording(const OutputOptions& output) {
  RecorderOptions r = recorder_options_for(*pipeline_, options_.detector, options_.model_path,
                                           options_.identity.model_path, options_.identity.gallery_path);
  r.run.neutral_prior = options_.classifier.neutral_prior;
  r.video_path = output.video_path;
  r.video_codec = output.video_codec;
  r.csv_path = output.csv_path;
  r.summary_path = output.summary_path;
  r.replace_existing = output.replace_existing;
  auto recorder = Recorder::open(r);
  if (!recorder) return recorder.error();
  const bool has_video = !r.video_path.empty();
  RecordingWriter::Draw draw;
  if (has_video) {
    draw = [this, hud = output.hud](const cv::Mat& image, const FrameResult* latest) {
      return annotate(image, latest, hud);
    };
  }
  RecordingWriter::Options wo;
  wo.analyze_every = options_.live ? 1 : std::max(1, options_.pipeline.analyze_every);
  wo.worker_nice = options_.pipeline.worker_nice;
  wo.on_error = [this](const Error& error) { fail(error); };  // on the writer thread: never blocks
  auto writer = std::make_shared<RecordingWriter>(std::move(recorder).value(), has_video, r.fps, std::move(draw), wo);
  if (options_.live) writer->set_paused(paused_);
  std::lock_guard<std::mutex> lock(mutex_);
  writers_.push_back(std::move(writer));
  return std::nullopt;
}

MaybeError RunEngine::finish_outputs(const PipelineEnd* end, std::vector<RecordingWriter::Stats>* stats) {
  std::vector<std::shared_ptr<RecordingWriter>> closing;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing.swap(writers_);
  }
  MaybeError first;
  for (const auto& writer : closing) {  // writes what is queued; a blocked on_frame returns
    if (MaybeError s = writer->finish(end); s && !first) first = s;
    if (stats) stats->push_back(writer->stats());
  }
  return first;
}

MaybeError RunEngine::stop_recording() { return finish_outputs(nullptr); }

std::vector<std::shared_ptr<RecordingWriter>> RunEngine::writers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return writers_;
}

bool RunEngine::recording() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !writers_.empty();
}

RecordingWriter::Stats RunEngine::recording_stats() const {
  std::shared_ptr<RecordingWriter> newest;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!writers_.empty()) newest = writers_.back();
  }
  return newest ? newest->stats() : RecordingWriter::Stats{};
}

void RunEngine::set_paused(bool paused) {
  {
    std::lock_guard<std::mutex> lock(pause_mutex_);
    paused_ = paused;
  }
  pause_changed_.notify_all();
  if (!options_.live) return;
  for (const auto& writer : writers()) writer->set_paused(paused);
}

cv::Mat RunEngine::annotate(const cv::Mat& image, const FrameResult* result, bool hud) const {
  AnnotateOptions ao;
  ao.min_confidence = min_confidence_;
  if (hud) {
    const double secs = std::chrono::duration<double>(SteadyClock::now() - started_).count();
    ao.hud.show = true;
    ao.hud.fps = secs > 0 ? static_cast<double>(processed_) / secs : 0;
    ao.hud.latency_ms = result ? result->times.total : 0;
    ao.hud.device = device_;
  }
  return emoscope::annotate(image, result ? result->faces : std::vector<TrackedFace>{}, model_spec().labels, ao);
}

}  // namespace emoscope
