// MainWindow: the Emoscope desktop app. Live view of a camera (or of a video
// played in real time behind the same interface), per-face cards with live
// charts, recording (core Recorder: MKV + CSV + JSON), whole-file analysis
// with progress, ETA, pause/cancel, a clickable timeline and export, a settings
// panel persisted with QSettings, and a status bar (FPS, latencies, drops,
// device).
//
// Every user action is a public method (the toolbar, menus and shortcuts call
// the same ones), so tests and the screenshot tour drive the real window.
// Errors go through reportError(): it records the message, emits
// errorReported() and, only when MainWindowOptions::interactive_dialogs is
// set, opens a non-blocking message box (never exec()).
// UI thread only. The pipeline runs in a Session off the UI thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <QElapsedTimer>
#include <QMainWindow>
#include <QString>

class QDragEnterEvent;
class QDropEvent;

#include "emoscope/classifier.hpp"
#include "emoscope/model_spec.hpp"
#include "emoscope/ui/cameras.hpp"
#include "emoscope/ui/session.hpp"
#include "emoscope/ui/settings.hpp"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTabWidget;
class QTemporaryDir;
class QTimer;

namespace cv { class VideoCapture; }

namespace emoscope::ui {

class VideoView;
class FacePanel;
class TimelineView;

struct MainWindowOptions {
  CameraLister cameras = list_cameras;  // tests put a video file behind a "camera"
  bool interactive_dialogs = true;      // false: errors only via errorReported()/lastError()
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(MainWindowOptions options = {}, QWidget* parent = nullptr);
  ~MainWindow() override;  // stops everything and finalises recordings

  enum class Mode { kIdle, kLive, kAnalysis };

  // --- actions -------------------------------------------------------------
  void refreshCameras();
  bool startLive();                     // the selected camera
  void stopSource();                    // stops live view or an analysis (finalising files)
  void toggleStartStop();               // Space
  void setPaused(bool paused);
  bool setRecording(bool on);           // R; starts the camera if needed
  bool openVideo(const QString& path);  // whole-file analysis (file mode)
  bool openImage(const QString& path);  // one image (or a folder of images)
  bool loadModel(const QString& path);  // on failure: error reported, old model stays
  bool setDevice(DeviceChoice device);  // reloads the model on that device
  bool saveSnapshot(const QString& path = {});  // S: the annotated frame as PNG
  // CSV, JSON and annotated video. Existing files are replaced only with `replace`,
  // or when the user agrees in a dialog (interactive_dialogs); otherwise an error.
  bool exportAnalysis(const QString& dir, bool replace = false);
  void cancelAnalysis();
  bool seekToFrame(long frame);         // analysis: show that frame with its overlay
  void setRecordDir(const QString& dir);
  void setMinConfidence(double value);
  void setSmoothingMs(double ms);
  void setDetectEvery(int frames);
  bool setDetector(DetectorKind kind, const QString& model_file = {});
  void showAbout();
  QString aboutText() const;

  // --- state (for tests and the tour) ---------------------------------------
  Mode mode() const { return mode_; }
  bool recording() const;
  bool paused() const { return paused_; }
  bool analysisDone() const { return analysis_done_; }
  int analysisPercent() const;
  QString etaText() const;
  QString recordingBase() const { return recording_base_; }  // last recording (no extension)
  QString analysisFilesDir() const;     // where the analysis files are written
  QString activeModelPath() const { return model_path_; }
  const ModelSpec& activeModelSpec() const { return model_spec_; }
  QString lastError() const { return last_error_; }
  QString statusText() const;           // the status bar fields, joined
  const SessionUpdate& lastUpdate() const { return last_update_; }
  long framesShown() const { return frames_shown_; }
  int cameraCount() const { return static_cast<int>(cameras_.size()); }
  const AppSettings& settings() const { return settings_; }
  VideoView* videoView() const { return view_; }
  FacePanel* facePanel() const { return faces_; }
  TimelineView* timeline() const { return timeline_; }
  QProgressBar* progressBar() const { return progress_; }

 signals:
  void errorReported(const QString& title, const QString& message);
  void frameShown(quint64 seq, int faces);
  void sourceEnded(const QString& message);   // live source ended or was lost
  void analysisFinished(bool completed);
  void recordingFinished(const QString& base);

 public:
  // F11: the video and the face cards fill the screen (menus, toolbar and status bar hidden).
  void setPresentation(bool on);
  bool presentation() const { return presentation_; }
  // Cameras shown like a mirror (flipped left to right before detection, so labels
  // read normally); takes effect on the next frame, persisted. Shortcut M.
  void setMirror(bool on);
  bool mirror() const { return mirror_->load(); }
  // Shrinks and moves the window into its screen's available area (not below its minimum size).
  void fitToScreen();
  // Opens a dropped or command-line file: a video is analysed, an image or folder shown.
  bool openFile(const QString& path);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildUi();
  QWidget* buildSettingsPanel();
  void syncSettingsPanel();
  void updateActions();
  void reportError(const QString& title, const QString& message);
  SessionConfig makeConfig(const std::string& source, bool live) const;
  std::unique_ptr<Session> createSession(const std::string& source, bool live, QString* error);
  void onFrame(const SessionUpdate& update);
  void onSessionFinished(const PipelineEnd& end);
  void endSession();
  void finishRecordingUi();
  void updateRecordClock();
  void populateModels();
  QString bundledModel(const QString& file) const;
  bool startAnalysis(const QString& path, bool images);

  MainWindowOptions options_;
  AppSettings settings_;
  std::vector<CameraInfo> cameras_;

  // The active model (validated), and a loaded instance ready for the next session.
  QString model_path_;
  ModelSpec model_spec_;
  std::unique_ptr<Classifier> spare_classifier_;

  std::unique_ptr<Session> session_;
  Mode mode_ = Mode::kIdle;
  bool paused_ = false;
  SessionUpdate last_update_;
  long frames_shown_ = 0;
  QString last_error_;

  QString recording_base_;
  QElapsedTimer record_clock_;
  QTimer* record_timer_ = nullptr;

  // Analysis state (kept after it ends, for seeking and export).
  std::unique_ptr<QTemporaryDir> analysis_dir_;
  QString analysis_source_;
  bool analysis_images_ = false;
  bool analysis_done_ = false;
  long analysis_total_ = -1;
  long analysis_processed_ = 0;
  QElapsedTimer analysis_clock_;
  std::vector<FrameRecord> analysis_records_;
  std::vector<std::string> analysis_labels_;
  std::unique_ptr<cv::VideoCapture> seek_capture_;

  // Widgets.
  VideoView* view_ = nullptr;
  FacePanel* faces_ = nullptr;
  TimelineView* timeline_ = nullptr;
  QWidget* analysis_panel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* eta_label_ = nullptr;
  QPushButton* analysis_pause_ = nullptr;
  QPushButton* analysis_cancel_ = nullptr;
  QPushButton* analysis_export_ = nullptr;
  QComboBox* camera_combo_ = nullptr;
  QComboBox* detector_combo_ = nullptr;
  QLineEdit* detector_model_edit_ = nullptr;
  QPushButton* detector_browse_ = nullptr;
  QComboBox* model_combo_ = nullptr;
  QSlider* smoothing_slider_ = nullptr;
  QLabel* smoothing_label_ = nullptr;
  QSlider* confidence_slider_ = nullptr;
  QLabel* confidence_label_ = nullptr;
  QSpinBox* interval_spin_ = nullptr;
  QComboBox* device_combo_ = nullptr;
  QLineEdit* record_dir_edit_ = nullptr;
  QLabel* fps_label_ = nullptr;
  QLabel* detect_label_ = nullptr;
  QLabel* classify_label_ = nullptr;
  QLabel* dropped_label_ = nullptr;
  QLabel* device_label_ = nullptr;
  QLabel* record_label_ = nullptr;
  QAction* presentation_action_ = nullptr;
  QAction* mirror_action_ = nullptr;
  std::shared_ptr<std::atomic<bool>> mirror_ = std::make_shared<std::atomic<bool>>(false);
  bool presentation_ = false;
  void restoreWindowGeometry();
  QAction* start_action_ = nullptr;
  QAction* pause_action_ = nullptr;
  QAction* record_action_ = nullptr;
  QAction* snapshot_action_ = nullptr;
  QAction* export_action_ = nullptr;
  bool syncing_ = false;  // suppresses settings-widget signals while syncing
};

}  // namespace emoscope::ui
