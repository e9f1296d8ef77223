// RecordingController: records a live session (annotated video, CSV and JSON
// summary through the Session's Recorder) as session-YYYYMMDD-HHMMSS[-N].*
// in the chosen folder, named by core's next_recording_base() as emoscope-cli
// live --record names them, so no recording is ever overwritten. Runs the recording clock (elapsed wall time, updated four
// times a second) that the window shows in its status bar and over the video.
// UI thread only.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>

class QTimer;

namespace emoscope::ui {

class Session;

class RecordingController : public QObject {
  Q_OBJECT
 public:
  explicit RecordingController(QObject* parent = nullptr);

  // Starts recording `session` into `record_dir` (created 0700 when missing).
  // On failure returns false with `error` set; nothing is recording then.
  bool start(Session& session, const QString& record_dir, QString* error);
  // Stops and finalises the files; false with `error` set when they could not be completed.
  bool stop(Session& session, QString* error);
  // The session ended (it finalised the files itself): stop the clock and announce it.
  void sessionEnded();

  bool active() const { return active_; }
  QString base() const { return base_; }      // the last recording, without extension
  QString folder() const;                     // its folder
  QString clockText() const;                  // "● REC 01:23" while recording, else ""

 signals:
  void clockTicked(const QString& text);      // every 250 ms while recording
  void finished(const QString& base);         // the files are complete

 private:
  void finish();

  bool active_ = false;
  QString base_;
  QElapsedTimer clock_;
  QTimer* timer_ = nullptr;
};

// "mm:ss", or "h:mm:ss" from an hour on.
QString clock_text(qint64 ms);

}  // namespace emoscope::ui
