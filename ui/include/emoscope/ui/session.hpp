// Session: one run of core's Pipeline behind a Qt object, for the desktop app.
//  - Live (camera, or a video file played at its nominal rate): PipelineMode::kLive,
//    stale frames are dropped and counted.
//  - Analysis (video file or images): PipelineMode::kFile, every frame, with
//    pause (RunEngine's: back-pressure stalls the pipeline), progress and a
//    per-frame record of every face for the timeline.
// A thin adapter: the engine owns the threads, pausing and stopping; the
// Session turns its results into QImages and Qt signals.
//
// Threading: the run (core's RunEngine) runs the pipeline on its own three
// threads and calls the result sink on an output thread of its own (behind a
// bounded, blocking queue: nothing is dropped). The sink annotates the frame
// with the engine's annotator, converts it to a QImage and stores the newest
// update in a mutex-guarded slot; it posts one queued invocation to the UI thread only
// if none is pending (coalescing: a slow UI sees the newest frame, never a
// backlog). frameReady()/finished() are emitted on the thread that owns the
// Session (the UI thread); every public method must be called from that thread.
// Recording (the engine's outputs: RecordingWriter, on a thread of its own) gets
// every frame the source delivers through the pipeline's FrameTap, so a live recording keeps
// the frames the preview drops, each drawn with the newest result at or before
// it; while a live session is paused nothing is recorded and the recording's
// clock stops. A recording that cannot be written ends the session: finished()
// then reports EndReason::kFailed with the error.
// Units: milliseconds for times, frames per second for fps.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <QElapsedTimer>
#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QSize>
#include <QString>

#include "emoscope/portraits.hpp"
#include "emoscope/run.hpp"

namespace emoscope::ui {

// Everything a session runs with: source, live (kLive with live pacing; else
// kFile analysis), model, detector, pipeline, overlay confidence, mirror.
using SessionConfig = RunOptions;

// One processed frame, kept for the analysis timeline and seeking.
struct FrameRecord {
  std::uint64_t seq = 0;
  double pos_ms = 0;  // source time (Frame::time); 0 for still images, which have none
  std::vector<TrackedFace> faces;
};

// The newest frame's data, as delivered to the UI thread.
struct SessionUpdate {
  QImage image;                        // annotated frame (core annotator), full size;
                                       // null in the last update of an analysis when it
                                       // only carries the remaining records
  QImage display;                      // the same, pre-scaled off the UI thread to the view's size
  std::uint64_t seq = 0;
  double pos_ms = 0;                   // source time; 0 for still images, which have none
  std::vector<TrackedFace> faces;
  double fps = 0;                      // processed frames per second (last second)
  double detect_ms = 0;                // last detector run
  double classify_ms = 0;              // preprocess + inference
  std::uint64_t dropped = 0;           // live: frames dropped so far
  std::uint64_t processed = 0;         // frames processed so far
  std::vector<FrameRecord> new_records;  // analysis: every frame since the last update
};

class Session : public QObject {
  Q_OBJECT
 public:
  // Opens the source, creates the detector and loads the classifier (or takes
  // `preloaded`, already loaded from config.model_path); nullptr with `error`
  // set if any fails.
  static std::unique_ptr<Session> create(const SessionConfig& config, QString* error,
                                         std::shared_ptr<Classifier> preloaded = nullptr,
                                         QObject* parent = nullptr);
  ~Session() override;  // stops the pipeline and finalises any recording

  void start();
  void stop();                       // blocks until the pipeline threads joined
  bool running() const { return running_; }
  bool live() const { return config().live; }
  void setPaused(bool paused);       // RunEngine::set_paused: analysis stalls, live ignores results
  bool paused() const { return engine_->paused(); }
  void setMinConfidence(float value) { engine_->set_min_confidence(value); }
  // Size (device pixels) the view shows frames at; the sink scales to it, so
  // the UI thread only blits. Empty = no pre-scaling.
  void setDisplaySize(const QSize& size);

  // Recording (Recorder formats: <base>.mkv, <base>.csv, <base>.json; no
  // video for image sources, whose frame size is not known up front).
  bool startRecording(const std::string& base_path, QString* error);
  MaybeError stopRecording();            // finalises the files; no-op when not recording
  bool recording() const;
  long recordedFrames() const;       // frames in the recording's video so far (captured frames)

  const SourceInfo& sourceInfo() const { return engine_->source_info(); }
  const ModelSpec& modelSpec() const { return engine_->model_spec(); }
  std::string deviceName() const { return engine_->device_name(); }
  // The run's people (rename, merge and split from the UI thread while it runs);
  // null when identities are off. The embedder their descriptors come from.
  const std::shared_ptr<People>& people() const { return engine_->people(); }
  const FaceEmbedder* embedder() const { return engine_->embedder(); }
  // Each person's clearest face so far (portraits.hpp), taken on the output
  // thread from every result; read from the UI thread. Null when identities are off.
  const std::shared_ptr<Portraits>& portraits() const { return portraits_; }
  const SessionConfig& config() const { return engine_->options(); }
  const PipelineEnd& end() const { return end_; }

 signals:
  void frameReady(const emoscope::ui::SessionUpdate& update);
  // The stream ended (end of file, read error, camera lost, stopped or failed).
  // Any recording has been finalised before this is emitted.
  void finished(const emoscope::PipelineEnd& end);

 private:
  Session(std::unique_ptr<RunEngine> engine, QObject* parent);
  void onResult(FrameResult&& result);   // the engine's output thread
  void deliver();                        // UI thread
  void onEnded();                        // UI thread

  std::unique_ptr<RunEngine> engine_;
  std::shared_ptr<Portraits> portraits_;
  bool running_ = false;
  bool finished_emitted_ = false;
  PipelineEnd end_;

  std::atomic<std::uint64_t> display_size_{0};  // width << 32 | height
  static constexpr qint64 kMinDeliveryGapMs = 30;  // at most ~33 UI updates a second

  // Output-thread state (only the sink touches these).
  QElapsedTimer fps_clock_;
  int fps_frames_ = 0;
  double fps_ = 0;
  double last_detect_ms_ = 0;
  std::atomic<std::uint64_t> processed_{0};

  // The mailbox between the sink and the UI thread.
  std::mutex slot_mutex_;
  std::optional<SessionUpdate> slot_;
  std::vector<FrameRecord> pending_records_;
  bool delivery_pending_ = false;
  QElapsedTimer last_post_;  // sink thread
};

}  // namespace emoscope::ui

Q_DECLARE_METATYPE(emoscope::ui::SessionUpdate)
Q_DECLARE_METATYPE(emoscope::PipelineEnd)
