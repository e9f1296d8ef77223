// FrameSource: where frames come from (camera, video file, image file/folder).
// One reader thread at a time per source (not thread-safe); frames it returns
// are immutable and safe to share. Errors opening come back as Result errors;
// each read distinguishes a frame, end of stream, a read error and a lost camera.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "emoscope/error.hpp"
#include "emoscope/file_checks.hpp"  // is_image_path, is_video_path
#include "emoscope/frame.hpp"

namespace emoscope {

enum class ReadStatus {
  kFrame,        // frame is valid
  kEndOfStream,  // clean end of a file or folder
  kReadError,    // a frame could not be decoded (truncated/corrupt file); stop
  kSourceLost,   // a live camera stopped delivering
};

struct ReadResult {
  ReadStatus status = ReadStatus::kEndOfStream;
  Frame frame;          // valid when status == kFrame
  std::string message;  // human-readable reason for non-frame outcomes
};

enum class SourceKind { kCamera, kVideoFile, kImages };

struct SourceInfo {
  SourceKind kind = SourceKind::kVideoFile;
  std::string name;        // path or "camera 0"
  double fps = 0.0;        // nominal frame rate; 0 when unknown (images)
  long frame_count = -1;   // as the container claims; -1 when unknown
  cv::Size size;           // frame size in pixels (first frame for images)
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual ReadResult read() = 0;
  virtual const SourceInfo& info() const = 0;
  // Whether frames arrive in real time (cameras) rather than as fast as read.
  virtual bool is_live() const { return info().kind == SourceKind::kCamera; }
  // Makes the next read() return again the frame that an earlier pass read as
  // `seq` at `pos_ms` (stamped the same), for seeking through a finished analysis.
  // Video files find it by its position (frame numbers are not exact in FFmpeg),
  // images by their sequence number. Cameras, and frames past the end, return false.
  virtual bool seek(std::uint64_t /*seq*/, double /*pos_ms*/) { return false; }
};

// Camera by index ("0") or device path ("/dev/video0").
Result<std::unique_ptr<FrameSource>> open_camera(const std::string& index_or_path);
// With live_pacing the file is played at its nominal rate, like a camera.
Result<std::unique_ptr<FrameSource>> open_video_file(const std::string& path, bool live_pacing = false);
// One image file, or every image in a folder (sorted by name; non-images skipped).
Result<std::unique_ptr<FrameSource>> open_images(const std::string& path);
// Picks by spec: "camera", "camera:N", "/dev/videoN", a folder, an image or a video.
// With live_pacing, a video file is played at its nominal rate like a camera
// (for demos and tests of live mode without a camera).
Result<std::unique_ptr<FrameSource>> open_source(const std::string& spec, bool live_pacing = false);


// Wraps a source so that, while *mirror is true, each frame is flipped left to
// right before anything sees it (a webcam shown like a mirror; labels drawn
// afterwards read normally). The flag may be flipped from any thread at any time;
// the frame's stamp is kept.
std::unique_ptr<FrameSource> mirrored(std::unique_ptr<FrameSource> source,
                                      std::shared_ptr<const std::atomic<bool>> mirror);

// Decodes one image file as 8-bit BGR. Error kInputUnreadable with a reason for
// a missing or special file, an empty, corrupt or truncated file (a JPEG without
// its end marker, a PNG without IEND) and an image above the pixel cap.
Result<cv::Mat> read_image_file(const std::string& path);
// The decoding half of read_image_file, on a file's bytes; `path` names it in errors.
Result<cv::Mat> decode_image_bytes(const std::vector<unsigned char>& bytes, const std::string& path);

// The most pixels (width x height) an image or video frame may have; larger ones
// are refused before decoding, so a small file cannot claim gigabytes.
// Default kDefaultMaxImagePixels; checked against each file's header
// (read_image_file) and each video's frame size (open_video_file).
constexpr std::uint64_t kDefaultMaxImagePixels = 100'000'000;
void set_max_image_pixels(std::uint64_t pixels);
// The cap as messages give it, e.g. "100 MP".
std::string max_image_pixels_text();
std::uint64_t max_image_pixels();

}  // namespace emoscope
