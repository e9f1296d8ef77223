// MainWindow's batch queue: File → Open folder… and opening a finished input's
// results (kept apart from main_window.cpp, which holds the rest of the window).
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenu>
#include <QStatusBar>

#include "emoscope/ui/batch_queue.hpp"
#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/main_actions.hpp"
#include "emoscope/ui/main_window.hpp"
#include "emoscope/ui/result_files.hpp"
#include "emoscope/ui/video_view.hpp"

namespace emoscope::ui {

void MainWindow::buildBatchDock() {
  batch_dock_ = new QDockWidget(tr("Batch queue"), this);
  batch_dock_->setObjectName("batchDock");
  batch_ = new BatchQueue(batch_dock_);
  batch_dock_->setWidget(batch_);
  addDockWidget(Qt::BottomDockWidgetArea, batch_dock_);
  batch_dock_->hide();  // until a folder is queued; View → Batch queue shows it
  batch_dock_->toggleViewAction()->setText(tr("Batch queue"));
  actions_->view->addAction(batch_dock_->toggleViewAction());
  connect(batch_, &BatchQueue::openRequested, this, &MainWindow::openBatchResult);
  connect(batch_, &BatchQueue::errorOccurred, this, &MainWindow::reportError);
  connect(batch_, &BatchQueue::finished, this, [this] { statusBar()->showMessage(batch_->summaryText().section('\n', 0, 0), 15000); });
}

bool MainWindow::openFolder(const QString& folder, const QString& out_dir) {
  QString error = models_->hasModel() ? QString() : tr("No emotion model is loaded. Choose one in Settings → Emotion model.");
  SessionConfig run = sessions_->config({}, /*live=*/false);  // the settings an opened video runs with
  run.mirror.reset();
  if (error.isEmpty() && batch_->start(run, folder, out_dir, &error)) {
    settings_.batch_input_dir = QDir(folder).absolutePath();
    settings_.last_open_dir = QFileInfo(settings_.batch_input_dir).absolutePath();  // where that folder is
    settings_.batch_output_dir = batch_->outputDir();
    settings_.save();
    batch_dock_->show();
    batch_dock_->raise();
    statusBar()->showMessage(tr("Analysing %1 files of %2 into %3").arg(batch_->rowCount()).arg(folder, batch_->outputDir()), 10000);
    return true;
  }
  reportError(tr("Open folder"), error);
  return false;
}

bool MainWindow::openBatchResult(const QString& input, const QString& result_dir) {
  QString error;
  QApplication::setOverrideCursor(Qt::WaitCursor);
  std::optional<ResultFiles> result = read_result_files(result_dir + "/frames.csv", result_dir + "/summary.json", &error);
  QApplication::restoreOverrideCursor();
  if (!result) {
    reportError(tr("Open result"), error);
    return false;
  }
  if (mode() != Mode::kIdle) stopSource();  // the view shows the result now
  sessions_->forgetPeople();                // the last run's people are not this result's
  analysis_->showResult(input, std::move(*result), result_dir);
  faces_->setLabels(analysis_->labels());
  showPeople(true);
  frames_shown_ = 0;
  view_->clearFrame();
  const QString name = QFileInfo(input).fileName();
  const bool seekable = seekToFrame(0);  // its first frame, with the faces found in it
  if (!seekable) view_->setMessage(tr("%1 cannot be read any more: only its timeline is shown.").arg(input));
  statusBar()->showMessage(seekable ? tr("Results of %1, read from %2 (not analysed again). Click the timeline to see any frame.")
                                          .arg(name, result_dir)
                                    : tr("Results of %1, read from %2: %1 cannot be read any more, so only the timeline is shown.")
                                          .arg(name, result_dir),
                           15000);
  updateActions();
  return true;
}

}  // namespace emoscope::ui
