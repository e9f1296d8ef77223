#include "emoscope/frame_source.hpp"

#include "emoscope/file_checks.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <thread>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <spdlog/spdlog.h>

namespace emoscope {
namespace fs = std::filesystem;
namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// Stamps frames in capture order.
class Stamper {
 public:
  Frame stamp(cv::Mat image, double pos_ms, std::string origin = {}) {
    Frame f;
    f.image = std::move(image);
    f.seq = next_++;
    f.captured = SteadyClock::now();
    f.pos_ms = pos_ms;
    f.origin = std::move(origin);
    return f;
  }

 private:
  std::uint64_t next_ = 0;
};

class CaptureSource : public FrameSource {
 public:
  CaptureSource(cv::VideoCapture cap, SourceInfo info, bool live_pacing)
      : cap_(std::move(cap)), info_(std::move(info)), live_pacing_(live_pacing),
        opened_(SteadyClock::now()) {}

  const SourceInfo& info() const override { return info_; }
  bool is_live() const override { return info_.kind == SourceKind::kCamera || live_pacing_; }

  ReadResult read() override {
    ReadResult r;
    cv::Mat image;
    bool ok = false;
    try {
      ok = cap_.read(image);
    } catch (const cv::Exception& e) {
      r.status = info_.kind == SourceKind::kCamera ? ReadStatus::kSourceLost : ReadStatus::kReadError;
      r.message = info_.name + ": " + e.what();
      return r;
    }
    if (!ok || image.empty()) {
      if (info_.kind == SourceKind::kCamera) {
        r.status = ReadStatus::kSourceLost;
        r.message = info_.name + " stopped delivering frames (unplugged or in use?)";
      } else if (info_.frame_count > 0 && delivered_ + 1 < info_.frame_count) {
        // The container promised more frames than could be decoded.
        r.status = ReadStatus::kReadError;
        r.message = info_.name + ": decoding stopped after " + std::to_string(delivered_) +
                    " of " + std::to_string(info_.frame_count) +
                    " frames the header announces (truncated or corrupt file)";
      } else {
        r.status = ReadStatus::kEndOfStream;
      }
      return r;
    }
    double pos_ms = 0.0;
    if (info_.kind == SourceKind::kCamera) {
      pos_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - opened_).count();
    } else {
      // The decoder's timestamp, unless it is missing or goes backwards (some
      // files report 0 for their last frames): then one nominal frame on.
      const double step = info_.fps > 0 ? 1000.0 / info_.fps : 40.0;
      pos_ms = cap_.get(cv::CAP_PROP_POS_MSEC);
      if (delivered_ > 0 && !(pos_ms > last_pos_ms_)) pos_ms = last_pos_ms_ + step;
      last_pos_ms_ = pos_ms;
      if (live_pacing_ && info_.fps > 0) {
        std::this_thread::sleep_until(opened_ + std::chrono::microseconds(static_cast<long long>(pos_ms * 1000)));
      }
    }
    ++delivered_;
    if (image.channels() == 1) cv::cvtColor(image, image, cv::COLOR_GRAY2BGR);
    r.status = ReadStatus::kFrame;
    r.frame = stamper_.stamp(std::move(image), pos_ms);
    return r;
  }

 private:
  cv::VideoCapture cap_;
  SourceInfo info_;
  bool live_pacing_;
  SteadyClock::time_point opened_;
  Stamper stamper_;
  long delivered_ = 0;
  double last_pos_ms_ = 0.0;
};

class ImageSource : public FrameSource {
 public:
  ImageSource(std::vector<std::string> paths, SourceInfo info)
      : paths_(std::move(paths)), info_(std::move(info)) {}

  const SourceInfo& info() const override { return info_; }

  ReadResult read() override {
    ReadResult r;
    while (next_ < paths_.size()) {
      const std::string& path = paths_[next_++];
      Result<cv::Mat> image = read_image_file(path);
      if (!image) {
        spdlog::warn("{}; skipped", image.error().message);
        ++skipped_;
        continue;
      }
      r.status = ReadStatus::kFrame;
      r.frame = stamper_.stamp(std::move(image).value(), 0.0, path);
      return r;
    }
    r.status = ReadStatus::kEndOfStream;
    if (skipped_ > 0) r.message = std::to_string(skipped_) + " unreadable image(s) skipped";
    return r;
  }

 private:
  std::vector<std::string> paths_;
  SourceInfo info_;
  Stamper stamper_;
  std::size_t next_ = 0;
  std::size_t skipped_ = 0;
};

Error unreadable(const std::string& what) { return {ErrorCode::kInputUnreadable, what}; }

std::atomic<std::uint64_t> g_max_pixels{kDefaultMaxImagePixels};

// Width and height from the header of the formats a decompression bomb is
// usually made of (PNG, JPEG, BMP, PNM), so the cap holds before any pixel is
// decoded; {0, 0} when unknown (OpenCV's own 1-gigapixel limit still applies).
cv::Size header_size(const std::vector<unsigned char>& b) {
  const auto be16 = [&](std::size_t i) { return (b[i] << 8) | b[i + 1]; };
  const auto be32 = [&](std::size_t i) { return static_cast<int>((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]); };
  const auto le32 = [&](std::size_t i) { return static_cast<int>(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)); };
  if (b.size() >= 24 && b[0] == 0x89 && b[1] == 'P' && b[12] == 'I' && b[13] == 'H') return {be32(16), be32(20)};
  if (b.size() >= 26 && b[0] == 'B' && b[1] == 'M') return {std::abs(le32(18)), std::abs(le32(22))};
  if (b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8) {
    std::size_t i = 2;
    while (i + 9 < b.size()) {
      if (b[i] != 0xFF) { ++i; continue; }
      const int marker = b[i + 1];
      const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) return {be16(i + 7), be16(i + 5)};
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0xFF) { i += 2; continue; }
      i += 2 + static_cast<std::size_t>(be16(i + 2));
    }
  }
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7' && std::isspace(b[2])) {
    const std::string head(b.begin(), b.begin() + static_cast<long>(std::min<std::size_t>(b.size(), 256)));
    long long w = 0, h = 0;
    std::size_t pos = 2;
    for (long long* v : {&w, &h}) {
      while (pos < head.size() && (std::isspace(static_cast<unsigned char>(head[pos])) || head[pos] == '#')) {
        if (head[pos] == '#') pos = head.find('\n', pos);
        if (pos == std::string::npos) return {};
        ++pos;
      }
      while (pos < head.size() && std::isdigit(static_cast<unsigned char>(head[pos])) && *v < (1LL << 31))
        *v = *v * 10 + (head[pos++] - '0');
    }
    return {static_cast<int>(std::min(w, 1LL << 30)), static_cast<int>(std::min(h, 1LL << 30))};
  }
  return {};
}

std::string megapixels(std::uint64_t pixels) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.0f MP", static_cast<double>(pixels) / 1e6);
  return buf;
}

// libjpeg and libpng fill a truncated file's missing part with grey and only
// warn; a file must end with its format's end marker (trailing bytes allowed).
std::string truncation_problem(const std::vector<unsigned char>& bytes) {
  const auto tail_has = [&](std::initializer_list<unsigned char> marker, std::size_t tail) {
    const std::size_t from = bytes.size() > tail ? bytes.size() - tail : 0;
    return std::search(bytes.begin() + static_cast<long>(from), bytes.end(), marker.begin(), marker.end()) !=
           bytes.end();
  };
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    if (!tail_has({0xFF, 0xD9}, 4096)) return "truncated JPEG (no end-of-image marker)";
  } else if (bytes.size() >= 8 && bytes[0] == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
    if (!tail_has({'I', 'E', 'N', 'D'}, 4096)) return "truncated PNG (no IEND chunk)";
  }
  return {};
}

}  // namespace

void set_max_image_pixels(std::uint64_t pixels) { g_max_pixels = pixels > 0 ? pixels : kDefaultMaxImagePixels; }

std::uint64_t max_image_pixels() { return g_max_pixels; }

Result<cv::Mat> read_image_file(const std::string& path) {
  if (Status s = check_input_file(path, ErrorCode::kInputUnreadable)) return *s;
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(path + ": cannot be opened for reading");
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) return unreadable(path + ": empty file (0 bytes)");
  if (std::string why = truncation_problem(bytes); !why.empty()) return unreadable(path + ": " + why);
  const cv::Size declared = header_size(bytes);
  if (static_cast<std::uint64_t>(std::max(0, declared.width)) * static_cast<std::uint64_t>(std::max(0, declared.height)) >
      g_max_pixels) {
    return unreadable(path + ": image of " + std::to_string(declared.width) + "x" + std::to_string(declared.height) +
                      " is larger than the pixel cap of " + megapixels(g_max_pixels) + " (--max-pixels)");
  }
  cv::Mat image;
  try {
    image = cv::imdecode(bytes, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    const std::string what = e.what();
    return unreadable(path + ": cannot decode (" + what.substr(0, what.find('\n')) + ")");
  }
  if (image.empty()) return unreadable(path + ": not an image OpenCV can decode (corrupt or another format)");
  return image;
}

bool is_image_path(const std::string& path) {
  static const char* kExts[] = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm"};
  const std::string ext = lower_extension(path);
  return std::any_of(std::begin(kExts), std::end(kExts), [&](const char* e) { return ext == e; });
}

Result<std::unique_ptr<FrameSource>> open_camera(const std::string& index_or_path) {
  cv::VideoCapture cap;
  SourceInfo info;
  info.kind = SourceKind::kCamera;
  try {
    const bool numeric = !index_or_path.empty() &&
                         std::all_of(index_or_path.begin(), index_or_path.end(), ::isdigit);
    if (numeric) {
      info.name = "camera " + index_or_path;
      cap.open(std::stoi(index_or_path), cv::CAP_V4L2);
    } else {
      info.name = index_or_path;
      cap.open(index_or_path, cv::CAP_V4L2);
    }
  } catch (const cv::Exception& e) {
    return unreadable("cannot open " + index_or_path + ": " + e.what());
  }
  if (!cap.isOpened()) {
    return unreadable("no camera at '" + index_or_path + "' (none connected, or no permission)");
  }
  info.fps = cap.get(cv::CAP_PROP_FPS);
  info.size = {static_cast<int>(cap.get(cv::CAP_PROP_FRAME_WIDTH)),
               static_cast<int>(cap.get(cv::CAP_PROP_FRAME_HEIGHT))};
  return std::unique_ptr<FrameSource>(std::make_unique<CaptureSource>(std::move(cap), info, false));
}

Result<std::unique_ptr<FrameSource>> open_video_file(const std::string& path, bool live_pacing) {
  std::error_code ec;
  if (Status s = check_input_file(path, ErrorCode::kInputUnreadable)) return *s;
  if (fs::file_size(path, ec) == 0) return unreadable(path + ": empty file (0 bytes)");
  cv::VideoCapture cap;
  try {
    cap.open(path, cv::CAP_FFMPEG);
  } catch (const cv::Exception& e) {
    return unreadable(path + ": " + e.what());
  }
  if (!cap.isOpened()) return unreadable(path + ": not a video OpenCV can decode");
  SourceInfo info;
  info.kind = SourceKind::kVideoFile;
  info.name = path;
  info.fps = cap.get(cv::CAP_PROP_FPS);
  if (!(info.fps > 0 && info.fps < 1000)) info.fps = 0;
  info.frame_count = static_cast<long>(cap.get(cv::CAP_PROP_FRAME_COUNT));
  if (info.frame_count <= 0) info.frame_count = -1;
  info.size = {static_cast<int>(cap.get(cv::CAP_PROP_FRAME_WIDTH)),
               static_cast<int>(cap.get(cv::CAP_PROP_FRAME_HEIGHT))};
  if (static_cast<std::uint64_t>(std::max(0, info.size.width)) * static_cast<std::uint64_t>(std::max(0, info.size.height)) >
      g_max_pixels) {
    return unreadable(path + ": frames of " + std::to_string(info.size.width) + "x" +
                      std::to_string(info.size.height) + " are larger than the pixel cap of " +
                      megapixels(g_max_pixels) + " (--max-pixels)");
  }
  return std::unique_ptr<FrameSource>(std::make_unique<CaptureSource>(std::move(cap), info, live_pacing));
}

Result<std::unique_ptr<FrameSource>> open_images(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return unreadable(path + ": no such file or folder");
  std::vector<std::string> paths;
  if (fs::is_directory(path, ec)) {
    paths = find_images(path, /*recursive=*/false);
    if (paths.empty()) return unreadable(path + ": folder holds no images");
  } else {
    if (Status s = check_input_file(path, ErrorCode::kInputUnreadable)) return *s;
    paths.push_back(path);
  }
  SourceInfo info;
  info.kind = SourceKind::kImages;
  info.name = path;
  info.frame_count = static_cast<long>(paths.size());
  for (const std::string& p : paths) {  // frame size: the first image that decodes
    if (Result<cv::Mat> first = read_image_file(p)) {
      info.size = first->size();
      break;
    }
  }
  return std::unique_ptr<FrameSource>(std::make_unique<ImageSource>(std::move(paths), info));
}

Result<std::unique_ptr<FrameSource>> open_source(const std::string& spec, bool live_pacing) {
  if (spec == "camera") return open_camera("0");
  if (spec.rfind("camera:", 0) == 0) return open_camera(spec.substr(7));
  if (spec.rfind("/dev/video", 0) == 0) return open_camera(spec);
  std::error_code ec;
  if (fs::is_directory(spec, ec) || is_image_path(spec)) return open_images(spec);
  return open_video_file(spec, live_pacing);
}

}  // namespace emoscope
