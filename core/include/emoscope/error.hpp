// Error and Result<T>: how every loading/opening call in core reports failure.
// Exceptions from OpenCV (cv::Exception) and LibTorch (c10::Error) are caught
// where they enter our code and turned into an Error with one of these codes.
// Each front end words an Error its own way: emoscope-cli maps the codes to its
// exit codes and the setting to its flag (app/cli_words.cpp), the desktop app
// to its controls (ui/src/convert.cpp).
// Value types; thread-safe to copy.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace emoscope {

enum class ErrorCode {
  kUsage,              // a setting or argument out of its range or not understood
  kInputUnreadable,    // image/video/camera missing, corrupt or truncated
  kModel,              // classifier or detector model missing or invalid
  kOutputNotWritable,  // cannot create or write an output file
};

// Which user setting an error is about, so that each front end can point at
// its own control for it: core's messages name no CLI flag or GUI widget (the
// CLI adds its flag, app/cli_common.cpp's cli_message()).
enum class Setting {
  kNone,
  kModelFile,           // the emotion model
  kEmbedderFile,        // the face embedder (identities)
  kDetectorModelFile,   // the face detector's model file
  kDetectorConfigFile,  // SSD's .pbtxt
  kVideoCodec,          // the annotated video's codec (another one may work)
  kMaxImagePixels,      // the pixel cap on images and video frames
  kReplaceExisting,     // an output exists: replacing it is the user's choice
  kDevice,              // CPU or CUDA
  kRecordingFolder,     // where recordings go
  // Numeric settings with a range (run_options.hpp, limits):
  kDetectWidth,
  kMinFace,
  kDetectEvery,
  kAnalyzeEvery,
  kBatchFrames,
  kMotionThreshold,
  kSceneCut,
  kSmoothing,
  kTrackGap,
  kClassifyInterval,
  kIdentityInterval,
  kIdentityThreshold,
  kMinConfidence,
  kNeutralPrior,
};

struct Error {
  ErrorCode code;
  std::string message;
  Setting setting = Setting::kNone;
};

inline Error about(Setting setting, Error error) {
  error.setting = setting;
  return error;
}

// A value or an Error. Small stand-in for std::expected (C++23).
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// What an operation with no value returns: an Error, or nothing on success.
// Its truth value is "it failed": `if (MaybeError e = f()) report(*e);`.
using MaybeError = std::optional<Error>;

}  // namespace emoscope
