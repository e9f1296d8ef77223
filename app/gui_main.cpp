// emoscope: the Qt 6 desktop app (see ui/). Checks for a display before
// creating QApplication so that a headless start fails with a clear message
// instead of Qt's platform-plugin abort.
//
//   emoscope                          the app
//   emoscope --screenshots DIR [--video FILE]
//                                     renders live.png, recording.png and
//                                     analysis.png into DIR (offscreen when there
//                                     is no display), using FILE
//                                     as the camera (default: $EMOSCOPE_FAKE_CAMERA)
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <QApplication>
#include <QTimer>

#include "emoscope/ui/main_window.hpp"
#include "emoscope/ui/tour.hpp"

namespace {

std::atomic<bool> g_quit{false};
extern "C" void on_signal(int) { g_quit = true; }

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v;
}

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: emoscope [--screenshots DIR [--video FILE]]\n"
               "  Qt 6 desktop app: live facial emotions from a camera, recording,\n"
               "  and whole-video analysis. Settings persist between runs.\n"
               "  --screenshots DIR  render the documentation screenshots into DIR and exit\n"
               "  --video FILE       the video used as the camera for --screenshots\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string screenshots, video;
  if (const char* fake = std::getenv("EMOSCOPE_FAKE_CAMERA")) video = fake;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    } else if (arg == "--screenshots" && i + 1 < argc) {
      screenshots = argv[++i];
    } else if (arg == "--video" && i + 1 < argc) {
      video = argv[++i];
    } else {
      std::fprintf(stderr, "emoscope: unknown argument '%s'\n", arg.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (!screenshots.empty()) {
    if (video.empty()) {
      std::fprintf(stderr, "emoscope: --screenshots needs --video FILE (or $EMOSCOPE_FAKE_CAMERA)\n");
      return 2;
    }
    // No screen needed: render offscreen unless a display (e.g. xvfb-run) is there.
    if (!env_set("QT_QPA_PLATFORM") && !env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY"))
      setenv("QT_QPA_PLATFORM", "offscreen", 1);
  }
  if (!env_set("QT_QPA_PLATFORM") && !env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY")) {
    std::fprintf(stderr,
                 "emoscope: no display found (DISPLAY and WAYLAND_DISPLAY are not set).\n"
                 "  Start it from a desktop session, or in a virtual X server: xvfb-run -a emoscope\n"
                 "  For work without a screen use emoscope-cli (predict, analyze, live).\n");
    return 1;
  }

  QApplication app(argc, argv);
  QApplication::setOrganizationName("Emoscope");
  QApplication::setApplicationName("Emoscope");
  QApplication::setApplicationVersion("0.1.0");

  emoscope::ui::MainWindowOptions options;
  if (!screenshots.empty()) {
    const std::string camera = video;
    options.cameras = [camera] {
      return std::vector<emoscope::ui::CameraInfo>{{"Test video (live)", camera}};
    };
    options.interactive_dialogs = false;
  }
  emoscope::ui::MainWindow window(options);
  if (!screenshots.empty()) {
    return emoscope::ui::run_screenshot_tour(window, QString::fromStdString(screenshots),
                                             QString::fromStdString(video));
  }
  window.show();
  // Ctrl+C / SIGTERM quit cleanly: the window's destructor finalises a recording.
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  QTimer quit_check;
  QObject::connect(&quit_check, &QTimer::timeout, &app, [] {
    if (g_quit) QApplication::quit();
  });
  quit_check.start(200);
  return app.exec();
}
