#include "emoscope/tracker.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace emoscope {

float iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0.0f ? inter / uni : 0.0f;
}

std::vector<int> associate(const std::vector<cv::Rect2f>& tracks,
                           const std::vector<cv::Rect2f>& detections, float iou_threshold) {
  std::vector<std::tuple<float, int, int>> pairs;  // iou, track, detection
  for (int t = 0; t < static_cast<int>(tracks.size()); ++t) {
    for (int d = 0; d < static_cast<int>(detections.size()); ++d) {
      const float o = iou(tracks[t], detections[d]);
      if (o >= iou_threshold && o > 0.0f) pairs.emplace_back(o, t, d);
    }
  }
  // Highest overlap first; ties broken by index so the result is deterministic.
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
    if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) > std::get<0>(b);
    return std::tie(std::get<1>(a), std::get<2>(a)) < std::tie(std::get<1>(b), std::get<2>(b));
  });
  std::vector<int> match(detections.size(), -1);
  std::vector<bool> track_used(tracks.size(), false);
  for (const auto& [o, t, d] : pairs) {
    if (track_used[t] || match[d] != -1) continue;
    track_used[t] = true;
    match[d] = t;
  }
  return match;
}

Probabilities smooth(const Probabilities& previous, const Probabilities& current, double dt_ms,
                     double tau_ms) {
  if (previous.size() != current.size() || tau_ms <= 0.0) return current;
  const double alpha = std::exp(-std::max(0.0, dt_ms) / tau_ms);
  Probabilities out(current.size());
  for (std::size_t i = 0; i < current.size(); ++i) {
    out[i] = static_cast<float>(alpha * previous[i] + (1.0 - alpha) * current[i]);
  }
  return out;
}

Tracker::Tracker(TrackerOptions options) : options_(options) {}

void Tracker::reset() {
  tracks_.clear();
  next_id_ = 1;
}

std::vector<cv::Rect2f> Tracker::live_boxes() const {
  std::vector<cv::Rect2f> boxes;
  boxes.reserve(tracks_.size());
  for (const Track& t : tracks_) boxes.push_back(t.box);
  return boxes;
}

std::vector<TrackedFace> Tracker::update(const std::vector<cv::Rect2f>& boxes,
                                         const std::vector<Probabilities>& probabilities, SourceTime time) {
  // Expire first, so a face that comes back after a long gap gets a new ID. A
  // track from a still image, or any track when this frame is a still image,
  // ends here: unrelated images share no time, so nothing carries between them.
  tracks_.erase(std::remove_if(tracks_.begin(), tracks_.end(),
                               [&](const Track& t) {
                                 return !time.is_set() || !t.last_seen.is_set() ||
                                        time.ms() - t.last_seen.ms() > options_.max_gap_ms;
                               }),
                tracks_.end());

  const std::vector<int> match = associate(live_boxes(), boxes, options_.iou_threshold);
  std::vector<TrackedFace> faces(boxes.size());
  for (std::size_t d = 0; d < boxes.size(); ++d) {
    const Probabilities& p = d < probabilities.size() ? probabilities[d] : Probabilities{};
    Track* track = nullptr;
    if (match[d] >= 0) {  // only possible when both times are set (see above)
      track = &tracks_[match[d]];
      track->smoothed = smooth(track->smoothed, p, time.ms() - track->last_seen.ms(), options_.smoothing_ms);
    } else {
      tracks_.push_back({next_id_++, boxes[d], p, time});
      track = &tracks_.back();
    }
    track->box = boxes[d];
    track->last_seen = time;

    TrackedFace& face = faces[d];
    face.id = track->id;
    face.box = boxes[d];
    face.raw = p;
    face.smoothed = track->smoothed;
    if (!face.smoothed.empty()) {
      const auto best = std::max_element(face.smoothed.begin(), face.smoothed.end());
      face.label = static_cast<int>(best - face.smoothed.begin());
      face.confidence = *best;
    }
  }
  return faces;
}

}  // namespace emoscope
