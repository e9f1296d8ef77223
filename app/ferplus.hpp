// FER+ crowd votes for FER2013 images, and the majority rule that turns them
// into a label, for `emoscope-cli eval --labels ferplus`. Pure value code: no
// OpenCV, Qt or LibTorch.
//
// The votes file (ferplus_votes.csv beside FER2013's split folders) is a CSV
// with a header row naming at least `path` and the ten vote columns
// kFerplusColumns (any order, other columns ignored); `path` is relative to
// the file's folder, e.g. `test/angry/PrivateTest_1054527.jpg`. A vote cell is
// a non-negative integer or empty; a row whose ten cells are all empty has no
// votes, an empty cell beside filled ones counts 0. Quoted fields (RFC 4180,
// on one line), CRLF line ends and a UTF-8 BOM are accepted; blank lines are
// skipped.
//
// The majority rule is the one in models/emoscope_model/data.py
// (`ferplus_majority`), so the CLI and the Python evaluation score the same
// images with the same labels: the label is the class with strictly the most
// votes over all ten columns; there is none when the row has no votes (or only
// zeros), when two or more columns share the top count, or when the top class
// is unknown or not_a_face.
#pragma once

#include <array>
#include <map>
#include <string>

#include "emoscope/error.hpp"

namespace emoscope::cli {

constexpr int kFerplusClassCount = 10;

// The vote columns, in the file's order, and the class name each one votes for.
extern const std::array<const char*, kFerplusClassCount> kFerplusColumns;
extern const std::array<const char*, kFerplusClassCount> kFerplusClasses;  // neutral, happy, ..., not_a_face

// Votes per class, indexed like kFerplusClasses.
using FerplusVotes = std::array<int, kFerplusClassCount>;

struct FerplusRow {
  bool has_votes = false;  // false: all ten cells were empty
  FerplusVotes votes{};    // all 0 when !has_votes
};

// Why an image has (or lacks) a FER+ label.
enum class MajorityOutcome {
  kLabel,      // `label` holds the majority class
  kNoVotes,    // no votes at all (empty cells or all zeros)
  kTie,        // the top count is shared by two or more classes
  kNoEmotion,  // the majority is unknown or not_a_face
};

struct Majority {
  MajorityOutcome outcome = MajorityOutcome::kNoVotes;
  std::string label;  // one of kFerplusClasses (never unknown/not_a_face); empty unless kLabel
};

Majority ferplus_majority(const FerplusVotes& votes);
Majority ferplus_majority(const FerplusRow& row);  // kNoVotes when !row.has_votes

// {path as written in the file: votes} for every data row. Errors (code
// kInputUnreadable, message naming the file and, for bad content, the line):
// missing or unreadable file, no header, a missing column, a row with another
// number of fields than the header, an empty or repeated path, a vote cell
// that is not a non-negative integer.
Result<std::map<std::string, FerplusRow>> read_ferplus_votes(const std::string& path);

}  // namespace emoscope::cli
