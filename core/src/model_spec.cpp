#include "emoscope/model_spec.hpp"

#include <cmath>
#include <cstdint>
#include <set>

#include <nlohmann/json.hpp>

namespace emoscope {
namespace {

Error spec_error(const std::string& what) {
  return {ErrorCode::kModel, "model metadata (emoscope.json): " + what};
}

// Thrown for a field that is a number of the wrong kind or size; caught below.
// nlohmann's get<int>() / get<float>() convert out-of-range values with
// undefined behaviour (found by fuzz_model_spec: "width": 4.7e19).
struct FieldError {
  std::string message;
};

int small_int(const nlohmann::json& j, const char* name) {
  if (!j.is_number_integer()) throw FieldError{std::string(name) + " must be an integer"};
  if (j.is_number_unsigned() ? j.get<std::uint64_t>() > 1'000'000u
                             : (j.get<std::int64_t>() > 1'000'000 || j.get<std::int64_t>() < -1'000'000))
    throw FieldError{std::string(name) + " is out of range"};
  return static_cast<int>(j.get<std::int64_t>());
}

float finite_float(const nlohmann::json& j, const char* name) {
  if (!j.is_number()) throw FieldError{std::string(name) + " must be a number"};
  const double v = j.get<double>();
  if (!(std::abs(v) <= 1e30)) throw FieldError{std::string(name) + " is out of range"};
  return static_cast<float>(v);
}

std::vector<float> float_list(const nlohmann::json& j, const char* name) {
  if (!j.is_array() || j.size() > 16) throw FieldError{std::string(name) + " must be a short array of numbers"};
  std::vector<float> out;
  for (const auto& v : j) out.push_back(finite_float(v, name));
  return out;
}

}  // namespace

Result<ModelSpec> parse_model_spec(const std::string& json_text) {
  using nlohmann::json;
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception& e) {
    return spec_error(std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) return spec_error("top level is not an object");

  ModelSpec spec;
  spec.raw_json = json_text;
  try {
    if (j.contains("kind")) {
      const std::string kind = j.at("kind").get<std::string>();
      if (kind == "face-embedder") spec.kind = ModelKind::kFaceEmbedder;
      else if (kind != "emotion") return spec_error("unknown \"kind\" '" + kind + "' (emotion or face-embedder)");
    }
    const bool embedder = spec.kind == ModelKind::kFaceEmbedder;
    const std::vector<const char*> required =
        embedder ? std::vector<const char*>{"name", "version", "input", "align", "embedding"}
                 : std::vector<const char*>{"name", "version", "labels", "input", "crop"};
    for (const char* key : required) {
      if (!j.contains(key)) return spec_error(std::string("missing required field \"") + key + "\"");
    }
    spec.name = j.at("name").get<std::string>();
    spec.version = j.at("version").is_string() ? j.at("version").get<std::string>()
                                               : j.at("version").dump();
    if (!embedder) {
      spec.labels = j.at("labels").get<std::vector<std::string>>();
      if (spec.labels.empty()) return spec_error("\"labels\" is empty");
      std::set<std::string> unique(spec.labels.begin(), spec.labels.end());
      if (unique.size() != spec.labels.size()) return spec_error("\"labels\" has duplicates");
    }

    const json& input = j.at("input");
    spec.channels = small_int(input.at("channels"), "input.channels");
    spec.height = small_int(input.at("height"), "input.height");
    spec.width = small_int(input.at("width"), "input.width");
    spec.mean = float_list(input.at("mean"), "input.mean");
    spec.std = float_list(input.at("std"), "input.std");
    if (spec.channels != 1 && spec.channels != 3)
      return spec_error("input.channels must be 1 or 3, got " + std::to_string(spec.channels));
    if (spec.height < 8 || spec.height > 512 || spec.width < 8 || spec.width > 512)
      return spec_error("input.height/width must be 8..512");
    if (static_cast<int>(spec.mean.size()) != spec.channels ||
        static_cast<int>(spec.std.size()) != spec.channels)
      return spec_error("input.mean and input.std need one value per channel");
    for (float s : spec.std)
      if (!(s > 0.0f)) return spec_error("input.std values must be > 0");

    if (embedder) {
      const json& points = j.at("align").at("landmarks");
      if (!points.is_array() || points.size() != 5) return spec_error("align.landmarks must hold 5 points");
      for (const json& p : points) {
        const std::vector<float> xy = float_list(p, "align.landmarks");
        if (xy.size() != 2 || xy[0] < -1 || xy[0] > 2 || xy[1] < -1 || xy[1] > 2)
          return spec_error("align.landmarks: each point is [x, y], fractions of the chip");
        spec.align_landmarks.push_back({xy[0], xy[1]});
      }
      const json& embedding = j.at("embedding");
      spec.embedding_size = small_int(embedding.at("size"), "embedding.size");
      if (spec.embedding_size < 1 || spec.embedding_size > 4096) return spec_error("embedding.size must be 1..4096");
      spec.same_person_distance = finite_float(embedding.at("same_person_distance"), "embedding.same_person_distance");
      if (!(spec.same_person_distance > 0)) return spec_error("embedding.same_person_distance must be > 0");
      for (auto [key, value] : {std::pair<const char*, float*>{"split_distance", &spec.split_distance},
                                {"drift_distance", &spec.drift_distance},
                                {"max_join_distance", &spec.max_join_distance}}) {
        if (!embedding.contains(key)) continue;
        *value = finite_float(embedding.at(key), (std::string("embedding.") + key).c_str());
        if (!(*value >= spec.same_person_distance)) {
          return spec_error(std::string("embedding.") + key + " must be >= same_person_distance");
        }
      }
    } else {
      const json& crop = j.at("crop");
      spec.crop_margin = finite_float(crop.at("margin"), "crop.margin");
      spec.crop_square = crop.at("square").get<bool>();
      if (spec.crop_margin < 0.0f || spec.crop_margin > 1.0f)
        return spec_error("crop.margin must be within 0..1");
    }

    if (j.contains("trained_on")) spec.trained_on = j.at("trained_on").is_string()
                                                        ? j.at("trained_on").get<std::string>()
                                                        : j.at("trained_on").dump();
    if (j.contains("metrics")) spec.metrics_json = j.at("metrics").dump();
    if (j.contains("weights_sha256")) {
      spec.weights_sha256 = j.at("weights_sha256").get<std::string>();
      const bool hex = spec.weights_sha256.size() == 64 &&
                       spec.weights_sha256.find_first_not_of("0123456789abcdef") == std::string::npos;
      if (!hex) return spec_error("\"weights_sha256\" must be 64 lower-case hex digits");
    }
  } catch (const json::exception& e) {
    return spec_error(std::string("bad field: ") + e.what());
  } catch (const FieldError& e) {
    return spec_error(e.message);
  }
  return spec;
}

}  // namespace emoscope
