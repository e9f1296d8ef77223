// Conversions between OpenCV and Qt types for the desktop app.
// Pure functions, safe from any thread (QImage may be built off the UI thread;
// only painting it must happen on the UI thread).
#pragma once

#include <string>

#include <QColor>
#include <QImage>
#include <QString>
#include <opencv2/core.hpp>

#include "emoscope/error.hpp"

namespace emoscope::ui {

// A BGR (or grey) uint8 cv::Mat as an RGB QImage. Shares the pixels: the
// QImage keeps its own reference to the Mat, so the Mat may go out of scope.
QImage to_qimage(const cv::Mat& bgr);

// The annotator's colour for a label (core label_colour, by meaning) as a QColor.
QColor label_qcolor(const std::string& label);

inline QString qstr(const std::string& s) { return QString::fromStdString(s); }

// Core's message plus where to fix it in this app: the settings control for the
// setting the error is about (Error::setting), if any.
QString error_text(const Error& error);
inline std::string sstr(const QString& s) { return s.toStdString(); }

}  // namespace emoscope::ui
