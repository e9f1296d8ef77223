// MainWindow's batch queue and finished results: File → Open folder…, File →
// Open results… and opening a finished input's results (kept apart from
// main_window.cpp, which holds the rest of the window).
#include <QAction>
#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QUrl>

#include "emoscope/ui/batch_queue.hpp"
#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/main_actions.hpp"
#include "emoscope/ui/main_window.hpp"
#include "emoscope/ui/report_export.hpp"
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

bool MainWindow::openResults(const QString& picked) {
  QString error;
  const std::optional<ResultPaths> paths = locate_results(picked, &error);
  if (!paths) {
    reportError(tr("Open results"), error);
    return false;
  }
  settings_.last_open_dir = QFileInfo(picked).absolutePath();
  return showResults(*paths);
}

bool MainWindow::openBatchResult(const QString& input, const QString& result_dir) {
  return showResults({result_dir + "/frames.csv", result_dir + "/summary.json", input, {}});
}

bool MainWindow::showResults(const ResultPaths& paths) {
  QString error;
  QApplication::setOverrideCursor(Qt::WaitCursor);
  std::optional<ResultFiles> result = read_result_files(paths.csv, paths.summary, &error);
  QApplication::restoreOverrideCursor();
  if (!result) {
    reportError(tr("Open results"), error);
    return false;
  }
  const QString source = result_source(paths, *result);
  QString annotated = paths.annotated_video;
  if (!annotated.isEmpty() && !source.isEmpty() && QFileInfo(annotated).canonicalFilePath() == QFileInfo(source).canonicalFilePath())
    annotated.clear();  // `analyze clip.mp4 --csv clip.csv`: clip.mp4 is the input, not an annotated video
  const QString name = !result->source.isEmpty() ? QFileInfo(result->source).fileName()
                       : !source.isEmpty()       ? QFileInfo(source).fileName()
                                                 : QFileInfo(paths.csv).fileName();
  const QString from = QFileInfo(paths.csv).fileName() == "frames.csv" ? QFileInfo(paths.csv).absolutePath() : paths.csv;
  const long rows_cut = result->rows_cut;
  const bool has_summary = result->has_summary;
  const QString kind = result->kind;
  if (mode() != Mode::kIdle) stopSource();  // the view shows the result now
  sessions_->forgetPeople();                // the last run's people are not this result's
  analysis_->showResult(source, std::move(*result), from, annotated);
  report_input_ = has_summary ? QFileInfo(paths.summary).absoluteFilePath() : QString();
  faces_->setLabels(analysis_->labels());
  showPeople(true);
  frames_shown_ = 0;
  view_->clearFrame();
  seekToFrame(0);  // its first frame, with the faces found in it
  const bool seekable = !view_->frame().isNull();
  QStringList notes;
  if (!seekable) {
    const QString missing =
        !source.isEmpty()    ? tr("%1 cannot be read any more: only its timeline is shown.").arg(source)
        : !annotated.isEmpty() ? tr("The video %1 cannot be read: only the timeline is shown.").arg(annotated)
        : kind == "camera"     ? tr("No video of this recording was found beside %1: only its timeline is shown.").arg(QFileInfo(paths.csv).fileName())
                               : tr("%1 cannot be found any more, and no video was found beside the results: only its timeline is shown.").arg(name);
    view_->setMessage(missing);
    notes << missing;
  }
  if (rows_cut > 0) notes << tr("%1 ends in rows cut short (%2 left out): the run that wrote it may have been stopped abruptly.")
                                 .arg(QFileInfo(paths.csv).fileName()).arg(rows_cut);
  if (!has_summary) notes << tr("No summary was found beside %1: the labels come from its columns.").arg(QFileInfo(paths.csv).fileName());
  last_notice_ = notes.join(' ');
  statusBar()->showMessage(tr("Results of %1, read from %2 (not analysed again).").arg(name, from) + " " +
                               (notes.isEmpty() ? tr("Click the timeline to see any frame.") : last_notice_),
                           15000);
  updateActions();
  return true;
}

// ---------------------------------------------------------------------------
// File → Export report…

void MainWindow::buildReports() {
  reports_ = new ReportExport(this);
  connect(reports_, &ReportExport::finished, this, &MainWindow::onReportFinished);
  report_busy_ = new QProgressBar(this);
  report_busy_->setRange(0, 0);  // busy: write_report tells no progress
  report_busy_->setMaximumWidth(120);
  report_busy_->setAccessibleName(tr("Writing the report"));
  report_busy_->hide();
  statusBar()->addWidget(report_busy_);
}

QString MainWindow::reportInput() const { return QFileInfo(report_input_).isFile() ? report_input_ : QString(); }

bool MainWindow::reportRunning() const { return reports_ && reports_->running(); }

QString MainWindow::defaultReportPath() const {
  const QString input = reportInput();
  if (input.isEmpty()) return settings_.record_dir;
  const QFileInfo summary(input);
  if (!analysis_->filesDir().isEmpty() && summary.absolutePath() == QDir(analysis_->filesDir()).absolutePath())
    return settings_.record_dir + "/" + QFileInfo(analysis_->sourcePath()).completeBaseName() + ".report.html";  // not in the temporary folder
  // As emoscope-cli report names it, so that a study's report links it (a batch input's summary.report.html).
  return summary.absolutePath() + "/" + summary.completeBaseName() + ".report.html";
}

bool MainWindow::exportReport(const QString& out_html, bool replace) {
  const QString input = reportInput();
  QString error;
  if (input.isEmpty()) error = tr("There is nothing to report on yet: analyse a video, record a session or open results first.");
  else if (reportRunning()) error = tr("A report is being written: wait for it to finish.");
  else if (mode() == Mode::kAnalysis) error = tr("Wait for the analysis to finish, or cancel it.");
  else if (out_html.isEmpty()) error = tr("Choose a file for the report.");
  if (error.isEmpty() && !reports_->start(input, out_html, replace, analysis_->holdFiles())) error = tr("The report could not be started.");
  if (!error.isEmpty()) {
    reportError(tr("Export report"), error);
    return false;
  }
  report_busy_->show();
  statusBar()->showMessage(tr("Writing the report %1…").arg(QFileInfo(out_html).fileName()));
  updateActions();
  return true;
}

void MainWindow::onReportFinished(bool ok, const QString& out_html, const QString& message, int people, qulonglong bytes) {
  report_busy_->hide();
  updateActions();
  if (!ok) {
    reportError(tr("Export report"), message);
    emit reportFinished(false, out_html);
    return;
  }
  last_report_ = out_html;
  const QString done = tr("Report written: %1 (people: %2; %3).")
                           .arg(out_html).arg(people).arg(QLocale().formattedDataSize(static_cast<qint64>(bytes)));
  statusBar()->showMessage(message.isEmpty() ? done : done + " " + message, 15000);
  if (options_.interactive_dialogs) {  // non-blocking, as every box of the window
    auto* box = new QMessageBox(QMessageBox::Information, tr("Export report"),
                                message.isEmpty() ? done : done + "\n\n" + message, QMessageBox::Close, this);
    QPushButton* open = box->addButton(tr("Open in browser"), QMessageBox::AcceptRole);
    box->setDefaultButton(open);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(open, &QPushButton::clicked, this, &MainWindow::openReport);
    box->open();
  }
  emit reportFinished(true, out_html);
}

bool MainWindow::openReport() {
  if (last_report_.isEmpty() || !QFileInfo::exists(last_report_)) {
    reportError(tr("Open report"), tr("No report has been written yet."));
    return false;
  }
  const QUrl url = QUrl::fromLocalFile(QFileInfo(last_report_).absoluteFilePath());
  const bool opened = options_.open_url ? options_.open_url(url) : QDesktopServices::openUrl(url);
  if (!opened) reportError(tr("Open report"), tr("No browser could open %1.").arg(last_report_));
  return opened;
}

}  // namespace emoscope::ui
