#include "emoscope/ui/session.hpp"

#include <QMetaObject>
#include <opencv2/imgproc.hpp>

#include "emoscope/annotator.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

class Session::Tap final : public FrameTap {
 public:
  explicit Tap(Session* session) : session_(session) {}  // the session joins the pipeline before it goes
  void on_frame(const Frame& frame) override { session_->onFrame(frame); }
  void on_results_end() override { session_->onResultsEnd(); }

 private:
  Session* session_;
};

std::unique_ptr<Session> Session::create(const SessionConfig& config, QString* error,
                                         std::shared_ptr<Classifier> preloaded, QObject* parent) {
  qRegisterMetaType<emoscope::ui::SessionUpdate>();
  qRegisterMetaType<emoscope::PipelineEnd>();
  auto fail = [&](const Error& e) {
    if (error) *error = qstr(e.message);
    return nullptr;
  };
  auto source = open_source(config.source, /*live_pacing=*/config.live);
  if (!source) return fail(source.error());
  if (config.live && config.mirror) source = mirrored(std::move(source).value(), config.mirror);
  auto detector = create_face_detector(config.detector);
  if (!detector) return fail(detector.error());
  std::shared_ptr<Classifier> model = std::move(preloaded);
  if (!model) {
    ClassifierOptions co;
    co.device = config.device;
    auto classifier = load_classifier(config.model_path, co);
    if (!classifier) return fail(classifier.error());
    model = std::move(classifier).value();
  }
  PipelineOptions po = config.pipeline;
  po.mode = config.live ? PipelineMode::kLive : PipelineMode::kFile;
  auto pipeline = std::make_unique<Pipeline>(std::move(source).value(), std::move(detector).value(),
                                             std::move(model), po);
  return std::unique_ptr<Session>(new Session(config, std::move(pipeline), parent));
}

Session::Session(SessionConfig config, std::unique_ptr<Pipeline> pipeline, QObject* parent)
    : QObject(parent), config_(std::move(config)), pipeline_(std::move(pipeline)) {
  labels_ = pipeline_->model_spec().labels;
  device_ = pipeline_->device_name();
  min_confidence_ = config_.min_confidence;
}

Session::~Session() {
  stop();
  stopRecording();
}

void Session::start() {
  if (running_ || finished_emitted_) return;
  running_ = true;
  pipeline_->start([this](FrameResult&& r) { onResult(std::move(r)); },
                   [this](const PipelineEnd& end) {
                     {
                       std::lock_guard<std::mutex> lock(slot_mutex_);
                       pending_end_ = end;
                     }
                     QMetaObject::invokeMethod(this, [this] { onEnded(); }, Qt::QueuedConnection);
                   },
                   std::make_shared<Tap>(this));
}

void Session::stop() {
  stopping_ = true;
  {
    std::lock_guard<std::mutex> lock(pause_mutex_);
    pause_changed_.notify_all();
  }
  pipeline_->stop();  // joins; the end callback has run (its queued onEnded is ignored)
  if (running_) {
    running_ = false;
    end_ = pipeline_->wait();
  }
  stopRecording();
}

void Session::setDisplaySize(const QSize& size) {
  const std::uint64_t w = static_cast<std::uint32_t>(std::max(0, size.width()));
  const std::uint64_t h = static_cast<std::uint32_t>(std::max(0, size.height()));
  display_size_ = (w << 32) | h;
}

void Session::setPaused(bool paused) {
  std::lock_guard<std::mutex> lock(pause_mutex_);
  paused_ = paused;
  pause_changed_.notify_all();
  if (config_.live) {
    std::lock_guard<std::mutex> rec_lock(recorder_mutex_);
    if (recorder_) recorder_->set_paused(paused);
  }
}

bool Session::startRecording(const std::string& base_path, QString* error) {
  const SourceInfo& info = pipeline_->source_info();
  RecorderOptions r = recorder_options_for(*pipeline_, config_.detector, config_.model_path);
  // Image folders announce no frame size (and may mix sizes): no video then.
  if (!info.size.empty()) r.video_path = base_path + ".mkv";
  r.csv_path = base_path + ".csv";
  r.summary_path = base_path + ".json";
  auto recorder = Recorder::open(r);
  if (!recorder) {
    if (error) *error = qstr(recorder.error().message);
    return false;
  }
  const bool has_video = !r.video_path.empty();
  RecordingWriter::Options wo;
  wo.every = std::max(1, pipeline_->options().every);
  auto writer = std::make_shared<RecordingWriter>(
      std::move(recorder).value(), has_video, r.fps,
      [this](const cv::Mat& image, const FrameResult* latest) {
        AnnotateOptions ao;
        ao.min_confidence = min_confidence_;
        return annotate(image, latest ? latest->faces : std::vector<TrackedFace>{}, labels_, ao);
      },
      wo);
  if (config_.live) writer->set_paused(paused_);
  std::shared_ptr<RecordingWriter> old;
  {
    std::lock_guard<std::mutex> lock(recorder_mutex_);
    old = std::move(recorder_);
    recorder_ = std::move(writer);
  }
  if (old) old->finish();
  return true;
}

Status Session::stopRecording() {
  std::shared_ptr<RecordingWriter> writer;
  {
    std::lock_guard<std::mutex> lock(recorder_mutex_);
    writer = std::move(recorder_);
  }
  if (!writer) return std::nullopt;
  return writer->finish();  // writes what is queued; a blocked onFrame returns
}

bool Session::recording() const {
  std::lock_guard<std::mutex> lock(recorder_mutex_);
  return recorder_ != nullptr;
}

long Session::recordedFrames() const {
  std::lock_guard<std::mutex> lock(recorder_mutex_);
  return recorder_ ? recorder_->stats().frames_tapped : 0;
}

void Session::onFrame(const Frame& frame) {
  std::shared_ptr<RecordingWriter> writer;
  {
    std::lock_guard<std::mutex> lock(recorder_mutex_);
    writer = recorder_;
  }
  if (writer) writer->on_frame(frame);
}

void Session::onResultsEnd() {
  std::shared_ptr<RecordingWriter> writer;
  {
    std::lock_guard<std::mutex> lock(recorder_mutex_);
    writer = recorder_;
  }
  if (writer) writer->on_results_end();
}

void Session::onResult(FrameResult&& r) {
  if (stopping_) return;
  if (!config_.live) {
    std::unique_lock<std::mutex> lock(pause_mutex_);
    pause_changed_.wait(lock, [&] { return !paused_ || stopping_; });
    if (stopping_) return;
  } else if (paused_) {
    return;
  }
  AnnotateOptions ao;
  ao.min_confidence = min_confidence_;
  cv::Mat annotated = annotate(r.frame.image, r.faces, labels_, ao);
  {
    std::shared_ptr<RecordingWriter> writer;
    {
      std::lock_guard<std::mutex> lock(recorder_mutex_);
      writer = recorder_;
    }
    if (writer) writer->on_result(r);
  }

  ++processed_;
  if (!fps_clock_.isValid()) fps_clock_.start();
  ++fps_frames_;
  const qint64 elapsed = fps_clock_.elapsed();
  if (elapsed >= 1000) {
    fps_ = fps_frames_ * 1000.0 / static_cast<double>(elapsed);
    fps_frames_ = 0;
    fps_clock_.restart();
  } else if (fps_ == 0 && elapsed > 200) {
    fps_ = fps_frames_ * 1000.0 / static_cast<double>(elapsed);
  }
  if (r.times.detected) last_detect_ms_ = r.times.detect;

  // Hand the UI a frame only when it is free (nothing pending) and not more
  // than ~33 times a second; the analysis records always travel.
  bool wanted = true;
  {
    std::lock_guard<std::mutex> lock(slot_mutex_);
    wanted = !delivery_pending_ && (!last_post_.isValid() || last_post_.elapsed() >= kMinDeliveryGapMs);
    if (!wanted && !config_.live) pending_records_.push_back({r.frame.seq, r.frame.time.ms_or(0.0), r.faces});
  }
  if (!wanted) return;

  SessionUpdate u;
  u.image = to_qimage(annotated);
  const std::uint64_t packed = display_size_;
  const cv::Size box(static_cast<int>(packed >> 32), static_cast<int>(packed & 0xffffffffu));
  if (box.width > 0 && box.height > 0 && !annotated.empty()) {
    const double scale = std::min(box.width / static_cast<double>(annotated.cols),
                                  box.height / static_cast<double>(annotated.rows));
    const cv::Size fitted(std::max(1, static_cast<int>(annotated.cols * scale)),
                          std::max(1, static_cast<int>(annotated.rows * scale)));
    if (fitted != annotated.size()) {
      cv::Mat scaled;
      cv::resize(annotated, scaled, fitted, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
      u.display = to_qimage(scaled);
    }
  }
  u.seq = r.frame.seq;
  u.pos_ms = r.frame.time.ms_or(0.0);
  u.faces = r.faces;
  u.fps = fps_;
  u.detect_ms = last_detect_ms_;
  u.classify_ms = r.times.preprocess + r.times.infer;
  u.dropped = r.dropped_so_far;
  u.processed = processed_;

  bool post = false;
  {
    std::lock_guard<std::mutex> lock(slot_mutex_);
    if (!config_.live) pending_records_.push_back({r.frame.seq, r.frame.time.ms_or(0.0), std::move(r.faces)});
    slot_ = std::move(u);
    post = !delivery_pending_;
    delivery_pending_ = true;
    last_post_.start();
  }
  if (post) QMetaObject::invokeMethod(this, [this] { deliver(); }, Qt::QueuedConnection);
}

void Session::deliver() {
  std::optional<SessionUpdate> u;
  {
    std::lock_guard<std::mutex> lock(slot_mutex_);
    u = std::move(slot_);
    slot_.reset();
    if (!u && !pending_records_.empty()) {  // frames processed since the last image
      u.emplace();
      u->seq = pending_records_.back().seq;
      u->pos_ms = pending_records_.back().pos_ms;
      u->processed = processed_;
    }
    if (u) {
      u->new_records = std::move(pending_records_);
      pending_records_.clear();
    }
    delivery_pending_ = false;
  }
  if (u) emit frameReady(*u);
}

void Session::onEnded() {
  if (!running_ || stopping_) return;  // stop() already handled it
  deliver();  // whatever arrived last
  end_ = pipeline_->wait();
  running_ = false;
  if (Status s = stopRecording()) {
    if (end_.message.empty()) end_.message = s->message;
    else end_.message += "; " + s->message;
  }
  finished_emitted_ = true;
  emit finished(end_);
}

}  // namespace emoscope::ui
