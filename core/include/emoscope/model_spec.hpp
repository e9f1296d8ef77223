// ModelSpec: the metadata embedded in an Emoscope model file (emoscope.json),
// as defined in models/MODEL_SPEC.md. Parsing validates every required field
// and returns a clear error. Plain value type.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "emoscope/error.hpp"

namespace emoscope {

enum class ModelKind { kEmotion, kFaceEmbedder };

struct ModelSpec {
  // "kind" in emoscope.json: absent or "emotion" = an emotion classifier;
  // "face-embedder" = a face-recognition network (no labels or crop; align and
  // embedding instead).
  ModelKind kind = ModelKind::kEmotion;
  std::string name;
  std::string version;
  std::vector<std::string> labels;
  int channels = 1;          // 1 = grey, 3 = RGB
  int height = 48;           // pixels
  int width = 48;            // pixels
  std::vector<float> mean;   // per channel, on 0..1 pixels
  std::vector<float> std;    // per channel, on 0..1 pixels
  float crop_margin = 0.0f;  // fraction of the box added on each side
  bool crop_square = true;
  std::string trained_on;
  std::string metrics_json;  // the "metrics" object, re-serialised
  // SHA-256 (64 lower-case hex digits) of the archive's records other than
  // extra/ and .data/ (MODEL_SPEC.md, "Integrity"); empty in older models.
  std::string weights_sha256;
  std::string raw_json;      // the whole emoscope.json

  // Face embedders only.
  // Where the five landmarks (right eye, left eye, nose tip, right mouth
  // corner, left mouth corner; YuNet's order) go in the chip, as fractions of
  // its width and height.
  std::vector<std::array<float, 2>> align_landmarks;
  int embedding_size = 0;
  // Euclidean distance between two descriptors below which they are taken to
  // be one person (calibrated for the model, see its card).
  float same_person_distance = 0.0f;
  // Optional (0 = a multiple of same_person_distance, People::kSplitFactor and
  // kDriftFactor): beyond split_distance a face after a break in its track is
  // surely someone else; beyond drift_distance on a routine re-check. Their
  // place between a model's same- and different-person distances differs from
  // model to model, so a model's card measures them.
  float split_distance = 0.0f;
  float drift_distance = 0.0f;
  // Optional (0 = People::kJoinFactor x same_person_distance): the most a run's
  // join distance grows to when its people lie far apart.
  float max_join_distance = 0.0f;
};

Result<ModelSpec> parse_model_spec(const std::string& json_text);

}  // namespace emoscope
