#include <cmath>

#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "emoscope/face_detector.hpp"
#include "emoscope/resources.hpp"
#include "test_support.hpp"

using namespace emoscope;

namespace {
const char* kAstronaut = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";
const char* kMessi = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";

cv::Mat load(const char* path) {
  cv::Mat m = cv::imread(path, cv::IMREAD_COLOR);
  if (m.empty()) FAIL(path << " missing: run scripts/install-deps.sh (python3-skimage, opencv-doc)");
  return m;
}

DetectorOptions haar_options() {
  DetectorOptions o;
  o.kind = DetectorKind::kHaar;
  return o;
}
}  // namespace

TEST_CASE("the default detector is YuNet with the shipped model - it finds the face in real photos") {
  auto d = create_face_detector({});
  REQUIRE(d.ok());
  CHECK(std::string((*d)->name()) == "yunet");
  const auto astronaut = (*d)->detect(load(kAstronaut));
  REQUIRE(astronaut.size() == 1);
  // Eileen Collins' face is around x 170-270, y 60-170 in the 512x512 image.
  CHECK(astronaut[0].box.x == Approx(175).margin(25));
  CHECK(astronaut[0].box.y == Approx(66).margin(25));
  CHECK(astronaut[0].box.width == Approx(98).margin(25));
  CHECK(astronaut[0].score > 0.6f);  // above the default threshold, a real confidence
  CHECK(astronaut[0].score <= 1.0f);
  const auto messi = (*d)->detect(load(kMessi));
  REQUIRE(messi.size() == 1);
  CHECK(messi[0].box.x == Approx(223).margin(25));
  CHECK(messi[0].score > 0.6f);
  CHECK(messi[0].score <= 1.0f);
}

TEST_CASE("Haar finds exactly the one face in real photos - and gives no score") {
  auto d = create_face_detector(haar_options());
  REQUIRE(d.ok());
  CHECK(std::string((*d)->name()) == "haar");
  const auto astronaut = (*d)->detect(load(kAstronaut));
  REQUIRE(astronaut.size() == 1);
  CHECK(std::isnan(astronaut[0].score));
  // Eileen Collins' face is around x 170-270, y 60-170 in the 512x512 image.
  CHECK(astronaut[0].box.x == Approx(175).margin(20));
  CHECK(astronaut[0].box.y == Approx(66).margin(20));
  CHECK(astronaut[0].box.width == Approx(98).margin(25));
  const auto messi = (*d)->detect(load(kMessi));
  REQUIRE(messi.size() == 1);
  CHECK(messi[0].box.x == Approx(223).margin(20));
}

TEST_CASE("the minimum face size is relative to the frame") {
  for (DetectorKind kind : {DetectorKind::kYuNet, DetectorKind::kHaar}) {
    INFO(detector_kind_name(kind));
    DetectorOptions o;
    o.kind = kind;
    o.min_face_fraction = 0.5f;  // the astronaut's face is ~20% of the frame
    auto d = create_face_detector(o);
    REQUIRE(d.ok());
    CHECK((*d)->detect(load(kAstronaut)).empty());
    // Same photo at twice the size: boxes scale, the fraction keeps its meaning.
    o.min_face_fraction = 0.1f;
    auto d2 = create_face_detector(o);
    REQUIRE(d2.ok());
    cv::Mat big;
    cv::resize(load(kAstronaut), big, {}, 2.0, 2.0);
    const auto faces = (*d2)->detect(big);
    REQUIRE(faces.size() == 1);
    CHECK(faces[0].box.width == Approx(196).margin(50));
  }
}

TEST_CASE("DNN detectors load from the shared model files and find the face") {
  REQUIRE_SHARED_DATA();
  DetectorOptions yunet;
  yunet.kind = DetectorKind::kYuNet;
  yunet.model_path = test::shared_path("models/face_detectors/yunet_2022mar/face_detection_yunet_2022mar.onnx");
  auto y = create_face_detector(yunet);
  REQUIRE(y.ok());
  const auto yf = (*y)->detect(load(kAstronaut));
  REQUIRE(yf.size() == 1);
  CHECK(yf[0].box.x == Approx(175).margin(25));

  DetectorOptions ssd;
  ssd.kind = DetectorKind::kSsd;
  ssd.model_path = test::shared_path("models/face_detectors/opencv_res10_ssd_tf_uint8/opencv_face_detector_uint8.pb");
  auto s = create_face_detector(ssd);
  REQUIRE(s.ok());
  const auto sf = (*s)->detect(load(kAstronaut));
  REQUIRE(sf.size() == 1);
  CHECK(sf[0].box.x == Approx(175).margin(25));
  CHECK(sf[0].score > 0.6f);
  CHECK(sf[0].score <= 1.0f);
}

TEST_CASE("detector errors - unknown kind - missing or invalid model files") {
  auto kind = parse_detector_kind("mtcnn");
  REQUIRE_FALSE(kind.ok());
  CHECK(kind.error().code == ErrorCode::kUsage);
  CHECK_THAT(kind.error().message, Catch::Contains("unknown detector"));

  DetectorOptions o;
  o.kind = DetectorKind::kSsd;  // ships no model: the user must give one
  auto none = create_face_detector(o);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::kModel);
  CHECK_THAT(none.error().message, Catch::Contains("needs a model file"));

  o.kind = DetectorKind::kYuNet;
  o.model_path = "/nonexistent/yunet.onnx";
  auto missing = create_face_detector(o);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message, Catch::Contains("file not found"));

  {  // the shipped YuNet is looked for in $EMOSCOPE_DATA_DIR, which lacks it here
    const std::string empty = test::temp_dir("no-detectors");
    test::ScopedEnv data("EMOSCOPE_DATA_DIR", empty);
    auto unshipped = create_face_detector({});
    REQUIRE_FALSE(unshipped.ok());
    CHECK(unshipped.error().code == ErrorCode::kModel);
    CHECK_THAT(unshipped.error().message, Catch::Contains(empty + "/detectors/" + kYuNetModelFile) &&
                                              Catch::Contains("EMOSCOPE_DATA_DIR"));
  }
  CHECK(create_face_detector({}).ok());  // found beside the test binary again

  DetectorOptions haar = haar_options();
  haar.model_path = test::source_path("models/MODEL_SPEC.md");  // not a cascade
  auto bad = create_face_detector(haar);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kModel);
}

TEST_CASE("the face follower tracks a moving face between detections") {
  cv::Mat a = load(kAstronaut);
  auto d = create_face_detector({});
  const auto faces = (*d)->detect(a);
  REQUIRE(faces.size() == 1);
  FaceFollower follower;
  follower.reset(a, {faces[0].box});
  cv::Mat shifted;
  const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, 12, 0, 1, -7);
  cv::warpAffine(a, shifted, shift, a.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  const auto moved = follower.follow(shifted);
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].x == Approx(faces[0].box.x + 12).margin(2));
  CHECK(moved[0].y == Approx(faces[0].box.y - 7).margin(2));
}
