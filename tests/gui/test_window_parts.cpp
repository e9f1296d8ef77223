// The parts MainWindow wires together, each on its own: ModelCatalogue,
// SettingsPanel, AnalysisController, RecordingController, SessionController,
// MainActions and StatusFields. Offscreen Qt, real models and real videos.
#include <filesystem>
#include <fstream>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QEventLoop>
#include <QTimer>
#include <QSignalSpy>
#include <QSlider>
#include <QStyle>
#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "emoscope/annotator.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/portraits.hpp"
#include "emoscope/resources.hpp"
#include "emoscope/ui/analysis_controller.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/i18n.hpp"
#include "emoscope/ui/main_actions.hpp"
#include "emoscope/ui/model_catalogue.hpp"
#include "emoscope/ui/recording_controller.hpp"
#include "emoscope/ui/session_controller.hpp"
#include "emoscope/ui/settings_panel.hpp"
#include "emoscope/ui/status_fields.hpp"
#include "emoscope/ui/timeline.hpp"
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

// A tracked face of track `track` that is person `person` (0: none) called `name`.
TrackedFace person_face(int track, int person, const std::string& name = {}, int label = 0) {
  TrackedFace f;
  f.id = track;
  f.person_id = person;
  f.person_name = name;
  f.box = {10.0f * track, 10, 40, 40};
  f.smoothed = {0.6f, 0.3f, 0.1f};
  f.raw = f.smoothed;
  f.label = label;
  f.confidence = 0.6f;
  return f;
}

const std::vector<std::string> kThree = {"happy", "neutral", "sad"};

}  // namespace

TEST_CASE("FacePanel: one card per person, titled by name, with its tracks", "[gui][parts][people]") {
  gui_app();
  FacePanel panel;
  panel.setLabels(kThree);
  // Tracks 1 and 2 are both P3 (merged while on screen); track 4 is Alice (person 5).
  panel.updateFaces({person_face(2, 3), person_face(1, 3), person_face(4, 5, "Alice")}, 0.0);
  REQUIRE(panel.cardCount() == 2);
  CHECK(panel.cardIds() == std::vector<int>{3, 5});
  REQUIRE(panel.card(3));
  CHECK(panel.card(3)->name() == "P3");
  CHECK(panel.card(3)->labelText().startsWith("P3"));
  CHECK(panel.card(3)->labelText().contains("happy"));
  CHECK(panel.card(3)->tracks() == std::vector<int>{1, 2});
  CHECK(panel.card(3)->tracksText() == "Tracks #1, #2");
  REQUIRE(panel.card(5));
  CHECK(panel.card(5)->name() == "Alice");
  CHECK(panel.card(5)->tracksText() == "Track #4");
  CHECK(panel.cardFor(person_face(4, 5)) == panel.card(5));

  // Without identities (or before a face's person is known): a card per track, "#<track>".
  panel.updateFaces({person_face(1, 0), person_face(2, 0)}, 200.0);
  REQUIRE(panel.cardCount() == 2);
  REQUIRE(panel.cardFor(person_face(1, 0)));
  CHECK(panel.cardFor(person_face(1, 0))->name() == "#1");
  CHECK(panel.cardFor(person_face(2, 0))->name() == "#2");
  // Once track 1's person is known, its card (and its chart) is the person's.
  panel.updateFaces({person_face(1, 7)}, 400.0);
  REQUIRE(panel.cardCount() == 1);
  REQUIRE(panel.card(7));
  CHECK(panel.card(7)->pointCount() == 2);  // track 1 at 200 ms (before its person was known) and 400 ms
}

TEST_CASE("FacePanel: a card's menu asks to rename, merge and split - and the run's people relabel it", "[gui][parts][people]") {
  gui_app();
  FacePanel panel;
  panel.setLabels(kThree);
  panel.updateFaces({person_face(1, 3), person_face(2, 3), person_face(4, 5, "Alice")}, 0.0);
  QSignalSpy renamed(&panel, &FacePanel::renameRequested);
  QSignalSpy merged(&panel, &FacePanel::mergeRequested);
  QSignalSpy split(&panel, &FacePanel::splitRequested);

  QString asked_with = "unset";
  panel.setNamePrompt([&](QWidget*, const QString&, const QString& current) {
    asked_with = current;
    return QString("  Bob ");
  });
  std::unique_ptr<QMenu> menu(panel.personMenu(3));
  auto* rename = menu->findChild<QAction*>("renamePerson");
  REQUIRE(rename);
  REQUIRE(rename->isEnabled());
  rename->trigger();
  CHECK(asked_with.isEmpty());  // P3 has no name yet
  REQUIRE(renamed.count() == 1);
  CHECK(renamed.at(0).at(0).toInt() == 3);
  CHECK(renamed.at(0).at(1).toString() == "Bob");
  panel.setNamePrompt([](QWidget*, const QString&, const QString&) { return QString(); });  // cancelled
  rename->trigger();
  CHECK(renamed.count() == 1);

  auto* into_alice = menu->findChild<QAction*>("mergeInto5");
  REQUIRE(into_alice);
  CHECK(into_alice->text() == "Alice");
  into_alice->trigger();
  REQUIRE(merged.count() == 1);
  CHECK(merged.at(0).at(0).toInt() == 5);  // into
  CHECK(merged.at(0).at(1).toInt() == 3);  // from
  auto* split_two = menu->findChild<QAction*>("splitTrack2");
  REQUIRE(split_two);
  split_two->trigger();
  REQUIRE(split.count() == 1);
  CHECK(split.at(0).at(0).toInt() == 2);

  // Off: disabled, saying why.
  panel.setPeopleActions("Identities are off.", "Not running.");
  menu.reset(panel.personMenu(3));
  CHECK_FALSE(menu->findChild<QAction*>("renamePerson")->isEnabled());
  CHECK(menu->findChild<QAction*>("renamePerson")->toolTip() == "Identities are off.");
  CHECK(menu->findChild<QAction*>("splitTrack1")->toolTip() == "Not running.");
  panel.setPeopleActions({}, "Not running.");
  menu.reset(panel.personMenu(3));
  CHECK(menu->findChild<QAction*>("renamePerson")->isEnabled());
  CHECK_FALSE(menu->findChild<QAction*>("splitTrack1")->isEnabled());

  // With the run's people, renames and merges show at once.
  auto people = std::make_shared<People>(0.5f, 0.44f);
  const int p1 = people->add_person(Embedding(128, 0.0f));
  const int p2 = people->add_person(Embedding(128, 1.0f));
  panel.clear();
  panel.setPeople(people);
  panel.updateFaces({person_face(1, p1), person_face(2, p2)}, 0.0);
  REQUIRE(panel.cardCount() == 2);
  people->rename(p1, "Carol");
  panel.peopleChanged();
  REQUIRE(panel.card(p1));
  CHECK(panel.card(p1)->name() == "Carol");
  people->merge(p1, p2);
  panel.peopleChanged();
  REQUIRE(panel.cardCount() == 1);
  CHECK(panel.card(p1)->tracks() == std::vector<int>{1, 2});
}

TEST_CASE("FacePanel: a person's card shows their clearest face, and Merge into shows the faces", "[gui][parts][people]") {
  gui_app();
  const cv::Mat photo = cv::imread(test::astronaut_photo(), cv::IMREAD_COLOR);
  REQUIRE_FALSE(photo.empty());
  // The astronaut's face (YuNet's box on this photo, tests/integration/test_detector.cpp).
  const cv::Rect2f face_box(170, 55, 117, 117);
  auto people = std::make_shared<People>(0.5f, 0.44f);
  const int p1 = people->add_person(Embedding(128, 0.0f));
  const int p2 = people->add_person(Embedding(128, 1.0f));
  auto portraits = std::make_shared<Portraits>(PortraitOptions{}, people);
  FacePanel panel;
  panel.setLabels(kThree);
  panel.setPeople(people);
  panel.setPortraits(portraits);

  auto seen = [&](const cv::Mat& image, std::uint64_t seq, std::vector<TrackedFace> faces) {
    FrameResult r;
    r.frame.image = image;
    r.frame.seq = seq;
    r.frame.time = SourceTime::from_ms(seq * 40.0);
    for (TrackedFace& f : faces) {
      f.box = face_box;
      f.face_score = 0.9f;
    }
    r.faces = faces;
    portraits->observe(r);
    panel.updateFaces(faces, seq * 40.0);
  };
  // Before any face was taken: no thumbnails.
  panel.updateFaces({person_face(1, p1), person_face(3, 0)}, 0.0);
  REQUIRE(panel.card(p1));
  CHECK(panel.card(p1)->portrait().isNull());

  cv::Mat soft;
  cv::GaussianBlur(photo, soft, cv::Size(0, 0), 3.0);
  seen(soft, 1, {person_face(1, p1), person_face(3, 0)});
  REQUIRE(panel.card(p1));
  const QPixmap first = panel.card(p1)->portrait();
  REQUIRE_FALSE(first.isNull());
  CHECK(first.deviceIndependentSize().toSize() == QSize(FaceCard::kPortraitSide, FaceCard::kPortraitSide));
  const std::uint64_t first_revision = panel.card(p1)->portraitRevision();
  CHECK(first_revision == portraits->portrait(p1)->revision);
  // The card of a face with no person shows none.
  REQUIRE(panel.cardFor(person_face(3, 0)));
  CHECK(panel.cardFor(person_face(3, 0))->portrait().isNull());
  // The thumbnail is the face: skin (reddish) in its middle, not the grey of the suit.
  const QImage shown = first.toImage();
  const QColor middle = shown.pixelColor(shown.width() / 2, shown.height() / 2);
  CHECK(middle.red() > middle.blue() + 20);

  // A clearer view replaces it; the same one again does not.
  seen(photo, 2, {person_face(1, p1)});
  CHECK(panel.card(p1)->portraitRevision() != first_revision);
  CHECK(panel.card(p1)->portrait().cacheKey() != first.cacheKey());
  const qint64 sharp_key = panel.card(p1)->portrait().cacheKey();
  seen(photo, 3, {person_face(1, p1)});
  CHECK(panel.card(p1)->portrait().cacheKey() == sharp_key);

  // Person 2 (blurred) beside person 1: the merge menu shows this person's face and the other's.
  seen(soft, 4, {person_face(1, p1), person_face(2, p2)});
  REQUIRE(panel.card(p2));
  CHECK_FALSE(panel.card(p2)->portrait().isNull());
  std::unique_ptr<QMenu> menu(panel.personMenu(p2));
  auto* from = menu->findChild<QAction*>("mergeFrom");
  REQUIRE(from);
  CHECK_FALSE(from->isEnabled());
  CHECK(from->text().contains("P2"));
  CHECK_FALSE(from->icon().isNull());
  auto* into = menu->findChild<QAction*>(QString("mergeInto%1").arg(p1));
  REQUIRE(into);
  CHECK_FALSE(into->icon().isNull());
  auto* merge = menu->findChild<QMenu*>("mergePerson");
  REQUIRE(merge);
  CHECK(merge->style()->pixelMetric(QStyle::PM_SmallIconSize) >= 32);  // faces large enough to tell apart

  // p1 (the sharp face) merged into p2: p2's card now shows the sharper face.
  people->merge(p2, p1);
  panel.peopleChanged();
  REQUIRE(panel.card(p2));
  CHECK(panel.card(p2)->portraitRevision() == portraits->portrait(p1)->revision);
  CHECK(portraits->portrait(p2)->frame == 2);

  // Without portraits (identities off): no thumbnails.
  panel.setPortraits(nullptr);
  CHECK(panel.card(p2)->portrait().isNull());
}

TEST_CASE("TimelineView: one row per person, named, following later renames and merges", "[gui][parts][people]") {
  gui_app();
  TimelineView timeline;
  timeline.reset(kThree, 10, 25.0);
  // Person 3 on tracks 1 then 2; Alice (5) on track 4; track 7 with no person yet.
  timeline.addRecords({{0, 0.0, {person_face(1, 3), person_face(4, 5, "Alice")}},
                       {1, 40.0, {person_face(2, 3), person_face(7, 0)}},
                       {2, 80.0, {person_face(2, 3)}}});
  CHECK(timeline.faceCount() == 3);
  CHECK(timeline.rowKeys() == std::vector<int>{-7, 3, 5});
  CHECK(timeline.rowNames() == std::vector<QString>{"#7", "P3", "Alice"});
  CHECK(timeline.samples(3) == 3);
  // Track 7's person becomes known: its earlier frames join that person's row.
  timeline.addRecords({{3, 120.0, {person_face(7, 6)}}});
  CHECK(timeline.rowKeys() == std::vector<int>{3, 5, 6});
  CHECK(timeline.samples(6) == 2);

  auto people = std::make_shared<People>(0.5f, 0.44f);
  for (int i = 0; i < 6; ++i) people->add_person(Embedding(128, static_cast<float>(i)));  // persons 1..6
  people->rename(5, "Alice");
  timeline.setPeople(people);
  people->rename(3, "Bob");
  people->merge(5, 6);
  timeline.peopleChanged();
  CHECK(timeline.rowNames() == std::vector<QString>{"Bob", "Alice"});
  CHECK(timeline.samples(5) == 3);
  timeline.resize(600, timeline.heightForWidth(600));
  timeline.show();
  pump_events(50);  // paints without trouble
}

TEST_CASE("SettingsPanel: identities and the known-people file", "[gui][parts][people]") {
  gui_app();
  ModelCatalogue models;
  QString error;
  REQUIRE(models.load(q(test::test_model("tiny.pt")), DeviceChoice::kCpu, &error));
  SettingsPanel panel(models);
  AppSettings start;
  start.detector = DetectorKind::kHaar;
  start.people_gallery = "/somewhere/people.json";
  panel.setSettings(start);
  CHECK(panel.identitiesCheck()->isChecked() == RunOptions{}.identity.enabled);
  CHECK(panel.peopleGalleryEdit()->text() == "/somewhere/people.json");
  QSignalSpy changed(&panel, &SettingsPanel::settingsChanged);
  panel.identitiesCheck()->setChecked(false);
  REQUIRE(changed.count() == 1);
  CHECK_FALSE(panel.settings().identities);
  CHECK_FALSE(panel.peopleGalleryEdit()->isEnabled());
  CHECK_FALSE(panel.settings().sessionConfig().identity.enabled);
  CHECK(panel.settings().sessionConfig().identity.gallery_path == "/somewhere/people.json");
}

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

  // Expression sensitivity: the prior shift, clamped into core's range, stored and handed to the run.
  CHECK(panel.sensitivityCombo()->currentData().toDouble() == 1.0);
  wild = panel.settings();
  wild.neutral_prior = 0.3;  // a hand-edited value gets an item of its own
  REQUIRE(panel.apply(wild));
  CHECK(panel.sensitivityCombo()->currentData().toDouble() == Approx(0.3));
  CHECK(panel.sensitivityCombo()->currentText().contains("0.3"));
  panel.sensitivityCombo()->setCurrentIndex(1);
  emit panel.sensitivityCombo()->activated(1);  // as a user picks it
  CHECK(panel.settings().neutral_prior == 0.5);
  CHECK(changed.last().at(0).value<AppSettings>().sessionConfig().classifier.neutral_prior == 0.5f);
  wild.neutral_prior = 1000;
  REQUIRE(panel.apply(wild));
  CHECK(panel.settings().neutral_prior == Approx(limits::kNeutralPrior.max));

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
  for (int i = 0; i < 2; ++i) {
    REQUIRE(recorder.start(*session, q(root), &error));
    CHECK(recorder.active());
    CHECK(recorder.clockText().startsWith("● REC 00:0"));
    pump_events(700);
    REQUIRE(recorder.stop(*session, &error));
    CHECK_FALSE(recorder.active());
    CHECK(recorder.clockText().isEmpty());
    CHECK(recorder.folder() == QFileInfo(q(root)).absoluteFilePath());
  }
  session->stop();
  REQUIRE(finished.count() == 2);
  CHECK(ticks.count() >= 4);
  const QString first = finished[0][0].toString(), second = finished[1][0].toString();
  REQUIRE(first != second);  // two recordings in one second: both kept (core's next_recording_base)
  for (const QString& base : {first, second}) {
    CHECK(QFileInfo(base).fileName().startsWith("session-"));
    CHECK(fs::file_size(sstr(base) + ".csv") > 0);
    CHECK(fs::file_size(sstr(base) + ".mkv") > 0);
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
  CHECK(config.identity.enabled == RunOptions{}.identity.enabled);      // identities on, as in the CLI
  CHECK(config.identity.gallery_path.empty());                         // known people: opt-in
}
