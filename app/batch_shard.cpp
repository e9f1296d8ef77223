#include "batch_shard.hpp"

#include <cerrno>
#include <cstdlib>

namespace emoscope::cli {
namespace {

Error usage(std::string message) { return {ErrorCode::kUsage, std::move(message)}; }

std::optional<long> to_long(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return v;
}

}  // namespace

Result<Shard> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const auto i = slash == std::string::npos ? std::nullopt : to_long(text.substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : to_long(text.substr(slash + 1));
  if (!i || !n || *n < 1 || *i < 0 || *i >= *n || *n > 1'000'000)
    return usage("shard must be I/N with 0 <= I < N, not '" + text + "'");
  Shard s;
  s.index = static_cast<int>(*i);
  s.count = static_cast<int>(*n);
  s.origin = "from --shard " + text;
  return s;
}

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

Result<Shard> choose_shard(const std::string& flag, int shards, const EnvReader& getenv) {
  if (!flag.empty()) {
    if (shards > 0) return usage("give --shard I/N or --shards N, not both");
    return parse_shard(flag);
  }
  auto number = [&](const char* name) -> Result<std::optional<long>> {
    const auto v = getenv(name);
    if (!v) return std::optional<long>();
    const auto n = to_long(*v);
    if (!n) return usage(std::string(name) + " is '" + *v + "', not a whole number");
    return std::optional<long>(n);
  };
  Shard s;
  if (getenv("SLURM_ARRAY_TASK_ID")) {
    auto id = number("SLURM_ARRAY_TASK_ID"), min = number("SLURM_ARRAY_TASK_MIN"),
         max = number("SLURM_ARRAY_TASK_MAX"), count = number("SLURM_ARRAY_TASK_COUNT");
    for (const auto* r : {&id, &min, &max, &count})
      if (!*r) return r->error();
    const long lo = min->value_or(0);
    long n = 0, i = **id - lo;
    std::string why;
    if (shards > 0) {  // the array's IDs are the shard numbers: a resubmitted subset (--array=3,7) keeps them
      n = shards;
      i = **id;
      why = "--shards " + std::to_string(shards);
    } else if (max->has_value()) {
      n = **max - lo + 1;
      why = "SLURM_ARRAY_TASK_MAX=" + std::to_string(**max);
      if (count->has_value() && **count != n)
        return usage("the Slurm array is not contiguous (" + std::to_string(**count) + " tasks between IDs " +
                     std::to_string(lo) + " and " + std::to_string(**max) +
                     "): use --array=A-B, or give --shards N with IDs 0..N-1");
    } else if (count->has_value()) {
      n = **count;
      why = "SLURM_ARRAY_TASK_COUNT=" + std::to_string(**count);
    }
    if (n <= 0 || i < 0 || i >= n)
      return usage("cannot take a shard from SLURM_ARRAY_TASK_ID=" + std::to_string(**id) +
                   " (use a contiguous array such as --array=0-9, or give --shard I/N)");
    s.index = static_cast<int>(i);
    s.count = static_cast<int>(n);
    s.origin = "from SLURM_ARRAY_TASK_ID=" + std::to_string(**id) +
               (shards > 0 ? std::string() : ", SLURM_ARRAY_TASK_MIN=" + std::to_string(lo)) + ", " + why;
    return s;
  }
  if (getenv("JOB_COMPLETION_INDEX")) {
    auto index = number("JOB_COMPLETION_INDEX");
    if (!index) return index.error();
    if (shards <= 0) return usage("JOB_COMPLETION_INDEX is set: give --shards N, the Indexed Job's completions");
    if (**index < 0 || **index >= shards)
      return usage("JOB_COMPLETION_INDEX=" + std::to_string(**index) + " is outside --shards " + std::to_string(shards));
    s.index = static_cast<int>(**index);
    s.count = shards;
    s.origin = "from JOB_COMPLETION_INDEX=" + std::to_string(**index) + ", --shards " + std::to_string(shards);
    return s;
  }
  if (shards > 1) return usage("--shards N needs a Slurm array or an Indexed Job; else give --shard I/N");
  return s;
}


}  // namespace emoscope::cli
