// The files batch.cpp, batch_inputs.cpp and batch_merge.cpp share: the stamp
// of a finished input, small JSON and file helpers. Private to core (src/).
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "emoscope/error.hpp"

namespace emoscope::batch_files {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

inline constexpr const char* kStampFile = "done.json";
inline constexpr const char* kStampFormat = "emoscope-batch-item";

inline Error usage(std::string message) { return {ErrorCode::kUsage, std::move(message)}; }
inline Error not_writable(const std::string& path, const std::string& why) {
  return {ErrorCode::kOutputNotWritable, "cannot write '" + path + "': " + why};
}

inline std::string without_extension(const fs::path& p) { return (p.parent_path() / p.stem()).generic_string(); }

// Size and modification time of a file (nanoseconds); nullopt when it cannot be read.
struct FileStamp {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};
inline std::optional<FileStamp> stamp_of(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{static_cast<std::uint64_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}
inline ojson stamp_json(const std::string& path) {
  const auto s = stamp_of(path);
  if (!s) return ojson{{"file", path.empty() ? ojson(nullptr) : ojson(path)}};
  return ojson{{"file", path}, {"size", s->size}, {"mtime_ns", s->mtime_ns}};
}

inline std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The whole file, or nullopt.
inline std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::optional<ojson> read_json(const fs::path& path) {
  const auto text = read_text(path);
  if (!text) return std::nullopt;
  ojson j = ojson::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// Writes `text` to `path` through a temporary file and a rename.
inline MaybeError write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return not_writable(tmp.string(), std::strerror(errno));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return not_writable(path.string(), ec.message());
  return std::nullopt;
}

inline std::string json_line(const ojson& j) { return j.dump(-1, ' ', false, ojson::error_handler_t::replace); }


}  // namespace emoscope::batch_files
