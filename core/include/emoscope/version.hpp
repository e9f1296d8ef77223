// The Emoscope version, defined once (CMake's project(VERSION)) and reported by
// both binaries' --version, the GUI's About box and the outputs. Thread-safe.
#pragma once

namespace emoscope {

const char* version();  // e.g. "0.1.0"

}  // namespace emoscope
