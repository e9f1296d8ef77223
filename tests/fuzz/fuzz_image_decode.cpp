// libFuzzer: image decoding as the app does it (decode_image_bytes: format
// allow-list, header sizes, truncation markers, pixel cap, then OpenCV). A
// decoded image must be 8-bit BGR and within the pixel cap; nothing may crash.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <spdlog/spdlog.h>

#include "emoscope/frame_source.hpp"

namespace {
// Fuzzing memory stays small: 4 MP (12 MB decoded) instead of the 100 MP default.
constexpr std::uint64_t kFuzzPixelCap = 4'000'000;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  emoscope::set_max_image_pixels(kFuzzPixelCap);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<unsigned char> bytes(data, data + size);
  const emoscope::Result<cv::Mat> image = emoscope::decode_image_bytes(bytes, "fuzz-input");
  if (!image) {
    if (image.error().code != emoscope::ErrorCode::kInputUnreadable || image.error().message.empty()) std::abort();
    return 0;
  }
  const cv::Mat& m = image.value();
  if (m.empty() || m.type() != CV_8UC3) std::abort();
  if (static_cast<std::uint64_t>(m.cols) * static_cast<std::uint64_t>(m.rows) > kFuzzPixelCap) std::abort();
  return 0;
}
