#include "cli_words.hpp"

namespace emoscope::cli {

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
  }
  return error.message;
}

}  // namespace emoscope::cli
