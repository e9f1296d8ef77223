#include "emoscope/frame_source.hpp"

#include "emoscope/file_checks.hpp"

#include <algorithm>
#include <cmath>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// Stamps frames in capture order.
class Stamper {
 public:
  Frame stamp(cv::Mat image, SourceTime time, std::string origin = {}) {
    Frame f;
    f.image = std::move(image);
    f.seq = next_++;
    f.captured = SteadyClock::now();
    f.time = time;
    f.origin = std::move(origin);
    return f;
  }
  void set_next(std::uint64_t seq) { next_ = seq; }

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
    const bool from_seek = !pending_.empty();
    try {
      if (from_seek) std::swap(image, pending_);
      ok = from_seek || cap_.read(image);
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
      pos_ms = from_seek ? pending_pos_ms_ : cap_.get(cv::CAP_PROP_POS_MSEC);
      if (delivered_ > 0 && !from_seek && !(pos_ms > last_pos_ms_)) pos_ms = last_pos_ms_ + step;
      last_pos_ms_ = pos_ms;
      if (live_pacing_ && info_.fps > 0) {
        const auto offset = std::chrono::microseconds(static_cast<long long>(pos_ms * 1000));
        // The clock starts at the first frame read, not at open: a model loaded
        // in between would otherwise put playback behind from the start, and
        // the frames it then rushes through to catch up would be dropped.
        if (delivered_ == 0) playback_origin_ = SteadyClock::now() - offset;
        std::this_thread::sleep_until(playback_origin_ + offset);
      }
    }
    ++delivered_;
    if (image.channels() == 1) cv::cvtColor(image, image, cv::COLOR_GRAY2BGR);
    r.status = ReadStatus::kFrame;
    r.frame = stamper_.stamp(std::move(image), SourceTime::from_ms(pos_ms));
    return r;
  }

  // Seeking by frame number through FFmpeg lands near the frame, not always on
  // it, and the nominal fps need not match the stamps, so the frame is found by
  // its stamp: seek a little before it, then decode forward to the frame stamped
  // `pos_ms` (stamps repaired as read() repairs them); when that lands late, or on
  // an unusable stamp, start further back, in the end from the first frame.
  bool seek(std::uint64_t seq, double pos_ms) override {
    if (info_.kind == SourceKind::kCamera || live_pacing_) return false;
    if (info_.frame_count > 0 && seq >= static_cast<std::uint64_t>(info_.frame_count)) return false;
    const double fps = info_.fps > 0 ? info_.fps : 25.0;
    const double step = 1000.0 / fps;
    const auto estimate = static_cast<std::uint64_t>(std::max(0.0, std::floor(pos_ms / step)));
    try {
      for (const std::uint64_t back : {std::uint64_t{8}, std::uint64_t{64}, estimate}) {
        const std::uint64_t from = estimate > back ? estimate - back : 0;
        if (!cap_.set(cv::CAP_PROP_POS_FRAMES, static_cast<double>(from))) return false;
        cv::Mat image;
        double stamp_ms = -1.0;
        bool usable = true;
        while (cap_.read(image) && !image.empty()) {
          const double stamp = cap_.get(cv::CAP_PROP_POS_MSEC);
          if (stamp_ms < 0 && from > 0 && stamp <= 0) usable = false;  // no stamp to start from
          stamp_ms = stamp_ms >= 0 && !(stamp > stamp_ms) ? stamp_ms + step : stamp;
          if (!usable || stamp_ms >= pos_ms - step / 2) break;
        }
        if (usable && std::abs(stamp_ms - pos_ms) < step / 2) {
          pending_ = image;
          pending_pos_ms_ = stamp_ms;
          stamper_.set_next(seq);
          delivered_ = static_cast<long>(seq);
          last_pos_ms_ = stamp_ms;
          return true;
        }
        if (usable && stamp_ms < pos_ms) return false;  // the file ended first
        if (from == 0) return false;
      }
    } catch (const cv::Exception& e) {
      spdlog::warn("{}: cannot seek to frame {}: {}", info_.name, seq, e.what());
    }
    return false;
  }

 private:
  cv::VideoCapture cap_;
  SourceInfo info_;
  bool live_pacing_;
  SteadyClock::time_point opened_;
  SteadyClock::time_point playback_origin_;  // live pacing: when the file's time 0 plays
  Stamper stamper_;
  long delivered_ = 0;
  double last_pos_ms_ = 0.0;
  cv::Mat pending_;  // decoded by seek(), returned by the next read()
  double pending_pos_ms_ = 0.0;
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
      if (seq_to_path_.size() == stamper_next_) seq_to_path_.push_back(next_ - 1);
      ++stamper_next_;
      // A still image has no time: each is independent of the one before.
      r.frame = stamper_.stamp(std::move(image).value(), SourceTime::unset(), path);
      return r;
    }
    r.status = ReadStatus::kEndOfStream;
    if (skipped_ > 0) r.message = std::to_string(skipped_) + " unreadable image(s) skipped";
    return r;
  }

 private:
  // Unreadable images are skipped, so a frame's seq is not its path's index:
  // seeking past what has been read reads forward to learn the mapping.
  bool seek(std::uint64_t seq, double /*pos_ms*/) override {
    while (seq >= seq_to_path_.size()) {
      if (read().status != ReadStatus::kFrame) return false;
    }
    next_ = seq_to_path_[seq];
    stamper_next_ = seq;
    stamper_.set_next(seq);
    return true;
  }

 private:
  std::vector<std::string> paths_;
  SourceInfo info_;
  Stamper stamper_;
  std::uint64_t stamper_next_ = 0;
  std::vector<std::size_t> seq_to_path_;  // seq -> index in paths_, as far as read
  std::size_t next_ = 0;
  std::size_t skipped_ = 0;
};

Error unreadable(const std::string& what) { return {ErrorCode::kInputUnreadable, what}; }

}  // namespace

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
  if (MaybeError s = check_input_file(path, ErrorCode::kInputUnreadable)) return *s;
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
      max_image_pixels()) {
    return about(Setting::kMaxImagePixels,
                 unreadable(path + ": frames of " + std::to_string(info.size.width) + "x" +
                            std::to_string(info.size.height) + " are larger than the pixel cap of " +
                            max_image_pixels_text()));
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
    if (MaybeError s = check_input_file(path, ErrorCode::kInputUnreadable)) return *s;
    paths.push_back(path);
  }
  SourceInfo info;
  info.kind = SourceKind::kImages;
  info.name = path;
  info.frame_count = static_cast<long>(paths.size());
  for (const std::string& p : paths) {  // frame size: the first image that decodes
    Result<cv::Mat> first = read_image_file(p);
    if (first) {
      info.size = first->size();
      break;
    }
    if (paths.size() == 1) return first.error();  // one image that cannot be read: say why now
  }
  if (info.size.area() == 0) return unreadable(path + ": none of its " + std::to_string(paths.size()) +
                                               " image(s) can be read");
  return std::unique_ptr<FrameSource>(std::make_unique<ImageSource>(std::move(paths), info));
}

namespace {

class MirroredSource final : public FrameSource {
 public:
  MirroredSource(std::unique_ptr<FrameSource> inner, std::shared_ptr<const std::atomic<bool>> mirror)
      : inner_(std::move(inner)), mirror_(std::move(mirror)) {}
  const SourceInfo& info() const override { return inner_->info(); }
  bool is_live() const override { return inner_->is_live(); }
  bool seek(std::uint64_t seq, double pos_ms) override { return inner_->seek(seq, pos_ms); }
  ReadResult read() override {
    ReadResult r = inner_->read();
    if (r.status == ReadStatus::kFrame && mirror_ && mirror_->load()) {
      cv::Mat flipped;
      cv::flip(r.frame.image, flipped, 1);  // a new image: frames are immutable once shared
      r.frame.image = flipped;
    }
    return r;
  }

 private:
  std::unique_ptr<FrameSource> inner_;
  std::shared_ptr<const std::atomic<bool>> mirror_;
};

}  // namespace

std::unique_ptr<FrameSource> mirrored(std::unique_ptr<FrameSource> source,
                                      std::shared_ptr<const std::atomic<bool>> mirror) {
  return std::make_unique<MirroredSource>(std::move(source), std::move(mirror));
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
