// TimelineView: a whole video's emotion timeline, one row per person (per
// tracked face when identities are off or its person is not known; keys and
// names as in person_names.hpp), labelled with the person's name. Each frame
// where the person was seen is drawn in its label's colour (core's
// label_colour), more opaque the more confident. With the run's People,
// renames and merges show at once (peopleChanged()). Clicking (or dragging) emits
// seekRequested(frame index). Data arrives in batches while an analysis runs.
// UI thread only. Frames are 0-based source frame indices (Frame::seq).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <QString>
#include <QWidget>

#include "emoscope/people.hpp"
#include "emoscope/ui/session.hpp"

namespace emoscope::ui {

class TimelineView : public QWidget {
  Q_OBJECT
 public:
  explicit TimelineView(QWidget* parent = nullptr);

  void reset(const std::vector<std::string>& labels, long total_frames, double fps);
  void addRecords(const std::vector<FrameRecord>& records);
  // The run's people (null: names as the frames carry them); peopleChanged()
  // after a rename or merge regroups and relabels the rows.
  void setPeople(std::shared_ptr<const People> people);
  void peopleChanged();
  void setCursorFrame(long frame);
  long cursorFrame() const { return cursor_; }
  long totalFrames() const;                 // as announced, or frames seen so far
  long framesSeen() const { return frames_seen_; }
  int faceCount() const { return static_cast<int>(rows().size()); }  // rows: people (or faces)
  std::vector<int> rowKeys() const;         // top to bottom
  std::vector<QString> rowNames() const;    // the rows' labels, top to bottom
  long samples(int key) const;              // frames in which this person (or face) was seen
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
  struct Row {
    int key;
    std::vector<const std::vector<Mark>*> marks;  // one list per key it gathers (merged people)
  };
  std::vector<Row> rows() const;
  QString rowName(int key) const;
  QRect plotRect() const;
  std::vector<std::string> labels_;
  long total_frames_ = -1;
  double fps_ = 0;
  long frames_seen_ = 0;
  long cursor_ = -1;
  std::map<int, std::vector<Mark>> faces_;   // by key as recorded
  std::map<int, std::string> names_;         // by key: the name the newest frame carried
  std::shared_ptr<const People> people_;
  static constexpr int kRowHeight = 22;
  static constexpr int kLeft = 56;
  static constexpr int kTop = 18;
};

}  // namespace emoscope::ui
