#include "emoscope/annotator.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>

#include <opencv2/imgproc.hpp>

namespace emoscope {

namespace {

cv::Scalar bgr(unsigned rgb) {
  return cv::Scalar((rgb & 0xff), (rgb >> 8) & 0xff, (rgb >> 16) & 0xff);
}

// Okabe & Ito's colour-blind-safe palette, fixed per meaning so that "sad" looks the same
// whichever model (and label order) is loaded.
struct Named {
  const char* label;
  unsigned rgb;
};
constexpr Named kLabelColours[] = {
    {"happy", 0x009E73},   {"neutral", 0xA0A0A0}, {"sad", 0x0072B2},  {"angry", 0xD55E00},
    {"surprise", 0xF0E442}, {"fear", 0xCC79A7},   {"disgust", 0xE69F00}, {"contempt", 0x56B4E9},
};
constexpr unsigned kOtherColours[] = {0x56B4E9, 0xE69F00, 0xCC79A7, 0xF0E442, 0x009E73, 0xD55E00, 0x0072B2};
constexpr unsigned kUnknownColour = 0xF2F2F2;

}  // namespace

cv::Scalar label_colour(const std::string& label) {
  if (label.empty()) return bgr(kUnknownColour);
  std::string lower(label);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "happiness") lower = "happy";
  if (lower == "sadness") lower = "sad";
  if (lower == "anger") lower = "angry";
  for (const Named& n : kLabelColours) {
    if (lower == n.label) return bgr(n.rgb);
  }
  // A label of someone's own model: a stable colour from its name (FNV-1a), not its position.
  std::uint32_t h = 2166136261u;
  for (char c : lower) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return bgr(kOtherColours[h % (sizeof(kOtherColours) / sizeof(kOtherColours[0]))]);
}

cv::Scalar text_colour_on(const cv::Scalar& background) {
  const double luma = 0.114 * background[0] + 0.587 * background[1] + 0.299 * background[2];
  return luma > 140 ? cv::Scalar(0, 0, 0) : cv::Scalar(255, 255, 255);
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
              text_colour_on(colour), thickness, cv::LINE_AA);
}

}  // namespace

cv::Mat annotate(const cv::Mat& frame, const std::vector<TrackedFace>& faces,
                 const std::vector<std::string>& labels, const AnnotateOptions& options) {
  cv::Mat out = frame.clone();
  const double scale = std::max(0.4, std::min(out.cols, out.rows) / 720.0);
  for (const TrackedFace& f : faces) {
    const bool known = f.label >= 0 && f.label < static_cast<int>(labels.size()) &&
                       f.confidence >= options.min_confidence;
    const cv::Scalar colour = label_colour(known ? labels[f.label] : std::string());
    cv::rectangle(out, cv::Rect(f.box), colour, std::max(2, static_cast<int>(scale * 3)));
    const std::string who = display_name(f);
    char text[192];
    if (known) {
      std::snprintf(text, sizeof(text), "%s %s %.0f%%", who.c_str(), labels[f.label].c_str(), f.confidence * 100.0);
    } else {
      std::snprintf(text, sizeof(text), "%s ?", who.c_str());
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
