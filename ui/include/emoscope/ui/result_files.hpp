// Reading an analysis or a recording back from its files, frames.csv and
// summary.json (docs/output-formats.md), as the records the analysis view
// shows: File → Open results… and the batch queue's finished rows open in the
// timeline without analysing anything again.
// The CSV carries each face's box, IDs, person name, label, confidence and
// smoothed probabilities; the summary the model's labels and the source's
// kind, name, frame count and rate. Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <QString>
#include <QStringList>

#include "emoscope/ui/session.hpp"

namespace emoscope::ui {

// Where one analysis' (or recording's) files are. Only the CSV is required.
struct ResultPaths {
  QString csv;              // the per-frame CSV
  QString summary;          // its summary JSON; "" when none was found beside it
  QString source;           // the input to seek through; "" = the summary's header.source.name
  QString annotated_video;  // the annotated video written beside (a recording, an export); "" when none
};

// The files of the result the user picked: its summary JSON, its CSV or its
// video. The others are looked for beside it under the same name (recordings
// and `analyze` outputs: session-….json, .csv, .mkv), in a batch result's
// layout (summary.json and frames.csv), or, for a picked input video, as the
// app's export of it (clip.mp4 → clip-emoscope.csv, .json, .mkv): the CSV
// and video the report (report.hpp) finds beside the same summary. nullopt
// with `error` set when no CSV is found.
std::optional<ResultPaths> locate_results(const QString& picked, QString* error);

struct ResultFiles {
  QString source;                   // header.source.name: the input as it was given
  QString kind;                     // header.source.kind: video, camera, images; "" without a summary
  bool images = false;              // an image (or a folder of them): no times
  std::vector<std::string> labels;  // header.model.labels, else the CSV's p_<label> columns
  long frame_count = -1;            // header.source.frame_count; -1 when unknown
  double fps = 0;                   // header.source.fps; 0 when unknown
  std::vector<FrameRecord> records; // one per processed frame, in frame order
  long rows_cut = 0;                // CSV rows left out: cut short (a killed run) or without a frame number
  bool has_summary = false;         // a summary was read
};

// Reads `csv` and, when it exists, `summary` (missing: labels from the CSV,
// length from its frames). nullopt with `error` set when the CSV cannot be
// read, lacks the frame and success columns or has no frame at all, and when
// the summary exists but is not an Emoscope summary (cut short, not JSON).
std::optional<ResultFiles> read_result_files(const QString& csv, const QString& summary, QString* error);

// The input a result's frames are shown from: `paths.source` when given, else
// the summary's source when it is a video file, an image or a folder that is
// still there: as given, from the summary's folder, or by its name beside the
// summary; "" when none (a camera, a moved input).
QString result_source(const ResultPaths& paths, const ResultFiles& files);

// One CSV row split into fields (RFC 4180 quoting, "" for a quote); `pos`
// moves past the row's line break. Exposed for tests.
std::vector<std::string> next_csv_row(const std::string& text, std::size_t& pos);

}  // namespace emoscope::ui
