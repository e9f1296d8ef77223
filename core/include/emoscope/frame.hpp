// Frame: one image from a FrameSource, stamped at capture, and SourceTime, the
// frame's position in its source.
// The pixel data is immutable once stamped and shared between threads by
// reference counting (cv::Mat header copy); anyone who draws must clone first.
// Frame and SourceTime are plain values: safe to copy between threads, not to
// write from two threads at once.
// Units: seq counts from 0 per source; SourceTime is in milliseconds (video
// files: the decoder's position; cameras: time since the source opened) and is
// unset for still images, which have no time; captured is the steady clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

namespace emoscope {

using SteadyClock = std::chrono::steady_clock;

// A position in a source's timeline, or unset (a still image: an image file or
// one image of a folder). Unset means "no time", never "time 0": two unset
// times say nothing about how far apart their frames are.
class SourceTime {
 public:
  constexpr SourceTime() = default;  // unset
  static constexpr SourceTime from_ms(double ms) { return SourceTime(ms); }
  static constexpr SourceTime unset() { return SourceTime(); }

  constexpr bool is_set() const { return ms_.has_value(); }
  // Milliseconds; throws std::bad_optional_access when unset.
  constexpr double ms() const { return ms_.value(); }
  constexpr double seconds() const { return ms_.value() / 1000.0; }
  // Milliseconds, or `fallback` when unset (for displays that need a number).
  constexpr double ms_or(double fallback) const { return ms_.value_or(fallback); }
  constexpr const std::optional<double>& optional_ms() const { return ms_; }

  friend constexpr bool operator==(const SourceTime& a, const SourceTime& b) { return a.ms_ == b.ms_; }
  friend constexpr bool operator!=(const SourceTime& a, const SourceTime& b) { return !(a == b); }

 private:
  constexpr explicit SourceTime(double ms) : ms_(ms) {}
  std::optional<double> ms_;
};

struct Frame {
  cv::Mat image;                 // BGR uint8; never written after capture
  std::uint64_t seq = 0;         // sequence number, 0-based, gap-free per source
  SteadyClock::time_point captured{};
  SourceTime time;               // position in the source; unset for still images
  std::string origin;            // file path for image sources, else empty
};

}  // namespace emoscope
