// Reading an analysis back from its files, frames.csv and summary.json
// (docs/output-formats.md), as the records the analysis view shows: a batch
// result (OUT/<key>/) opens in the timeline without analysing the input again.
// The CSV carries each face's box, IDs, person name, label, confidence and
// smoothed probabilities; the summary the model's labels and the source's
// kind, frame count and rate. Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <QString>

#include "emoscope/ui/session.hpp"

namespace emoscope::ui {

struct ResultFiles {
  QString source;                   // header.source.name: the input as it was given
  bool images = false;              // an image (or a folder of them): no times
  std::vector<std::string> labels;  // header.model.labels, else the CSV's p_<label> columns
  long frame_count = -1;            // header.source.frame_count; -1 when unknown
  double fps = 0;                   // header.source.fps; 0 when unknown
  std::vector<FrameRecord> records; // one per processed frame, in frame order
};

// Reads `csv` and, when it can, `summary` (missing or unreadable: labels from
// the CSV, length from its frames). nullopt with `error` set when the CSV
// cannot be read or lacks the frame and success columns.
std::optional<ResultFiles> read_result_files(const QString& csv, const QString& summary, QString* error);

// One CSV row split into fields (RFC 4180 quoting, "" for a quote); `pos`
// moves past the row's line break. Exposed for tests.
std::vector<std::string> next_csv_row(const std::string& text, std::size_t& pos);

}  // namespace emoscope::ui
