// The summary's JSON (docs/output-formats.md, "Summary"): the header that
// describes how a run was made (source, model, detector, processing,
// identities) and the per-face and per-person figures. Recorder's writing
// side is recorder.cpp.
#include "emoscope/recorder.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include <nlohmann/json.hpp>

#include "emoscope/people.hpp"
#include "emoscope/version.hpp"

namespace emoscope {
namespace {

using ojson = nlohmann::ordered_json;

ojson number_or_null(double value, bool known) { return known ? ojson(value) : ojson(nullptr); }

// A box coordinate rounded as the CSV's %.0f rounds it.
long pixel(float value) { return static_cast<long>(std::nearbyint(value)); }

const char* source_kind_name(SourceKind kind) {
  switch (kind) {
    case SourceKind::kCamera: return "camera";
    case SourceKind::kVideoFile: return "video";
    case SourceKind::kImages: return "images";
  }
  return "?";
}

ojson detector_json(const std::optional<DetectorOptions>& d) {
  if (!d) return nullptr;
  const bool dnn = d->kind != DetectorKind::kHaar;
  const bool haar = d->kind == DetectorKind::kHaar;
  ojson j;
  j["kind"] = detector_kind_name(d->kind);
  j["model_file"] = d->model_path.empty() ? ojson(nullptr) : ojson(d->model_path);
  j["config_file"] = d->kind == DetectorKind::kSsd && !d->config_path.empty() ? ojson(d->config_path) : ojson(nullptr);
  j["detect_width"] = d->detect_width;
  j["min_face_fraction"] = d->min_face_fraction;
  j["score_threshold"] = dnn ? ojson(d->score_threshold) : ojson(nullptr);
  j["nms_threshold"] = d->kind == DetectorKind::kYuNet ? ojson(kYuNetNmsThreshold) : ojson(nullptr);
  j["min_neighbors"] = haar ? ojson(d->min_neighbors) : ojson(nullptr);
  j["scale_factor"] = haar ? ojson(d->haar_scale_factor) : ojson(nullptr);
  j["verify_faces"] = haar ? ojson(d->verify_faces) : ojson(nullptr);
  return j;
}

ojson processing_json(const std::optional<PipelineOptions>& p, const std::string& device) {
  ojson j;
  j["mode"] = !p ? ojson(nullptr) : ojson(p->mode == PipelineMode::kLive ? "live" : "file");
  j["device"] = device.empty() ? ojson(nullptr) : ojson(device);
  j["detect_every"] = p ? ojson(p->detect_every) : ojson(nullptr);
  j["every"] = p ? ojson(p->mode == PipelineMode::kFile ? std::max(1, p->analyze_every) : 1) : ojson(nullptr);
  j["motion_threshold"] = p ? ojson(p->motion_threshold) : ojson(nullptr);
  j["smoothing_ms"] = p ? ojson(p->tracker.smoothing_ms) : ojson(nullptr);
  j["track_gap_ms"] = p ? ojson(p->tracker.max_gap_ms) : ojson(nullptr);
  j["iou_threshold"] = p ? ojson(p->tracker.iou_threshold) : ojson(nullptr);
  j["classify_interval_ms"] = p ? ojson(p->tracker.classify_interval_ms) : ojson(nullptr);
  return j;
}

}  // namespace

std::string run_settings_json(const RunDescription& run) {
  ojson j;
  j["detector"] = detector_json(run.detector);
  j["processing"] = processing_json(run.pipeline, run.device);
  return j.dump();
}

std::string iso8601_local(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  ::localtime_r(&secs, &local);
  char text[40];
  char zone[8];
  if (std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &local) == 0 ||
      std::strftime(zone, sizeof(zone), "%z", &local) == 0)
    return {};
  std::string z = zone;  // +hhmm -> +hh:mm (ISO 8601 extended format, as the date and time)
  if (z.size() == 5) z.insert(3, ":");
  return std::string(text) + z;
}

std::string Recorder::summary_json() const {
  const RunDescription& run = options_.run;
  const SourceInfo& src = run.source;
  ojson header;
  header["format"] = "emoscope-summary";
  header["format_version"] = 2;
  header["app"] = {{"name", "emoscope"}, {"version", version()}};
  header["start_time"] = start_time_;
  ojson source;
  source["kind"] = source_kind_name(src.kind);
  source["name"] = options_.source_name;
  source["frame_size"] = src.size.area() > 0 ? ojson::array({src.size.width, src.size.height}) : ojson(nullptr);
  source["fps"] = number_or_null(src.fps, src.fps > 0);
  source["frame_count"] = src.frame_count >= 0 ? ojson(src.frame_count) : ojson(nullptr);
  header["source"] = source;
  header["model"] = {{"name", options_.model_name},
                     {"version", run.model_version},
                     {"labels", options_.labels},
                     {"file", run.model_file.empty() ? ojson(nullptr) : ojson(run.model_file)},
                     {"neutral_prior", run.neutral_prior}};
  header["detector"] = detector_json(run.detector);
  header["processing"] = processing_json(run.pipeline, run.device);
  if (run.identities_on) {
    header["identity"] = {
        {"embedder", {{"name", run.embedder_name}, {"version", run.embedder_version},
                      {"file", run.embedder_file.empty() ? ojson(nullptr) : ojson(run.embedder_file)}}},
        {"join_distance", run.identity_threshold},
        {"start_distance", run.identity_start_distance},
        {"join_ratio", People::kRatio},
        {"crowd_ratio", People::kCrowdRatio},
        {"identity_interval_ms", run.pipeline ? ojson(run.pipeline->tracker.identity_interval_ms) : ojson(nullptr)},
        {"settle_ms", options_.people ? ojson(options_.settle_ms) : ojson(nullptr)},
        {"scene_cut_threshold", run.pipeline ? ojson(run.pipeline->scene_cut_threshold) : ojson(nullptr)},
        {"people_gallery", run.people_gallery.empty() ? ojson(nullptr) : ojson(run.people_gallery)}};
  } else {
    header["identity"] = nullptr;
  }
  const std::uint64_t processed = static_cast<std::uint64_t>(frames_);
  std::uint64_t read = frames_ > 0 ? last_seq_ - first_seq_ + 1 : 0;
  std::uint64_t dropped = last_dropped_ - first_dropped_;
  if (end_) {
    read = end_->frames_read;
    dropped = end_->frames_dropped;
  }
  read = std::max(read, processed + dropped);
  header["frames"] = {{"read", read}, {"processed", processed}, {"dropped", dropped},
                      {"skipped", read - processed - dropped},
                      {"video", video_frames_}};

  // The newest frame's time slice is not known yet: the mean interval so far.
  const double tail_ms = last_slice_ms();
  const bool timed = timed_frames_ > 0;
  ojson j;
  j["header"] = header;
  j["frames"] = frames_;
  j["duration_s"] = number_or_null((covered_ms_ + tail_ms) / 1000.0, timed);
  // One entry of "faces" (by track) or "people" (by person).
  auto entry = [&](int id, const FaceSummary& s, bool person) {
    double seconds = s.seconds;
    std::vector<double> label_seconds = s.label_seconds;
    for (const Pending& p : pending_) {
      if ((person ? p.person : p.face) != id) continue;
      seconds += tail_ms / 1000.0;
      if (p.label >= 0 && p.label < static_cast<int>(label_seconds.size())) label_seconds[p.label] += tail_ms / 1000.0;
    }
    const bool face_timed = s.first_ms.has_value();
    ojson face;
    face["id"] = id;
    if (person) {
      face["name"] = s.name.empty() ? ojson(nullptr) : ojson(s.name);
      face["tracks"] = s.tracks;
    }
    if (person) {  // where the person's clearest face was taken (no pixels)
      const std::optional<Portrait> at = portraits_.portrait(id);
      face["portrait"] = !at ? ojson(nullptr)
                             : ojson{{"frame", at->frame},
                                     {"time_ms", number_or_null(at->time.ms_or(0), at->time.is_set())},
                                     {"box", {pixel(at->box.x), pixel(at->box.y), pixel(at->box.width), pixel(at->box.height)}}};
    }
    face["frames"] = s.frames;
    face["seconds_seen"] = number_or_null(seconds, face_timed);
    face["first_seen_s"] = number_or_null(s.first_ms.value_or(0) / 1000.0, face_timed);
    face["last_seen_s"] = number_or_null(s.last_ms.value_or(0) / 1000.0, face_timed);
    face["mean_confidence"] = s.frames > 0 ? s.confidence_sum / s.frames : 0.0;
    // Share of the face's time per label; of its frames when it has no time.
    const bool by_time = face_timed && seconds > 0;
    ojson share = ojson::object();
    double best = -1;
    std::string dominant;
    for (std::size_t i = 0; i < options_.labels.size() && i < s.label_frames.size(); ++i) {
      const double value = by_time ? label_seconds[i] / seconds
                                   : (s.frames > 0 ? static_cast<double>(s.label_frames[i]) / s.frames : 0.0);
      share[options_.labels[i]] = value;
      if (value > best) {
        best = value;
        dominant = options_.labels[i];
      }
    }
    face["label_share"] = share;
    face["dominant_label"] = dominant;
    return face;
  };
  j["faces"] = ojson::array();
  for (const auto& [id, s] : faces_) j["faces"].push_back(entry(id, s, false));
  j["people"] = ojson::array();
  for (const auto& [id, s] : people_) j["people"].push_back(entry(id, s, true));
  return j.dump(2, ' ', false, ojson::error_handler_t::replace);
}

}  // namespace emoscope
