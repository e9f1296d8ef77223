// Frame: one image from a FrameSource, stamped at capture.
// The pixel data is immutable once stamped and shared between threads by
// reference counting (cv::Mat header copy); anyone who draws must clone first.
// Units: seq counts from 0 per source; pos_ms is the position in the source in
// milliseconds (camera: time since the source opened); captured is steady clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

namespace emoscope {

using SteadyClock = std::chrono::steady_clock;

struct Frame {
  cv::Mat image;                 // BGR uint8; never written after capture
  std::uint64_t seq = 0;         // sequence number, 0-based, gap-free per source
  SteadyClock::time_point captured{};
  double pos_ms = 0.0;
  std::string origin;            // file path for image folders, else empty
};

}  // namespace emoscope
