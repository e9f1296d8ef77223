#include "emoscope/frame_source.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <thread>

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
      cv::Mat image;
      try {
        image = cv::imread(path, cv::IMREAD_COLOR);
      } catch (const cv::Exception& e) {
        spdlog::warn("{}: {}", path, e.what());
      }
      if (image.empty()) {
        spdlog::warn("{}: not a readable image, skipped", path);
        ++skipped_;
        continue;
      }
      r.status = ReadStatus::kFrame;
      r.frame = stamper_.stamp(std::move(image), 0.0, path);
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

}  // namespace

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
  if (!fs::exists(path, ec)) return unreadable(path + ": no such file");
  if (fs::is_directory(path, ec)) return unreadable(path + ": is a folder, not a video");
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
  return std::unique_ptr<FrameSource>(std::make_unique<CaptureSource>(std::move(cap), info, live_pacing));
}

Result<std::unique_ptr<FrameSource>> open_images(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return unreadable(path + ": no such file or folder");
  std::vector<std::string> paths;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.is_regular_file() && is_image_path(entry.path().string())) paths.push_back(entry.path().string());
    }
    std::sort(paths.begin(), paths.end());
    if (paths.empty()) return unreadable(path + ": folder holds no images");
  } else {
    paths.push_back(path);
  }
  SourceInfo info;
  info.kind = SourceKind::kImages;
  info.name = path;
  info.frame_count = static_cast<long>(paths.size());
  for (const std::string& p : paths) {  // frame size: the first image that decodes
    cv::Mat first;
    try {
      first = cv::imread(p, cv::IMREAD_COLOR);
    } catch (const cv::Exception&) {
    }
    if (!first.empty()) {
      info.size = first.size();
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
