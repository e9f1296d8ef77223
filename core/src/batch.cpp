// batch.hpp: run_batch(), the inputs analysed into their folders, resumably.
#include "emoscope/batch.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "emoscope/file_checks.hpp"
#include "emoscope/recorder.hpp"
#include "emoscope/version.hpp"
#include "batch_files.hpp"

namespace emoscope {
using namespace batch_files;

// ---- running --------------------------------------------------------------

int default_batch_jobs() {
  // Measured on 2 cores (docs/batch.md): two inputs at once beat one input with both cores.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, std::min(cores, 8));
}

const char* batch_status_name(BatchStatus status) {
  switch (status) {
    case BatchStatus::kDone: return "done";
    case BatchStatus::kSkipped: return "skipped";
    case BatchStatus::kFailed: return "failed";
    case BatchStatus::kInterrupted: return "interrupted";
  }
  return "?";
}

long BatchReport::count(BatchStatus status) const {
  return static_cast<long>(std::count_if(items.begin(), items.end(), [&](const BatchItem& i) { return i.status == status; }));
}

namespace {

// What makes a finished folder still valid (`run` resolved): the app, the model files (by size
// and mtime, so a rerun needs no model loaded) and every setting that reaches
// the outputs.
ojson settings_key(const RunOptions& run, const BatchOptions& options) {
  RunDescription d;
  d.detector = run.detector;
  PipelineOptions po = run.pipeline;
  po.mode = PipelineMode::kFile;
  d.pipeline = po;
  d.device = device_choice_name(run.classifier.device);
  ojson j;
  j["app_version"] = version();
  j["model"] = stamp_json(run.model_path);
  j["settings"] = ojson::parse(run_settings_json(d));
  if (run.identity.enabled) {
    j["identity"] = {{"embedder", stamp_json(run.identity.model_path)},
                     {"threshold", run.identity.threshold},
                     {"people_gallery", run.identity.gallery_path.empty() ? ojson(nullptr)
                                                                          : stamp_json(run.identity.gallery_path)}};
  } else {
    j["identity"] = nullptr;
  }
  j["min_confidence"] = run.min_confidence;
  j["neutral_prior"] = run.classifier.neutral_prior;
  j["video"] = options.video ? ojson{{"codec", video_codec_name(options.video_codec)}, {"hud", options.hud}}
                             : ojson(nullptr);
  return j;
}

struct Paths {
  fs::path final_dir, partial_dir, old_dir;
};
Paths paths_for(const std::string& out_dir, const std::string& key) {
  const fs::path final_dir = fs::path(out_dir) / key;
  const fs::path parent = final_dir.parent_path();
  const std::string name = final_dir.filename().string();
  return {final_dir, parent / ("." + name + ".partial"), parent / ("." + name + ".old")};
}

class Runner {
 public:
  Runner(const RunOptions& run, const BatchOptions& options, const std::vector<BatchInput>& inputs,
         BatchObserver* observer, const std::function<bool()>& stop_when)
      : run_(run), options_(options), inputs_(inputs), observer_(observer), stop_when_(stop_when),
        key_(settings_key(run, options)) {}

  Result<BatchReport> run() {
    std::error_code ec;
    fs::create_directories(options_.out_dir, ec);
    if (ec || !fs::is_directory(options_.out_dir, ec))
      return not_writable(options_.out_dir, ec ? ec.message() : "not a folder");
    const std::string manifest = (fs::path(options_.out_dir) / ("manifest-" + options_.shard.tag() + ".jsonl")).string();
    if (MaybeError s = check_output_path(manifest)) return *s;
    manifest_fd_ = ::open(manifest.c_str(), O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (manifest_fd_ < 0) return not_writable(manifest, std::strerror(errno));
    manifest_path_ = manifest;
    // A run killed mid-line left a line without its newline: end it, so our first line stays whole.
    struct stat st {};
    char last = '\n';
    if (::fstat(manifest_fd_, &st) == 0 && st.st_size > 0 && ::pread(manifest_fd_, &last, 1, st.st_size - 1) != 1)
      last = '\n';
    if (last != '\n' && ::write(manifest_fd_, "\n", 1) != 1) return not_writable(manifest, std::strerror(errno));

    report_.items.resize(inputs_.size());
    const int jobs = std::max(1, std::min<int>(options_.jobs > 0 ? options_.jobs : default_batch_jobs(),
                                               static_cast<int>(std::max<std::size_t>(1, inputs_.size()))));
    run_.live = false;
    if (run_.classifier.threads <= 0) {  // the cores shared out between the inputs running at once
      const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      run_.classifier.threads = std::max(1, cores / 2 / jobs);
    }
    std::vector<std::thread> workers;
    for (int w = 1; w < jobs; ++w) workers.emplace_back([this] { work(); });
    work();
    for (auto& t : workers) t.join();
    ::close(manifest_fd_);
    if (fatal_) return *fatal_;
    return std::move(report_);
  }

 private:
  struct Models {
    std::shared_ptr<Classifier> classifier;
    std::shared_ptr<FaceEmbedder> embedder;
  };

  bool stopping() {
    if (stop_.load()) return true;
    if (stop_when_ && stop_when_()) stop_ = true;
    return stop_.load();
  }

  void work() {
    Models models;
    for (;;) {
      const std::size_t i = next_++;
      if (i >= inputs_.size()) return;
      BatchItem& item = report_.items[i];
      item.input = inputs_[i];
      if (stopping()) {
        item.status = BatchStatus::kInterrupted;
        continue;
      }
      const auto t0 = std::chrono::steady_clock::now();
      if (!finished(item)) analyse(item, models);
      item.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (item.status != BatchStatus::kInterrupted) log(item);
      std::lock_guard<std::mutex> lock(observer_mutex_);
      if (observer_) observer_->on_item_end(item);
    }
  }

  // True (item kSkipped) when DIR/<key> holds this input's results made with these settings.
  bool finished(BatchItem& item) {
    if (options_.force) return false;
    const Paths p = paths_for(options_.out_dir, item.input.key);
    const auto stamp = read_json(p.final_dir / kStampFile);
    const auto input = stamp_of(item.input.path);
    if (!stamp || !input || !stamp->is_object() || stamp->value("format", "") != kStampFormat) return false;
    const ojson& in = (*stamp)["input"];
    if (!in.is_object() || in.value("size", std::uint64_t{0}) != input->size ||
        in.value("mtime_ns", std::int64_t{0}) != input->mtime_ns || (*stamp)["settings"] != key_)
      return false;
    item.status = BatchStatus::kSkipped;
    item.frames = stamp->value("frames", 0L);
    item.persons = stamp->value("persons", 0L);
    if (const auto w = stamp->find("warning"); w != stamp->end() && w->is_string()) item.warning = w->get<std::string>();
    return true;
  }

  void analyse(BatchItem& item, Models& models) {
    const auto t0 = std::chrono::steady_clock::now();
    item.status = BatchStatus::kFailed;
    const Paths p = paths_for(options_.out_dir, item.input.key);
    std::error_code ec;
    // A folder there without our stamp is someone else's: never replace it.
    if (fs::exists(fs::symlink_status(p.final_dir, ec)) && !fs::exists(p.final_dir / kStampFile, ec)) {
      item.error = "'" + p.final_dir.string() + "' exists and is not a batch result: move it away to analyse this input";
      return;
    }
    const auto input_stamp = stamp_of(item.input.path);
    if (!input_stamp) {
      if (MaybeError s = check_input_file(item.input.path, ErrorCode::kInputUnreadable)) {
        item.error = s->message;
        return;
      }
    }
    fs::remove_all(p.partial_dir, ec);  // left by a killed run
    fs::remove_all(p.old_dir, ec);
    fs::create_directories(p.partial_dir, ec);
    if (ec) {
      item.error = "cannot create '" + p.partial_dir.string() + "': " + ec.message();
      return;
    }
    if (!models.classifier) {
      auto loaded = load_run_classifier(run_);
      if (!loaded) return fail_all(loaded.error(), item);
      models.classifier = std::move(loaded).value();
      auto embedder = load_run_embedder(run_);
      if (!embedder) return fail_all(embedder.error(), item);
      models.embedder = std::move(embedder).value();
    }
    RunOptions ro = run_;
    ro.source = item.input.path;
    OutputOptions out;
    out.csv_path = (p.partial_dir / "frames.csv").string();
    out.summary_path = (p.partial_dir / "summary.json").string();
    if (options_.video) out.video_path = (p.partial_dir / "annotated.mkv").string();
    out.video_codec = options_.video_codec;
    out.hud = options_.hud;
    ro.outputs = {out};
    auto engine = RunEngine::open(ro, models.classifier, models.embedder);
    if (!engine) {
      item.error = engine.error().message;
      fs::remove_all(p.partial_dir, ec);
      return;
    }
    RunEngine& e = *engine.value();
    {
      std::lock_guard<std::mutex> lock(observer_mutex_);
      const long announced = e.source_info().frame_count, every = std::max(1, ro.pipeline.analyze_every);
      if (observer_) observer_->on_item_start(item.input, announced > 0 ? (announced + every - 1) / every : -1);
    }
    long processed = 0;
    std::set<int> persons, faces;
    e.start([&](FrameResult&& r) -> MaybeError {
      ++processed;
      for (const TrackedFace& f : r.faces) {
        faces.insert(f.id);
        if (f.person_id > 0) persons.insert(f.person_id);
      }
      std::lock_guard<std::mutex> lock(observer_mutex_);
      if (observer_) observer_->on_item_frames(item.input, processed);
      return std::nullopt;
    });
    const RunEnd end = e.wait([this] { return stopping(); });
    engine.value().reset();
    if (end.pipeline.reason == EndReason::kStopped && stop_) {
      item.status = BatchStatus::kInterrupted;
      fs::remove_all(p.partial_dir, ec);
      return;
    }
    // A file that stops decoding early (truncated) keeps what was read, as
    // analyze does: done, with the reason as a warning.
    const bool cut_short = end.pipeline.reason == EndReason::kReadError && processed > 0;
    if (cut_short) item.warning = end.pipeline.message;
    if (end.status || (end.pipeline.reason != EndReason::kEndOfStream && !cut_short)) {
      item.error = end.status ? end.status->message : end.pipeline.message;
      if (item.error.empty()) item.error = "the analysis stopped before the end of the input";
      fs::remove_all(p.partial_dir, ec);
      return;
    }
    item.frames = processed;
    item.persons = static_cast<long>(run_.identity.enabled ? persons.size() : faces.size());
    ojson stamp;
    stamp["format"] = kStampFormat;
    stamp["format_version"] = 1;
    stamp["input"] = {{"path", item.input.path},
                      {"size", input_stamp ? input_stamp->size : 0},
                      {"mtime_ns", input_stamp ? input_stamp->mtime_ns : 0}};
    stamp["settings"] = key_;
    stamp["finished_at"] = utc_now();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stamp["seconds"] = std::round(seconds * 1000) / 1000;
    stamp["frames"] = item.frames;
    stamp["persons"] = item.persons;
    stamp["warning"] = item.warning.empty() ? ojson(nullptr) : ojson(item.warning);
    if (MaybeError s = write_atomically(p.partial_dir / kStampFile, stamp.dump(2) + "\n")) {
      item.error = s->message;
      fs::remove_all(p.partial_dir, ec);
      return;
    }
    // Publish: the old results (a redo) step aside, the new ones take their place.
    if (fs::exists(fs::symlink_status(p.final_dir, ec))) fs::rename(p.final_dir, p.old_dir, ec);
    ec.clear();
    fs::rename(p.partial_dir, p.final_dir, ec);
    if (ec) {
      item.error = "cannot move the results into '" + p.final_dir.string() + "': " + ec.message();
      return;
    }
    fs::remove_all(p.old_dir, ec);
    item.status = BatchStatus::kDone;
  }

  // A model that does not load stops every input: the batch ends with that error.
  void fail_all(const Error& error, BatchItem& item) {
    item.error = error.message;
    std::lock_guard<std::mutex> lock(observer_mutex_);
    if (!fatal_) fatal_ = error;
    stop_ = true;
  }

  void log(const BatchItem& item) {
    ojson j;
    j["time"] = utc_now();
    j["path"] = item.input.path;
    j["key"] = item.input.key;
    j["status"] = batch_status_name(item.status);
    j["error"] = item.error.empty() ? ojson(nullptr) : ojson(item.error);
    j["warning"] = item.warning.empty() ? ojson(nullptr) : ojson(item.warning);
    j["seconds"] = std::round(item.seconds * 1000) / 1000;
    j["frames"] = item.frames;
    j["persons"] = item.persons;
    j["shard"] = std::to_string(options_.shard.index) + "/" + std::to_string(options_.shard.count);
    const std::string line = json_line(j) + "\n";
    std::lock_guard<std::mutex> lock(manifest_mutex_);
    // One write per line with O_APPEND: a line is whole or, after a kill mid-write, cut short (merge skips it).
    if (::write(manifest_fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      spdlog::error("cannot append to '{}': {}", manifest_path_, std::strerror(errno));
  }

  RunOptions run_;
  const BatchOptions& options_;
  const std::vector<BatchInput>& inputs_;
  BatchObserver* observer_;
  const std::function<bool()>& stop_when_;
  const ojson key_;
  BatchReport report_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::optional<Error> fatal_;
  std::mutex observer_mutex_, manifest_mutex_;
  int manifest_fd_ = -1;
  std::string manifest_path_;
};

}  // namespace

Result<BatchReport> run_batch(const RunOptions& run, const BatchOptions& options, const std::vector<BatchInput>& inputs,
                              BatchObserver* observer, const std::function<bool()>& stop_when) {
  if (options.out_dir.empty()) return usage("no output folder");
  Result<RunOptions> resolved = resolve(run);  // the settings key names the files
  if (!resolved) return resolved.error();
  Runner runner(resolved.value(), options, inputs, observer, stop_when);
  return runner.run();
}

}  // namespace emoscope
