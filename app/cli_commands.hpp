// The subcommands of emoscope-cli. Each returns the process exit code
// (0 ok, 2 usage, 3 unreadable input, 4 model problem, 5 output not writable,
// 130 interrupted) and writes results to stdout, diagnostics (the log,
// progress, status lines) to stderr, so stdout stays parseable (analyze and
// live write nothing there unless --csv - or --summary - asks for it).
#pragma once

#include <string>
#include <vector>

#include "emoscope/run.hpp"

namespace CLI {
class App;
}

namespace emoscope::cli {

// Every subcommand's model, detector and stream settings (--model, --device,
// --threads, --detector*, --detect-width, --min-face, --detect-every,
// --smoothing, --track-gap, analyze's --every) bind to the fields of
// RunOptions: the defaults are core's (run.hpp), not repeated here.

struct PredictOptions {
  std::vector<std::string> inputs;
  bool whole_image = false;
  bool people = false;  // group the faces of all the images into people (person_id)
};

// people: the known-people gallery (people.hpp). add NAME PHOTO..., list, remove NAME.
struct PeopleOptions {
  std::string gallery;              // empty = default_people_gallery_path()
  std::string name;
  std::vector<std::string> photos;  // add: one face each (the largest when several)
};

// analyze: RunOptions::source is the video file, image or folder of images.
struct AnalyzeOptions {
  OutputOptions output;  // csv and summary may be "-": standard output
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

// bench: RunOptions::source and ::live.
struct BenchOptions {
  long frames = 0;  // 0 = whole source
};

// live: RunOptions::source (default "camera").
struct LiveOptions {
  std::string record_dir;
  OutputOptions output;  // --csv / --summary besides --record (either may be "-"); its codec is --record's
  double seconds = 0;    // 0 = until Ctrl+C or the source ends
};

// batch: many inputs into one folder, resumable and shardable (batch.hpp, docs/batch.md).
struct BatchCliOptions {
  std::vector<std::string> inputs;
  std::string list;   // --list FILE: one path per line
  std::string out;    // --out DIR
  bool video = false;
  std::string shard;  // --shard I/N
  int shards = 0;     // --shards N (Kubernetes Indexed Jobs; a Slurm array's count otherwise)
  int jobs = 0;       // 0 = default_batch_jobs()
  bool force = false;
  OutputOptions output;  // the video's codec and HUD
};

// merge: the shards' results in DIR joined into DIR/people.csv and DIR/inputs.csv.
struct MergeOptions {
  std::string dir;
};

// report: one self-contained HTML page for a run's summary JSON or a batch folder (report.hpp, docs/report.md).
struct ReportCliOptions {
  std::string input;  // a summary JSON, or a batch --out folder
  std::string out;    // --out FILE.html
  std::string csv;    // --csv: the run's frames CSV when it is not beside the summary
  std::string video;  // --video: the analysed video when it is not where the summary says
  bool no_thumbnails = false;
  bool each_input = false;
  bool force = false;
};

struct CliOptions {
  RunOptions run;
  PredictOptions predict;
  AnalyzeOptions analyze;
  EvalOptions eval;
  BenchOptions bench;
  LiveOptions live;
  PeopleOptions people;
  BatchCliOptions batch;
  MergeOptions merge;
  ReportCliOptions report;
  std::string log_level = "warn";
  std::string log_file;
  double max_megapixels = static_cast<double>(kDefaultMaxImagePixels) / 1e6;
};

struct CliCommands {
  CLI::App *predict, *analyze, *eval, *bench, *live, *people, *people_add, *people_list, *people_remove, *batch, *merge, *report;
};

// Declares emoscope-cli's options and subcommands on `app`, bound to `options`.
CliCommands add_cli_options(CLI::App& app, CliOptions& options);

int run_predict(const RunOptions& run, const PredictOptions& options);
int run_analyze(const RunOptions& run, const AnalyzeOptions& options);
int run_eval(const RunOptions& run, const EvalOptions& options);
int run_bench(const RunOptions& run, const BenchOptions& options);
int run_live(const RunOptions& run, const LiveOptions& options);
int run_people_add(const RunOptions& run, const PeopleOptions& options);
int run_people_list(const RunOptions& run, const PeopleOptions& options);
int run_people_remove(const RunOptions& run, const PeopleOptions& options);
int run_batch_command(const RunOptions& run, const BatchCliOptions& options);
int run_merge(const MergeOptions& options);
int run_report(const ReportCliOptions& options);

// Exit status of a batch whose every input ran but some failed (docs/cli.md, "Exit codes").
constexpr int kSomeInputsFailed = 6;

// An error as a log line and its exit code.
int fail(const Error& error);

void install_interrupt_handler();
bool interrupted();  // Ctrl+C (SIGINT) or SIGTERM seen

}  // namespace emoscope::cli
