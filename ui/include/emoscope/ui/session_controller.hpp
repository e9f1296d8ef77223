// SessionController: the app's state machine of runs. At most one Session runs
// at a time: a live camera (which RecordingController may record) or a
// whole-file analysis (handed to AnalysisController). It creates sessions with
// the ModelCatalogue's shared classifier and the settings the window gives it
// (configure()), starts, pauses, stops and ends them, and passes every update
// on. Errors come back as return values with a message, never as dialogs.
// UI thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <QObject>
#include <QSize>
#include <QString>

#include "emoscope/ui/session.hpp"

namespace emoscope::ui {

class AnalysisController;
class ModelCatalogue;
class RecordingController;

// How a run ended, in a sentence for the user.
QString describe_end(const PipelineEnd& end);

class SessionController : public QObject {
  Q_OBJECT
 public:
  enum class Mode { kIdle, kLive, kAnalysis };

  SessionController(ModelCatalogue& models, RecordingController& recorder, AnalysisController& analysis,
                    QObject* parent = nullptr);
  ~SessionController() override;  // stops the run and finalises its files

  // Fills each new session's configuration (detector, smoothing, ...); source and mode are set here.
  void configure(std::function<void(SessionConfig&)> fill) { fill_config_ = std::move(fill); }
  // The configuration a run of `source` gets: configure()'s settings, the mode
  // and the active model's file (also what the batch queue runs with).
  SessionConfig config(const std::string& source, bool live) const;

  bool startLive(const std::string& camera_spec, QString* error);
  // A video (analysed frame by frame), an image or a folder of images.
  bool startAnalysis(const QString& path, bool images, QString* error);
  // Ends the run (a live view, or an analysis, which counts as cancelled); finalises files.
  void stop();
  void setPaused(bool paused);
  void setMinConfidence(float value);
  // Device pixels the view shows frames at; sessions pre-scale frames to it.
  void setDisplaySize(const QSize& size);

  Mode mode() const { return mode_; }
  bool paused() const { return paused_; }
  bool recording() const;
  Session* session() const { return session_.get(); }
  // The people of the newest run, kept after it ends (renaming and merging them
  // still relabels its results; Save people writes them); null when that run
  // had identities off or nothing has run yet. peopleEmbedder(): the face
  // embedder their descriptors come from (a gallery records it).
  const std::shared_ptr<People>& people() const { return people_; }
  const std::optional<ModelSpec>& peopleEmbedder() const { return people_embedder_; }
  // Those people's clearest faces (Session::portraits()), kept with them.
  const std::shared_ptr<Portraits>& portraits() const { return portraits_; }
  // No run's people any more (results read back from files have none to edit).
  void forgetPeople();

 signals:
  void frameReady(const emoscope::ui::SessionUpdate& update);
  // The source ended by itself (end of file, camera lost, error): the run is
  // over, any recording finalised, and an analysis told (AnalysisController::done()
  // says whether the whole file was analysed).
  void runEnded(emoscope::ui::SessionController::Mode mode, const emoscope::PipelineEnd& end, bool was_recording);

 private:
  std::unique_ptr<Session> create(const std::string& source, bool live, QString* error);
  void onFinished(const PipelineEnd& end);
  void keepPeople();  // the new session's people become people()

  ModelCatalogue& models_;
  RecordingController& recorder_;
  AnalysisController& analysis_;
  std::function<void(SessionConfig&)> fill_config_;
  std::unique_ptr<Session> session_;
  std::shared_ptr<People> people_;
  std::shared_ptr<Portraits> portraits_;
  std::optional<ModelSpec> people_embedder_;
  Mode mode_ = Mode::kIdle;
  bool paused_ = false;
  QSize display_size_;
  bool in_session_signal_ = false;  // handling one of the session's signals
};

}  // namespace emoscope::ui

Q_DECLARE_METATYPE(emoscope::ui::SessionController::Mode)
