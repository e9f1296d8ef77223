#include "emoscope/ui/window_geometry.hpp"

#include <algorithm>

#include <QScreen>
#include <QSettings>
#include <QWidget>

namespace emoscope::ui {

void fit_to_screen(QWidget& w) {
  const QScreen* s = w.screen();
  if (!s) return;
  const QRect available = s->availableGeometry();
  const QRect inner = w.geometry();
  const QRect outer = w.frameGeometry();
  const QMargins frame(inner.left() - outer.left(), inner.top() - outer.top(), outer.right() - inner.right(),
                       outer.bottom() - inner.bottom());
  const QSize room = available.size().shrunkBy(frame);
  if (w.width() > room.width() || w.height() > room.height()) w.resize(w.size().boundedTo(room));
  QRect placed = w.frameGeometry();
  if (available.contains(placed)) return;
  const int x = std::clamp(placed.left(), available.left(), std::max(available.left(), available.right() - placed.width()));
  const int y = std::clamp(placed.top(), available.top(), std::max(available.top(), available.bottom() - placed.height()));
  w.move(x, y);
}

void restore_window_geometry(QWidget& w, const char* key, int default_width, int default_height) {
  const QByteArray saved = QSettings().value(key).toByteArray();
  if (saved.isEmpty() || !w.restoreGeometry(saved)) w.resize(default_width, default_height);
  fit_to_screen(w);
}

void save_window_geometry(const QWidget& w, const char* key) { QSettings().setValue(key, w.saveGeometry()); }

}  // namespace emoscope::ui
