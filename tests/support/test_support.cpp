#include "test_support.hpp"

#include <cstdlib>
#include <filesystem>

#include <unistd.h>

namespace emoscope::test {
namespace fs = std::filesystem;

std::string test_model(const std::string& name) { return std::string(EMOSCOPE_TEST_MODEL_DIR) + "/" + name; }

std::string shared_dir() {
  if (const char* env = std::getenv("EMOSCOPE_SHARED_DIR"); env && *env) return env;
  return EMOSCOPE_DEFAULT_SHARED_DIR;
}

bool shared_available() {
  std::error_code ec;
  return fs::is_directory(shared_dir() + "/videos", ec);
}

std::string shared_path(const std::string& relative) { return shared_dir() + "/" + relative; }

std::string source_path(const std::string& relative) { return std::string(EMOSCOPE_SOURCE_DIR) + "/" + relative; }

std::string temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("emoscope-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

ScopedEnv::ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
  if (const char* old = std::getenv(name)) old_ = old;
  if (value) ::setenv(name, value->c_str(), 1);
  else ::unsetenv(name);
}

ScopedEnv::~ScopedEnv() {
  if (old_) ::setenv(name_, old_->c_str(), 1);
  else ::unsetenv(name_);
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

void check_same_run_settings(const RunOptions& a, const RunOptions& b) {
  CHECK(a.classifier.device == b.classifier.device);
  CHECK(a.classifier.threads == b.classifier.threads);
  CHECK(a.classifier.optimize == b.classifier.optimize);
  CHECK(a.detector.kind == b.detector.kind);
  CHECK(a.detector.detect_width == b.detector.detect_width);
  CHECK(a.detector.min_face_fraction == b.detector.min_face_fraction);
  CHECK(a.detector.score_threshold == b.detector.score_threshold);
  CHECK(a.detector.min_neighbors == b.detector.min_neighbors);
  CHECK(a.detector.haar_scale_factor == b.detector.haar_scale_factor);
  CHECK(a.detector.verify_faces == b.detector.verify_faces);
  CHECK(a.pipeline.queue_capacity == b.pipeline.queue_capacity);
  CHECK(a.pipeline.detect_every == b.pipeline.detect_every);
  CHECK(a.pipeline.motion_threshold == b.pipeline.motion_threshold);
  CHECK(a.pipeline.every == b.pipeline.every);
  CHECK(a.pipeline.batch_frames == b.pipeline.batch_frames);
  CHECK(a.pipeline.tracker.classify_interval_ms == b.pipeline.tracker.classify_interval_ms);
  CHECK(a.pipeline.tracker.iou_threshold == b.pipeline.tracker.iou_threshold);
  CHECK(a.pipeline.tracker.smoothing_ms == b.pipeline.tracker.smoothing_ms);
  CHECK(a.pipeline.tracker.max_gap_ms == b.pipeline.tracker.max_gap_ms);
}

}  // namespace emoscope::test
