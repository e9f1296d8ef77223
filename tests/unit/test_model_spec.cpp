#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "emoscope/model_spec.hpp"

using emoscope::parse_model_spec;

namespace {
nlohmann::json valid() {
  return {{"name", "m"}, {"version", "1.0"}, {"labels", {"happy", "sad"}},
          {"input", {{"channels", 1}, {"height", 48}, {"width", 48}, {"mean", {0.5}}, {"std", {0.25}}}},
          {"crop", {{"margin", 0.1}, {"square", true}}},
          {"metrics", {{"test", {{"accuracy", 0.9}}}}}};
}
}  // namespace

TEST_CASE("a valid spec parses into its fields") {
  auto spec = parse_model_spec(valid().dump());
  REQUIRE(spec.ok());
  CHECK(spec->name == "m");
  CHECK(spec->labels == std::vector<std::string>{"happy", "sad"});
  CHECK(spec->channels == 1);
  CHECK(spec->width == 48);
  CHECK(spec->mean[0] == Approx(0.5));
  CHECK(spec->crop_margin == Approx(0.1));
  CHECK(spec->crop_square);
  CHECK(nlohmann::json::parse(spec->metrics_json)["test"]["accuracy"] == 0.9);
}

TEST_CASE("invalid specs are refused with a message naming the problem") {
  auto refuse = [](nlohmann::json j, const std::string& needle) {
    auto spec = parse_model_spec(j.dump());
    REQUIRE_FALSE(spec.ok());
    CHECK(spec.error().code == emoscope::ErrorCode::kModel);
    CHECK_THAT(spec.error().message, Catch::Contains(needle));
  };
  auto j = valid();
  j.erase("labels");
  refuse(j, "labels");
  j = valid();
  j["labels"] = nlohmann::json::array();
  refuse(j, "empty");
  j = valid();
  j["labels"] = {"a", "a"};
  refuse(j, "duplicates");
  j = valid();
  j["input"]["channels"] = 2;
  refuse(j, "channels");
  j = valid();
  j["input"]["std"] = {0.0};
  refuse(j, "std");
  j = valid();
  j["input"]["mean"] = {0.5, 0.5};
  refuse(j, "per channel");
  j = valid();
  j["crop"]["margin"] = 3;
  refuse(j, "margin");
  CHECK_FALSE(parse_model_spec("{oops").ok());
  CHECK_FALSE(parse_model_spec("[1,2]").ok());
}

TEST_CASE("numbers of the wrong kind or size are refused, not converted (fuzz_model_spec finds)") {
  auto refuse_text = [](const std::string& text, const std::string& needle) {
    auto spec = parse_model_spec(text);
    REQUIRE_FALSE(spec.ok());
    CHECK_THAT(spec.error().message, Catch::Contains(needle));
  };
  // The crash input fuzz_model_spec found: a width past int64 (UB in get<int>()).
  refuse_text(R"({"name": "m", "version": "1", "labels": ["a"], "input": {"channels": 2, "height": 48,
      "width": 47173733806442603406}, "crop": {"margin": 2.025, "square": true}})",
              "input.width");
  auto j = valid();
  j["input"]["height"] = 48.5;
  refuse_text(j.dump(), "input.height must be an integer");
  j = valid();
  j["input"]["channels"] = 18446744073709551615ULL;
  refuse_text(j.dump(), "input.channels is out of range");
  j = valid();
  j["crop"]["margin"] = 1e300;  // past float: UB in get<float>()
  refuse_text(j.dump(), "crop.margin is out of range");
  j = valid();
  j["input"]["mean"] = {"0.5"};
  refuse_text(j.dump(), "input.mean");
  j = valid();
  j["weights_sha256"] = "ABC";
  refuse_text(j.dump(), "weights_sha256");
}
