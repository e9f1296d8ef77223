// The parts MainWindow wires together, each on its own: ModelCatalogue,
// SettingsPanel, AnalysisController, RecordingController, SessionController,
// MainActions and StatusFields. Offscreen Qt, real models and real videos.
#include <filesystem>
#include <fstream>

#include <QAction>
#include <QComboBox>
#include <QEventLoop>
#include <QTimer>
#include <QSignalSpy>
#include <QSlider>
#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "emoscope/annotator.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/resources.hpp"
#include "emoscope/ui/analysis_controller.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/i18n.hpp"
#include "emoscope/ui/main_actions.hpp"
#include "emoscope/ui/model_catalogue.hpp"
#include "emoscope/ui/recording_controller.hpp"
#include "emoscope/ui/session_controller.hpp"
#include "emoscope/ui/settings_panel.hpp"
#include "emoscope/ui/status_fields.hpp"
#include "emoscope/ui/tour.hpp"
#include "gui_test_support.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace emoscope;
using namespace emoscope::ui;
using emoscope::test::gui_app;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// A file-mode (or live) session over `source` with the Haar detector, sharing `models`' classifier.
std::unique_ptr<Session> make_session(const ModelCatalogue& models, const std::string& source, bool live) {
  SessionConfig config;
  config.source = source;
  config.live = live;
  config.model_path = sstr(models.activePath());
  config.detector.kind = DetectorKind::kHaar;
  QString error;
  auto session = Session::create(config, &error, models.classifier());
  INFO(error.toStdString());
  REQUIRE(session);
  return session;
}

// Runs `session` (already handed to `analysis`) to its end; returns whether it completed.
bool run_analysis(Session& session, AnalysisController& analysis) {
  QObject::connect(&session, &Session::frameReady, &analysis, &AnalysisController::onUpdate);
  bool ended = false, completed = false;
  QObject::connect(&session, &Session::finished, &analysis, [&](const PipelineEnd& end) {
    completed = analysis.onEnded(end);
    ended = true;
  });
  session.start();
  REQUIRE(wait_until([&] { return ended; }, 120000));
  return completed;
}

cv::Mat decoded_frame(const std::string& video, int index) {
  cv::VideoCapture cap(video);
  cv::Mat frame;
  for (int i = 0; i <= index; ++i) cap.read(frame);
  return frame;
}

}  // namespace

TEST_CASE("ModelCatalogue: bundled models, one load shared, a failed load keeps the active model", "[gui][parts]") {
  gui_app();
  ModelCatalogue models;
  QSignalSpy changed(&models, &ModelCatalogue::activeModelChanged);
  QString error;
  REQUIRE(models.loadPreferred({}, DeviceChoice::kCpu, &error));
  CHECK(models.activePath().endsWith("happy_neutral_sad.pt"));
  CHECK(models.activeSpec().labels == std::vector<std::string>{"happy", "neutral", "sad"});
  CHECK(changed.count() == 1);
  const std::vector<ModelEntry> bundled = models.entries();
  REQUIRE(bundled.size() == 3);
  for (const ModelEntry& e : bundled) CHECK(e.installed);
  CHECK(bundled[2].name == "Seven emotions");

  const std::shared_ptr<Classifier> loaded = models.classifier();
  CHECK_FALSE(models.load("/nonexistent/model.pt", DeviceChoice::kCpu, &error));
  CHECK(error.contains("/nonexistent/model.pt"));
  CHECK(models.classifier() == loaded);  // still the same instance
  CHECK(changed.count() == 1);

  const QString tiny = q(test::test_model("tiny.pt"));
  REQUIRE(models.load(tiny, DeviceChoice::kCpu, &error));
  CHECK(models.entries().size() == 4);  // the bundled three, then the opened file
  CHECK(models.entries().back().path == tiny);
  CHECK(models.describeActive().contains("happy, sad"));
  CHECK(changed.count() == 2);
}

TEST_CASE("SettingsPanel emits only settings it accepted", "[gui][parts]") {
  gui_app();
  ModelCatalogue models;
  QString error;
  REQUIRE(models.load(q(test::test_model("tiny.pt")), DeviceChoice::kCpu, &error));
  SettingsPanel panel(models);
  AppSettings start;
  start.detector = DetectorKind::kHaar;
  start.min_confidence = 0.5;
  QSignalSpy changed(&panel, &SettingsPanel::settingsChanged);
  QSignalSpy errors(&panel, &SettingsPanel::errorOccurred);
  panel.setSettings(start);
  CHECK(changed.count() == 0);  // showing a value is not an edit

  panel.smoothingSlider()->setValue(800);  // as a user drags it
  REQUIRE(changed.count() == 1);
  CHECK(changed.last().at(0).value<AppSettings>().smoothing_ms == 800);
  CHECK(panel.settings().smoothing_ms == 800);

  AppSettings wild = panel.settings();
  wild.min_confidence = 1.7;
  wild.detect_every = 0;
  REQUIRE(panel.apply(wild));
  CHECK(panel.settings().min_confidence == 1.0);
  CHECK(panel.settings().detect_every == 1);
  CHECK(panel.confidenceSlider()->value() == 100);

  CHECK_FALSE(panel.apply(panel.settings().withDetector(DetectorKind::kYuNet, "/nonexistent/yunet.onnx")));
  CHECK(errors.count() == 1);
  CHECK(panel.settings().detector == DetectorKind::kHaar);
  CHECK(panel.detectorCombo()->currentData().toInt() == static_cast<int>(DetectorKind::kHaar));

  if (!cuda_available()) {
    AppSettings cuda = panel.settings();
    cuda.device = DeviceChoice::kCuda;
    CHECK_FALSE(panel.apply(cuda));
    CHECK(errors.count() == 2);
    CHECK(errors.last().at(1).toString().contains("CUDA"));
    CHECK(panel.settings().device != DeviceChoice::kCuda);
  }

  const int before = static_cast<int>(changed.count());
  CHECK_FALSE(panel.chooseModel("/nonexistent/model.pt"));
  CHECK(errors.last().at(1).toString().contains("stays active"));
  CHECK(changed.count() == before);
  const QString rgb = q(test::test_model("tiny_rgb.pt"));
  REQUIRE(panel.chooseModel(rgb));
  CHECK(panel.settings().model_path == rgb);
  CHECK(panel.modelCombo()->currentText() == "tiny_rgb.pt");
  CHECK(models.activeSpec().labels == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("AnalysisController: a run, seeking through a FrameSource, export that never overwrites", "[gui][parts]") {
  REQUIRE_SHARED_DATA();
  gui_app();
  ModelCatalogue models;
  QString error;
  REQUIRE(models.loadPreferred({}, DeviceChoice::kCpu, &error));
  AnalysisController analysis(/*interactive_dialogs=*/false);
  const std::string clip = test::fer_clip();
  auto session = make_session(models, clip, /*live=*/false);
  REQUIRE(analysis.begin(*session, q(clip), false, &error));
  CHECK(analysis.running());
  REQUIRE(run_analysis(*session, analysis));
  CHECK(analysis.done());
  CHECK(analysis.percent() == 100);
  CHECK(analysis.processed() == 115);
  CHECK(analysis.hasFiles());

  // A frame shown again is the decoded frame with the faces found in it, annotated as they were.
  const auto shown = analysis.frameAt(57, 0.0f);
  REQUIRE(shown);
  CHECK(shown->record.seq == 57);
  CHECK(shown->image.size() == QSize(596, 336));
  CHECK_FALSE(shown->record.faces.empty());
  const QImage expected = to_qimage(annotate(decoded_frame(clip, 57), shown->record.faces, analysis.labels()));
  CHECK(shown->image == expected);
  CHECK_FALSE(shown->history.empty());
  CHECK(shown->history.back().seq == 56);
  const auto last = analysis.frameAt(100000, 0.0f);
  REQUIRE(last);
  CHECK(last->record.seq == 114);

  const std::string out = test::temp_dir("parts-export");
  REQUIRE(analysis.exportTo(q(out), false, &error));
  for (const char* ext : {".mkv", ".csv", ".json"}) CHECK(fs::file_size(out + "/justinshenk_fer_test-emoscope" + ext) > 0);
  CHECK_FALSE(analysis.exportTo(q(out), false, &error));
  CHECK(error.contains("already has"));
  CHECK(analysis.exportTo(q(out), true, &error));

  SECTION("a folder of images, one of them unreadable: seeking skips it as the analysis did") {
    const std::string dir = test::temp_dir("parts-images");
    cv::imwrite(dir + "/1.png", decoded_frame(clip, 10));
    std::ofstream(dir + "/2.png") << "broken";
    cv::imwrite(dir + "/3.png", decoded_frame(clip, 80));
    AnalysisController images(false);
    auto folder = make_session(models, dir, false);
    REQUIRE(images.begin(*folder, q(dir), true, &error));
    REQUIRE(run_analysis(*folder, images));
    CHECK(images.processed() == 2);
    const auto second = images.frameAt(1, 0.0f);
    REQUIRE(second);
    CHECK(second->record.seq == 1);
    const QImage want = to_qimage(annotate(cv::imread(dir + "/3.png"), second->record.faces, images.labels()));
    CHECK(second->image == want);
  }
}

TEST_CASE("RecordingController: each recording gets its own folder, and its clock runs", "[gui][parts]") {
  REQUIRE_SHARED_DATA();
  gui_app();
  ModelCatalogue models;
  QString error;
  REQUIRE(models.loadPreferred({}, DeviceChoice::kCpu, &error));
  auto session = make_session(models, test::fer_clip(), /*live=*/true);
  session->start();
  RecordingController recorder;
  QSignalSpy ticks(&recorder, &RecordingController::clockTicked);
  QSignalSpy finished(&recorder, &RecordingController::finished);
  const std::string root = test::temp_dir("parts-recordings");
  QStringList folders;
  for (int i = 0; i < 2; ++i) {
    REQUIRE(recorder.start(*session, q(root), &error));
    CHECK(recorder.active());
    CHECK(recorder.clockText().startsWith("● REC 00:0"));
    pump_events(700);
    REQUIRE(recorder.stop(*session, &error));
    CHECK_FALSE(recorder.active());
    CHECK(recorder.clockText().isEmpty());
    folders << recorder.folder();
  }
  session->stop();
  CHECK(finished.count() == 2);
  CHECK(ticks.count() >= 4);
  REQUIRE(folders[0] != folders[1]);  // two recordings in one second: both kept
  for (const QString& f : folders) {
    CHECK(QFileInfo(f).fileName().startsWith("session-"));
    CHECK(fs::file_size(sstr(f) + "/session.csv") > 0);
    CHECK(fs::file_size(sstr(f) + "/session.mkv") > 0);
  }
}

TEST_CASE("SessionController: one run at a time on one shared classifier - runs end by themselves", "[gui][parts]") {
  REQUIRE_SHARED_DATA();
  gui_app();
  ModelCatalogue models;
  QString error;
  REQUIRE(models.loadPreferred({}, DeviceChoice::kCpu, &error));
  const Classifier* loaded = models.classifier().get();
  RecordingController recorder;
  AnalysisController analysis(false);
  SessionController sessions(models, recorder, analysis);
  sessions.configure([](SessionConfig& c) { c.detector.kind = DetectorKind::kHaar; });
  QSignalSpy ended(&sessions, &SessionController::runEnded);
  QSignalSpy frames(&sessions, &SessionController::frameReady);

  REQUIRE(sessions.startLive(test::fer_clip(), &error));
  CHECK(models.classifier().use_count() == 2);  // the catalogue's and the running pipeline's
  CHECK(sessions.mode() == SessionController::Mode::kLive);
  REQUIRE(wait_until([&] { return frames.count() > 3; }, 20000));
  sessions.setPaused(true);
  CHECK(sessions.paused());
  REQUIRE(sessions.startAnalysis(q(test::fer_clip()), false, &error));  // replaces the live run
  CHECK(models.classifier().use_count() == 2);  // the live session is gone
  CHECK(sessions.mode() == SessionController::Mode::kAnalysis);
  CHECK_FALSE(sessions.paused());
  REQUIRE(wait_until([&] { return ended.count() == 1; }, 120000));
  CHECK(ended.at(0).at(0).value<SessionController::Mode>() == SessionController::Mode::kAnalysis);
  CHECK(ended.at(0).at(1).value<PipelineEnd>().reason == EndReason::kEndOfStream);
  CHECK(sessions.mode() == SessionController::Mode::kIdle);
  CHECK(analysis.done());
  CHECK(analysis.processed() == 115);
  pump_events(50);  // a session that ended itself is deleted by a queued call
  CHECK(models.classifier().get() == loaded);  // never reloaded
  CHECK(models.classifier().use_count() == 1);  // and no session holds it any more

  CHECK_FALSE(sessions.startAnalysis("/nonexistent/clip.mp4", false, &error));
  CHECK(error.contains("/nonexistent/clip.mp4"));
  CHECK(sessions.mode() == SessionController::Mode::kIdle);
}

TEST_CASE("MainActions and StatusFields show the window's state", "[gui][parts]") {
  auto w = test::make_window("");
  MainActions* a = w->actions();
  CHECK_FALSE(a->start->isEnabled());  // no camera
  CHECK_FALSE(a->record->isEnabled());
  CHECK_FALSE(a->export_analysis->isEnabled());
  CHECK(a->cameras->currentText() == "No camera found");
  MainActions::State state;
  state.live = state.recording = state.has_camera = true;
  a->update(state);
  CHECK(a->start->text() == "Stop");
  CHECK(a->record->isChecked());
  CHECK(a->pause->isEnabled());

  StatusFields fields;
  SessionUpdate u;
  u.fps = 12.5;
  u.detect_ms = 3.24;
  u.dropped = 7;
  fields.showUpdate(u);
  fields.setDevice("cpu");
  CHECK(fields.text() == "FPS 12.5 | detect 3.2 ms | classify 0.0 ms | dropped 7 | device cpu | ");
}

TEST_CASE("translations are compiled in and load for the user's language", "[gui][i18n]") {
  gui_app();
  const QStringList languages = available_translations();
  CHECK(languages.contains("en"));
  CHECK(install_translations(QLocale(QLocale::English, QLocale::UnitedKingdom)) == "en");
  CHECK(install_translations(QLocale(QLocale::Japanese, QLocale::Japan)).isEmpty());  // no such translation: English source text
}

TEST_CASE("the app's default settings run with core's RunOptions defaults - as emoscope-cli does", "[gui][parts]") {
  const AppSettings defaults;
  const SessionConfig config = defaults.sessionConfig();
  test::check_same_run_settings(config, RunOptions{});
  CHECK(defaults.smoothing_ms == RunOptions{}.pipeline.tracker.smoothing_ms);
  CHECK(defaults.detect_every == RunOptions{}.pipeline.detect_every);
  CHECK(config.detector.model_path == sstr(defaults.detectorModel()));  // the shipped YuNet: the CLI's default too
}
