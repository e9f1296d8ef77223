#include "emoscope/ui/face_panel.hpp"

#include <algorithm>
#include <cmath>

#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QScrollArea>
#include <QValueAxis>
#include <QVBoxLayout>

#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

struct FaceCard::Parts {
  QLabel* title = nullptr;
  std::vector<QProgressBar*> bars;
  QChart* chart = nullptr;
  QChartView* view = nullptr;
  std::vector<QLineSeries*> series;
  QValueAxis* x = nullptr;
  QValueAxis* y = nullptr;
  int colour = -2;
};

FaceCard::FaceCard(int id, const std::vector<std::string>& labels, QWidget* parent)
    : QWidget(parent), id_(id), labels_(labels), parts_(new Parts) {
  setObjectName(QString("faceCard%1").arg(id));
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(6, 6, 6, 6);
  setAutoFillBackground(true);
  QPalette pal = palette();
  pal.setColor(QPalette::Window, pal.color(QPalette::AlternateBase));
  setPalette(pal);

  parts_->title = new QLabel(this);
  QFont f = parts_->title->font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() * 1.15);
  parts_->title->setFont(f);
  outer->addWidget(parts_->title);

  auto* grid = new QGridLayout;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    // The label's colour beside its name: with the bars this is the chart's legend,
    // and a grid never clips, whatever the number of labels.
    auto* name = new QLabel(QString("<span style=\"color:%1\">&#9632;</span>&nbsp;%2")
                                .arg(label_qcolor(labels[i]).name(), qstr(labels[i]).toHtmlEscaped()),
                            this);
    name->setObjectName("label_" + qstr(labels[i]));
    auto* bar = new QProgressBar(this);
    bar->setRange(0, 100);
    bar->setValue(0);
    bar->setFormat("%p%");
    bar->setMaximumHeight(16);
    const QColor c = label_qcolor(labels[i]);
    bar->setStyleSheet(QString("QProgressBar { border: 1px solid #888; border-radius: 3px; text-align: center; }"
                               "QProgressBar::chunk { background-color: %1; }")
                           .arg(c.name()));
    grid->addWidget(name, static_cast<int>(i), 0);
    grid->addWidget(bar, static_cast<int>(i), 1);
    parts_->bars.push_back(bar);
  }
  outer->addLayout(grid);

  parts_->chart = new QChart;
  parts_->chart->legend()->setVisible(false);  // the coloured names above are its legend
  parts_->chart->setMargins(QMargins(2, 2, 2, 2));
  parts_->chart->setBackgroundRoundness(0);
  parts_->x = new QValueAxis;
  parts_->x->setRange(-60, 0);
  parts_->x->setTitleText("seconds");
  parts_->x->setLabelFormat("%d");
  parts_->x->setTickCount(7);
  parts_->y = new QValueAxis;
  parts_->y->setRange(0, 1);
  parts_->y->setTickCount(3);
  parts_->y->setLabelFormat("%.1f");
  parts_->chart->addAxis(parts_->x, Qt::AlignBottom);
  parts_->chart->addAxis(parts_->y, Qt::AlignLeft);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto* s = new QLineSeries;
    s->setName(qstr(labels[i]));
    QPen pen(label_qcolor(labels[i]));
    pen.setWidthF(2.0);
    s->setPen(pen);
    parts_->chart->addSeries(s);
    s->attachAxis(parts_->x);
    s->attachAxis(parts_->y);
    parts_->series.push_back(s);
  }
  parts_->view = new QChartView(parts_->chart, this);
  parts_->view->setMinimumHeight(170);
  parts_->view->setRenderHint(QPainter::Antialiasing);
  outer->addWidget(parts_->view);
}

void FaceCard::setFace(const TrackedFace& face, float min_confidence) {
  const bool known = face.label >= 0 && face.label < static_cast<int>(labels_.size()) &&
                     face.confidence >= min_confidence;
  QString text = QString("Face #%1 — ").arg(face.id);
  text += known ? QString("%1 (%2%)").arg(qstr(labels_[face.label])).arg(std::lround(face.confidence * 100))
                : QString("? (%1%)").arg(std::lround(face.confidence * 100));
  if (parts_->title->text() != text) parts_->title->setText(text);
  const int colour = known ? face.label : -1;
  if (colour != parts_->colour) {  // style sheets are costly: only on change
    parts_->colour = colour;
    const QColor c = colour >= 0 ? label_qcolor(labels_[colour]) : palette().color(QPalette::Text);
    parts_->title->setStyleSheet(QString("color: %1;").arg(colour >= 0 ? c.darker(130).name() : c.name()));
  }
  for (std::size_t i = 0; i < parts_->bars.size() && i < face.smoothed.size(); ++i) {
    const int v = static_cast<int>(std::lround(face.smoothed[i] * 100));
    if (parts_->bars[i]->value() != v) parts_->bars[i]->setValue(v);
  }
}

void FaceCard::setHistory(const std::deque<std::pair<double, std::vector<float>>>& points, double now_ms) {
  for (std::size_t k = 0; k < parts_->series.size(); ++k) {
    QList<QPointF> list;
    list.reserve(static_cast<qsizetype>(points.size()));
    for (const auto& [t, p] : points) {
      if (k < p.size()) list.append(QPointF((t - now_ms) / 1000.0, p[k]));
    }
    parts_->series[k]->replace(list);
  }
}

QString FaceCard::labelText() const { return parts_->title->text(); }

std::vector<int> FaceCard::barValues() const {
  std::vector<int> v;
  for (auto* b : parts_->bars) v.push_back(b->value());
  return v;
}

int FaceCard::seriesCount() const { return static_cast<int>(parts_->series.size()); }
int FaceCard::pointCount() const {
  return parts_->series.empty() ? 0 : static_cast<int>(parts_->series.front()->count());
}

FacePanel::FacePanel(QWidget* parent) : QWidget(parent) {
  setAccessibleName(tr("Faces: one card per tracked face with its label, confidence and chart"));
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  auto* inner = new QWidget(scroll);
  layout_ = new QVBoxLayout(inner);
  empty_ = new QLabel(tr("No faces in view."), inner);
  empty_->setAlignment(Qt::AlignCenter);
  layout_->addWidget(empty_);
  layout_->addStretch(1);
  scroll->setWidget(inner);
  outer->addWidget(scroll);
}

FacePanel::~FacePanel() = default;

void FacePanel::setLabels(const std::vector<std::string>& labels) {
  if (labels == labels_) return;
  clear();
  labels_ = labels;
}

void FacePanel::clear() {
  for (auto& [id, card] : cards_) delete card;
  cards_.clear();
  history_.clear();
  force_chart_ = true;
  empty_->setVisible(true);
}

std::vector<int> FacePanel::cardIds() const {
  std::vector<int> ids;
  for (const auto& [id, card] : cards_) ids.push_back(id);
  return ids;
}

FaceCard* FacePanel::card(int id) const {
  auto it = cards_.find(id);
  return it == cards_.end() ? nullptr : it->second;
}

void FacePanel::setHistory(const std::vector<FrameRecord>& records, double now_ms) {
  history_.clear();
  for (const FrameRecord& r : records) {
    if (r.pos_ms < now_ms - kWindowMs || r.pos_ms > now_ms) continue;
    for (const TrackedFace& f : r.faces) {
      History& h = history_[f.id];
      if (h.samples.empty() || r.pos_ms - h.samples.back().t_ms >= 100.0) h.samples.push_back({r.pos_ms, f.smoothed});
      h.last_seen_ms = r.pos_ms;
    }
  }
  force_chart_ = true;
}

void FacePanel::updateFaces(const std::vector<TrackedFace>& faces, double time_ms) {
  // History (every delivered update), pruned to the window.
  for (const TrackedFace& f : faces) {
    History& h = history_[f.id];
    if (!h.samples.empty() && time_ms < h.samples.back().t_ms) h.samples.clear();  // source restarted
    // At most 10 samples a second: 600 points per class over the window.
    if (h.samples.empty() || time_ms - h.samples.back().t_ms >= 100.0) h.samples.push_back({time_ms, f.smoothed});
    h.last_seen_ms = time_ms;
  }
  for (auto it = history_.begin(); it != history_.end();) {
    History& h = it->second;
    while (!h.samples.empty() && h.samples.front().t_ms < time_ms - kWindowMs) h.samples.pop_front();
    if (h.last_seen_ms < time_ms - kWindowMs || h.last_seen_ms > time_ms) it = history_.erase(it);
    else ++it;
  }

  // Cards: exactly the faces of this frame, in ID order.
  std::map<int, const TrackedFace*> now;
  for (const TrackedFace& f : faces) now[f.id] = &f;
  for (auto it = cards_.begin(); it != cards_.end();) {
    if (!now.count(it->first)) {
      delete it->second;
      it = cards_.erase(it);
    } else {
      ++it;
    }
  }
  int index = 0;
  for (const auto& [id, face] : now) {
    FaceCard*& card = cards_[id];
    if (!card) {
      card = new FaceCard(id, labels_, this);
      layout_->insertWidget(index, card);
    }
    card->setFace(*face, min_confidence_);
    ++index;
  }
  empty_->setVisible(cards_.empty());

  // Charts: at most 10 redraws a second of wall-clock time.
  const bool redraw = !chart_clock_.isValid() || chart_clock_.elapsed() >= 100 || force_chart_;
  if (redraw) {
    chart_clock_.start();
    force_chart_ = false;
    for (auto& [id, card] : cards_) {
      std::deque<std::pair<double, std::vector<float>>> points;
      for (const Sample& s : history_[id].samples) points.emplace_back(s.t_ms, s.p);
      card->setHistory(points, time_ms);
    }
  }
}

}  // namespace emoscope::ui
