// write_report (report.hpp): a run or a study into one HTML file, written
// through a user-only temporary file beside it and renamed into place.
#include "emoscope/report.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "emoscope/file_checks.hpp"
#include "report_model.hpp"

namespace emoscope {

namespace {

using report::fs::path;
namespace fs = std::filesystem;

Error not_writable(const path& p, const std::string& why) {
  return {ErrorCode::kOutputNotWritable, "cannot write '" + p.string() + "': " + why};
}

MaybeError check_out(const path& out, const ReportOptions& options, const std::vector<path>& inputs) {
  if (out.empty()) return Error{ErrorCode::kUsage, "no output file named for the report"};
  if (MaybeError e = check_output_path(out.string())) return e;
  std::error_code ec;
  for (const path& in : inputs)
    if (!in.empty() && fs::exists(in, ec) && fs::equivalent(in, out, ec))
      return not_writable(out, "it is one of the report's inputs");
  if (!options.replace_existing && fs::exists(fs::symlink_status(out, ec)))
    return about(Setting::kReplaceExisting, not_writable(out, "it exists; give a new name"));
  return std::nullopt;
}

// Writes `text` to `out` through a user-only temporary file beside it and a rename.
MaybeError write_file(const path& out, const std::string& text) {
  const path dir = out.parent_path().empty() ? path(".") : out.parent_path();
  std::string tmp = (dir / ("." + out.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return not_writable(out, std::strerror(errno));
  ::fchmod(fd, 0600);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? std::strerror(errno) : "nothing written";
      ::close(fd);
      ::unlink(tmp.c_str());
      return not_writable(out, why);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return not_writable(out, why);
  }
  if (::rename(tmp.c_str(), out.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return not_writable(out, why);
  }
  return std::nullopt;
}

Result<ReportStats> write_run_report(const path& summary, const path& out, const ReportOptions& options) {
  if (MaybeError e = check_out(out, options, {summary, options.csv, options.video})) return *e;
  auto run = report::read_run(summary, options);
  if (!run) return run.error();
  // The CSV found beside the summary is an input too.
  std::error_code ec;
  if (fs::exists(out, ec) && fs::equivalent(run->csv_path, out, ec)) return not_writable(out, "it is one of the report's inputs");
  report::add_thumbnails(*run, options);
  const std::string html = report::run_html(*run);
  if (MaybeError e = write_file(out, html)) return *e;
  ReportStats stats;
  stats.inputs = 1;
  stats.people = static_cast<int>(run->people.size());
  stats.bytes = html.size();
  stats.warnings = run->warnings;
  return stats;
}

Result<ReportStats> write_study_or_run(const path& input, const path& out_html, const ReportOptions& options) {
  std::error_code ec;
  if (!fs::exists(input, ec))
    return Error{ErrorCode::kInputUnreadable, "cannot read '" + input.string() + "': no such file or folder"};
  if (!fs::is_directory(input, ec)) return write_run_report(input, out_html, options);

  if (MaybeError e = check_out(out_html, options, {})) return *e;
  auto study = report::read_study(input);
  if (!study) return study.error();
  ReportStats stats;
  if (options.each_input) {
    ReportOptions one = options;
    one.csv.clear();
    one.video.clear();
    for (report::StudyInput& in : study->inputs) {
      if (in.status != "done") continue;
      const path own = report::report_beside(in.summary_path);
      if (!in.report_path.empty() && !options.replace_existing) continue;  // kept: made before
      auto r = write_run_report(in.summary_path, own, one);
      if (!r) {
        study->warnings.push_back(in.key + ": no report of its own: " + r.error().message);
        continue;
      }
      ++stats.input_reports;
      in.report_path = own;
      for (const std::string& w : r->warnings) study->warnings.push_back(in.key + ": " + w);
    }
  }
  for (const report::StudyInput& in : study->inputs) {
    if (in.status == "done") {
      const auto header = in.summary.find("header");
      const bool identities = header != in.summary.end() && header->is_object() && header->contains("identity") &&
                              !header->at("identity").is_null();
      const auto persons = in.summary.find(identities ? "people" : "faces");
      if (persons != in.summary.end() && persons->is_array()) stats.people += static_cast<int>(persons->size());
    }
  }
  const std::string html = report::study_html(*study, out_html);
  if (MaybeError e = write_file(out_html, html)) return *e;
  stats.inputs = static_cast<int>(study->inputs.size());
  stats.bytes = html.size();
  stats.warnings = study->warnings;
  return stats;
}

}  // namespace

Result<ReportStats> write_report(const std::filesystem::path& input, const std::filesystem::path& out_html,
                                 const ReportOptions& options) {
  // The readers check what they use; this is the net for what they did not foresee
  // (an allocation that fails, a file system that throws): an Error, never an exception.
  try {
    return write_study_or_run(input, out_html, options);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInputUnreadable, "cannot make a report of '" + input.string() + "': " + e.what()};
  }
}

}  // namespace emoscope
