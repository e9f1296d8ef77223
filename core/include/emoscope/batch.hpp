// Batch analysis (emoscope-cli batch and merge, the desktop app's queue): many
// inputs, one output folder each, resumable after any interruption and split
// into fixed shards for independent processes (a Slurm job array, a Kubernetes
// Indexed Job, GNU parallel over SSH). Layout and files: docs/batch.md.
//
// DIR/<key>/ holds, for one input: frames.csv and summary.json (what `analyze
// INPUT --csv --summary` writes with the same RunOptions), annotated.mkv when
// asked, and done.json, the stamp of a complete folder: the input's size and
// mtime and the settings it was made with. A folder is written as
// DIR/<parent>/.<name>.partial and renamed when complete, so a finished input is
// never half-written; a killed run leaves only .partial (or .old) folders,
// which the next run of that input removes. A folder at DIR/<key> without a
// done.json is not ours and is never touched.
//
// Threads: run_batch() analyses `jobs` inputs at once, each on a worker thread
// with its own RunEngine and its own classifier and embedder (one pipeline per
// classifier), loaded once per worker. BatchObserver calls come from those
// workers, one at a time (a mutex). Units: seconds; sizes in bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emoscope/error.hpp"
#include "emoscope/run.hpp"

namespace emoscope {

// One input: its path as found (the summary's source name) and its output
// folder, relative to DIR, '/'-separated: the path relative to the folder given
// (a file given by itself: its name), minus the extension. Inputs whose keys
// would clash keep their extensions ("a.mp4", "a.avi").
struct BatchInput {
  std::string path;
  std::string key;
};

// The inputs named by `args` (videos, images, folders walked for both, as
// find_media) and by `list_file` (one path per line; blank lines and lines
// starting with '#' skipped; relative paths from the working folder; keys
// relative to the folder all listed files share), sorted by key. Files under
// `out_dir` are left out (results are not inputs). Missing files are kept:
// they fail alone when run. Error kUsage when nothing is named or two inputs
// still clash; kInputUnreadable when the list cannot be read.
Result<std::vector<BatchInput>> collect_batch_inputs(const std::vector<std::string>& args,
                                                     const std::string& list_file, const std::string& out_dir);

// This process's share of the sorted inputs: those whose position p has
// p % count == index. Fixed for a given list, so shards never overlap.
struct Shard {
  int index = 0;
  int count = 1;
  std::string origin = "one process";  // why this shard, for the log (the CLI: its flag or the variables read)
  std::string tag() const;             // "0of3": the manifest's name
};

std::vector<BatchInput> shard_inputs(const std::vector<BatchInput>& inputs, const Shard& shard);

struct BatchOptions {
  std::string out_dir;
  bool video = false;   // annotated.mkv too (RunOptions' codec and HUD)
  VideoCodec video_codec = VideoCodec::kH264;
  bool hud = false;
  bool force = false;   // redo finished inputs
  int jobs = 0;         // inputs at once; 0 = default_batch_jobs()
  Shard shard;
};

// Inputs analysed at once by default on this machine (docs/batch.md gives the measurement).
int default_batch_jobs();

enum class BatchStatus { kDone, kSkipped, kFailed, kInterrupted };
const char* batch_status_name(BatchStatus status);

struct BatchItem {
  BatchInput input;
  BatchStatus status = BatchStatus::kFailed;
  std::string error;   // why it failed
  std::string warning; // done, but with a caveat: a file that stopped decoding early keeps what was read
  double seconds = 0;  // wall time spent on it
  long frames = 0;     // processed frames (done; skipped: from its done.json)
  long persons = 0;    // people seen (faces, when identities are off)
};

// Progress, from the worker threads, one call at a time.
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  // frames_total: the frames it will process, as far as the source announces them; -1: unknown.
  virtual void on_item_start(const BatchInput& /*input*/, long /*frames_total*/) {}
  virtual void on_item_frames(const BatchInput& /*input*/, long /*processed*/) {}
  virtual void on_item_end(const BatchItem& /*item*/) {}
};

struct BatchReport {
  std::vector<BatchItem> items;  // in input order; interrupted ones included
  long count(BatchStatus status) const;
};

// Analyses `inputs` (already sharded) into options.out_dir, appending one line
// per input to DIR/manifest-<shard tag>.jsonl. A failing input fails alone; an
// Error only for what stops the whole batch (output folder or manifest not
// writable, models that do not load). `stop_when` is polled from the workers
// (so it must be thread-safe); once true, running
// inputs stop (left unfinished, kInterrupted, nothing in the manifest) and no
// more start.
Result<BatchReport> run_batch(const RunOptions& run, const BatchOptions& options, const std::vector<BatchInput>& inputs,
                              BatchObserver* observer = nullptr, const std::function<bool()>& stop_when = {});

// The newest manifest line of each input in DIR (every shard's
// manifest-*.jsonl; by time, then shard file and line order), sorted by key,
// as the line's JSON text (fields: docs/output-formats.md). Lines cut short by
// a kill are skipped and counted in `broken`. Error kInputUnreadable when DIR
// is not a folder or holds no manifest. Used by merge_batch and the report.
struct ManifestEntry {
  std::string key;
  std::string json;
};
Result<std::vector<ManifestEntry>> read_batch_manifests(const std::string& dir, long* broken = nullptr);

// Joins every shard's results in DIR into DIR/people.csv (one row per input and
// person) and DIR/inputs.csv (one row per input), rewriting both (formats:
// docs/output-formats.md). Reads the manifests, done.json and summary.json
// files; analyses nothing.
struct MergeReport {
  long inputs = 0, done = 0, failed = 0, people_rows = 0;
};
Result<MergeReport> merge_batch(const std::string& dir);

}  // namespace emoscope
