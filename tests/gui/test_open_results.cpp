// File → Open results… and File → Export report… in the real window,
// offscreen: an analysis and a recording of a clip generated here (the
// astronaut drifting), opened again from their files without analysing,
// damaged and partial files refused with a message, and a report written
// through core's write_report. No shared data needed.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QMimeData>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QSignalSpy>
#include <QElapsedTimer>
#include <QTimer>
#include <QUrl>
#include <catch2/catch.hpp>
#include <opencv2/videoio.hpp>

#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/main_actions.hpp"
#include "emoscope/ui/timeline.hpp"
#include "emoscope/ui/tour.hpp"
#include "emoscope/ui/video_view.hpp"
#include "gui_test_support.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using emoscope::ui::MainWindow;
using emoscope::ui::pump_events;
using emoscope::ui::wait_until;
using namespace emoscope::test;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

constexpr int kFrames = 20;

// A clip analysed by the app and exported beside it: DIR/clip.avi and
// DIR/clip-emoscope.{mkv,csv,json}. Returns DIR/clip-emoscope.
std::string analysed_clip(const std::string& name) {
  REQUIRE(fs::exists(kAstronaut));  // python3-skimage (scripts/install-deps.sh): a face to find
  const std::string dir = temp_dir(name);
  write_clip(dir + "/clip.avi", kFrames);
  auto w = make_window("");
  QSignalSpy done(w.get(), &MainWindow::analysisFinished);
  REQUIRE(w->openVideo(q(dir + "/clip.avi")));
  REQUIRE(wait_until([&] { return done.count() > 0; }, 180000));
  REQUIRE(done.at(0).at(0).toBool());
  REQUIRE(w->timeline()->faceCount() == 1);
  REQUIRE(w->exportAnalysis(q(dir)));
  return dir + "/clip-emoscope";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The CSV's first frame number.
long first_frame(const std::string& csv) {
  std::ifstream in(csv);
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  std::size_t comma = row.find(',');
  comma = row.find(',', comma + 1);
  return std::stol(row.substr(comma + 1));
}

void spit(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

// What a window shows of an opened result of analysed_clip().
void check_shown(MainWindow& w, bool with_video) {
  CHECK(w.mode() == MainWindow::Mode::kIdle);  // nothing analysed again
  CHECK(w.analysisDone());
  CHECK(w.analysis()->processed() == kFrames);
  CHECK(w.timeline()->framesSeen() == kFrames);
  CHECK(w.timeline()->totalFrames() == kFrames);
  CHECK(w.timeline()->faceCount() == 1);
  CHECK(w.facePanel()->cardCount() == 1);
  CHECK(w.analysis()->labels() == w.activeModelSpec().labels);
  CHECK_FALSE(w.analysis()->hasFiles());  // nothing to export: the files are where they were
  CHECK(w.videoView()->frame().isNull() == !with_video);
  if (with_video) {
    CHECK(w.seekToFrame(15));
    CHECK(w.lastUpdate().seq == 15);
    CHECK(w.lastUpdate().faces.size() == 1);
  }
}

// Answers the next modal dialog: `answer` gets it once it is open.
// Gives up after 60 s.
void when_dialog(const std::function<void(QWidget*)>& answer) {
  auto* timer = new QTimer(qApp);
  timer->setInterval(20);
  auto ticks = std::make_shared<int>(0);
  QObject::connect(timer, &QTimer::timeout, [timer, answer, ticks] {
    if (++*ticks > 3000) return timer->deleteLater();
    if (QWidget* dialog = QApplication::activeModalWidget()) {
      timer->stop();
      timer->deleteLater();
      answer(dialog);
    }
  });
  timer->start();
}

}  // namespace

TEST_CASE("Open results: an analysis opens from its summary, CSV or video, without analysing again", "[gui][results]") {
  const std::string base = analysed_clip("open-results");
  const std::string dir = fs::path(base).parent_path().string();
  auto w = make_window("");
  CHECK_FALSE(w->actions()->export_report->isEnabled());  // nothing to report on yet
  for (const std::string& picked : {base + ".json", base + ".csv", dir + "/clip.avi", base + ".mkv"}) {
    INFO("picked " << picked);
    REQUIRE(w->openResults(q(picked)));
    check_shown(*w, true);
    CHECK(w->lastNotice().isEmpty());
    CHECK(w->analysis()->sourcePath() == q(dir + "/clip.avi"));  // seeking through the input, annotated anew
    CHECK(w->reportInput() == q(base + ".json"));
    CHECK(w->actions()->export_report->isEnabled());
    CHECK(w->defaultReportPath() == q(base + ".report.html"));
  }

  // A summary dropped on the window opens its results too.
  REQUIRE(w->openVideo(q(dir + "/clip.avi")));
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(q(base + ".json"))});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(w.get(), &enter);
  REQUIRE(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(w.get(), &drop);
  check_shown(*w, true);

  // The input moved away: its frames come from the annotated video beside the results.
  fs::rename(dir + "/clip.avi", dir + "/moved.avi");
  REQUIRE(w->openResults(q(base + ".json")));
  CHECK(w->analysis()->sourcePath().isEmpty());
  check_shown(*w, true);
  CHECK(w->lastNotice().isEmpty());

  // ... and without the annotated video: the timeline and the cards only, and the view says why.
  fs::remove(base + ".mkv");
  REQUIRE(w->openResults(q(base + ".json")));
  check_shown(*w, false);
  CHECK(w->lastNotice().contains("only its timeline is shown"));
  CHECK(w->videoView()->message().contains("clip.avi cannot be found any more"));
  CHECK(w->seekToFrame(5));  // the cursor and the cards follow, the view keeps its message
  CHECK(w->lastUpdate().seq == 5);
  CHECK(w->lastUpdate().faces.size() == 1);
  CHECK(w->videoView()->frame().isNull());
  CHECK(w->videoView()->message().contains("only its timeline is shown"));

  // Cancelling the file dialog changes nothing.
  QSignalSpy errors(w.get(), &MainWindow::errorReported);
  bool asked = false;
  when_dialog([&](QWidget* dialog) {
    asked = qobject_cast<QFileDialog*>(dialog) != nullptr;
    dialog->close();
  });
  w->actions()->open_results->trigger();
  CHECK(asked);
  CHECK(errors.isEmpty());
  CHECK(w->analysis()->processed() == kFrames);
}

TEST_CASE("Open results: damaged, partial and missing files are refused with a message", "[gui][results][badinput]") {
  const std::string base = analysed_clip("open-results-bad");
  const std::string dir = temp_dir("open-results-bad-files");
  const std::string csv = slurp(base + ".csv"), json = slurp(base + ".json");
  REQUIRE(csv.size() > 100);
  auto w = make_window("");
  REQUIRE(w->openResults(q(base + ".json")));
  QSignalSpy errors(w.get(), &MainWindow::errorReported);
  const std::string fifo = dir + "/fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Each set of files beside DIR/<name>.json, and what the message must say.
  struct Case {
    std::string name, json, csv, expected;
  };
  const std::string header_only = csv.substr(0, csv.find('\n') + 1);
  const std::vector<Case> cases = {
      {"half-summary", json.substr(0, json.size() / 2), csv, "damaged or cut short"},
      {"empty-summary", "", csv, "damaged or cut short"},
      {"other-json", "{\"header\": {\"format\": \"something else\"}}", csv, "is not an Emoscope summary"},
      {"no-csv", json, "", "frames file"},
      {"garbage-csv", json, std::string(4000, '\x7f'), "is not an Emoscope frames file"},
      {"empty-csv", json, "\n", "is not an Emoscope frames file"},
      {"header-only-csv", json, header_only, "holds no analysed frame"},
  };
  int expected = 0;
  for (const Case& c : cases) {
    INFO(c.name);
    spit(dir + "/" + c.name + ".json", c.json);
    if (c.name != "no-csv") spit(dir + "/" + c.name + ".csv", c.csv);
    for (const std::string& picked : {dir + "/" + c.name + ".json", dir + "/" + c.name + ".csv"}) {
      if (c.name == "no-csv" && picked.size() > 4 && picked.substr(picked.size() - 4) == ".csv") continue;
      INFO("picked " << picked);
      CHECK_FALSE(w->openResults(q(picked)));
      REQUIRE(errors.count() == ++expected);
      CHECK(errors.back().at(0).toString() == "Open results");
      CHECK(errors.back().at(1).toString().contains(q(c.expected)));
      CHECK(w->analysis()->processed() == kFrames);  // the view keeps what it showed
      CHECK(w->reportInput() == q(base + ".json"));
    }
  }
  for (const auto& [picked, message] : std::vector<std::pair<std::string, std::string>>{
           {dir + "/missing.json", "does not exist"},
           {fifo, "not a regular file"},
           {dir + "/", "holds no Emoscope results"}}) {
    INFO("picked " << picked);
    CHECK_FALSE(w->openResults(q(picked)));  // a FIFO must not block
    REQUIRE(errors.count() == ++expected);
    CHECK(errors.back().at(1).toString().contains(q(message)));
  }
  spit(dir + "/notes.txt", "hello");
  CHECK_FALSE(w->openResults(q(dir + "/notes.txt")));
  CHECK(errors.back().at(1).toString().contains("is not an Emoscope result"));

  // A CSV cut short mid-row (a killed run): what was whole opens, and the status says what was left out.
  const std::size_t last_line = csv.rfind('\n', csv.size() - 2) + 1;
  const std::string cut = csv.substr(0, last_line + (csv.size() - last_line) / 2);  // half the last row's fields
  spit(dir + "/cut.json", json);
  spit(dir + "/cut.csv", cut);
  REQUIRE(w->openResults(q(dir + "/cut.csv")));
  CHECK(w->analysis()->processed() == kFrames - 1);
  CHECK(w->lastNotice().contains("cut.csv ends in rows cut short (1 left out)"));
  // Without its summary: the labels come from the CSV's columns.
  fs::remove(dir + "/cut.json");
  REQUIRE(w->openResults(q(dir + "/cut.csv")));
  CHECK(w->analysis()->labels() == w->activeModelSpec().labels);
  CHECK(w->lastNotice().contains("No summary was found beside cut.csv"));
  CHECK(w->reportInput().isEmpty());  // a report needs the summary
  CHECK_FALSE(w->actions()->export_report->isEnabled());
}

TEST_CASE("Open results: a recording opens with its own annotated video, and can be reported on", "[gui][results][record]") {
  REQUIRE(fs::exists(kAstronaut));
  const std::string dir = temp_dir("open-results-recording");
  write_clip(dir + "/camera.avi", 30);  // 3 s, played live behind the camera interface
  auto w = make_window(dir + "/camera.avi");
  QSignalSpy ended(w.get(), &MainWindow::sourceEnded);
  QSignalSpy recorded(w.get(), &MainWindow::recordingFinished);
  CHECK_FALSE(w->actions()->export_report->isEnabled());
  REQUIRE(w->setRecording(true));
  REQUIRE(wait_until([&] { return ended.count() > 0 && recorded.count() > 0; }, 120000));  // the clip's end ends it
  const std::string base = w->recordingBase().toStdString();
  REQUIRE(fs::exists(base + ".mkv"));
  CHECK(w->reportInput() == q(base + ".json"));
  CHECK(w->actions()->export_report->isEnabled());  // right after the recording
  CHECK(w->defaultReportPath() == q(base + ".report.html"));

  QSignalSpy reported(w.get(), &MainWindow::reportFinished);
  REQUIRE(w->exportReport(w->defaultReportPath()));
  REQUIRE(wait_until([&] { return reported.count() == 1; }, 180000));
  INFO(w->lastError().toStdString());
  CHECK(reported.at(0).at(0).toBool());
  CHECK(q(slurp(base + ".report.html")).contains("id=\"person-P1\""));

  const CsvInfo csv = read_csv(base + ".csv");
  REQUIRE(csv.distinct_frames > 5);
  auto& again = w;  // (a new window would clear the recordings folder)
  REQUIRE(again->openResults(q(base + ".mkv")));  // the camera here is a clip, which is still there: seeked
  CHECK(again->analysis()->sourcePath() == q(dir + "/camera.avi"));
  CHECK(again->analysis()->processed() == csv.distinct_frames);
  CHECK(again->timeline()->faceCount() == 1);
  CHECK_FALSE(again->videoView()->frame().isNull());
  CHECK(again->lastNotice().isEmpty());
  CHECK(again->reportInput() == q(base + ".json"));

  // A real camera cannot be seeked: the frames come from the recording's video, as it was recorded.
  QFile summary(q(base + ".json"));
  REQUIRE(summary.open(QIODevice::ReadOnly));
  QJsonObject root = QJsonDocument::fromJson(summary.readAll()).object();
  summary.close();
  QJsonObject header = root.value("header").toObject();
  header["source"] = QJsonObject{{"kind", "camera"}, {"name", "camera 0"}};
  root["header"] = header;
  REQUIRE(summary.open(QIODevice::WriteOnly | QIODevice::Truncate));
  summary.write(QJsonDocument(root).toJson());
  summary.close();
  REQUIRE(again->openResults(q(base + ".json")));
  CHECK(again->analysis()->sourcePath().isEmpty());
  CHECK(again->analysis()->processed() == csv.distinct_frames);
  CHECK(again->timeline()->faceCount() == 1);
  CHECK(again->facePanel()->cardCount() == 1);
  CHECK(again->lastNotice().isEmpty());
  // Frame 15 is the video's 15th from the recording's first (the first CSV row's frame).
  REQUIRE(again->seekToFrame(15));
  REQUIRE(again->lastUpdate().seq == 15);
  cv::VideoCapture video(base + ".mkv", cv::CAP_FFMPEG);
  cv::Mat frame;
  std::vector<QImage> frames;
  while (video.read(frame)) frames.push_back(emoscope::ui::to_qimage(frame).copy());
  const long first_seq = first_frame(base + ".csv");
  REQUIRE(frames.size() > static_cast<std::size_t>(15 - first_seq));
  CHECK(again->videoView()->frame() == frames[15 - first_seq]);
  CHECK_FALSE(again->videoView()->frame() == frames[13 - first_seq]);

  // Without its video: the timeline, and the reason.
  fs::remove(base + ".mkv");
  REQUIRE(again->openResults(q(base + ".json")));
  CHECK(again->videoView()->frame().isNull());
  CHECK(again->lastNotice().contains("No video of this recording was found"));
}

TEST_CASE("Export report: enabled with results, asks for the file, writes it off the UI thread", "[gui][results][report]") {
  const std::string base = analysed_clip("export-report");
  auto w = make_window("");
  QSignalSpy errors(w.get(), &MainWindow::errorReported);
  QSignalSpy finished(w.get(), &MainWindow::reportFinished);
  CHECK_FALSE(w->actions()->export_report->isEnabled());
  CHECK_FALSE(w->exportReport(q(base + ".report.html")));  // nothing to report on
  REQUIRE(errors.count() == 1);
  CHECK(errors.back().at(1).toString().contains("nothing to report on"));
  CHECK_FALSE(w->openReport());
  REQUIRE(errors.count() == 2);

  REQUIRE(w->openResults(q(base + ".csv")));
  REQUIRE(w->actions()->export_report->isEnabled());

  // The save dialog proposes <stem>.report.html beside the summary; cancelling it writes nothing.
  QString proposed;
  when_dialog([&](QWidget* dialog) {
    if (auto* files = qobject_cast<QFileDialog*>(dialog)) proposed = files->selectedFiles().value(0);
    dialog->close();
  });
  w->actions()->export_report->trigger();
  CHECK(proposed == q(base + ".report.html"));
  pump_events(200);
  CHECK(finished.isEmpty());
  CHECK(errors.count() == 2);
  CHECK_FALSE(fs::exists(base + ".report.html"));

  // An existing file is not replaced without the user's word (replace = false).
  const std::string mine = fs::path(base).parent_path().string() + "/mine.html";
  spit(mine, "the user's");
  REQUIRE(w->exportReport(q(mine)));
  REQUIRE(wait_until([&] { return finished.count() == 1; }, 120000));
  CHECK_FALSE(finished.back().at(0).toBool());
  REQUIRE(errors.count() == 3);
  CHECK(errors.back().at(0).toString() == "Export report");
  CHECK(slurp(mine) == "the user's");
  CHECK(w->actions()->export_report->isEnabled());  // ready for another try
  CHECK_FALSE(w->reportRunning());
}

TEST_CASE("Export report: the page names each person, replaces a file only when asked, and opens in the browser",
          "[gui][results][report]") {
  const std::string base = analysed_clip("export-report-written");
  std::vector<QUrl> urls;
  auto w = make_window("", [&](emoscope::ui::MainWindowOptions& o) {
    o.open_url = [&urls](const QUrl& url) {
      urls.push_back(url);
      return true;
    };
  });
  QSignalSpy errors(w.get(), &MainWindow::errorReported);
  QSignalSpy finished(w.get(), &MainWindow::reportFinished);
  REQUIRE(w->openResults(q(base + ".json")));
  const std::string html = base + ".report.html";
  REQUIRE(w->exportReport(q(html)));
  CHECK(w->reportRunning());
  CHECK_FALSE(w->actions()->export_report->isEnabled());  // one report at a time
  CHECK_FALSE(w->exportReport(q(base + ".second.html")));
  REQUIRE(errors.count() == 1);
  CHECK(errors.back().at(1).toString().contains("being written"));
  REQUIRE(wait_until([&] { return finished.count() == 1; }, 180000));
  INFO(w->lastError().toStdString());
  REQUIRE(finished.at(0).at(0).toBool());
  CHECK(errors.count() == 1);
  CHECK_FALSE(w->reportRunning());
  CHECK(w->actions()->export_report->isEnabled());
  REQUIRE(fs::exists(html));
  CHECK_FALSE(fs::exists(base + ".second.html"));
  const QString page = q(slurp(html));
  QFile summary(q(base + ".json"));
  REQUIRE(summary.open(QIODevice::ReadOnly));
  const QJsonArray people = QJsonDocument::fromJson(summary.readAll()).object().value("people").toArray();
  REQUIRE(people.size() == 1);
  // One section per person, named as the app names them (P<id> when unnamed).
  CHECK(page.count("<section class=\"person\"") == people.size());
  for (const QJsonValue& person : people)
    CHECK(page.contains(QString("id=\"person-P%1\"").arg(person.toObject().value("id").toInt())));
  CHECK(w->lastReport() == q(html));
  CHECK(w->openReport());
  REQUIRE(urls.size() == 1);
  CHECK(urls[0] == QUrl::fromLocalFile(q(html)));

  // Through the menu: the save dialog proposes the same file; it exists, so the dialog asks before replacing it.
  spit(html, "an older report");
  bool asked_to_replace = false;
  when_dialog([&](QWidget* dialog) {
    auto* files = qobject_cast<QFileDialog*>(dialog);
    REQUIRE(files);
    CHECK(files->selectedFiles().value(0) == q(html));
    when_dialog([&](QWidget* confirm) {
      auto* box = qobject_cast<QMessageBox*>(confirm);
      asked_to_replace = box && box->button(QMessageBox::Yes);
      if (asked_to_replace) box->button(QMessageBox::Yes)->click();
      else confirm->close();
    });
    QMetaObject::invokeMethod(files, "accept", Qt::DirectConnection);  // a protected slot
  });
  w->actions()->export_report->trigger();
  CHECK(asked_to_replace);
  REQUIRE(wait_until([&] { return finished.count() == 2; }, 180000));
  CHECK(finished.at(1).at(0).toBool());
  CHECK(slurp(html) != "an older report");
  CHECK(errors.count() == 1);
}

TEST_CASE("Export report after an analysis in the app: its temporary files stay until the report is written",
          "[gui][results][report]") {
  REQUIRE(fs::exists(kAstronaut));
  const std::string dir = temp_dir("export-report-analysis");
  write_clip(dir + "/clip.avi", kFrames);
  auto w = make_window("");
  QSignalSpy done(w.get(), &MainWindow::analysisFinished);
  QSignalSpy reported(w.get(), &MainWindow::reportFinished);
  REQUIRE(w->openVideo(q(dir + "/clip.avi")));
  CHECK_FALSE(w->actions()->export_report->isEnabled());  // not while it runs
  REQUIRE(wait_until([&] { return done.count() == 1; }, 180000));
  REQUIRE(w->actions()->export_report->isEnabled());
  const QString files = w->analysisFilesDir();
  CHECK(w->reportInput() == files + "/analysis.json");
  // Proposed in the recordings folder, not in the temporary one.
  CHECK(w->defaultReportPath() == w->settings().record_dir + "/clip.report.html");
  const std::string html = dir + "/clip.report.html";
  REQUIRE(w->exportReport(q(html)));
  REQUIRE(w->openVideo(q(dir + "/clip.avi")));  // a new analysis replaces the temporary folder the report reads
  CHECK(w->reportInput().isEmpty());
  REQUIRE(wait_until([&] { return reported.count() == 1 && done.count() == 2; }, 180000));
  INFO(w->lastError().toStdString());
  CHECK(reported.at(0).at(0).toBool());
  const QString page = q(slurp(html));
  CHECK(page.contains("id=\"person-P1\""));
  CHECK(page.contains("clip.avi"));  // the source, from the summary's header
  CHECK_FALSE(QFileInfo::exists(files));  // released once written
  CHECK(w->reportInput() == w->analysisFilesDir() + "/analysis.json");
}

TEST_CASE("Export report: once written, a box offers to open it in the browser", "[gui][results][report]") {
  const std::string base = analysed_clip("export-report-offer");
  std::vector<QUrl> urls;
  auto w = make_window("", [&](emoscope::ui::MainWindowOptions& o) {
    o.interactive_dialogs = true;  // the box is the point here
    o.open_url = [&urls](const QUrl& url) {
      urls.push_back(url);
      return true;
    };
  });
  QSignalSpy finished(w.get(), &MainWindow::reportFinished);
  REQUIRE(w->openResults(q(base + ".json")));
  REQUIRE(w->exportReport(q(base + ".report.html")));
  REQUIRE(wait_until([&] { return finished.count() == 1; }, 180000));
  REQUIRE(finished.at(0).at(0).toBool());
  QMessageBox* offer = nullptr;
  REQUIRE(wait_until([&] {
    for (QMessageBox* box : w->findChildren<QMessageBox*>())
      if (box->isVisible()) offer = box;
    return offer != nullptr;
  }, 10000));
  CHECK(offer->text().contains(q(base + ".report.html")));
  QAbstractButton* open = nullptr;
  for (QAbstractButton* button : offer->buttons())
    if (button->text() == "Open in browser") open = button;
  REQUIRE(open);
  CHECK(urls.empty());
  open->click();
  REQUIRE(urls.size() == 1);
  CHECK(urls[0] == QUrl::fromLocalFile(q(base + ".report.html")));
}

// A measurement, not a check (hidden: run with "[.measure]"): how long the app takes to write a
// report of the Hamilton clip's analysis, and the longest the UI thread went without serving a
// 5 ms timer meanwhile; then how long opening those results takes.
TEST_CASE("measure: writing a report keeps the UI thread free", "[.measure]") {
  REQUIRE_SHARED_DATA();
  const std::string clip = hamilton_clip();
  auto w = make_window("");
  QSignalSpy done(w.get(), &MainWindow::analysisFinished);
  QSignalSpy finished(w.get(), &MainWindow::reportFinished);
  REQUIRE(w->openVideo(q(clip)));
  REQUIRE(wait_until([&] { return done.count() > 0; }, 600000));
  const std::string out = temp_dir("measure-report") + "/r.html";
  QElapsedTimer t;
  t.start();
  qint64 last = 0, worst = 0;
  QTimer tick;
  tick.setInterval(5);
  QObject::connect(&tick, &QTimer::timeout, [&] {
    const qint64 now = t.elapsed();
    worst = std::max(worst, now - last);
    last = now;
  });
  tick.start();
  REQUIRE(w->exportReport(q(out)));
  REQUIRE(wait_until([&] { return finished.count() == 1; }, 600000));
  const qint64 total = t.elapsed();
  REQUIRE(finished.at(0).at(0).toBool());
  std::printf("report of %s: %lld ms, longest UI-thread gap %lld ms, %lld bytes\n", clip.c_str(), static_cast<long long>(total),
              static_cast<long long>(worst), static_cast<long long>(fs::file_size(out)));
  QElapsedTimer o;
  o.start();
  REQUIRE(w->openResults(w->analysisFilesDir() + "/analysis.json"));
  std::printf("opening its results: %lld ms\n", static_cast<long long>(o.elapsed()));
}
