// BatchQueue: the desktop app's batch queue (File → Open folder…). Every video
// and image of a folder is analysed into an output folder by core's
// run_batch(), the engine and layout of `emoscope-cli batch` (batch.hpp:
// OUT/<key>/frames.csv, summary.json, done.json; OUT/manifest-0of1.jsonl), so
// a folder queued again resumes (finished inputs are skipped) and nothing of
// the user's is overwritten. One row per input: its key, a progress bar of
// frames done of the total, and its status; an overall line; Cancel. A done
// (or skipped) row opens with a double click: openRequested().
// Threads: run_batch() runs on a std::thread of its own and calls the
// observer from its workers; the observer keeps the progress under a mutex and
// posts at most one queued refresh to the UI thread at a time. Every public
// method: UI thread only.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <QString>
#include <QWidget>

#include "emoscope/batch.hpp"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QWidget;

namespace emoscope::ui {

struct AppSettings;

// Where the results of `folder` go unless the user says otherwise: the folder
// they went to last time for this same folder, else a new `<folder>-emoscope`
// beside it.
QString default_batch_output(const QString& folder, const AppSettings& settings);
// Asks for the folder to queue, then for the output folder (default_batch_output(),
// created for the dialog and removed again, if still empty, when not chosen).
// False when the user cancels either dialog.
bool ask_batch_folders(QWidget* parent, const AppSettings& settings, QString* folder, QString* out_dir);

class BatchQueue : public QWidget {
  Q_OBJECT
 public:
  explicit BatchQueue(QWidget* parent = nullptr);
  ~BatchQueue() override;  // cancels the run and waits for it

  // Lists the videos and images under `folder` and starts analysing them into
  // `out_dir` with `run` (the app's settings, source unset), `jobs` at once
  // (0: default_batch_jobs()). False with `error` set when it cannot start: a
  // batch is running, the folder has no videos or images, or inputs clash.
  bool start(const RunOptions& run, const QString& folder, const QString& out_dir, QString* error, int jobs = 0);
  void cancel();  // running inputs stop unfinished (resumed next time), no more start
  bool running() const { return thread_.joinable(); }

  enum class State { kWaiting, kRunning, kDone, kSkipped, kFailed, kInterrupted };
  int rowCount() const { return static_cast<int>(rows_.size()); }
  State state(int row) const { return rows_.at(row).state; }
  QString key(int row) const;
  QString inputPath(int row) const;
  QString resultDir(int row) const;      // OUT/<key>
  QString statusText(int row) const;     // as the row shows it
  QProgressBar* progress(int row) const;
  QString summaryText() const;           // the overall line
  QString outputDir() const { return out_dir_; }
  QTableWidget* table() const { return table_; }
  // A done or skipped row: emits openRequested() and returns true.
  bool openRow(int row);

 signals:
  void openRequested(const QString& input, const QString& result_dir);
  void finished(int done, int skipped, int failed, int interrupted);
  // The whole batch stopped: models that do not load, an output folder that cannot be written.
  void errorOccurred(const QString& title, const QString& message);

 private:
  struct Row {
    BatchInput input;
    State state = State::kWaiting;
    long processed = 0;
    long total = -1;  // frames; -1 unknown
    long frames = 0, persons = 0;
    QString error, warning;
  };
  struct Shared;
  class Observer;
  void refresh();  // the observer's news into the rows (UI thread)
  void onFinished(std::shared_ptr<Result<BatchReport>> report);
  void showRow(int row);
  void showSummary();

  std::vector<Row> rows_;
  QString out_dir_;
  QString fatal_;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<Observer> observer_;
  std::shared_ptr<std::atomic<bool>> stop_;
  std::thread thread_;

  QTableWidget* table_ = nullptr;
  QLabel* summary_ = nullptr;
  QPushButton* open_ = nullptr;
  QPushButton* cancel_ = nullptr;
};

}  // namespace emoscope::ui
