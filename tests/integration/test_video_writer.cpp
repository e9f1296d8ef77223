// VideoWriter (FFmpeg): real files, checked with ffprobe: the frames' times
// are kept, odd sizes are padded, the codec and container follow the options
// and the name, and bad paths give an error instead of a crash.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <opencv2/imgproc.hpp>

#include "emoscope/video_writer.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  std::FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return out;
  char buf[256];
  while (std::fgets(buf, sizeof(buf), pipe)) out += buf;
  ::pclose(pipe);
  return out;
}

// Presentation times (seconds) of the frames that decode.
std::vector<double> frame_times(const std::string& path) {
  std::vector<double> times;
  const std::string out = run("ffprobe -v error -select_streams v:0 -show_entries frame=pts_time -of csv=p=0 '" +
                              path + "' 2>/dev/null");
  std::size_t at = 0;
  while (at < out.size()) {
    const std::size_t end = out.find('\n', at);
    const std::string line = out.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (!line.empty() && line != "N/A") times.push_back(std::stod(line));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return times;
}

std::string stream_field(const std::string& path, const std::string& field) {
  std::string out = run("ffprobe -v error -select_streams v:0 -show_entries stream=" + field +
                        " -of csv=p=0 '" + path + "' 2>/dev/null");
  while (!out.empty() && (out.back() == '\n' || out.back() == ',')) out.pop_back();
  return out;
}

cv::Mat picture(cv::Size size, int i) {
  cv::Mat m(size, CV_8UC3, cv::Scalar(40, 90, 160));
  cv::circle(m, {(i * 7) % size.width, size.height / 2}, std::max(2, size.height / 4), cv::Scalar(255, 255, 255), -1);
  return m;
}

std::unique_ptr<VideoWriter> open_ok(const VideoWriterOptions& o) {
  auto w = open_video_writer(o);
  INFO((w ? std::string() : w.error().message));
  REQUIRE(w.ok());
  return std::move(w).value();
}

}  // namespace

TEST_CASE("each frame keeps its own time, counted from the first frame") {
  const std::string dir = test::temp_dir("video_writer_times");
  // Irregular times (a live source dropping frames), starting at 5 s.
  const std::vector<double> ms = {5000, 5040, 5080, 5200, 5240, 5400, 5433, 5466, 5500, 5900, 5940, 5980};
  for (const char* ext : {"mp4", "mkv"}) {
    for (VideoCodec codec : {VideoCodec::kH264, VideoCodec::kMjpeg}) {
      VideoWriterOptions o;
      o.path = dir + "/times-" + video_codec_name(codec) + "." + ext;
      o.frame_size = {160, 120};
      o.fps = 25;
      o.codec = codec;
      auto w = open_ok(o);
      for (std::size_t i = 0; i < ms.size(); ++i) REQUIRE_FALSE(w->write(picture(o.frame_size, int(i)), SourceTime::from_ms(ms[i])));
      REQUIRE_FALSE(w->close(6020.0));
      CHECK(w->frames_written() == long(ms.size()));
      CHECK(stream_field(o.path, "codec_name") == video_codec_name(codec));
      const std::vector<double> t = frame_times(o.path);
      INFO(o.path);
      REQUIRE(t.size() == ms.size());
      for (std::size_t i = 0; i < ms.size(); ++i) CHECK(t[i] == Approx((ms[i] - ms[0]) / 1000.0).margin(0.0015));
    }
  }
}

TEST_CASE("frames without a time follow at the nominal rate") {
  const std::string dir = test::temp_dir("video_writer_rate");
  VideoWriterOptions o;
  o.path = dir + "/rate.mp4";
  o.frame_size = {64, 48};
  o.fps = 10;
  auto w = open_ok(o);
  for (int i = 0; i < 15; ++i) REQUIRE_FALSE(w->write(picture(o.frame_size, i), SourceTime::unset()));
  REQUIRE_FALSE(w->close());
  const std::vector<double> t = frame_times(o.path);
  REQUIRE(t.size() == 15);
  for (int i = 0; i < 15; ++i) CHECK(t[i] == Approx(i * 0.1).margin(0.0015));
}

TEST_CASE("odd frame sizes are padded to even ones for H.264") {
  const std::string dir = test::temp_dir("video_writer_odd");
  for (const cv::Size size : {cv::Size(101, 51), cv::Size(1, 33)}) {
    VideoWriterOptions o;
    o.path = dir + "/odd-" + std::to_string(size.width) + ".mkv";
    o.frame_size = size;
    auto w = open_ok(o);
    for (int i = 0; i < 5; ++i) REQUIRE_FALSE(w->write(picture(size, i), SourceTime::from_ms(i * 40.0)));
    REQUIRE_FALSE(w->close());
    CHECK(stream_field(o.path, "width,height") ==
          std::to_string(std::max(2, (size.width + 1) & ~1)) + "," + std::to_string((size.height + 1) & ~1));
    CHECK(frame_times(o.path).size() == 5);
  }
}

TEST_CASE("bad video paths and containers give an output error, not a crash") {
  const std::string dir = test::temp_dir("video_writer_errors");
  VideoWriterOptions o;
  o.frame_size = {64, 48};
  o.path = dir + "/no/such/folder/x.mp4";
  auto missing = open_video_writer(o);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kOutputNotWritable);
  CHECK(missing.error().message.find("x.mp4") != std::string::npos);

  o.path = dir + "/x.notavideo";
  auto unknown = open_video_writer(o);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("unknown video file type") != std::string::npos);

  o.path = dir + "/x.webm";  // WebM holds VP8/VP9/AV1 only
  auto webm = open_video_writer(o);
  REQUIRE_FALSE(webm.ok());
  CHECK(webm.error().message.find("cannot hold h264") != std::string::npos);

  o.path = dir + "/x.mkv";
  o.frame_size = {};
  CHECK_FALSE(open_video_writer(o).ok());

  CHECK(parse_video_codec("mjpeg").value() == VideoCodec::kMjpeg);
  CHECK(parse_video_codec("h264").value() == VideoCodec::kH264);
  CHECK(parse_video_codec("vp9").error().code == ErrorCode::kUsage);
}

TEST_CASE("audio from a file without audio, or a missing one, leaves a video-only file") {
  const std::string dir = test::temp_dir("video_writer_noaudio");
  VideoWriterOptions o;
  o.path = dir + "/v.mp4";
  o.frame_size = {64, 48};
  o.audio_from = dir + "/missing.mp4";
  auto w = open_ok(o);
  CHECK(w->audio_streams() == 0);
  for (int i = 0; i < 3; ++i) REQUIRE_FALSE(w->write(picture(o.frame_size, i), SourceTime::from_ms(i * 40.0)));
  REQUIRE_FALSE(w->close());
  CHECK(frame_times(o.path).size() == 3);
  CHECK(run("ffprobe -v error -select_streams a -show_entries stream=index -of csv=p=0 '" + o.path + "'").empty());
}

TEST_CASE("a writer that is never closed still finishes its file") {
  const std::string dir = test::temp_dir("video_writer_dtor");
  VideoWriterOptions o;
  o.path = dir + "/d.mkv";
  o.frame_size = {64, 48};
  {
    auto w = open_ok(o);
    for (int i = 0; i < 4; ++i) REQUIRE_FALSE(w->write(picture(o.frame_size, i), SourceTime::from_ms(i * 40.0)));
  }
  CHECK(frame_times(o.path).size() == 4);
}
