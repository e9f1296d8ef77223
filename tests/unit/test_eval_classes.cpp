#include <catch2/catch.hpp>

#include "metrics.hpp"

using emoscope::ErrorCode;
using emoscope::cli::argmax_over;
using emoscope::cli::scored_class_indices;

TEST_CASE("eval --classes: all model labels by default, else the named ones in the given order") {
  const std::vector<std::string> labels = {"happy", "neutral", "sad"};
  auto all = scored_class_indices(labels, {});
  REQUIRE(all.ok());
  CHECK(all.value() == std::vector<int>{0, 1, 2});
  auto two = scored_class_indices(labels, {"sad", "happy"});
  REQUIRE(two.ok());
  CHECK(two.value() == std::vector<int>{2, 0});
}

TEST_CASE("eval --classes: a name that is not a model label, or is repeated, is a usage error") {
  const std::vector<std::string> labels = {"happy", "neutral", "sad"};
  auto unknown = scored_class_indices(labels, {"happy", "angry"});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::kUsage);
  CHECK_THAT(unknown.error().message, Catch::Contains("'angry'") && Catch::Contains("happy, neutral, sad"));
  auto twice = scored_class_indices(labels, {"sad", "sad"});
  REQUIRE_FALSE(twice.ok());
  CHECK_THAT(twice.error().message, Catch::Contains("'sad' is given twice"));
  CHECK_FALSE(scored_class_indices(labels, {""}).ok());
}

TEST_CASE("eval --classes: the prediction is the argmax over the scored classes only") {
  const std::vector<float> p = {0.2f, 0.7f, 0.1f};  // happy, neutral, sad
  CHECK(argmax_over(p, {0, 1, 2}) == 1);
  CHECK(argmax_over(p, {0, 2}) == 0);   // neutral ignored: happy
  CHECK(argmax_over(p, {2, 0}) == 1);   // positions follow --classes' order
  CHECK(argmax_over(p, {2}) == 0);
  CHECK(argmax_over({0.4f, 0.2f, 0.4f}, {0, 2}) == 0);  // tie: the first
  CHECK(argmax_over({0.4f, 0.2f, 0.4f}, {2, 0}) == 0);
}
