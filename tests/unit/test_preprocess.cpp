#include <catch2/catch.hpp>
#include <opencv2/imgproc.hpp>

#include "emoscope/preprocess.hpp"

using namespace emoscope;

namespace {
ModelSpec grey_spec(float margin, bool square) {
  ModelSpec s;
  s.labels = {"a", "b"};
  s.channels = 1;
  s.height = s.width = 4;
  s.mean = {0.5f};
  s.std = {0.5f};
  s.crop_margin = margin;
  s.crop_square = square;
  return s;
}
}  // namespace

TEST_CASE("crop rectangle adds the margin on each side and squares it") {
  CHECK(crop_rect({10, 20, 40, 40}, 0.0f, true) == cv::Rect(10, 20, 40, 40));
  CHECK(crop_rect({10, 20, 40, 40}, 0.25f, true) == cv::Rect(0, 10, 60, 60));
  CHECK(crop_rect({10, 20, 40, 20}, 0.0f, true) == cv::Rect(10, 10, 40, 40));
  CHECK(crop_rect({10, 20, 40, 20}, 0.0f, false) == cv::Rect(10, 20, 40, 20));
  // Halves round away from zero, as in the Python reference.
  CHECK(crop_rect({0.5f, 0.5f, 3, 3}, 0.0f, true) == cv::Rect(1, 1, 3, 3));
}

TEST_CASE("a uniform grey crop normalises to (v/255 - mean)/std everywhere") {
  cv::Mat image(20, 20, CV_8UC3, cv::Scalar(51, 51, 51));
  Batch b = make_batch(image, {{2, 2, 8, 8}, {10, 10, 8, 8}}, grey_spec(0.1f, true));
  REQUIRE(b.n == 2);
  REQUIRE(b.data.size() == 2u * 16u);
  for (float v : b.data) CHECK(v == Approx((0.2f - 0.5f) / 0.5f).margin(1e-6));
}

TEST_CASE("pixels outside the frame replicate the nearest edge") {
  cv::Mat image(10, 10, CV_8UC3, cv::Scalar(0, 0, 0));
  image.col(0).setTo(cv::Scalar(255, 255, 255));
  ModelSpec s = grey_spec(0.0f, false);
  s.width = 4;
  s.height = 4;
  // A 4x4 crop hanging 2 px off the left edge: columns -2, -1, 0 are white.
  Batch b = make_batch(image, {{-2, 3, 4, 4}}, s);
  for (int y = 0; y < 4; ++y) {
    CHECK(b.data[y * 4 + 0] == Approx(1.0f));
    CHECK(b.data[y * 4 + 2] == Approx(1.0f));
    CHECK(b.data[y * 4 + 3] == Approx(-1.0f));
  }
}

TEST_CASE("RGB models get RGB channel order") {
  cv::Mat image(8, 8, CV_8UC3, cv::Scalar(255, 0, 0));  // pure blue in BGR
  ModelSpec s = grey_spec(0.0f, true);
  s.channels = 3;
  s.mean = {0.0f, 0.0f, 0.0f};
  s.std = {1.0f, 1.0f, 1.0f};
  Batch b = make_whole_image_batch(image, s);
  REQUIRE(b.c == 3);
  CHECK(b.data[0] == Approx(0.0f));        // R plane
  CHECK(b.data[16] == Approx(0.0f));       // G plane
  CHECK(b.data[32] == Approx(1.0f));       // B plane
}

TEST_CASE("no boxes give an empty batch") {
  cv::Mat image(8, 8, CV_8UC3, cv::Scalar(1, 2, 3));
  CHECK(make_batch(image, {}, grey_spec(0.1f, true)).empty());
}
