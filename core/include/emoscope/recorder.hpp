// Recorder: writes a session to disk as it happens:
//  - the annotated video (MJPG in Matroska: every finished frame stays playable
//    if the process dies),
//  - a per-frame, per-face CSV (a row per face, and one row for a frame with no
//    face), flushed every frame. Columns: time_ms, frame, face_id, x, y, w, h,
//    label, confidence, detected (1 = the detector ran on this frame),
//    face_score (the detector's score for the box, 4 decimals; empty for Haar),
//    then p_<label> per model label (smoothed probabilities),
//  - a JSON summary per face, written atomically at finish() and every few seconds.
// Files are created user-only (0600). Not thread-safe: one writer thread.
// Times are source milliseconds; box coordinates are frame pixels.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/error.hpp"
#include "emoscope/pipeline.hpp"

namespace emoscope {

struct RecorderOptions {
  std::string video_path;    // empty = no video
  std::string csv_path;      // empty = no CSV
  std::string summary_path;  // empty = no summary
  double fps = 25.0;         // video frame rate
  cv::Size frame_size;       // video frame size
  std::vector<std::string> labels;
  std::string model_name;
  std::string source_name;
  bool replace_existing = false;  // false: an existing output file is an error, never truncated
};

// RFC 4180 field quoting.
std::string csv_escape(const std::string& field);

struct FaceSummary {
  double first_ms = 0, last_ms = 0;
  long frames = 0;
  double confidence_sum = 0;
  std::vector<long> label_frames;  // per label
};

class Recorder {
 public:
  static Result<std::unique_ptr<Recorder>> open(const RecorderOptions& options);
  ~Recorder();
  // annotated may be empty when there is no video output.
  Status write(const FrameResult& result, const cv::Mat& annotated);
  Status finish();  // idempotent
  long frames_written() const { return frames_; }
  const std::map<int, FaceSummary>& faces() const { return faces_; }
  std::string summary_json() const;

 private:
  explicit Recorder(RecorderOptions options);
  Status write_summary();
  struct Files;
  RecorderOptions options_;
  std::unique_ptr<Files> files_;
  std::map<int, FaceSummary> faces_;
  long frames_ = 0;
  double last_summary_ms_ = 0;
  double first_ms_ = -1, last_ms_ = 0;
  bool finished_ = false;
};

// Creates (truncates) a file with user-only permissions; error if not writable.
Status create_private_file(const std::string& path);

}  // namespace emoscope
