#include "emoscope/pipeline.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <opencv2/imgproc.hpp>

#include "emoscope/bounded_queue.hpp"
#include "pipeline_work.hpp"
#include "thread_priority.hpp"

namespace emoscope {

struct Pipeline::Impl {
  std::unique_ptr<FrameSource> source;
  std::unique_ptr<FaceDetector> detector;
  std::shared_ptr<Classifier> classifier;
  std::shared_ptr<FaceEmbedder> embedder;  // null: no identities
  PipelineOptions options;
  Tracker tracker;

  ResultSink on_result;
  EndSink on_end;
  bool claimed = false;  // holds the classifier's claim; under join_mutex
  std::shared_ptr<FrameTap> tap;  // set before the threads start, then only read

  // capture -> detect. kLive: one slot, drop-oldest (only the newest frame
  // waits). kFile: queue_capacity frames, blocking (back-pressure).
  std::unique_ptr<BoundedQueue<Captured>> frames;
  // detect -> classify: blocking in both modes (one slot in kLive to keep
  // latency low, two in kFile), so a slow classifier stalls detection, which
  // then drops (kLive) or blocks (kFile).
  std::unique_ptr<BoundedQueue<Detected>> detected;

  std::atomic<bool> stop_requested{false};
  std::mutex mutex;  // guards end, capture_done, finished, frames_read
  std::condition_variable changed;
  bool capture_done = false;
  bool finished = false;
  PipelineEnd end;
  std::uint64_t frames_read = 0;

  std::thread capture_thread, detect_thread, classify_thread;
  // kLive: the model thread and its mailboxes (guarded by model_mutex).
  std::thread model_thread;
  std::mutex model_mutex;
  std::condition_variable model_changed;
  std::unique_ptr<ModelWork> model_job;   // waiting for the model thread
  std::unique_ptr<ModelWork> model_done;  // results not yet landed
  bool model_running = false;
  bool model_stop = false;
  // stop(), wait() and the destructor may run on several threads at once: one
  // of them joins, under this lock, and the others find nothing left to join.
  std::mutex join_mutex;
  bool started = false;  // guarded by mutex

  // Detect-thread state: detection runs every detect_every frames, or sooner
  // when the picture changes; boxes are carried over in between.
  int frames_since_detection = 0;
  cv::Mat last_detection_thumb;
  std::vector<cv::Rect2f> last_boxes;
  std::vector<float> last_scores;  // per last box: the follower keeps the boxes' order
  std::vector<float> last_sharpness;  // per last box, at its detection
  std::vector<std::vector<cv::Point2f>> last_landmarks;  // per last box, moved with it
  cv::Mat previous_thumb;          // the frame before's, to notice scene cuts
  FaceFollower follower;

  void request_stop() {
    stop_requested = true;
    frames->close();
    detected->close();
    if (tap) tap->on_results_end();  // a tap blocking capture must not wait for results now
  }

  void capture_loop() {
    const int every = options.mode == PipelineMode::kFile ? std::max(1, options.analyze_every) : 1;
    EndReason reason = EndReason::kEndOfStream;
    std::string message;
    std::uint64_t index = 0;
    while (true) {
      if (stop_requested) { reason = EndReason::kStopped; break; }
      const auto start = SteadyClock::now();
      ReadResult r = source->read();
      if (r.status != ReadStatus::kFrame) {
        reason = r.status == ReadStatus::kEndOfStream ? EndReason::kEndOfStream
                 : r.status == ReadStatus::kReadError ? EndReason::kReadError
                                                      : EndReason::kSourceLost;
        message = r.message;
        break;
      }
      const double decode_ms = ms_since(start);
      {
        std::lock_guard<std::mutex> lock(mutex);
        ++frames_read;
      }
      if (tap) tap->on_frame(r.frame);  // every frame, before it can be dropped or skipped
      if ((index++ % every) != 0) continue;
      if (!frames->push({std::move(r.frame), decode_ms})) { reason = EndReason::kStopped; break; }
    }
    frames->close();  // the detect thread drains what is queued, then ends
    std::lock_guard<std::mutex> lock(mutex);
    capture_done = true;
    end.reason = reason;
    end.message = message;
    changed.notify_all();
  }

  static double mean_difference(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    return cv::mean(diff)[0];
  }

  bool should_detect(const Frame& frame, const cv::Mat& thumb, bool scene_cut) {
    // A still image is unrelated to the frame before: boxes are never carried into it.
    if (!frame.time.is_set() || scene_cut) return true;
    if (frames_since_detection + 1 >= options.detect_every || last_detection_thumb.empty()) {
      return true;
    }
    return options.motion_threshold > 0 && mean_difference(thumb, last_detection_thumb) > options.motion_threshold;
  }

  void detect_loop() {
    while (std::optional<Captured> item = frames->pop()) {
      if (stop_requested) break;
      Detected d;
      d.frame = std::move(item->frame);
      d.times.decode = item->decode_ms;
      const auto t = SteadyClock::now();
      cv::Mat thumb;
      bool scene_cut = false;
      if (d.frame.time.is_set()) {
        thumb = motion_thumbnail(d.frame.image);
        scene_cut = options.scene_cut_threshold > 0 && !previous_thumb.empty() &&
                    mean_difference(thumb, previous_thumb) > options.scene_cut_threshold;
        previous_thumb = thumb;
      } else {
        previous_thumb.release();
      }
      d.cues.lost.clear();
      if (should_detect(d.frame, thumb, scene_cut)) {
        last_boxes.clear();
        last_scores.clear();
        last_landmarks.clear();
        last_sharpness.clear();
        for (const Detection& det : detector->detect(d.frame.image)) {
          last_sharpness.push_back(embedder ? face_sharpness(d.frame.image, det.box) : NAN);
          last_boxes.push_back(det.box);
          last_scores.push_back(det.score);
          last_landmarks.push_back(chip_landmarks(det));
        }
        d.times.detected = true;
        frames_since_detection = 0;
        if (options.detect_every > 1 && d.frame.time.is_set()) {
          follower.reset(d.frame.image, last_boxes);
          last_detection_thumb = thumb;
        } else {
          last_detection_thumb.release();  // the next timed frame detects afresh
        }
      } else {
        ++frames_since_detection;
        std::vector<cv::Rect2f> moved = follower.follow(d.frame.image, &d.cues.lost);
        for (std::size_t i = 0; i < moved.size() && i < last_landmarks.size(); ++i) {
          const cv::Point2f shift = moved[i].tl() - last_boxes[i].tl();
          for (cv::Point2f& p : last_landmarks[i]) p += shift;
        }
        last_boxes = std::move(moved);
      }
      d.boxes = last_boxes;
      d.cues.scene_cut = scene_cut;
      d.cues.scores = last_scores;
      d.cues.sharpness = last_sharpness;
      d.cues.landmarks = last_landmarks;
      d.times.detect = ms_since(t);
      if (!detected->push(std::move(d))) break;
    }
    detected->close();
  }

  void deliver(Detected& item, std::vector<TrackedFace> faces, const StageTimes& model_times) {
    FrameResult result;
    result.frame = std::move(item.frame);
    result.times = item.times;
    result.times.preprocess = model_times.preprocess;
    result.times.infer = model_times.infer;
    result.times.embed = model_times.embed;
    result.faces = std::move(faces);
    for (std::size_t i = 0; i < result.faces.size(); ++i) {
      result.faces[i].detected = result.times.detected;
      if (i < item.cues.scores.size()) result.faces[i].face_score = item.cues.scores[i];
    }
    result.times.total = ms_since(result.frame.captured);
    result.dropped_so_far = frames->dropped();
    if (on_result) on_result(std::move(result));
  }

  // kFile: classifies the faces due in a group of consecutive frames in one
  // forward pass (and embeds those due in another), then delivers the frames in
  // order. Returns an error message on a model's failure.
  std::optional<std::string> classify(std::vector<Detected>& group) {
    ModelWork work;
    work.assignments.reserve(group.size());
    for (const Detected& item : group) work.assignments.push_back(tracker.assign(item.boxes, item.frame.time, item.cues));
    prepare_model_work(group, *classifier, embedder.get(), work);
    run_models(*classifier, embedder.get(), work);
    if (work.error) return work.error;

    const std::size_t faces_due = static_cast<std::size_t>(work.faces.n);
    const std::size_t embeds_due = static_cast<std::size_t>(work.chips.n);
    auto first_of_frame = work.probabilities.begin();
    auto first_embedding = work.embeddings.begin();
    for (std::size_t f = 0; f < group.size(); ++f) {
      const Tracker::Assignment& a = work.assignments[f];
      // A group's cost is shared among its frames by their number of faces classified.
      const std::size_t due = std::min<std::size_t>(a.classify_count(), work.probabilities.end() - first_of_frame);
      const double share = faces_due > 0 ? static_cast<double>(due) / faces_due : 1.0 / group.size();
      StageTimes model_times;
      model_times.preprocess = work.preprocess_ms * share;
      model_times.infer = work.infer_ms * share;
      model_times.embed = embeds_due > 0 ? work.embed_ms * a.embed_count() / embeds_due : 0.0;
      const std::vector<Probabilities> mine(first_of_frame, first_of_frame + due);
      first_of_frame += due;
      const std::size_t embeds = std::min<std::size_t>(a.embed_count(), work.embeddings.end() - first_embedding);
      const std::vector<Embedding> my_embeddings(first_embedding, first_embedding + embeds);
      first_embedding += embeds;
      deliver(group[f], tracker.resolve(a, mine, my_embeddings), model_times);
    }
    return std::nullopt;
  }

  // kLive: the display never waits for a model. Each frame is delivered at
  // once with the faces as the tracker knows them; the faces due go to the
  // model thread when it is free (else they stay due), and its results land on
  // the frames that follow.
  std::optional<std::string> classify_live(Detected& item) {
    StageTimes model_times;
    std::unique_ptr<ModelWork> done;
    bool free = false;
    {
      std::lock_guard<std::mutex> lock(model_mutex);
      done = std::move(model_done);
      free = !model_job && !model_running;
    }
    if (done) {
      if (done->error) return done->error;
      tracker.land(done->assignments.front(), done->probabilities, done->embeddings);
      model_times.preprocess = done->preprocess_ms;
      model_times.infer = done->infer_ms;
      model_times.embed = done->embed_ms;
    }
    Tracker::Assignment a = tracker.assign(item.boxes, item.frame.time, item.cues, free);
    if (free && (a.classify_count() > 0 || a.embed_count() > 0)) {
      auto work = std::make_unique<ModelWork>();
      work->assignments.push_back(a);
      prepare_model_work({item}, *classifier, embedder.get(), *work);
      std::lock_guard<std::mutex> lock(model_mutex);
      model_job = std::move(work);
      model_changed.notify_all();
    }
    deliver(item, tracker.current(a), model_times);
    return std::nullopt;
  }

  // kLive's model thread: one job at a time (a one-slot mailbox the
  // classification thread fills only when it is empty).
  void model_loop() {
    while (true) {
      std::unique_ptr<ModelWork> work;
      {
        std::unique_lock<std::mutex> lock(model_mutex);
        model_changed.wait(lock, [&] { return model_job || model_stop; });
        if (model_stop) return;
        work = std::move(model_job);
        model_running = true;
      }
      run_models(*classifier, embedder.get(), *work);
      std::lock_guard<std::mutex> lock(model_mutex);
      model_done = std::move(work);
      model_running = false;
    }
  }

  void classify_loop() {
    std::uint64_t processed = 0;
    std::optional<std::string> failure;
    // kFile: groups of batch_frames consecutive frames (the last one may be
    // shorter), the same in every run, so that results do not depend on timing
    // (a batch's size changes its sums in the last bits). kLive: one frame.
    const std::size_t max_group =
        options.mode == PipelineMode::kFile ? static_cast<std::size_t>(std::max(1, options.batch_frames)) : 1;
    std::vector<Detected> group;
    while (std::optional<Detected> item = detected->pop()) {
      if (stop_requested) break;
      group.clear();
      group.push_back(std::move(*item));
      while (group.size() < max_group) {
        std::optional<Detected> more = detected->pop();
        if (!more) break;
        group.push_back(std::move(*more));
      }
      failure = options.mode == PipelineMode::kLive ? classify_live(group.front()) : classify(group);
      if (failure) {
        request_stop();
        break;
      }
      processed += group.size();
    }
    if (tap) tap->on_results_end();
    PipelineEnd final_end;
    {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait(lock, [&] { return capture_done; });
      if (failure) {
        end.reason = EndReason::kFailed;
        end.message = *failure;
      } else if (stop_requested) {
        end.reason = EndReason::kStopped;
      }
      end.frames_read = frames_read;
      end.frames_processed = processed;
      end.frames_dropped = frames->dropped();
      final_end = end;
    }
    announce_end(final_end);
  }

  // Tells the end sink, then whoever waits in wait(), that the run is over.
  void announce_end(const PipelineEnd& final_end) {
    if (on_end) on_end(final_end);
    std::lock_guard<std::mutex> lock(mutex);
    finished = true;
    changed.notify_all();
  }
};

Pipeline::Pipeline(std::unique_ptr<FrameSource> source, std::unique_ptr<FaceDetector> detector,
                   std::shared_ptr<Classifier> classifier, PipelineOptions options,
                   std::shared_ptr<FaceEmbedder> embedder, std::shared_ptr<People> people)
    : impl_(std::make_unique<Impl>()) {
  impl_->source = std::move(source);
  impl_->detector = std::move(detector);
  impl_->classifier = std::move(classifier);
  impl_->options = options;
  if (embedder && !people) people = std::make_shared<People>(embedder->spec());
  impl_->embedder = embedder && people ? std::move(embedder) : nullptr;
  impl_->tracker = Tracker(options.tracker, impl_->embedder ? std::move(people) : nullptr);
  const bool live = options.mode == PipelineMode::kLive;
  impl_->detected = std::make_unique<BoundedQueue<Detected>>(
      live ? 1 : std::max(2, options.batch_frames), OverflowPolicy::kBlock);
  if (live) {
    impl_->frames = std::make_unique<BoundedQueue<Captured>>(1, OverflowPolicy::kDropOldest);
  } else {
    impl_->frames = std::make_unique<BoundedQueue<Captured>>(std::max(1, options.queue_capacity),
                                                             OverflowPolicy::kBlock);
  }
}

Pipeline::~Pipeline() { stop(); }

void Pipeline::start(ResultSink on_result, EndSink on_end, std::shared_ptr<FrameTap> tap) {
  std::lock_guard<std::mutex> join_lock(impl_->join_mutex);
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->started) return;
    impl_->started = true;
  }
  impl_->on_result = std::move(on_result);
  impl_->on_end = std::move(on_end);
  impl_->tap = std::move(tap);
  if (!impl_->classifier->try_claim()) {  // classifier.hpp: one running pipeline per classifier
    PipelineEnd end;
    end.reason = EndReason::kFailed;
    end.message = "the emotion model is in use by another run";
    if (impl_->tap) impl_->tap->on_results_end();
    {
      std::lock_guard<std::mutex> lock(impl_->mutex);
      impl_->end = end;
    }
    impl_->announce_end(end);
    return;
  }
  impl_->claimed = true;
  const int nice = impl_->options.worker_nice;
  impl_->capture_thread = start_worker(nice, [this] { impl_->capture_loop(); });
  impl_->detect_thread = start_worker(nice, [this] { impl_->detect_loop(); });
  impl_->classify_thread = start_worker(nice, [this] { impl_->classify_loop(); });
  if (impl_->options.mode == PipelineMode::kLive) impl_->model_thread = start_worker(nice, [this] { impl_->model_loop(); });
}

void Pipeline::stop() {
  impl_->request_stop();
  join();
}

void Pipeline::join() {
  std::lock_guard<std::mutex> join_lock(impl_->join_mutex);
  for (std::thread* t : {&impl_->capture_thread, &impl_->detect_thread, &impl_->classify_thread}) {
    if (t->joinable()) t->join();
  }
  if (impl_->model_thread.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->model_mutex);
      impl_->model_stop = true;
      impl_->model_changed.notify_all();
    }
    impl_->model_thread.join();
  }
  if (impl_->claimed) {
    impl_->claimed = false;
    impl_->classifier->release_claim();
  }
}

PipelineEnd Pipeline::wait() {
  {
    std::unique_lock<std::mutex> lock(impl_->mutex);
    impl_->changed.wait(lock, [&] { return impl_->finished || !impl_->started; });
  }
  join();
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->end;
}

std::uint64_t Pipeline::dropped() const { return impl_->frames->dropped(); }

const SourceInfo& Pipeline::source_info() const { return impl_->source->info(); }
const ModelSpec& Pipeline::model_spec() const { return impl_->classifier->spec(); }
const PipelineOptions& Pipeline::options() const { return impl_->options; }
std::string Pipeline::device_name() const { return impl_->classifier->device_name(); }
const std::shared_ptr<People>& Pipeline::people() const { return impl_->tracker.people(); }
const FaceEmbedder* Pipeline::embedder() const { return impl_->embedder.get(); }

}  // namespace emoscope
