#include "emoscope/ui/analysis_result.hpp"

#include <algorithm>
#include <cmath>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <opencv2/videoio.hpp>

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
  source_unreadable_ = false;
  annotated_video_.clear();
  annotated_.reset();
}

void AnalysisResult::setAnnotatedVideo(const QString& path, double offset_ms) {
  annotated_video_ = path;
  annotated_offset_ms_ = offset_ms;
  annotated_.reset();
}

namespace {

// The frame of `cap` nearest to `t_ms` (its own timestamps); empty when none
// can be read. Seeks a little before it and decodes forward, further back when
// the seek lands late (FFmpeg's frame seeking is not exact).
cv::Mat nearest_frame(cv::VideoCapture& cap, double t_ms) {
  const double fps = cap.get(cv::CAP_PROP_FPS);
  const double step = fps > 0 && fps < 1000 ? 1000.0 / fps : 40.0;
  const auto estimate = static_cast<long>(std::max(0.0, std::floor(t_ms / step)));
  for (const long back : {8L, 64L, estimate}) {
    const long from = std::max(0L, estimate - back);
    if (!cap.set(cv::CAP_PROP_POS_FRAMES, static_cast<double>(from))) return {};
    cv::Mat before, image;
    double before_ms = 0;
    bool first = true, late = false;
    while (cap.read(image) && !image.empty()) {
      const double stamp = cap.get(cv::CAP_PROP_POS_MSEC);
      if (first && from > 0 && stamp > t_ms + step / 2) {
        late = true;
        break;
      }
      first = false;
      if (stamp >= t_ms) {
        if (!before.empty() && t_ms - before_ms < stamp - t_ms) return before;
        return image.clone();
      }
      before = image.clone();
      before_ms = stamp;
    }
    if (!late) return before;  // past the end: its last frame
  }
  return {};
}

}  // namespace

void AnalysisResult::add(const std::vector<FrameRecord>& records) {
  records_.insert(records_.end(), records.begin(), records.end());
}

std::optional<AnalysisResult::FrameView> AnalysisResult::frameAt(long frame, float min_confidence) {
  if (records_.empty()) return std::nullopt;
  auto it = std::lower_bound(records_.begin(), records_.end(), static_cast<std::uint64_t>(std::max(0L, frame)),
                             [](const FrameRecord& r, std::uint64_t seq) { return r.seq < seq; });
  if (it == records_.end()) --it;
  if (!seek_source_ && !source_unreadable_ && !source_.isEmpty()) {
    auto opened = images_ ? open_images(sstr(source_)) : open_video_file(sstr(source_));
    if (opened) seek_source_ = std::move(opened).value();
    else source_unreadable_ = true;  // tried once: a missing input stays missing
  }
  cv::Mat source_frame, annotated_frame;
  if (seek_source_ && seek_source_->seek(it->seq, it->pos_ms)) {
    ReadResult read = seek_source_->read();
    if (read.status == ReadStatus::kFrame) source_frame = read.frame.image;
  }
  if (source_frame.empty() && !annotated_video_.isEmpty() && !images_) {
    if (!annotated_) annotated_ = std::make_unique<cv::VideoCapture>(sstr(annotated_video_), cv::CAP_FFMPEG);
    if (annotated_->isOpened()) annotated_frame = nearest_frame(*annotated_, it->pos_ms - annotated_offset_ms_);
  }
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
  if (!source_frame.empty()) view.image = to_qimage(annotate(source_frame, view.record.faces, labels_, options));
  else if (!annotated_frame.empty()) view.image = to_qimage(annotated_frame);  // drawn when it was recorded
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
