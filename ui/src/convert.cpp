#include "emoscope/ui/convert.hpp"

#include <QCoreApplication>
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

QString error_text(const Error& error) {
  const QString message = qstr(error.message);
  auto hint = [&](const char* text) {
    return QCoreApplication::translate("emoscope::ui::ErrorText", "%1\n\n%2").arg(message,
        QCoreApplication::translate("emoscope::ui::ErrorText", text));
  };
  switch (error.setting) {
    case Setting::kNone: return message;
    case Setting::kModelFile: return hint(QT_TRANSLATE_NOOP("emoscope::ui::ErrorText", "Choose an emotion model in Settings → Emotion model."));
    case Setting::kEmbedderFile:
      return hint(QT_TRANSLATE_NOOP("emoscope::ui::ErrorText", "Turn identities off in Settings → Identities, or reinstall Emoscope."));
    case Setting::kDetectorModelFile:
    case Setting::kDetectorConfigFile:
      return hint(QT_TRANSLATE_NOOP("emoscope::ui::ErrorText", "Choose the file in Settings → Detector model, or another face detector."));
    case Setting::kVideoCodec: return hint(QT_TRANSLATE_NOOP("emoscope::ui::ErrorText", "Record with the MJPEG codec instead."));
    case Setting::kMaxImagePixels: return hint(QT_TRANSLATE_NOOP("emoscope::ui::ErrorText", "The image or video is larger than Emoscope accepts."));
    case Setting::kReplaceExisting: return hint(QT_TRANSLATE_NOOP("emoscope::ui::ErrorText", "Choose another file name."));
    case Setting::kDevice: return hint(QT_TRANSLATE_NOOP("emoscope::ui::ErrorText", "Choose Auto or CPU in Settings → Device."));
    case Setting::kRecordingFolder:
      return hint(QT_TRANSLATE_NOOP("emoscope::ui::ErrorText", "Choose another folder in Settings → Recordings."));
    case Setting::kSmoothing:
    case Setting::kMinConfidence:
    case Setting::kNeutralPrior:
    case Setting::kDetectEvery:
      return hint(QT_TRANSLATE_NOOP("emoscope::ui::ErrorText", "Change it in Settings."));
    // Settings the app has no control for: its values are always core's defaults.
    case Setting::kDetectWidth:
    case Setting::kMinFace:
    case Setting::kAnalyzeEvery:
    case Setting::kBatchFrames:
    case Setting::kMotionThreshold:
    case Setting::kSceneCut:
    case Setting::kTrackGap:
    case Setting::kClassifyInterval:
    case Setting::kIdentityInterval:
    case Setting::kIdentityThreshold: return message;
  }
  return message;
}

}  // namespace emoscope::ui
