#include "emoscope/ui/convert.hpp"

#include <opencv2/imgproc.hpp>

#include "emoscope/annotator.hpp"

namespace emoscope::ui {

QImage to_qimage(const cv::Mat& image) {
  if (image.empty()) return {};
  cv::Mat bgr;
  if (image.type() == CV_8UC3) {
    bgr = image;
  } else if (image.type() == CV_8UC1) {
    cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
  } else if (image.type() == CV_8UC4) {
    cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
  } else {
    return {};
  }
  auto* keep = new cv::Mat(bgr);  // released by QImage's cleanup function
  return QImage(keep->data, keep->cols, keep->rows, static_cast<qsizetype>(keep->step),
                QImage::Format_BGR888, [](void* p) { delete static_cast<cv::Mat*>(p); }, keep);
}

QColor label_qcolor(const std::string& label) {
  const cv::Scalar c = label_colour(label);
  return QColor(static_cast<int>(c[2]), static_cast<int>(c[1]), static_cast<int>(c[0]));
}

}  // namespace emoscope::ui
