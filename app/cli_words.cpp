#include "cli_words.hpp"

namespace emoscope::cli {

int exit_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUsage: return 2;
    case ErrorCode::kInputUnreadable: return 3;
    case ErrorCode::kModel: return 4;
    case ErrorCode::kOutputNotWritable: return 5;
  }
  return 1;
}

std::string cli_message(const Error& error) {
  switch (error.setting) {
    case Setting::kNone: return error.message;
    case Setting::kModelFile: return error.message + "; give one with --model or $EMOSCOPE_MODEL";
    case Setting::kEmbedderFile:
      return error.message + "; give one with --embedder, or turn identities off with --no-identities";
    case Setting::kDetectorModelFile: return error.message + " (--detector-model)";
    case Setting::kDetectorConfigFile: return error.message + " (--detector-config)";
    case Setting::kVideoCodec: return error.message + "; try --video-codec mjpeg";
    case Setting::kMaxImagePixels: return error.message + " (--max-pixels)";
    case Setting::kReplaceExisting: return error.message + ", or --force to replace it";
    case Setting::kDevice: return error.message + " (--device)";
    case Setting::kRecordingFolder: return error.message + " (--record)";
    case Setting::kDetectWidth: return error.message + " (--detect-width)";
    case Setting::kMinFace: return error.message + " (--min-face)";
    case Setting::kDetectEvery: return error.message + " (--detect-every)";
    case Setting::kAnalyzeEvery: return error.message + " (--every)";
    case Setting::kBatchFrames: return error.message + " (--batch-frames)";
    case Setting::kMotionThreshold: return error.message + " (--motion-threshold)";
    case Setting::kSceneCut: return error.message + " (--scene-cut)";
    case Setting::kSmoothing: return error.message + " (--smoothing)";
    case Setting::kTrackGap: return error.message + " (--track-gap)";
    case Setting::kClassifyInterval: return error.message + " (--classify-interval)";
    case Setting::kIdentityInterval: return error.message + " (--identity-interval)";
    case Setting::kIdentityThreshold: return error.message + " (--identity-threshold)";
    case Setting::kMinConfidence: return error.message;  // the CLI has no flag: its videos show every label
    case Setting::kNeutralPrior: return error.message + " (--neutral-prior)";
  }
  return error.message;
}

}  // namespace emoscope::cli
