#include "test_support.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

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

std::string astronaut_photo() { return "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"; }

namespace {

SyntheticClip make_clip(const std::string& name, long frames) {
  SyntheticClip clip{temp_dir("clip-" + name) + "/" + name + ".avi", frames, 25.0, 640, 480};
  const cv::Mat photo = cv::imread(astronaut_photo(), cv::IMREAD_COLOR);
  if (photo.empty()) FAIL("cannot read " << astronaut_photo() << " (install python3-skimage)");
  cv::Mat small;
  cv::resize(photo, small, cv::Size(320, 320), 0, 0, cv::INTER_AREA);  // the face is then about 60 px
  cv::VideoWriter writer(clip.path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), clip.fps,
                         cv::Size(clip.width, clip.height));
  if (!writer.isOpened()) FAIL("cannot write " << clip.path);
  for (long i = 0; i < frames; ++i) {
    cv::Mat frame(clip.height, clip.width, CV_8UC3, cv::Scalar(110, 110, 110));
    // A slow glide (one sweep per 8 s) and a small bob: motion the tracker follows.
    const double t = static_cast<double>(i) / clip.fps;
    const int x = static_cast<int>(std::lround(160 + 140 * std::sin(2 * M_PI * t / 8.0)));
    const int y = static_cast<int>(std::lround(80 + 20 * std::sin(2 * M_PI * t / 2.0)));
    small.copyTo(frame(cv::Rect(x, y, small.cols, small.rows)));
    writer.write(frame);
  }
  return clip;
}

const SyntheticClip& cached_clip(const std::string& name, long frames) {
  static std::mutex mutex;
  static std::map<std::string, SyntheticClip> clips;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = clips.find(name);
  if (it == clips.end()) it = clips.emplace(name, make_clip(name, frames)).first;
  return it->second;
}

}  // namespace

const SyntheticClip& synthetic_clip() { return cached_clip("glide", 115); }
const SyntheticClip& synthetic_long_clip() { return cached_clip("glide-long", 275); }

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
  CHECK(a.pipeline.analyze_every == b.pipeline.analyze_every);
  CHECK(a.pipeline.batch_frames == b.pipeline.batch_frames);
  CHECK(a.pipeline.tracker.classify_interval_ms == b.pipeline.tracker.classify_interval_ms);
  CHECK(a.pipeline.tracker.iou_threshold == b.pipeline.tracker.iou_threshold);
  CHECK(a.pipeline.tracker.smoothing_ms == b.pipeline.tracker.smoothing_ms);
  CHECK(a.pipeline.tracker.max_gap_ms == b.pipeline.tracker.max_gap_ms);
}

}  // namespace emoscope::test
