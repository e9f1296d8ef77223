// TimelineView: a whole video's emotion timeline, one row per tracked face.
// Each frame where a face was seen is drawn in its label's colour (core's
// label_colour), more opaque the more confident. Clicking (or dragging) emits
// seekRequested(frame index). Data arrives in batches while an analysis runs.
// UI thread only. Frames are 0-based source frame indices (Frame::seq).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <QWidget>

#include "emoscope/ui/session.hpp"

namespace emoscope::ui {

class TimelineView : public QWidget {
  Q_OBJECT
 public:
  explicit TimelineView(QWidget* parent = nullptr);

  void reset(const std::vector<std::string>& labels, long total_frames, double fps);
  void addRecords(const std::vector<FrameRecord>& records);
  void setCursorFrame(long frame);
  long cursorFrame() const { return cursor_; }
  long totalFrames() const;                 // as announced, or frames seen so far
  long framesSeen() const { return frames_seen_; }
  int faceCount() const { return static_cast<int>(faces_.size()); }
  long samples(int face_id) const;          // frames in which this face was seen
  long frameAt(int x) const;                // widget x -> frame index
  int xForFrame(long frame) const;          // frame index -> widget x

  // The legend (one swatch and name per label) wraps onto as many lines as the
  // width needs, so seven or eight labels never run off the edge: the item rects
  // for a widget `width` pixels wide, in widget coordinates.
  std::vector<QRect> legendRects(int width) const;

  QSize sizeHint() const override;
  int heightForWidth(int width) const override;
  bool hasHeightForWidth() const override { return true; }
  QSize minimumSizeHint() const override { return {200, 60}; }

 signals:
  void seekRequested(long frame);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  struct Mark {
    long frame;
    int label;
    float confidence;
  };
  QRect plotRect() const;
  std::vector<std::string> labels_;
  long total_frames_ = -1;
  double fps_ = 0;
  long frames_seen_ = 0;
  long cursor_ = -1;
  std::map<int, std::vector<Mark>> faces_;
  static constexpr int kRowHeight = 22;
  static constexpr int kLeft = 56;
  static constexpr int kTop = 18;
};

}  // namespace emoscope::ui
