// VideoView: paints the newest frame (already annotated by core's annotator),
// scaled to fit with its aspect ratio kept and centred on black. Only the last
// frame given is kept; setFrame() just schedules a repaint, so a burst of
// frames costs one paint. Without a frame it shows a message (e.g. "No camera
// found"). UI thread only.
#pragma once

#include <QImage>
#include <QString>
#include <QWidget>

namespace emoscope::ui {

class VideoView : public QWidget {
  Q_OBJECT
 public:
  explicit VideoView(QWidget* parent = nullptr);

  // Newest annotated frame; `display` is optionally the same frame already
  // scaled to displaySize() (painted 1:1, no scaling on the UI thread).
  void setFrame(const QImage& image, const QImage& display = {});
  QSize displaySize() const;  // device pixels the frame is drawn at
  void clearFrame();
  const QImage& frame() const { return frame_; }
  // Saves the frame as PNG: to `path`, or, when `path` is a folder, to a new
  // snapshot-<date-time>.png in it. The file written, or "" with `error` set.
  QString saveFrame(const QString& path, QString* error) const;
  void setMessage(const QString& message);  // shown when there is no frame
  QString message() const { return message_; }
  void setBanner(const QString& text);      // small text over the frame ("" = none)
  // Where the frame is drawn inside the widget (widget pixels).
  QRect imageRect() const;
  long paints() const { return paints_; }
  QSize sizeHint() const override { return {640, 400}; }

 signals:
  void resized(const QSize& display_size);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  QImage frame_;
  QImage display_;
  QString message_;
  QString banner_;
  long paints_ = 0;
};

}  // namespace emoscope::ui
