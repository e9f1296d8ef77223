// What a run produces and the processing settings that shaped it: the
// per-frame result (the faces of one frame, matched to it by its sequence
// number), how a run ended, and the pipeline's options. Shared by the pipeline
// that makes them and the outputs that write them (recorder.hpp), so that the
// outputs do not depend on the pipeline. Value types; units in the comments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emoscope/frame.hpp"
#include "emoscope/tracker.hpp"

namespace emoscope {

enum class PipelineMode { kLive, kFile };

struct StageTimes {  // milliseconds
  double decode = 0, detect = 0, preprocess = 0, infer = 0, total = 0;
  double embed = 0;       // face descriptors (chips and forward pass), this frame's share
  bool detected = false;  // detection ran on this frame
};

struct FrameResult {
  Frame frame;                      // the frame these faces belong to
  std::vector<TrackedFace> faces;
  StageTimes times;
  std::uint64_t dropped_so_far = 0; // live mode
};

enum class EndReason { kEndOfStream, kReadError, kSourceLost, kStopped, kFailed };

struct PipelineEnd {
  EndReason reason = EndReason::kEndOfStream;
  std::string message;
  std::uint64_t frames_read = 0;
  std::uint64_t frames_processed = 0;
  std::uint64_t frames_dropped = 0;
};

struct PipelineOptions {
  PipelineMode mode = PipelineMode::kFile;
  int queue_capacity = 4;        // kFile: frames buffered between capture and processing
  int detect_every = 5;          // run the detector at least every N frames (1 = every frame)
  double motion_threshold = 12.0; // mean abs grey difference (0..255) that forces a detection
  // Mean abs grey difference (0..255) from the frame before that makes a frame a
  // scene cut: it is detected afresh and every face's identity is checked. 0 = off.
  double scene_cut_threshold = 20.0;  // hamilton: cuts 27-30, motion at most 13.3 (docs/people.md)
  // kFile: analyse every Nth frame only (--every; the others are skipped, not
  // dropped, and still reach the outputs' video). Not detect_every, which spaces
  // the detector's runs among the frames analysed.
  int analyze_every = 1;
  // kFile: the faces of this many consecutive frames share one forward pass
  // (larger batches use the CPU better); kLive always uses 1.
  int batch_frames = 4;
  // Nice steps below the caller's priority for the run's threads (pipeline,
  // output, recording writer; Linux). 0 for the CLI; the desktop app sets
  // kInteractiveWorkerNice so its UI thread stays responsive during an analysis.
  // File analyses only: RunEngine::open() sets 0 for live runs, which must keep
  // up with the camera (lowered, a live view beside busy programs dropped most frames).
  int worker_nice = 0;
  TrackerOptions tracker;
};

// The desktop app's worker_nice: measured on a 2-core machine analysing hamilton,
// the UI thread's lateness p99 went from 28-40 to 18-22 ms (docs/architecture.md).
inline constexpr int kInteractiveWorkerNice = 4;

}  // namespace emoscope
