#include "emoscope/face_detector.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <spdlog/spdlog.h>

#include "emoscope/file_checks.hpp"
#include "emoscope/resources.hpp"

namespace emoscope {
namespace fs = std::filesystem;
namespace {

// A frame scaled so its width is at most max_width; `scale` maps back to frame pixels.
struct Scaled {
  cv::Mat image;
  double scale = 1.0;
};

Scaled downscale(const cv::Mat& bgr, int max_width) {
  Scaled s;
  if (max_width > 0 && bgr.cols > max_width) {
    s.scale = static_cast<double>(bgr.cols) / max_width;
    // At least one row: a 20000x3 panorama must not round to zero height.
    const int rows = std::max(1, static_cast<int>(std::lround(bgr.rows / s.scale)));
    cv::resize(bgr, s.image, cv::Size(max_width, rows), 0, 0, cv::INTER_AREA);
  } else {
    s.image = bgr;
  }
  return s;
}

cv::Rect2f scale_back(const cv::Rect2f& r, double scale, const cv::Size& frame) {
  cv::Rect2f out(static_cast<float>(r.x * scale), static_cast<float>(r.y * scale),
                 static_cast<float>(r.width * scale), static_cast<float>(r.height * scale));
  return out & cv::Rect2f(0, 0, static_cast<float>(frame.width), static_cast<float>(frame.height));
}

// A detector that fails at run time (after its load-time probe passed) reports
// it once per detector instead of once per frame; the frame then has no faces.
void warn_detect_failed(bool& warned, const char* name, const cv::Exception& e) {
  if (warned) return;
  warned = true;
  spdlog::warn("{} detector failed on a frame ({}); such frames get no faces", name, e.what());
}

int min_side_pixels(const cv::Mat& image, float fraction) {
  return std::max(12, static_cast<int>(std::lround(std::min(image.cols, image.rows) * fraction)));
}

class HaarDetector final : public FaceDetector {
 public:
  HaarDetector(cv::CascadeClassifier cascade, cv::CascadeClassifier verifier, DetectorOptions options)
      : cascade_(std::move(cascade)), verifier_(std::move(verifier)), options_(std::move(options)) {}
  const char* name() const override { return "haar"; }

  std::vector<Detection> detect(const cv::Mat& bgr) override {
    if (bgr.empty()) return {};
    Scaled s = downscale(bgr, options_.detect_width);
    std::vector<Detection> out;
    cv::Mat grey;
    cv::cvtColor(s.image, grey, cv::COLOR_BGR2GRAY);
    cv::equalizeHist(grey, grey);
    const int min_side = min_side_pixels(grey, options_.min_face_fraction);
    std::vector<cv::Rect> faces;
    try {
      cascade_.detectMultiScale(grey, faces, options_.haar_scale_factor, options_.min_neighbors,
                                cv::CASCADE_SCALE_IMAGE, cv::Size(min_side, min_side));
    } catch (const cv::Exception& e) {
      warn_detect_failed(warned_, name(), e);
      return out;
    }
    for (const cv::Rect& f : faces) {
      const cv::Rect2f box = scale_back(cv::Rect2f(f), s.scale, bgr.size());
      if (confirmed(bgr, box)) out.push_back({box, std::numeric_limits<float>::quiet_NaN()});
    }
    return out;
  }

 private:
  // A second, differently trained cascade must also see a face around the
  // candidate: the default cascade's persistent false hits on textured
  // backgrounds rarely fool both. Runs on a small crop, ~1 ms per candidate.
  bool confirmed(const cv::Mat& bgr, const cv::Rect2f& box) {
    if (verifier_.empty()) return true;
    constexpr float kMargin = 0.25f;
    constexpr double kCropWidth = 96.0;
    const cv::Rect crop = cv::Rect(cv::Rect2f(box.x - kMargin * box.width, box.y - kMargin * box.height,
                                              box.width * (1 + 2 * kMargin), box.height * (1 + 2 * kMargin))) &
                          cv::Rect(0, 0, bgr.cols, bgr.rows);
    if (crop.width < 8 || crop.height < 8) return false;
    cv::Mat small, grey;
    const double scale = kCropWidth / crop.width;
    cv::resize(bgr(crop), small, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
    cv::equalizeHist(grey, grey);
    std::vector<cv::Rect> hits;
    try {
      verifier_.detectMultiScale(grey, hits, 1.1, 3, 0, cv::Size(40, 40));
    } catch (const cv::Exception& e) {
      warn_detect_failed(warned_, name(), e);
      return false;  // unverified is not confirmed
    }
    return !hits.empty();
  }

 public:


 private:
  cv::CascadeClassifier cascade_;
  cv::CascadeClassifier verifier_;  // empty: no verification
  DetectorOptions options_;
  bool warned_ = false;
};

class YuNetDetector final : public FaceDetector {
 public:
  YuNetDetector(cv::Ptr<cv::FaceDetectorYN> net, DetectorOptions options)
      : net_(std::move(net)), options_(std::move(options)) {
    // The network's first pass costs several later ones (31 against 8 ms at
    // 320x180 here), whatever the size: pay it now, not on a live feed's first
    // frame. A blank 16:9 image at the detection width; errors surface in detect().
    try {
      const int width = std::max(64, options_.detect_width);
      input_size_ = cv::Size(width, width * 9 / 16);
      net_->setInputSize(input_size_);
      cv::Mat faces;
      net_->detect(cv::Mat(input_size_, CV_8UC3, cv::Scalar::all(0)), faces);
    } catch (const cv::Exception&) {
      input_size_ = cv::Size();
    }
  }
  const char* name() const override { return "yunet"; }

  std::vector<Detection> detect(const cv::Mat& bgr) override {
    std::vector<Detection> out;
    if (bgr.empty()) return out;
    Scaled s = downscale(bgr, options_.detect_width);
    cv::Mat faces;
    try {
      if (s.image.size() != input_size_) {
        input_size_ = s.image.size();
        net_->setInputSize(input_size_);
      }
      net_->detect(s.image, faces);
    } catch (const cv::Exception& e) {
      warn_detect_failed(warned_, name(), e);
      return out;
    }
    if (!faces.empty() && (faces.type() != CV_32F || faces.cols < 15)) return out;
    const float min_side = static_cast<float>(min_side_pixels(s.image, options_.min_face_fraction));
    const auto k = static_cast<float>(s.scale);
    const cv::Rect2f frame(0, 0, static_cast<float>(bgr.cols), static_cast<float>(bgr.rows));
    for (int i = 0; i < faces.rows; ++i) {
      const float* row = faces.ptr<float>(i);
      if (row[14] < options_.score_threshold || row[2] < min_side) continue;
      Detection d;
      d.raw_box = cv::Rect2f(row[0] * k, row[1] * k, row[2] * k, row[3] * k);
      for (int j = 0; j < 5; ++j) d.landmarks.emplace_back(row[4 + 2 * j] * k, row[5 + 2 * j] * k);
      d.box = yunet_framing_box(d.raw_box, d.landmarks) & frame;
      d.score = row[14];
      if (d.box.width <= 0 || d.box.height <= 0) continue;
      out.push_back(std::move(d));
    }
    return out;
  }

 private:
  cv::Ptr<cv::FaceDetectorYN> net_;
  DetectorOptions options_;
  cv::Size input_size_;
  bool warned_ = false;
};

class SsdDetector final : public FaceDetector {
 public:
  SsdDetector(cv::dnn::Net net, DetectorOptions options) : net_(std::move(net)), options_(std::move(options)) {}
  const char* name() const override { return "ssd"; }

  std::vector<Detection> detect(const cv::Mat& bgr) override {
    std::vector<Detection> out;
    if (bgr.empty()) return out;
    cv::Mat result;
    try {
      cv::Mat blob = cv::dnn::blobFromImage(bgr, 1.0, cv::Size(300, 300), cv::Scalar(104, 177, 123), false, false);
      net_.setInput(blob);
      result = net_.forward();
    } catch (const cv::Exception& e) {
      warn_detect_failed(warned_, name(), e);
      return out;
    }
    if (result.dims != 4 || result.size[3] != 7) return out;  // not SSD's [1, 1, N, 7]
    const cv::Mat rows(result.size[2], result.size[3], CV_32F, result.ptr<float>());
    const float min_side = static_cast<float>(min_side_pixels(bgr, options_.min_face_fraction));
    for (int i = 0; i < rows.rows; ++i) {
      const float* r = rows.ptr<float>(i);
      if (r[2] < options_.score_threshold) continue;
      cv::Rect2f box(r[3] * bgr.cols, r[4] * bgr.rows, (r[5] - r[3]) * bgr.cols, (r[6] - r[4]) * bgr.rows);
      box &= cv::Rect2f(0, 0, static_cast<float>(bgr.cols), static_cast<float>(bgr.rows));
      if (box.width < min_side || box.height < min_side) continue;
      out.push_back({box, r[2]});
    }
    return out;
  }

 private:
  cv::dnn::Net net_;
  DetectorOptions options_;
  bool warned_ = false;
};

Error model_error(const std::string& what) { return {ErrorCode::kModel, what}; }

// The .pbtxt beside an SSD .pb: same stem, or the only .pbtxt in that folder
// (OpenCV ships opencv_face_detector.pbtxt beside opencv_face_detector_uint8.pb).
std::string find_ssd_config(const std::string& model) {
  const fs::path same = fs::path(model).replace_extension(".pbtxt");
  std::error_code ec;
  if (fs::is_regular_file(same, ec)) return same.string();
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(fs::path(model).parent_path(), ec))
    if (e.path().extension() == ".pbtxt") found.push_back(e.path());
  return found.size() == 1 ? found[0].string() : same.string();
}

}  // namespace

cv::Rect2f yunet_framing_box(const cv::Rect2f& raw, const std::vector<cv::Point2f>& landmarks) {
  // Constants from models/measure_framing.py (FRAMING, LANDMARK_CLAMP there).
  constexpr double kBoxK = 0.956;       // FER2013 image side / raw box height
  constexpr double kLandmarkK = 2.815;  // FER2013 image side / landmark scale
  constexpr double kCentreA = 0.271;    // centre = E + a (M - E)
  constexpr double kClampLow = 0.75, kClampHigh = 4.0 / 3.0;
  constexpr double kModelMargin = 0.025;  // the shipped models' crop.margin
  const double box_side = kBoxK * raw.height;
  double cx = raw.x + raw.width / 2.0;
  double cy = raw.y + raw.height / 2.0;
  double side = box_side;
  if (landmarks.size() == 5) {
    const cv::Point2d re(landmarks[0]), le(landmarks[1]), rm(landmarks[3]), lm(landmarks[4]);
    const cv::Point2d e = (re + le) * 0.5, m = (rm + lm) * 0.5;
    const double scale = (cv::norm(m - e) + cv::norm(le - re)) / 2.0;
    cx = e.x + kCentreA * (m.x - e.x);
    cy = e.y + kCentreA * (m.y - e.y);
    side = std::clamp(kLandmarkK * scale, box_side * kClampLow, box_side * kClampHigh);
  }
  const double s = side / (1.0 + 2.0 * kModelMargin);
  return {static_cast<float>(cx - s / 2.0), static_cast<float>(cy - s / 2.0), static_cast<float>(s),
          static_cast<float>(s)};
}

FaceFollower::FaceFollower() = default;

namespace {

// Grey pixels of one region only: converting a whole 4.7 MP frame costs ~3 ms,
// the few face regions a fraction of that.
cv::Mat grey_region(const cv::Mat& bgr, const cv::Rect& region) {
  cv::Mat grey;
  cv::cvtColor(bgr(region), grey, cv::COLOR_BGR2GRAY);
  return grey;
}

}  // namespace

void FaceFollower::reset(const cv::Mat& bgr, const std::vector<cv::Rect2f>& boxes) {
  faces_.clear();
  const cv::Rect2f frame(0, 0, static_cast<float>(bgr.cols), static_cast<float>(bgr.rows));
  for (const cv::Rect2f& box : boxes) {
    Followed f;
    f.box = box;
    f.scale = std::max(1.0, static_cast<double>(box.width) / kTemplatePixels);
    const cv::Rect inside = cv::Rect(box & frame);
    if (inside.width >= 8 && inside.height >= 8) {
      cv::resize(grey_region(bgr, inside), f.patch, cv::Size(), 1.0 / f.scale, 1.0 / f.scale, cv::INTER_AREA);
      f.offset = cv::Point2f(inside.x - box.x, inside.y - box.y);
    }
    faces_.push_back(std::move(f));
  }
}

std::vector<cv::Rect2f> FaceFollower::follow(const cv::Mat& bgr, std::vector<bool>* lost) {
  const cv::Rect2f frame(0, 0, static_cast<float>(bgr.cols), static_cast<float>(bgr.rows));
  std::vector<cv::Rect2f> out;
  if (lost) lost->assign(faces_.size(), true);
  for (Followed& f : faces_) {
    if (f.patch.empty()) {
      out.push_back(f.box);
      continue;
    }
    const float reach = std::max(f.box.width, f.box.height) * kSearchReach;
    const cv::Rect2f wanted(f.box.x + f.offset.x - reach, f.box.y + f.offset.y - reach,
                            f.patch.cols * static_cast<float>(f.scale) + 2 * reach,
                            f.patch.rows * static_cast<float>(f.scale) + 2 * reach);
    const cv::Rect window = cv::Rect(wanted & frame);
    cv::Mat area;
    if (window.width > 0 && window.height > 0)
      cv::resize(grey_region(bgr, window), area, cv::Size(), 1.0 / f.scale, 1.0 / f.scale, cv::INTER_AREA);
    if (area.cols <= f.patch.cols || area.rows <= f.patch.rows) {
      out.push_back(f.box);
      continue;
    }
    cv::Mat score;
    cv::matchTemplate(area, f.patch, score, cv::TM_CCOEFF_NORMED);
    double best = 0;
    cv::Point at;
    cv::minMaxLoc(score, nullptr, &best, nullptr, &at);
    if (best >= kMinScore) {
      const float px = window.x + at.x * static_cast<float>(f.scale) - f.offset.x;
      const float py = window.y + at.y * static_cast<float>(f.scale) - f.offset.y;
      f.box = cv::Rect2f(px, py, f.box.width, f.box.height);
      if (lost) (*lost)[out.size()] = false;
    }
    out.push_back(f.box);
  }
  return out;
}

std::string default_haar_cascade_path() {
  for (const char* p : {"/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
                        "/usr/local/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"}) {
    std::error_code ec;
    if (fs::exists(p, ec)) return p;
  }
  return "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
}

Result<DetectorKind> parse_detector_kind(const std::string& name) {
  if (name == "haar") return DetectorKind::kHaar;
  if (name == "yunet") return DetectorKind::kYuNet;
  if (name == "ssd") return DetectorKind::kSsd;
  return Error{ErrorCode::kUsage, "unknown detector '" + name + "' (use haar, yunet or ssd)"};
}

const char* detector_kind_name(DetectorKind kind) {
  switch (kind) {
    case DetectorKind::kHaar: return "haar";
    case DetectorKind::kYuNet: return "yunet";
    case DetectorKind::kSsd: return "ssd";
  }
  return "?";
}

Result<std::string> resolve_detector_model(const DetectorOptions& options) {
  if (!options.model_path.empty()) return options.model_path;
  switch (options.kind) {
    case DetectorKind::kHaar: return default_haar_cascade_path();
    case DetectorKind::kYuNet: return default_yunet_model_path();
    case DetectorKind::kSsd: break;
  }
  return about(Setting::kDetectorModelFile,
               model_error(std::string(detector_kind_name(options.kind)) + " detector needs a model file"));
}

Result<std::unique_ptr<FaceDetector>> create_face_detector(const DetectorOptions& options) {
  std::error_code ec;
  const std::string kind = detector_kind_name(options.kind);
  Result<std::string> resolved = resolve_detector_model(options);
  if (!resolved) return resolved.error();
  const std::string model = resolved.value();
  if (MaybeError s = check_input_file(model, ErrorCode::kModel)) return model_error(kind + " detector model: " + s->message);

  try {
    switch (options.kind) {
      case DetectorKind::kHaar: {
        cv::CascadeClassifier cascade;
        bool loaded = false;
        try {
          loaded = cascade.load(model) && !cascade.empty();
        } catch (const cv::Exception&) {
        }
        if (!loaded) return model_error("haar cascade '" + model + "': not a valid cascade XML");
        cv::CascadeClassifier verifier;
        if (options.verify_faces) {
          const fs::path alt2 = fs::path(model).parent_path() / "haarcascade_frontalface_alt2.xml";
          if (!fs::is_regular_file(alt2, ec) || !verifier.load(alt2.string())) verifier = cv::CascadeClassifier();
        }
        return std::unique_ptr<FaceDetector>(
            std::make_unique<HaarDetector>(std::move(cascade), std::move(verifier), options));
      }
      case DetectorKind::kYuNet: {
        cv::Ptr<cv::FaceDetectorYN> net = cv::FaceDetectorYN::create(model, "", {320, 320}, options.score_threshold, kYuNetNmsThreshold, 5000);
        if (!net) return model_error("yunet model '" + model + "': cannot be loaded");
        // Probe: a network that loads but is not YuNet fails here, not silently on every frame.
        cv::Mat probe_faces;
        net->setInputSize({160, 120});
        net->detect(cv::Mat::zeros(120, 160, CV_8UC3), probe_faces);
        if (!probe_faces.empty() && (probe_faces.type() != CV_32F || probe_faces.cols < 15))
          return model_error("yunet model '" + model + "': output is not YuNet's (N x 15 floats)");
        return std::unique_ptr<FaceDetector>(std::make_unique<YuNetDetector>(std::move(net), options));
      }
      case DetectorKind::kSsd: {
        std::string config = options.config_path;
        if (config.empty()) config = find_ssd_config(model);
        if (!fs::is_regular_file(config, ec))
          return about(Setting::kDetectorConfigFile,
                       model_error("ssd detector config '" + config + "': file not found"));
        cv::dnn::Net net = cv::dnn::readNetFromTensorflow(model, config);
        if (net.empty()) return model_error("ssd model '" + model + "': cannot be loaded");
        net.setInput(cv::dnn::blobFromImage(cv::Mat::zeros(300, 300, CV_8UC3), 1.0, cv::Size(300, 300),
                                            cv::Scalar(104, 177, 123), false, false));
        const cv::Mat probe = net.forward();
        if (probe.dims != 4 || probe.size[3] != 7)
          return model_error("ssd model '" + model + "': output is not an SSD detection list ([1, 1, N, 7])");
        return std::unique_ptr<FaceDetector>(std::make_unique<SsdDetector>(std::move(net), options));
      }
    }
  } catch (const cv::Exception& e) {
    return model_error(kind + " detector model '" + model + "': " + e.what());
  }
  return model_error("unknown detector");
}

}  // namespace emoscope
