// The shard a batch process takes (app/batch_shard.hpp) and the inputs it
// then gets (core's shard_inputs): fixed, disjoint, together the whole set.
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "batch_shard.hpp"

using namespace emoscope;
using namespace emoscope::cli;

TEST_CASE("shards from flags and from Slurm or Indexed Job variables") {
  std::map<std::string, std::string> env;
  const EnvReader read = [&](const char* name) -> std::optional<std::string> {
    const auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto none = choose_shard("", 0, read);
  REQUIRE(none.ok());
  CHECK((none->index == 0 && none->count == 1));
  CHECK(choose_shard("2/5", 0, read)->index == 2);
  CHECK_FALSE(choose_shard("5/5", 0, read).ok());
  CHECK_FALSE(choose_shard("2/5", 5, read).ok());

  env = {{"SLURM_ARRAY_TASK_ID", "7"}, {"SLURM_ARRAY_TASK_MIN", "5"}, {"SLURM_ARRAY_TASK_MAX", "9"}};
  auto slurm = choose_shard("", 0, read);
  REQUIRE(slurm.ok());
  CHECK((slurm->index == 2 && slurm->count == 5));
  CHECK(slurm->tag() == "2of5");
  env["SLURM_ARRAY_TASK_COUNT"] = "3";  // 5,7,9: not contiguous
  CHECK_FALSE(choose_shard("", 0, read).ok());
  auto numbered = choose_shard("", 10, read);  // --shards: the IDs are the shard numbers
  REQUIRE(numbered.ok());
  CHECK((numbered->index == 7 && numbered->count == 10));

  env = {{"JOB_COMPLETION_INDEX", "3"}};
  CHECK_FALSE(choose_shard("", 0, read).ok());
  CHECK(choose_shard("", 4, read)->index == 3);
  CHECK_FALSE(choose_shard("", 3, read).ok());

  std::vector<BatchInput> all;
  for (int i = 0; i < 10; ++i) all.push_back({"f" + std::to_string(i), "k" + std::to_string(i)});
  std::set<std::string> union_of_shards;
  for (int s = 0; s < 3; ++s) {
    Shard shard;
    shard.index = s;
    shard.count = 3;
    for (const auto& in : shard_inputs(all, shard)) CHECK(union_of_shards.insert(in.key).second);
  }
  CHECK(union_of_shards.size() == 10);
}
