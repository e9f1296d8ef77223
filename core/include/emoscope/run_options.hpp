// RunOptions: every setting of a run, with its default (the member
// initialisers here and in the option structs they hold) and its valid range
// (`limits`, below), each declared once. The CLI's flags, the desktop app's
// controls and batch bind to these; resolve() is the one step that fills the
// defaults that depend on the machine (the model, embedder and detector files)
// and checks every range. RunEngine::open() resolves what it is given, so a
// run never starts on an unchecked setting.
// Value types; resolve() reads the environment and the file system only.
#pragma once

#include <atomic>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "emoscope/annotator.hpp"
#include "emoscope/classifier.hpp"
#include "emoscope/error.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/pipeline.hpp"
#include "emoscope/video_writer.hpp"

namespace emoscope {

// Where a run writes (formats: docs/output-formats.md). Empty paths write nothing.
struct OutputOptions {
  std::string video_path;           // annotated video: .mkv or .mp4 (an error when the source's frame size is unknown)
  std::string csv_path;             // per-frame, per-face CSV; "-" = standard output
  std::string summary_path;         // JSON summary; "-" = standard output
  VideoCodec video_codec = VideoCodec::kH264;
  bool replace_existing = false;    // false: an existing file is an error, never truncated
  bool hud = false;                 // draw FPS, latency and device on the video
  bool any() const { return !video_path.empty() || !csv_path.empty() || !summary_path.empty(); }
};

// People from face descriptors (people.hpp, tracker.hpp).
struct IdentityOptions {
  bool enabled = true;
  std::string model_path;      // empty = default_embedder_path() (resources.hpp)
  float threshold = 0.0f;      // joining distance; 0 = People::kJoinFactor x the embedder's calibrated one
  std::string gallery_path;    // known people to name (people.hpp); empty = none. Read only.
};

struct RunOptions {
  std::string source = "camera";    // open_source(): camera, camera:N, /dev/videoN, video, image or folder
  bool live = false;                // PipelineMode::kLive, video files paced at their rate; else kFile
  // Live sources: frames are flipped left to right while *mirror is true (null: never).
  std::shared_ptr<const std::atomic<bool>> mirror;
  std::string model_path;           // empty = default_model_path() (resources.hpp)
  ClassifierOptions classifier;
  DetectorOptions detector;
  PipelineOptions pipeline;         // mode is set from `live`
  IdentityOptions identity;
  // Overlay: below this the label reads "?"; the annotator's default (every label
  // shown). The CLI and the app share it (the app's own default was 0.5, so its
  // recordings labelled faces differently from the CLI's).
  float min_confidence = AnnotateOptions{}.min_confidence;
  std::vector<OutputOptions> outputs;  // opened by RunEngine::open(), before the run starts
};

// A setting's valid range, inclusive at both ends.
template <typename T>
struct Limits {
  T min;
  T max;
  Setting setting;
  constexpr bool contains(T v) const { return v >= min && v <= max; }  // false for NaN
  constexpr T clamp(T v) const { return v < min ? min : (v > max ? max : v); }
};

// Each numeric setting's range: resolve() checks them, the CLI's validators and
// the app's spin boxes and sliders take their bounds from here.
namespace limits {
inline constexpr Limits<int> kDetectWidth{64, 4096, Setting::kDetectWidth};
inline constexpr Limits<float> kMinFace{0.01f, 1.0f, Setting::kMinFace};
inline constexpr Limits<int> kDetectEvery{1, 100, Setting::kDetectEvery};
inline constexpr Limits<int> kAnalyzeEvery{1, 1000, Setting::kAnalyzeEvery};
inline constexpr Limits<int> kBatchFrames{1, 64, Setting::kBatchFrames};
inline constexpr Limits<double> kMotionThreshold{0.0, 255.0, Setting::kMotionThreshold};
inline constexpr Limits<double> kSceneCut{0.0, 255.0, Setting::kSceneCut};
inline constexpr Limits<double> kSmoothingMs{0.0, 10000.0, Setting::kSmoothing};
inline constexpr Limits<double> kTrackGapMs{0.0, 600000.0, Setting::kTrackGap};
inline constexpr Limits<double> kClassifyIntervalMs{0.0, 10000.0, Setting::kClassifyInterval};
inline constexpr Limits<double> kIdentityIntervalMs{0.0, 600000.0, Setting::kIdentityInterval};
inline constexpr Limits<float> kIdentityThreshold{0.0f, 10.0f, Setting::kIdentityThreshold};
inline constexpr Limits<float> kMinConfidence{0.0f, 1.0f, Setting::kMinConfidence};
inline constexpr Limits<float> kNeutralPrior{0.05f, 20.0f, Setting::kNeutralPrior};
}  // namespace limits

// The one rule for each model file, which resolve() follows: the file named
// (a bare name that is no file here, e.g. "faceres.pt", names a shipped model),
// else the shipped default (resources.hpp). For callers that load one model
// without a whole run (predict, eval, people).
Result<std::string> run_model_file(const RunOptions& options);
Result<std::string> run_embedder_file(const RunOptions& options);

// `options` with the machine's defaults filled in: model_path (default_model_path()),
// identity.model_path when identities are on (default_embedder_path()) and
// detector.model_path (resolve_detector_model()). An Error (code kUsage, its
// Setting named) when a value is out of its range, kModel when a default file
// is missing. Idempotent.
Result<RunOptions> resolve(RunOptions options);

// Where a new recording goes in `folder`: "<folder>/session-YYYYMMDD-HHMMSS",
// then "-2", "-3"... while any of its .mkv, .csv or .json exists, so no
// recording is overwritten. Creates `folder` (its new last part 0700: a
// recording holds faces) when missing. The CLI's --record and the app's record
// button both use it; `now` is the local time of the recording's start.
Result<std::string> next_recording_base(const std::string& folder, std::time_t now);

}  // namespace emoscope
