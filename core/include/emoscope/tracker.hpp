// Tracker: gives each face a stable ID across frames by box overlap (IoU,
// greedy best-first) and smooths each face's class probabilities over time with
// its own exponential moving average (time constant in ms, so the smoothing
// means the same at any frame rate). Tracks unseen for longer than max_gap_ms
// expire. Frames without a time (still images: SourceTime unset) are each
// independent: no track, ID association or smoothing carries into or out of
// them; their faces get fresh IDs (IDs are never reused within a stream).
// Not thread-safe: one tracker per stream, fed in frame order.
// Units: times in milliseconds, boxes in frame pixels.
#pragma once

#include <limits>
#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/classifier.hpp"
#include "emoscope/frame.hpp"

namespace emoscope {

struct TrackerOptions {
  float iou_threshold = 0.25f;  // minimum overlap to continue a track
  double smoothing_ms = 250.0;  // EMA time constant; 0 = no smoothing
  double max_gap_ms = 1000.0;   // a track unseen this long expires
};

struct TrackedFace {
  int id = 0;                  // stable per stream, from 1
  cv::Rect2f box;              // frame pixels
  Probabilities raw;           // this frame's model output
  Probabilities smoothed;      // after temporal smoothing
  int label = -1;              // argmax of smoothed
  float confidence = 0.0f;     // smoothed[label]
  bool detected = true;        // false when the box was carried over (no detection run)
  // The face detector's score for this box (Detection::score), carried over
  // with the box between detections; NaN when the detector gives none (Haar).
  float face_score = std::numeric_limits<float>::quiet_NaN();
};

float iou(const cv::Rect2f& a, const cv::Rect2f& b);

// For each detection, the index of the track it continues, or -1. Pairs are
// taken greedily by descending IoU; each track and detection is used once.
std::vector<int> associate(const std::vector<cv::Rect2f>& tracks,
                           const std::vector<cv::Rect2f>& detections, float iou_threshold);

// One EMA step: alpha = exp(-dt/tau) weight on the previous value.
Probabilities smooth(const Probabilities& previous, const Probabilities& current, double dt_ms,
                     double tau_ms);

class Tracker {
 public:
  explicit Tracker(TrackerOptions options = {});
  // Faces in this frame, in the order of `boxes`. `time` is the frame's source
  // time; unset (a still image) ends every track first and starts new ones
  // that no later frame continues.
  std::vector<TrackedFace> update(const std::vector<cv::Rect2f>& boxes,
                                  const std::vector<Probabilities>& probabilities, SourceTime time);
  // Boxes of the live tracks (to carry over on frames where detection is skipped).
  std::vector<cv::Rect2f> live_boxes() const;
  void set_options(const TrackerOptions& options) { options_ = options; }
  void reset();

 private:
  struct Track {
    int id;
    cv::Rect2f box;
    Probabilities smoothed;
    SourceTime last_seen;  // unset: seen on a still image, so never continued
  };
  TrackerOptions options_;
  std::vector<Track> tracks_;
  int next_id_ = 1;
};

}  // namespace emoscope
