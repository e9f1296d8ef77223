#include "emoscope/ui/session.hpp"

#include <QMetaObject>
#include <opencv2/imgproc.hpp>

#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

namespace {

// A run that a sink or an output ended with an error reads as failed, with that error.
PipelineEnd pipeline_end(const RunEnd& end) {
  PipelineEnd e = end.pipeline;
  if (end.status) {
    e.reason = EndReason::kFailed;
    e.message = end.status->message;
  }
  return e;
}

}  // namespace

std::unique_ptr<Session> Session::create(const SessionConfig& config, QString* error,
                                         std::shared_ptr<Classifier> preloaded, QObject* parent) {
  qRegisterMetaType<emoscope::ui::SessionUpdate>();
  qRegisterMetaType<emoscope::PipelineEnd>();
  auto engine = RunEngine::open(config, std::move(preloaded));
  if (!engine) {
    if (error) *error = error_text(engine.error());
    return nullptr;
  }
  return std::unique_ptr<Session>(new Session(std::move(engine).value(), parent));
}

Session::Session(std::unique_ptr<RunEngine> engine, QObject* parent) : QObject(parent), engine_(std::move(engine)) {
  if (engine_->people()) portraits_ = std::make_shared<Portraits>(PortraitOptions{}, engine_->people());
}

Session::~Session() { stop(); }

void Session::start() {
  if (running_ || finished_emitted_) return;
  running_ = true;
  engine_->start(
      [this](FrameResult&& r) {
        onResult(std::move(r));
        return MaybeError{};
      },
      [this](const RunEnd&) { QMetaObject::invokeMethod(this, [this] { onEnded(); }, Qt::QueuedConnection); });
}

void Session::stop() {
  if (running_) {  // joins the run and closes any recording (its queued onEnded is ignored)
    running_ = false;
    end_ = pipeline_end(engine_->stop());
  }
  stopRecording();
}

void Session::setDisplaySize(const QSize& size) {
  const std::uint64_t w = static_cast<std::uint32_t>(std::max(0, size.width()));
  const std::uint64_t h = static_cast<std::uint32_t>(std::max(0, size.height()));
  display_size_ = (w << 32) | h;
}

void Session::setPaused(bool paused) { engine_->set_paused(paused); }

bool Session::startRecording(const std::string& base_path, QString* error) {
  OutputOptions output;
  // Image folders announce no frame size (and may mix sizes): no video then.
  if (!sourceInfo().size.empty()) output.video_path = base_path + ".mkv";
  output.csv_path = base_path + ".csv";
  output.summary_path = base_path + ".json";
  const MaybeError s = engine_->start_recording(output);
  if (s && error) *error = qstr(s->message);
  return !s;
}

MaybeError Session::stopRecording() { return engine_->stop_recording(); }
bool Session::recording() const { return engine_->recording(); }
long Session::recordedFrames() const { return engine_->recording_stats().frames_tapped; }

void Session::onResult(FrameResult&& r) {
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
  if (portraits_) portraits_->observe(r);  // every result: the clearest view may be in a frame the UI skips

  // Hand the UI a frame only when it is free (nothing pending) and not more
  // than ~33 times a second; the analysis records always travel. A frame the
  // UI will not see is not drawn.
  bool wanted = true;
  {
    std::lock_guard<std::mutex> lock(slot_mutex_);
    wanted = !delivery_pending_ && (!last_post_.isValid() || last_post_.elapsed() >= kMinDeliveryGapMs);
    if (!wanted && !live()) pending_records_.push_back({r.frame.seq, r.frame.time.ms_or(0.0), r.faces});
  }
  if (!wanted) return;

  const cv::Mat annotated = engine_->annotate(r.frame.image, &r);
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
    if (!live()) pending_records_.push_back({r.frame.seq, r.frame.time.ms_or(0.0), std::move(r.faces)});
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
  if (!running_) return;  // stop() already handled it
  deliver();  // whatever arrived last
  end_ = pipeline_end(engine_->wait());  // the recording is closed: its errors are in end_
  running_ = false;
  finished_emitted_ = true;
  emit finished(end_);
}

}  // namespace emoscope::ui
