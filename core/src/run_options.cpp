#include "emoscope/run_options.hpp"

#include <cmath>
#include <filesystem>
#include <sstream>


#include "emoscope/resources.hpp"

namespace emoscope {
namespace fs = std::filesystem;
namespace {

// The first setting out of its range, as an Error naming it.
class RangeCheck {
 public:
  template <typename T>
  RangeCheck& check(const char* what, T value, const Limits<T>& limits) {
    if (!error_ && !limits.contains(value)) {
      std::ostringstream text;
      text << what << " must be between " << limits.min << " and " << limits.max << " (it is " << value << ")";
      error_ = Error{ErrorCode::kUsage, text.str(), limits.setting};
    }
    return *this;
  }
  MaybeError error() const { return error_; }

 private:
  MaybeError error_;
};

}  // namespace

namespace {
// A model the user named: the file as given when it exists; else a bare file name
// ("faceres.pt") names a shipped model, so that it works from any folder.
Result<std::string> given_or_shipped(const std::string& given) {
  std::error_code ec;
  if (fs::exists(given, ec) || fs::path(given).has_parent_path()) return given;
  Result<std::string> shipped = shipped_file("models", given);
  return shipped ? shipped : Result<std::string>(given);  // not shipped either: loading says what is wrong
}
}  // namespace

Result<std::string> run_model_file(const RunOptions& options) {
  return options.model_path.empty() ? default_model_path() : given_or_shipped(options.model_path);
}

Result<std::string> run_embedder_file(const RunOptions& options) {
  return options.identity.model_path.empty() ? default_embedder_path() : given_or_shipped(options.identity.model_path);
}

Result<RunOptions> resolve(RunOptions options) {
  RangeCheck ranges;
  const TrackerOptions& t = options.pipeline.tracker;
  ranges.check("detection width", options.detector.detect_width, limits::kDetectWidth)
      .check("minimum face size", options.detector.min_face_fraction, limits::kMinFace)
      .check("detection interval (frames)", options.pipeline.detect_every, limits::kDetectEvery)
      .check("frame step", options.pipeline.analyze_every, limits::kAnalyzeEvery)
      .check("frames per batch", options.pipeline.batch_frames, limits::kBatchFrames)
      .check("motion threshold", options.pipeline.motion_threshold, limits::kMotionThreshold)
      .check("scene-cut threshold", options.pipeline.scene_cut_threshold, limits::kSceneCut)
      .check("smoothing (ms)", t.smoothing_ms, limits::kSmoothingMs)
      .check("track gap (ms)", t.max_gap_ms, limits::kTrackGapMs)
      .check("classification interval (ms)", t.classify_interval_ms, limits::kClassifyIntervalMs)
      .check("identity check interval (ms)", t.identity_interval_ms, limits::kIdentityIntervalMs)
      .check("identity threshold", options.identity.threshold, limits::kIdentityThreshold)
      .check("minimum confidence", options.min_confidence, limits::kMinConfidence)
      .check("neutral prior", options.classifier.neutral_prior, limits::kNeutralPrior);
  if (MaybeError s = ranges.error()) return *s;

  Result<std::string> model = run_model_file(options);
  if (!model) return model.error();
  options.model_path = model.value();
  if (options.identity.enabled) {
    Result<std::string> embedder = run_embedder_file(options);
    if (!embedder) return embedder.error();
    options.identity.model_path = embedder.value();
  }
  Result<std::string> detector = resolve_detector_model(options.detector);
  if (!detector) return detector.error();
  options.detector.model_path = detector.value();
  return options;
}

Result<std::string> next_recording_base(const std::string& folder, std::time_t now) {
  const auto fail = [&](const std::string& why) {
    return about(Setting::kRecordingFolder, Error{ErrorCode::kOutputNotWritable, why});
  };
  if (folder.empty()) return fail("no folder for recordings");
  std::error_code ec;
  if (!fs::exists(folder, ec)) {
    if (!fs::create_directories(folder, ec) || ec) return fail("cannot create '" + folder + "': " + ec.message());
    fs::permissions(folder, fs::perms::owner_all, ec);  // a recording holds faces: 0700
  } else if (!fs::is_directory(folder, ec)) {
    return fail(folder + ": exists and is not a folder");
  }
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &local);
  const std::string first = (fs::path(folder) / (std::string("session-") + stamp)).string();
  const auto taken = [](const std::string& base) {
    std::error_code e;
    return fs::exists(base + ".mkv", e) || fs::exists(base + ".csv", e) || fs::exists(base + ".json", e);
  };
  std::string base = first;
  for (int n = 2; taken(base); ++n) base = first + "-" + std::to_string(n);
  return base;
}

}  // namespace emoscope
