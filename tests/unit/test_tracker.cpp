#include <catch2/catch.hpp>

#include "emoscope/tracker.hpp"

using namespace emoscope;

TEST_CASE("IoU of boxes") {
  CHECK(iou({0, 0, 10, 10}, {0, 0, 10, 10}) == Approx(1.0));
  CHECK(iou({0, 0, 10, 10}, {20, 20, 5, 5}) == Approx(0.0));
  CHECK(iou({0, 0, 10, 10}, {5, 0, 10, 10}) == Approx(50.0 / 150.0));
  CHECK(iou({0, 0, 0, 0}, {0, 0, 0, 0}) == Approx(0.0));
}

TEST_CASE("association takes the best overlaps first - each box once") {
  const std::vector<cv::Rect2f> tracks{{0, 0, 10, 10}, {100, 100, 10, 10}};
  const std::vector<cv::Rect2f> dets{{101, 101, 10, 10}, {300, 300, 10, 10}, {1, 0, 10, 10}};
  const auto m = associate(tracks, dets, 0.3f);
  REQUIRE(m.size() == 3);
  CHECK(m[0] == 1);
  CHECK(m[1] == -1);
  CHECK(m[2] == 0);
  // Two detections competing for one track: the better overlap wins.
  const auto m2 = associate({{0, 0, 10, 10}}, {{3, 0, 10, 10}, {1, 0, 10, 10}}, 0.3f);
  CHECK(m2[0] == -1);
  CHECK(m2[1] == 0);
}

TEST_CASE("smoothing is an exponential moving average in time") {
  const Probabilities prev{1.0f, 0.0f}, cur{0.0f, 1.0f};
  CHECK(smooth(prev, cur, 40, 0)[1] == Approx(1.0));      // off
  const auto half = smooth(prev, cur, 100 * std::log(2.0), 100);
  CHECK(half[0] == Approx(0.5).margin(1e-5));
  CHECK(half[1] == Approx(0.5).margin(1e-5));
  CHECK(smooth(prev, cur, 1e6, 100)[1] == Approx(1.0));   // long gap: forget
  CHECK(smooth({}, cur, 40, 100) == cur);                  // new face
}

TEST_CASE("tracker keeps IDs - smooths per face and expires after a gap") {
  TrackerOptions o;
  o.smoothing_ms = 100;
  o.max_gap_ms = 500;
  Tracker t(o);
  auto f1 = t.update({{0, 0, 50, 50}, {200, 0, 50, 50}}, {{0.9f, 0.1f}, {0.2f, 0.8f}}, SourceTime::from_ms(0));
  REQUIRE(f1.size() == 2);
  CHECK(f1[0].id == 1);
  CHECK(f1[1].id == 2);
  CHECK(f1[1].label == 1);
  // Faces swap order and move a little: IDs follow the boxes.
  auto f2 = t.update({{205, 2, 50, 50}, {3, 1, 50, 50}}, {{0.2f, 0.8f}, {0.1f, 0.9f}}, SourceTime::from_ms(40));
  CHECK(f2[0].id == 2);
  CHECK(f2[1].id == 1);
  // Face 1 saw a sudden flip to "sad": smoothing holds it near "happy".
  CHECK(f2[1].smoothed[0] > 0.5f);
  CHECK(f2[1].label == 0);
  CHECK(f2[1].raw[1] == Approx(0.9f));
  // Face 2's state is its own: it stays sad.
  CHECK(f2[0].label == 1);
  // After a long gap the same place gets a new ID.
  auto f3 = t.update({{3, 1, 50, 50}}, {{0.5f, 0.5f}}, SourceTime::from_ms(2000));
  CHECK(f3[0].id == 3);
}

TEST_CASE("source times - set and unset") {
  const SourceTime none;
  CHECK_FALSE(none.is_set());
  CHECK(none == SourceTime::unset());
  CHECK(none.ms_or(-1.0) == -1.0);
  CHECK_THROWS_AS(none.ms(), std::bad_optional_access);
  const SourceTime t = SourceTime::from_ms(1500.0);
  CHECK(t.is_set());
  CHECK(t.ms() == 1500.0);
  CHECK(t.seconds() == 1.5);
  CHECK(t != none);
  CHECK(SourceTime::from_ms(0.0) != none);  // time 0 is a time; unset is none
}

TEST_CASE("still images are tracked independently - no smoothing or IDs carried between them") {
  TrackerOptions o;
  o.smoothing_ms = 10000;  // strong smoothing: any carry-over would show
  o.max_gap_ms = 1e9;      // and no expiry by time
  Tracker t(o);
  const cv::Rect2f box{10, 10, 50, 50};
  auto a = t.update({box}, {{0.9f, 0.1f}}, SourceTime::unset());
  auto b = t.update({box}, {{0.2f, 0.8f}}, SourceTime::unset());
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  // The second image's face is its own: its probabilities are exactly the model's.
  CHECK(b[0].smoothed == Probabilities{0.2f, 0.8f});
  CHECK(b[0].label == 1);
  CHECK(b[0].confidence == 0.8f);
  CHECK(b[0].id != a[0].id);  // a new face, never the same ID again
  // A timed frame after a still image does not continue the image's face either...
  auto c = t.update({box}, {{0.6f, 0.4f}}, SourceTime::from_ms(0));
  CHECK(c[0].id != b[0].id);
  CHECK(c[0].smoothed == Probabilities{0.6f, 0.4f});
  // ...while timed frames do smooth among themselves (the control).
  auto d = t.update({box}, {{0.0f, 1.0f}}, SourceTime::from_ms(40));
  CHECK(d[0].id == c[0].id);
  CHECK(d[0].smoothed[0] > 0.5f);
  // And a still image after them starts afresh again.
  auto e = t.update({box}, {{0.0f, 1.0f}}, SourceTime::unset());
  CHECK(e[0].id != d[0].id);
  CHECK(e[0].smoothed == Probabilities{0.0f, 1.0f});
}

TEST_CASE("a tracked face is classified again only after the classify interval - new faces at once") {
  TrackerOptions o;
  o.smoothing_ms = 100;
  o.classify_interval_ms = 100;
  Tracker t(o);
  const cv::Rect2f a{0, 0, 50, 50}, b{200, 0, 50, 50};
  auto f0 = t.assign({a}, SourceTime::from_ms(0));
  CHECK(f0.to_classify() == std::vector<bool>{true});
  const auto r0 = t.resolve(f0, {{0.9f, 0.1f}});
  CHECK(r0[0].classified);
  // 40 ms later face a is not due; a new face b is.
  auto f1 = t.assign({a, b}, SourceTime::from_ms(40));
  CHECK(f1.to_classify() == std::vector<bool>{false, true});
  CHECK(f1.classify_count() == 1);
  const auto r1 = t.resolve(f1, {{0.3f, 0.7f}});  // b's only
  CHECK_FALSE(r1[0].classified);
  CHECK(r1[0].raw.empty());
  CHECK(r1[0].smoothed == r0[0].smoothed);  // carried unchanged
  CHECK(r1[0].id == r0[0].id);
  CHECK(r1[1].classified);
  CHECK(r1[1].smoothed == Probabilities{0.3f, 0.7f});
  // At 100 ms face a is due again and smooths over the 100 ms since its last
  // classification (not the 60 ms since it was last seen).
  auto f2 = t.assign({a, b}, SourceTime::from_ms(100));
  CHECK(f2.to_classify() == std::vector<bool>{true, false});
  const auto r2 = t.resolve(f2, {{0.1f, 0.9f}});
  const Probabilities expected = smooth({0.9f, 0.1f}, {0.1f, 0.9f}, 100, 100);
  CHECK(r2[0].smoothed[0] == Approx(expected[0]));
  CHECK(r2[0].raw == Probabilities{0.1f, 0.9f});
  // Still images are always classified, whatever the interval.
  auto still = t.assign({a}, SourceTime::unset());
  CHECK(still.to_classify() == std::vector<bool>{true});
}

TEST_CASE("assigning several frames before resolving them gives what frame-by-frame updates give") {
  TrackerOptions o;
  o.smoothing_ms = 80;
  const std::vector<std::vector<cv::Rect2f>> boxes{
      {{0, 0, 50, 50}}, {{2, 0, 50, 50}, {300, 0, 40, 40}}, {{4, 1, 50, 50}}, {{300, 2, 40, 40}}};
  const std::vector<std::vector<Probabilities>> probs{
      {{0.9f, 0.1f}}, {{0.5f, 0.5f}, {0.2f, 0.8f}}, {{0.1f, 0.9f}}, {{0.7f, 0.3f}}};
  Tracker one_by_one(o), grouped(o);
  std::vector<std::vector<TrackedFace>> expected, got;
  for (std::size_t f = 0; f < boxes.size(); ++f) {
    expected.push_back(one_by_one.update(boxes[f], probs[f], SourceTime::from_ms(40.0 * f)));
  }
  std::vector<Tracker::Assignment> assigned;
  for (std::size_t f = 0; f < boxes.size(); ++f) assigned.push_back(grouped.assign(boxes[f], SourceTime::from_ms(40.0 * f)));
  for (std::size_t f = 0; f < boxes.size(); ++f) got.push_back(grouped.resolve(assigned[f], probs[f]));
  REQUIRE(got.size() == expected.size());
  for (std::size_t f = 0; f < got.size(); ++f) {
    REQUIRE(got[f].size() == expected[f].size());
    for (std::size_t i = 0; i < got[f].size(); ++i) {
      CHECK(got[f][i].id == expected[f][i].id);
      CHECK(got[f][i].smoothed == expected[f][i].smoothed);
      CHECK(got[f][i].label == expected[f][i].label);
    }
  }
  CHECK(got[3][0].id == 2);  // the second face kept its ID across a frame without it
}
