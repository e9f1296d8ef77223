#include "emoscope/ui/recording_controller.hpp"

#include <ctime>

#include <QFileInfo>
#include <QTimer>

#include "emoscope/run_options.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/session.hpp"

namespace emoscope::ui {

QString clock_text(qint64 ms) {
  const qint64 s = ms / 1000;
  const auto two = [](qint64 v) { return QString("%1").arg(v, 2, 10, QChar('0')); };
  return s >= 3600 ? QString("%1:%2:%3").arg(s / 3600).arg(two((s / 60) % 60), two(s % 60))
                   : QString("%1:%2").arg(two(s / 60), two(s % 60));
}

RecordingController::RecordingController(QObject* parent) : QObject(parent), timer_(new QTimer(this)) {
  timer_->setInterval(250);
  connect(timer_, &QTimer::timeout, this, [this] { emit clockTicked(clockText()); });
}

bool RecordingController::start(Session& session, const QString& record_dir, QString* error) {
  if (active_) return true;
  const Result<std::string> next = next_recording_base(sstr(record_dir), std::time(nullptr));
  if (!next) {
    *error = error_text(next.error());
    return false;
  }
  const QString base = qstr(next.value());
  if (!session.startRecording(sstr(base), error)) return false;
  base_ = base;
  active_ = true;
  clock_.start();
  timer_->start();
  emit clockTicked(clockText());
  return true;
}

bool RecordingController::stop(Session& session, QString* error) {
  if (!active_) return true;
  const MaybeError s = session.stopRecording();
  finish();
  if (s) *error = tr("The recording could not be completed: %1").arg(qstr(s->message));
  return !s;
}

void RecordingController::sessionEnded() {
  if (active_) finish();
}

void RecordingController::finish() {
  active_ = false;
  timer_->stop();
  emit finished(base_);
}

QString RecordingController::folder() const { return base_.isEmpty() ? QString() : QFileInfo(base_).absolutePath(); }

QString RecordingController::clockText() const {
  return active_ ? tr("● REC %1").arg(clock_text(clock_.elapsed())) : QString();
}

}  // namespace emoscope::ui
