// emoscope-cli bench: speed per stage as JSON.
#include "cli_common.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>
#include <thread>

#include <sys/resource.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include "emoscope/classifier.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/file_checks.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/preprocess.hpp"
#include "emoscope/resources.hpp"
#include "emoscope/run.hpp"
#include "emoscope/stats.hpp"
#include "ferplus.hpp"
#include "metrics.hpp"
#include "progress.hpp"

namespace emoscope::cli {
namespace fs = std::filesystem;

int run_bench(const RunOptions& run, const BenchOptions& options) {
  auto engine = RunEngine::open(run);
  if (!engine) return fail(engine.error());
  RunEngine& e = *engine.value();
  const SourceInfo info = e.source_info();
  LatencyStats decode, detect, detect_run, preprocess, infer, embed, annotate_ms, end_to_end;
  long frames = 0, faces = 0, faces_classified = 0, faces_embedded = 0, detections = 0;
  double embed_total_ms = 0;
  std::set<int> track_ids, person_ids;
  e.start([&](FrameResult&& r) -> MaybeError {
    if (options.frames > 0 && frames >= options.frames) return std::nullopt;  // stopping
    const auto t = SteadyClock::now();
    cv::Mat out = e.annotate(r.frame.image, &r);
    annotate_ms.add(std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count());
    decode.add(r.times.decode);
    detect.add(r.times.detect);
    if (r.times.detected) {
      detect_run.add(r.times.detect);
      ++detections;
    }
    preprocess.add(r.times.preprocess);
    infer.add(r.times.infer);
    embed.add(r.times.embed);
    embed_total_ms += r.times.embed;
    end_to_end.add(std::chrono::duration<double, std::milli>(SteadyClock::now() - r.frame.captured).count());
    faces += static_cast<long>(r.faces.size());
    for (const TrackedFace& f : r.faces) {
      faces_classified += f.classified ? 1 : 0;
      faces_embedded += f.embedded ? 1 : 0;
      track_ids.insert(f.id);
      if (f.person_id > 0) person_ids.insert(f.person_id);
    }
    if (++frames == options.frames) e.request_stop();
    return std::nullopt;
  });
  const auto start = SteadyClock::now();
  const RunEnd end = e.wait(interrupted);
  const double wall = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (end.status) return fail(*end.status);

  auto stage = [](const LatencyStats& s) {
    return ojson{{"p50_ms", s.percentile(50)}, {"p95_ms", s.percentile(95)}, {"mean_ms", s.mean()}};
  };
  ojson j;
  j["source"] = run.source;
  j["mode"] = run.live ? "live" : "file";
  j["source_fps"] = info.fps;
  j["frame_size"] = {info.size.width, info.size.height};
  j["device"] = e.device_name();
  j["blas"] = loaded_blas();
  j["model"] = e.model_spec().name;
  j["detector"] = detector_kind_name(run.detector.kind);
  j["detect_width"] = run.detector.detect_width;
  j["detect_every"] = run.pipeline.detect_every;
  j["classify_interval_ms"] = run.pipeline.tracker.classify_interval_ms;
  j["batch_frames"] = run.pipeline.batch_frames;
  j["frames_read"] = end.pipeline.frames_read;
  j["frames_processed"] = frames;
  j["frames_dropped"] = end.pipeline.frames_dropped;
  j["detector_runs"] = detections;
  j["faces"] = faces;
  j["faces_classified"] = faces_classified;
  j["face_ids"] = track_ids.size();  // distinct track IDs: fewer for the same faces = fewer ID switches
  j["identities"] = run.identity.enabled;
  j["faces_embedded"] = faces_embedded;
  j["person_ids"] = person_ids.size();
  // Chips and the embedder's forward passes, per face embedded (batched as they came).
  j["embed_ms_per_face"] = faces_embedded > 0 ? embed_total_ms / faces_embedded : 0.0;
  j["peak_rss_mb"] = peak_rss_mb();
  j["wall_s"] = wall;
  j["fps"] = wall > 0 ? frames / wall : 0;
  j["stages"] = {{"decode", stage(decode)},       {"detect", stage(detect)},
                 {"detect_when_run", stage(detect_run)}, {"preprocess", stage(preprocess)},
                 {"infer", stage(infer)},         {"embed", stage(embed)},
                 {"annotate", stage(annotate_ms)},
                 {"end_to_end", stage(end_to_end)}};
  std::cout << json_text(j, 2) << "\n";
  if (end.pipeline.reason == EndReason::kStopped) return kOk;  // stopped at --frames
  return end_code(end.pipeline);
}

// The --record folder (created 0700) and the next free base name in it:
// session, session-2, session-3, ... (each recording keeps its own files).

}  // namespace emoscope::cli
