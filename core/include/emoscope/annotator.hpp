// Annotator: draws boxes, labels, confidences and face IDs and an optional HUD onto
// a copy of the frame. Pure: returns a new image and never writes into the shared
// frame. Colours belong to a label's meaning (happy, neutral, sad, ...), from a
// colour-blind-safe palette, the same in every model, overlay, card and chart.
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

// BGR colour of a label by its meaning; "" (no label shown) gets a light grey-white,
// labels outside the known emotions a stable colour derived from the name.
cv::Scalar label_colour(const std::string& label);
// Black or white, whichever reads better on the background (BGR).
cv::Scalar text_colour_on(const cv::Scalar& background);
cv::Mat annotate(const cv::Mat& frame, const std::vector<TrackedFace>& faces,
                 const std::vector<std::string>& labels, const AnnotateOptions& options = {});

}  // namespace emoscope
