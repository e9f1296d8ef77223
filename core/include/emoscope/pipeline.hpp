// Pipeline: frames -> faces -> batched classifier (and face embedder) -> tracked,
// smoothed results, each face a person when an embedder is given.
// Runs on three threads of its own: capture; detection; classification
// (track, preprocess, infer, embed, deliver); in kLive a fourth runs the models,
// so the classification thread delivers each frame at once with what the
// tracker knows and the models' results land on the frames that follow (the
// overlay never waits for a model). Detection, the costly stage, overlaps
// with classifying the previous frame. The caller's thread never blocks on it except in
// wait()/stop().
//
// Modes and overflow policy:
//  - kLive: capture keeps only the newest frame in a one-slot mailbox; a frame
//    replaced before detection is dropped and counted. At most one frame is in
//    each stage.
//    The model thread takes one job at a time (one-slot mailbox, filled
//    only when empty): faces due while it is busy stay due for a later frame.
//  - kFile: every frame is processed; capture blocks when the bounded queue
//    (queue_capacity frames) is full (back-pressure), and a slow result sink
//    slows processing in turn.
// Results carry the frame they belong to (same seq), so overlays never drift.
// A FrameTap (start()) sees every frame read, dropped and skipped ones too,
// before processing does: a recording keeps all frames while the preview may drop.
// Frames without a time (still images) are each detected afresh and tracked on
// their own: no box, ID or smoothing carries between them (tracker.hpp).
// The sink and end callbacks run on the classification thread; they must not call
// stop(). stop(), wait() and the destructor may be called from any other thread
// at any moment, also at the same time (one joins, the others wait for it).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "emoscope/classifier.hpp"
#include "emoscope/embedder.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/frame.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/people.hpp"
#include "emoscope/results.hpp"
#include "emoscope/tracker.hpp"

namespace emoscope {

// Sees every frame the source delivers, in order, on the capture thread: also
// the frames live mode will drop and `analyze_every` skips. on_frame runs before the
// frame is queued for processing, so a result never arrives before its frame
// was tapped. on_frame may block: capture then waits (back-pressure; in live
// mode a camera's driver drops frames meanwhile, a paced file falls behind).
// on_results_end tells the tap that no more results will come (end of stream,
// stop or failure), so it must stop waiting for them; it may run on any
// thread, more than once, also while on_frame blocks.
class FrameTap {
 public:
  virtual ~FrameTap() = default;
  virtual void on_frame(const Frame& frame) = 0;
  virtual void on_results_end() = 0;
};

using ResultSink = std::function<void(FrameResult&&)>;
using EndSink = std::function<void(const PipelineEnd&)>;

class Pipeline {
 public:
  // The classifier may be shared with later pipelines (the app loads a model once),
  // but only one running pipeline may use it at a time: start() claims it
  // (Classifier::try_claim) and a second pipeline ends at once with kFailed.
  // With an `embedder`, faces are people (tracker.hpp, people.hpp): in
  // `people` when given (shared with the caller, who may rename and merge),
  // else in a new gallery at the embedder's same-person distance.
  Pipeline(std::unique_ptr<FrameSource> source, std::unique_ptr<FaceDetector> detector,
           std::shared_ptr<Classifier> classifier, PipelineOptions options,
           std::shared_ptr<FaceEmbedder> embedder = nullptr, std::shared_ptr<People> people = nullptr);
  ~Pipeline();  // stops and joins
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // `tap`, when given, sees every frame read (FrameTap); the pipeline keeps it
  // alive until it is destroyed.
  void start(ResultSink on_result, EndSink on_end = {}, std::shared_ptr<FrameTap> tap = nullptr);
  void stop();                 // asks both threads to finish, then joins
  PipelineEnd wait();          // blocks until the stream ends or stop(); returns how it ended
  std::uint64_t dropped() const;
  const SourceInfo& source_info() const;
  const ModelSpec& model_spec() const;
  const PipelineOptions& options() const;
  std::string device_name() const;
  const std::shared_ptr<People>& people() const;  // null without identities
  const FaceEmbedder* embedder() const;           // null without identities

 private:
  void join();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emoscope
