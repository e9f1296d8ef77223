#include "emoscope/ui/face_panel.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <set>

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineSeries>
#include <QMenu>
#include <QProgressBar>
#include <QProxyStyle>
#include <QIcon>
#include <QScrollArea>
#include <QToolButton>
#include <QValueAxis>
#include <QVBoxLayout>

#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/person_names.hpp"

namespace emoscope::ui {

struct FaceCard::Parts {
  QLabel* face = nullptr;
  QLabel* title = nullptr;
  QLabel* tracks = nullptr;
  std::vector<QProgressBar*> bars;
  QChart* chart = nullptr;
  QChartView* view = nullptr;
  std::vector<QLineSeries*> series;
  QValueAxis* x = nullptr;
  QValueAxis* y = nullptr;
  int colour = -2;
};

FaceCard::FaceCard(int key, const std::vector<std::string>& labels, QWidget* parent)
    : QWidget(parent), id_(key), labels_(labels), parts_(new Parts) {
  setObjectName(QString("faceCard%1").arg(key));
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
  auto* menu_button = new QToolButton(this);
  menu_button->setText(QString::fromUtf8("\u22ef"));
  menu_button->setAutoRaise(true);
  menu_button->setToolTip(tr("Rename, merge or split this person"));
  menu_button->setAccessibleName(tr("Person actions"));
  connect(menu_button, &QToolButton::clicked, this, [this, menu_button] {
    emit menuRequested(id_, menu_button->mapToGlobal(QPoint(0, menu_button->height())));
  });
  // The person's face beside the name and tracks (hidden until there is one).
  parts_->face = new QLabel(this);
  parts_->face->setObjectName("portrait");
  parts_->face->setFixedSize(kPortraitSide, kPortraitSide);
  parts_->face->setAlignment(Qt::AlignCenter);
  parts_->face->setAccessibleName(tr("The person's clearest face so far"));
  parts_->face->setVisible(false);
  auto* heading = new QHBoxLayout;
  heading->addWidget(parts_->title, 1);
  heading->addWidget(menu_button);
  parts_->tracks = new QLabel(this);
  parts_->tracks->setStyleSheet("color: gray;");
  auto* words = new QVBoxLayout;
  words->addLayout(heading);
  words->addWidget(parts_->tracks);
  words->addStretch(1);
  auto* top = new QHBoxLayout;
  top->addWidget(parts_->face, 0, Qt::AlignTop);
  top->addLayout(words, 1);
  outer->addLayout(top);

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

FaceCard::~FaceCard() { delete parts_; }

void FaceCard::setFace(const TrackedFace& face, const QString& name, const std::vector<int>& tracks,
                       float min_confidence) {
  const bool known = face.label >= 0 && face.label < static_cast<int>(labels_.size()) &&
                     face.confidence >= min_confidence;
  name_ = name;
  QString text = name + QString::fromUtf8(" \u2014 ");
  text += known ? QString("%1 (%2%)").arg(qstr(labels_[face.label])).arg(std::lround(face.confidence * 100))
                : QString("? (%1%)").arg(std::lround(face.confidence * 100));
  if (parts_->title->text() != text) parts_->title->setText(text);
  if (tracks != tracks_ || parts_->tracks->text().isEmpty()) {
    tracks_ = tracks;
    QStringList ids;
    for (int t : tracks) ids << QString("#%1").arg(t);
    parts_->tracks->setText(tracks.size() == 1 ? tr("Track %1").arg(ids.join(", ")) : tr("Tracks %1").arg(ids.join(", ")));
  }
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

void FaceCard::setPortrait(const QImage& face, std::uint64_t revision) {
  if (face.isNull()) {
    parts_->face->clear();
    parts_->face->setVisible(false);
    portrait_revision_ = 0;
    return;
  }
  if (revision == portrait_revision_ && !parts_->face->pixmap().isNull()) return;
  portrait_revision_ = revision;
  const qreal dpr = devicePixelRatioF();
  const int side = static_cast<int>(std::lround(kPortraitSide * dpr));
  QPixmap pixmap = QPixmap::fromImage(face.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation));
  pixmap.setDevicePixelRatio(dpr);
  parts_->face->setPixmap(pixmap);
  parts_->face->setVisible(true);
}

QPixmap FaceCard::portrait() const { return parts_->face->pixmap(); }

void FaceCard::contextMenuEvent(QContextMenuEvent* event) { emit menuRequested(id_, event->globalPos()); }

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
QString FaceCard::tracksText() const { return parts_->tracks->text(); }

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
  setAccessibleName(tr("Faces: one card per person with their label, confidence and chart"));
  name_prompt_ = [](QWidget* parent, const QString& title, const QString& current) {
    bool ok = false;
    const QString typed = QInputDialog::getText(parent, title, tr("Name (empty: no name):"), QLineEdit::Normal, current, &ok);
    return ok ? (typed.isNull() ? QString("") : typed) : QString();  // null only when cancelled
  };
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
  for (auto& [key, card] : cards_) delete card;
  cards_.clear();
  history_.clear();
  shown_faces_.clear();
  force_chart_ = true;
  empty_->setVisible(true);
}

void FacePanel::setPeople(std::shared_ptr<const People> people) { people_ = std::move(people); }

void FacePanel::setPortraits(std::shared_ptr<const Portraits> portraits) {
  portraits_ = std::move(portraits);
  updatePortraits(true);
}

QPixmap FacePanel::portraitOf(int key) const {
  if (FaceCard* shown = card(key); shown && !shown->portrait().isNull()) return shown->portrait();
  if (!portraits_ || key <= 0) return {};
  const std::optional<Portrait> p = portraits_->portrait(key);
  if (!p || p->thumbnail.empty()) return {};
  return QPixmap::fromImage(to_qimage(p->thumbnail));
}

void FacePanel::updatePortraits(bool force) {
  const std::uint64_t revision = portraits_ ? portraits_->revision() : 0;
  if (!force && revision == portraits_seen_) return;
  portraits_seen_ = revision;
  for (auto& [key, card] : cards_) {
    const std::optional<Portrait> p = portraits_ && key > 0 ? portraits_->portrait(key) : std::nullopt;
    if (!p || p->thumbnail.empty()) card->setPortrait({}, 0);
    else if (p->revision != card->portraitRevision()) card->setPortrait(to_qimage(p->thumbnail), p->revision);
  }
}

void FacePanel::setPeopleActions(const QString& edit_off_reason, const QString& split_off_reason) {
  edit_off_reason_ = edit_off_reason;
  split_off_reason_ = split_off_reason;
}

void FacePanel::peopleChanged() {
  regroupHistories();
  force_chart_ = true;
  const std::vector<TrackedFace> faces = shown_faces_;
  updateFaces(faces, shown_ms_);
}

std::vector<int> FacePanel::cardIds() const {
  std::vector<int> ids;
  for (const auto& [key, card] : cards_) ids.push_back(key);
  return ids;
}

FaceCard* FacePanel::card(int key) const {
  auto it = cards_.find(key);
  return it == cards_.end() ? nullptr : it->second;
}

FaceCard* FacePanel::cardFor(const TrackedFace& face) const { return card(face_key(face, people_.get())); }

QString FacePanel::nameOf(int key) const {
  auto it = history_.find(key);
  return key_name(key, people_.get(), it == history_.end() ? std::string() : it->second.name);
}

void FacePanel::addSample(History& h, double time_ms, const TrackedFace& face) {
  // At most 10 samples a second: 600 points per class over the window.
  if (h.samples.empty() || time_ms - h.samples.back().t_ms >= 100.0) h.samples.push_back({time_ms, face.smoothed});
  h.last_seen_ms = time_ms;
  if (face.person_id > 0) h.name = face.person_name;
}

namespace {

// Menus with faces for icons: the small icon size raised to a face's.
class PortraitMenuStyle : public QProxyStyle {
 public:
  PortraitMenuStyle() : QProxyStyle(QApplication::style()->name()) {}  // the app's style, not the desktop's
  int pixelMetric(PixelMetric metric, const QStyleOption* option, const QWidget* widget) const override {
    if (metric == PM_SmallIconSize) return 40;
    return QProxyStyle::pixelMetric(metric, option, widget);
  }
};

// A face as a menu icon; an empty icon (no face yet) leaves the item plain.
QIcon faceIcon(const QPixmap& face) { return face.isNull() ? QIcon() : QIcon(face); }

// Folds `from`'s samples into `into`'s, in time order.
template <typename History>
void fold_history(History& into, History&& from) {
  if (into.samples.empty()) {
    into.samples = std::move(from.samples);
  } else {
    decltype(into.samples) both;
    std::merge(into.samples.begin(), into.samples.end(), from.samples.begin(), from.samples.end(), std::back_inserter(both),
               [](const auto& a, const auto& b) { return a.t_ms < b.t_ms; });
    into.samples = std::move(both);
  }
  if (from.last_seen_ms > into.last_seen_ms) {
    into.last_seen_ms = from.last_seen_ms;
    if (!from.name.empty()) into.name = from.name;
  }
}

}  // namespace

void FacePanel::regroupHistories() {
  if (!people_) return;
  std::map<int, History> regrouped;
  for (auto& [key, h] : history_) {
    const int now_key = key > 0 ? people_->canonical(key) : key;
    fold_history(regrouped[now_key], std::move(h));
  }
  history_ = std::move(regrouped);
}

void FacePanel::setHistory(const std::vector<FrameRecord>& records, double now_ms) {
  history_.clear();
  for (const FrameRecord& r : records) {
    if (r.pos_ms < now_ms - kWindowMs || r.pos_ms > now_ms) continue;
    for (const TrackedFace& f : r.faces) addSample(history_[face_key(f, people_.get())], r.pos_ms, f);
  }
  force_chart_ = true;
}

void FacePanel::updateFaces(const std::vector<TrackedFace>& faces, double time_ms) {
  shown_faces_ = faces;
  shown_ms_ = time_ms;
  // Faces by card: a person's tracks together, in track order.
  std::map<int, std::vector<const TrackedFace*>> now;
  for (const TrackedFace& f : faces) now[face_key(f, people_.get())].push_back(&f);
  for (auto& [key, group] : now) {
    std::sort(group.begin(), group.end(), [](const TrackedFace* a, const TrackedFace* b) { return a->id < b->id; });
  }

  // History (every delivered update), pruned to the window.
  for (const auto& [key, group] : now) {
    History& h = history_[key];
    if (key > 0) {  // a track seen before its person was known: its history is the person's
      for (const TrackedFace* f : group) {
        auto before = history_.find(-f->id);
        if (before == history_.end()) continue;
        fold_history(h, std::move(before->second));
        history_.erase(before);
      }
    }
    if (!h.samples.empty() && time_ms < h.samples.back().t_ms) h.samples.clear();  // source restarted
    for (const TrackedFace* f : group) addSample(h, time_ms, *f);
  }
  for (auto it = history_.begin(); it != history_.end();) {
    History& h = it->second;
    while (!h.samples.empty() && h.samples.front().t_ms < time_ms - kWindowMs) h.samples.pop_front();
    if (h.last_seen_ms < time_ms - kWindowMs || h.last_seen_ms > time_ms) it = history_.erase(it);
    else ++it;
  }

  // Cards: exactly the people (and unidentified faces) of this frame, in key order.
  for (auto it = cards_.begin(); it != cards_.end();) {
    if (!now.count(it->first)) {
      delete it->second;
      it = cards_.erase(it);
    } else {
      ++it;
    }
  }
  int index = 0;
  for (const auto& [key, group] : now) {
    FaceCard*& card = cards_[key];
    if (!card) {
      card = new FaceCard(key, labels_, this);
      connect(card, &FaceCard::menuRequested, this, [this](int menu_key, const QPoint& pos) {
        QMenu* menu = personMenu(menu_key, this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(pos);
      });
      layout_->insertWidget(index, card);
      force_chart_ = true;  // a new card shows its history at once
    }
    std::vector<int> tracks;
    for (const TrackedFace* f : group) tracks.push_back(f->id);
    card->setFace(*group.front(), nameOf(key), tracks, min_confidence_);
    ++index;
  }
  empty_->setVisible(cards_.empty());
  updatePortraits(force_chart_);  // force_chart_: a card is new, or the people changed

  // Charts: at most 10 redraws a second of wall-clock time.
  const bool redraw = !chart_clock_.isValid() || chart_clock_.elapsed() >= 100 || force_chart_;
  if (redraw) redrawCharts(time_ms);
}

void FacePanel::redrawCharts(double time_ms) {
  chart_clock_.start();
  force_chart_ = false;
  for (auto& [key, card] : cards_) {
    std::deque<std::pair<double, std::vector<float>>> points;
    for (const Sample& s : history_[key].samples) points.emplace_back(s.t_ms, s.p);
    card->setHistory(points, time_ms);
  }
}

QMenu* FacePanel::personMenu(int key, QWidget* parent) {
  auto* menu = new QMenu(parent);
  menu->setToolTipsVisible(true);
  const bool person = key > 0;
  const QString no_person = tr("This face is not known as a person yet (identities off, or not recognised yet).");
  auto offer = [&](QAction* action, const QString& off_reason) {
    action->setEnabled(person && off_reason.isEmpty());
    if (!person) action->setToolTip(no_person);
    else if (!off_reason.isEmpty()) action->setToolTip(off_reason);
  };

  QAction* rename = menu->addAction(tr("Rename…"));
  rename->setObjectName("renamePerson");
  offer(rename, edit_off_reason_);
  connect(rename, &QAction::triggered, this, [this, key] {
    auto seen = history_.find(key);
    const std::string current = people_ ? people_->name(key) : seen != history_.end() ? seen->second.name : std::string();
    const QString typed = name_prompt_(this, tr("Rename %1").arg(nameOf(key)), qstr(current));
    if (!typed.isNull()) emit renameRequested(key, typed.trimmed());
  });

  QMenu* merge = menu->addMenu(tr("Merge into"));
  merge->setObjectName("mergePerson");
  merge->setToolTipsVisible(true);
  std::set<int> others;  // the people seen in the last minute, and the named ones
  for (const auto& [other, h] : history_) {
    if (other > 0) others.insert(other);
  }
  if (people_) {
    for (const PersonInfo& p : people_->list()) {
      if (!p.name.empty()) others.insert(p.id);
    }
  }
  others.erase(key);
  // The faces, large enough to tell people apart (menus draw icons at the style's small size).
  auto* faces_style = new PortraitMenuStyle;
  faces_style->setParent(merge);
  merge->setStyle(faces_style);
  if (!others.empty()) {
    QAction* from = merge->addAction(faceIcon(portraitOf(key)), tr("%1 into:").arg(nameOf(key)));
    from->setObjectName("mergeFrom");
    from->setEnabled(false);
    merge->addSeparator();
  }
  for (int other : others) {
    QAction* into = merge->addAction(faceIcon(portraitOf(other)), nameOf(other));
    into->setObjectName(QString("mergeInto%1").arg(other));
    connect(into, &QAction::triggered, this, [this, key, other] { emit mergeRequested(other, key); });
  }
  offer(merge->menuAction(), others.empty() ? tr("No other person to merge with.") : edit_off_reason_);

  if (FaceCard* shown = card(key)) {
    menu->addSeparator();
    for (int track : shown->tracks()) {
      QAction* split = menu->addAction(tr("Split track #%1 off").arg(track));
      split->setObjectName(QString("splitTrack%1").arg(track));
      offer(split, split_off_reason_);
      connect(split, &QAction::triggered, this, [this, track] { emit splitRequested(track); });
    }
  }
  return menu;
}

}  // namespace emoscope::ui
