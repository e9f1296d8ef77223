// AnalysisController: the panel under the video for a whole-file analysis of a
// video, an image or a folder of images (progress, ETA, pause, cancel, export,
// timeline). It takes a freshly created file-mode Session and records it into
// a temporary folder; what the analysis found is an AnalysisResult (the
// model: every frame's faces, seeking), filled from the session's updates or
// read back from a finished analysis' files; exportAnalysis() copies the files.
// UI thread only. Frames are 0-based source frame indices (Frame::seq); times
// in milliseconds.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <QElapsedTimer>
#include <QImage>
#include <QString>
#include <QWidget>

#include "emoscope/ui/analysis_result.hpp"
#include "emoscope/ui/result_files.hpp"
#include "emoscope/ui/session.hpp"

class QLabel;
class QProgressBar;
class QPushButton;
class QTemporaryDir;

namespace emoscope::ui {

class FacePanel;
class TimelineView;
class VideoView;

class AnalysisController : public QWidget {
  Q_OBJECT
 public:
  // With interactive_dialogs, exporting over existing files asks first;
  // without, it refuses unless told to replace.
  explicit AnalysisController(bool interactive_dialogs, QWidget* parent = nullptr);
  ~AnalysisController() override;

  // Takes over `session` (created for `path` in file mode, not yet started):
  // its results are recorded into a new temporary folder and the panel resets.
  bool begin(Session& session, const QString& path, bool images, QString* error);
  void onUpdate(const SessionUpdate& update);
  // The run ended; true when the whole file was analysed.
  bool onEnded(const PipelineEnd& end);
  void onCancelled();                   // the user stopped it; what ran so far stays
  // An analysis read back from its files (result_files.hpp), shown as a
  // finished run of `source`: timeline, and seeking through `source` while it
  // is still there, else through `annotated_video` ("" for none; see
  // AnalysisResult::setAnnotatedVideo). No export: the files stay in `from`
  // (a folder or a file), which the panel names.
  void showResult(const QString& source, ResultFiles result, const QString& from, const QString& annotated_video = {});
  void setRunState(bool running, bool paused);
  // The run's people (null: identities off): the timeline and the frames shown
  // again by seeking name people as they are called now, merges followed.
  void setPeople(std::shared_ptr<const People> people);

  // AnalysisResult::frameAt, once the run has ended.
  using FrameView = AnalysisResult::FrameView;
  std::optional<FrameView> frameAt(long frame, float min_confidence);
  // frameAt() shown: the frame in `view` (when there is one), the faces and
  // their last minute in `faces`, the timeline's cursor on it. Returns the
  // record shown.
  std::optional<FrameRecord> showFrame(long frame, float min_confidence, VideoView& view, FacePanel& faces);
  // Copies the analysis' .mkv (videos only), .csv and .json into `dir` as
  // <source name>-emoscope.*. Existing files are replaced only with `replace`
  // or when the user agrees. On failure returns false with `error` set.
  bool exportTo(const QString& dir, bool replace, QString* error);

  bool running() const { return running_; }
  bool done() const { return done_; }
  bool hasFiles() const;                // something analysed that can be exported
  int percent() const;
  long processed() const { return processed_; }
  QString etaText() const;
  QString filesDir() const;             // the temporary folder the files are written to
  // Keeps that folder while held (a report being written from it), also past the next analysis.
  std::shared_ptr<const void> holdFiles() const { return files_; }
  QString sourcePath() const { return result_.source(); }
  const std::vector<std::string>& labels() const { return result_.labels(); }
  TimelineView* timeline() const { return timeline_; }
  QProgressBar* progressBar() const { return progress_; }

 signals:
  void pauseToggled(bool paused);
  void cancelRequested();
  void exportRequested();
  void seekRequested(long frame);

 private:
  bool interactive_;
  std::shared_ptr<QTemporaryDir> files_;
  AnalysisResult result_;
  bool running_ = false;
  bool done_ = false;
  long total_ = -1;
  long processed_ = 0;
  QElapsedTimer clock_;

  QProgressBar* progress_ = nullptr;
  QLabel* eta_label_ = nullptr;
  QPushButton* pause_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* export_ = nullptr;
  TimelineView* timeline_ = nullptr;
};

}  // namespace emoscope::ui
