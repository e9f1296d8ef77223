#include "emoscope/annotator.hpp"

#include <cstdio>

#include <opencv2/imgproc.hpp>

namespace emoscope {

cv::Scalar class_colour(int label_index) {
  // Distinct, readable on video; index 0 is green (happy in the shipped models).
  static const cv::Scalar kColours[] = {
      {80, 200, 60}, {220, 120, 40}, {60, 60, 230}, {0, 200, 230},
      {200, 80, 200}, {180, 180, 180}, {40, 140, 255}, {255, 200, 120},
  };
  if (label_index < 0) return {160, 160, 160};
  return kColours[label_index % (sizeof(kColours) / sizeof(kColours[0]))];
}

namespace {

void draw_label(cv::Mat& image, const std::string& text, cv::Point origin, const cv::Scalar& colour,
                double scale) {
  int baseline = 0;
  const int thickness = std::max(1, static_cast<int>(scale * 2));
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
  cv::Point top_left(origin.x, std::max(0, origin.y - size.height - baseline - 4));
  cv::rectangle(image, cv::Rect(top_left, cv::Size(size.width + 6, size.height + baseline + 4)), colour, cv::FILLED);
  cv::putText(image, text, top_left + cv::Point(3, size.height + 2), cv::FONT_HERSHEY_SIMPLEX, scale,
              cv::Scalar(0, 0, 0), thickness, cv::LINE_AA);
}

}  // namespace

cv::Mat annotate(const cv::Mat& frame, const std::vector<TrackedFace>& faces,
                 const std::vector<std::string>& labels, const AnnotateOptions& options) {
  cv::Mat out = frame.clone();
  const double scale = std::max(0.4, std::min(out.cols, out.rows) / 720.0);
  for (const TrackedFace& f : faces) {
    const bool known = f.label >= 0 && f.label < static_cast<int>(labels.size()) &&
                       f.confidence >= options.min_confidence;
    const cv::Scalar colour = known ? class_colour(f.label) : class_colour(-1);
    cv::rectangle(out, cv::Rect(f.box), colour, std::max(2, static_cast<int>(scale * 3)));
    char text[128];
    if (known) {
      std::snprintf(text, sizeof(text), "#%d %s %.0f%%", f.id, labels[f.label].c_str(), f.confidence * 100.0);
    } else {
      std::snprintf(text, sizeof(text), "#%d ?", f.id);
    }
    draw_label(out, text, cv::Point(static_cast<int>(f.box.x), static_cast<int>(f.box.y)), colour, scale);
  }
  if (options.hud.show) {
    char text[160];
    std::snprintf(text, sizeof(text), "%.1f FPS  %.0f ms  dropped %llu  %s", options.hud.fps,
                  options.hud.latency_ms, options.hud.dropped, options.hud.device.c_str());
    cv::putText(out, text, cv::Point(8, out.rows - 10), cv::FONT_HERSHEY_SIMPLEX, scale * 0.8,
                cv::Scalar(0, 0, 0), std::max(3, static_cast<int>(scale * 4)), cv::LINE_AA);
    cv::putText(out, text, cv::Point(8, out.rows - 10), cv::FONT_HERSHEY_SIMPLEX, scale * 0.8,
                cv::Scalar(255, 255, 255), std::max(1, static_cast<int>(scale * 2)), cv::LINE_AA);
  }
  return out;
}

}  // namespace emoscope
