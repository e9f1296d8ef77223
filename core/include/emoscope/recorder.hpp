// Recorder: writes a session to disk as it happens. The formats, every CSV
// column and every summary field, with units, are in docs/output-formats.md:
//  - the annotated video (video_writer.hpp: H.264, or MJPEG, in fragmented MP4
//    or Matroska by the file's extension, each frame at its source time or at
//    the nominal rate (write_video_frame without a time); a
//    killed process leaves a playable file missing at most a second or two;
//    the source's audio copied in when audio_from names it),
//  - a per-frame, per-face CSV (a row per face with success = 1, and one row
//    with success = 0 for a frame with no face), flushed every frame. Columns
//    (kCsvFixedColumns, then p_<label> per model label): time_ms, time_s,
//    frame, image, success, face_id, x, y, w, h, label, confidence, detected,
//    classified, face_score. Time columns are empty for still images, which have no time.
//  - a JSON summary: a header describing the run (app, model, detector,
//    settings, source, start time, frame counts), then per-face figures whose
//    durations come from the frames' timestamps, and per person where their
//    clearest face was taken (portraits.hpp: frame, time, box; never its
//    pixels). Written atomically at finish() and every few seconds while recording.
// A CSV or summary path of "-" means standard output (the summary is then
// written once, at finish()). Other files are created user-only (0600) and
// never replace an existing file unless replace_existing.
// Not thread-safe: one writer thread.
// Units: source times in milliseconds in, seconds and milliseconds out (as the
// column or field name says); box coordinates in frame pixels.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/error.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/portraits.hpp"
#include "emoscope/results.hpp"
#include "emoscope/video_writer.hpp"

namespace emoscope {

class People;  // people.hpp

// The CSV's columns before the per-label probability columns, in order.
inline constexpr std::array<const char*, 17> kCsvFixedColumns = {
    "time_ms", "time_s",     "frame",    "image",      "success",    "face_id", "person_id", "person", "x",
    "y",       "w",          "h",        "label",      "confidence", "detected", "classified", "face_score"};

// What the summary's header says about how the outputs were made.
struct RunDescription {
  SourceInfo source;                   // kind, path or camera, nominal fps, frame count, frame size
  std::string model_version;           // RecorderOptions::model_name holds the name
  std::string model_file;              // path of the model file; empty when unknown
  float neutral_prior = 1.0f;          // the classifier's prior shift (classifier.hpp)
  std::optional<DetectorOptions> detector;  // with model_path as loaded; nullopt = unknown
  std::optional<PipelineOptions> pipeline;  // mode, detect_every, every, tracker; nullopt = unknown
  std::string device;                  // "cpu", "cuda:0"; empty when unknown
  // Identities: the face embedder (name, version, file) and the join
  // distances (people.hpp: the most a join distance grows to, and where it
  // starts); identities_on false = person_id columns stay empty.
  bool identities_on = false;
  std::string embedder_name, embedder_version, embedder_file;
  float identity_threshold = 0.0f;
  float identity_start_distance = 0.0f;
  std::string people_gallery;          // the known-people file named, if any
};

struct RecorderOptions {
  std::string video_path;    // empty = no video
  std::string csv_path;      // empty = no CSV; "-" = standard output
  std::string summary_path;  // empty = no summary; "-" = standard output
  double fps = 25.0;         // nominal video frame rate (frames without a time; keyframe interval)
  cv::Size frame_size;       // video frame size
  VideoCodec video_codec = VideoCodec::kH264;
  std::string audio_from;    // media file whose audio is copied into the video; empty = none
  std::vector<std::string> labels;
  std::string model_name;
  std::string source_name;
  bool replace_existing = false;  // false: an existing output file is an error, never truncated
  RunDescription run;             // for the summary's header
  // Identities settle before they are written: a frame's CSV rows and summary
  // figures wait until the source has moved settle_ms past it, then carry the
  // person each ID has become meanwhile (People::canonical, with that person's
  // name): a person started from a poor first view and rejoined a second later
  // never reaches the files. The video is written at once. Frames without a
  // source time (still images) are not held. 0 or no people: nothing held.
  std::shared_ptr<const People> people;
  double settle_ms = 0;
};

// The detector and processing settings as the summary's header writes them,
// as compact JSON (batch.cpp keys its finished inputs on them).
std::string run_settings_json(const RunDescription& run);

// RFC 4180 field quoting.
std::string csv_escape(const std::string& field);
// The reading side of csv_escape: the record of `text` at `pos` into `fields`,
// `pos` moved past it (and its line end; a CR before a line end is dropped).
// Quoted fields may hold commas, doubled quotes and line breaks. False when a
// quoted field is not closed, or text follows its closing quote.
bool read_csv_record(const std::string& text, std::size_t& pos, std::vector<std::string>& fields);

// The local time as ISO 8601 with its UTC offset, e.g. 2026-12-01T14:17:53+01:00.
std::string iso8601_local(std::chrono::system_clock::time_point t);

struct FaceSummary {
  std::optional<double> first_ms, last_ms;  // source times; unset for still images
  long frames = 0;
  double seconds = 0;                 // time on screen, from frame timestamps
  double confidence_sum = 0;
  std::vector<long> label_frames;     // per label
  std::vector<double> label_seconds;  // per label, from frame timestamps
  std::vector<int> tracks;            // people only: the face (track) IDs seen as this person
  std::string name;                   // people only: the newest name given
};

class Recorder {
 public:
  static Result<std::unique_ptr<Recorder>> open(const RecorderOptions& options);
  ~Recorder();
  // A processed frame: its CSV rows and summary figures, and `annotated` as a
  // video frame unless it is empty (no video, or frames written apart).
  MaybeError write(const FrameResult& result, const cv::Mat& annotated);
  // One video frame only (RecordingWriter writes every captured frame this
  // way, and results through write(result, {})); nothing without a video.
  // `time` places it on the video's timeline; unset: one frame after the last
  // at the nominal rate (RecordingWriter repeats frames to fill gaps in time).
  MaybeError write_video_frame(const cv::Mat& annotated, SourceTime time = {});
  // The run's frame counts as the pipeline reports them at its end (the
  // header's frames read / dropped); without it they are counted from the
  // frames written (sequence numbers and drop counts).
  void set_end(const PipelineEnd& end);
  MaybeError finish();  // idempotent
  long frames_written() const { return frames_; }      // processed frames (CSV)
  long video_frames_written() const { return video_frames_; }
  const std::map<int, FaceSummary>& faces() const { return faces_; }
  const std::map<int, FaceSummary>& people() const { return people_; }
  // Where each person's clearest face was (no thumbnails: the summary names the place only).
  const Portraits& portraits() const { return portraits_; }
  std::string summary_json() const;

 private:
  explicit Recorder(RecorderOptions options);
  MaybeError write_summary();
  MaybeError write_rows(const FrameResult& result);  // CSV rows and summary figures
  // Writes the held frames at or before `until_ms` (source time), with settled people.
  MaybeError release_settled(double until_ms);
  void credit_previous(double slice_ms);
  double last_slice_ms() const;  // the estimated duration of the newest frame
  struct Files;
  RecorderOptions options_;
  std::unique_ptr<Files> files_;
  std::map<int, FaceSummary> faces_;   // by face (track) ID
  std::map<int, FaceSummary> people_;  // by person ID
  Portraits portraits_;
  std::string start_time_;
  long frames_ = 0;
  long video_frames_ = 0;
  long timed_frames_ = 0;
  std::optional<double> first_ms_, last_ms_;
  double covered_ms_ = 0;  // sum of the frames' time slices so far (the newest excluded)
  // The newest frame's faces (summaries to credit, label), credited with its
  // time slice once the next frame's time (or the end) is known.
  struct Pending {
    int face, person, label;
  };
  std::vector<Pending> pending_;
  std::uint64_t first_seq_ = 0, last_seq_ = 0;
  std::uint64_t first_dropped_ = 0, last_dropped_ = 0;
  std::optional<PipelineEnd> end_;
  double last_summary_ms_ = 0;
  bool finished_ = false;
  std::deque<FrameResult> settling_;  // held for settle_ms, without their pixels
};

// Creates (truncates) a file with user-only permissions; error if not writable.
MaybeError create_private_file(const std::string& path);

}  // namespace emoscope
