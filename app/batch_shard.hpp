// Which shard of a batch this emoscope-cli process takes (batch.hpp's Shard):
// from --shard I/N, from a scheduler's environment (a Slurm job array, a
// Kubernetes Indexed Job), else all of it. Errors name the CLI's flags.
// Free functions; thread-safe but for the environment they read.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "emoscope/batch.hpp"

namespace emoscope::cli {

// "I/N" with 0 <= I < N.
Result<Shard> parse_shard(const std::string& text);

// --shard I/N when given (`flag`); else a Slurm array task: index
// SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of MAX - MIN + 1 (else of
// SLURM_ARRAY_TASK_COUNT; a non-contiguous array is refused), or, with
// `shards` > 0, index SLURM_ARRAY_TASK_ID of `shards` (so a resubmitted subset
// of the array keeps its numbers); else a Kubernetes Indexed Job
// (JOB_COMPLETION_INDEX of `shards`, which it then needs); else 0/1.
// `getenv` reads the environment (tests pass their own).
using EnvReader = std::function<std::optional<std::string>(const char* name)>;
Result<Shard> choose_shard(const std::string& flag, int shards, const EnvReader& getenv);
std::optional<std::string> process_env(const char* name);

}  // namespace emoscope::cli
