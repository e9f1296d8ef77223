// MainActions: the window's commands as QActions (with their shortcuts), the
// menus and the source toolbar (camera picker included). It knows no window
// class: each action emits one signal (after asking for a file where it needs
// one), which MainWindow connects to the public method of the same name, so a
// shortcut, a menu item and a test do the same thing. update() enables and
// checks them from the window's state. UI thread only.
#pragma once

#include <functional>
#include <vector>

#include <QObject>

#include "emoscope/ui/cameras.hpp"
#include "emoscope/ui/settings.hpp"

class QAction;
class QComboBox;
class QMainWindow;
class QMenu;

namespace emoscope::ui {

class MainActions : public QObject {
  Q_OBJECT
 public:
  // What the file dialogs start from: the settings' folders, the named people's
  // count, the report's proposed file.
  struct Context {
    std::function<AppSettings()> settings;
    std::function<int()> named_people;
    std::function<QString()> report_path;
  };
  // Adds the menus and the toolbar to `window`.
  MainActions(QMainWindow& window, Context context);

  struct State {
    bool live = false;
    bool analysing = false;
    bool paused = false;
    bool recording = false;
    bool has_camera = false;
    bool has_frame = false;
    bool can_export = false;
    bool presentation = false;
    bool mirror = false;
    bool has_people = false;  // the newest run has people (identities on)
    bool can_report = false;  // a finished analysis, recording or opened results to report on
    bool reporting = false;   // a report is being written
  };
  void update(const State& state);
  void setRecordText(const QString& text);  // "" = "Record"
  void setCameras(const std::vector<CameraInfo>& cameras, const QString& preferred_spec);
  int cameraIndex() const;
  void selectCamera(const QString& spec);

  QAction* start = nullptr;
  QAction* pause = nullptr;
  QAction* record = nullptr;
  QAction* snapshot = nullptr;
  QAction* export_analysis = nullptr;
  QAction* open_results = nullptr;
  QAction* export_report = nullptr;
  QAction* save_people = nullptr;
  QAction* presentation = nullptr;
  QAction* mirror = nullptr;
  QComboBox* cameras = nullptr;
  QMenu* view = nullptr;  // the View menu (the window adds its docks' toggles)

 signals:
  void cameraChosen(int index);
  void startStopRequested();
  void pauseToggled(bool on);
  void recordToggled(bool on);
  void snapshotRequested();
  void openVideoRequested(const QString& path);
  void openImageRequested(const QString& path);
  void openFolderRequested(const QString& folder, const QString& out_dir);
  void openResultsRequested(const QString& path);
  // The save dialog asked before replacing an existing file: the report may replace it.
  void exportReportRequested(const QString& path);
  void openModelRequested(const QString& path);
  void exportRequested(const QString& dir);
  void savePeopleRequested(const QString& path);  // "" when nobody is named: the window says why
  void presentationToggled(bool on);
  void mirrorToggled(bool on);
  void aboutRequested();
  void refreshCamerasRequested();

 private:
  Context context_;
};

}  // namespace emoscope::ui
