// emoscope-screenshots: renders the documentation screenshots (live.png,
// recording.png, analysis.png, settings.png) with the real MainWindow, a video
// file standing in for the camera. A developer tool (scripts/make-screenshots.sh,
// the GUI tests): built beside the app, not installed, so the product binaries
// carry no scripted tour.
//
//   emoscope-screenshots DIR VIDEO   offscreen unless a display is there
#include <cstdio>
#include <cstdlib>
#include <string>

#include <QApplication>

#include "emoscope/ui/i18n.hpp"
#include "emoscope/ui/main_window.hpp"
#include "emoscope/ui/tour.hpp"
#include "emoscope/version.hpp"

namespace {

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: emoscope-screenshots DIR VIDEO\n");
    return 2;
  }
  const std::string dir = argv[1], video = argv[2];
  // No screen needed: render offscreen unless a display (e.g. xvfb-run) is there.
  if (!env_set("QT_QPA_PLATFORM") && !env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY"))
    setenv("QT_QPA_PLATFORM", "offscreen", 1);
  QApplication app(argc, argv);
  emoscope::ui::install_translations();
  QApplication::setOrganizationName("Emoscope");
  QApplication::setApplicationName("Emoscope");
  QApplication::setApplicationVersion(emoscope::version());
  emoscope::ui::MainWindowOptions options;
  options.cameras = [video] { return std::vector<emoscope::ui::CameraInfo>{{"Test video (live)", video}}; };
  options.interactive_dialogs = false;
  emoscope::ui::MainWindow window(options);
  return emoscope::ui::run_screenshot_tour(window, QString::fromStdString(dir), QString::fromStdString(video));
}
