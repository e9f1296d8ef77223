#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "ferplus.hpp"
#include "test_support.hpp"

using emoscope::ErrorCode;
using emoscope::cli::FerplusVotes;
using emoscope::cli::ferplus_majority;
using emoscope::cli::MajorityOutcome;
using emoscope::cli::read_ferplus_votes;

namespace {

const char* kHeader =
    "path,split,fer2013_label,fer2013_row,ferplus_neutral,ferplus_happiness,ferplus_surprise,ferplus_sadness,"
    "ferplus_anger,ferplus_disgust,ferplus_fear,ferplus_contempt,ferplus_unknown,ferplus_nf";

std::string write_csv(const std::string& dir_name, const std::string& text) {
  const std::string path = emoscope::test::temp_dir(dir_name) + "/ferplus_votes.csv";
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// votes in the file's column order: neutral, happiness, surprise, sadness, anger,
// disgust, fear, contempt, unknown, not-a-face
FerplusVotes votes(std::initializer_list<int> v) {
  FerplusVotes out{};
  std::copy(v.begin(), v.end(), out.begin());
  return out;
}

}  // namespace

TEST_CASE("FER+ majority: the class with strictly the most votes over all ten columns") {
  auto m = ferplus_majority(votes({1, 8, 1, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(m.outcome == MajorityOutcome::kLabel);
  CHECK(m.label == "happy");
  CHECK(ferplus_majority(votes({6, 0, 0, 4, 0, 0, 0, 0, 0, 0})).label == "neutral");
  CHECK(ferplus_majority(votes({0, 0, 0, 0, 0, 0, 0, 7, 3, 0})).label == "contempt");
  CHECK(ferplus_majority(votes({0, 0, 0, 0, 0, 0, 1, 0, 0, 0})).label == "fear");
  // unknown/not-a-face votes count in the race even when they do not win it
  CHECK(ferplus_majority(votes({0, 0, 0, 3, 0, 0, 0, 0, 2, 2})).label == "sad");
  CHECK(ferplus_majority(votes({0, 0, 0, 0, 5, 0, 0, 0, 0, 0})).label == "angry");
  CHECK(ferplus_majority(votes({0, 0, 0, 0, 0, 4, 0, 0, 0, 0})).label == "disgust");
  CHECK(ferplus_majority(votes({0, 0, 9, 0, 0, 0, 0, 0, 0, 0})).label == "surprise");
}

TEST_CASE("FER+ majority: a tied top count gives no label") {
  auto m = ferplus_majority(votes({5, 5, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(m.outcome == MajorityOutcome::kTie);
  CHECK(m.label.empty());
  CHECK(ferplus_majority(votes({3, 0, 0, 3, 0, 0, 0, 0, 0, 3})).outcome == MajorityOutcome::kTie);
  // a tie with not-a-face is a tie, not "not a face"
  CHECK(ferplus_majority(votes({4, 0, 0, 0, 0, 0, 0, 0, 0, 4})).outcome == MajorityOutcome::kTie);
  // a tie below the top does not matter
  CHECK(ferplus_majority(votes({2, 2, 0, 6, 0, 0, 0, 0, 0, 0})).label == "sad");
}

TEST_CASE("FER+ majority: no votes (a row of zeros, or of empty cells) gives no label") {
  CHECK(ferplus_majority(votes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0})).outcome == MajorityOutcome::kNoVotes);
  emoscope::cli::FerplusRow empty;  // what an all-empty row reads as
  CHECK(ferplus_majority(empty).outcome == MajorityOutcome::kNoVotes);
  CHECK(ferplus_majority(empty).label.empty());
}

TEST_CASE("FER+ majority: unknown or not-a-face majorities give no emotion label") {
  auto nf = ferplus_majority(votes({1, 0, 0, 0, 0, 0, 0, 0, 0, 9}));
  CHECK(nf.outcome == MajorityOutcome::kNoEmotion);
  CHECK(nf.label.empty());
  auto unknown = ferplus_majority(votes({2, 1, 0, 0, 0, 0, 0, 0, 7, 0}));
  CHECK(unknown.outcome == MajorityOutcome::kNoEmotion);
  CHECK(unknown.label.empty());
}

TEST_CASE("FER+ votes file: rows, rows without votes, CRLF, quotes and other columns") {
  const std::string path = write_csv(
      "ferplus-ok", std::string("\xEF\xBB\xBF") + kHeader + ",extra\r\n" +
                        "test/happy/a.jpg,test,happy,1,0,10,0,0,0,0,0,0,0,0,x\r\n"
                        "test/sad/b.jpg,test,sad,2,,,,,,,,,,,y\r\n"         // no votes
                        "\r\n"                                              // blank line
                        "\"test/angry/c,d.jpg\",test,angry,3,6,,0,4,0,0,0,0,0,0,\"z \"\"q\"\"\"\r\n"
                        "test/neutral/e.jpg,test,neutral,4,0,0,0,0,0,0,0,0,0,0,\r\n");  // all zeros
  auto rows = read_ferplus_votes(path);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 4);
  const auto& a = rows->at("test/happy/a.jpg");
  CHECK(a.has_votes);
  CHECK(a.votes == votes({0, 10, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(ferplus_majority(a).label == "happy");
  const auto& b = rows->at("test/sad/b.jpg");
  CHECK_FALSE(b.has_votes);
  CHECK(ferplus_majority(b).outcome == MajorityOutcome::kNoVotes);
  const auto& c = rows->at("test/angry/c,d.jpg");  // an empty cell beside filled ones counts 0
  CHECK(c.has_votes);
  CHECK(c.votes == votes({6, 0, 0, 4, 0, 0, 0, 0, 0, 0}));
  CHECK(ferplus_majority(c).label == "neutral");
  CHECK(ferplus_majority(rows->at("test/neutral/e.jpg")).outcome == MajorityOutcome::kNoVotes);
}

TEST_CASE("FER+ votes file: columns may come in any order") {
  const std::string path = write_csv(
      "ferplus-order",
      "ferplus_nf,ferplus_unknown,ferplus_contempt,ferplus_fear,ferplus_disgust,ferplus_anger,ferplus_sadness,"
      "ferplus_surprise,ferplus_happiness,ferplus_neutral,path\n"
      "0,0,0,0,0,0,7,0,1,2,x.jpg\n");
  auto rows = read_ferplus_votes(path);
  REQUIRE(rows.ok());
  CHECK(rows->at("x.jpg").votes == votes({2, 1, 0, 7, 0, 0, 0, 0, 0, 0}));
  CHECK(ferplus_majority(rows->at("x.jpg")).label == "sad");
}

TEST_CASE("FER+ votes file: malformed content is an error naming the file, line and problem") {
  const std::string ok_row = "test/happy/a.jpg,test,happy,1,0,10,0,0,0,0,0,0,0,0\n";
  struct Case {
    const char* name;
    std::string text;
    std::string needle;
  };
  const std::string header_without_fear =
      "path,ferplus_neutral,ferplus_happiness,ferplus_surprise,ferplus_sadness,ferplus_anger,ferplus_disgust,"
      "ferplus_contempt,ferplus_unknown,ferplus_nf\n";
  const Case cases[] = {
      {"missing-column", header_without_fear + "a.jpg,1,0,0,0,0,0,0,0,0\n", "line 1: header lacks column(s) ferplus_fear"},
      {"missing-path", std::string("file,") + (kHeader + 5) + "\n", "header lacks column(s) path"},
      {"short-row", std::string(kHeader) + "\n" + ok_row + "test/sad/b.jpg,test,sad,2,0,0,0,9\n",
       "line 3: 8 fields, the header has 14"},
      {"long-row", std::string(kHeader) + "\n" + "test/sad/b.jpg,test,sad,2,0,0,0,9,0,0,0,0,0,0,0\n",
       "line 2: 15 fields, the header has 14"},
      {"not-a-number", std::string(kHeader) + "\n" + ok_row + "test/sad/b.jpg,test,sad,2,0,0,0,nine,0,0,0,0,0,0\n",
       "line 3: ferplus_sadness is 'nine', not a vote count"},
      {"negative", std::string(kHeader) + "\n" + "test/sad/b.jpg,test,sad,2,0,0,0,-3,0,0,0,0,0,0\n",
       "ferplus_sadness is '-3', not a vote count"},
      {"fraction", std::string(kHeader) + "\n" + "test/sad/b.jpg,test,sad,2,0,0,0,2.5,0,0,0,0,0,0\n",
       "ferplus_sadness is '2.5'"},
      {"empty-path", std::string(kHeader) + "\n" + ",test,sad,2,0,0,0,3,0,0,0,0,0,0\n", "line 2: empty path"},
      {"repeated-path", std::string(kHeader) + "\n" + ok_row + ok_row, "line 3: path test/happy/a.jpg repeats line 2"},
      {"open-quote", std::string(kHeader) + "\n" + "\"test/sad/b.jpg,test,sad,2,0,0,0,3,0,0,0,0,0,0\n",
       "line 2: malformed row (unbalanced quotes)"},
      {"empty", "", "empty (no header row)"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      const std::string path = write_csv(std::string("ferplus-") + c.name, c.text);
      auto rows = read_ferplus_votes(path);
      REQUIRE_FALSE(rows.ok());
      CHECK(rows.error().code == ErrorCode::kInputUnreadable);
      CHECK_THAT(rows.error().message, Catch::Contains(path) && Catch::Contains(c.needle));
    }
  }
}

TEST_CASE("FER+ votes file: a missing file or a folder is a clear error") {
  const std::string dir = emoscope::test::temp_dir("ferplus-missing");
  auto missing = read_ferplus_votes(dir + "/ferplus_votes.csv");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kInputUnreadable);
  CHECK_THAT(missing.error().message, Catch::Contains("ferplus_votes.csv") && Catch::Contains("no such file"));
  auto folder = read_ferplus_votes(dir);
  REQUIRE_FALSE(folder.ok());
  CHECK_THAT(folder.error().message, Catch::Contains("is a folder"));
}
