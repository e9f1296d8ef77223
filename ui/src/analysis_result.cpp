#include "emoscope/ui/analysis_result.hpp"

#include <algorithm>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "emoscope/annotator.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/face_panel.hpp"

namespace emoscope::ui {

AnalysisResult::AnalysisResult() = default;
AnalysisResult::~AnalysisResult() = default;

void AnalysisResult::reset(const QString& source, bool images, std::vector<std::string> labels) {
  source_ = source;
  images_ = images;
  labels_ = std::move(labels);
  records_.clear();
  records_.shrink_to_fit();
  seek_source_.reset();
}

void AnalysisResult::add(const std::vector<FrameRecord>& records) {
  records_.insert(records_.end(), records.begin(), records.end());
}

std::optional<AnalysisResult::FrameView> AnalysisResult::frameAt(long frame, float min_confidence) {
  if (records_.empty()) return std::nullopt;
  auto it = std::lower_bound(records_.begin(), records_.end(), static_cast<std::uint64_t>(std::max(0L, frame)),
                             [](const FrameRecord& r, std::uint64_t seq) { return r.seq < seq; });
  if (it == records_.end()) --it;
  if (!seek_source_) {
    auto opened = images_ ? open_images(sstr(source_)) : open_video_file(sstr(source_));
    if (!opened) return std::nullopt;
    seek_source_ = std::move(opened).value();
  }
  if (!seek_source_->seek(it->seq, it->pos_ms)) return std::nullopt;
  ReadResult read = seek_source_->read();
  if (read.status != ReadStatus::kFrame) return std::nullopt;
  AnnotateOptions options;
  options.min_confidence = min_confidence;
  FrameView view;
  view.record = *it;
  if (people_) {  // renamed or merged since the frame was analysed
    for (TrackedFace& f : view.record.faces) {
      if (f.person_id <= 0) continue;
      f.person_id = people_->canonical(f.person_id);
      f.person_name = people_->name(f.person_id);
    }
  }
  view.image = to_qimage(annotate(read.frame.image, view.record.faces, labels_, options));
  auto from = std::lower_bound(records_.begin(), it, it->pos_ms - FacePanel::kWindowMs,
                               [](const FrameRecord& r, double t) { return r.pos_ms < t; });
  view.history.assign(from, it);
  return view;
}

bool exportAnalysis(const QString& files_dir, const QString& source, const QString& dir,
                    const std::function<bool(const QStringList& existing)>& may_replace, QString* error) {
  static const char* const kExtensions[] = {".mkv", ".csv", ".json"};
  if (!QDir().mkpath(dir)) {
    *error = QCoreApplication::translate("emoscope::ui::AnalysisController", "Cannot create %1.").arg(dir);
    return false;
  }
  const QString stem = QFileInfo(source).completeBaseName() + "-emoscope";
  QStringList existing;
  for (const char* ext : kExtensions)
    if (QFileInfo::exists(dir + "/" + stem + ext)) existing << stem + ext;
  if (!existing.isEmpty() && !may_replace(existing)) {
    *error = QCoreApplication::translate("emoscope::ui::AnalysisController", "Not exported: %1 already has %2.").arg(dir, existing.join(", "));
    return false;
  }
  for (const char* ext : kExtensions) {
    const QString from = files_dir + "/analysis" + ext;
    const QString to = dir + "/" + stem + ext;
    if (!QFileInfo::exists(from) && QString(ext) == ".mkv") continue;  // images: no video
    QFile::remove(to);
    if (!QFile::copy(from, to)) {
      *error = QCoreApplication::translate("emoscope::ui::AnalysisController", "Cannot write %1.").arg(to);
      return false;
    }
  }
  return true;
}

}  // namespace emoscope::ui
