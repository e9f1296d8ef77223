#include "emoscope/version.hpp"

namespace emoscope {

const char* version() { return EMOSCOPE_VERSION; }

}  // namespace emoscope
