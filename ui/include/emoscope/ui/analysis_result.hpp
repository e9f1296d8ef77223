// AnalysisResult: what a whole-file analysis found, without any widget: every
// analysed frame's faces in frame order, the model's labels, and the source,
// which it seeks (a FrameSource of its own) to show any analysed frame again,
// annotated as it was analysed; without a readable source (a recording's
// camera, a moved input) frames come as they are from an annotated video
// written beside the results, found by time. AnalysisController (the panel)
// owns one.
// exportAnalysis() copies an analysis' files. UI thread only; frames are
// 0-based source frame indices (Frame::seq), times in milliseconds.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <QImage>
#include <QString>

#include "emoscope/people.hpp"
#include "emoscope/ui/session.hpp"

namespace cv {
class VideoCapture;
}
namespace emoscope {
class FrameSource;
}

namespace emoscope::ui {

class AnalysisResult {
 public:
  AnalysisResult();
  ~AnalysisResult();

  // A new result for `source` (a video, or images): no records yet.
  void reset(const QString& source, bool images, std::vector<std::string> labels);
  void add(const std::vector<FrameRecord>& records);  // in frame order
  void setRecords(std::vector<FrameRecord> records) { records_ = std::move(records); }
  // A video with the overlays drawn in (a recording's .mkv, an exported
  // analysis'): shown as it is when the source cannot be read; "" for none. A
  // record at source time t is its frame nearest to t − `offset_ms` (the
  // video starts at its first frame, the first record's time), so a recording
  // whose first frames were dropped shows frames a few frames early, and one
  // paused while recording (the video leaves the pause out, the CSV keeps the
  // source's times) shows frames after the pause later by the time paused.
  void setAnnotatedVideo(const QString& path, double offset_ms);
  // The run's people (null: identities off): frames shown again name people as
  // they are called now, merges followed.
  void setPeople(std::shared_ptr<const People> people) { people_ = std::move(people); }

  // The frame nearest to `frame` among those analysed, annotated as it was
  // analysed, with the records of the minute before it (for the face charts);
  // nullopt only without records. The image is null when no video can be
  // read (the source gone, no annotated video): the faces still come.
  struct FrameView {
    QImage image;
    FrameRecord record;
    std::vector<FrameRecord> history;
  };
  std::optional<FrameView> frameAt(long frame, float min_confidence);

  const QString& source() const { return source_; }
  bool images() const { return images_; }
  const std::vector<std::string>& labels() const { return labels_; }
  const std::vector<FrameRecord>& records() const { return records_; }
  const QString& annotatedVideo() const { return annotated_video_; }

 private:
  QString source_;
  bool images_ = false;
  std::vector<std::string> labels_;
  std::vector<FrameRecord> records_;  // in frame order
  std::unique_ptr<FrameSource> seek_source_;
  bool source_unreadable_ = false;
  QString annotated_video_;
  double annotated_offset_ms_ = 0;
  std::unique_ptr<cv::VideoCapture> annotated_;
  std::shared_ptr<const People> people_;
};

// Copies an analysis' analysis.mkv (videos only), .csv and .json from
// `files_dir` into `dir` as <source name>-emoscope.*. When some of those exist
// already, `may_replace` (given their names) decides. False with `error` set
// when nothing or not everything was written.
bool exportAnalysis(const QString& files_dir, const QString& source, const QString& dir,
                    const std::function<bool(const QStringList& existing)>& may_replace, QString* error);

}  // namespace emoscope::ui
