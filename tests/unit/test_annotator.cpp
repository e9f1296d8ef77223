// Label colours belong to a label's meaning, not its position in a model's label list.
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <opencv2/core.hpp>

#include "emoscope/annotator.hpp"

using emoscope::label_colour;

namespace {
std::tuple<int, int, int> key(const cv::Scalar& c) {
  return {static_cast<int>(c[0]), static_cast<int>(c[1]), static_cast<int>(c[2])};
}
}  // namespace

TEST_CASE("each emotion has one colour whatever the model's label order", "[annotator]") {
  const std::vector<std::string> emotions = {"angry", "disgust", "fear",    "happy",
                                             "neutral", "sad",   "surprise", "contempt"};
  std::set<std::tuple<int, int, int>> seen;
  for (const auto& e : emotions) seen.insert(key(label_colour(e)));
  CHECK(seen.size() == emotions.size());                        // all distinct
  CHECK(seen.count(key(label_colour(""))) == 0);                // "no label" differs from every emotion
  CHECK(key(label_colour("Happy")) == key(label_colour("happy")));
  CHECK(key(label_colour("sadness")) == key(label_colour("sad")));  // FER+ spelling
  // happy is Okabe-Ito bluish green (0, 158, 115) as BGR
  CHECK(key(label_colour("happy")) == std::make_tuple(115, 158, 0));
}

TEST_CASE("labels of one's own model get a stable colour from their name", "[annotator]") {
  CHECK(key(label_colour("calm")) == key(label_colour("calm")));
  CHECK(key(label_colour("calm")) != key(label_colour("")));
}

TEST_CASE("label text is black on light and white on dark backgrounds", "[annotator]") {
  CHECK(emoscope::text_colour_on(label_colour("surprise"))[0] == 0);   // yellow
  CHECK(emoscope::text_colour_on(label_colour("sad"))[0] == 255);      // blue
}

TEST_CASE("the overlay draws a face's box in its label's colour", "[annotator]") {
  cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(0, 0, 0));
  emoscope::TrackedFace face;
  face.id = 1;
  face.box = cv::Rect2f(40, 30, 60, 60);
  face.label = 1;
  face.confidence = 0.9f;
  for (const std::vector<std::string>& labels : {std::vector<std::string>{"happy", "sad"},
                                                 std::vector<std::string>{"happy", "neutral", "sad"}}) {
    const cv::Mat out = emoscope::annotate(frame, {face}, labels);
    const cv::Vec3b px = out.at<cv::Vec3b>(60, 40);   // left edge, middle
    const cv::Scalar want = label_colour(labels[1]);
    CHECK(px == cv::Vec3b(static_cast<uchar>(want[0]), static_cast<uchar>(want[1]), static_cast<uchar>(want[2])));
  }
  CHECK(frame.at<cv::Vec3b>(60, 40) == cv::Vec3b(0, 0, 0));   // the input frame is untouched
}
