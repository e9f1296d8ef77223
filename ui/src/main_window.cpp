#include "emoscope/ui/main_window.hpp"

#include <algorithm>

#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

#include "emoscope/frame_source.hpp"
#include "emoscope/ui/analysis_controller.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/main_actions.hpp"
#include "emoscope/ui/model_catalogue.hpp"
#include "emoscope/ui/person_names.hpp"
#include "emoscope/ui/recording_controller.hpp"
#include "emoscope/ui/settings_panel.hpp"
#include "emoscope/ui/status_fields.hpp"
#include "emoscope/ui/timeline.hpp"
#include "emoscope/ui/video_view.hpp"
#include "emoscope/ui/window_geometry.hpp"
#include "emoscope/version.hpp"

namespace emoscope::ui {

MainWindow::MainWindow(MainWindowOptions options, QWidget* parent)
    : QMainWindow(parent), options_(std::move(options)), settings_(AppSettings::load()) {
  setWindowTitle("Emoscope");
  // A chosen YuNet file that has gone away: back to the shipped one.
  if (!settings_.yunet_model.isEmpty() && !QFileInfo::exists(settings_.yunet_model)) settings_.yunet_model.clear();
  mirror_->store(settings_.mirror_camera);
  models_ = new ModelCatalogue(this);
  recorder_ = new RecordingController(this);
  actions_ = new MainActions(*this, {[this] { return settings_; }, [this] { return namedPeople(); },
                                     [this] { return defaultReportPath(); }});
  connectActions();
  buildLayout();
  sessions_ = new SessionController(*models_, *recorder_, *analysis_, this);
  sessions_->configure([this](SessionConfig& c) {
    c = settings_.sessionConfig();
    c.mirror = mirror_;
  });
  connect(sessions_, &SessionController::frameReady, this, &MainWindow::onFrame);
  connect(sessions_, &SessionController::runEnded, this, &MainWindow::onRunEnded);
  connect(view_, &VideoView::resized, sessions_, &SessionController::setDisplaySize);
  connect(models_, &ModelCatalogue::activeModelChanged, this, [this] {
    status_->setDevice(models_->deviceName());
    if (mode() == Mode::kIdle) faces_->setLabels(models_->activeSpec().labels);
    if (mode() == Mode::kLive && !recording()) {  // switch the running camera over
      sessions_->stop();
      startLive();
    }
  });
  QString error;
  if (!models_->loadPreferred(settings_.model_path, settings_.device, &error)) {
    last_error_ = tr("No emotion model loaded: %1").arg(error);
    statusBar()->showMessage(last_error_);
  }
  settings_panel_->setSettings(settings_);
  faces_->setMinConfidence(static_cast<float>(settings_.min_confidence));
  refreshCameras();
  setAcceptDrops(true);
  restore_window_geometry(*this, "window/geometry", 1280, 800);
}

MainWindow::~MainWindow() {
  delete sessions_;  // stops the run and finalises its files while the controllers still exist
  sessions_ = nullptr;
  settings_.save();
}

void MainWindow::connectActions() {
  MainActions* a = actions_;
  connect(a, &MainActions::startStopRequested, this, &MainWindow::toggleStartStop);
  connect(a, &MainActions::pauseToggled, this, &MainWindow::setPaused);
  connect(a, &MainActions::recordToggled, this, [this](bool on) { setRecording(on); });
  connect(a, &MainActions::snapshotRequested, this, [this] { saveSnapshot(); });
  connect(a, &MainActions::openVideoRequested, this, [this](const QString& path) { openVideo(path); });
  connect(a, &MainActions::openImageRequested, this, [this](const QString& path) { openImage(path); });
  connect(a, &MainActions::openFolderRequested, this,
          [this](const QString& folder, const QString& out_dir) { openFolder(folder, out_dir); });
  connect(a, &MainActions::openResultsRequested, this, [this](const QString& path) { openResults(path); });
  connect(a, &MainActions::exportReportRequested, this, [this](const QString& path) { exportReport(path, /*replace=*/true); });
  connect(a, &MainActions::openModelRequested, this, [this](const QString& path) { loadModel(path); });
  connect(a, &MainActions::exportRequested, this, [this](const QString& dir) { exportAnalysis(dir); });
  connect(a, &MainActions::savePeopleRequested, this, [this](const QString& path) { savePeople(path); });
  connect(a, &MainActions::presentationToggled, this, &MainWindow::setPresentation);
  connect(a, &MainActions::mirrorToggled, this, &MainWindow::setMirror);
  connect(a, &MainActions::aboutRequested, this, &MainWindow::showAbout);
  connect(a, &MainActions::refreshCamerasRequested, this, &MainWindow::refreshCameras);
}

void MainWindow::buildLayout() {
  auto* centre = new QWidget(this);
  auto* v = new QVBoxLayout(centre);
  v->setContentsMargins(4, 4, 4, 4);
  view_ = new VideoView(centre);
  v->addWidget(view_, 1);
  analysis_ = new AnalysisController(options_.interactive_dialogs, centre);
  analysis_->setVisible(false);
  v->addWidget(analysis_);
  setCentralWidget(centre);
  connect(analysis_, &AnalysisController::pauseToggled, this, &MainWindow::setPaused);
  connect(analysis_, &AnalysisController::cancelRequested, this, &MainWindow::cancelAnalysis);
  connect(analysis_, &AnalysisController::exportRequested, actions_->export_analysis, &QAction::trigger);
  connect(analysis_, &AnalysisController::seekRequested, this, &MainWindow::seekToFrame);

  auto* dock = new QDockWidget(tr("Faces and settings"), this);
  dock->setObjectName("sideDock");
  dock->setFeatures(QDockWidget::NoDockWidgetFeatures);
  auto* tabs = new QTabWidget(dock);
  tabs->setAccessibleName(tr("Faces and settings"));
  faces_ = new FacePanel(tabs);
  tabs->addTab(faces_, tr("Faces"));
  connect(faces_, &FacePanel::renameRequested, this, &MainWindow::renamePerson);
  connect(faces_, &FacePanel::mergeRequested, this, &MainWindow::mergePeople);
  connect(faces_, &FacePanel::splitRequested, this, &MainWindow::splitTrack);
  settings_panel_ = new SettingsPanel(*models_, tabs);
  tabs->addTab(settings_panel_, tr("Settings"));
  dock->setWidget(tabs);
  dock->setMinimumWidth(360);
  addDockWidget(Qt::RightDockWidgetArea, dock);
  connect(settings_panel_, &SettingsPanel::settingsChanged, this, &MainWindow::onSettingsChanged);
  connect(settings_panel_, &SettingsPanel::errorOccurred, this, &MainWindow::reportError);
  connect(settings_panel_, &SettingsPanel::message, this, [this](const QString& text) { statusBar()->showMessage(text, 8000); });

  status_ = new StatusFields(this);
  statusBar()->addPermanentWidget(status_);
  connect(recorder_, &RecordingController::clockTicked, this, [this](const QString& text) {
    status_->setRecording(text);
    actions_->setRecordText(text.mid(2));
    showBanner();
  });
  connect(recorder_, &RecordingController::finished, this, [this](const QString& base) {
    actions_->setRecordText({});
    status_->setRecording(tr("saved %1").arg(QFileInfo(base).fileName()), recorder_->folder());
    showBanner();
    statusBar()->showMessage(tr("Recording saved in %1").arg(recorder_->folder()), 10000);
    if (QFileInfo::exists(base + ".json")) report_input_ = base + ".json";
    updateActions();
    emit recordingFinished(base);
  });
  buildBatchDock();
  buildReports();
  connect(actions_, &MainActions::cameraChosen, this, [this](int index) {
    if (mode() != Mode::kLive || index < 0 || index >= cameraCount()) return;
    if (!recording()) return void(startLive());
    actions_->selectCamera(qstr(sessions_->session()->config().source));  // keep the recording intact
    statusBar()->showMessage(tr("Stop recording (R) before switching cameras."), 8000);
  });
}

// ---------------------------------------------------------------------------
// Window

void MainWindow::fitToScreen() { fit_to_screen(*this); }

void MainWindow::setPresentation(bool on) {
  if (on == presentation_) return;
  presentation_ = on;
  menuBar()->setVisible(!on);
  statusBar()->setVisible(!on);
  for (QToolBar* bar : findChildren<QToolBar*>()) bar->setVisible(!on);
  if (on) showFullScreen();
  else showNormal();
  updateActions();
}

void MainWindow::setMirror(bool on) {
  mirror_->store(on);
  settings_.mirror_camera = on;
  settings_.save();
  updateActions();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->urls().value(0).isLocalFile()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  if (!urls.value(0).isLocalFile()) return;
  event->acceptProposedAction();
  if (urls.size() > 1) statusBar()->showMessage(tr("Opened the first of %1 files.").arg(urls.size()), 8000);
  const QString path = urls.front().toLocalFile();
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == "json" || suffix == "csv") openResults(path);  // a finished analysis' or recording's files
  else openFile(path);
}

void MainWindow::refreshCameras() {
  cameras_ = options_.cameras ? options_.cameras() : std::vector<CameraInfo>{};
  actions_->setCameras(cameras_, settings_.camera);
  if (cameras_.empty()) {
    if (mode() == Mode::kIdle) {
      view_->clearFrame();
      view_->setMessage(tr("No camera found.\n\nOpen a video (Ctrl+O) or an image to analyse it, "
                           "or connect a camera and choose Refresh."));
    }
    statusBar()->showMessage(tr("No camera found: open a video or an image (Ctrl+O) instead."));
  } else if (mode() == Mode::kIdle && view_->frame().isNull()) {
    view_->setMessage(tr("Press Start (Space) to watch the camera, or open a video (Ctrl+O)."));
  }
  updateActions();
}

void MainWindow::updateActions() {
  const bool has_people = sessions_ && sessions_->people();
  actions_->update({mode() == Mode::kLive, mode() == Mode::kAnalysis, paused(), recording(), !cameras_.empty(),
                    !view_->frame().isNull(), analysis_->hasFiles(), presentation_, mirror(), has_people,
                    !reportInput().isEmpty(), reportRunning()});
  analysis_->setRunState(mode() == Mode::kAnalysis, paused());
  const QString edit_off = has_people ? QString()
                           : settings_.identities ? tr("Start the camera or open a video to tell people apart.")
                                                  : tr("Identities are off (Settings → Identities).");
  const QString split_off = !edit_off.isEmpty() ? edit_off
                            : mode() == Mode::kIdle ? tr("Splitting works while a source runs: the track becomes a new person on its next frame.")
                                                    : QString();
  faces_->setPeopleActions(edit_off, split_off);
}

void MainWindow::showBanner() { view_->setBanner(paused() ? tr("PAUSED") : recorder_->clockText()); }

void MainWindow::reportError(const QString& title, const QString& message) {
  last_error_ = message;
  statusBar()->showMessage(title + ": " + message, 15000);
  emit errorReported(title, message);
  if (!options_.interactive_dialogs) return;
  auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();  // non-blocking
}

void MainWindow::closeEvent(QCloseEvent* event) {
  sessions_->stop();  // finalises a recording
  settings_.save();
  if (presentation_) setPresentation(false);  // remember the normal window, not the full screen
  save_window_geometry(*this, "window/geometry");
  event->accept();
}

// ---------------------------------------------------------------------------
// Runs

bool MainWindow::startLive() {
  if (cameras_.empty()) {
    reportError(tr("No camera"), tr("No camera was found. Open a video or an image (Ctrl+O) instead."));
    return false;
  }
  if (mode() == Mode::kAnalysis) cancelAnalysis();
  const CameraInfo camera = cameras_[std::min<std::size_t>(actions_->cameraIndex(), cameras_.size() - 1)];
  const bool switching = mode() != Mode::kLive || sessions_->session()->config().source != camera.spec;
  QString error;
  if (!sessions_->startLive(camera.spec, &error)) {
    reportError(tr("Cannot start %1").arg(qstr(camera.name)), error);
    updateActions();
    return false;
  }
  settings_.camera = qstr(camera.spec);
  if (switching) {
    analysis_->setVisible(false);
    faces_->setLabels(sessions_->session()->modelSpec().labels);
    showPeople(false);
    frames_shown_ = 0;
    view_->clearFrame();
    view_->setMessage(tr("Starting %1…").arg(qstr(camera.name)));
    statusBar()->showMessage(tr("Live: %1").arg(qstr(camera.name)), 5000);
  }
  updateActions();
  return true;
}

void MainWindow::stopSource() {
  if (mode() == Mode::kAnalysis) return cancelAnalysis();
  sessions_->stop();
  updateActions();
}

void MainWindow::toggleStartStop() {
  if (mode() == Mode::kIdle) startLive();
  else stopSource();
}

void MainWindow::setPaused(bool paused) {
  sessions_->setPaused(paused);
  showBanner();
  updateActions();
}

bool MainWindow::setRecording(bool on) {
  QString error;
  bool ok = true;
  if (on != recording()) {
    if (!on) ok = recorder_->stop(*sessions_->session(), &error);
    else ok = (mode() == Mode::kLive || startLive()) && recorder_->start(*sessions_->session(), settings_.record_dir, &error);
    if (ok && on) statusBar()->showMessage(tr("Recording to %1").arg(recorder_->folder()), 5000);
    if (!ok && !error.isEmpty()) reportError(tr("Recording"), error);
  }
  updateActions();
  return ok;
}

bool MainWindow::openVideo(const QString& path) { return startAnalysis(path, false); }
bool MainWindow::openImage(const QString& path) { return startAnalysis(path, true); }
bool MainWindow::openFile(const QString& path) { return startAnalysis(path, QFileInfo(path).isDir() || is_image_path(sstr(path))); }

bool MainWindow::startAnalysis(const QString& path, bool images) {
  if (images && !QFileInfo(path).isDir() && !is_image_path(sstr(path))) {
    reportError(tr("Open image"), tr("%1 is not an image file this app can read.").arg(path));
    return false;
  }
  settings_.last_open_dir = QFileInfo(path).absolutePath();
  if (mode() == Mode::kAnalysis) cancelAnalysis();
  QString error;
  if (!sessions_->startAnalysis(path, images, &error)) {
    reportError(images ? tr("Cannot open image") : tr("Cannot open video"), error);
    updateActions();
    return false;
  }
  report_input_.clear();  // the view shows the new analysis
  faces_->setLabels(analysis_->labels());
  showPeople(true);
  frames_shown_ = 0;
  view_->clearFrame();
  view_->setMessage(tr("Analysing %1…").arg(QFileInfo(path).fileName()));
  updateActions();
  return true;
}

void MainWindow::cancelAnalysis() {
  if (mode() != Mode::kAnalysis) return;
  sessions_->stop();
  statusBar()->showMessage(tr("Analysis cancelled; the frames analysed so far can be exported."), 8000);
  if (analysis_->hasFiles()) report_input_ = analysis_->filesDir() + "/analysis.json";
  updateActions();
  emit analysisFinished(false);
}

void MainWindow::onFrame(const SessionUpdate& u) {
  if (u.image.isNull()) {  // the last update of an analysis: records only
    last_update_.processed = u.processed;
    return;
  }
  ++frames_shown_;
  view_->setFrame(u.image, u.display);
  faces_->updateFaces(u.faces, u.pos_ms);
  status_->showUpdate(u);
  last_update_ = u;
  last_update_.new_records.clear();
  actions_->snapshot->setEnabled(true);
  emit frameShown(u.seq, static_cast<int>(u.faces.size()));
}

void MainWindow::onRunEnded(Mode mode, const PipelineEnd& end, bool was_recording) {
  if (mode == Mode::kAnalysis) {
    const bool completed = analysis_->done();
    if (completed) statusBar()->showMessage(tr("Analysis complete. Click the timeline to see any frame; Export saves the files."));
    else reportError(tr("Analysis"), describe_end(end));
    if (analysis_->hasFiles()) report_input_ = analysis_->filesDir() + "/analysis.json";
    updateActions();
    emit analysisFinished(completed);
    return;
  }
  // Live source ended: camera lost, read error or end of a test video.
  QString message = describe_end(end);
  if (was_recording) message += " " + tr("The recording was saved in %1.").arg(recorder_->folder());
  if (end.reason == EndReason::kEndOfStream) statusBar()->showMessage(message, 15000);
  else reportError(end.reason == EndReason::kSourceLost ? tr("Camera lost") : tr("Live view stopped"), message);
  view_->setMessage(message);
  updateActions();
  emit sourceEnded(message);
}

// ---------------------------------------------------------------------------
// Model and settings

bool MainWindow::loadModel(const QString& path) { return settings_panel_->chooseModel(path); }
bool MainWindow::applySettings(const AppSettings& next) { return settings_panel_->apply(next); }

void MainWindow::onSettingsChanged(const AppSettings& next) {
  settings_ = next;
  settings_.save();
  faces_->setMinConfidence(static_cast<float>(settings_.min_confidence));
  sessions_->setMinConfidence(static_cast<float>(settings_.min_confidence));
  updateActions();  // the people actions say why they are off
}

// ---------------------------------------------------------------------------
// Results: snapshot, export, seeking, about

bool MainWindow::saveSnapshot(const QString& path) {
  QString error;
  const QString saved = view_->saveFrame(path.isEmpty() ? settings_.record_dir + "/" : path, &error);
  if (saved.isEmpty()) reportError(tr("Snapshot"), error);
  else statusBar()->showMessage(tr("Snapshot saved: %1").arg(saved), 8000);
  return !saved.isEmpty();
}

bool MainWindow::exportAnalysis(const QString& dir, bool replace) {
  QString error;
  if (mode() == Mode::kAnalysis || !analysis_->exportTo(dir, replace, &error)) {
    reportError(tr("Export"), error.isEmpty() ? tr("There is no finished analysis to export.") : error);
    return false;
  }
  statusBar()->showMessage(tr("Exported %1-emoscope .mkv, .csv and .json to %2")
                               .arg(QFileInfo(analysis_->sourcePath()).completeBaseName(), dir), 10000);
  return true;
}

bool MainWindow::seekToFrame(long frame) {
  const auto shown = analysis_->showFrame(frame, static_cast<float>(settings_.min_confidence), *view_, *faces_);
  if (!shown) return false;
  last_update_.seq = shown->seq;
  last_update_.pos_ms = shown->pos_ms;
  last_update_.faces = shown->faces;
  const QString at = tr("Frame %1 (%2 s)").arg(shown->seq).arg(shown->pos_ms / 1000.0, 0, 'f', 2);
  statusBar()->showMessage(view_->frame().isNull() ? at + " " + tr("(no video to show it from)") : at, 5000);
  updateActions();
  return true;
}

QString MainWindow::aboutText() const {
  // What the numbers are not, before any number is shown.
  return tr("<h3>Emoscope %1</h3><p>Reads facial expressions in real time.</p>").arg(emoscope::version()) +
         tr("<p><b>What the labels are not:</b> a label is the expression that most people who annotated "
            "similar photos would name, and its confidence is how often such a label was right on held-out "
            "photos. It is not a clinical, diagnostic or affective-state measurement: a face labelled "
            "\"sad\" shows an expression, not a person who is sad. Do not use it to judge people.</p>") +
         tr("<p><b>What \"neutral\" means:</b> the models learnt from photos that ten people each labelled; "
            "a face reads as neutral until more people would name an expression than would call it neutral. "
            "A faint or ambiguous expression often reads as neutral, and no label measures how intense an "
            "expression is.</p>") +
         models_->describeActive();
}

void MainWindow::showAbout() {
  auto* box = new QMessageBox(QMessageBox::Information, tr("About Emoscope"), aboutText(), QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

}  // namespace emoscope::ui
