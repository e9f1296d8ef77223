// Core's errors in the CLI's words: core names the setting an error is about
// (Error::setting), the CLI names its flag. Pure; thread-safe.
#pragma once

#include <string>

#include "emoscope/error.hpp"

namespace emoscope::cli {

// Core's message plus what to do about it: the flag for the error's setting, if any.
std::string cli_message(const Error& error);

}  // namespace emoscope::cli
