// RecordingWriter: records a run in real time, on a writer thread of its own,
// through a Recorder (formats: docs/output-formats.md).
//
// What goes where:
//  - the video gets every frame the source delivers (as a FrameTap of the
//    pipeline): live mode may drop frames for processing and the preview, the
//    recording does not; `analyze --every N` keeps the frames it skips. Each
//    frame is drawn (the Draw callback, on the writer thread) with the faces of
//    the newest processed frame at or before it, by sequence number, so a frame
//    is written once the pipeline has produced a result for it or a later
//    frame, or once results have ended.
//  - the CSV and summary get each processed frame (on_result) once, in order:
//    the CSV lists processed frames, the video has all frames.
//  - the video keeps real time: each frame is written at its source time (less
//    the time paused), so a source whose timestamps disagree with its nominal
//    rate keeps its real duration; and when a frame's source time is more than
//    half a frame past the slot the video has got to at the Recorder's constant
//    rate (RecorderOptions::fps: a camera that delivers slower than its nominal
//    rate, a pause of the source), the frame before it is repeated at the
//    slots between, so the video plays at a steady rate and its duration
//    equals the time recorded. A frame is never left out, even when frames
//    come faster than the nominal rate (counted in Stats::ahead_frames).
//    Frames without a time (still images) follow at the nominal rate.
//
// Queues and overflow policy:
//  - frames waiting to be written: at most `capacity` (default: 1 s at the
//    source's rate, at least 8 and more than `analyze_every`). When full, on_frame
//    blocks (kBlock: back-pressure on the capture thread; nothing is dropped).
//    Every such wait is counted (Stats::capture_waits, waited_ms). For a camera
//    the driver drops frames while capture waits; their time is then filled by
//    repeats as above.
//  - results waiting to be written: never block and never drop. They are
//    bounded by the frame queue: a result's frame was tapped before the result
//    arrived (FrameTap), so at most one result per queued frame, plus the few
//    frames the pipeline had in flight when the recording started.
// Results for frames before the recording's first frame (a recording started
// mid-run) only draw the first frames; they are not written to the CSV.
// A write error stops the writing: it is kept (finish() returns it), on_error
// is called once on the writer thread, and later frames are discarded so that
// capture never blocks on a broken recording.
//
// Thread-safety: on_frame from one thread (the capture thread), on_result from
// one thread (the classification thread), on_results_end, set_paused and
// stats() from any thread; finish() once, from a thread that is neither.
// Units: times in milliseconds; sequence numbers as Frame::seq.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <opencv2/core.hpp>

#include "emoscope/error.hpp"
#include "emoscope/pipeline.hpp"
#include "emoscope/recorder.hpp"

namespace emoscope {

class RecordingWriter final : public FrameTap {
 public:
  // Draws `image` (not to be modified: clone first) with the faces of
  // `latest`, the newest result at or before the frame; null before the first
  // result. Returns the frame to write. Runs on the writer thread.
  using Draw = std::function<cv::Mat(const cv::Mat& image, const FrameResult* latest)>;

  struct Options {
    std::size_t capacity = 0;  // frames queued before on_frame blocks; 0 = 1 s at `fps`, at least 8
    int analyze_every = 1;     // the pipeline analyses every Nth frame: capacity stays above it
    int worker_nice = 0;       // the writer thread's nice steps (PipelineOptions::worker_nice)
    std::function<void(const Error&)> on_error;  // first write error, on the writer thread
  };

  struct Stats {
    long frames_tapped = 0;       // frames on_frame accepted (the recording's frames)
    long video_frames = 0;        // frames written to the video, repeats included
    long repeated_frames = 0;     // extra copies written to fill gaps in time
    long ahead_frames = 0;        // frames written although the video was already ahead of their time
    long results_written = 0;     // processed frames written to the CSV / summary
    long capture_waits = 0;       // on_frame calls that waited for room (back-pressure)
    double waited_ms = 0;         // total time on_frame waited
    long discarded_frames = 0;    // frames dropped after a write error or while paused
  };

  // Starts the writer thread. `draw` may be empty when the recorder has no video.
  RecordingWriter(std::unique_ptr<Recorder> recorder, bool has_video, double fps, Draw draw, Options options);
  ~RecordingWriter() override;  // finish() if not done (errors logged)
  RecordingWriter(const RecordingWriter&) = delete;
  RecordingWriter& operator=(const RecordingWriter&) = delete;

  void on_frame(const Frame& frame) override;
  void on_results_end() override;
  void on_result(const FrameResult& result);
  // While paused, frames are discarded (counted) and the video's clock stops:
  // the first frame after the pause follows the last one before it.
  void set_paused(bool paused);

  // Writes what is queued (with the newest results; no more are awaited),
  // stops the thread, passes `end` (the run's frame counts) to the summary
  // unless null, and closes the files. Returns the first error. Idempotent.
  MaybeError finish(const PipelineEnd* end = nullptr);
  Stats stats() const;

 private:
  struct Pending {
    Frame frame;
    bool rebase = false;  // first frame after a pause: the video's clock restarts here
  };
  void run();
  void write_frame(const Pending& pending);
  void write_result(const FrameResult& result);
  void fail(const MaybeError& status);

  std::unique_ptr<Recorder> recorder_;  // used on the writer thread only, then by finish()
  const bool has_video_;
  const double fps_;
  Draw draw_;
  Options options_;
  std::size_t capacity_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;   // writer: work arrived; on_frame: room
  std::deque<Pending> frames_;        // bounded by capacity_ (kBlock)
  std::deque<FrameResult> results_;   // bounded by the frames tapped (see above)
  std::optional<std::uint64_t> first_seq_;   // the recording's first frame
  std::optional<std::uint64_t> newest_result_seq_;
  bool results_ended_ = false;
  bool closing_ = false;
  bool paused_ = false;
  bool rebase_ = false;   // the next frame restarts the video's clock (after a pause)
  bool failed_ = false;
  MaybeError error_;
  Stats stats_;           // guarded by mutex_

  // Writer-thread state.
  std::deque<FrameResult> overlays_;  // results not yet reached by the frames written
  std::optional<FrameResult> current_;
  std::optional<double> clock_origin_ms_;  // source time of the video's frame 0, moved on by pauses
  std::optional<double> first_origin_ms_;  // the first frame's: the video's times are relative to it
  cv::Mat last_written_;                   // repeated to fill a gap in time
  long video_frames_ = 0;                  // mirrored into stats_

  std::thread thread_;
  bool finished_ = false;  // finish() has run (touched by its caller only)
};

}  // namespace emoscope
