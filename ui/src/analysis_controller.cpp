#include "emoscope/ui/analysis_controller.hpp"

#include <algorithm>

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTemporaryDir>
#include <QVBoxLayout>

#include "emoscope/frame_source.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/recording_controller.hpp"
#include "emoscope/ui/timeline.hpp"
#include "emoscope/ui/video_view.hpp"

namespace emoscope::ui {

AnalysisController::AnalysisController(bool interactive_dialogs, QWidget* parent)
    : QWidget(parent), interactive_(interactive_dialogs) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 100);
  eta_label_ = new QLabel(this);
  eta_label_->setMinimumWidth(160);
  pause_ = new QPushButton(tr("Pause"), this);
  pause_->setCheckable(true);
  connect(pause_, &QPushButton::toggled, this, &AnalysisController::pauseToggled);
  cancel_ = new QPushButton(tr("Cancel"), this);
  connect(cancel_, &QPushButton::clicked, this, &AnalysisController::cancelRequested);
  export_ = new QPushButton(tr("Export…"), this);
  connect(export_, &QPushButton::clicked, this, &AnalysisController::exportRequested);
  row->addWidget(new QLabel(tr("Analysis:"), this));
  row->addWidget(progress_, 1);
  row->addWidget(eta_label_);
  row->addWidget(pause_);
  row->addWidget(cancel_);
  row->addWidget(export_);
  layout->addLayout(row);
  timeline_ = new TimelineView(this);
  connect(timeline_, &TimelineView::seekRequested, this, &AnalysisController::seekRequested);
  layout->addWidget(timeline_);

  progress_->setAccessibleName(tr("Analysis progress"));
  timeline_->setAccessibleName(tr("Analysis timeline: labels over time; click to seek"));
  pause_->setAccessibleName(tr("Pause analysis"));
  cancel_->setAccessibleName(tr("Cancel analysis"));
  export_->setAccessibleName(tr("Export analysis"));
  setRunState(false, false);
}

AnalysisController::~AnalysisController() = default;

bool AnalysisController::begin(Session& session, const QString& path, bool images, QString* error) {
  auto files = std::make_shared<QTemporaryDir>(QDir::tempPath() + "/emoscope-analysis-XXXXXX");
  if (!files->isValid()) {
    *error = tr("Cannot create a temporary folder: %1").arg(files->errorString());
    return false;
  }
  if (!session.startRecording(sstr(files->path() + "/analysis"), error)) return false;
  files_ = std::move(files);
  result_.reset(path, images || session.sourceInfo().kind == SourceKind::kImages, session.modelSpec().labels);
  done_ = false;
  total_ = session.sourceInfo().frame_count;
  processed_ = 0;
  timeline_->reset(result_.labels(), total_, session.sourceInfo().fps);
  progress_->setRange(0, total_ > 0 ? 100 : 0);  // busy indicator when the length is unknown
  progress_->setValue(0);
  eta_label_->setText(tr("starting…"));
  eta_label_->setToolTip({});
  clock_.start();
  setRunState(true, false);
  show();
  return true;
}

void AnalysisController::onUpdate(const SessionUpdate& u) {
  timeline_->addRecords(u.new_records);
  result_.add(u.new_records);
  processed_ = static_cast<long>(u.processed);
  if (total_ <= 0) {
    eta_label_->setText(tr("%1 frames").arg(processed_));
    return;
  }
  progress_->setValue(percent());
  const double per_frame = static_cast<double>(clock_.elapsed()) / std::max<long>(1, processed_);
  const double left = per_frame * std::max<long>(0, total_ - processed_);
  eta_label_->setText(tr("%1 / %2 frames, ETA %3").arg(processed_).arg(total_).arg(clock_text(static_cast<qint64>(left) + 999)));
}

bool AnalysisController::onEnded(const PipelineEnd& end) {
  done_ = end.reason == EndReason::kEndOfStream;
  processed_ = static_cast<long>(end.frames_processed);
  if (done_) {
    total_ = std::max(total_, processed_);
    progress_->setRange(0, 100);
    progress_->setValue(100);
    eta_label_->setText(tr("done: %1 frames in %2 s").arg(processed_).arg(clock_.elapsed() / 1000.0, 0, 'f', 1));
  } else {
    eta_label_->setText(tr("stopped at %1 frames").arg(processed_));
  }
  setRunState(false, false);
  return done_;
}

void AnalysisController::onCancelled() {
  eta_label_->setText(tr("cancelled at %1 frames").arg(processed_));
  setRunState(false, false);
}

void AnalysisController::showResult(const QString& source, ResultFiles result, const QString& from,
                                    const QString& annotated_video) {
  files_.reset();  // nothing to export: the files are already where they belong
  result_.reset(source, result.images || is_image_path(sstr(source)), std::move(result.labels));
  const double first_ms = result.records.empty() ? 0.0 : result.records.front().pos_ms;
  result_.setRecords(std::move(result.records));
  result_.setAnnotatedVideo(annotated_video, first_ms);
  done_ = true;
  processed_ = static_cast<long>(result_.records().size());
  total_ = std::max(result.frame_count, processed_);
  timeline_->reset(result_.labels(), total_, result.fps);
  timeline_->addRecords(result_.records());
  progress_->setRange(0, 100);
  progress_->setValue(100);
  eta_label_->setText(tr("done: %1 frames, read from %2").arg(processed_).arg(QFileInfo(from).fileName()));
  eta_label_->setToolTip(from);
  setRunState(false, false);
  show();
}

void AnalysisController::setRunState(bool running, bool paused) {
  running_ = running;
  pause_->setEnabled(running);
  cancel_->setEnabled(running);
  export_->setEnabled(hasFiles());
  const QSignalBlocker block(pause_);
  pause_->setChecked(running && paused);
}

void AnalysisController::setPeople(std::shared_ptr<const People> people) {
  result_.setPeople(people);
  timeline_->setPeople(std::move(people));
}

bool AnalysisController::hasFiles() const { return files_ && !running_ && processed_ > 0; }

int AnalysisController::percent() const {
  if (done_) return 100;
  if (total_ <= 0) return 0;
  return static_cast<int>(std::min<long>(99, processed_ * 100 / total_));
}

QString AnalysisController::etaText() const { return eta_label_->text(); }

QString AnalysisController::filesDir() const { return files_ ? files_->path() : QString(); }

std::optional<AnalysisController::FrameView> AnalysisController::frameAt(long frame, float min_confidence) {
  if (running_) return std::nullopt;
  return result_.frameAt(frame, min_confidence);
}

std::optional<FrameRecord> AnalysisController::showFrame(long frame, float min_confidence, VideoView& view,
                                                         FacePanel& faces) {
  std::optional<FrameView> shown = frameAt(frame, min_confidence);
  if (!shown) return std::nullopt;
  if (!shown->image.isNull()) view.setFrame(shown->image);  // else the view keeps saying why there is none
  faces.setHistory(shown->history, shown->record.pos_ms);
  faces.updateFaces(shown->record.faces, shown->record.pos_ms);
  timeline_->setCursorFrame(static_cast<long>(shown->record.seq));
  return shown->record;
}

bool AnalysisController::exportTo(const QString& dir, bool replace, QString* error) {
  if (!hasFiles()) {
    *error = tr("There is no finished analysis to export.");
    return false;
  }
  const auto may_replace = [&](const QStringList& existing) {
    if (replace) return true;
    const QString question = tr("%1 already has %2. Replace?").arg(dir, existing.join(", "));
    return interactive_ && QMessageBox::question(this, tr("Export"), question) == QMessageBox::Yes;
  };
  return exportAnalysis(files_->path(), result_.source(), dir, may_replace, error);
}

}  // namespace emoscope::ui
