// Portraits (portraits.hpp): each person's clearest face, on a real photo (the
// public-domain astronaut of python3-skimage) found by the shipped YuNet
// detector, made worse at test time (blurred, shrunk, half hidden, cut by the
// frame edge); merges; readers beside a writer; and the summary's "portrait"
// field written by a Recorder.
#include <atomic>
#include <cmath>
#include <fstream>
#include <limits>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "emoscope/face_detector.hpp"
#include "emoscope/portraits.hpp"
#include "emoscope/recorder.hpp"
#include "test_support.hpp"

using namespace emoscope;

namespace {

struct Photo {
  cv::Mat image;
  cv::Rect2f box;  // the face, as YuNet frames it
  float score = 0;
};

const Photo& astronaut() {
  static const Photo photo = [] {
    Photo p;
    p.image = cv::imread(test::astronaut_photo(), cv::IMREAD_COLOR);
    if (p.image.empty()) FAIL("cannot read " << test::astronaut_photo() << " (install python3-skimage)");
    auto detector = create_face_detector({});
    if (!detector) FAIL(detector.error().message);
    const auto faces = (*detector)->detect(p.image);
    if (faces.size() != 1) FAIL("expected one face in the astronaut photo, found " << faces.size());
    p.box = faces[0].box;
    p.score = faces[0].score;
    return p;
  }();
  return photo;
}

cv::Mat blurred(const cv::Mat& image, double sigma) {
  cv::Mat out;
  cv::GaussianBlur(image, out, cv::Size(0, 0), sigma);
  return out;
}

TrackedFace face_at(const cv::Rect2f& box, int person, float score, bool detected = true) {
  TrackedFace f;
  f.id = person > 0 ? person : 1;
  f.box = box;
  f.person_id = person;
  f.face_score = score;
  f.detected = detected;
  f.label = 0;
  f.confidence = 0.9f;
  f.smoothed = {0.9f, 0.1f};
  return f;
}

FrameResult frame_of(const cv::Mat& image, std::uint64_t seq, SourceTime time, std::vector<TrackedFace> faces) {
  FrameResult r;
  r.frame.image = image;
  r.frame.seq = seq;
  r.frame.time = time;
  r.faces = std::move(faces);
  r.times.detected = true;
  return r;
}

// Mean absolute difference (0..255) between two same-sized BGR images.
double mean_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  const cv::Scalar m = cv::mean(d);
  return (m[0] + m[1] + m[2]) / 3;
}

Embedding descriptor(float value) { return Embedding(128, value); }

}  // namespace

TEST_CASE("portrait_quality ranks a sharp, sure, large, frontal, whole face above worse views of it") {
  const Photo& p = astronaut();
  REQUIRE(p.score > 0.8f);
  const float best = portrait_quality(p.image, p.box, p.score);
  INFO("quality of the photo's face: " << best);
  CHECK(best > 0.1f);
  CHECK(best <= 1.0f);

  // Out of focus.
  CHECK(portrait_quality(blurred(p.image, 3.0), p.box, p.score) < 0.7f * best);
  // The detector less sure.
  CHECK(portrait_quality(p.image, p.box, 0.5f) < 0.7f * best);
  // No score (Haar): a finite value between a sure and an unsure face.
  const float unscored = portrait_quality(p.image, p.box, std::numeric_limits<float>::quiet_NaN());
  CHECK(std::isfinite(unscored));
  CHECK(unscored > portrait_quality(p.image, p.box, 0.5f));
  // Smaller: the same picture at a third of the size.
  cv::Mat small;
  cv::resize(p.image, small, cv::Size(), 1.0 / 3, 1.0 / 3, cv::INTER_AREA);
  const cv::Rect2f small_box(p.box.x / 3, p.box.y / 3, p.box.width / 3, p.box.height / 3);
  CHECK(portrait_quality(small, small_box, p.score) < 0.8f * best);
  // Not frontal: one half of the face hidden (a face turned aside shows one cheek).
  cv::Mat half = p.image.clone();
  const cv::Rect right(cv::Rect(p.box).x + cv::Rect(p.box).width / 2, cv::Rect(p.box).y, cv::Rect(p.box).width / 2,
                       cv::Rect(p.box).height);
  half(right).setTo(cv::Scalar(40, 40, 40));
  CHECK(portrait_quality(half, p.box, p.score) < 0.8f * best);
  // Cut by the frame's edge: half the box outside.
  const cv::Mat cut = p.image(cv::Rect(cv::Rect(p.box).x + cv::Rect(p.box).width / 2, 0,
                                       p.image.cols - cv::Rect(p.box).x - cv::Rect(p.box).width / 2, p.image.rows))
                          .clone();
  const cv::Rect2f cut_box(-p.box.width / 2, p.box.y, p.box.width, p.box.height);
  CHECK(portrait_quality(cut, cut_box, p.score) < 0.7f * best);
  // Nothing to see.
  CHECK(portrait_quality(p.image, cv::Rect2f(-500, -500, 100, 100), p.score) == 0.0f);
  CHECK(portrait_quality(cv::Mat(), p.box, p.score) == 0.0f);
}

TEST_CASE("Portraits keep each person's clearest detected face - replaced only by a clearly better one") {
  const Photo& p = astronaut();
  const cv::Mat soft = blurred(p.image, 2.5);
  Portraits portraits;
  CHECK_FALSE(portraits.portrait(1));
  const std::uint64_t r0 = portraits.revision();

  // Frame 0: a blurred view of person 1; a face with no person is ignored.
  CHECK(portraits.observe(frame_of(soft, 0, SourceTime::from_ms(0), {face_at(p.box, 1, p.score)})));
  std::optional<Portrait> kept = portraits.portrait(1);
  REQUIRE(kept);
  CHECK(kept->person == 1);
  CHECK(kept->frame == 0);
  CHECK(kept->time == SourceTime::from_ms(0));
  CHECK(kept->box == p.box);
  CHECK(kept->thumbnail.size() == cv::Size(96, 96));
  CHECK(kept->thumbnail.type() == CV_8UC3);
  const float soft_quality = kept->quality;
  CHECK(portraits.revision() > r0);

  // Frame 1: the same view again (a near-equal one): kept as it was, no change.
  const std::uint64_t r1 = portraits.revision();
  CHECK_FALSE(portraits.observe(frame_of(soft, 1, SourceTime::from_ms(40), {face_at(p.box, 1, p.score)})));
  CHECK(portraits.portrait(1)->frame == 0);
  CHECK(portraits.revision() == r1);
  // Frame 2: sharp, but the box was carried over, not detected: not a candidate.
  CHECK_FALSE(portraits.observe(frame_of(p.image, 2, SourceTime::from_ms(80), {face_at(p.box, 1, p.score, false)})));
  CHECK(portraits.portrait(1)->frame == 0);
  // Frame 3: sharp and detected: replaces the blurred one.
  CHECK(portraits.observe(frame_of(p.image, 3, SourceTime::from_ms(120), {face_at(p.box, 1, p.score)})));
  kept = portraits.portrait(1);
  REQUIRE(kept);
  CHECK(kept->frame == 3);
  CHECK(kept->time == SourceTime::from_ms(120));
  CHECK(kept->quality > soft_quality * 1.15f);
  CHECK(kept->revision > r1);
  // Frame 4: blurred again: the sharp one stays.
  CHECK_FALSE(portraits.observe(frame_of(soft, 4, SourceTime::from_ms(160), {face_at(p.box, 1, p.score)})));
  CHECK(portraits.portrait(1)->frame == 3);
  // No person: no portrait.
  portraits.observe(frame_of(p.image, 5, SourceTime::from_ms(200), {face_at(p.box, 0, p.score)}));
  CHECK(portraits.all().size() == 1);

  // The thumbnail is the face: the box with a 20 % margin each side, square, at 96x96.
  const float side = std::max(p.box.width, p.box.height) * 1.4f;
  const cv::Rect area(cv::Rect2f(p.box.x + p.box.width / 2 - side / 2, p.box.y + p.box.height / 2 - side / 2, side, side));
  REQUIRE((area & cv::Rect(0, 0, p.image.cols, p.image.rows)) == area);  // inside the photo
  cv::Mat expected, elsewhere;
  cv::resize(p.image(area), expected, cv::Size(96, 96), 0, 0, cv::INTER_AREA);
  cv::resize(p.image(cv::Rect(p.image.cols - area.width, p.image.rows - area.height, area.width, area.height)),
             elsewhere, cv::Size(96, 96), 0, 0, cv::INTER_AREA);
  CHECK(mean_diff(kept->thumbnail, expected) < 4.0);
  CHECK(mean_diff(kept->thumbnail, elsewhere) > 20.0);
}

TEST_CASE("Portraits of still images have no time; thumbnails can be left out; a frame edge pads the square") {
  const Photo& p = astronaut();
  Portraits places(PortraitOptions{0});
  REQUIRE(places.observe(frame_of(p.image, 7, SourceTime::unset(), {face_at(p.box, 2, p.score)})));
  const std::optional<Portrait> kept = places.portrait(2);
  REQUIRE(kept);
  CHECK_FALSE(kept->time.is_set());
  CHECK(kept->frame == 7);
  CHECK(kept->thumbnail.empty());

  // A face at the frame's left edge: the thumbnail is still square and the face in its middle.
  const int cut_x = cv::Rect(p.box).x + 10;
  const cv::Mat cut = p.image(cv::Rect(cut_x, 0, p.image.cols - cut_x, p.image.rows)).clone();
  const cv::Rect2f box(p.box.x - cut_x, p.box.y, p.box.width, p.box.height);
  Portraits thumbs;
  REQUIRE(thumbs.observe(frame_of(cut, 0, SourceTime::from_ms(0), {face_at(box, 1, p.score)})));
  const cv::Mat t = thumbs.portrait(1)->thumbnail;
  REQUIRE(t.size() == cv::Size(96, 96));
  CHECK(cv::mean(t(cv::Rect(0, 0, 10, 96)))[0] < 1.0);      // padding, left of the frame's edge
  CHECK(cv::mean(t(cv::Rect(40, 30, 16, 36)))[2] > 60.0);   // the face, in the middle (skin: red)
}

TEST_CASE("Portraits follow merges - the person merged into shows the better face of the two") {
  auto people = std::make_shared<People>(0.44f);
  const int one = people->add_person(descriptor(0.0f));
  const int two = people->add_person(descriptor(1.0f));
  REQUIRE(one != two);
  const Photo& p = astronaut();
  Portraits portraits({}, people);
  portraits.observe(frame_of(p.image, 10, SourceTime::from_ms(400), {face_at(p.box, one, p.score)}));
  portraits.observe(frame_of(blurred(p.image, 3.0), 11, SourceTime::from_ms(440), {face_at(p.box, two, p.score)}));
  REQUIRE(portraits.portrait(one)->frame == 10);
  REQUIRE(portraits.portrait(two)->frame == 11);

  // `one` (the sharp face) merged into `two` (the blurred one): `two` now shows `one`'s face.
  people->merge(two, one);
  std::optional<Portrait> merged = portraits.portrait(two);
  REQUIRE(merged);
  CHECK(merged->frame == 10);
  CHECK(merged->person == two);
  CHECK(portraits.portrait(one)->frame == 10);  // the old ID reads as the person it joined
  auto all = portraits.all();
  CHECK(all.size() == 1);
  CHECK(all.count(two) == 1);
  // The next frame folds the two for good; a stale ID still lands on the joined person.
  const std::uint64_t before = portraits.revision();
  portraits.observe(frame_of(blurred(p.image, 3.0), 12, SourceTime::from_ms(480), {face_at(p.box, one, p.score)}));
  CHECK(portraits.revision() > before);
  CHECK(portraits.portrait(two)->frame == 10);
  CHECK(portraits.all().size() == 1);
}

TEST_CASE("Portraits can be read while a run observes") {
  const Photo& p = astronaut();
  Portraits portraits;
  std::atomic<bool> done{false};
  std::atomic<long> reads{0};
  std::thread reader([&] {
    while (!done) {
      if (auto kept = portraits.portrait(1)) CHECK(kept->thumbnail.size() == cv::Size(96, 96));
      portraits.all();
      portraits.revision();
      ++reads;
    }
  });
  // Blur falling over the frames: each one clearer than the last, so each replaces the last.
  for (int i = 0; i < 12; ++i) {
    const cv::Mat image = i < 11 ? blurred(p.image, 4.0 - i * 0.35) : p.image;
    portraits.observe(frame_of(image, i, SourceTime::from_ms(i * 40.0), {face_at(p.box, 1, p.score)}));
  }
  done = true;
  reader.join();
  CHECK(reads > 0);
  CHECK(portraits.portrait(1)->frame >= 6);
}

TEST_CASE("the summary says where each person's clearest face was - frame, time and box, never pixels") {
  const Photo& p = astronaut();
  const std::string dir = test::temp_dir("portraits-summary");
  RecorderOptions ro;
  ro.summary_path = dir + "/s.json";
  ro.labels = {"happy", "sad"};
  auto rec = Recorder::open(ro);
  REQUIRE(rec.ok());
  const cv::Mat soft = blurred(p.image, 3.0);
  // Person 1: blurred on frames 0 and 2, sharp on frame 1. Person 2: only a carried box (never detected).
  TrackedFace other = face_at(cv::Rect2f(10, 10, 60, 60), 2, 0.9f, false);
  other.id = 2;
  REQUIRE_FALSE((*rec)->write(frame_of(soft, 0, SourceTime::from_ms(0), {face_at(p.box, 1, p.score), other}), {}));
  REQUIRE_FALSE((*rec)->write(frame_of(p.image, 1, SourceTime::from_ms(40), {face_at(p.box, 1, p.score)}), {}));
  REQUIRE_FALSE((*rec)->write(frame_of(soft, 2, SourceTime::from_ms(80), {face_at(p.box, 1, p.score)}), {}));
  REQUIRE_FALSE((*rec)->finish());
  std::ifstream in(ro.summary_path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto j = nlohmann::json::parse(text);
  REQUIRE(j["people"].size() == 2);
  const auto& portrait = j["people"][0]["portrait"];
  CHECK(j["people"][0]["id"] == 1);
  REQUIRE(portrait.is_object());
  CHECK(portrait["frame"] == 1);
  CHECK(portrait["time_ms"].get<double>() == Approx(40.0));
  CHECK(portrait["box"] == nlohmann::json::array({std::lround(p.box.x), std::lround(p.box.y),
                                                  std::lround(p.box.width), std::lround(p.box.height)}));
  CHECK(j["people"][1]["portrait"].is_null());  // never detected
  CHECK_FALSE(j["faces"][0].contains("portrait"));
  CHECK(text.size() < 4000);  // figures only: no image data
}
