#include "emoscope/ui/main_actions.hpp"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QToolBar>

#include "emoscope/resources.hpp"
#include "emoscope/ui/batch_queue.hpp"
#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

MainActions::MainActions(QMainWindow& window, Context context) : QObject(&window), context_(std::move(context)) {
  QMainWindow* w = &window;
  auto make = [this, w](const QString& text, QKeySequence key, auto slot, bool checkable = false) {
    auto* a = new QAction(text, w);
    a->setShortcut(key);
    a->setCheckable(checkable);
    connect(a, checkable ? &QAction::toggled : &QAction::triggered, this, slot);
    return a;
  };
  start = make(tr("Start"), Qt::Key_Space, [this] { emit startStopRequested(); });
  start->setToolTip(tr("Start / stop the camera (Space)"));
  pause = make(tr("Pause"), {}, [this](bool on) { emit pauseToggled(on); }, true);
  record = new QAction(tr("Record"), w);  // triggered, not toggled: update() sets its check state
  record->setCheckable(true);
  record->setShortcut(Qt::Key_R);
  record->setToolTip(tr("Record annotated video, CSV and JSON summary (R)"));
  connect(record, &QAction::triggered, this, [this](bool on) { emit recordToggled(on); });
  snapshot = make(tr("Snapshot"), Qt::Key_S, [this] { emit snapshotRequested(); });
  snapshot->setToolTip(tr("Save the annotated frame as PNG (S)"));
  auto open = [this, w](const QString& title, const QString& filter) {
    return QFileDialog::getOpenFileName(w, title, context_.settings().last_open_dir, filter);
  };
  QAction* open_video = make(tr("Open video…"), QKeySequence::Open, [this, open] {
    const QString path = open(tr("Open video"), tr("Videos (*.mp4 *.avi *.mkv *.mov *.webm *.m4v);;All files (*)"));
    if (!path.isEmpty()) emit openVideoRequested(path);
  });
  QAction* open_image = make(tr("Open image…"), {}, [this, open] {
    const QString path = open(tr("Open image"), tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;All files (*)"));
    if (!path.isEmpty()) emit openImageRequested(path);
  });
  QAction* open_folder = make(tr("Open folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this, w] {
    QString folder, out_dir;
    if (ask_batch_folders(w, context_.settings(), &folder, &out_dir)) emit openFolderRequested(folder, out_dir);
  });
  open_folder->setToolTip(tr("Analyse every video and image in a folder into a results folder (a batch queue)"));
  open_results = make(tr("Open results…"), {}, [this, open] {
    const QString path = open(tr("Open results"),
                              tr("Emoscope results (*.json *.csv *.mkv *.mp4 *.mov *.m4v *.avi *.webm);;All files (*)"));
    if (!path.isEmpty()) emit openResultsRequested(path);
  });
  open_results->setToolTip(tr("Show a finished analysis or recording (its summary, CSV or video) without analysing it again"));
  QAction* open_model = make(tr("Open model…"), {}, [this, open] {
    const QString path = open(tr("Open model"), tr("Emoscope models (*.pt);;All files (*)"));
    if (!path.isEmpty()) emit openModelRequested(path);
  });
  export_analysis = make(tr("Export analysis…"), {}, [this, w] {
    const QString dir = QFileDialog::getExistingDirectory(w, tr("Export analysis to"), context_.settings().record_dir);
    if (!dir.isEmpty()) emit exportRequested(dir);
  });
  export_report = make(tr("Export report…"), {}, [this, w] {
    const QString path = QFileDialog::getSaveFileName(w, tr("Export report"), context_.report_path(),
                                                      tr("HTML reports (*.html);;All files (*)"));
    if (!path.isEmpty()) emit exportReportRequested(path);
  });
  export_report->setToolTip(tr("Write a report (one HTML page with charts) of the finished analysis or recording"));
  save_people = make(tr("Save people…"), {}, [this, w] {
    const int named = context_.named_people();
    if (named == 0) return void(emit savePeopleRequested({}));  // the window says why there is nothing to save
    const QString notice =
        tr("Saves the people you named in this session (%1) so that later sessions recognise them "
           "(Settings → Known people).").arg(named) +
        "\n\n" +
        tr("The file holds face descriptors: biometric data. It stays on this machine, readable by you only; "
           "Emoscope never sends it anywhere. Delete the file to forget these people.");
    if (QMessageBox::question(w, tr("Save people"), notice, QMessageBox::Save | QMessageBox::Cancel) != QMessageBox::Save) return;
    const AppSettings settings = context_.settings();
    const QString start = settings.people_gallery.isEmpty() ? qstr(default_people_gallery_path()) : settings.people_gallery;
    const QString path = QFileDialog::getSaveFileName(w, tr("Save people"), start, tr("People galleries (*.json);;All files (*)"));
    if (!path.isEmpty()) emit savePeopleRequested(path);
  });
  save_people->setToolTip(tr("Save the named people to a file, to recognise them in later sessions"));
  QAction* quit = make(tr("Quit"), QKeySequence::Quit, [w] { w->close(); });
  presentation = make(tr("Presentation (full screen)"), Qt::Key_F11, [this](bool on) { emit presentationToggled(on); }, true);
  presentation->setShortcutContext(Qt::ApplicationShortcut);
  w->addAction(presentation);  // F11 also works while the menu bar is hidden
  mirror = make(tr("Mirror camera"), Qt::Key_M, [this](bool on) { emit mirrorToggled(on); }, true);
  QAction* about = make(tr("About Emoscope"), {}, [this] { emit aboutRequested(); });
  QAction* refresh = make(tr("Refresh"), {}, [this] { emit refreshCamerasRequested(); });
  refresh->setToolTip(tr("Look for cameras again"));

  QMenu* file = w->menuBar()->addMenu(tr("&File"));
  file->addActions({open_video, open_image, open_folder, open_results, open_model});
  file->addSeparator();
  file->addActions({export_analysis, export_report, snapshot, save_people});
  file->addSeparator();
  file->addAction(quit);
  w->menuBar()->addMenu(tr("&Session"))->addActions({start, pause, record});
  view = w->menuBar()->addMenu(tr("&View"));
  view->addActions({presentation, mirror});
  w->menuBar()->addMenu(tr("&Help"))->addAction(about);

  QToolBar* tools = w->addToolBar(tr("Source"));
  tools->setObjectName("sourceToolbar");
  tools->setMovable(false);
  cameras = new QComboBox(tools);
  cameras->setMinimumContentsLength(24);
  cameras->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  cameras->setAccessibleName(tr("Camera"));
  connect(cameras, QOverload<int>::of(&QComboBox::activated), this, &MainActions::cameraChosen);
  tools->addWidget(new QLabel(tr(" Camera: "), tools));
  tools->addWidget(cameras);
  tools->addAction(refresh);
  tools->addSeparator();
  tools->addActions({start, pause, record, snapshot});
  tools->addSeparator();
  tools->addActions({open_video, open_image});
}

void MainActions::update(const State& s) {
  start->setText(s.live ? tr("Stop") : tr("Start"));
  start->setEnabled(s.live || s.analysing || s.has_camera);
  pause->setEnabled(s.live || s.analysing);
  record->setEnabled(s.live || (!s.analysing && s.has_camera));
  snapshot->setEnabled(s.has_frame);
  export_analysis->setEnabled(s.can_export);
  export_report->setEnabled(s.can_report && !s.reporting && !s.analysing);
  save_people->setEnabled(s.has_people);
  for (auto [action, on] : {std::pair{pause, s.paused}, {record, s.recording}, {presentation, s.presentation}, {mirror, s.mirror}}) {
    const QSignalBlocker block(action);
    action->setChecked(on);
  }
}

void MainActions::setRecordText(const QString& text) { record->setText(text.isEmpty() ? tr("Record") : text); }

void MainActions::setCameras(const std::vector<CameraInfo>& list, const QString& preferred_spec) {
  cameras->clear();
  for (const CameraInfo& c : list) cameras->addItem(qstr(c.name), qstr(c.spec));
  cameras->setEnabled(!list.empty());
  if (list.empty()) cameras->addItem(tr("No camera found"));
  else selectCamera(preferred_spec);
}

int MainActions::cameraIndex() const { return std::max(0, cameras->currentIndex()); }

void MainActions::selectCamera(const QString& spec) {
  const int index = cameras->findData(spec);
  if (index >= 0) cameras->setCurrentIndex(index);
}

}  // namespace emoscope::ui
