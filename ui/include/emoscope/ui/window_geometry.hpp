// Window placement helpers: keep a top-level window inside its screen's
// available area (so a 1366x768 laptop still shows the status bar) and
// remember its geometry between runs in QSettings. UI thread only; pixels.
#pragma once

class QWidget;

namespace emoscope::ui {

// Shrinks `window` (not below its minimum size) and moves it into its screen's available area.
void fit_to_screen(QWidget& window);
// The geometry saved under `key`, or `default_width` x `default_height`; then fit_to_screen().
void restore_window_geometry(QWidget& window, const char* key, int default_width, int default_height);
void save_window_geometry(const QWidget& window, const char* key);

}  // namespace emoscope::ui
