// emoscope-cli: headless face-emotion analysis. See README.md, "Command line".
#include <cerrno>
#include <cmath>
#include <cstring>
#include <iostream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli_commands.hpp"
#include "emoscope/error.hpp"
#include "emoscope/file_checks.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/resources.hpp"
#include "emoscope/version.hpp"

namespace {

// CLI11's Range lets NaN through (every comparison with NaN is false).
const CLI::Validator kFinite(
    [](std::string& text) -> std::string {
      try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used != text.size()) return "'" + text + "' is not a number";
        return std::isfinite(v) ? std::string() : "'" + text + "' is not a finite number";
      } catch (const std::exception&) {
        return "'" + text + "' is not a number";
      }
    },
    "FINITE");

// The log file is created user-only (0600) and must be a regular file: never a
// symlink, FIFO or device. spdlog then appends to it.
std::string prepare_log_file(const std::string& path) {
  if (auto error = emoscope::check_output_path(path)) return error->message;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot write '" + path + "': " + std::strerror(errno);
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (regular) ::fchmod(fd, 0600);
  ::close(fd);
  return regular ? std::string() : "cannot write '" + path + "': not a regular file";
}

void add_model_options(CLI::App* cmd, emoscope::cli::CommonOptions& c) {
  cmd->add_option("--model", c.model,
                  std::string("TorchScript model with emoscope.json metadata (default: $EMOSCOPE_MODEL, else the "
                              "shipped models/") + emoscope::kDefaultModelFile + ")");
  cmd->add_option("--device", c.device, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--threads", c.threads, "inference threads (0 = half the cores for videos, all for images)")->check(CLI::NonNegativeNumber);
}

void add_detector_options(CLI::App* cmd, emoscope::cli::CommonOptions& c) {
  cmd->add_option("--detector", c.detector, "face detector: yunet (default), haar or ssd");
  cmd->add_option("--detector-model", c.detector_model,
                  "detector model file (YuNet .onnx, default: the shipped one; Haar XML, default: opencv-data's; "
                  "SSD .pb, required)");
  cmd->add_option("--detector-config", c.detector_config, "SSD .pbtxt (default: beside the .pb)");
  cmd->add_option("--detect-width", c.detect_width, "detect on frames downscaled to this width (px)")
      ->check(CLI::Range(64, 4096));
  cmd->add_option("--min-face", c.min_face, "minimum face size as a fraction of the frame's shorter side")
      ->check(kFinite)
      ->check(CLI::Range(0.01, 1.0));
}

void add_stream_options(CLI::App* cmd, emoscope::cli::CommonOptions& c) {
  cmd->add_option("--detect-every", c.detect_every,
                  "run the detector at least every N frames; boxes are carried between (motion forces a detection)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--smoothing", c.smoothing_ms, "per-face probability smoothing time constant, ms (0 = off)")
      ->check(kFinite)
      ->check(CLI::Range(0.0, 10000.0));
  cmd->add_option("--track-gap", c.track_gap_ms, "a face unseen this long (ms) gets a new ID when it returns")
      ->check(kFinite)
      ->check(CLI::Range(0.0, 600000.0));
  cmd->add_option("--classify-interval", c.classify_interval_ms,
                  "classify a tracked face again after this many ms; it keeps its smoothed probabilities in between "
                  "(0 = every frame)")
      ->check(kFinite)
      ->check(CLI::Range(0.0, 10000.0));
  cmd->add_option("--batch-frames", c.batch_frames,
                  "file analysis: classify the faces of up to N waiting frames in one forward pass")
      ->check(CLI::Range(1, 64));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace emoscope::cli;
  CLI::App app{"Emoscope: facial emotions in images, videos and live cameras"};
  app.set_version_flag("--version", std::string("emoscope-cli ") + emoscope::version());
  app.require_subcommand(1);
  app.fallthrough();  // --log-level/--log-file work before or after the subcommand
  std::string log_level = "warn";
  std::string log_file;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-file", log_file, "also write the log to this file (appended, created 0600)");
  double max_megapixels = static_cast<double>(emoscope::kDefaultMaxImagePixels) / 1e6;
  app.add_option("--max-pixels", max_megapixels,
                 "refuse images and video frames larger than this many megapixels (default 100)")
      ->check(kFinite)
      ->check(CLI::Range(0.001, 10000.0));

  CommonOptions common;
  PredictOptions predict;
  auto* p = app.add_subcommand("predict", "Faces and emotions in images; one JSON line per image");
  add_model_options(p, common);
  add_detector_options(p, common);
  p->add_flag("--whole-image", predict.whole_image, "treat each image as one pre-cropped face (FER2013 style)");
  p->add_option("inputs", predict.inputs, "image files or folders")->required();

  AnalyzeOptions analyze;
  auto* a = app.add_subcommand("analyze",
                               "Every frame of a video (or every image of a folder): annotated video, per-face CSV, "
                               "JSON summary (formats: docs/output-formats.md)");
  add_model_options(a, common);
  add_detector_options(a, common);
  add_stream_options(a, common);
  a->add_option("input", analyze.input, "video file, image or folder of images")->required();
  a->add_option("--out-video", analyze.out_video,
                "annotated video, with the source's audio: .mp4 (fragmented MP4) or .mkv (Matroska); "
                "either stays playable if the run is killed");
  a->add_option("--video-codec", analyze.video_codec, "codec of the annotated video: h264 (default) or mjpeg")
      ->check(CLI::IsMember({"h264", "mjpeg"}));
  a->add_option("--csv", analyze.csv, "per-frame, per-face CSV ('-' = standard output)");
  a->add_option("--summary", analyze.summary, "JSON summary: run header and per-face figures ('-' = standard output)");
  a->add_option("--every", analyze.every, "analyse every Nth frame")->check(CLI::Range(1, 1000));
  a->add_flag("--hud", analyze.hud, "draw FPS/latency/device on the annotated video");
  a->add_flag("--force", analyze.force, "replace output files that exist (refused otherwise)");

  EvalOptions eval;
  auto* e = app.add_subcommand("eval", "Accuracy on a folder with one sub-folder per class");
  add_model_options(e, common);
  add_detector_options(e, common);
  e->add_option("dir", eval.dir, "folder of class folders (named after the model's labels unless --labels ferplus)")
      ->required();
  e->add_flag("--whole-image", eval.whole_image, "images are pre-cropped faces (FER2013 style)");
  e->add_flag("--json", eval.json, "print JSON instead of text");
  e->add_option("--batch", eval.batch, "images per inference batch")->check(CLI::Range(1, 512));
  e->add_option("--labels", eval.labels,
                "truth per image: folders (the sub-folder's name) or ferplus (FER+ majority from --votes; "
                "images in every sub-folder)")
      ->check(CLI::IsMember({"folders", "ferplus"}));
  e->add_option("--votes", eval.votes,
                "FER+ votes CSV for --labels ferplus (default: DIR/../ferplus_votes.csv); "
                "its paths are relative to its folder");
  e->add_option("--classes", eval.classes,
                "score only these model labels, comma-separated (prediction = argmax over them)")
      ->delimiter(',');

  BenchOptions bench;
  auto* b = app.add_subcommand("bench", "Speed per stage as JSON (FPS, p50/p95 ms)");
  add_model_options(b, common);
  add_detector_options(b, common);
  add_stream_options(b, common);
  b->add_option("--source", bench.source, "video file, or camera / camera:N")->required();
  b->add_option("--frames", bench.frames, "stop after N frames (0 = whole source)")->check(CLI::NonNegativeNumber);
  b->add_flag("--live", bench.live, "live mode: newest frame only, paced at the source's rate");

  LiveOptions live;
  auto* l = app.add_subcommand("live", "Live analysis of a camera (or a video played in real time)");
  add_model_options(l, common);
  add_detector_options(l, common);
  add_stream_options(l, common);
  l->add_option("--source", live.source, "camera, camera:N, /dev/videoN or a video file");
  l->add_option("--record", live.record_dir,
                "record annotated video, CSV and summary into this folder (session.*, then session-2.*, ...)");
  l->add_option("--video-codec", live.video_codec, "codec of the recorded video: h264 (default) or mjpeg")
      ->check(CLI::IsMember({"h264", "mjpeg"}));
  l->add_option("--csv", live.csv, "per-frame, per-face CSV ('-' = standard output)");
  l->add_option("--summary", live.summary, "JSON summary, written at the end ('-' = standard output)");
  l->add_flag("--force", live.force, "replace --csv / --summary files that exist (refused otherwise)");
  l->add_option("--seconds", live.seconds, "stop after this many seconds (0 = until Ctrl+C)")
      ->check(kFinite)
      ->check(CLI::NonNegativeNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    const int code = app.exit(err);
    return code == 0 ? 0 : emoscope::exit_code(emoscope::ErrorCode::kUsage);
  }

  emoscope::set_max_image_pixels(static_cast<std::uint64_t>(max_megapixels * 1e6));
  if (!log_file.empty()) {
    if (const std::string error = prepare_log_file(log_file); !error.empty()) {
      std::cerr << "error: " << error << "\n";
      return emoscope::exit_code(emoscope::ErrorCode::kOutputNotWritable);
    }
  }
  try {
    auto console = spdlog::stderr_color_mt("emoscope");
    if (!log_file.empty()) {
      console->sinks().push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file, false));
    }
    spdlog::set_default_logger(console);
    spdlog::set_level(spdlog::level::from_str(log_level));
    // OpenCV's own chatter (e.g. V4L2 probing) only at debug level: our
    // messages already say what went wrong.
    const bool verbose = log_level == "debug" || log_level == "trace";
    cv::utils::logging::setLogLevel(verbose ? cv::utils::logging::LOG_LEVEL_INFO
                                            : cv::utils::logging::LOG_LEVEL_ERROR);
  } catch (const spdlog::spdlog_ex& ex) {
    std::cerr << "error: cannot open log file '" << log_file << "': " << ex.what() << "\n";
    return emoscope::exit_code(emoscope::ErrorCode::kOutputNotWritable);
  }

  install_interrupt_handler();
  if (p->parsed()) return run_predict(common, predict);
  if (a->parsed()) return run_analyze(common, analyze);
  if (e->parsed()) return run_eval(common, eval);
  if (b->parsed()) return run_bench(common, bench);
  if (l->parsed()) return run_live(common, live);
  return emoscope::exit_code(emoscope::ErrorCode::kUsage);
}
