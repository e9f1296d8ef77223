#include "emoscope/ui/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <QMouseEvent>
#include <QPainter>

#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/person_names.hpp"

namespace emoscope::ui {

TimelineView::TimelineView(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  setMouseTracking(false);
  setCursor(Qt::PointingHandCursor);
  setToolTip(tr("Click to show that frame"));
}

void TimelineView::reset(const std::vector<std::string>& labels, long total_frames, double fps) {
  labels_ = labels;
  total_frames_ = total_frames;
  fps_ = fps;
  frames_seen_ = 0;
  cursor_ = -1;
  faces_.clear();
  names_.clear();
  updateGeometry();
  update();
}

void TimelineView::addRecords(const std::vector<FrameRecord>& records) {
  const std::size_t before = faces_.size();
  for (const FrameRecord& r : records) {
    frames_seen_ = std::max(frames_seen_, static_cast<long>(r.seq) + 1);
    for (const TrackedFace& f : r.faces) {
      const int key = face_key(f, nullptr);  // as recorded; rows() follows later merges
      std::vector<Mark>& marks = faces_[key];
      if (key > 0) {  // frames seen before the track's person was known belong to the person
        auto before = faces_.find(-f.id);
        if (before != faces_.end()) {
          std::vector<Mark> both;
          std::merge(marks.begin(), marks.end(), before->second.begin(), before->second.end(), std::back_inserter(both),
                     [](const Mark& a, const Mark& b) { return a.frame < b.frame; });
          marks = std::move(both);
          faces_.erase(before);
        }
      }
      // Two tracks of one person in a frame (merged while both were on screen): one mark.
      if (!marks.empty() && marks.back().frame == static_cast<long>(r.seq)) continue;
      marks.push_back({static_cast<long>(r.seq), f.label, f.confidence});
      if (key > 0) names_[key] = f.person_name;
    }
  }
  if (faces_.size() != before) updateGeometry();
  update();
}

void TimelineView::setPeople(std::shared_ptr<const People> people) {
  people_ = std::move(people);
  peopleChanged();
}

void TimelineView::peopleChanged() {
  updateGeometry();
  update();
}

std::vector<TimelineView::Row> TimelineView::rows() const {
  std::map<int, Row> by_key;
  for (const auto& [key, marks] : faces_) {
    const int now_key = key > 0 && people_ ? people_->canonical(key) : key;
    Row& row = by_key[now_key];
    row.key = now_key;
    row.marks.push_back(&marks);
  }
  std::vector<Row> out;
  for (auto& [key, row] : by_key) out.push_back(std::move(row));
  return out;
}

QString TimelineView::rowName(int key) const {
  auto it = names_.find(key);
  return key_name(key, people_.get(), it == names_.end() ? std::string() : it->second);
}

std::vector<int> TimelineView::rowKeys() const {
  std::vector<int> keys;
  for (const Row& row : rows()) keys.push_back(row.key);
  return keys;
}

std::vector<QString> TimelineView::rowNames() const {
  std::vector<QString> names;
  for (const Row& row : rows()) names.push_back(rowName(row.key));
  return names;
}

void TimelineView::setCursorFrame(long frame) {
  cursor_ = frame;
  update();
}

long TimelineView::totalFrames() const { return std::max(total_frames_, frames_seen_); }

long TimelineView::samples(int key) const {
  long n = 0;
  for (const Row& row : rows()) {
    if (row.key != key) continue;
    for (const std::vector<Mark>* marks : row.marks) n += static_cast<long>(marks->size());
  }
  return n;
}

std::vector<QRect> TimelineView::legendRects(int width) const {
  const QFontMetrics fm = fontMetrics();
  const int line = fm.height() + 4;
  const int left = kLeft, right = std::max(kLeft + 10, width - 8);
  int x = left;
  int y = kTop + std::max(1, faceCount()) * kRowHeight + 6;
  std::vector<QRect> rects;
  for (const std::string& label : labels_) {
    const int w = 14 + fm.horizontalAdvance(qstr(label));
    if (x > left && x + w > right) {  // next line
      x = left;
      y += line;
    }
    rects.emplace_back(x, y, w, line - 2);
    x += w + 10;
  }
  return rects;
}

int TimelineView::heightForWidth(int width) const {
  const std::vector<QRect> legend = legendRects(width);
  const int rows_bottom = kTop + std::max(1, faceCount()) * kRowHeight;
  return (legend.empty() ? rows_bottom : legend.back().bottom()) + 6;
}

QSize TimelineView::sizeHint() const { return {600, heightForWidth(std::max(width(), 600))}; }

QRect TimelineView::plotRect() const {
  const int rows = std::max(1, faceCount());
  return QRect(kLeft, kTop, std::max(10, width() - kLeft - 8), rows * kRowHeight);
}

long TimelineView::frameAt(int x) const {
  const QRect r = plotRect();
  const long total = std::max(1L, totalFrames());
  const double f = (x - r.left()) / static_cast<double>(r.width()) * total;
  return std::clamp(static_cast<long>(std::floor(f)), 0L, total - 1);
}

int TimelineView::xForFrame(long frame) const {
  const QRect r = plotRect();
  const long total = std::max(1L, totalFrames());
  return r.left() + static_cast<int>(std::lround((frame + 0.5) * r.width() / static_cast<double>(total)));
}

void TimelineView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  const QRect r = plotRect();
  const long total = std::max(1L, totalFrames());
  p.setPen(palette().color(QPalette::Text));

  // Time axis along the top.
  const double seconds = fps_ > 0 ? total / fps_ : 0;
  if (seconds > 0) {
    const double steps[] = {0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600};
    double step = steps[0];
    for (double s : steps) {
      step = s;
      if (seconds / s <= std::max(2, r.width() / 80)) break;
    }
    for (double t = 0; t <= seconds + 1e-9; t += step) {
      const int x = r.left() + static_cast<int>(t / seconds * r.width());
      p.drawLine(x, r.top() - 4, x, r.top());
      const int secs = static_cast<int>(t);
      const QString label = step < 1 ? QString::number(t, 'f', 1) + "s"
                                     : QString("%1:%2").arg(secs / 60).arg(secs % 60, 2, 10, QChar('0'));
      p.drawText(x + 2, r.top() - 5, label);
    }
  }

  if (faces_.empty()) {
    p.drawText(r, Qt::AlignCenter, frames_seen_ > 0 ? tr("No faces found") : tr("Open a video to analyse it"));
  }
  int row_index = 0;
  for (const Row& row : rows()) {
    const QRect band(r.left(), r.top() + row_index * kRowHeight + 2, r.width(), kRowHeight - 4);
    p.fillRect(band, palette().color(QPalette::AlternateBase));
    p.setPen(palette().color(QPalette::Text));
    const QRect name_box(0, band.top(), kLeft - 6, band.height());
    p.drawText(name_box, Qt::AlignRight | Qt::AlignVCenter,
               fontMetrics().elidedText(rowName(row.key), Qt::ElideRight, name_box.width()));
    for (const std::vector<Mark>* marks : row.marks) {
      int last_x0 = -1;
      for (const Mark& m : *marks) {
        const int x0 = r.left() + static_cast<int>(m.frame * static_cast<double>(r.width()) / total);
        if (x0 == last_x0) continue;  // one mark per pixel column
        last_x0 = x0;
        const int x1 = r.left() + static_cast<int>((m.frame + 1) * static_cast<double>(r.width()) / total);
        QColor c = label_qcolor(m.label >= 0 && m.label < static_cast<int>(labels_.size()) ? labels_[m.label] : "");
        c.setAlpha(static_cast<int>(80 + 175 * std::clamp(m.confidence, 0.0f, 1.0f)));
        p.fillRect(QRect(x0, band.top(), std::max(1, x1 - x0), band.height()), c);
      }
    }
    ++row_index;
  }
  p.setPen(palette().color(QPalette::Mid));
  p.drawRect(r.adjusted(0, 0, -1, -1));
  if (cursor_ >= 0) {
    const int x = xForFrame(cursor_);
    p.setPen(QPen(Qt::red, 2));
    p.drawLine(x, r.top() - 2, x, r.bottom() + 2);
  }
  // Legend under the rows, wrapped to the width.
  const std::vector<QRect> legend = legendRects(width());
  for (std::size_t i = 0; i < labels_.size() && i < legend.size(); ++i) {
    const QRect& item = legend[i];
    p.fillRect(QRect(item.left(), item.top() + (item.height() - 10) / 2, 10, 10), label_qcolor(labels_[i]));
    p.setPen(palette().color(QPalette::Text));
    p.drawText(item.adjusted(14, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, qstr(labels_[i]));
  }
}

void TimelineView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || totalFrames() <= 0) return;
  const long f = frameAt(event->position().toPoint().x());
  setCursorFrame(f);
  emit seekRequested(f);
}

void TimelineView::mouseMoveEvent(QMouseEvent* event) {
  if (!(event->buttons() & Qt::LeftButton) || totalFrames() <= 0) return;
  const long f = frameAt(event->position().toPoint().x());
  if (f == cursor_) return;
  setCursorFrame(f);
  emit seekRequested(f);
}

}  // namespace emoscope::ui
