#include "emoscope/ui/main_window.hpp"

#include <algorithm>
#include <cmath>

#include <QAction>
#include <QUrl>
#include <QSettings>
#include <QScreen>
#include <QMimeData>
#include <QDropEvent>
#include <QDragEnterEvent>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "emoscope/annotator.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/version.hpp"
#include "emoscope/resources.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/timeline.hpp"
#include "emoscope/ui/video_view.hpp"

namespace emoscope::ui {

namespace {

const char* kNoCameraMessage =
    "No camera found.\n\nOpen a video (Ctrl+O) or an image to analyse it, "
    "or connect a camera and choose Refresh.";

QString hms(qint64 ms) {
  const qint64 s = ms / 1000;
  return s >= 3600 ? QString("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                   : QString("%1:%2").arg(s / 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'));
}

QString end_text(const PipelineEnd& end) {
  switch (end.reason) {
    case EndReason::kEndOfStream: return QObject::tr("The source ended.");
    case EndReason::kReadError: return QObject::tr("The source could not be read any further: %1").arg(qstr(end.message));
    case EndReason::kSourceLost: return QObject::tr("The camera was lost: %1").arg(qstr(end.message));
    case EndReason::kStopped: return QObject::tr("Stopped.");
    case EndReason::kFailed: return QObject::tr("Processing failed: %1").arg(qstr(end.message));
  }
  return {};
}

}  // namespace

MainWindow::MainWindow(MainWindowOptions options, QWidget* parent)
    : QMainWindow(parent), options_(std::move(options)), settings_(AppSettings::load()) {
  qRegisterMetaType<emoscope::ui::SessionUpdate>();
  qRegisterMetaType<emoscope::PipelineEnd>();
  setWindowTitle("Emoscope");
  // A chosen YuNet file that has gone away: back to the shipped one.
  if (!settings_.yunet_model.isEmpty() && !QFileInfo::exists(settings_.yunet_model)) settings_.yunet_model.clear();
  buildUi();

  // The active model: the saved one, else the bundled default.
  const Result<std::string> shipped = default_model_path();
  const QString fallback = shipped ? qstr(shipped.value()) : QString();
  QString wanted = settings_.model_path.isEmpty() ? fallback : settings_.model_path;
  ClassifierOptions co;
  co.device = settings_.device;
  Result<std::unique_ptr<Classifier>> loaded = wanted.isEmpty() ? shipped.error() : load_classifier(sstr(wanted), co);
  if (!loaded && !fallback.isEmpty() && wanted != fallback) {
    wanted = fallback;
    loaded = load_classifier(sstr(wanted), co);
  }
  if (loaded) {
    model_path_ = wanted;
    model_spec_ = loaded.value()->spec();
    spare_classifier_ = std::move(loaded).value();
    faces_->setLabels(model_spec_.labels);
  } else {
    last_error_ = tr("No emotion model loaded: %1").arg(qstr(loaded.error().message));
    statusBar()->showMessage(last_error_);
  }
  populateModels();
  syncSettingsPanel();
  refreshCameras();
  updateActions();
  setAcceptDrops(true);
  restoreWindowGeometry();
}

// The last size and place, or 1280x800; either way inside the screen's available
// area, so a 1366x768 laptop still shows the status bar.
void MainWindow::restoreWindowGeometry() {
  const QByteArray saved = QSettings().value("window/geometry").toByteArray();
  if (saved.isEmpty() || !restoreGeometry(saved)) resize(1280, 800);
  fitToScreen();
}

void MainWindow::fitToScreen() {
  const QScreen* s = screen();
  if (!s) return;
  const QRect available = s->availableGeometry();
  const QMargins frame(geometry().left() - frameGeometry().left(), geometry().top() - frameGeometry().top(),
                       frameGeometry().right() - geometry().right(), frameGeometry().bottom() - geometry().bottom());
  const QSize room = available.size().shrunkBy(frame);
  if (width() > room.width() || height() > room.height()) resize(size().boundedTo(room));
  QRect placed = frameGeometry();
  if (!available.contains(placed)) {
    placed.moveTopLeft(QPoint(std::clamp(placed.left(), available.left(), std::max(available.left(), available.right() - placed.width())),
                              std::clamp(placed.top(), available.top(), std::max(available.top(), available.bottom() - placed.height()))));
    move(placed.topLeft());
  }
}

void MainWindow::setPresentation(bool on) {
  if (on == presentation_) return;
  presentation_ = on;
  menuBar()->setVisible(!on);
  statusBar()->setVisible(!on);
  for (QToolBar* bar : findChildren<QToolBar*>()) bar->setVisible(!on);
  if (on) {
    showFullScreen();
  } else {
    showNormal();
  }
  if (presentation_action_->isChecked() != on) presentation_action_->setChecked(on);
}

void MainWindow::setMirror(bool on) {
  mirror_->store(on);
  settings_.mirror_camera = on;
  settings_.save();
  if (mirror_action_->isChecked() != on) mirror_action_->setChecked(on);
}

bool MainWindow::openFile(const QString& path) {
  const QFileInfo info(path);
  return startAnalysis(path, info.isDir() || is_image_path(sstr(path)));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.front().isLocalFile()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  if (urls.isEmpty() || !urls.front().isLocalFile()) return;
  event->acceptProposedAction();
  if (urls.size() > 1) statusBar()->showMessage(tr("Opened the first of %1 files.").arg(urls.size()), 8000);
  openFile(urls.front().toLocalFile());
}

MainWindow::~MainWindow() {
  if (session_) {
    session_->stop();
    session_.reset();
  }
  settings_.save();
}

// ---------------------------------------------------------------------------
// UI construction

void MainWindow::buildUi() {
  // Actions.
  start_action_ = new QAction(tr("Start"), this);
  start_action_->setShortcut(Qt::Key_Space);
  start_action_->setToolTip(tr("Start / stop the camera (Space)"));
  connect(start_action_, &QAction::triggered, this, &MainWindow::toggleStartStop);

  pause_action_ = new QAction(tr("Pause"), this);
  pause_action_->setCheckable(true);
  connect(pause_action_, &QAction::toggled, this, [this](bool on) { setPaused(on); });

  record_action_ = new QAction(tr("Record"), this);
  record_action_->setCheckable(true);
  record_action_->setShortcut(Qt::Key_R);
  record_action_->setToolTip(tr("Record annotated video, CSV and JSON summary (R)"));
  connect(record_action_, &QAction::triggered, this, [this](bool on) { setRecording(on); });

  snapshot_action_ = new QAction(tr("Snapshot"), this);
  snapshot_action_->setShortcut(Qt::Key_S);
  snapshot_action_->setToolTip(tr("Save the annotated frame as PNG (S)"));
  connect(snapshot_action_, &QAction::triggered, this, [this] { saveSnapshot(); });

  auto* open_video = new QAction(tr("Open video…"), this);
  open_video->setShortcut(QKeySequence::Open);
  connect(open_video, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open video"), settings_.last_open_dir,
                                                      tr("Videos (*.mp4 *.avi *.mkv *.mov *.webm *.m4v);;All files (*)"));
    if (path.isEmpty()) return;
    settings_.last_open_dir = QFileInfo(path).absolutePath();
    openVideo(path);
  });
  auto* open_image = new QAction(tr("Open image…"), this);
  connect(open_image, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open image"), settings_.last_open_dir,
                                                      tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;All files (*)"));
    if (path.isEmpty()) return;
    settings_.last_open_dir = QFileInfo(path).absolutePath();
    openImage(path);
  });
  auto* open_model = new QAction(tr("Open model…"), this);
  connect(open_model, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open model"), settings_.last_open_dir,
                                                      tr("Emoscope models (*.pt);;All files (*)"));
    if (!path.isEmpty()) loadModel(path);
  });
  export_action_ = new QAction(tr("Export analysis…"), this);
  connect(export_action_, &QAction::triggered, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export analysis to"), settings_.record_dir);
    if (!dir.isEmpty()) exportAnalysis(dir);
  });
  auto* quit = new QAction(tr("Quit"), this);
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, this, &QWidget::close);
  presentation_action_ = new QAction(tr("Presentation (full screen)"), this);
  presentation_action_->setShortcut(Qt::Key_F11);
  presentation_action_->setCheckable(true);
  presentation_action_->setShortcutContext(Qt::ApplicationShortcut);
  connect(presentation_action_, &QAction::toggled, this, [this](bool on) { setPresentation(on); });
  addAction(presentation_action_);  // F11 also works while the menu bar is hidden
  mirror_action_ = new QAction(tr("Mirror camera"), this);
  mirror_action_->setShortcut(Qt::Key_M);
  mirror_action_->setCheckable(true);
  mirror_action_->setChecked(settings_.mirror_camera);
  mirror_->store(settings_.mirror_camera);
  connect(mirror_action_, &QAction::toggled, this, [this](bool on) { setMirror(on); });
  auto* about = new QAction(tr("About Emoscope"), this);
  connect(about, &QAction::triggered, this, &MainWindow::showAbout);
  auto* refresh = new QAction(tr("Refresh"), this);
  refresh->setToolTip(tr("Look for cameras again"));
  connect(refresh, &QAction::triggered, this, &MainWindow::refreshCameras);

  // Menus.
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(open_video);
  file->addAction(open_image);
  file->addAction(open_model);
  file->addSeparator();
  file->addAction(export_action_);
  file->addAction(snapshot_action_);
  file->addSeparator();
  file->addAction(quit);
  QMenu* session = menuBar()->addMenu(tr("&Session"));
  session->addAction(start_action_);
  session->addAction(pause_action_);
  session->addAction(record_action_);
  QMenu* view_menu = menuBar()->addMenu(tr("&View"));
  view_menu->addAction(presentation_action_);
  view_menu->addAction(mirror_action_);
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(about);

  // Toolbar.
  QToolBar* tools = addToolBar(tr("Source"));
  tools->setObjectName("sourceToolbar");
  tools->setMovable(false);
  camera_combo_ = new QComboBox(tools);
  camera_combo_->setMinimumContentsLength(24);
  camera_combo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  tools->addWidget(new QLabel(tr(" Camera: "), tools));
  tools->addWidget(camera_combo_);
  connect(camera_combo_, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
    if (mode_ != Mode::kLive || index < 0 || index >= static_cast<int>(cameras_.size())) return;
    if (session_ && qstr(cameras_[index].spec) == qstr(session_->config().source)) return;
    if (recording()) {  // keep the recording intact
      const int running = camera_combo_->findData(qstr(session_->config().source));
      camera_combo_->setCurrentIndex(running);
      statusBar()->showMessage(tr("Stop recording (R) before switching cameras."), 8000);
      return;
    }
    endSession();
    startLive();
  });
  tools->addAction(refresh);
  tools->addSeparator();
  tools->addAction(start_action_);
  tools->addAction(pause_action_);
  tools->addAction(record_action_);
  tools->addAction(snapshot_action_);
  tools->addSeparator();
  tools->addAction(open_video);
  tools->addAction(open_image);

  // Centre: video and the analysis panel.
  auto* centre = new QWidget(this);
  auto* v = new QVBoxLayout(centre);
  v->setContentsMargins(4, 4, 4, 4);
  view_ = new VideoView(centre);
  v->addWidget(view_, 1);
  analysis_panel_ = new QWidget(centre);
  auto* a = new QVBoxLayout(analysis_panel_);
  a->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  progress_ = new QProgressBar(analysis_panel_);
  progress_->setRange(0, 100);
  eta_label_ = new QLabel(analysis_panel_);
  eta_label_->setMinimumWidth(160);
  analysis_pause_ = new QPushButton(tr("Pause"), analysis_panel_);
  analysis_pause_->setCheckable(true);
  connect(analysis_pause_, &QPushButton::toggled, this, [this](bool on) { setPaused(on); });
  analysis_cancel_ = new QPushButton(tr("Cancel"), analysis_panel_);
  connect(analysis_cancel_, &QPushButton::clicked, this, &MainWindow::cancelAnalysis);
  analysis_export_ = new QPushButton(tr("Export…"), analysis_panel_);
  connect(analysis_export_, &QPushButton::clicked, export_action_, &QAction::trigger);
  row->addWidget(new QLabel(tr("Analysis:"), analysis_panel_));
  row->addWidget(progress_, 1);
  row->addWidget(eta_label_);
  row->addWidget(analysis_pause_);
  row->addWidget(analysis_cancel_);
  row->addWidget(analysis_export_);
  a->addLayout(row);
  timeline_ = new TimelineView(analysis_panel_);
  connect(timeline_, &TimelineView::seekRequested, this, [this](long f) { seekToFrame(f); });
  a->addWidget(timeline_);
  analysis_panel_->setVisible(false);
  v->addWidget(analysis_panel_);
  setCentralWidget(centre);

  // Right: faces and settings.
  auto* dock = new QDockWidget(tr("Faces and settings"), this);
  dock->setObjectName("sideDock");
  dock->setFeatures(QDockWidget::NoDockWidgetFeatures);
  auto* tabs = new QTabWidget(dock);
  faces_ = new FacePanel(tabs);
  tabs->addTab(faces_, tr("Faces"));
  tabs->addTab(buildSettingsPanel(), tr("Settings"));
  dock->setWidget(tabs);
  dock->setMinimumWidth(360);
  addDockWidget(Qt::RightDockWidgetArea, dock);

  // Names a screen reader announces for the main parts.
  camera_combo_->setAccessibleName(tr("Camera"));
  view_->setAccessibleName(tr("Video with face boxes and emotion labels"));
  view_->setAccessibleDescription(tr("The current frame; each face's label and confidence are also listed in Faces"));
  faces_->setAccessibleName(tr("Faces: one card per tracked face with its label, confidence and chart"));
  tabs->setAccessibleName(tr("Faces and settings"));
  progress_->setAccessibleName(tr("Analysis progress"));
  timeline_->setAccessibleName(tr("Analysis timeline: labels over time; click to seek"));
  analysis_pause_->setAccessibleName(tr("Pause analysis"));
  analysis_cancel_->setAccessibleName(tr("Cancel analysis"));
  analysis_export_->setAccessibleName(tr("Export analysis"));

  // Status bar.
  auto field = [this](const QString& text) {
    auto* l = new QLabel(text, this);
    l->setMinimumWidth(90);
    statusBar()->addPermanentWidget(l);
    return l;
  };
  record_label_ = field("");
  fps_label_ = field(tr("FPS –"));
  detect_label_ = field(tr("detect – ms"));
  classify_label_ = field(tr("classify – ms"));
  dropped_label_ = field(tr("dropped 0"));
  device_label_ = field(tr("device –"));
  record_timer_ = new QTimer(this);
  record_timer_->setInterval(250);
  connect(record_timer_, &QTimer::timeout, this, &MainWindow::updateRecordClock);
}

QWidget* MainWindow::buildSettingsPanel() {
  auto* panel = new QWidget(this);
  auto* form = new QFormLayout(panel);

  detector_combo_ = new QComboBox(panel);
  detector_combo_->addItem("YuNet (DNN, shipped)", static_cast<int>(DetectorKind::kYuNet));
  detector_combo_->addItem("Haar cascade", static_cast<int>(DetectorKind::kHaar));
  detector_combo_->addItem("SSD ResNet-10 (DNN)", static_cast<int>(DetectorKind::kSsd));
  form->addRow(tr("Face detector"), detector_combo_);
  auto* detector_row = new QHBoxLayout;
  detector_model_edit_ = new QLineEdit(panel);
  detector_model_edit_->setReadOnly(true);
  detector_browse_ = new QPushButton(tr("Browse…"), panel);
  detector_row->addWidget(detector_model_edit_, 1);
  detector_row->addWidget(detector_browse_);
  form->addRow(tr("Detector model"), detector_row);
  connect(detector_combo_, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this](int) {
    if (syncing_) return;
    setDetector(static_cast<DetectorKind>(detector_combo_->currentData().toInt()));
  });
  connect(detector_browse_, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Detector model"), settings_.detectorModel(),
                                                      tr("Detector models (*.onnx *.pb *.caffemodel);;All files (*)"));
    if (!path.isEmpty()) setDetector(settings_.detector, path);
  });

  model_combo_ = new QComboBox(panel);
  form->addRow(tr("Emotion model"), model_combo_);
  connect(model_combo_, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
    const QString path = model_combo_->itemData(index).toString();
    if (path == "open") {
      const QString chosen = QFileDialog::getOpenFileName(this, tr("Open model"), settings_.last_open_dir,
                                                          tr("Emoscope models (*.pt);;All files (*)"));
      if (chosen.isEmpty() || !loadModel(chosen)) populateModels();
    } else if (!path.isEmpty() && path != model_path_) {
      loadModel(path);
    }
  });

  auto* smoothing_row = new QHBoxLayout;
  smoothing_slider_ = new QSlider(Qt::Horizontal, panel);
  smoothing_slider_->setRange(0, 2000);
  smoothing_slider_->setSingleStep(50);
  smoothing_slider_->setPageStep(250);
  smoothing_label_ = new QLabel(panel);
  smoothing_label_->setMinimumWidth(60);
  smoothing_row->addWidget(smoothing_slider_, 1);
  smoothing_row->addWidget(smoothing_label_);
  form->addRow(tr("Smoothing"), smoothing_row);
  connect(smoothing_slider_, &QSlider::valueChanged, this, [this](int v) {
    smoothing_label_->setText(v == 0 ? tr("off") : QString("%1 ms").arg(v));
    if (!syncing_) setSmoothingMs(v);
  });

  auto* confidence_row = new QHBoxLayout;
  confidence_slider_ = new QSlider(Qt::Horizontal, panel);
  confidence_slider_->setRange(0, 100);
  confidence_label_ = new QLabel(panel);
  confidence_label_->setMinimumWidth(60);
  confidence_row->addWidget(confidence_slider_, 1);
  confidence_row->addWidget(confidence_label_);
  form->addRow(tr("Min. confidence"), confidence_row);
  connect(confidence_slider_, &QSlider::valueChanged, this, [this](int v) {
    confidence_label_->setText(QString("%1%").arg(v));
    if (!syncing_) setMinConfidence(v / 100.0);
  });

  interval_spin_ = new QSpinBox(panel);
  interval_spin_->setRange(1, 60);
  interval_spin_->setSuffix(tr(" frames"));
  form->addRow(tr("Detect every"), interval_spin_);
  connect(interval_spin_, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int v) {
    if (!syncing_) setDetectEvery(v);
  });

  device_combo_ = new QComboBox(panel);
  device_combo_->addItem(tr("Auto"), static_cast<int>(DeviceChoice::kAuto));
  device_combo_->addItem(tr("CPU"), static_cast<int>(DeviceChoice::kCpu));
  device_combo_->addItem(tr("CUDA"), static_cast<int>(DeviceChoice::kCuda));
  if (!cuda_available()) {
    auto* model = qobject_cast<QStandardItemModel*>(device_combo_->model());
    if (model) model->item(2)->setEnabled(false);
    device_combo_->setItemData(2, tr("No CUDA device available"), Qt::ToolTipRole);
  }
  form->addRow(tr("Device"), device_combo_);
  connect(device_combo_, QOverload<int>::of(&QComboBox::activated), this, [this](int) {
    setDevice(static_cast<DeviceChoice>(device_combo_->currentData().toInt()));
  });

  auto* record_row = new QHBoxLayout;
  record_dir_edit_ = new QLineEdit(panel);
  record_dir_edit_->setReadOnly(true);
  auto* record_browse = new QPushButton(tr("Browse…"), panel);
  record_row->addWidget(record_dir_edit_, 1);
  record_row->addWidget(record_browse);
  form->addRow(tr("Recordings"), record_row);
  connect(record_browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Save recordings in"), settings_.record_dir);
    if (!dir.isEmpty()) setRecordDir(dir);
  });

  auto* note = new QLabel(tr("Detector, model, smoothing, detection interval and device apply when the "
                             "source (re)starts; the minimum confidence applies at once."),
                          panel);
  note->setWordWrap(true);
  note->setStyleSheet("color: gray;");
  form->addRow(note);
  return panel;
}

void MainWindow::syncSettingsPanel() {
  syncing_ = true;
  detector_combo_->setCurrentIndex(detector_combo_->findData(static_cast<int>(settings_.detector)));
  const bool shipped_yunet = settings_.detector == DetectorKind::kYuNet && settings_.yunet_model.isEmpty();
  detector_model_edit_->setText(settings_.detector == DetectorKind::kHaar ? tr("(built-in cascade)")
                                : shipped_yunet && !settings_.detectorModel().isEmpty() ? tr("(shipped YuNet)")
                                                                                          : settings_.detectorModel());
  detector_model_edit_->setToolTip(settings_.detectorModel());
  detector_browse_->setEnabled(settings_.detector != DetectorKind::kHaar);
  smoothing_slider_->setValue(static_cast<int>(settings_.smoothing_ms));
  smoothing_label_->setText(settings_.smoothing_ms <= 0 ? tr("off") : QString("%1 ms").arg(settings_.smoothing_ms));
  confidence_slider_->setValue(static_cast<int>(std::lround(settings_.min_confidence * 100)));
  confidence_label_->setText(QString("%1%").arg(std::lround(settings_.min_confidence * 100)));
  interval_spin_->setValue(settings_.detect_every);
  device_combo_->setCurrentIndex(device_combo_->findData(static_cast<int>(settings_.device)));
  record_dir_edit_->setText(settings_.record_dir);
  faces_->setMinConfidence(static_cast<float>(settings_.min_confidence));
  syncing_ = false;
}

QString MainWindow::bundledModel(const QString& file) const {
  const Result<std::string> root = data_dir();
  return root ? QDir::cleanPath(qstr(root.value()) + "/models/" + file) : QString();  // "" = not installed
}

void MainWindow::populateModels() {
  syncing_ = true;
  model_combo_->clear();
  struct Bundled {
    QString name, file;
  };
  const Bundled bundled[] = {{tr("Happy / neutral / sad"), "happy_neutral_sad.pt"},
                             {tr("Happy / sad (forced choice)"), "happy_sad.pt"},
                             {tr("Seven emotions"), "seven_emotions.pt"}};
  auto* model = qobject_cast<QStandardItemModel*>(model_combo_->model());
  int current = -1;
  for (const Bundled& b : bundled) {
    const QString path = bundledModel(b.file);
    const bool present = QFileInfo::exists(path);
    model_combo_->addItem(present ? b.name : b.name + tr(" (not installed)"), path);
    const int index = model_combo_->count() - 1;
    if (!present && model) model->item(index)->setEnabled(false);
    if (present && QFileInfo(path).canonicalFilePath() == QFileInfo(model_path_).canonicalFilePath()) current = index;
  }
  if (current < 0 && !model_path_.isEmpty()) {
    model_combo_->addItem(QFileInfo(model_path_).fileName(), model_path_);
    current = model_combo_->count() - 1;
  }
  model_combo_->addItem(tr("Open model…"), "open");
  if (current >= 0) model_combo_->setCurrentIndex(current);
  else model_combo_->setCurrentIndex(-1);
  syncing_ = false;
}

void MainWindow::refreshCameras() {
  cameras_ = options_.cameras ? options_.cameras() : std::vector<CameraInfo>{};
  camera_combo_->clear();
  for (const CameraInfo& c : cameras_) camera_combo_->addItem(qstr(c.name), qstr(c.spec));
  if (cameras_.empty()) {
    camera_combo_->addItem(tr("No camera found"));
    camera_combo_->setEnabled(false);
    if (mode_ == Mode::kIdle) {
      view_->clearFrame();
      view_->setMessage(tr(kNoCameraMessage));
    }
    statusBar()->showMessage(tr("No camera found: open a video or an image (Ctrl+O) instead."));
  } else {
    camera_combo_->setEnabled(true);
    const int saved = camera_combo_->findData(settings_.camera);
    if (saved >= 0) camera_combo_->setCurrentIndex(saved);
    if (mode_ == Mode::kIdle && view_->frame().isNull()) {
      view_->setMessage(tr("Press Start (Space) to watch the camera, or open a video (Ctrl+O)."));
    }
  }
  updateActions();
}

void MainWindow::updateActions() {
  const bool live = mode_ == Mode::kLive;
  const bool analysing = mode_ == Mode::kAnalysis;
  start_action_->setText(live ? tr("Stop") : tr("Start"));
  start_action_->setEnabled(live || analysing || !cameras_.empty());
  pause_action_->setEnabled(live || analysing);
  {
    const QSignalBlocker block(pause_action_);
    pause_action_->setChecked(paused_);
  }
  {
    const QSignalBlocker block(record_action_);
    record_action_->setChecked(recording());
  }
  record_action_->setEnabled(live || (!analysing && !cameras_.empty()));
  snapshot_action_->setEnabled(!view_->frame().isNull());
  const bool files = analysis_dir_ && mode_ != Mode::kAnalysis && analysis_processed_ > 0;
  export_action_->setEnabled(files);
  analysis_export_->setEnabled(files);
  analysis_cancel_->setEnabled(analysing);
  analysis_pause_->setEnabled(analysing);
  {
    const QSignalBlocker block(analysis_pause_);
    analysis_pause_->setChecked(analysing && paused_);
  }
}

void MainWindow::reportError(const QString& title, const QString& message) {
  last_error_ = message;
  statusBar()->showMessage(title + ": " + message, 15000);
  emit errorReported(title, message);
  if (options_.interactive_dialogs) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();  // non-blocking
  }
}

// ---------------------------------------------------------------------------
// Sessions

SessionConfig MainWindow::makeConfig(const std::string& source, bool live) const {
  SessionConfig c;
  c.source = source;
  c.live = live;
  c.model_path = sstr(model_path_);
  c.device = settings_.device;
  c.detector.kind = settings_.detector;
  c.detector.model_path = sstr(settings_.detectorModel());
  c.pipeline.detect_every = std::max(1, settings_.detect_every);
  c.pipeline.tracker.smoothing_ms = settings_.smoothing_ms;
  c.min_confidence = static_cast<float>(settings_.min_confidence);
  c.mirror = mirror_;
  return c;
}

std::unique_ptr<Session> MainWindow::createSession(const std::string& source, bool live, QString* error) {
  if (model_path_.isEmpty()) {
    *error = tr("No emotion model is loaded. Choose one in Settings → Emotion model.");
    return nullptr;
  }
  QApplication::setOverrideCursor(Qt::WaitCursor);
  auto session = Session::create(makeConfig(source, live), error, std::move(spare_classifier_), this);
  QApplication::restoreOverrideCursor();
  if (!session) return nullptr;
  connect(session.get(), &Session::frameReady, this, &MainWindow::onFrame);
  connect(session.get(), &Session::finished, this, &MainWindow::onSessionFinished);
  session->setDisplaySize(view_->displaySize());
  Session* raw = session.get();
  connect(view_, &VideoView::resized, raw, [raw](const QSize& size) { raw->setDisplaySize(size); });
  device_label_->setText(tr("device %1").arg(qstr(session->deviceName())));
  return session;
}

void MainWindow::endSession() {
  if (!session_) return;
  const bool was_recording = session_->recording();
  session_->stop();  // finalises any recording
  Session* s = session_.release();
  s->disconnect(this);
  s->deleteLater();
  if (was_recording) finishRecordingUi();
  mode_ = Mode::kIdle;
  paused_ = false;
}

bool MainWindow::startLive() {
  if (cameras_.empty()) {
    reportError(tr("No camera"), tr("No camera was found. Open a video or an image (Ctrl+O) instead."));
    return false;
  }
  if (mode_ == Mode::kLive && session_) return true;
  if (mode_ == Mode::kAnalysis) cancelAnalysis();
  endSession();
  const int index = std::max(0, camera_combo_->currentIndex());
  const CameraInfo camera = cameras_[std::min<std::size_t>(index, cameras_.size() - 1)];
  QString error;
  session_ = createSession(camera.spec, /*live=*/true, &error);
  if (!session_) {
    reportError(tr("Cannot start %1").arg(qstr(camera.name)), error);
    updateActions();
    return false;
  }
  settings_.camera = qstr(camera.spec);
  analysis_panel_->setVisible(false);
  faces_->setLabels(session_->modelSpec().labels);
  faces_->clear();
  mode_ = Mode::kLive;
  paused_ = false;
  frames_shown_ = 0;
  view_->clearFrame();
  view_->setMessage(tr("Starting %1…").arg(qstr(camera.name)));
  session_->start();
  statusBar()->showMessage(tr("Live: %1").arg(qstr(camera.name)), 5000);
  updateActions();
  return true;
}

void MainWindow::stopSource() {
  if (mode_ == Mode::kAnalysis) {
    cancelAnalysis();
    return;
  }
  endSession();
  updateActions();
}

void MainWindow::toggleStartStop() {
  if (mode_ == Mode::kIdle) startLive();
  else stopSource();
}

void MainWindow::setPaused(bool paused) {
  if (!session_) paused = false;
  paused_ = paused;
  if (session_) session_->setPaused(paused);
  view_->setBanner(paused ? tr("PAUSED") : (recording() ? view_->property("rec").toString() : QString()));
  updateActions();
}

bool MainWindow::recording() const { return session_ && mode_ == Mode::kLive && session_->recording(); }

bool MainWindow::setRecording(bool on) {
  if (on == recording()) {
    updateActions();
    return true;
  }
  if (!on) {
    const Status s = session_->stopRecording();
    finishRecordingUi();
    if (s) reportError(tr("Recording"), tr("The recording could not be completed: %1").arg(qstr(s->message)));
    updateActions();
    return !s;
  }
  if (mode_ != Mode::kLive && !startLive()) {
    updateActions();
    return false;
  }
  const QString stamp = QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
  QString dir = settings_.record_dir + "/session-" + stamp;
  for (int n = 2; QFileInfo::exists(dir); ++n) dir = settings_.record_dir + QString("/session-%1-%2").arg(stamp).arg(n);
  if (!QDir().mkpath(dir)) {
    reportError(tr("Recording"), tr("Cannot create the folder %1.").arg(dir));
    updateActions();
    return false;
  }
  const QString base = dir + "/session";
  QString error;
  if (!session_->startRecording(sstr(base), &error)) {
    reportError(tr("Recording"), error);
    updateActions();
    return false;
  }
  recording_base_ = base;
  record_clock_.start();
  record_timer_->start();
  updateRecordClock();
  statusBar()->showMessage(tr("Recording to %1").arg(dir), 5000);
  updateActions();
  return true;
}

void MainWindow::finishRecordingUi() {
  record_timer_->stop();
  record_action_->setText(tr("Record"));
  record_label_->setText(tr("saved %1").arg(QFileInfo(QFileInfo(recording_base_).absolutePath()).fileName()));
  record_label_->setToolTip(QFileInfo(recording_base_).absolutePath());
  view_->setProperty("rec", QString());
  view_->setBanner(paused_ ? tr("PAUSED") : QString());
  statusBar()->showMessage(tr("Recording saved in %1").arg(QFileInfo(recording_base_).absolutePath()), 10000);
  emit recordingFinished(recording_base_);
}

void MainWindow::updateRecordClock() {
  if (!recording()) return;
  const QString text = tr("● REC %1").arg(hms(record_clock_.elapsed()));
  record_label_->setText(text);
  record_action_->setText(tr("Record %1").arg(hms(record_clock_.elapsed())));
  view_->setProperty("rec", text);
  if (!paused_) view_->setBanner(text);
}

bool MainWindow::openVideo(const QString& path) { return startAnalysis(path, false); }
bool MainWindow::openImage(const QString& path) { return startAnalysis(path, true); }

bool MainWindow::startAnalysis(const QString& path, bool images) {
  if (images && !QFileInfo(path).isDir() && !is_image_path(sstr(path))) {
    reportError(tr("Open image"), tr("%1 is not an image file this app can read.").arg(path));
    return false;
  }
  if (mode_ == Mode::kAnalysis) cancelAnalysis();
  endSession();
  QString error;
  auto session = createSession(sstr(path), /*live=*/false, &error);
  if (!session) {
    reportError(images ? tr("Cannot open image") : tr("Cannot open video"), error);
    updateActions();
    return false;
  }
  auto dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + "/emoscope-analysis-XXXXXX");
  if (!dir->isValid() || !session->startRecording(sstr(dir->path() + "/analysis"), &error)) {
    reportError(tr("Analysis"), error.isEmpty() ? tr("Cannot create a temporary folder.") : error);
    updateActions();
    return false;
  }
  session_ = std::move(session);
  analysis_dir_ = std::move(dir);
  seek_capture_.reset();
  analysis_source_ = path;
  analysis_images_ = images || session_->sourceInfo().kind == SourceKind::kImages;
  analysis_done_ = false;
  analysis_total_ = session_->sourceInfo().frame_count;
  analysis_processed_ = 0;
  analysis_records_.clear();
  analysis_records_.shrink_to_fit();
  analysis_labels_ = session_->modelSpec().labels;
  timeline_->reset(analysis_labels_, analysis_total_, session_->sourceInfo().fps);
  faces_->setLabels(analysis_labels_);
  faces_->clear();
  progress_->setRange(0, analysis_total_ > 0 ? 100 : 0);
  progress_->setValue(0);
  eta_label_->setText(tr("starting…"));
  analysis_panel_->setVisible(true);
  mode_ = Mode::kAnalysis;
  paused_ = false;
  frames_shown_ = 0;
  view_->clearFrame();
  view_->setMessage(tr("Analysing %1…").arg(QFileInfo(path).fileName()));
  analysis_clock_.start();
  session_->start();
  updateActions();
  return true;
}

void MainWindow::cancelAnalysis() {
  if (mode_ != Mode::kAnalysis || !session_) return;
  endSession();
  eta_label_->setText(tr("cancelled at %1 frames").arg(analysis_processed_));
  statusBar()->showMessage(tr("Analysis cancelled; the frames analysed so far can be exported."), 8000);
  updateActions();
  emit analysisFinished(false);
}

int MainWindow::analysisPercent() const {
  if (analysis_done_) return 100;
  if (analysis_total_ <= 0) return 0;
  return static_cast<int>(std::min<long>(99, analysis_processed_ * 100 / analysis_total_));
}

QString MainWindow::etaText() const { return eta_label_->text(); }

QString MainWindow::analysisFilesDir() const { return analysis_dir_ ? analysis_dir_->path() : QString(); }

void MainWindow::onFrame(const SessionUpdate& u) {
  const bool has_frame = !u.image.isNull();
  if (has_frame) {
    ++frames_shown_;
    view_->setFrame(u.image, u.display);
    faces_->updateFaces(u.faces, u.pos_ms);
    fps_label_->setText(tr("FPS %1").arg(u.fps, 0, 'f', 1));
    detect_label_->setText(tr("detect %1 ms").arg(u.detect_ms, 0, 'f', 1));
    classify_label_->setText(tr("classify %1 ms").arg(u.classify_ms, 0, 'f', 1));
    dropped_label_->setText(tr("dropped %1").arg(u.dropped));
  }
  if (mode_ == Mode::kAnalysis) {
    timeline_->addRecords(u.new_records);
    analysis_records_.insert(analysis_records_.end(), u.new_records.begin(), u.new_records.end());
    analysis_processed_ = static_cast<long>(u.processed);
    if (analysis_total_ > 0) {
      progress_->setValue(analysisPercent());
      const double elapsed = analysis_clock_.elapsed();
      const double left = elapsed / std::max<long>(1, analysis_processed_) *
                          std::max<long>(0, analysis_total_ - analysis_processed_);
      eta_label_->setText(tr("%1 / %2 frames, ETA %3")
                              .arg(analysis_processed_)
                              .arg(analysis_total_)
                              .arg(hms(static_cast<qint64>(left) + 999)));
    } else {
      eta_label_->setText(tr("%1 frames").arg(analysis_processed_));
    }
  }
  if (!has_frame) {
    last_update_.processed = u.processed;
    return;
  }
  last_update_ = u;
  last_update_.new_records.clear();
  snapshot_action_->setEnabled(true);
  emit frameShown(u.seq, static_cast<int>(u.faces.size()));
}

void MainWindow::onSessionFinished(const PipelineEnd& end) {
  auto* s = qobject_cast<Session*>(sender());
  if (!s || s != session_.get()) return;
  const Mode mode = mode_;
  const bool was_recording = !recording_base_.isEmpty() && record_timer_->isActive();
  endSession();  // the session already finalised its files
  if (was_recording) finishRecordingUi();
  if (mode == Mode::kAnalysis) {
    const bool completed = end.reason == EndReason::kEndOfStream;
    analysis_done_ = completed;
    analysis_processed_ = static_cast<long>(end.frames_processed);
    if (completed) {
      analysis_total_ = std::max<long>(analysis_total_, analysis_processed_);
      progress_->setRange(0, 100);
      progress_->setValue(100);
      eta_label_->setText(tr("done: %1 frames in %2 s")
                              .arg(analysis_processed_)
                              .arg(analysis_clock_.elapsed() / 1000.0, 0, 'f', 1));
      statusBar()->showMessage(tr("Analysis complete. Click the timeline to see any frame; Export saves the files."));
    } else {
      eta_label_->setText(tr("stopped at %1 frames").arg(analysis_processed_));
      reportError(tr("Analysis"), end_text(end));
    }
    updateActions();
    emit analysisFinished(completed);
    return;
  }
  // Live source ended: camera lost, read error or end of a test video.
  QString message = end_text(end);
  if (was_recording) message += " " + tr("The recording was saved in %1.").arg(QFileInfo(recording_base_).absolutePath());
  if (end.reason == EndReason::kEndOfStream) statusBar()->showMessage(message, 15000);
  else reportError(end.reason == EndReason::kSourceLost ? tr("Camera lost") : tr("Live view stopped"), message);
  view_->setMessage(message);
  updateActions();
  emit sourceEnded(message);
}

// ---------------------------------------------------------------------------
// Model and settings

bool MainWindow::loadModel(const QString& path) {
  ClassifierOptions co;
  co.device = settings_.device;
  QApplication::setOverrideCursor(Qt::WaitCursor);
  auto loaded = load_classifier(sstr(path), co);
  QApplication::restoreOverrideCursor();
  if (!loaded) {
    const QString previous = model_path_.isEmpty() ? tr("No model is active.")
                                                   : tr("The previous model (%1 %2) stays active.")
                                                         .arg(qstr(model_spec_.name), qstr(model_spec_.version));
    reportError(tr("Model not loaded"),
                tr("%1 could not be loaded:\n%2\n\n%3").arg(path, qstr(loaded.error().message), previous));
    populateModels();
    return false;
  }
  model_path_ = path;
  model_spec_ = loaded.value()->spec();
  spare_classifier_ = std::move(loaded).value();
  settings_.model_path = path;
  settings_.save();
  populateModels();
  statusBar()->showMessage(tr("Model %1 %2 loaded (%3)")
                               .arg(qstr(model_spec_.name), qstr(model_spec_.version),
                                    qstr(spare_classifier_->device_name())),
                           8000);
  if (mode_ == Mode::kIdle) faces_->setLabels(model_spec_.labels);
  if (mode_ == Mode::kLive && !recording()) {  // switch the running camera over
    endSession();
    startLive();
  }
  return true;
}

bool MainWindow::setDevice(DeviceChoice device) {
  if (device == DeviceChoice::kCuda && !cuda_available()) {
    reportError(tr("Device"), tr("CUDA is not available on this machine."));
    syncSettingsPanel();
    return false;
  }
  const DeviceChoice previous = settings_.device;
  settings_.device = device;
  spare_classifier_.reset();
  if (!model_path_.isEmpty() && !loadModel(model_path_)) {
    settings_.device = previous;
    syncSettingsPanel();
    return false;
  }
  settings_.save();
  syncSettingsPanel();
  return true;
}

bool MainWindow::setDetector(DetectorKind kind, const QString& model_file) {
  AppSettings next = settings_;
  next.detector = kind;
  if (kind == DetectorKind::kYuNet && !model_file.isEmpty()) next.yunet_model = model_file;
  if (kind == DetectorKind::kSsd && !model_file.isEmpty()) next.ssd_model = model_file;
  DetectorOptions o;
  o.kind = kind;
  o.model_path = sstr(next.detectorModel());
  if (kind != DetectorKind::kHaar && o.model_path.empty()) {
    settings_ = next;  // chosen; the picker asks for the file
    syncSettingsPanel();
    statusBar()->showMessage(tr("Choose the detector's model file (Browse…)."), 8000);
    return false;
  }
  auto detector = create_face_detector(o);
  if (!detector) {
    reportError(tr("Face detector"), qstr(detector.error().message));
    syncSettingsPanel();
    return false;
  }
  settings_ = next;
  settings_.save();
  syncSettingsPanel();
  return true;
}

void MainWindow::setRecordDir(const QString& dir) {
  settings_.record_dir = dir;
  settings_.save();
  syncSettingsPanel();
}

void MainWindow::setMinConfidence(double value) {
  settings_.min_confidence = std::clamp(value, 0.0, 1.0);
  if (session_) session_->setMinConfidence(static_cast<float>(settings_.min_confidence));
  faces_->setMinConfidence(static_cast<float>(settings_.min_confidence));
  settings_.save();
  if (!syncing_) syncSettingsPanel();
}

void MainWindow::setSmoothingMs(double ms) {
  settings_.smoothing_ms = std::max(0.0, ms);
  settings_.save();
}

void MainWindow::setDetectEvery(int frames) {
  settings_.detect_every = std::max(1, frames);
  settings_.save();
}

// ---------------------------------------------------------------------------
// Snapshot, export, seeking, about

bool MainWindow::saveSnapshot(const QString& path) {
  const QImage image = view_->frame();
  if (image.isNull()) {
    reportError(tr("Snapshot"), tr("There is no frame to save yet."));
    return false;
  }
  QString target = path;
  if (target.isEmpty()) {
    QDir().mkpath(settings_.record_dir);
    target = settings_.record_dir + "/snapshot-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz") + ".png";
  }
  if (!image.save(target, "PNG")) {
    reportError(tr("Snapshot"), tr("Cannot write %1.").arg(target));
    return false;
  }
  statusBar()->showMessage(tr("Snapshot saved: %1").arg(target), 8000);
  return true;
}

bool MainWindow::exportAnalysis(const QString& dir, bool replace) {
  if (!analysis_dir_ || mode_ == Mode::kAnalysis) {
    reportError(tr("Export"), tr("There is no finished analysis to export."));
    return false;
  }
  if (!QDir().mkpath(dir)) {
    reportError(tr("Export"), tr("Cannot create %1.").arg(dir));
    return false;
  }
  const QString stem = QFileInfo(analysis_source_).completeBaseName() + "-emoscope";
  QStringList existing;
  for (const char* ext : {".mkv", ".csv", ".json"})
    if (QFileInfo::exists(dir + "/" + stem + ext)) existing << stem + ext;
  if (!existing.isEmpty() && !replace) {
    const QString question = tr("%1 already has %2. Replace?").arg(dir, existing.join(", "));
    const bool agreed = options_.interactive_dialogs &&
                        QMessageBox::question(this, tr("Export"), question) == QMessageBox::Yes;
    if (!agreed) {
      reportError(tr("Export"), tr("Not exported: %1 already has %2.").arg(dir, existing.join(", ")));
      return false;
    }
  }
  for (const char* ext : {".mkv", ".csv", ".json"}) {
    const QString from = analysis_dir_->path() + "/analysis" + ext;
    const QString to = dir + "/" + stem + ext;
    if (!QFileInfo::exists(from) && QString(ext) == ".mkv") continue;  // images: no video
    QFile::remove(to);
    if (!QFile::copy(from, to)) {
      reportError(tr("Export"), tr("Cannot write %1.").arg(to));
      return false;
    }
  }
  statusBar()->showMessage(tr("Exported %1.mkv, .csv and .json to %2").arg(stem, dir), 10000);
  return true;
}

bool MainWindow::seekToFrame(long frame) {
  if (mode_ == Mode::kAnalysis || analysis_records_.empty() || analysis_source_.isEmpty()) return false;
  auto it = std::lower_bound(analysis_records_.begin(), analysis_records_.end(), static_cast<std::uint64_t>(frame),
                             [](const FrameRecord& r, std::uint64_t seq) { return r.seq < seq; });
  if (it == analysis_records_.end()) --it;
  cv::Mat image;
  if (analysis_images_) {
    const std::string path = QFileInfo(analysis_source_).isDir() ? std::string() : sstr(analysis_source_);
    if (!path.empty()) {
      if (emoscope::Result<cv::Mat> read = emoscope::read_image_file(path)) image = std::move(read).value();
    }
  } else {
    if (!seek_capture_) {
      seek_capture_ = std::make_unique<cv::VideoCapture>(sstr(analysis_source_), cv::CAP_FFMPEG);
    }
    if (seek_capture_->isOpened()) {
      seek_capture_->set(cv::CAP_PROP_POS_FRAMES, static_cast<double>(it->seq));
      seek_capture_->read(image);
    }
  }
  if (image.empty()) return false;
  AnnotateOptions ao;
  ao.min_confidence = static_cast<float>(settings_.min_confidence);
  view_->setFrame(to_qimage(annotate(image, it->faces, analysis_labels_, ao)));
  auto from = std::lower_bound(analysis_records_.begin(), it, it->pos_ms - FacePanel::kWindowMs,
                               [](const FrameRecord& r, double t) { return r.pos_ms < t; });
  faces_->setHistory(std::vector<FrameRecord>(from, it), it->pos_ms);
  faces_->updateFaces(it->faces, it->pos_ms);
  timeline_->setCursorFrame(static_cast<long>(it->seq));
  last_update_.seq = it->seq;
  last_update_.pos_ms = it->pos_ms;
  last_update_.faces = it->faces;
  statusBar()->showMessage(tr("Frame %1 (%2 s)").arg(it->seq).arg(it->pos_ms / 1000.0, 0, 'f', 2), 5000);
  updateActions();
  return true;
}

QString MainWindow::aboutText() const {
  QString text = tr("<h3>Emoscope %1</h3><p>Reads facial expressions in real time.</p>").arg(emoscope::version());
  // What the numbers are not, before any number is shown.
  text += tr("<p><b>What the labels are not:</b> a label is the expression that most people who annotated "
             "similar photos would name, and its confidence is how often such a label was right on held-out "
             "photos. It is not a clinical, diagnostic or affective-state measurement: a face labelled "
             "\"sad\" shows an expression, not a person who is sad. Do not use it to judge people.</p>");
  if (model_path_.isEmpty()) return text + tr("<p>No model loaded.</p>");
  QStringList labels;
  for (const std::string& l : model_spec_.labels) labels << qstr(l);
  QString accuracy = tr("not reported");
  const QJsonObject metrics = QJsonDocument::fromJson(QByteArray::fromStdString(model_spec_.metrics_json)).object();
  const QJsonValue test = metrics.value("test");
  if (test.isObject() && test.toObject().value("accuracy").isDouble()) {
    accuracy = QString("%1%").arg(test.toObject().value("accuracy").toDouble() * 100.0, 0, 'f', 1);
  } else if (metrics.value("test_accuracy").isDouble()) {
    accuracy = QString("%1%").arg(metrics.value("test_accuracy").toDouble() * 100.0, 0, 'f', 1);
  }
  text += tr("<p><b>Model:</b> %1 %2<br><b>Labels:</b> %3<br><b>Test accuracy:</b> %4")
              .arg(qstr(model_spec_.name).toHtmlEscaped(), qstr(model_spec_.version).toHtmlEscaped(),
                   labels.join(", ").toHtmlEscaped(), accuracy);
  if (!model_spec_.trained_on.empty()) text += tr("<br><b>Trained on:</b> %1").arg(qstr(model_spec_.trained_on).toHtmlEscaped());
  text += tr("<br><b>File:</b> %1</p>").arg(model_path_.toHtmlEscaped());
  return text;
}

void MainWindow::showAbout() {
  auto* box = new QMessageBox(QMessageBox::Information, tr("About Emoscope"), aboutText(), QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

QString MainWindow::statusText() const {
  return QStringList{fps_label_->text(), detect_label_->text(), classify_label_->text(), dropped_label_->text(),
                     device_label_->text(), record_label_->text()}
      .join(" | ");
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (session_) endSession();  // finalises a recording
  settings_.save();
  if (presentation_) setPresentation(false);  // remember the normal window, not the full screen
  QSettings().setValue("window/geometry", saveGeometry());
  event->accept();
}

}  // namespace emoscope::ui
