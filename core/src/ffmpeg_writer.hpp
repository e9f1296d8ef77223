// Private to the FFmpeg VideoWriter (video_writer.hpp): the writer's class,
// shared by its video side (ffmpeg_video_writer.cpp) and its audio copy
// (ffmpeg_audio.cpp). FFmpeg is touched only on the writer's own thread after
// open_video_writer() returns (before that, only on the caller's).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libswscale/swscale.h>
}

#include <opencv2/core.hpp>
#include <spdlog/spdlog.h>

#include "emoscope/video_writer.hpp"

namespace emoscope::detail {


constexpr AVRational kTimeBase{1, 90000};  // encoder ticks: 90 kHz, as MPEG does
constexpr double kTicksPerMs = 90.0;
constexpr std::int64_t kMinStep = 90;      // frames at least 1 ms apart (Matroska counts in ms)
constexpr double kAudioLeadS = 0.5;      // audio muxed this far ahead of the newest frame
constexpr int kFlushEveryMs = 500;        // longest MP4 fragment / Matroska cluster

inline std::string av_error(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, text, sizeof(text));
  return text;
}

inline Error not_writable(const std::string& path, const std::string& why) {
  return {ErrorCode::kOutputNotWritable, "cannot write video '" + path + "': " + why};
}

struct Item {
  cv::Mat image;
  std::optional<double> time_ms;
  bool end = false;
  std::optional<double> end_ms;
};

class FfmpegVideoWriter final : public VideoWriter {
 public:
  explicit FfmpegVideoWriter(VideoWriterOptions options) : options_(std::move(options)) {}
  ~FfmpegVideoWriter() override {
    if (MaybeError s = close(std::nullopt)) spdlog::error("{}", s->message);
    release();
  }

  MaybeError open();

  MaybeError write(const cv::Mat& bgr, SourceTime time) override {
    if (closed_) return not_writable(options_.path, "the writer is closed");
    if (bgr.empty() || bgr.type() != CV_8UC3) return not_writable(options_.path, "frame is not 8-bit BGR");
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [&] { return error_ || queue_.size() < options_.queue_frames; });
    if (error_) return error_;
    queue_.push_back({bgr, time.optional_ms(), false, std::nullopt});
    ++accepted_;
    not_empty_.notify_one();
    return std::nullopt;
  }

  MaybeError close(std::optional<double> end_ms) override {
    if (closed_) return close_status_;
    closed_ = true;
    if (thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back({cv::Mat(), std::nullopt, true, end_ms});
        not_empty_.notify_one();
      }
      thread_.join();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    close_status_ = error_;
    return close_status_;
  }

  long frames_written() const override { return accepted_; }
  int audio_streams() const override { return static_cast<int>(audio_map_.size()); }

 private:
  void run();
  MaybeError encode_frame(const cv::Mat& bgr, std::optional<double> time_ms);
  MaybeError submit(std::optional<double> next_pts);  // encodes the held frame once its duration is known
  MaybeError drain_encoder(bool flush);
  MaybeError mux(AVPacket* pkt);
  MaybeError pump_audio(double until_s);  // copies audio packets starting before until_s (output seconds)
  MaybeError finish(std::optional<double> end_ms);
  void open_audio();
  void fail(const Error& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = e;
    not_full_.notify_all();
  }
  void release();

  VideoWriterOptions options_;
  // Queue between write() and the encoding thread.
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<Item> queue_;
  MaybeError error_;
  std::thread thread_;
  long accepted_ = 0;
  bool closed_ = false;
  MaybeError close_status_;

  // FFmpeg state: the encoding thread's after open().
  AVFormatContext* out_ = nullptr;
  AVCodecContext* enc_ = nullptr;
  AVStream* video_ = nullptr;
  SwsContext* sws_ = nullptr;
  AVFrame* held_ = nullptr;       // the newest frame, converted, waiting for its duration
  bool has_held_ = false;
  AVPacket* pkt_ = nullptr;
  cv::Size even_size_;
  bool header_written_ = false;
  bool trailer_written_ = false;
  std::optional<double> first_ms_;   // source time of the first frame (output time 0)
  std::int64_t last_pts_ = -1;       // encoder ticks of the newest frame
  std::int64_t first_pts_ = 0;
  std::int64_t video_end_ticks_ = 0;  // where the newest submitted frame ends
  long frames_in_ = 0;
  std::map<std::int64_t, std::int64_t> durations_;  // pts -> duration, for packets the encoder returns

  // Audio copied from options_.audio_from.
  AVFormatContext* in_ = nullptr;
  std::map<int, AVStream*> audio_map_;  // input stream index -> output stream
  double source_video_start_s_ = 0;     // the input's video start (its frames' times count from there)
  AVPacket* audio_pkt_ = nullptr;       // the next audio packet, read ahead
  bool audio_pending_ = false;
  bool audio_done_ = true;
};

}  // namespace emoscope::detail
