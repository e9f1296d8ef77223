#include "emoscope/tracker.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include <opencv2/imgproc.hpp>

#include <spdlog/spdlog.h>
#include <tuple>

namespace emoscope {

std::string display_name(const TrackedFace& face) {
  if (!face.person_name.empty()) return face.person_name;
  if (face.person_id > 0) return "P" + std::to_string(face.person_id);
  return "#" + std::to_string(face.id);
}

float face_sharpness(const cv::Mat& bgr, const cv::Rect2f& box) {
  const cv::Rect inside = cv::Rect(box) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (inside.width < 4 || inside.height < 4) return std::numeric_limits<float>::quiet_NaN();
  cv::Mat small, grey, lap;
  cv::resize(bgr(inside), small, cv::Size(64, 64), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, grey, bgr.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  cv::Laplacian(grey, lap, CV_32F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  return static_cast<float>(stddev[0] * stddev[0]);
}

bool clear_view(float score, float sharpness) {
  constexpr float kMinScore = 0.8f;  // YuNet's own sure-face level (shared/README: 0.8)
  constexpr float kMinSharpness = 6.0f;
  return (std::isnan(score) || score >= kMinScore) && (std::isnan(sharpness) || sharpness >= kMinSharpness);
}

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

Tracker::Tracker(TrackerOptions options, std::shared_ptr<People> people)
    : options_(options), people_(std::move(people)) {}

void Tracker::reset() {
  tracks_.clear();
  next_id_ = 1;
  frame_count_ = 0;
}

std::size_t Tracker::Assignment::embed_count() const {
  return static_cast<std::size_t>(std::count(to_embed_.begin(), to_embed_.end(), true));
}

std::size_t Tracker::Assignment::classify_count() const {
  return static_cast<std::size_t>(std::count(to_classify_.begin(), to_classify_.end(), true));
}

std::vector<cv::Rect2f> Tracker::live_boxes() const {
  std::vector<cv::Rect2f> boxes;
  boxes.reserve(tracks_.size());
  for (const auto& t : tracks_) boxes.push_back(t->box);
  return boxes;
}

std::vector<TrackedFace> Tracker::update(const std::vector<cv::Rect2f>& boxes,
                                         const std::vector<Probabilities>& probabilities, SourceTime time) {
  return resolve(assign(boxes, time, {}, /*classify_all=*/true, /*models_free=*/true), probabilities);
}

Tracker::Assignment Tracker::assign(const std::vector<cv::Rect2f>& boxes, SourceTime time, const FrameCues& cues,
                                    bool models_free) {
  return assign(boxes, time, cues, /*classify_all=*/false, models_free);
}

Tracker::Assignment Tracker::assign(const std::vector<cv::Rect2f>& boxes, SourceTime time, const FrameCues& cues,
                                    bool classify_all, bool models_free) {
  // Expire first, so a face that comes back after a long gap gets a new ID. A
  // track from a still image, or any track when this frame is a still image,
  // ends here: unrelated images share no time, so nothing carries between them.
  tracks_.erase(std::remove_if(tracks_.begin(), tracks_.end(),
                               [&](const auto& t) {
                                 return !time.is_set() || !t->last_seen.is_set() ||
                                        time.ms() - t->last_seen.ms() > options_.max_gap_ms;
                               }),
                tracks_.end());

  ++frame_count_;
  if (people_) {
    for (int id : people_->take_split_requests()) {
      for (const auto& t : tracks_) {
        if (t->id == id && !t->last_embedding.empty()) {
          t->person = people_->add_person(t->last_embedding);
          t->fresh_person = false;  // the user took it apart: it stays its own person
        }
      }
    }
  }
  const std::vector<int> match = associate(live_boxes(), boxes, options_.iou_threshold);
  Assignment a;
  a.faces_.reserve(boxes.size());
  a.to_classify_.reserve(boxes.size());
  a.to_embed_.reserve(boxes.size());
  for (std::size_t d = 0; d < boxes.size(); ++d) {
    std::shared_ptr<Track> track;
    bool due = true;
    bool fresh = false;
    double dt_ms = 0;
    if (match[d] >= 0) {  // only possible when both times are set (see above)
      track = tracks_[match[d]];
      dt_ms = time.ms() - track->classified_at.ms();
      // A face never sent to the classifier (the models were busy: live mode) is due at once.
      due = classify_all || dt_ms >= options_.classify_interval_ms || !track->classify_asked;
    } else {
      track = std::make_shared<Track>();
      track->id = next_id_++;
      track->classified_at = time;
      track->first_seen = time;
      tracks_.push_back(track);
      fresh = true;
    }
    const bool gap = !fresh && track->last_frame + 1 != frame_count_;
    const bool lost = d < cues.lost.size() && cues.lost[d];
    if (lost) track->suspect = true;
    bool embed = false;
    bool clear = true;
    if (people_ && !lost && !track->embed_pending) {
      // Check the face is still its person whenever the box may have passed
      // to another face: after a frame without it, a cut, or the follower losing it.
      const bool verify = gap || cues.scene_cut || track->suspect;
      const bool stale = !time.is_set() || !track->embedded_at.is_set() ||
                         time.ms() - track->embedded_at.ms() >= options_.identity_interval_ms;
      // A new face is identified on its first clear view (person_id stays
      // empty until then), or unclear after kIdentifyWaitMs; a known face's
      // checks wait for a clear view.
      const float sharpness = d < cues.sharpness.size() ? cues.sharpness[d] : NAN;
      clear = clear_view(d < cues.scores.size() ? cues.scores[d] : NAN, sharpness);
      // Waiting helps a face coming into view; an out-of-focus one stays so.
      const bool waited = !time.is_set() || !track->first_seen.is_set() || !clear_view(NAN, sharpness) ||
                          time.ms() - track->first_seen.ms() >= kIdentifyWaitMs;
      embed = track->person == 0 ? (clear || waited) : ((verify || stale) && clear);
    }
    if (!models_free) due = embed = false;  // still due on a later frame
    // A check that cannot be made now (an unclear view, busy models) is made at the next chance.
    if (!embed && track->person != 0 && (gap || cues.scene_cut)) track->suspect = true;
    if (embed) {
      track->embedded_at = time;
      track->embed_pending = true;
      due = true;  // a face that turns out to be someone else restarts its smoothing from this frame
    }
    track->box = boxes[d];
    track->last_seen = time;
    track->last_frame = frame_count_;
    if (due) {
      track->classified_at = time;
      track->classify_asked = true;
    }
    const bool verifying = embed && !fresh && (gap || cues.scene_cut || track->suspect);
    a.faces_.push_back({track, boxes[d], dt_ms, verifying, clear});
    a.to_classify_.push_back(due);
    a.to_embed_.push_back(embed);
  }
  return a;
}

std::vector<TrackedFace> Tracker::resolve(const Assignment& assignment,
                                          const std::vector<Probabilities>& probabilities,
                                          const std::vector<Embedding>& embeddings) {
  std::vector<TrackedFace> faces(assignment.faces_.size());
  if (people_) identify(assignment, embeddings, faces);
  std::size_t next = 0;  // index into probabilities
  for (std::size_t d = 0; d < faces.size(); ++d) {
    const Assignment::Face& f = assignment.faces_[d];
    TrackedFace& face = faces[d];
    face.classified = assignment.to_classify_[d];
    if (face.classified) {
      face.raw = next < probabilities.size() ? probabilities[next] : Probabilities{};
      ++next;
      f.track->smoothed = smooth(f.track->smoothed, face.raw, f.dt_ms, options_.smoothing_ms);
    }
    const std::vector<float> raw = std::move(face.raw);
    const bool classified = face.classified, embedded = face.embedded;
    face = face_of(*f.track, f.box);
    face.raw = raw;
    face.classified = classified;
    face.embedded = embedded;
  }
  return faces;
}

TrackedFace Tracker::face_of(const Track& track, const cv::Rect2f& box) const {
  TrackedFace face;
  face.id = track.id;
  if (people_ && track.person != 0) {
    face.person_id = people_->canonical(track.person);
    face.person_name = people_->name(face.person_id);
  }
  face.box = box;
  face.smoothed = track.smoothed;
  if (!face.smoothed.empty()) {
    const auto best = std::max_element(face.smoothed.begin(), face.smoothed.end());
    face.label = static_cast<int>(best - face.smoothed.begin());
    face.confidence = *best;
  }
  return face;
}

void Tracker::land(const Assignment& assignment, const std::vector<Probabilities>& probabilities,
                   const std::vector<Embedding>& embeddings) {
  const std::vector<TrackedFace> faces = resolve(assignment, probabilities, embeddings);
  for (std::size_t d = 0; d < faces.size(); ++d) {
    Track& track = *assignment.faces_[d].track;
    if (faces[d].classified) track.landed = faces[d].raw;
    track.landed_embedding = track.landed_embedding || faces[d].embedded;
  }
}

std::vector<TrackedFace> Tracker::current(const Assignment& assignment) {
  std::vector<TrackedFace> faces;
  faces.reserve(assignment.faces_.size());
  for (const Assignment::Face& f : assignment.faces_) {
    Track& track = *f.track;
    TrackedFace face = face_of(track, f.box);
    face.classified = !track.landed.empty();
    face.raw = std::move(track.landed);
    track.landed.clear();
    face.embedded = std::exchange(track.landed_embedding, false);
    faces.push_back(std::move(face));
  }
  return faces;
}

void Tracker::identify(const Assignment& assignment, const std::vector<Embedding>& embeddings,
                       std::vector<TrackedFace>& faces) {
  // First every checked face keeps its person or lets go of it, then those
  // without one are identified: two people who swapped places at a cut each
  // find the other's person free.
  std::vector<const Embedding*> of(faces.size(), nullptr);
  const auto others_of = [&](std::size_t d) {  // people on this frame's other faces cannot be face d's
    std::set<int> others;
    for (std::size_t o = 0; o < faces.size(); ++o) {
      if (o != d && assignment.faces_[o].track->person != 0) others.insert(assignment.faces_[o].track->person);
    }
    return others;
  };
  std::size_t next = 0;
  for (std::size_t d = 0; d < faces.size(); ++d) {
    if (!assignment.to_embed_[d]) continue;
    Track& track = *assignment.faces_[d].track;
    track.embed_pending = false;
    if (next < embeddings.size()) of[d] = &embeddings[next];
    ++next;
    if (!of[d]) continue;
    const Embedding& e = *of[d];
    const Assignment::Face& f = assignment.faces_[d];
    faces[d].embedded = true;
    track.last_embedding = e;
    track.suspect = false;
    if (track.person == 0) continue;
    float distance = people_->distance(track.person, e);
    if (spdlog::should_log(spdlog::level::debug)) {
      const auto [other, d_other] = people_->nearest(e, {track.person});
      spdlog::debug("identity: t={:.0f} ms track {} person {} distance {:.3f}; nearest other person {} at {:.3f}",
                    track.last_seen.is_set() ? track.last_seen.ms() : -1.0, track.id, track.person, distance, other,
                    d_other);
    }
    // After a break the face must pass the join decision again; while it is
    // tracked without one, only a drift this large ends it.
    if (f.verify ? !people_->confirms(track.person, e) : distance > people_->drift_threshold()) {
      // Another face took this box: it becomes a new track of whoever it is.
      track.id = next_id_++;
      track.person = 0;
      track.fresh_person = false;
      track.smoothed.clear();
      continue;
    }
    if (track.fresh_person && f.clear) {
      // The person this track started may be someone known, which its first view did not show.
      const int started = people_->canonical(track.person);
      const int known = people_->rejoin(started, e, others_of(d));
      track.fresh_person = known == started && people_->single_track(started);
      if (known != started) {
        spdlog::debug("identity: t={:.0f} ms track {}: person {} is person {} (a later view)",
                      track.last_seen.is_set() ? track.last_seen.ms() : -1.0, track.id, started, known);
        track.person = known;
        distance = people_->distance(known, e);
      }
    }
    if (f.clear && people_->sure_view(distance)) {
      people_->add_exemplar(track.person, e);  // only views that surely are this person
    }
  }
  for (std::size_t d = 0; d < faces.size(); ++d) {
    Track& track = *assignment.faces_[d].track;
    if (!of[d] || track.person != 0) continue;
    const std::set<int> others = others_of(d);
    const bool clear = assignment.faces_[d].clear;
    if (spdlog::should_log(spdlog::level::debug)) {
      std::set<int> skip = others;
      std::string nearest;  // the three nearest people, as "P@distance"
      for (int k = 0; k < 3; ++k) {
        const auto [near, d_near] = people_->nearest(*of[d], skip);
        if (near == 0) break;
        nearest += fmt::format(" {}@{:.3f}", near, d_near);
        skip.insert(near);
      }
      spdlog::debug("identity: t={:.0f} ms new track {} ({:.0f} ms old, {}): nearest{}; join distance {:.3f}",
                    track.last_seen.is_set() ? track.last_seen.ms() : -1.0, track.id,
                    track.last_seen.is_set() && track.first_seen.is_set() ? track.last_seen.ms() - track.first_seen.ms()
                                                                          : -1.0,
                    clear ? "clear" : "unclear", nearest, people_->join_distance());
    }
    track.person = people_->identify(*of[d], others, clear);
    track.fresh_person = clear && people_->single_track(track.person);
    if (clear) people_->add_exemplar(track.person, *of[d]);
  }
}

}  // namespace emoscope
