// The batch queue (File → Open folder…) in the real window, offscreen: a
// folder of tiny clips generated here, an image and a broken file, analysed
// with core's run_batch() into the CLI's layout, then a result opened in the
// analysis view. No shared data needed.
#include <filesystem>
#include <fstream>
#include <string>

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "emoscope/ui/batch_queue.hpp"
#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/main_actions.hpp"
#include "emoscope/ui/result_files.hpp"
#include "emoscope/ui/settings.hpp"
#include "emoscope/ui/timeline.hpp"
#include "emoscope/ui/tour.hpp"
#include "emoscope/ui/video_view.hpp"
#include "gui_test_support.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using emoscope::ui::BatchQueue;
using emoscope::ui::wait_until;
using namespace emoscope::test;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

int row_of(const BatchQueue& queue, const QString& key) {
  for (int row = 0; row < queue.rowCount(); ++row)
    if (queue.key(row) == key) return row;
  return -1;
}

int summary_detect_every(const std::string& path) {
  QFile f(q(path));
  if (!f.open(QIODevice::ReadOnly)) return -1;
  const QJsonObject header = QJsonDocument::fromJson(f.readAll()).object().value("header").toObject();
  return header.value("processing").toObject().value("detect_every").toInt(-1);
}

long lines_in(const std::string& path) {
  std::ifstream in(path);
  long n = 0;
  for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
  return n;
}

}  // namespace

TEST_CASE("Open folder: one row per input, per-file progress, the CLI's layout, and a result opens", "[gui][batch]") {
  const std::string in = temp_dir("batch-in");
  write_clip(in + "/a.avi", 12);
  write_clip(in + "/b.avi", 8);
  fs::create_directories(in + "/sub");
  cv::imwrite(in + "/sub/c.png", face_picture());
  std::ofstream(in + "/broken.mp4") << "not a video at all";
  const std::string out = temp_dir("batch-out") + "/results";  // run_batch creates it

  auto w = make_window("");
  emoscope::ui::AppSettings settings = w->settings();
  settings.detect_every = 3;  // the batch runs with the window's settings, as an opened video does
  REQUIRE(w->applySettings(settings));
  BatchQueue* queue = w->batchQueue();
  REQUIRE(queue != nullptr);
  CHECK_FALSE(w->batchDock()->isVisible());
  bool open_folder = false, view_queue = false;  // File → Open folder… (it asks for the folders, then calls openFolder())
  for (QAction* action : w->findChildren<QAction*>()) {
    open_folder |= action->text() == "Open folder…" && action->isEnabled();
    view_queue |= action == w->batchDock()->toggleViewAction() && action->text() == "Batch queue";
  }
  CHECK(open_folder);
  CHECK(view_queue);
  QSignalSpy finished(queue, &BatchQueue::finished);
  REQUIRE(w->openFolder(q(in), q(out)));
  CHECK(w->batchDock()->isVisible());
  REQUIRE(queue->rowCount() == 4);
  CHECK(queue->key(0) == "a");  // sorted by key, as the CLI's manifest
  const int a = row_of(*queue, "a"), b = row_of(*queue, "b"), c = row_of(*queue, "sub/c"), broken = row_of(*queue, "broken");
  REQUIRE(a >= 0);
  REQUIRE(b >= 0);
  REQUIRE(c >= 0);
  REQUIRE(broken >= 0);
  CHECK(queue->table()->rowCount() == 4);
  CHECK_FALSE(w->openFolder(q(in), q(out)));  // one batch at a time
  CHECK(w->lastError().contains("already running"));

  REQUIRE(wait_until([&] { return finished.count() == 1; }, 180000));
  CHECK_FALSE(queue->running());
  for (int row : {a, b, c}) {
    INFO(queue->key(row).toStdString() << ": " << queue->statusText(row).toStdString());
    CHECK(queue->state(row) == BatchQueue::State::kDone);
    CHECK(queue->statusText(row).startsWith("done"));
    CHECK(queue->progress(row)->value() == queue->progress(row)->maximum());
    CHECK(fs::exists(out + "/" + queue->key(row).toStdString() + "/frames.csv"));
    CHECK(fs::exists(out + "/" + queue->key(row).toStdString() + "/summary.json"));
    CHECK(fs::exists(out + "/" + queue->key(row).toStdString() + "/done.json"));
  }
  CHECK(queue->progress(a)->maximum() == 12);
  CHECK(queue->progress(b)->maximum() == 8);
  CHECK(queue->state(broken) == BatchQueue::State::kFailed);
  CHECK(queue->statusText(broken).startsWith("failed: "));
  CHECK(queue->statusText(broken).size() > QString("failed: ").size() + 5);  // with the reason
  CHECK_FALSE(fs::exists(out + "/broken"));
  CHECK(lines_in(out + "/manifest-0of1.jsonl") == 4);
  CHECK(queue->summaryText().startsWith("3 of 4 done, 1 failed"));
  CHECK(queue->outputDir() == q(out));
  REQUIRE(finished.at(0).at(0).toInt() == 3);  // done, skipped, failed, interrupted
  CHECK(finished.at(0).at(2).toInt() == 1);
  CHECK(json_frames(out + "/a/summary.json") == 12);
  CHECK(summary_detect_every(out + "/a/summary.json") == 3);

  // The output folder is offered again for the same folder; another gets a new one beside it.
  const emoscope::ui::AppSettings saved = emoscope::ui::AppSettings::load();
  CHECK(emoscope::ui::default_batch_output(q(in), saved) == q(out));
  CHECK(emoscope::ui::default_batch_output("/data/clips/", saved) == "/data/clips-emoscope");

  // A done row opens in the analysis view, read back from its files.
  CHECK_FALSE(queue->openRow(broken));
  QSignalSpy opened(queue, &BatchQueue::openRequested);
  const QRect cell = queue->table()->visualItemRect(queue->table()->item(a, 0));
  QTest::mouseClick(queue->table()->viewport(), Qt::LeftButton, {}, cell.center());  // a double click's first press
  QTest::mouseDClick(queue->table()->viewport(), Qt::LeftButton, {}, cell.center());
  REQUIRE(opened.count() == 1);
  QPushButton* open_button = nullptr;
  for (QPushButton* button : queue->findChildren<QPushButton*>())
    if (button->text() == "Open result") open_button = button;
  REQUIRE(open_button != nullptr);
  CHECK(open_button->isEnabled());  // the selected row is done
  CHECK(opened.at(0).at(0).toString() == queue->inputPath(a));
  CHECK(w->mode() == emoscope::ui::MainWindow::Mode::kIdle);
  CHECK(w->analysisDone());
  CHECK(w->analysis()->sourcePath() == queue->inputPath(a));
  CHECK(w->analysis()->processed() == 12);
  CHECK(w->timeline()->framesSeen() == 12);
  CHECK(w->timeline()->totalFrames() == 12);
  CHECK(w->analysis()->labels() == w->activeModelSpec().labels);
  CHECK_FALSE(w->analysis()->hasFiles());  // nothing to export: the files are in the output folder
  CHECK(w->actions()->export_report->isEnabled());  // a report of it can be made, named as emoscope-cli report names it
  CHECK(w->defaultReportPath() == queue->resultDir(a) + "/summary.report.html");
  CHECK_FALSE(w->videoView()->frame().isNull());  // its first frame, seeked in the input
  CHECK(w->timeline()->faceCount() == (fs::exists(kAstronaut) ? 1 : 0));  // the astronaut; a gradient has none
  CHECK(w->facePanel()->cardCount() == w->timeline()->faceCount());
  CHECK(w->seekToFrame(7));
  CHECK(w->lastUpdate().seq == 7);
  CHECK_FALSE(w->renamePerson(1, "Ann"));  // people read from files cannot be edited
  // An image's result opens too.
  REQUIRE(queue->openRow(c));
  CHECK(w->analysis()->processed() == 1);
  CHECK_FALSE(w->videoView()->frame().isNull());

  // Queued again: finished inputs are skipped (resumed), the broken one fails again.
  finished.clear();
  REQUIRE(w->openFolder(q(in), q(out)));
  REQUIRE(wait_until([&] { return finished.count() == 1; }, 120000));
  for (int row : {a, b, c}) CHECK(queue->state(row) == BatchQueue::State::kSkipped);
  CHECK(queue->statusText(a) == "skipped: already done");
  CHECK(queue->state(broken) == BatchQueue::State::kFailed);
  CHECK(queue->summaryText().startsWith("3 of 4 done (3 already done before), 1 failed"));
  CHECK(lines_in(out + "/manifest-0of1.jsonl") == 8);
  CHECK(queue->openRow(b));  // a skipped row's results open as well
  CHECK(w->analysis()->processed() == 8);

  // A folder there that is not a batch result is never touched: that input fails alone.
  const std::string other = temp_dir("batch-other");
  fs::create_directories(other + "/a");
  std::ofstream(other + "/a/mine.txt") << "the user's";
  finished.clear();
  REQUIRE(w->openFolder(q(in), q(other)));
  REQUIRE(wait_until([&] { return finished.count() == 1; }, 180000));
  CHECK(queue->state(a) == BatchQueue::State::kFailed);
  CHECK(queue->statusText(a).contains("not a batch result"));
  CHECK(fs::exists(other + "/a/mine.txt"));
  CHECK_FALSE(fs::exists(other + "/a/frames.csv"));
  CHECK(queue->state(b) == BatchQueue::State::kDone);
}

TEST_CASE("the batch queue: Cancel stops the running inputs, which stay unfinished", "[gui][batch]") {
  const std::string in = temp_dir("batch-cancel-in");
  write_clip(in + "/long1.avi", 400);
  write_clip(in + "/long2.avi", 400);
  write_clip(in + "/long3.avi", 400);
  const std::string out = temp_dir("batch-cancel-out");
  auto w = make_window("");
  BatchQueue* queue = w->batchQueue();
  QSignalSpy finished(queue, &BatchQueue::finished);
  REQUIRE(w->openFolder(q(in), q(out)));
  // Per-file progress: a running row counts its frames of the total.
  REQUIRE(wait_until([&] {
    for (int row = 0; row < queue->rowCount(); ++row)
      if (queue->state(row) == BatchQueue::State::kRunning && queue->progress(row)->value() > 0) return true;
    return false;
  }, 60000));
  int running = -1;
  for (int row = 0; row < queue->rowCount() && running < 0; ++row)
    if (queue->state(row) == BatchQueue::State::kRunning) running = row;
  REQUIRE(running >= 0);
  CHECK(queue->progress(running)->maximum() == 400);
  CHECK(queue->statusText(running) == "running");
  queue->cancel();
  REQUIRE(wait_until([&] { return finished.count() == 1; }, 30000));
  CHECK_FALSE(queue->running());
  CHECK(finished.at(0).at(3).toInt() >= 1);  // interrupted
  CHECK(queue->state(running) == BatchQueue::State::kInterrupted);
  CHECK(queue->statusText(running).startsWith("cancelled"));
  CHECK_FALSE(fs::exists(out + "/" + queue->key(running).toStdString() + "/done.json"));
  CHECK_FALSE(queue->openRow(running));
  CHECK(queue->summaryText().contains("cancelled"));
}

TEST_CASE("the batch queue refuses a folder without videos or images, and a missing folder", "[gui][batch]") {
  auto w = make_window("");
  const std::string empty = temp_dir("batch-empty");
  std::ofstream(empty + "/notes.txt") << "no media here";
  CHECK_FALSE(w->openFolder(q(empty), q(empty + "-emoscope")));
  CHECK(w->lastError().contains("has no videos or images"));
  CHECK_FALSE(w->openFolder(q(empty + "/nowhere"), q(empty + "-emoscope")));
  CHECK(w->lastError().contains("is not a folder"));
  CHECK(w->batchQueue()->rowCount() == 0);
  CHECK_FALSE(fs::exists(empty + "-emoscope"));
}

TEST_CASE("result files: CSV rows with quoted fields, read back as the analysis view's records", "[gui][batch]") {
  const std::string text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\nnext,\"two\nlines\",\n";
  std::size_t pos = 0;
  CHECK(emoscope::ui::next_csv_row(text, pos) == std::vector<std::string>{"a", "b,c", "say \"hi\""});
  CHECK(emoscope::ui::next_csv_row(text, pos) == std::vector<std::string>{"next", "two\nlines", ""});
  CHECK(pos == text.size());

  const std::string dir = temp_dir("result-files");
  std::ofstream(dir + "/frames.csv")
      << "time_ms,time_s,frame,image,success,face_id,person_id,person,x,y,w,h,label,confidence,detected,classified,"
         "face_score,p_happy,p_neutral\n"
      << "0.0,0.0000,0,,1,1,2,\"Smith, Ann\",10,20,30,40,neutral,0.7000,1,1,0.9000,0.3000,0.7000\n"
      << "40.0,0.0400,1,,0,,,,,,,,,,0,,,,\n"
      << "80.0,0.0800,2,,1,1,2,\"Smith, Ann\",11,20,30,40,happy,0.6000,0,1,0.9000,0.6000,0.4000\n";
  QString error;
  const auto result = emoscope::ui::read_result_files(q(dir + "/frames.csv"), q(dir + "/summary.json"), &error);
  REQUIRE(result);
  CHECK(result->labels == std::vector<std::string>{"happy", "neutral"});  // no summary: from the p_ columns
  REQUIRE(result->records.size() == 3);
  CHECK(result->frame_count == 3);
  CHECK(result->records[1].faces.empty());
  CHECK(result->records[1].pos_ms == 40.0);
  const emoscope::TrackedFace& face = result->records[2].faces.at(0);
  CHECK(face.person_id == 2);
  CHECK(face.person_name == "Smith, Ann");
  CHECK(face.label == 0);
  CHECK(face.confidence == Approx(0.6f));
  CHECK(face.box.x == 11.0f);
  CHECK(face.smoothed == std::vector<float>{0.6f, 0.4f});
  CHECK_FALSE(face.detected);
  CHECK_FALSE(emoscope::ui::read_result_files(q(dir + "/none.csv"), {}, &error));
  CHECK(error.contains("none.csv"));
}
