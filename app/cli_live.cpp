// emoscope-cli live: a camera (or a video in real time), optionally recorded.
#include "cli_common.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <ctime>
#include <cstdio>
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

int run_live(const RunOptions& run, const LiveOptions& options) {
  if (options.output.csv_path == "-" && options.output.summary_path == "-")
    return fail({ErrorCode::kUsage, "only one of --csv and --summary can be '-' (standard output)"});
  RunOptions ro = run;
  ro.live = true;
  if (options.output.any()) ro.outputs = {options.output};  // --csv / --summary
  auto engine = RunEngine::open(ro);
  if (!engine) return fail(engine.error());
  RunEngine& e = *engine.value();
  if (!options.record_dir.empty()) {  // every captured frame, drawn with the newest result
    Result<std::string> base = next_recording_base(options.record_dir, std::time(nullptr));
    if (!base) return fail(base.error());
    std::fprintf(stderr, "recording to %s.mkv, .csv and .json\n", base->c_str());
    OutputOptions record;
    record.video_path = base.value() + ".mkv";
    record.csv_path = base.value() + ".csv";
    record.summary_path = base.value() + ".json";
    record.video_codec = options.output.video_codec;
    if (MaybeError s = e.start_recording(record)) return fail(*s);
  }
  const std::vector<std::string>& labels = e.model_spec().labels;
  long frames = 0;
  auto window_start = SteadyClock::now();
  long window_frames = 0;
  e.start([&](FrameResult&& r) -> MaybeError {
    ++frames;
    ++window_frames;
    const double secs = std::chrono::duration<double>(SteadyClock::now() - window_start).count();
    if (secs >= 1.0) {
      std::string faces;
      for (const TrackedFace& f : r.faces) {
        faces += fmt::format(" #{}:{}:{:.0f}%", f.id, f.label >= 0 ? labels[f.label] : "?", f.confidence * 100);
      }
      std::fprintf(stderr, "%.1f fps, %.0f ms, dropped %llu, faces:%s\n", window_frames / secs, r.times.total,
                   static_cast<unsigned long long>(r.dropped_so_far), faces.empty() ? " none" : faces.c_str());
      window_start = SteadyClock::now();
      window_frames = 0;
    }
    return std::nullopt;
  });
  const auto start = SteadyClock::now();
  const RunEnd end = e.wait([&] {
    return interrupted() ||
           (options.seconds > 0 && SteadyClock::now() - start > std::chrono::duration<double>(options.seconds));
  });
  if (end.status) return fail(*end.status);
  std::fprintf(stderr, "processed %ld frames, dropped %llu\n", frames,
               static_cast<unsigned long long>(end.pipeline.frames_dropped));
  if (!options.record_dir.empty()) std::fprintf(stderr, "recorded %s\n", writer_report(end.outputs.back()).c_str());
  if (end.pipeline.reason == EndReason::kStopped && !interrupted()) return kOk;  // --seconds reached
  return end_code(end.pipeline);
}

}  // namespace emoscope::cli
