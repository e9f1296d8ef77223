#include "emoscope/ui/video_view.hpp"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <QPainter>

namespace emoscope::ui {

VideoView::VideoView(QWidget* parent) : QWidget(parent) {
  setAccessibleName(tr("Video with face boxes and emotion labels"));
  setAccessibleDescription(tr("The current frame; each face's label and confidence are also listed in Faces"));
  setAttribute(Qt::WA_OpaquePaintEvent);
  setMinimumSize(320, 200);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void VideoView::setFrame(const QImage& image, const QImage& display) {
  frame_ = image;
  display_ = display;
  update();
}

QSize VideoView::displaySize() const { return size() * devicePixelRatioF(); }

void VideoView::resizeEvent(QResizeEvent*) { emit resized(displaySize()); }

void VideoView::clearFrame() {
  frame_ = QImage();
  display_ = QImage();
  update();
}

void VideoView::setMessage(const QString& message) {
  message_ = message;
  update();
}

void VideoView::setBanner(const QString& text) {
  banner_ = text;
  update();
}

QRect VideoView::imageRect() const {
  if (frame_.isNull()) return {};
  QSize size = frame_.size().scaled(this->size(), Qt::KeepAspectRatio);
  return QRect(QPoint((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

void VideoView::paintEvent(QPaintEvent*) {
  ++paints_;
  QPainter p(this);
  p.fillRect(rect(), Qt::black);
  if (frame_.isNull()) {
    p.setPen(QColor(220, 220, 220));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    p.setFont(f);
    p.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, message_);
    return;
  }
  const QRect target = imageRect();
  if (!display_.isNull() && display_.size() == target.size() * devicePixelRatioF()) {
    p.drawImage(target.topLeft(), display_);  // pre-scaled off the UI thread
  } else {
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(target, frame_);
  }
  if (!banner_.isEmpty()) {
    const QRect r = imageRect();
    QFont f = font();
    f.setBold(true);
    p.setFont(f);
    const QRect text = p.fontMetrics().boundingRect(banner_).adjusted(-6, -3, 6, 3);
    const QRect box(r.right() - text.width() - 8, r.top() + 8, text.width(), text.height());
    p.fillRect(box, QColor(200, 30, 30, 220));
    p.setPen(Qt::white);
    p.drawText(box, Qt::AlignCenter, banner_);
  }
}

QString VideoView::saveFrame(const QString& path, QString* error) const {
  if (frame_.isNull()) {
    *error = tr("There is no frame to save yet.");
    return {};
  }
  QString target = path;
  if (QFileInfo(path).isDir() || path.endsWith('/')) {
    QDir().mkpath(path);
    target = path + "/snapshot-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz") + ".png";
    for (int n = 2; QFileInfo::exists(target); ++n) target = path + QString("/snapshot-%1-%2.png").arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz")).arg(n);
  }
  if (!frame_.save(target, "PNG")) {
    *error = tr("Cannot write %1.").arg(target);
    return {};
  }
  return target;
}

}  // namespace emoscope::ui
