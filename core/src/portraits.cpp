#include "emoscope/portraits.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "emoscope/tracker.hpp"

namespace emoscope {
namespace {

// Left-right asymmetry of a face, 0 (a mirror image) .. 1: the mean absolute
// difference between the grey face and its mirror image, over 255. A face
// turned aside shows one cheek and the background: 0.15-0.3; frontal: ~0.05.
float asymmetry(const cv::Mat& bgr, const cv::Rect& inside) {
  cv::Mat small, grey, mirrored, diff;
  cv::resize(bgr(inside), small, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, grey, bgr.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  cv::flip(grey, mirrored, 1);
  cv::absdiff(grey, mirrored, diff);
  return static_cast<float>(cv::mean(diff)[0] / 255.0);
}

}  // namespace

float portrait_quality(const cv::Mat& bgr, const cv::Rect2f& box, float face_score) {
  if (bgr.empty() || box.width <= 0 || box.height <= 0) return 0.0f;
  const cv::Rect inside = cv::Rect(box) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (inside.width < 8 || inside.height < 8) return 0.0f;
  const float sharpness = face_sharpness(bgr, box);
  if (!(sharpness >= 0)) return 0.0f;  // NaN
  // Focus on a log scale, full from sharpness 400 (a sharp photo's face: ~1000;
  // blurred by 3 pixels: ~40, 0.61; clear_view() wants 6: 0.32), so a sharper
  // view always counts for more. Size and pose are 1/2 at a 48-pixel face and
  // at asymmetry 0.2.
  const float focus = std::min(1.0f, std::log1p(sharpness) / std::log1p(400.0f));
  const float sure = std::isnan(face_score) ? 0.85f : std::clamp(face_score, 0.0f, 1.0f);
  const float side = static_cast<float>(std::min(inside.width, inside.height));
  const float size = side / (side + 48.0f);
  const float frontal = 1.0f / (1.0f + 5.0f * asymmetry(bgr, inside));
  const float whole = static_cast<float>(inside.area()) / std::max(1.0f, box.area());
  return focus * sure * size * frontal * std::min(1.0f, whole);
}

Portraits::Portraits(PortraitOptions options, std::shared_ptr<const People> people)
    : options_(options), people_(std::move(people)) {}

int Portraits::canonical(int person) const { return people_ ? people_->canonical(person) : person; }

bool Portraits::observe(const FrameResult& result) {
  const cv::Mat& image = result.frame.image;
  if (image.empty()) return false;
  bool changed = false;
  for (const TrackedFace& face : result.faces) {
    if (face.person_id <= 0 || !face.detected) continue;
    const int person = canonical(face.person_id);
    float kept = 0.0f;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = portraits_.find(person);
      if (it != portraits_.end()) kept = it->second.quality;
    }
    const float quality = portrait_quality(image, face.box, face.face_score);  // outside the lock
    if (quality <= 0.0f || (kept > 0.0f && quality < kept * options_.replace_factor)) continue;

    Portrait p;
    p.person = person;
    p.frame = result.frame.seq;
    p.time = result.frame.time;
    p.box = face.box;
    p.quality = quality;
    if (options_.thumbnail_size > 0) {
      // The box with a margin, made square about its centre, clipped to the frame.
      const float side = std::max(face.box.width, face.box.height) * (1.0f + 2.0f * options_.margin);
      const cv::Point2f centre(face.box.x + face.box.width / 2, face.box.y + face.box.height / 2);
      const cv::Rect want(cv::Rect2f(centre.x - side / 2, centre.y - side / 2, side, side));
      const cv::Rect area = want & cv::Rect(0, 0, image.cols, image.rows);
      if (area.width < 2 || area.height < 2) continue;
      cv::Mat crop = image(area);
      if (crop.channels() == 4) cv::cvtColor(crop, crop, cv::COLOR_BGRA2BGR);
      if (crop.channels() == 1) cv::cvtColor(crop, crop, cv::COLOR_GRAY2BGR);
      // Clipped at a frame edge: padded (black) back to the square, the face kept in place.
      cv::Mat square(want.height, want.width, CV_8UC3, cv::Scalar::all(0));
      crop.copyTo(square(cv::Rect(area.x - want.x, area.y - want.y, area.width, area.height)));
      const int full = want.width;
      const int n = options_.thumbnail_size;
      cv::resize(square, p.thumbnail, cv::Size(n, n), 0, 0, full > n ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    Portrait& slot = portraits_[person];
    if (slot.quality > 0.0f && quality < slot.quality * options_.replace_factor) continue;  // meanwhile
    p.revision = ++revision_;
    slot = std::move(p);
    changed = true;
  }
  if (people_) {
    std::lock_guard<std::mutex> lock(mutex_);
    fold_merged_locked();
  }
  return changed;
}

void Portraits::fold_merged_locked() {
  for (auto it = portraits_.begin(); it != portraits_.end();) {
    const int into = canonical(it->first);
    if (into == it->first) {
      ++it;
      continue;
    }
    Portrait moved = std::move(it->second);
    it = portraits_.erase(it);
    auto& slot = portraits_[into];
    if (moved.quality > slot.quality) {
      moved.person = into;
      slot = std::move(moved);
    }
    ++revision_;
  }
}

std::optional<Portrait> Portraits::portrait(int person) const {
  if (person <= 0) return std::nullopt;
  const int wanted = canonical(person);
  std::lock_guard<std::mutex> lock(mutex_);
  const Portrait* best = nullptr;
  for (const auto& [id, p] : portraits_) {
    if ((id == wanted || canonical(id) == wanted) && (!best || p.quality > best->quality)) best = &p;
  }
  if (!best) return std::nullopt;
  Portrait out = *best;
  out.person = wanted;
  return out;
}

std::map<int, Portrait> Portraits::all() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<int, Portrait> out;
  for (const auto& [id, p] : portraits_) {
    const int into = canonical(id);
    auto it = out.find(into);
    if (it == out.end() || p.quality > it->second.quality) {
      out[into] = p;
      out[into].person = into;
    }
  }
  return out;
}

std::uint64_t Portraits::revision() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return revision_;
}

void Portraits::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  portraits_.clear();
  ++revision_;
}

}  // namespace emoscope
