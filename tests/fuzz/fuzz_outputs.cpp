// libFuzzer: the CSV and JSON writers with arbitrary labels, source names and
// values. The input is split at NUL bytes: model name, source name, then labels.
// The CSV must keep one header field per column and the summary must be JSON.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "emoscope/recorder.hpp"

namespace {

std::string g_dir;

// RFC 4180 fields of one CSV record (quotes doubled, commas and newlines quoted).
std::size_t csv_field_count(std::ifstream& in) {
  std::size_t fields = 1;
  bool quoted = false;
  for (char c; in.get(c);) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) ++fields;
    else if (c == '\n' && !quoted) return fields;
  }
  return quoted ? 0 : fields;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  g_dir = (std::filesystem::temp_directory_path() / ("emoscope-fuzz-" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(g_dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) parts.emplace_back();
    else parts.back() += static_cast<char>(data[i]);
  }
  parts.resize(std::max<std::size_t>(parts.size(), 3));
  emoscope::RecorderOptions o;
  o.model_name = parts[0];
  o.source_name = parts[1];
  o.labels.assign(parts.begin() + 2, parts.end());
  if (o.labels.size() > 64) o.labels.resize(64);
  o.csv_path = g_dir + "/out.csv";
  o.summary_path = g_dir + "/out.json";
  o.replace_existing = true;  // the same two files every run
  auto rec = emoscope::Recorder::open(o);
  if (!rec) std::abort();
  emoscope::FrameResult r;
  r.frame.seq = size;
  r.frame.time = emoscope::SourceTime::from_ms(static_cast<double>(size) * 33.3);
  emoscope::TrackedFace face;
  face.id = static_cast<int>(size % 7);
  face.box = {1.f, 2.f, 30.f, 40.f};
  face.label = static_cast<int>(size % (o.labels.size() + 1)) - 1;
  face.confidence = 0.5f;
  face.smoothed.assign(o.labels.size(), 1.0f / static_cast<float>(o.labels.size()));
  r.faces.push_back(face);
  if (rec.value()->write(r, {})) std::abort();
  if (rec.value()->finish()) std::abort();

  std::ifstream csv(o.csv_path, std::ios::binary);
  const std::size_t header = csv_field_count(csv);
  const std::size_t row = csv_field_count(csv);
  if (header != emoscope::kCsvFixedColumns.size() + o.labels.size() || row != header) std::abort();
  std::ifstream summary(o.summary_path, std::ios::binary);
  const nlohmann::json j = nlohmann::json::parse(summary, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("faces")) std::abort();
  return 0;
}
