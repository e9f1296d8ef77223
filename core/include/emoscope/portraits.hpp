// Portraits: each person's clearest face so far, so that people can be shown
// (and told apart) by their faces. Watches delivered frames (FrameResult) and
// keeps, per person (person_id > 0), a small BGR thumbnail of the face (its box
// with a margin, square), the frame's sequence number and source time, and the
// box. Only faces the detector found on that frame are candidates (a carried
// box may have slid off the face); their quality (portrait_quality(): in focus,
// the detector sure, large, frontal, whole) is computed for those alone, and a
// kept portrait is replaced only by one clearly better (replace_factor), so a
// shown face does not flicker between near-equal views.
// With People: a person merged into another (People::canonical) reads as the
// person it joined, whose portrait is the better of the two.
// Privacy: the thumbnails stay in memory; nothing here writes a file.
// Thread-safe (one mutex): the run observes on its output thread while the UI
// reads. Units: boxes in frame pixels, times in milliseconds (source time).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <opencv2/core.hpp>

#include "emoscope/frame.hpp"
#include "emoscope/people.hpp"
#include "emoscope/results.hpp"

namespace emoscope {

struct Portrait {
  int person = 0;               // the person (canonical when People are known)
  cv::Mat thumbnail;            // BGR uint8, thumbnail_size square; empty when thumbnails are off
  std::uint64_t frame = 0;      // Frame::seq of the frame it was taken from
  SourceTime time;              // that frame's source time; unset for still images
  cv::Rect2f box;               // the face's box in that frame (frame pixels; without the margin)
  float quality = 0;            // portrait_quality() of that view
  std::uint64_t revision = 0;   // Portraits::revision() when it was taken: changes whenever it is replaced
};

struct PortraitOptions {
  int thumbnail_size = 96;      // pixels, square; 0 = no thumbnails (only where the face was)
  float margin = 0.2f;          // added around the box on each side, as a fraction of its side
  // A new view replaces the kept one only when its quality is this many times as high.
  float replace_factor = 1.15f;
};

// How clear a face's view is, from 0 (useless) up to 1: the product of its
// focus (face_sharpness(), tracker.hpp), the detector's score (NaN: none given,
// as with Haar: counted as 0.85), its size (shorter side), how frontal it is
// (left-right symmetry of the face) and how much of the box lies in the frame.
// NaN-free; 0 for a box (nearly) outside the image.
float portrait_quality(const cv::Mat& bgr, const cv::Rect2f& box, float face_score);

class Portraits {
 public:
  explicit Portraits(PortraitOptions options = {}, std::shared_ptr<const People> people = nullptr);

  // Looks at a delivered frame's faces (detected ones with a person only);
  // true when a portrait was taken or replaced.
  bool observe(const FrameResult& result);
  // The person's portrait (after merges: of the person they joined, the better
  // of both); nullopt when none has been taken.
  std::optional<Portrait> portrait(int person) const;
  std::map<int, Portrait> all() const;  // by (canonical) person
  // Increases whenever any portrait is taken, replaced or folded by a merge
  // (a cheap check for readers that redraw).
  std::uint64_t revision() const;
  void clear();

 private:
  int canonical(int person) const;
  void fold_merged_locked();  // merged people's portraits into those they joined

  PortraitOptions options_;
  std::shared_ptr<const People> people_;
  mutable std::mutex mutex_;
  std::map<int, Portrait> portraits_;
  std::uint64_t revision_ = 0;
};

}  // namespace emoscope
