// emoscope-cli's shared helpers (cli_common.hpp), exit codes and interrupt handling.
#include "cli_common.hpp"
#include "cli_words.hpp"

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
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) { g_interrupted = true; }

}  // namespace


Result<ImageModels> load_image_models(const RunOptions& run, bool whole_image) {
  RunOptions all_cores = run;
  if (all_cores.classifier.threads <= 0)
    all_cores.classifier.threads = static_cast<int>(std::thread::hardware_concurrency());
  ImageModels m;
  auto classifier = load_run_classifier(all_cores);
  if (!classifier) return classifier.error();
  m.classifier = std::move(classifier).value();
  if (!whole_image) {
    auto detector = create_face_detector(run.detector);
    if (!detector) return detector.error();
    m.detector = std::move(detector).value();
  }
  return m;
}

ojson probabilities_json(const std::vector<std::string>& labels, const Probabilities& p) {
  ojson j = ojson::object();
  for (std::size_t i = 0; i < labels.size() && i < p.size(); ++i) j[labels[i]] = p[i];
  return j;
}

int argmax(const Probabilities& p) {
  return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      const std::vector<std::string> found = find_images(in, /*recursive=*/true);
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(in);
    }
  }
  return files;
}

// Reads an image; an empty Mat plus a message when it cannot be decoded.
cv::Mat read_image(const std::string& path, std::string& error) {
  Result<cv::Mat> image = read_image_file(path);
  if (image) return std::move(image).value();
  error = cli_message(image.error());
  if (error.rfind(path + ": ", 0) == 0) error = error.substr(path.size() + 2);  // the caller names the file
  return {};
}

// JSON text that never throws: invalid UTF-8 (e.g. in a file name) becomes U+FFFD.
std::string json_text(const ojson& j, int indent) {
  return j.dump(indent, ' ', false, ojson::error_handler_t::replace);
}

std::string writer_report(const RecordingWriter::Stats& s) {
  return fmt::format("video: {} frames ({} captured, {} repeated to fill gaps, {} ahead of time); "
                     "capture waited for the writer {} times ({:.0f} ms)",
                     s.video_frames, s.frames_tapped, s.repeated_frames, s.ahead_frames, s.capture_waits,
                     s.waited_ms);
}

int end_code(const PipelineEnd& end) {
  switch (end.reason) {
    case EndReason::kEndOfStream: return kOk;
    case EndReason::kStopped: return kInterrupted;
    case EndReason::kReadError:
    case EndReason::kSourceLost:
      spdlog::warn("{}", end.message);
      return exit_code(ErrorCode::kInputUnreadable);
    case EndReason::kFailed:
      spdlog::error("{}", end.message);
      return exit_code(ErrorCode::kModel);
  }
  return kOk;
}

// Which BLAS the process really loaded (Debian switches libblas.so.3 between
// the reference BLAS and OpenBLAS), as the resolved path of libblas.so.3.
std::string loaded_blas() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    const auto at = line.find('/');
    if (at == std::string::npos || line.find("libblas.so") == std::string::npos) continue;
    std::error_code ec;
    const fs::path real = fs::canonical(line.substr(at), ec);
    return ec ? line.substr(at) : real.string();
  }
  return "none";
}

// The most memory the process has held in RAM so far (Linux reports KiB).
double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}


int fail(const Error& error) {
  spdlog::error("{}", cli_message(error));
  return exit_code(error.code);
}

bool interrupted() { return g_interrupted; }

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // A closed pipe on --csv - / --summary - is a write error (exit 5), not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
}


MaybeError check_file_source(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec)) && (path.rfind("camera", 0) == 0 || path.rfind("/dev/video", 0) == 0))
    return Error{ErrorCode::kUsage, "analyze reads a video, image or folder; for a camera use: live --source " + path};
  return std::nullopt;
}

}  // namespace emoscope::cli
