// emoscope: the Qt 6 desktop app (see ui/). Parses its command line with
// QCommandLineParser (--help, --version, Qt's own options such as -platform, and
// files to open) and checks for a display before creating QApplication, so that a
// headless start fails with a clear message instead of Qt's platform-plugin abort.
//
//   emoscope [FILE]                   the app; FILE: a video is analysed, an image
//                                     or a folder of images is shown with its results
// (The documentation screenshots are rendered by emoscope-screenshots, a
// developer tool: app/screenshots_main.cpp.)
//   emoscope --exit-after-analysis FILE   quits when FILE's analysis ends (scripts, tests)
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "emoscope/ui/i18n.hpp"
#include "emoscope/ui/main_window.hpp"
#include "emoscope/ui/timeline.hpp"
#include "emoscope/version.hpp"

namespace {

std::atomic<bool> g_quit{false};
extern "C" void on_signal(int) { g_quit = true; }

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v;
}

struct Options {
  QCommandLineOption exit_after{"exit-after-analysis",
                                "Quit when the analysis of FILE ends, printing what was analysed; exit status 0 "
                                "when the whole file was analysed (for scripts and tests)."};
};

void describe(QCommandLineParser& parser, Options& o) {
  parser.setApplicationDescription(
      "Emoscope: live facial emotions from a camera, recording, and whole-video analysis.\n"
      "Settings persist between runs. Qt's own options (-platform, -style, ...) are accepted too.");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addOption(o.exit_after);
  parser.addPositionalArgument("file", "A video to analyse, or an image or folder of images to show.", "[FILE]");
}

bool asks_for(int argc, char** argv, std::initializer_list<const char*> names) {
  for (int i = 1; i < argc; ++i)
    for (const char* n : names)
      if (std::strcmp(argv[i], n) == 0) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // --help and --version need no display: answer them from a core application.
  if (asks_for(argc, argv, {"-h", "--help", "--help-all", "-v", "--version"})) {
    QCoreApplication info(argc, argv);
    QCoreApplication::setApplicationName("emoscope");
    QCoreApplication::setApplicationVersion(emoscope::version());
    QCommandLineParser parser;
    Options o;
    describe(parser, o);
    parser.process(info);  // prints and exits
    return 0;
  }
  const bool platform_given = asks_for(argc, argv, {"-platform", "--platform"});
  if (!platform_given && !env_set("QT_QPA_PLATFORM") && !env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY")) {
    std::fprintf(stderr,
                 "emoscope: no display found (DISPLAY and WAYLAND_DISPLAY are not set).\n"
                 "  Start it from a desktop session, or in a virtual X server: xvfb-run -a emoscope\n"
                 "  For work without a screen use emoscope-cli (predict, analyze, live).\n");
    return 1;
  }

  QApplication app(argc, argv);  // takes Qt's own options out of the arguments
  emoscope::ui::install_translations();
  QApplication::setOrganizationName("Emoscope");
  QApplication::setApplicationName("Emoscope");
  QApplication::setApplicationVersion(emoscope::version());
  QCommandLineParser parser;
  Options cli_options;
  describe(parser, cli_options);
  if (!parser.parse(QApplication::arguments())) {
    std::fprintf(stderr, "emoscope: %s\n", qPrintable(parser.errorText()));
    return 2;
  }
  const QStringList files = parser.positionalArguments();
  if (files.size() > 1) {
    std::fprintf(stderr, "emoscope: one file at a time (got %lld)\n", static_cast<long long>(files.size()));
    return 2;
  }

  emoscope::ui::MainWindow window;
  window.show();
  if (!files.isEmpty()) {  // a video is analysed; an image or a folder shows its results
    const QString file = files.front();
    if (parser.isSet(cli_options.exit_after)) {
      QObject::connect(&window, &emoscope::ui::MainWindow::analysisFinished, &app, [&window, file](bool completed) {
        std::fprintf(stderr, "emoscope: analysed %d%% of %s: %ld frames, %d people or faces tracked%s\n", window.analysisPercent(),
                     qPrintable(file), window.timeline()->framesSeen(), window.timeline()->faceCount(),
                     completed ? "" : " (not completed)");
        QApplication::exit(completed ? 0 : 1);
      });
      QObject::connect(&window, &emoscope::ui::MainWindow::errorReported, &app, [](const QString&, const QString& message) {
        std::fprintf(stderr, "emoscope: %s\n", qPrintable(message));
        QApplication::exit(1);
      });
    }
    QTimer::singleShot(0, &window, [&window, file] { window.openFile(file); });
  } else if (parser.isSet(cli_options.exit_after)) {
    std::fprintf(stderr, "emoscope: --exit-after-analysis needs a FILE\n");
    return 2;
  }
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
