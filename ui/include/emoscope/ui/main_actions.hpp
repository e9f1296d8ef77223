// MainActions: the window's commands as QActions (with their shortcuts), the
// menus and the source toolbar (camera picker included). Each action calls
// one public MainWindow method, so a shortcut, a menu item and a test do the
// same thing. update() enables and checks them from the window's state.
// UI thread only.
#pragma once

#include <vector>

#include <QObject>

#include "emoscope/ui/cameras.hpp"

class QAction;
class QComboBox;
class QMenu;

namespace emoscope::ui {

class MainWindow;

class MainActions : public QObject {
  Q_OBJECT
 public:
  explicit MainActions(MainWindow& window);  // adds the menus and the toolbar to `window`

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
  QAction* save_people = nullptr;
  QAction* presentation = nullptr;
  QAction* mirror = nullptr;
  QComboBox* cameras = nullptr;
  QMenu* view = nullptr;  // the View menu (the window adds its docks' toggles)

 signals:
  void cameraChosen(int index);

 private:
  MainWindow& window_;
};

}  // namespace emoscope::ui
