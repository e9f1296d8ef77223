// VideoWriter: writes the annotated video, one BGR frame at a time, each at its
// own presentation time, optionally with the audio of a media file copied in
// (packet by packet, never re-encoded).
//
// The FFmpeg implementation (open_video_writer, ffmpeg_video_writer.cpp):
//  - codec: H.264 (libx264, preset veryfast, CRF 23, yuv420p, a keyframe at
//    least every second) or MJPEG (every frame a keyframe);
//  - container chosen by the file name: .mp4/.m4v/.mov are fragmented MP4
//    (a fragment per keyframe, header first), .mkv is Matroska with a cluster
//    at least every second; others as FFmpeg guesses them (.avi, ...). Either
//    crash-safe layout leaves a playable file when the process is killed,
//    missing at most the last second or two;
//  - odd frame sizes are padded to even ones (the last column / row repeated);
//  - encoding and writing run on a thread of the writer's own behind a small
//    bounded queue, so write() only blocks when the encoder falls behind.
//
// Thread-safety: one thread calls write() and close() (the writer's own thread
// is internal). Errors of the encoding thread (disk full, ...) are returned by
// the next write() or by close().
// Units: times in milliseconds on the source's timeline; frame sizes in pixels;
// fps in frames per second.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "emoscope/error.hpp"
#include "emoscope/frame.hpp"

namespace emoscope {

enum class VideoCodec { kH264, kMjpeg };

// "h264" or "mjpeg" (as the --video-codec option spells them).
const char* video_codec_name(VideoCodec codec);
Result<VideoCodec> parse_video_codec(const std::string& name);

struct VideoWriterOptions {
  std::string path;           // the container follows the extension (see above)
  cv::Size frame_size;        // every frame is resized to this by the caller
  double fps = 25.0;          // nominal rate: keyframe interval, and the step for frames without a time
  VideoCodec codec = VideoCodec::kH264;
  int crf = 23;               // H.264 quality (lower: better, larger)
  std::string preset = "veryfast";  // libx264 speed preset
  int mjpeg_quality = 6;      // MJPEG quantiser scale, 2 (best) .. 31
  double keyframe_every_s = 1.0;    // H.264: the longest gap between keyframes
  // Copy the audio stream(s) of this media file into the output; empty = none.
  // Streams the container cannot hold are left out with a warning. The audio
  // is aligned to the video's timeline: output time 0 is the first frame's time.
  std::string audio_from;
  std::size_t queue_frames = 4;     // frames waiting for the encoding thread, at most
};

class VideoWriter {
 public:
  virtual ~VideoWriter() = default;  // closes when not closed yet (errors only logged)
  // Queues a BGR uint8 frame of frame_size. `time`: its presentation time
  // (the frame's SourceTime); unset = one nominal frame after the previous.
  // Output time 0 is the first frame's time; times that do not increase are
  // moved on to 1 ms after the previous frame.
  virtual MaybeError write(const cv::Mat& bgr, SourceTime time) = 0;
  // Encodes what is queued, copies the rest of the audio up to the end of the
  // video, and finishes the file. `end_ms` (source timeline) is where the last
  // frame ends; unset = one mean frame interval after it. Idempotent.
  virtual MaybeError close(std::optional<double> end_ms = std::nullopt) = 0;
  virtual long frames_written() const = 0;   // frames accepted by write()
  virtual int audio_streams() const = 0;     // audio streams being copied
};

// Opens `options.path` (which should already exist, created by the caller with
// the permissions it wants; it is truncated) and writes the header. Errors:
// kOutputNotWritable (cannot open or write, unknown extension, codec the
// container cannot hold, encoder missing); an unreadable audio_from is a warning.
Result<std::unique_ptr<VideoWriter>> open_video_writer(const VideoWriterOptions& options);

}  // namespace emoscope
