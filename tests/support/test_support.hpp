// Helpers shared by the C++ tests: where test models and ../shared live, and
// skipping data-dependent tests visibly when ../shared is absent (they must
// run under CI=true, so there a missing folder is a failure).
#pragma once

#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "emoscope/run.hpp"

namespace emoscope::test {

std::string test_model(const std::string& name);  // build/tests/test-models/<name>
std::string shared_dir();                         // $EMOSCOPE_SHARED_DIR or ../shared
bool shared_available();
std::string shared_path(const std::string& relative);
std::string temp_dir(const std::string& name);    // fresh, empty folder
std::string source_path(const std::string& relative);
bool running_in_ci();

// A video made at test time, so that engine and pipeline tests need no
// ../shared: a real photo a Debian package ships (scikit-image's astronaut,
// python3-skimage) gliding and bobbing across a grey frame, one face on every
// frame, encoded as MJPEG in AVI and decoded by OpenCV like any file. Made
// once per process and name, in a temp folder; a missing photo fails the test.
struct SyntheticClip {
  std::string path;
  long frames = 0;
  double fps = 0;
  int width = 0;
  int height = 0;
};
const SyntheticClip& synthetic_clip();       // 115 frames at 25 fps, 640 x 480
const SyntheticClip& synthetic_long_clip();  // 275 frames at 25 fps, 640 x 480
std::string astronaut_photo();               // the photo's path

// CHECKs that two RunOptions agree on every setting of the run (classifier,
// detector but its model file, pipeline, tracker), not on source and outputs.
void check_same_run_settings(const RunOptions& a, const RunOptions& b);

// Sets (or, with nullopt, unsets) an environment variable for one scope, then
// restores it. Not thread-safe, like setenv.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace emoscope::test

// Skips the rest of a test case (with a visible WARN) when ../shared is absent;
// fails instead under CI=true.
#define REQUIRE_SHARED_DATA()                                                        \
  do {                                                                               \
    if (!emoscope::test::shared_available()) {                                       \
      if (emoscope::test::running_in_ci()) FAIL("CI=true but shared data is missing: " \
                                                << emoscope::test::shared_dir());     \
      WARN("SKIPPED: shared data not found at " << emoscope::test::shared_dir());   \
      return;                                                                        \
    }                                                                                \
  } while (0)

// Measurements (timings, resident memory) mean nothing in a sanitizer build:
// such tests say so visibly and stop there.
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_SANITIZERS(what)                                               \
  do {                                                                            \
    WARN("SKIPPED under AddressSanitizer: " << what << " are not meaningful here"); \
    return;                                                                       \
  } while (0)
#else
#define SKIP_UNDER_SANITIZERS(what) \
  do {                              \
  } while (0)
#endif
