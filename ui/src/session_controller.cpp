#include "emoscope/ui/session_controller.hpp"

#include <QApplication>

#include "emoscope/ui/analysis_controller.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/model_catalogue.hpp"
#include "emoscope/ui/recording_controller.hpp"

namespace emoscope::ui {

QString describe_end(const PipelineEnd& end) {
  switch (end.reason) {
    case EndReason::kEndOfStream: return SessionController::tr("The source ended.");
    case EndReason::kReadError: return SessionController::tr("The source could not be read any further: %1").arg(qstr(end.message));
    case EndReason::kSourceLost: return SessionController::tr("The camera was lost: %1").arg(qstr(end.message));
    case EndReason::kStopped: return SessionController::tr("Stopped.");
    case EndReason::kFailed: return SessionController::tr("Processing failed: %1").arg(qstr(end.message));
  }
  return {};
}

SessionController::SessionController(ModelCatalogue& models, RecordingController& recorder,
                                     AnalysisController& analysis, QObject* parent)
    : QObject(parent), models_(models), recorder_(recorder), analysis_(analysis) {
  qRegisterMetaType<emoscope::ui::SessionUpdate>();
  qRegisterMetaType<emoscope::PipelineEnd>();
}

SessionController::~SessionController() { stop(); }

SessionConfig SessionController::config(const std::string& source, bool live) const {
  SessionConfig config;
  if (fill_config_) fill_config_(config);
  config.source = source;
  config.live = live;
  config.model_path = sstr(models_.activePath());
  return config;
}

std::unique_ptr<Session> SessionController::create(const std::string& source, bool live, QString* error) {
  if (!models_.hasModel()) {
    *error = tr("No emotion model is loaded. Choose one in Settings → Emotion model.");
    return nullptr;
  }
  const SessionConfig config = this->config(source, live);
  QApplication::setOverrideCursor(Qt::WaitCursor);
  auto session = Session::create(config, error, models_.classifier(), this);
  QApplication::restoreOverrideCursor();
  if (!session) {
    const QString gallery = qstr(config.identity.gallery_path);
    if (config.identity.enabled && !gallery.isEmpty() && error->contains(gallery)) {
      *error += "\n\n" + tr("Choose another file, or clear it, in Settings → Known people.");
    }
    return nullptr;
  }
  connect(session.get(), &Session::frameReady, this, [this](const SessionUpdate& u) {
    const bool outer = !in_session_signal_;
    in_session_signal_ = true;
    if (mode_ == Mode::kAnalysis) analysis_.onUpdate(u);
    emit frameReady(u);
    if (outer) in_session_signal_ = false;
  });
  connect(session.get(), &Session::finished, this, [this, raw = session.get()](const PipelineEnd& end) {
    if (raw != session_.get()) return;
    const bool outer = !in_session_signal_;
    in_session_signal_ = true;
    onFinished(end);
    if (outer) in_session_signal_ = false;
  });
  session->setDisplaySize(display_size_);
  return session;
}

bool SessionController::startLive(const std::string& camera_spec, QString* error) {
  if (mode_ == Mode::kLive && session_ && session_->config().source == camera_spec) return true;
  stop();
  session_ = create(camera_spec, /*live=*/true, error);
  if (!session_) return false;
  keepPeople();
  mode_ = Mode::kLive;
  session_->start();
  return true;
}

bool SessionController::startAnalysis(const QString& path, bool images, QString* error) {
  stop();
  auto session = create(sstr(path), /*live=*/false, error);
  if (!session || !analysis_.begin(*session, path, images, error)) return false;
  session_ = std::move(session);
  keepPeople();
  mode_ = Mode::kAnalysis;
  session_->start();
  return true;
}

void SessionController::keepPeople() {
  people_ = session_->people();
  portraits_ = session_->portraits();
  people_embedder_.reset();
  if (session_->embedder()) people_embedder_ = session_->embedder()->spec();
}

void SessionController::forgetPeople() {
  people_.reset();
  portraits_.reset();
  people_embedder_.reset();
}

void SessionController::stop() {
  if (!session_) return;
  session_->stop();  // joins the pipeline and finalises any recording
  Session* ended = session_.release();
  ended->disconnect(this);
  // Its queued deliveries die with it; but inside one of its own signals it
  // must outlive the emission.
  // (A queued delete rather than deleteLater(): that one waits for an event loop
  // level that processEvents() callers may never return to.)
  if (in_session_signal_) QMetaObject::invokeMethod(this, [ended] { delete ended; }, Qt::QueuedConnection);
  else delete ended;
  recorder_.sessionEnded();
  if (mode_ == Mode::kAnalysis) analysis_.onCancelled();
  mode_ = Mode::kIdle;
  paused_ = false;
}

void SessionController::onFinished(const PipelineEnd& end) {
  const Mode mode = mode_;
  const bool was_recording = recorder_.active();
  if (mode == Mode::kAnalysis) analysis_.onEnded(end);
  mode_ = Mode::kIdle;  // an analysis that ended by itself is not cancelled
  stop();
  emit runEnded(mode, end, was_recording);
}

void SessionController::setPaused(bool paused) {
  paused_ = paused && session_;
  if (session_) session_->setPaused(paused_);
}

void SessionController::setMinConfidence(float value) {
  if (session_) session_->setMinConfidence(value);
}

void SessionController::setDisplaySize(const QSize& size) {
  display_size_ = size;
  if (session_) session_->setDisplaySize(size);
}

bool SessionController::recording() const { return session_ && mode_ == Mode::kLive && recorder_.active(); }

}  // namespace emoscope::ui
