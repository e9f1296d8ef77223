// emoscope-cli batch and merge: many inputs into one folder (core's batch.hpp),
// with a progress bar on a terminal and one line per input otherwise.
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>

#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli_commands.hpp"
#include "batch_shard.hpp"
#include "emoscope/batch.hpp"
#include "progress.hpp"

namespace emoscope::cli {
namespace {

// Progress of a batch. Called by core one call at a time, from its workers.
class BatchProgress final : public BatchObserver {
 public:
  explicit BatchProgress(long total) : total_(total), tty_(::isatty(STDERR_FILENO) != 0), bar_("batch", total) {}

  void on_item_start(const BatchInput& input, long frames_total) override {
    running_[input.key] = {0, frames_total};
    redraw();
  }
  void on_item_frames(const BatchInput& input, long processed) override {
    running_[input.key].first = processed;
    ++frames_;
    redraw();
  }
  void on_item_end(const BatchItem& item) override {
    running_.erase(item.input.key);
    if (item.status == BatchStatus::kInterrupted) return;
    ++ended_;
    if (!tty_) {
      // Plain lines for logs (a Slurm task's output, a pipe).
      if (item.status == BatchStatus::kFailed) {
        std::fprintf(stderr, "batch: [%ld/%ld] failed %s: %s\n", ended_, total_, item.input.path.c_str(),
                     item.error.c_str());
      } else {
        std::fprintf(stderr, "batch: [%ld/%ld] %s %s (%.1f s, %ld frames, %ld persons)%s%s\n", ended_, total_,
                     batch_status_name(item.status), item.input.path.c_str(), item.seconds, item.frames, item.persons,
                     item.warning.empty() ? "" : "; warning: ", item.warning.c_str());
      }
      std::fflush(stderr);
    } else if (item.status == BatchStatus::kFailed) {
      std::fprintf(stderr, "\r\x1b[Kfailed %s: %s\n", item.input.path.c_str(), item.error.c_str());
    } else if (!item.warning.empty()) {
      std::fprintf(stderr, "\r\x1b[Kwarning: %s\n", item.warning.c_str());
    }
    redraw();
  }
  void finish() { bar_.finish(); }

 private:
  void redraw() {
    if (!tty_) return;
    std::string detail = fmt::format("inputs, {} frames", frames_);
    for (const auto& [key, counts] : running_) {
      detail += counts.second > 0 ? fmt::format(" | {} {}%", key, counts.first * 100 / counts.second)
                                  : fmt::format(" | {} {}", key, counts.first);
    }
    bar_.set_detail(detail);
    bar_.update(ended_);
  }

  long total_;
  bool tty_;
  ProgressBar bar_;
  long ended_ = 0, frames_ = 0;
  std::map<std::string, std::pair<long, long>> running_;  // key -> processed, total frames
};

}  // namespace

int run_batch_command(const RunOptions& run, const BatchCliOptions& options) {
  auto all = collect_batch_inputs(options.inputs, options.list, options.out);
  if (!all) return fail(all.error());
  auto shard = choose_shard(options.shard, options.shards, process_env);
  if (!shard) return fail(shard.error());
  const std::vector<BatchInput> mine = shard_inputs(all.value(), shard.value());
  BatchOptions bo;
  bo.out_dir = options.out;
  bo.video = options.video;
  bo.video_codec = options.output.video_codec;
  bo.hud = options.output.hud;
  bo.force = options.force;
  bo.jobs = options.jobs > 0 ? options.jobs : default_batch_jobs();
  bo.shard = shard.value();
  // Logged at warning level so that it shows by default, in every Slurm task's output.
  spdlog::warn("batch: shard {}/{} ({}): {} of {} inputs, {} at once", bo.shard.index, bo.shard.count,
               bo.shard.origin, mine.size(), all->size(), bo.jobs);
  BatchProgress progress(static_cast<long>(mine.size()));
  const auto t0 = std::chrono::steady_clock::now();
  auto report = run_batch(run, bo, mine, &progress, interrupted);
  progress.finish();
  if (!report) return fail(report.error());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long failed = report->count(BatchStatus::kFailed);
  std::fprintf(stderr, "batch: %ld done, %ld skipped, %ld failed in %.1f s (manifest-%s.jsonl)\n",
               report->count(BatchStatus::kDone), report->count(BatchStatus::kSkipped), failed, seconds,
               bo.shard.tag().c_str());
  if (report->count(BatchStatus::kInterrupted) > 0 || interrupted()) return 130;
  return failed > 0 ? kSomeInputsFailed : 0;
}

int run_merge(const MergeOptions& options) {
  auto report = merge_batch(options.dir);
  if (!report) return fail(report.error());
  std::fprintf(stderr, "merge: %ld inputs (%ld done, %ld not), %ld people rows: %s/people.csv, %s/inputs.csv\n",
               report->inputs, report->done, report->failed, report->people_rows, options.dir.c_str(),
               options.dir.c_str());
  return 0;
}

}  // namespace emoscope::cli
