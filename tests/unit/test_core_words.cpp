// Core speaks its own language: no string in core/ names a command-line flag
// (an error says which setting it is about, Error::setting; each front end
// words that: cli_message() for the CLI, error_text() for the desktop app).
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>

#include "cli_words.hpp"
#include "emoscope/resources.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

TEST_CASE("core's strings name no command-line flag") {
  // A string literal holding --word: a flag. Comments may mention flags.
  const std::regex literal_with_flag(R"re("([^"\\]|\\.)*--[a-z][a-z-]*([^"\\]|\\.)*")re");
  std::vector<std::string> found;
  long files = 0;
  for (const char* dir : {"core/src", "core/include/emoscope"}) {
    for (const auto& entry : fs::directory_iterator(emoscope::test::source_path(dir))) {
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        const auto comment = line.find("//");
        const std::string code = comment == std::string::npos ? line : line.substr(0, comment);
        if (std::regex_search(code, literal_with_flag))
          found.push_back(entry.path().filename().string() + ":" + std::to_string(n) + ": " + line);
      }
      ++files;
    }
  }
  CHECK(files > 30);
  INFO([&] {
    std::ostringstream s;
    for (const auto& f : found) s << f << "\n";
    return s.str();
  }());
  CHECK(found.empty());
}

TEST_CASE("the CLI words an error's setting as its flag") {
  using emoscope::Error;
  using emoscope::ErrorCode;
  using emoscope::Setting;
  CHECK(emoscope::cli::cli_message({ErrorCode::kModel, "no model", Setting::kModelFile}) ==
        "no model; give one with --model or $EMOSCOPE_MODEL");
  CHECK(emoscope::cli::cli_message({ErrorCode::kOutputNotWritable, "it exists", Setting::kReplaceExisting}) ==
        "it exists, or --force to replace it");
  CHECK(emoscope::cli::cli_message({ErrorCode::kUsage, "plain"}) == "plain");
}

TEST_CASE("the CLI maps core's error codes to its documented exit codes") {
  using emoscope::ErrorCode;
  using emoscope::cli::exit_code;
  CHECK(exit_code(ErrorCode::kUsage) == 2);
  CHECK(exit_code(ErrorCode::kInputUnreadable) == 3);
  CHECK(exit_code(ErrorCode::kModel) == 4);
  CHECK(exit_code(ErrorCode::kOutputNotWritable) == 5);
  CHECK(emoscope::cli::cli_message({ErrorCode::kUsage, "detection interval must be between 1 and 100 (it is 0)",
                                    emoscope::Setting::kDetectEvery}) ==
        "detection interval must be between 1 and 100 (it is 0) (--detect-every)");
}
