// Scripted walks through the real MainWindow, shared by emoscope-screenshots
// and the GUI tests: wait for a condition while the event loop runs, and render
// the three documentation screenshots (live with faces, recording, analysis
// done with its timeline). UI thread only. Times in milliseconds.
#pragma once

#include <functional>

#include <QString>

namespace emoscope::ui {

class MainWindow;

// Runs the event loop until `done()` is true or `timeout_ms` passes; returns done().
bool wait_until(const std::function<bool()>& done, int timeout_ms);
// Runs the event loop for `ms`.
void pump_events(int ms);

// The window must list `video` as a camera (MainWindowOptions::cameras).
// Writes live.png, recording.png, analysis.png and settings.png into `dir`; 0 on success,
// else prints why to stderr and returns 1.
int run_screenshot_tour(MainWindow& window, const QString& dir, const QString& video);

}  // namespace emoscope::ui
