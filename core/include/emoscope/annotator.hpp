// Annotator: draws boxes, labels, confidences and face IDs (a fixed colour per
// class) and an optional HUD onto a copy of the frame. Pure: returns a new image
// and never writes into the shared frame.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/tracker.hpp"

namespace emoscope {

struct Hud {
  bool show = false;
  double fps = 0, latency_ms = 0;
  unsigned long long dropped = 0;
  std::string device;
};

struct AnnotateOptions {
  float min_confidence = 0.0f;  // below this the label reads "?"
  Hud hud;
};

cv::Scalar class_colour(int label_index);  // BGR
cv::Mat annotate(const cv::Mat& frame, const std::vector<TrackedFace>& faces,
                 const std::vector<std::string>& labels, const AnnotateOptions& options = {});

}  // namespace emoscope
