#include "ferplus.hpp"

#include "emoscope/file_checks.hpp"
#include "emoscope/recorder.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace emoscope::cli {

const std::array<const char*, kFerplusClassCount> kFerplusColumns = {
    "ferplus_neutral", "ferplus_happiness", "ferplus_surprise", "ferplus_sadness", "ferplus_anger",
    "ferplus_disgust", "ferplus_fear",      "ferplus_contempt", "ferplus_unknown", "ferplus_nf"};
const std::array<const char*, kFerplusClassCount> kFerplusClasses = {
    "neutral", "happy", "surprise", "sad", "angry", "disgust", "fear", "contempt", "unknown", "not_a_face"};

namespace {

constexpr int kUnknown = 8;
constexpr int kNotAFace = 9;

Error bad(const std::string& file, const std::string& what) {
  return {ErrorCode::kInputUnreadable, "FER+ votes file " + file + ": " + what};
}

Error bad_line(const std::string& file, long line, const std::string& what) {
  return bad(file, "line " + std::to_string(line) + ": " + what);
}

// One CSV line (no line breaks inside fields: the file is read line by line).
bool split_csv_line(const std::string& line, std::vector<std::string>& fields) {
  std::size_t pos = 0;
  return read_csv_record(line, pos, fields) && pos == line.size();
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// A vote count: digits only (after trimming blanks), fits an int.
bool parse_count(const std::string& cell, int& out) {
  if (cell.empty()) return false;
  const char* begin = cell.data();
  const char* end = begin + cell.size();
  const auto [ptr, ec] = std::from_chars(begin, end, out);
  return ec == std::errc() && ptr == end && out >= 0 && cell[0] != '-' && cell[0] != '+';
}

}  // namespace

Majority ferplus_majority(const FerplusVotes& votes) {
  long sum = 0;
  for (int v : votes) sum += v;
  if (sum <= 0) return {MajorityOutcome::kNoVotes, ""};
  const int top = *std::max_element(votes.begin(), votes.end());
  int winner = -1, winners = 0;
  for (int c = 0; c < kFerplusClassCount; ++c) {
    if (votes[c] == top) {
      winner = c;
      ++winners;
    }
  }
  if (winners != 1) return {MajorityOutcome::kTie, ""};
  if (winner == kUnknown || winner == kNotAFace) return {MajorityOutcome::kNoEmotion, ""};
  return {MajorityOutcome::kLabel, kFerplusClasses[winner]};
}

Majority ferplus_majority(const FerplusRow& row) {
  if (!row.has_votes) return {MajorityOutcome::kNoVotes, ""};
  return ferplus_majority(row.votes);
}

Result<std::map<std::string, FerplusRow>> read_ferplus_votes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return bad(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) return bad(path, "is a folder, not a CSV file");
  if (MaybeError s = check_input_file(path, ErrorCode::kInputUnreadable)) return *s;  // a FIFO would block
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad(path, std::string("cannot open: ") + std::strerror(errno));
  std::string line;
  long line_no = 0;
  std::vector<std::string> fields;

  // Header: the first non-blank line.
  bool have_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (trim(line).empty()) continue;
    have_header = true;
    break;
  }
  if (in.bad()) return bad(path, "read error");
  if (!have_header) return bad(path, "empty (no header row)");
  if (!split_csv_line(line, fields)) return bad_line(path, line_no, "malformed header (unbalanced quotes)");
  const std::size_t width = fields.size();
  auto column = [&](const std::string& name) -> int {
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (trim(fields[i]) == name) return static_cast<int>(i);
    return -1;
  };
  const int path_col = column("path");
  std::array<int, kFerplusClassCount> vote_cols{};
  std::string missing;
  if (path_col < 0) missing = "path";
  for (int c = 0; c < kFerplusClassCount; ++c) {
    vote_cols[c] = column(kFerplusColumns[c]);
    if (vote_cols[c] < 0) missing += std::string(missing.empty() ? "" : ", ") + kFerplusColumns[c];
  }
  if (!missing.empty()) return bad_line(path, line_no, "header lacks column(s) " + missing);

  std::map<std::string, FerplusRow> rows;
  std::map<std::string, long> first_line;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    if (!split_csv_line(line, fields)) return bad_line(path, line_no, "malformed row (unbalanced quotes)");
    if (fields.size() != width) {
      return bad_line(path, line_no,
                      std::to_string(fields.size()) + " fields, the header has " + std::to_string(width));
    }
    const std::string image = trim(fields[path_col]);
    if (image.empty()) return bad_line(path, line_no, "empty path");
    FerplusRow row;
    for (int c = 0; c < kFerplusClassCount; ++c) {
      const std::string cell = trim(fields[vote_cols[c]]);
      if (cell.empty()) continue;
      if (!parse_count(cell, row.votes[c])) {
        return bad_line(path, line_no,
                        std::string(kFerplusColumns[c]) + " is '" + cell + "', not a vote count (integer >= 0)");
      }
      row.has_votes = true;
    }
    const auto [it, inserted] = first_line.emplace(image, line_no);
    if (!inserted) {
      return bad_line(path, line_no, "path " + image + " repeats line " + std::to_string(it->second));
    }
    rows.emplace(image, row);
  }
  if (in.bad()) return bad(path, "read error");
  return rows;
}

}  // namespace emoscope::cli
