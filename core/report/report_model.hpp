// The report's inner parts (report.hpp), private to emoscope_report: what a run's
// files say, read into the figures the page shows (report_run.cpp), a study's
// inputs (report_study.cpp), the thumbnails cut from the video (thumbnails.cpp)
// and the HTML around them (report_html.cpp). Plain data; no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "emoscope/error.hpp"
#include "emoscope/report.hpp"

namespace emoscope::report {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

inline constexpr double kNoTime = std::numeric_limits<double>::quiet_NaN();

// Where a thumbnail comes from: a video frame (frame >= 0) or an image file, and the face box in it.
struct ThumbSource {
  long frame = -1;
  std::string image;  // images sources: the image file (the CSV's `image`)
  cv::Rect box;
  double time_s = kNoTime;  // the frame's source time
};

// One label's strongest reading for a person.
struct Moment {
  float p = -1;          // its smoothed probability; < 0: never seen
  double time_s = kNoTime;
  ThumbSource at;
  std::string jpeg;      // base64 JPEG; empty without a thumbnail
};

struct Person {
  int id = 0;
  std::string name;      // empty: shown as P<id> (F<id> for faces when identities are off)
  ojson summary;         // its people[] (faces[]) entry; null when the summary lacks it
  std::vector<std::vector<std::int16_t>> bins;  // per label, per time bin: mean probability x 1000; -1 = not seen
  std::vector<Moment> moments;  // per label
  ThumbSource portrait_at;
  bool has_portrait = false;
  double portrait_time_s = kNoTime;
  std::string portrait;  // base64 JPEG
  // The fallback portrait when the summary names none: the surest, largest detected view.
  double best_score = -1;
  std::string key() const;  // P3, or F3 for a face when identities are off
};

struct Quality {
  long processed = 0;          // processed frames in the CSV
  long with_face = 0;          // of them, with at least one face
  long face_rows = 0;
  long rows_without_label = 0; // a face with no label (no decision on its emotion)
  long rows_without_person = 0;  // identities on: a face not (yet) given a person
};

struct Run {
  fs::path summary_path, csv_path, video_path;
  ojson summary;
  std::vector<std::string> labels;
  bool images = false;       // a still-image source: no times; x is the image's index
  bool identities = true;    // people[]; false: faces[] (a face is a "person")
  double duration_s = 0;     // x range of the timelines (seconds; images: count)
  double bin_s = 1;          // width of a timeline bin
  double first_time_s = kNoTime;  // the first processed frame's source time
  std::vector<Person> people;
  Quality quality;
  std::vector<std::string> warnings;
};

// Reads a run: the summary JSON, then the CSV beside it (ReportOptions::csv, else
// <stem>.csv, else frames.csv), binning each person's probabilities. Errors
// kInputUnreadable naming the file.
Result<Run> read_run(const fs::path& summary, const ReportOptions& options);

// Cuts the portraits and moments from the run's video (or its images) as base64
// JPEGs. A missing or unreadable video: a warning and no thumbnails.
void add_thumbnails(Run& run, const ReportOptions& options);

// One input of a study.
struct StudyInput {
  std::string key, path, status, error, warning;
  double duration_s = kNoTime;
  long frames = -1;
  double seconds = kNoTime;     // wall time of its analysis
  ojson summary;                // null unless done
  fs::path summary_path;
  fs::path report_path;         // its own report when one exists beside its summary; empty otherwise
};

struct Study {
  fs::path dir;
  std::vector<StudyInput> inputs;
  std::vector<std::string> labels;  // every label seen, in order of first sight
  std::vector<std::string> warnings;
};

Result<Study> read_study(const fs::path& dir);

// The HTML pages.
std::string run_html(const Run& run);
std::string study_html(const Study& study, const fs::path& out_html);

// Base64 of bytes (OpenSSL).
std::string base64(const std::vector<unsigned char>& bytes);
// Text for HTML content and attribute values.
std::string escape_html(const std::string& text);
// JSON for a <script type="application/json"> block ("</" cannot end it).
std::string script_json(const ojson& j);
// The run's own report beside its summary: <summary stem>.report.html (docs/report.md).
fs::path report_beside(const fs::path& summary);

// j[key] when j is an object holding it, else a null value: the files read may lack any field.
inline const ojson& field(const ojson& j, const char* key) {
  static const ojson null_value;
  if (!j.is_object()) return null_value;
  const auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

}  // namespace emoscope::report
