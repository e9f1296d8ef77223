#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>

#include "emoscope/frame_source.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

TEST_CASE("a video file yields stamped frames - then a clean end of stream") {
  REQUIRE_SHARED_DATA();
  auto src = open_video_file(test::shared_path("videos/justinshenk_fer_test.mp4"));
  REQUIRE(src.ok());
  CHECK((*src)->info().fps == Approx(25.0).margin(0.5));
  CHECK((*src)->info().size == cv::Size(596, 336));
  CHECK_FALSE((*src)->is_live());
  std::uint64_t n = 0;
  SteadyClock::time_point last{};
  double last_pos = -1;
  ReadResult r;
  while ((r = (*src)->read()).status == ReadStatus::kFrame) {
    CHECK(r.frame.seq == n);
    REQUIRE(r.frame.time.is_set());
    if (n < 100) CHECK(r.frame.time.ms() == Approx(n * 40.0).margin(0.5));  // the file's 25 fps timestamps
    CHECK(r.frame.time.ms() > last_pos);
    last_pos = r.frame.time.ms();
    CHECK(r.frame.captured >= last);
    last = r.frame.captured;
    ++n;
  }
  CHECK(r.status == ReadStatus::kEndOfStream);
  CHECK(n == 115);
}

TEST_CASE("a truncated video reports a read error after its decodable frames") {
  REQUIRE_SHARED_DATA();
  auto src = open_video_file(test::shared_path("videos/Syzygy126_Liveness_test.avi"));
  REQUIRE(src.ok());
  int n = 0;
  ReadResult r;
  while ((r = (*src)->read()).status == ReadStatus::kFrame) ++n;
  CHECK(n == 88);
  CHECK(r.status == ReadStatus::kReadError);
  CHECK_THAT(r.message, Catch::Contains("truncated"));
}

TEST_CASE("bad video inputs are refused with an unreadable-input error") {
  const std::string dir = test::temp_dir("sources");
  const std::string empty = dir + "/empty.mp4";
  std::ofstream(empty).close();
  const std::string text = dir + "/text.mp4";
  std::ofstream(text) << "not a video at all\n";
  for (const std::string& path : {dir + "/missing.mp4", empty, text, dir}) {
    INFO(path);
    auto src = open_video_file(path);
    REQUIRE_FALSE(src.ok());
    CHECK(src.error().code == ErrorCode::kInputUnreadable);
  }
}

TEST_CASE("a camera that does not exist is a clear error - not a hang") {
  const auto start = SteadyClock::now();
  auto cam = open_camera("97");
  REQUIRE_FALSE(cam.ok());
  CHECK(cam.error().code == ErrorCode::kInputUnreadable);
  CHECK_THAT(cam.error().message, Catch::Contains("no camera"));
  CHECK(SteadyClock::now() - start < std::chrono::seconds(10));
  auto dev = open_source("/dev/video97");
  REQUIRE_FALSE(dev.ok());
}

TEST_CASE("an image folder yields its images in name order and skips broken ones") {
  const std::string dir = test::temp_dir("images");
  cv::imwrite(dir + "/b.png", cv::Mat(10, 20, CV_8UC3, cv::Scalar(1, 2, 3)));
  cv::imwrite(dir + "/a.jpg", cv::Mat(30, 40, CV_8UC1, cv::Scalar(9)));
  std::ofstream(dir + "/c.png") << "broken";
  std::ofstream(dir + "/notes.txt") << "ignored";
  auto src = open_source(dir);
  REQUIRE(src.ok());
  CHECK((*src)->info().size == cv::Size(40, 30));  // the first image in name order
  auto r1 = (*src)->read();
  REQUIRE(r1.status == ReadStatus::kFrame);
  CHECK(fs::path(r1.frame.origin).filename() == "a.jpg");
  CHECK(r1.frame.image.channels() == 3);
  CHECK_FALSE(r1.frame.time.is_set());  // a still image has no time (not time 0)
  auto r2 = (*src)->read();
  REQUIRE(r2.status == ReadStatus::kFrame);
  CHECK(r2.frame.seq == 1);
  CHECK_FALSE(r2.frame.time.is_set());
  CHECK(r2.frame.image.size() == cv::Size(20, 10));
  auto r3 = (*src)->read();
  CHECK(r3.status == ReadStatus::kEndOfStream);
  CHECK_THAT(r3.message, Catch::Contains("1 unreadable"));

  auto none = open_images(test::temp_dir("no-images"));
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::kInputUnreadable);
}

TEST_CASE("a mirrored source flips frames while its flag is set - the stamp stays") {
  const std::string image = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";  // opencv-doc
  if (!std::filesystem::exists(image)) {
    WARN("SKIPPED: " << image << " missing (install opencv-doc)");
    return;
  }
  const cv::Mat original = cv::imread(image, cv::IMREAD_COLOR);
  auto flag = std::make_shared<std::atomic<bool>>(true);
  for (bool on : {true, false}) {
    flag->store(on);
    auto source = open_source(image);
    REQUIRE(source.ok());
    auto wrapped = mirrored(std::move(source).value(), flag);
    CHECK(wrapped->info().size == original.size());
    const ReadResult r = wrapped->read();
    REQUIRE(r.status == ReadStatus::kFrame);
    CHECK(r.frame.seq == 0);
    cv::Mat expected;
    if (on) cv::flip(original, expected, 1);
    else expected = original;
    CHECK(cv::norm(r.frame.image, expected, cv::NORM_INF) == 0);
    CHECK(wrapped->read().status == ReadStatus::kEndOfStream);
  }
}

TEST_CASE("PNM headers are read as OpenCV reads them - the pixel cap holds (fuzz_image_decode find)") {
  // The input fuzz_image_decode found: OpenCV reads 3332 x 303333 (the '#' ends the first
  // number and is not a comment there) and would allocate 3 GB.
  const std::string found = "P2\n3332#303333P3\n62\x8a/";
  const std::vector<unsigned char> bomb(found.begin(), found.end());
  auto refused = decode_image_bytes(bomb, "found.pgm");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kInputUnreadable);
  CHECK_THAT(refused.error().message, Catch::Contains("3332x303333") && Catch::Contains("pixel cap"));
  // A comment on its own line is still a comment, and the image decodes.
  const std::string pgm = "P2\n# made by hand\n3 2\n255\n0 10 20\n30 40 50\n";
  auto image = decode_image_bytes(std::vector<unsigned char>(pgm.begin(), pgm.end()), "small.pgm");
  REQUIRE(image.ok());
  CHECK(image->cols == 3);
  CHECK(image->rows == 2);
  CHECK(image->at<cv::Vec3b>(1, 2)[0] == 50);
}

TEST_CASE("seeking a video or an image folder returns the frame with that sequence number") {
  SECTION("video") {
    REQUIRE_SHARED_DATA();
    auto src = open_video_file(test::shared_path("videos/justinshenk_fer_test.mp4"));
    REQUIRE(src.ok());
    std::vector<Frame> frames;
    for (ReadResult r; (r = (*src)->read()).status == ReadStatus::kFrame;) frames.push_back(r.frame);
    REQUIRE(frames.size() == 115);
    auto seeker = open_video_file(test::shared_path("videos/justinshenk_fer_test.mp4"));
    REQUIRE(seeker.ok());
    // 90 and 114 are where FFmpeg's frame-number seek lands one off or fails; the
    // last frames of this file are stamped 0 by the decoder.
    for (std::uint64_t seq : {90u, 3u, 57u, 0u, 114u, 112u, 89u}) {
      INFO("frame " << seq);
      REQUIRE((*seeker)->seek(seq, frames[seq].time.ms()));
      ReadResult r = (*seeker)->read();
      REQUIRE(r.status == ReadStatus::kFrame);
      CHECK(r.frame.seq == seq);
      CHECK(r.frame.time.ms() == Approx(frames[seq].time.ms()).margin(0.5));
      CHECK(cv::norm(r.frame.image, frames[seq].image, cv::NORM_INF) == 0);  // the same decoded pixels
      ReadResult next = (*seeker)->read();
      if (seq + 1 < frames.size()) CHECK(cv::norm(next.frame.image, frames[seq + 1].image, cv::NORM_INF) == 0);
    }
    CHECK_FALSE((*seeker)->seek(115, 115 * 40.0));  // past the end
  }
  SECTION("image folder with an unreadable image in it") {
    const std::string dir = test::temp_dir("seek-images");
    cv::imwrite(dir + "/a.png", cv::Mat(10, 10, CV_8UC3, cv::Scalar(1, 1, 1)));
    std::ofstream(dir + "/b.png") << "broken";
    cv::imwrite(dir + "/c.png", cv::Mat(10, 10, CV_8UC3, cv::Scalar(3, 3, 3)));
    cv::imwrite(dir + "/d.png", cv::Mat(10, 10, CV_8UC3, cv::Scalar(4, 4, 4)));
    auto src = open_images(dir);
    REQUIRE(src.ok());
    for (std::uint64_t seq : {2u, 0u, 1u, 2u}) {
      INFO("frame " << seq);
      REQUIRE((*src)->seek(seq, 0.0));
      ReadResult r = (*src)->read();
      REQUIRE(r.status == ReadStatus::kFrame);
      CHECK(r.frame.seq == seq);
      CHECK(fs::path(r.frame.origin).filename() == std::string(seq == 0 ? "a.png" : seq == 1 ? "c.png" : "d.png"));
    }
    CHECK_FALSE((*src)->seek(3, 0.0));
  }
  SECTION("a video played live (like a camera) cannot seek") {
    REQUIRE_SHARED_DATA();
    auto live = open_video_file(test::shared_path("videos/justinshenk_fer_test.mp4"), /*live_pacing=*/true);
    REQUIRE(live.ok());
    CHECK_FALSE((*live)->seek(10, 400.0));
  }
}
