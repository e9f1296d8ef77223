// The FFmpeg VideoWriter's audio (ffmpeg_writer.hpp): the source file's audio
// streams, copied packet by packet, muxed a little ahead of the video.
#include <cmath>

#include "ffmpeg_writer.hpp"

namespace emoscope::detail {

void FfmpegVideoWriter::open_audio() {
  const std::string& src = options_.audio_from;
  if (int err = avformat_open_input(&in_, src.c_str(), nullptr, nullptr); err < 0) {
    spdlog::warn("audio of '{}' not copied: {}", src, av_error(err));
    in_ = nullptr;
    return;
  }
  if (avformat_find_stream_info(in_, nullptr) < 0) spdlog::warn("audio of '{}': stream info incomplete", src);
  const int video_index = av_find_best_stream(in_, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (video_index >= 0) {
    const AVStream* v = in_->streams[video_index];
    if (v->start_time != AV_NOPTS_VALUE) source_video_start_s_ = v->start_time * av_q2d(v->time_base);
  }
  for (unsigned i = 0; i < in_->nb_streams; ++i) {
    const AVStream* s = in_->streams[i];
    if (s->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
    const char* codec = avcodec_get_name(s->codecpar->codec_id);
    if (avformat_query_codec(out_->oformat, s->codecpar->codec_id, FF_COMPLIANCE_NORMAL) != 1) {
      spdlog::warn("audio stream {} of '{}' ({}) cannot go into {}: the video is written without it", i, src,
                   codec, out_->oformat->name);
      continue;
    }
    AVStream* o = avformat_new_stream(out_, nullptr);
    if (!o || avcodec_parameters_copy(o->codecpar, s->codecpar) < 0) {
      spdlog::warn("audio stream {} of '{}': out of memory; left out", i, src);
      continue;
    }
    o->codecpar->codec_tag = 0;
    o->time_base = s->time_base;
    av_dict_copy(&o->metadata, s->metadata, 0);
    audio_map_[static_cast<int>(i)] = o;
  }
  if (audio_map_.empty()) {
    avformat_close_input(&in_);
    return;
  }
  audio_done_ = false;
  spdlog::debug("copying {} audio stream(s) from '{}'", audio_map_.size(), src);
}

MaybeError FfmpegVideoWriter::pump_audio(double until_s) {
  while (!audio_done_) {
    if (!audio_pending_) {
      const int err = av_read_frame(in_, audio_pkt_);
      if (err < 0) {
        if (err != AVERROR_EOF) spdlog::warn("audio of '{}' ends early: {}", options_.audio_from, av_error(err));
        audio_done_ = true;
        return std::nullopt;
      }
      const auto it = audio_map_.find(audio_pkt_->stream_index);
      if (it == audio_map_.end() || (audio_pkt_->pts == AV_NOPTS_VALUE && audio_pkt_->dts == AV_NOPTS_VALUE)) {
        av_packet_unref(audio_pkt_);
        continue;
      }
      audio_pending_ = true;
    }
    const AVStream* in = in_->streams[audio_pkt_->stream_index];
    const std::int64_t ts = audio_pkt_->pts != AV_NOPTS_VALUE ? audio_pkt_->pts : audio_pkt_->dts;
    // Output time: the source's time less its video start and the first frame's time.
    const double offset_s = source_video_start_s_ + first_ms_.value_or(0.0) / 1000.0;
    const double t = ts * av_q2d(in->time_base) - offset_s;
    if (t >= until_s) return std::nullopt;  // later
    audio_pending_ = false;
    if (t < 0) {  // before the first frame
      av_packet_unref(audio_pkt_);
      continue;
    }
    AVStream* out = audio_map_.at(audio_pkt_->stream_index);
    const std::int64_t shift = av_rescale_q(std::llround(offset_s * 1e6), AVRational{1, 1000000}, in->time_base);
    if (audio_pkt_->pts != AV_NOPTS_VALUE) audio_pkt_->pts -= shift;
    if (audio_pkt_->dts != AV_NOPTS_VALUE) audio_pkt_->dts -= shift;
    if (audio_pkt_->dts != AV_NOPTS_VALUE && audio_pkt_->dts < 0) audio_pkt_->dts = 0;
    av_packet_rescale_ts(audio_pkt_, in->time_base, out->time_base);
    audio_pkt_->stream_index = out->index;
    audio_pkt_->pos = -1;
    if (MaybeError s = mux(audio_pkt_)) return s;
  }
  return std::nullopt;
}

}  // namespace emoscope::detail
