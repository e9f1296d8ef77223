// Core's errors in the CLI's words: core names the setting an error is about
// (Error::setting), the CLI names its flag; the exit codes are the CLI's too.
// Pure; thread-safe.
#pragma once

#include <string>

#include "emoscope/error.hpp"

namespace emoscope::cli {

// emoscope-cli's exit code for an error (docs/cli.md, "Exit codes"): 2 usage, 3 input,
// 4 model, 5 output.
int exit_code(ErrorCode code);

// Core's message plus what to do about it: the flag for the error's setting, if any.
std::string cli_message(const Error& error);

}  // namespace emoscope::cli
