// libFuzzer: the report's readers (report.hpp) with an arbitrary summary JSON and
// frames CSV. The input is split at the first NUL byte: the summary, then the CSV.
// write_report must give a report or an Error (never crash, hang or leak); a report
// must be a whole HTML page.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "emoscope/report.hpp"

namespace {

std::filesystem::path g_dir;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  g_dir = std::filesystem::temp_directory_path() / ("emoscope-fuzz-report-" + std::to_string(::getpid()));
  std::filesystem::create_directories(g_dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  std::ofstream(g_dir / "run.json", std::ios::binary | std::ios::trunc) << input.substr(0, nul);
  std::ofstream(g_dir / "run.csv", std::ios::binary | std::ios::trunc)
      << (nul == std::string::npos ? std::string() : input.substr(nul + 1));
  emoscope::ReportOptions options;
  options.replace_existing = true;  // the same file every run
  options.thumbnails = true;        // the video is looked for (and not found, or not a video)
  auto stats = emoscope::write_report(g_dir / "run.json", g_dir / "run.html", options);
  if (stats.ok()) {
    std::ifstream in(g_dir / "run.html", std::ios::binary | std::ios::ate);
    if (static_cast<std::uintmax_t>(in.tellg()) != stats->bytes || stats->bytes < 100) std::abort();
  } else if (stats.error().message.empty()) {
    std::abort();
  }
  return 0;
}
