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

TEST_CASE("YuNet boxes follow the FER2013 framing convention - square, about Haar's box on the same face") {
  auto yunet = create_face_detector({});
  auto haar = create_face_detector(haar_options());
  REQUIRE(yunet.ok());
  REQUIRE(haar.ok());
  struct Expected {
    const char* path;
    float side;       // the normalised box side (models/measure_framing.py's rule on this photo)
    float haar_ratio; // YuNet box side / Haar box width on the same face
  };
  // astronaut: raw YuNet 98x121, normalised 117x117, Haar 98x98 (crops 20 % wider than
  // Haar's, as FER2013-framed: Haar crops this face tight, cutting the chin); messi:
  // raw 36x39, normalised 34x34, Haar 43x43 (a three-quarter view, landmarks closer).
  for (const Expected& e : {Expected{kAstronaut, 117.4f, 1.20f}, Expected{kMessi, 34.1f, 0.80f}}) {
    INFO(e.path);
    const cv::Mat image = load(e.path);
    const auto y = (*yunet)->detect(image);
    const auto h = (*haar)->detect(image);
    REQUIRE(y.size() == 1);
    REQUIRE(h.size() == 1);
    const Detection& d = y[0];
    // Raw box and landmarks kept: the raw box is taller than wide, the normalised one square.
    CHECK(d.raw_box.height > d.raw_box.width);
    REQUIRE(d.landmarks.size() == 5);
    CHECK(d.landmarks[0].x < d.landmarks[1].x);  // the person's right eye is on the image's left
    CHECK(d.landmarks[3].y > d.landmarks[0].y);  // mouth below the eyes
    CHECK(d.box.width == Approx(d.box.height).epsilon(1e-4));
    CHECK(d.box.width == Approx(e.side).epsilon(0.03));
    CHECK(d.box.width / h[0].box.width == Approx(e.haar_ratio).epsilon(0.05));
    // The same face: centres within a tenth of the face apart (box centres differ by ~3 %).
    const cv::Point2f cy(d.box.x + d.box.width / 2, d.box.y + d.box.height / 2);
    const cv::Point2f ch(h[0].box.x + h[0].box.width / 2, h[0].box.y + h[0].box.height / 2);
    CHECK(cv::norm(cy - ch) < 0.1 * h[0].box.width);
    CHECK(d.box == yunet_framing_box(d.raw_box, d.landmarks));  // inside the frame: not clipped
  }
}

TEST_CASE("yunet_framing_box - landmark rule, held near the box, box rule without landmarks") {
  const cv::Rect2f raw(100, 100, 80, 100);
  // Frontal face: eyes 40 apart at y 130, mouth 40 below. scale 40, FER2013 side 2.815 * 40 =
  // 112.6, box side 112.6 / 1.05; centre E + 0.271 (M - E) = (140, 140.84).
  const std::vector<cv::Point2f> frontal{{120, 130}, {160, 130}, {140, 150}, {125, 170}, {155, 170}};
  const cv::Rect2f b = yunet_framing_box(raw, frontal);
  CHECK(b.width == Approx(112.6 / 1.05).epsilon(1e-5));
  CHECK(b.height == Approx(b.width));
  CHECK(b.x + b.width / 2 == Approx(140.0).epsilon(1e-5));
  CHECK(b.y + b.height / 2 == Approx(140.84).epsilon(1e-5));
  // Rotation moves the landmarks, not the scale: the same side.
  std::vector<cv::Point2f> turned;
  const double a = 20 * CV_PI / 180;
  for (const cv::Point2f& p : frontal) {
    const cv::Point2f v = p - cv::Point2f(140, 140);
    turned.emplace_back(140 + static_cast<float>(v.x * std::cos(a) - v.y * std::sin(a)),
                        140 + static_cast<float>(v.x * std::sin(a) + v.y * std::cos(a)));
  }
  CHECK(yunet_framing_box(raw, turned).width == Approx(b.width).epsilon(1e-4));
  // Collapsed landmarks (scale 4): held at 0.75 x the box rule's side (0.956 * 100).
  const std::vector<cv::Point2f> collapsed{{138, 138}, {142, 138}, {140, 140}, {138, 142}, {142, 142}};
  CHECK(yunet_framing_box(raw, collapsed).width == Approx(0.75 * 95.6 / 1.05).epsilon(1e-5));
  // No landmarks: the box rule around the box centre.
  const cv::Rect2f plain = yunet_framing_box(raw, {});
  CHECK(plain.width == Approx(95.6 / 1.05).epsilon(1e-5));
  CHECK(plain.x + plain.width / 2 == Approx(140.0));
  CHECK(plain.y + plain.height / 2 == Approx(150.0));
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
  CHECK_THAT(missing.error().message, Catch::Contains("no such file"));

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
