// emoscope-cli analyze: every frame of a video (or every image of a folder) into its outputs.
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

int run_analyze(const RunOptions& run, const AnalyzeOptions& options) {
  if (options.output.csv_path == "-" && options.output.summary_path == "-")
    return fail({ErrorCode::kUsage, "only one of --csv and --summary can be '-' (standard output)"});
  if (MaybeError s = check_file_source(run.source)) return fail(*s);
  RunOptions ro = run;
  ro.live = false;
  if (options.output.any()) ro.outputs = {options.output};  // every frame goes into the video (--every N keeps the duration)
  auto engine = RunEngine::open(ro);
  if (!engine) return fail(engine.error());
  RunEngine& e = *engine.value();
  const long total = e.source_info().frame_count;
  const long every = std::max(1, ro.pipeline.analyze_every);
  ProgressBar progress("analyze", total > 0 ? (total + every - 1) / every : -1);
  long processed = 0;
  e.start([&](FrameResult&&) -> MaybeError {
    progress.update(++processed);
    return std::nullopt;
  });
  const RunEnd end = e.wait(interrupted);
  progress.finish();
  if (end.status) return fail(*end.status);
  if (!options.output.video_path.empty()) spdlog::info("{}", writer_report(end.outputs.front()));
  spdlog::info("analyzed {} of {} decoded frames", end.pipeline.frames_processed, end.pipeline.frames_read);
  std::fprintf(stderr, "analyzed %llu frames (%llu decoded)%s\n",
               static_cast<unsigned long long>(end.pipeline.frames_processed),
               static_cast<unsigned long long>(end.pipeline.frames_read),
               end.pipeline.reason == EndReason::kReadError ? ", input ended early: see warning" : "");
  return end_code(end.pipeline);
}

}  // namespace emoscope::cli
