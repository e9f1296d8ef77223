// The report: one self-contained HTML page (data, charts, thumbnails, scripts
// and styles inline; nothing loaded from the network) that shows a finished run
// (its summary JSON, frames CSV and video) or a whole study (a batch output
// folder, every input through its manifests). Readable offline in a current
// browser and printable. docs/report.md describes what it shows.
//
// Library emoscope::report (core/CMakeLists.txt): links emoscope::core but
// needs no model, so LibTorch never enters its compilation.
// Threads: write_report blocks (it reads the CSV and decodes video frames for
// thumbnails): call it off the GUI thread. It keeps no shared state, so
// several may run at once on different outputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "emoscope/error.hpp"

namespace emoscope {

struct ReportOptions {
  bool replace_existing = false;   // an existing out_html is replaced only when true (else ErrorCode::kOutputNotWritable with Setting::kReplaceExisting)
  bool thumbnails = true;          // faces/moments cut from the run's video when it is found beside the summary
  // A run: its frames CSV and video when they are not where the summary says (empty: found as
  // docs/report.md says: <stem>.csv or frames.csv beside the summary; the video at header.source.name,
  // else by that name beside the summary, else a recording's <stem>.mkv/.mp4).
  std::filesystem::path csv;
  std::filesystem::path video;
  // A study: also write each finished input's own report beside its summary
  // (<summary stem>.report.html, never replacing one unless replace_existing), linked from the study.
  bool each_input = false;
};

struct ReportStats {
  int inputs = 0;                  // 1 for a run's report, the number of inputs for a study
  int people = 0;
  std::uintmax_t bytes = 0;        // size of the HTML written
  std::vector<std::string> warnings;  // e.g. "video not found beside the summary: no thumbnails"
  int input_reports = 0;           // a study with each_input: the inputs' own reports written
};

// Writes one self-contained HTML report for `input`: a run's summary JSON (its CSV and video are found
// beside it, as the summary names them) or a batch output folder (a study: every input through its manifests).
// Blocking; call it off the GUI thread. Thread-safe (no shared state).
// Errors: kInputUnreadable (missing, unparsable or truncated inputs; the message names the file),
// kOutputNotWritable (cannot write out_html; with Setting::kReplaceExisting when it exists and
// replace_existing is false).
Result<ReportStats> write_report(const std::filesystem::path& input, const std::filesystem::path& out_html,
                                 const ReportOptions& options = {});

}  // namespace emoscope
