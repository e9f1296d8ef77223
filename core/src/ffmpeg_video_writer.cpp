// The FFmpeg VideoWriter (video_writer.hpp), its video side: libavcodec
// encodes, libswscale converts BGR to YUV, libavformat muxes (the audio copy
// is ffmpeg_audio.cpp). Everything FFmpeg is touched only on the writer's own
// thread after open_video_writer() returns (before that, only on the caller's).
#include "ffmpeg_writer.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
}

#include <opencv2/imgproc.hpp>

#include "emoscope/file_checks.hpp"

namespace emoscope {
namespace detail {

MaybeError FfmpegVideoWriter::open() {
  const std::string& path = options_.path;
  if (options_.frame_size.width <= 0 || options_.frame_size.height <= 0)
    return not_writable(path, "unknown frame size");
  const std::string dotted = lower_extension(path);
  const std::string ext = dotted.empty() ? dotted : dotted.substr(1);
  const AVOutputFormat* format = nullptr;
  if (ext == "mp4" || ext == "m4v" || ext == "mov") format = av_guess_format(ext == "mov" ? "mov" : "mp4", nullptr, nullptr);
  else if (ext == "mkv") format = av_guess_format("matroska", nullptr, nullptr);
  else format = av_guess_format(nullptr, path.c_str(), nullptr);
  if (!format) return not_writable(path, "unknown video file type '." + ext + "' (use .mp4 or .mkv)");
  if (avformat_alloc_output_context2(&out_, format, nullptr, path.c_str()) < 0 || !out_)
    return not_writable(path, "out of memory");

  const bool h264 = options_.codec == VideoCodec::kH264;
  const bool is_mp4 = std::string(format->name).find("mp4") != std::string::npos ||
                      std::string(format->name).find("mov") != std::string::npos;
  const AVCodecID codec_id = h264 ? AV_CODEC_ID_H264 : AV_CODEC_ID_MJPEG;
  if (avformat_query_codec(format, codec_id, FF_COMPLIANCE_NORMAL) != 1)
    return not_writable(path, std::string("the ") + format->name + " container cannot hold " +
                                  video_codec_name(options_.codec) + " video (use .mp4 or .mkv)");
  const AVCodec* codec = h264 ? avcodec_find_encoder_by_name("libx264") : avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (!codec && h264) codec = avcodec_find_encoder(AV_CODEC_ID_H264);
  if (!codec)
    return about(h264 ? Setting::kVideoCodec : Setting::kNone,
                 not_writable(path, std::string("this FFmpeg has no ") + video_codec_name(options_.codec) +
                                        " encoder" + (h264 ? " (libx264)" : "")));

  // yuv420p needs even sizes: odd ones get one repeated column / row.
  even_size_ = {std::max(2, (options_.frame_size.width + 1) & ~1), std::max(2, (options_.frame_size.height + 1) & ~1)};
  const double fps = options_.fps > 0 && std::isfinite(options_.fps) ? options_.fps : 25.0;
  enc_ = avcodec_alloc_context3(codec);
  if (!enc_) return not_writable(path, "out of memory");
  enc_->width = even_size_.width;
  enc_->height = even_size_.height;
  enc_->time_base = kTimeBase;
  enc_->framerate = av_d2q(fps, 100000);
  enc_->sample_aspect_ratio = {1, 1};
  enc_->colorspace = AVCOL_SPC_SMPTE170M;  // swscale's default BGR->YUV matrix is BT.601
  if (h264) {
    enc_->pix_fmt = AV_PIX_FMT_YUV420P;
    enc_->color_range = AVCOL_RANGE_MPEG;
    enc_->gop_size = std::max(1, static_cast<int>(std::lround(fps * std::max(0.04, options_.keyframe_every_s))));
    av_opt_set(enc_->priv_data, "preset", options_.preset.c_str(), 0);
    av_opt_set_double(enc_->priv_data, "crf", options_.crf, 0);
    // Fragmented MP4 has no edit list to hide B-frames' decoding delay: the
    // video would start a frame or two late, off the audio. No B-frames there.
    if (is_mp4) enc_->max_b_frames = 0;
  } else {
    enc_->pix_fmt = AV_PIX_FMT_YUVJ420P;
    enc_->color_range = AVCOL_RANGE_JPEG;
    enc_->flags |= AV_CODEC_FLAG_QSCALE;
    enc_->global_quality = FF_QP2LAMBDA * std::clamp(options_.mjpeg_quality, 2, 31);
  }
  // One encoder thread per 720p of picture: frame threads add a frame of delay
  // each (lost on a crash) and take cores from detection and the UI; one
  // thread encodes 640x360 with veryfast at several hundred frames a second.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  enc_->thread_count = std::clamp(static_cast<int>(std::ceil(double(even_size_.area()) / (1280.0 * 720.0))), 1, cores);
  if (format->flags & AVFMT_GLOBALHEADER) enc_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (int err = avcodec_open2(enc_, codec, nullptr); err < 0)
    return not_writable(path, std::string("cannot open the ") + codec->name + " encoder: " + av_error(err));

  video_ = avformat_new_stream(out_, nullptr);
  if (!video_) return not_writable(path, "out of memory");
  video_->time_base = kTimeBase;  // Matroska replaces it with 1/1000
  video_->avg_frame_rate = enc_->framerate;
  if (avcodec_parameters_from_context(video_->codecpar, enc_) < 0) return not_writable(path, "out of memory");

  if (!options_.audio_from.empty()) open_audio();

  if (!(format->flags & AVFMT_NOFILE)) {
    if (int err = avio_open(&out_->pb, path.c_str(), AVIO_FLAG_WRITE); err < 0)
      return not_writable(path, av_error(err));
  }
  // Crash safety: every packet goes to the file at once, MP4 in fragments
  // (header first, then a fragment per keyframe or 0.5 s), Matroska in
  // clusters of at most 0.5 s; a cut-off file plays up to its last whole one.
  out_->flush_packets = 1;
  out_->flags |= AVFMT_FLAG_FLUSH_PACKETS;
  AVDictionary* mux_options = nullptr;
  const std::string name = format->name;
  if (is_mp4) {
    av_dict_set(&mux_options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
    av_dict_set(&mux_options, "frag_duration", std::to_string(kFlushEveryMs * 1000).c_str(), 0);  // microseconds
  }
  if (name.find("matroska") != std::string::npos)
    av_dict_set(&mux_options, "cluster_time_limit", std::to_string(kFlushEveryMs).c_str(), 0);
  const int err = avformat_write_header(out_, &mux_options);
  av_dict_free(&mux_options);
  if (err < 0) return not_writable(path, "cannot write the header: " + av_error(err));
  header_written_ = true;

  sws_ = sws_getContext(even_size_.width, even_size_.height, AV_PIX_FMT_BGR24, even_size_.width, even_size_.height,
                        enc_->pix_fmt, SWS_BILINEAR, nullptr, nullptr, nullptr);
  held_ = av_frame_alloc();
  pkt_ = av_packet_alloc();
  audio_pkt_ = av_packet_alloc();
  if (!sws_ || !held_ || !pkt_ || !audio_pkt_) return not_writable(path, "out of memory");
  held_->format = enc_->pix_fmt;
  held_->width = even_size_.width;
  held_->height = even_size_.height;
  if (av_frame_get_buffer(held_, 0) < 0) return not_writable(path, "out of memory");
  thread_ = std::thread([this] { run(); });
  return std::nullopt;
}

void FfmpegVideoWriter::run() {
  for (;;) {
    Item item;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      not_empty_.wait(lock, [&] { return !queue_.empty(); });
      item = std::move(queue_.front());
      queue_.pop_front();
      not_full_.notify_all();
    }
    bool failed;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      failed = error_.has_value();
    }
    if (item.end) {
      if (!failed) {
        if (MaybeError s = finish(item.end_ms)) fail(*s);
      } else if (header_written_ && !trailer_written_) {
        av_write_trailer(out_);  // best effort: what was written stays playable
        trailer_written_ = true;
      }
      return;
    }
    if (failed) continue;  // discard: the file is broken, write() reports it
    try {
      if (MaybeError s = encode_frame(item.image, item.time_ms)) fail(*s);
    } catch (const std::exception& e) {  // cv::Exception, std::bad_alloc: never past the thread
      fail(not_writable(options_.path, e.what()));
    }
  }
}

MaybeError FfmpegVideoWriter::encode_frame(const cv::Mat& bgr, std::optional<double> time_ms) {
  // The presentation time in encoder ticks, from the first frame's time.
  const double step_ticks = 90000.0 / (options_.fps > 0 ? options_.fps : 25.0);
  std::int64_t pts;
  if (time_ms) {
    if (!first_ms_) first_ms_ = *time_ms;
    pts = std::llround((*time_ms - *first_ms_) * kTicksPerMs);
  } else {
    pts = last_pts_ < 0 ? 0 : last_pts_ + std::llround(step_ticks);
    if (!first_ms_) first_ms_ = 0.0;
  }
  if (last_pts_ >= 0 && pts < last_pts_ + kMinStep) pts = last_pts_ + kMinStep;
  if (has_held_) {
    if (MaybeError s = submit(pts)) return s;
  }
  if (!audio_done_) {
    if (MaybeError s = pump_audio(pts / 90000.0 + kAudioLeadS)) return s;
  }

  // BGR -> YUV into the held frame (padded to even sizes).
  cv::Mat src = bgr;
  if (src.size() != even_size_) {
    cv::Mat resized = src;
    if (src.size() != options_.frame_size) cv::resize(src, resized, options_.frame_size);
    cv::copyMakeBorder(resized, src, 0, even_size_.height - resized.rows, 0, even_size_.width - resized.cols,
                       cv::BORDER_REPLICATE);
  }
  if (av_frame_make_writable(held_) < 0) return not_writable(options_.path, "out of memory");
  const uint8_t* planes[1] = {src.data};
  const int strides[1] = {static_cast<int>(src.step)};
  sws_scale(sws_, planes, strides, 0, src.rows, held_->data, held_->linesize);
  held_->pts = pts;
  has_held_ = true;
  last_pts_ = pts;
  ++frames_in_;
  return std::nullopt;
}

MaybeError FfmpegVideoWriter::submit(std::optional<double> next_pts) {
  std::int64_t duration;
  if (next_pts) {
    duration = static_cast<std::int64_t>(*next_pts) - held_->pts;
  } else if (frames_in_ >= 2) {
    duration = std::max<std::int64_t>(kMinStep, (held_->pts - first_pts_) / (frames_in_ - 1));
  } else {
    duration = std::llround(90000.0 / (options_.fps > 0 ? options_.fps : 25.0));
  }
  duration = std::max<std::int64_t>(kMinStep, duration);
  durations_[held_->pts] = duration;
  video_end_ticks_ = std::max(video_end_ticks_, held_->pts + duration);
  if (int err = avcodec_send_frame(enc_, held_); err < 0)
    return not_writable(options_.path, "encoding failed: " + av_error(err));
  has_held_ = false;
  return drain_encoder(false);
}

MaybeError FfmpegVideoWriter::drain_encoder(bool flush) {
  if (flush) avcodec_send_frame(enc_, nullptr);
  for (;;) {
    const int err = avcodec_receive_packet(enc_, pkt_);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return std::nullopt;
    if (err < 0) return not_writable(options_.path, "encoding failed: " + av_error(err));
    if (auto it = durations_.find(pkt_->pts); it != durations_.end()) {
      pkt_->duration = it->second;
      durations_.erase(it);
    }
    pkt_->stream_index = video_->index;
    av_packet_rescale_ts(pkt_, kTimeBase, video_->time_base);
    if (MaybeError s = mux(pkt_)) return s;
  }
}

MaybeError FfmpegVideoWriter::mux(AVPacket* pkt) {
  const int err = av_interleaved_write_frame(out_, pkt);  // takes the packet's data
  if (err < 0) return not_writable(options_.path, av_error(err));
  if (out_->pb && out_->pb->error < 0) return not_writable(options_.path, av_error(out_->pb->error));
  return std::nullopt;
}

MaybeError FfmpegVideoWriter::finish(std::optional<double> end_ms) {
  if (has_held_) {
    std::optional<double> end_pts;
    if (end_ms && first_ms_) {
      const double ticks = (*end_ms - *first_ms_) * kTicksPerMs;
      if (ticks > held_->pts) end_pts = ticks;
    }
    if (MaybeError s = submit(end_pts)) return s;
  }
  if (MaybeError s = drain_encoder(true)) return s;
  // The audio up to where the video ends.
  if (!audio_done_ && frames_in_ > 0) {
    if (MaybeError s = pump_audio(static_cast<double>(video_end_ticks_) / 90000.0)) return s;
  }
  trailer_written_ = true;
  if (int err = av_write_trailer(out_); err < 0) return not_writable(options_.path, av_error(err));
  if (out_->pb && out_->pb->error < 0) return not_writable(options_.path, av_error(out_->pb->error));
  return std::nullopt;
}

void FfmpegVideoWriter::release() {
  if (out_) {
    if (out_->pb && !(out_->oformat->flags & AVFMT_NOFILE)) avio_closep(&out_->pb);
    avformat_free_context(out_);
    out_ = nullptr;
  }
  if (in_) avformat_close_input(&in_);
  avcodec_free_context(&enc_);
  sws_freeContext(sws_);
  sws_ = nullptr;
  av_frame_free(&held_);
  av_packet_free(&pkt_);
  av_packet_free(&audio_pkt_);
}

}  // namespace detail

const char* video_codec_name(VideoCodec codec) { return codec == VideoCodec::kMjpeg ? "mjpeg" : "h264"; }

Result<VideoCodec> parse_video_codec(const std::string& name) {
  if (name == "h264") return VideoCodec::kH264;
  if (name == "mjpeg") return VideoCodec::kMjpeg;
  return Error{ErrorCode::kUsage, "video codec must be h264 or mjpeg, not '" + name + "'"};
}

Result<std::unique_ptr<VideoWriter>> open_video_writer(const VideoWriterOptions& options) {
  auto writer = std::make_unique<detail::FfmpegVideoWriter>(options);
  if (MaybeError s = writer->open()) return *s;
  return std::unique_ptr<VideoWriter>(std::move(writer));
}

}  // namespace emoscope
