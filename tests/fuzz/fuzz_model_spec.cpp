// libFuzzer: the model metadata parser (emoscope.json) on arbitrary bytes.
// A spec that parses must satisfy every rule MODEL_SPEC.md states.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "emoscope/model_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const emoscope::Result<emoscope::ModelSpec> spec = emoscope::parse_model_spec(text);
  if (!spec) {
    if (spec.error().message.empty() || spec.error().code != emoscope::ErrorCode::kModel) std::abort();
    return 0;
  }
  const emoscope::ModelSpec& s = spec.value();
  const std::set<std::string> unique(s.labels.begin(), s.labels.end());
  // Emotion models have labels; face embedders have none, but five alignment
  // points, an embedding size and a positive same-person distance.
  const bool kind_valid =
      s.kind == emoscope::ModelKind::kEmotion
          ? !s.labels.empty() && unique.size() == s.labels.size()
          : s.labels.empty() && s.align_landmarks.size() == 5 && s.embedding_size >= 1 && s.embedding_size <= 4096 &&
                s.same_person_distance > 0.0f;
  const bool valid = kind_valid && (s.channels == 1 || s.channels == 3) &&
                     s.height >= 8 && s.height <= 512 && s.width >= 8 && s.width <= 512 &&
                     static_cast<int>(s.mean.size()) == s.channels && static_cast<int>(s.std.size()) == s.channels &&
                     s.crop_margin >= 0.0f && s.crop_margin <= 1.0f &&
                     (s.weights_sha256.empty() || s.weights_sha256.size() == 64);
  if (!valid) std::abort();
  for (float v : s.std)
    if (!(v > 0.0f)) std::abort();
  return 0;
}
