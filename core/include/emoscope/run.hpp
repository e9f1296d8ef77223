// RunEngine: one run of the analysis, assembled in one place for every front
// end (emoscope-cli analyze, live and bench; the desktop app's Session): a
// source, a face detector, a classifier (loaded once and shared: the app loads
// its model once), the Pipeline, and the run's outputs (each a Recorder behind
// a RecordingWriter: CSV, summary JSON, annotated video). Its settings are
// RunOptions (run_options.hpp), resolved by resolve() when the run opens.
//
// Threads: the pipeline's three (pipeline.hpp); one writer thread per output,
// which draws, encodes and writes (recording_writer.hpp); and an output thread
// of the engine's own, which calls the caller's RunSink and RunEndSink, so
// whatever the front end does with a result (the preview's annotation, a
// progress bar, a status line) never runs on the classification thread.
// Between the classification thread and the output thread: a BoundedQueue of
// kResultQueueCapacity results with OverflowPolicy::kBlock. Nothing is
// dropped: a slow sink slows the pipeline (back-pressure; in live mode the
// pipeline then drops frames at capture, as when it is slow itself).
//
// How a run ends: the source ends, stop()/request_stop(), or an error of a
// sink or an output. A RunSink that returns an Error, or an output that fails
// to write, ends the run with that status: the engine stops the pipeline,
// closes the outputs, and RunEnd::status carries the first error (its
// pipeline end then reads kStopped). The outputs are closed before the
// RunEndSink runs, so RunEnd also carries an error in closing them.
//
// Thread-safety: request_stop(), set_paused() and set_min_confidence() from any thread, the
// sinks included; every other method from one controlling thread, never from
// the sinks. Units: times in milliseconds; fps in frames per second.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/bounded_queue.hpp"
#include "emoscope/classifier.hpp"
#include "emoscope/error.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/pipeline.hpp"
#include "emoscope/recording_writer.hpp"
#include "emoscope/run_options.hpp"
#include "emoscope/video_writer.hpp"

namespace emoscope {

struct RunEnd {
  PipelineEnd pipeline;  // how the pipeline ended, with its frame counts
  MaybeError status;         // the first error of a sink or an output; empty when none
  std::vector<RecordingWriter::Stats> outputs;  // each output still open at the end, in the order opened
};

// Called on the output thread for each processed frame, in order; an Error ends the run.
using RunSink = std::function<MaybeError(FrameResult&&)>;
// Called once on the output thread when the run has ended and its outputs are closed.
using RunEndSink = std::function<void(const RunEnd&)>;

// The classifier RunOptions names (model_path, else the shipped default), or an Error.
Result<std::unique_ptr<Classifier>> load_run_classifier(const RunOptions& options);
// The face embedder options.identity names (else the shipped one); null when identities are off.
Result<std::shared_ptr<FaceEmbedder>> load_run_embedder(const RunOptions& options);
// A gallery for a run: the known people of identity.gallery_path, else an empty
// one; the threshold is identity.threshold, else the embedder's own.
Result<std::shared_ptr<People>> make_run_people(const RunOptions& options, const FaceEmbedder& embedder);
const char* device_choice_name(DeviceChoice device);

// Recorder options describing a run of `pipeline` (labels, model, source, video
// size and rate, header), with the detector's settings and the model's file.
// A video file analysed in file mode is also the video's audio_from. Here, not
// in recorder.hpp: the engine ties the pipeline to its outputs.
RecorderOptions recorder_options_for(const Pipeline& pipeline, const DetectorOptions& detector,
                                     const std::string& model_file, const std::string& embedder_file = {},
                                     const std::string& people_gallery = {});

class RunEngine {
 public:
  static constexpr std::size_t kResultQueueCapacity = 4;

  // Opens the source, creates the detector, loads the classifier unless one is
  // given (it must come from options.model_path) and opens options.outputs.
  // With identities on, the embedder is loaded likewise unless given.
  static Result<std::unique_ptr<RunEngine>> open(const RunOptions& options,
                                                 std::shared_ptr<Classifier> classifier = nullptr,
                                                 std::shared_ptr<FaceEmbedder> embedder = nullptr);
  ~RunEngine();  // stop()
  RunEngine(const RunEngine&) = delete;
  RunEngine& operator=(const RunEngine&) = delete;

  void start(RunSink on_result = {}, RunEndSink on_end = {});  // once
  void request_stop();  // returns at once; the run then ends as described above
  // Blocks until the run has ended (the RunEndSink has run), stopping it as
  // soon as `stop_when` (polled every 20 ms, on this thread) returns true.
  RunEnd wait(const std::function<bool()>& stop_when = {});
  RunEnd stop();        // request_stop(), then wait()

  // Another output from now on (the app's record button); frames before it are not in it.
  MaybeError start_recording(const OutputOptions& output);
  MaybeError stop_recording();  // closes every output; the first error
  bool recording() const;
  RecordingWriter::Stats recording_stats() const;  // of the newest output; zeros without one
  // Pausing, one mechanism for both kinds of run (any thread). Live: results
  // are not delivered and outputs record nothing meanwhile (the camera goes on).
  // Analysis: the output thread holds the next result, so back-pressure stalls
  // the pipeline and nothing is skipped; stop() ends a paused run at once.
  void set_paused(bool paused);
  bool paused() const { return paused_; }
  void set_min_confidence(float value) { min_confidence_ = value; }

  // The frame drawn as the outputs draw it: boxes, labels, IDs (and the HUD when asked).
  cv::Mat annotate(const cv::Mat& image, const FrameResult* result, bool hud = false) const;

  const RunOptions& options() const { return options_; }
  const SourceInfo& source_info() const { return pipeline_->source_info(); }
  const ModelSpec& model_spec() const { return pipeline_->model_spec(); }
  const std::string& device_name() const { return device_; }
  // The run's people (rename and merge from any thread); null without identities.
  const std::shared_ptr<People>& people() const { return pipeline_->people(); }
  const FaceEmbedder* embedder() const { return pipeline_->embedder(); }  // null without identities
  std::uint64_t processed() const { return processed_; }

 private:
  class Tap;
  RunEngine(RunOptions options, std::unique_ptr<Pipeline> pipeline);
  void on_result(FrameResult&& result);  // classification thread
  void output_loop();                    // output thread
  void fail(const Error& error);
  std::vector<std::shared_ptr<RecordingWriter>> writers() const;
  MaybeError finish_outputs(const PipelineEnd* end, std::vector<RecordingWriter::Stats>* stats = nullptr);

  RunOptions options_;
  std::unique_ptr<Pipeline> pipeline_;
  std::string device_;
  SteadyClock::time_point started_;
  std::atomic<std::uint64_t> processed_{0};
  std::atomic<float> min_confidence_{0.0f};
  std::atomic<bool> paused_{false};          // written under pause_mutex_
  std::atomic<bool> stop_requested_{false};  // written under pause_mutex_
  std::mutex pause_mutex_;
  std::condition_variable pause_changed_;
  BoundedQueue<FrameResult> results_{kResultQueueCapacity, OverflowPolicy::kBlock};
  RunSink on_result_;
  RunEndSink on_end_;
  std::thread output_thread_;

  mutable std::mutex mutex_;
  std::condition_variable ended_changed_;
  std::vector<std::shared_ptr<RecordingWriter>> writers_;  // guards the list only: calls happen outside
  MaybeError error_;
  std::optional<RunEnd> end_;
  bool started_run_ = false;
};

}  // namespace emoscope
