// MainWindow: the Emoscope desktop app. It wires the parts together: the live
// view of a camera (or of a video played in real time behind the same
// interface) with per-face cards, the SettingsPanel, the ModelCatalogue (the
// classifier, loaded once), the RecordingController and the
// AnalysisController (whole-file analysis, timeline, seeking, export), the
// BatchQueue (every video and image of a folder, in a dock), plus
// menus, toolbar, status bar (FPS, latencies, drops, device), presentation
// mode, mirroring, drag-and-drop (a video or image is opened, a summary JSON or
// CSV opens its results) and the window's remembered geometry.
//
// Every user action is a public method (the toolbar, menus and shortcuts call
// the same ones), so tests and the screenshot tour drive the real window.
// Errors go through reportError(): it records the message, emits
// errorReported() and, only when MainWindowOptions::interactive_dialogs is
// set, opens a non-blocking message box (never exec()).
// UI thread only. The pipeline runs in a Session off the UI thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include <QMainWindow>
#include <QString>

#include "emoscope/ui/analysis_controller.hpp"
#include "emoscope/ui/cameras.hpp"
#include "emoscope/ui/model_catalogue.hpp"
#include "emoscope/ui/recording_controller.hpp"
#include "emoscope/ui/result_files.hpp"
#include "emoscope/ui/session.hpp"
#include "emoscope/ui/session_controller.hpp"
#include "emoscope/ui/settings.hpp"
#include "emoscope/ui/status_fields.hpp"

class QDockWidget;
class QDragEnterEvent;
class QDropEvent;
class QProgressBar;
class QUrl;

namespace emoscope::ui {

class BatchQueue;
class FacePanel;
class MainActions;
class ReportExport;
class SessionController;
class SettingsPanel;
class TimelineView;
class VideoView;

struct MainWindowOptions {
  CameraLister cameras = list_cameras;  // tests put a video file behind a "camera"
  bool interactive_dialogs = true;      // false: errors only via errorReported()/lastError()
  std::function<bool(const QUrl&)> open_url;  // opens a report in the browser; empty: QDesktopServices::openUrl
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(MainWindowOptions options = {}, QWidget* parent = nullptr);
  ~MainWindow() override;  // stops everything and finalises recordings

  using Mode = SessionController::Mode;

  // --- actions -------------------------------------------------------------
  void refreshCameras();
  bool startLive();                     // the selected camera
  void stopSource();                    // stops live view or an analysis (finalising files)
  void toggleStartStop();               // Space
  void setPaused(bool paused);
  bool setRecording(bool on);           // R; starts the camera if needed
  bool openVideo(const QString& path);  // whole-file analysis (file mode)
  bool openImage(const QString& path);  // one image (or a folder of images)
  bool openFile(const QString& path);   // a video is analysed, an image or folder shown
  // File → Open folder…: every video and image under `folder` into the batch
  // queue (batch_queue.hpp), analysed into `out_dir` with the current settings,
  // as `emoscope-cli batch` does; the queue's dock opens.
  bool openFolder(const QString& folder, const QString& out_dir);
  // File → Open results…: a finished analysis or recording in the analysis
  // view, read back without analysing again: timeline, face cards, and seeking
  // through its input while that is still there, else through the annotated
  // video beside the results (a recording's). `picked` is its summary JSON,
  // CSV or video (result_files.hpp locate_results() finds the others). Any
  // run going on stops. Missing or damaged files: error reported, false, the
  // view unchanged; a missing video: the timeline only, and the status bar
  // and the view say so.
  bool openResults(const QString& picked);
  // A batch result (OUT/<key>/frames.csv and summary.json) of `input`: the
  // same as openResults(), seeking through `input`.
  bool openBatchResult(const QString& input, const QString& result_dir);
  // File → Export report…: the HTML report (core's write_report, report.hpp)
  // of reportInput(), written off the UI thread to `out_html`; an existing
  // file is replaced only with `replace` (the save dialog asked). True when
  // the report started: reportFinished() follows, the status bar shows it
  // meanwhile and, with interactive dialogs, a box offers to open it in the
  // browser (openReport()). False (error reported) when there is nothing to
  // report on or a report is being written; a failed report: error reported.
  bool exportReport(const QString& out_html, bool replace = false);
  // The summary a report is made of: the newest finished (or cancelled)
  // analysis', recording's or opened results'; "" when none.
  QString reportInput() const;
  // <summary's stem>.report.html beside it, as emoscope-cli report names it
  // (an analysis in the app: <source's stem>.report.html in the recordings folder).
  QString defaultReportPath() const;
  bool reportRunning() const;
  QString lastReport() const { return last_report_; }  // the last report written
  bool openReport();                   // lastReport() in the browser (MainWindowOptions::open_url)
  bool loadModel(const QString& path);  // on failure: error reported, old model stays
  bool saveSnapshot(const QString& path = {});  // S: the annotated frame as PNG
  // CSV, JSON and annotated video. Existing files are replaced only with `replace`,
  // or when the user agrees in a dialog (interactive_dialogs); otherwise an error.
  bool exportAnalysis(const QString& dir, bool replace = false);
  void cancelAnalysis();
  bool seekToFrame(long frame);         // analysis: show that frame with its overlay
  // Applies edited settings; a detector or device that fails keeps the old one (error reported).
  // Also what the settings panel's edits come through.
  bool applySettings(const AppSettings& next);
  // F11: the video and the face cards fill the screen (menus, toolbar and status bar hidden).
  void setPresentation(bool on);
  // Cameras shown like a mirror (flipped left to right before detection, so labels
  // read normally); takes effect on the next frame, persisted. Shortcut M.
  void setMirror(bool on);
  // Shrinks and moves the window into its screen's available area (not below its minimum size).
  void fitToScreen();
  void showAbout();
  QString aboutText() const;
  // People (identities) of the newest run, also after it ended: the faces
  // panel's card menus come through these. A rename or merge shows at once on
  // the cards and the timeline, and on the overlay and in the CSV from the
  // next frame while the run goes on. False (error reported) when there are no
  // people (identities off, nothing run yet) or the request does not apply.
  bool renamePerson(int person, const QString& name);  // "" removes the name
  bool mergePeople(int into, int from);                // `from` becomes part of `into`
  bool splitTrack(int track);  // only while a run goes on: the track becomes a new person on its next frame
  // Writes the named people of the newest run to a gallery file (user-only,
  // 0600; its folder is created), for Settings → Known people in later sessions.
  bool savePeople(const QString& path);
  int namedPeople() const;     // named people the newest run has (0 without people)

  // --- state (for tests and the tour) ---------------------------------------
  Mode mode() const { return sessions_ ? sessions_->mode() : Mode::kIdle; }
  bool recording() const { return sessions_ && sessions_->recording(); }
  bool paused() const { return sessions_ && sessions_->paused(); }
  bool presentation() const { return presentation_; }
  bool mirror() const { return mirror_->load(); }
  bool analysisDone() const { return analysis_->done(); }
  int analysisPercent() const { return analysis_->percent(); }
  QString etaText() const { return analysis_->etaText(); }
  QString recordingBase() const { return recorder_->base(); }  // last recording (no extension)
  QString analysisFilesDir() const { return analysis_->filesDir(); }  // where the analysis files are written
  QString activeModelPath() const { return models_->activePath(); }
  const ModelSpec& activeModelSpec() const { return models_->activeSpec(); }
  QString lastError() const { return last_error_; }
  QString lastNotice() const { return last_notice_; }  // what the last opened results lack (missing video, cut rows)
  QString statusText() const { return status_->text(); }  // the status bar fields, joined
  const SessionUpdate& lastUpdate() const { return last_update_; }
  long framesShown() const { return frames_shown_; }
  int cameraCount() const { return static_cast<int>(cameras_.size()); }
  const AppSettings& settings() const { return settings_; }
  VideoView* videoView() const { return view_; }
  FacePanel* facePanel() const { return faces_; }
  TimelineView* timeline() const { return analysis_->timeline(); }
  QProgressBar* progressBar() const { return analysis_->progressBar(); }
  SettingsPanel* settingsPanel() const { return settings_panel_; }
  ModelCatalogue* models() const { return models_; }
  AnalysisController* analysis() const { return analysis_; }
  RecordingController* recorder() const { return recorder_; }
  SessionController* sessions() const { return sessions_; }
  MainActions* actions() const { return actions_; }
  BatchQueue* batchQueue() const { return batch_; }
  QDockWidget* batchDock() const { return batch_dock_; }

 signals:
  void errorReported(const QString& title, const QString& message);
  void frameShown(quint64 seq, int faces);
  void sourceEnded(const QString& message);   // live source ended or was lost
  void analysisFinished(bool completed);
  void recordingFinished(const QString& base);
  void reportFinished(bool ok, const QString& out_html);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void connectActions();  // MainActions' signals to the commands above
  void buildLayout();
  void buildBatchDock();  // main_window_batch.cpp
  bool showResults(const ResultPaths& paths);  // openResults() and openBatchResult()
  void buildReports();                         // main_window_batch.cpp
  void updateActions();
  void showBanner();
  void reportError(const QString& title, const QString& message);
  void onFrame(const SessionUpdate& update);
  void onRunEnded(Mode mode, const PipelineEnd& end, bool was_recording);
  bool startAnalysis(const QString& path, bool images);
  void onSettingsChanged(const AppSettings& next);
  void showPeople(bool analysis);  // the new run's people on the cards (and an analysis' timeline)
  void peopleEdited(const QString& message);
  void onReportFinished(bool ok, const QString& out_html, const QString& message, int people, qulonglong bytes);

  MainWindowOptions options_;
  AppSettings settings_;
  std::vector<CameraInfo> cameras_;
  bool presentation_ = false;
  SessionUpdate last_update_;
  long frames_shown_ = 0;
  QString last_error_;
  QString last_notice_;
  QString report_input_;  // the summary File → Export report… reports on; "" when none
  QString last_report_;
  std::shared_ptr<std::atomic<bool>> mirror_ = std::make_shared<std::atomic<bool>>(false);

  ModelCatalogue* models_ = nullptr;
  RecordingController* recorder_ = nullptr;
  AnalysisController* analysis_ = nullptr;
  SessionController* sessions_ = nullptr;
  MainActions* actions_ = nullptr;
  SettingsPanel* settings_panel_ = nullptr;
  VideoView* view_ = nullptr;
  FacePanel* faces_ = nullptr;
  StatusFields* status_ = nullptr;
  BatchQueue* batch_ = nullptr;
  QDockWidget* batch_dock_ = nullptr;
  ReportExport* reports_ = nullptr;
  QProgressBar* report_busy_ = nullptr;  // in the status bar while a report is written
};

}  // namespace emoscope::ui
