// FaceDetector: finds face boxes in a BGR frame.
// Implementations: YuNet (ONNX; the default, with the model Emoscope ships,
// found by default_yunet_model_path() in resources.hpp), Haar cascade
// (opencv-data's), ResNet-10 SSD (TF; the user gives its model file).
// Each detects on a copy downscaled to at most `detect_width` pixels wide and
// maps the boxes back to frame pixels. The minimum face size is a fraction of
// the frame's shorter side, so it means the same at any resolution.
// Not thread-safe: use one detector per thread. Loading errors come back from
// create_face_detector; detect() never throws.
#pragma once

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/error.hpp"

namespace emoscope {

struct Detection {
  // Frame pixels, clipped to the frame, in the "FER2013 framing" convention:
  // the face box that the emotion models' crop (crop.margin 0.025, square;
  // MODEL_SPEC.md) turns into a face framed like a FER2013 training image.
  // Haar's cascade boxes define it (the shipped margin was chosen on them;
  // median Haar box = 0.97 of the FER2013 image side). YuNet's raw boxes are
  // taller than wide and framed differently, so YuNetDetector converts them
  // with yunet_framing_box() (rule and constants measured by
  // models/measure_framing.py). The SSD's boxes are passed through as it gives
  // them (not measured).
  cv::Rect2f box;
  // The detector's confidence in (0, 1] (YuNet, SSD); NaN for Haar, which
  // gives none (written as null in JSON and an empty CSV field).
  float score = std::numeric_limits<float>::quiet_NaN();
  // YuNet only (empty for the others), frame pixels, unclipped: the raw
  // detector box and its five landmarks in YuNet's order: right eye, left eye,
  // nose tip, right mouth corner, left mouth corner (the person's right and
  // left: the right eye is on the image's left in a frontal face).
  cv::Rect2f raw_box;
  std::vector<cv::Point2f> landmarks;
};

// YuNet's raw box and landmarks (frame pixels) -> the square face box in the
// FER2013 framing convention (see Detection::box; unclipped). Landmark rule
// fitted on 973 FER2013 train faces (models/measure_framing.py):
//   E = mid-eyes, M = mid-mouth, scale = (|M - E| + |left eye - right eye|) / 2
//   FER2013 image: centre E + 0.271 (M - E), side 2.815 * scale, held within
//                  0.75..4/3 of 0.956 * the raw box height (the box-height rule,
//                  used when landmarks disagree wildly with the box)
//   box = that square shrunk by 1 + 2 * 0.025 (the models' crop margin).
// Without five landmarks, the box-height rule alone around the box centre.
cv::Rect2f yunet_framing_box(const cv::Rect2f& raw, const std::vector<cv::Point2f>& landmarks);

enum class DetectorKind { kHaar, kYuNet, kSsd };

struct DetectorOptions {
  DetectorKind kind = DetectorKind::kYuNet;
  std::string model_path;          // empty = YuNet: the shipped .onnx; Haar: opencv-data's cascade XML;
                                   // SSD: required (.pb)
  std::string config_path;         // SSD: .pbtxt (empty = model_path with .pbtxt)
  int detect_width = 320;          // downscale frames wider than this before detecting
  float min_face_fraction = 0.08f; // minimum face side / frame's shorter side
  float score_threshold = 0.6f;    // DNN detectors
  int min_neighbors = 5;           // Haar: overlapping hits needed (higher = fewer false faces)
  double haar_scale_factor = 1.1;  // Haar: step between scanned scales
  bool verify_faces = true;        // Haar: confirm each face with opencv-data's alt2 cascade
};

class FaceDetector {
 public:
  virtual ~FaceDetector() = default;
  virtual std::vector<Detection> detect(const cv::Mat& bgr) = 0;
  virtual const char* name() const = 0;
};

// FaceFollower: cheap tracking between full detections. reset() remembers a
// small grey patch of each detected face (scaled so the face is ~32 px);
// follow() finds each patch again by normalised cross-correlation in a window
// around its last position and returns the moved boxes, in the same order. A
// face that no longer matches keeps its last box until the next detection.
// Not thread-safe; cost is well under a millisecond per face.
class FaceFollower {
 public:
  FaceFollower();
  void reset(const cv::Mat& bgr, const std::vector<cv::Rect2f>& boxes);
  // `lost`, when given: per box, whether its face was not found (box kept).
  std::vector<cv::Rect2f> follow(const cv::Mat& bgr, std::vector<bool>* lost = nullptr);

 private:
  static constexpr double kTemplatePixels = 32.0;
  static constexpr float kSearchReach = 0.35f;  // search this fraction of the face side around it
  static constexpr double kMinScore = 0.5;
  struct Followed {
    cv::Rect2f box;
    cv::Mat patch;        // grey, at 1/scale
    double scale = 1.0;
    cv::Point2f offset;   // patch origin relative to the box (clipped at frame edges)
  };
  std::vector<Followed> faces_;
};

// YuNet's non-maximum suppression overlap threshold (fixed).
constexpr float kYuNetNmsThreshold = 0.3f;

Result<DetectorKind> parse_detector_kind(const std::string& name);
const char* detector_kind_name(DetectorKind kind);
Result<std::unique_ptr<FaceDetector>> create_face_detector(const DetectorOptions& options);

// Default Haar cascade path from Debian's opencv-data.
std::string default_haar_cascade_path();

// The one rule for a detector's model file, which create_face_detector() and
// resolve() (run_options.hpp) follow: options.model_path, else the kind's
// default (YuNet: the shipped model; Haar: opencv-data's cascade). An Error
// (kModel, Setting::kDetectorModelFile) when there is none: SSD without a
// model, YuNet without the data folder.
Result<std::string> resolve_detector_model(const DetectorOptions& options);

}  // namespace emoscope
