// emoscope-cli report: a run's or a study's HTML report (core's report.hpp, docs/report.md).
#include <chrono>
#include <cstdio>

#include "cli_commands.hpp"
#include "emoscope/report.hpp"

namespace emoscope::cli {

int run_report(const ReportCliOptions& options) {
  ReportOptions ro;
  ro.replace_existing = options.force;
  ro.thumbnails = !options.no_thumbnails;
  ro.csv = options.csv;
  ro.video = options.video;
  ro.each_input = options.each_input;
  const auto t0 = std::chrono::steady_clock::now();
  auto stats = write_report(options.input, options.out, ro);
  if (!stats) return fail(stats.error());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const std::string& w : stats->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  std::fprintf(stderr, "report: %s (%d input%s, %d %s, %.1f MB) in %.2f s", options.out.c_str(), stats->inputs,
               stats->inputs == 1 ? "" : "s", stats->people, stats->people == 1 ? "person" : "people",
               static_cast<double>(stats->bytes) / 1e6, seconds);
  if (options.each_input) std::fprintf(stderr, "; %d input report(s) written", stats->input_reports);
  std::fprintf(stderr, "\n");
  return 0;
}

}  // namespace emoscope::cli
