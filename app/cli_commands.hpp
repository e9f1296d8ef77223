// The subcommands of emoscope-cli. Each returns the process exit code
// (0 ok, 2 usage, 3 unreadable input, 4 model problem, 5 output not writable,
// 130 interrupted) and writes results to stdout, diagnostics (the log,
// progress, status lines) to stderr, so stdout stays parseable (analyze and
// live write nothing there unless --csv - or --summary - asks for it).
#pragma once

#include <string>
#include <vector>

#include "emoscope/pipeline.hpp"

namespace emoscope::cli {

struct CommonOptions {
  std::string model;                 // empty = default_model_path() (resources.hpp)
  std::string device = "auto";
  int threads = 0;
  std::string detector = "yunet";
  std::string detector_model;        // empty = YuNet: the shipped model; Haar: opencv-data's; SSD: required
  std::string detector_config;
  int detect_width = 320;
  float min_face = 0.08f;
  int detect_every = 5;
  double smoothing_ms = 250.0;
  double track_gap_ms = 1000.0;
  double classify_interval_ms = TrackerOptions{}.classify_interval_ms;
  int batch_frames = PipelineOptions{}.batch_frames;
};

struct PredictOptions {
  std::vector<std::string> inputs;
  bool whole_image = false;
};

struct AnalyzeOptions {
  std::string input;                 // a video file, an image or a folder of images
  std::string out_video, csv, summary;  // csv and summary may be "-": standard output
  std::string video_codec = "h264";  // h264 | mjpeg
  int every = 1;
  bool hud = false;
  bool force = false;  // replace existing output files
};

// eval: accuracy over the images in DIR's class sub-folders. Each image's
// truth is its folder's name (labels "folders"), or its FER+ majority label
// from the votes file (labels "ferplus"; see ferplus.hpp), matched by the
// image's path relative to the votes file's folder. Only `classes` are scored
// (all model labels when empty; else a subset of them, in that order): the
// prediction is the argmax over their probabilities, and images whose truth is
// another class are left out.
struct EvalOptions {
  std::string dir;
  bool whole_image = false;
  bool json = false;
  int batch = 64;
  std::string labels = "folders";    // folders | ferplus
  std::string votes;                 // FER+ votes CSV; empty = DIR/../ferplus_votes.csv
  std::vector<std::string> classes;  // empty = all the model's labels
};

struct BenchOptions {
  std::string source;
  long frames = 0;  // 0 = whole source
  bool live = false;
};

struct LiveOptions {
  std::string source = "camera";
  std::string record_dir;
  std::string video_codec = "h264";  // of the recorded video: h264 | mjpeg
  std::string csv, summary;  // besides --record; either may be "-": standard output
  bool force = false;        // replace existing --csv / --summary files
  double seconds = 0;  // 0 = until Ctrl+C or the source ends
};

int run_predict(const CommonOptions& common, const PredictOptions& options);
int run_analyze(const CommonOptions& common, const AnalyzeOptions& options);
int run_eval(const CommonOptions& common, const EvalOptions& options);
int run_bench(const CommonOptions& common, const BenchOptions& options);
int run_live(const CommonOptions& common, const LiveOptions& options);

void install_interrupt_handler();

}  // namespace emoscope::cli
