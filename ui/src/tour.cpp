#include "emoscope/ui/tour.hpp"

#include <cstdio>

#include <QCoreApplication>
#include <QGuiApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTabWidget>
#include <QThread>

#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/main_window.hpp"
#include "emoscope/ui/model_catalogue.hpp"
#include "emoscope/ui/timeline.hpp"

namespace emoscope::ui {

bool wait_until(const std::function<bool()>& done, int timeout_ms) {
  QElapsedTimer clock;
  clock.start();
  while (!done()) {
    if (clock.elapsed() > timeout_ms) return done();
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(2);
  }
  return true;
}

void pump_events(int ms) {
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < ms) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(2);
  }
}

namespace {

int fail(const char* what) {
  std::fprintf(stderr, "emoscope-screenshots: %s\n", what);
  return 1;
}

bool save(MainWindow& w, const QString& path) {
  pump_events(100);
  const bool ok = w.grab().save(path, "PNG");
  if (ok) std::fprintf(stderr, "wrote %s\n", qPrintable(path));
  return ok;
}

}  // namespace

// How long the tour waits for the live view to show faces: a guard against a
// stall, not a timing (beside other busy tests a live view shows frames slowly).
constexpr int kLiveWaitMs = 60000;

int run_screenshot_tour(MainWindow& w, const QString& dir, const QString& video) {
  if (!QDir().mkpath(dir)) return fail("cannot create the output folder");
  w.resize(1280, 800);
  w.show();
  pump_events(200);
  std::fprintf(stderr, "screenshot tour on the '%s' platform\n", qPrintable(QGuiApplication::platformName()));

  if (!w.startLive()) return fail(qPrintable("cannot start the test camera: " + w.lastError()));
  if (!wait_until([&] { return !w.lastUpdate().faces.empty() && w.framesShown() > 60; }, kLiveWaitMs))
    return fail("no face appeared in the live view");
  // The person's card with their face (identities are on by default).
  const auto card_has_face = [&] {
    const auto& faces = w.lastUpdate().faces;
    const FaceCard* card = faces.empty() ? nullptr : w.facePanel()->cardFor(faces.front());
    return card && !card->portrait().isNull();
  };
  if (w.settings().identities && !wait_until(card_has_face, 10000))
    return fail("the person's card shows no face");
  if (!save(w, dir + "/live.png")) return fail("cannot write live.png");

  // Recording: a fresh start of the camera, recording from the first frame.
  w.stopSource();
  AppSettings settings = w.settings();
  settings.record_dir = QDir::tempPath() + "/emoscope-screenshot-recordings";
  w.applySettings(settings);
  if (!w.setRecording(true)) return fail(qPrintable("cannot record: " + w.lastError()));
  if (!wait_until([&] { return !w.lastUpdate().faces.empty() && w.framesShown() > 40; }, kLiveWaitMs))
    return fail("no face appeared while recording");
  if (!w.recording()) return fail("the recording stopped early");
  if (!save(w, dir + "/recording.png")) return fail("cannot write recording.png");
  w.setRecording(false);
  w.stopSource();

  if (!w.openVideo(video)) return fail(qPrintable("cannot analyse: " + w.lastError()));
  if (!wait_until([&] { return w.analysisDone(); }, 120000)) return fail("the analysis did not finish");
  w.seekToFrame(w.timeline()->totalFrames() * 2 / 3);
  if (!save(w, dir + "/analysis.png")) return fail("cannot write analysis.png");
  if (auto* tabs = w.findChild<QTabWidget*>()) {
    tabs->setCurrentIndex(1);
    if (!save(w, dir + "/settings.png")) return fail("cannot write settings.png");
    tabs->setCurrentIndex(0);
  }

  // The seven-emotion model: its face card with every label in the legend.
  const QString seven = ModelCatalogue::bundledPath("seven_emotions.pt");
  const QString previous = w.activeModelPath();
  if (!w.loadModel(seven)) return fail(qPrintable("cannot load the seven-emotion model: " + w.lastError()));
  if (!w.startLive()) return fail(qPrintable("cannot start the test camera: " + w.lastError()));
  if (!wait_until([&] { return !w.lastUpdate().faces.empty() && w.framesShown() > 60; }, kLiveWaitMs))
    return fail("no face appeared with the seven-emotion model");
  if (!save(w, dir + "/seven_emotions.png")) return fail("cannot write seven_emotions.png");
  w.stopSource();
  w.loadModel(previous);
  return 0;
}

}  // namespace emoscope::ui
