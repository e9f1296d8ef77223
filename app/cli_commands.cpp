#include "cli_commands.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <sys/resource.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include "emoscope/annotator.hpp"
#include "emoscope/classifier.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/file_checks.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/pipeline.hpp"
#include "emoscope/preprocess.hpp"
#include "emoscope/recorder.hpp"
#include "emoscope/recording_writer.hpp"
#include "emoscope/resources.hpp"
#include "emoscope/stats.hpp"
#include "ferplus.hpp"
#include "metrics.hpp"
#include "progress.hpp"

namespace emoscope::cli {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

constexpr int kOk = 0;
constexpr int kInterrupted = 130;
std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) { g_interrupted = true; }

int fail(const Error& error) {
  spdlog::error("{}", error.message);
  return exit_code(error.code);
}

// The model file --model names, else $EMOSCOPE_MODEL / the shipped default.
Result<std::string> model_path(const CommonOptions& c) {
  if (!c.model.empty()) return c.model;
  return default_model_path();
}

// all_cores: predict/eval run no detector thread beside inference.
Result<std::unique_ptr<Classifier>> load_model(const CommonOptions& c, bool all_cores = false) {
  Result<DeviceChoice> device = parse_device_choice(c.device);
  if (!device) return device.error();
  ClassifierOptions options;
  options.device = device.value();
  options.threads = c.threads > 0 || !all_cores ? c.threads : static_cast<int>(std::thread::hardware_concurrency());
  Result<std::string> path = model_path(c);
  if (!path) return path.error();
  return load_classifier(path.value(), options);
}

Result<DetectorOptions> detector_options(const CommonOptions& c) {
  Result<DetectorKind> kind = parse_detector_kind(c.detector);
  if (!kind) return kind.error();
  DetectorOptions options;
  options.kind = kind.value();
  options.model_path = c.detector_model;
  options.config_path = c.detector_config;
  options.detect_width = c.detect_width;
  options.min_face_fraction = c.min_face;
  return options;
}

Result<std::unique_ptr<FaceDetector>> load_detector(const CommonOptions& c) {
  Result<DetectorOptions> options = detector_options(c);
  if (!options) return options.error();
  return create_face_detector(options.value());
}

// What predict and eval need: the model on all cores, and a detector unless
// each image is already a face (whole-image mode).
struct ImageModels {
  std::unique_ptr<Classifier> classifier;
  std::unique_ptr<FaceDetector> detector;  // null in whole-image mode
};

Result<ImageModels> load_image_models(const CommonOptions& c, bool whole_image) {
  ImageModels m;
  auto classifier = load_model(c, /*all_cores=*/true);
  if (!classifier) return classifier.error();
  m.classifier = std::move(classifier).value();
  if (!whole_image) {
    auto detector = load_detector(c);
    if (!detector) return detector.error();
    m.detector = std::move(detector).value();
  }
  return m;
}

PipelineOptions pipeline_options(const CommonOptions& c, PipelineMode mode) {
  PipelineOptions o;
  o.mode = mode;
  o.detect_every = c.detect_every;
  o.tracker.smoothing_ms = c.smoothing_ms;
  o.tracker.max_gap_ms = c.track_gap_ms;
  o.tracker.classify_interval_ms = c.classify_interval_ms;
  o.batch_frames = c.batch_frames;
  return o;
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
  error = image.error().message;
  if (error.rfind(path + ": ", 0) == 0) error = error.substr(path.size() + 2);  // the caller names the file
  return {};
}

// JSON text that never throws: invalid UTF-8 (e.g. in a file name) becomes U+FFFD.
std::string json_text(const ojson& j, int indent = -1) {
  return j.dump(indent, ' ', false, ojson::error_handler_t::replace);
}

// Opens a recorder for a run of `pipeline` (any of the paths may be empty;
// csv and summary may be "-", standard output), or returns an error.
Result<std::unique_ptr<Recorder>> open_recorder(const std::string& video, const std::string& csv,
                                                const std::string& summary, const Pipeline& pipeline,
                                                const CommonOptions& common, bool replace_existing,
                                                const std::string& video_codec = "h264") {
  Result<DetectorOptions> detector = detector_options(common);
  if (!detector) return detector.error();
  Result<VideoCodec> codec = parse_video_codec(video_codec);
  if (!codec) return codec.error();
  Result<std::string> model = model_path(common);
  RecorderOptions r = recorder_options_for(pipeline, detector.value(), model ? model.value() : std::string());
  r.replace_existing = replace_existing;
  r.video_path = video;
  r.video_codec = codec.value();
  r.csv_path = csv;
  r.summary_path = summary;
  return Recorder::open(r);
}

// Closes a recorder after a run: the run's frame counts go into its summary.
Status finish_recorder(Recorder& recorder, const PipelineEnd& end) {
  recorder.set_end(end);
  return recorder.finish();
}

// Puts a recorder behind a writer thread that records every frame the source
// delivers (RecordingWriter); a write error stops the run (as Ctrl+C does).
std::shared_ptr<RecordingWriter> make_writer(std::unique_ptr<Recorder> recorder, bool has_video,
                                             const Pipeline& pipeline, RecordingWriter::Draw draw) {
  RecordingWriter::Options wo;
  wo.every = pipeline.options().mode == PipelineMode::kFile ? std::max(1, pipeline.options().every) : 1;
  wo.on_error = [](const Error&) { g_interrupted = true; };
  const double fps = pipeline.source_info().fps > 0 ? pipeline.source_info().fps : 25.0;  // as the Recorder's
  return std::make_shared<RecordingWriter>(std::move(recorder), has_video, fps, std::move(draw), wo);
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

// Waits for the pipeline, stopping it on Ctrl+C or after `seconds`.
PipelineEnd wait_interruptible(Pipeline& pipeline, std::atomic<bool>& done, double seconds = 0) {
  const auto start = SteadyClock::now();
  while (!done) {
    if (g_interrupted || (seconds > 0 && SteadyClock::now() - start > std::chrono::duration<double>(seconds))) {
      pipeline.stop();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pipeline.wait();
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

}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // A closed pipe on --csv - / --summary - is a write error (exit 5), not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
}

int run_predict(const CommonOptions& common, const PredictOptions& options) {
  auto models = load_image_models(common, options.whole_image);
  if (!models) return fail(models.error());
  Classifier& classifier = *models->classifier;
  FaceDetector* detector = models->detector.get();
  const ModelSpec& spec = classifier.spec();
  int code = kOk;
  const std::vector<std::string> inputs = expand_inputs(options.inputs);
  if (inputs.empty()) {
    return fail({ErrorCode::kInputUnreadable,
                 fmt::format("no images found in {}", fmt::join(options.inputs, ", "))});
  }
  for (const std::string& path : inputs) {
    ojson line;
    line["image"] = path;
    line["faces"] = ojson::array();
    std::string error;
    cv::Mat image = read_image(path, error);
    if (!image.empty()) {
      std::vector<cv::Rect2f> boxes;
      std::vector<float> scores;  // the detector's, NaN without one (Haar, whole image): JSON null
      Batch batch;
      if (options.whole_image) {
        boxes.emplace_back(0.f, 0.f, static_cast<float>(image.cols), static_cast<float>(image.rows));
        scores.push_back(std::numeric_limits<float>::quiet_NaN());
        batch = make_whole_image_batch(image, spec);
      } else {
        for (const Detection& d : detector->detect(image)) {
          boxes.push_back(d.box);
          scores.push_back(d.score);
        }
        batch = make_batch(image, boxes, spec);
      }
      auto probs = classifier.classify(batch);
      if (!probs) return fail(probs.error());
      for (std::size_t i = 0; i < boxes.size(); ++i) {
        const Probabilities& p = probs.value()[i];
        const int best = argmax(p);
        line["faces"].push_back({{"box", {std::lround(boxes[i].x), std::lround(boxes[i].y),
                                          std::lround(boxes[i].width), std::lround(boxes[i].height)}},
                                 {"face_score", std::isnan(scores[i]) ? ojson(nullptr) : ojson(scores[i])},
                                 {"label", spec.labels[best]},
                                 {"confidence", p[best]},
                                 {"probabilities", probabilities_json(spec.labels, p)}});
      }
      line["error"] = nullptr;
    } else {
      line["error"] = error;
      spdlog::warn("{}: {}", path, error);
      code = exit_code(ErrorCode::kInputUnreadable);
    }
    std::cout << json_text(line) << "\n" << std::flush;
    if (g_interrupted) return kInterrupted;
  }
  return code;
}

// analyze reads files: a video, an image or a folder of images (never a camera).
Result<std::unique_ptr<FrameSource>> open_file_source(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec) || is_image_path(path)) return open_images(path);
  if (!fs::exists(fs::symlink_status(path, ec)) && (path.rfind("camera", 0) == 0 || path.rfind("/dev/video", 0) == 0))
    return Error{ErrorCode::kUsage, "analyze reads a video, image or folder; for a camera use: live --source " + path};
  return open_video_file(path);
}

int run_analyze(const CommonOptions& common, const AnalyzeOptions& options) {
  if (options.csv == "-" && options.summary == "-")
    return fail({ErrorCode::kUsage, "only one of --csv and --summary can be '-' (standard output)"});
  auto source = open_file_source(options.input);
  if (!source) return fail(source.error());
  auto classifier = load_model(common);
  if (!classifier) return fail(classifier.error());
  auto detector = load_detector(common);
  if (!detector) return fail(detector.error());
  const long total = source.value()->info().frame_count;

  PipelineOptions po = pipeline_options(common, PipelineMode::kFile);
  po.every = options.every;
  Pipeline pipeline(std::move(source).value(), std::move(detector).value(), std::move(classifier).value(), po);
  auto recorder = open_recorder(options.out_video, options.csv, options.summary, pipeline, common, options.force,
                                options.video_codec);
  if (!recorder) return fail(recorder.error());

  const std::vector<std::string> labels = pipeline.model_spec().labels;
  const std::string device = pipeline.device_name();
  ProgressBar progress("analyze", total > 0 ? (total + options.every - 1) / options.every : -1);
  std::atomic<bool> done{false};
  std::atomic<long> processed{0};
  const auto start = SteadyClock::now();
  // Every frame of the file goes into the video, drawn with the newest
  // processed frame's faces (--every N keeps the source's duration).
  RecordingWriter::Draw draw;
  if (!options.out_video.empty()) {
    draw = [&, hud = options.hud](const cv::Mat& image, const FrameResult* latest) {
      AnnotateOptions ao;
      ao.hud.show = hud;
      const double secs = std::chrono::duration<double>(SteadyClock::now() - start).count();
      ao.hud.fps = secs > 0 ? processed.load() / secs : 0;
      ao.hud.latency_ms = latest ? latest->times.total : 0;
      ao.hud.device = device;
      return annotate(image, latest ? latest->faces : std::vector<TrackedFace>{}, labels, ao);
    };
  }
  std::shared_ptr<RecordingWriter> writer =
      make_writer(std::move(recorder).value(), !options.out_video.empty(), pipeline, std::move(draw));
  pipeline.start(
      [&](FrameResult&& r) {
        writer->on_result(r);
        progress.update(++processed);
      },
      [&](const PipelineEnd&) { done = true; }, writer);
  const PipelineEnd end = wait_interruptible(pipeline, done);
  progress.finish();
  if (Status s = writer->finish(&end)) return fail(*s);
  if (!options.out_video.empty()) spdlog::info("{}", writer_report(writer->stats()));
  spdlog::info("analyzed {} of {} decoded frames", end.frames_processed, end.frames_read);
  std::fprintf(stderr, "analyzed %llu frames (%llu decoded)%s\n",
               static_cast<unsigned long long>(end.frames_processed),
               static_cast<unsigned long long>(end.frames_read),
               end.reason == EndReason::kReadError ? ", input ended early: see warning" : "");
  return end_code(end);
}

namespace {

// Images an eval in FER+ mode leaves out, by reason.
struct FerplusLeftOut {
  long not_in_votes_file = 0;
  long no_votes = 0;
  long tie = 0;
  long no_emotion = 0;  // majority unknown or not_a_face
  long class_not_scored = 0;
  ojson to_json() const {
    return ojson{{"not_in_votes_file", not_in_votes_file}, {"no_votes", no_votes}, {"tie", tie},
                 {"unknown_or_not_a_face", no_emotion}, {"class_not_scored", class_not_scored}};
  }
  std::string to_text() const {
    return fmt::format("no votes {}, tie {}, unknown/not-a-face {}, class not scored {}, not in votes file {}",
                       no_votes, tie, no_emotion, class_not_scored, not_in_votes_file);
  }
};

// The images in DIR's class sub-folders (one level), sorted, for each folder name.
std::vector<std::pair<std::string, std::vector<fs::path>>> class_folders(const std::string& dir) {
  std::vector<std::pair<std::string, std::vector<fs::path>>> folders;
  for (const std::string& sub : find_subfolders(dir)) {
    std::vector<fs::path> images;
    for (const std::string& f : find_images(sub, /*recursive=*/false)) images.emplace_back(f);
    folders.emplace_back(fs::path(sub).filename().string(), std::move(images));
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

}  // namespace

int run_eval(const CommonOptions& common, const EvalOptions& options) {
  const bool ferplus = options.labels == "ferplus";
  if (!ferplus && options.labels != "folders") {
    return fail({ErrorCode::kUsage, "--labels must be folders or ferplus, not '" + options.labels + "'"});
  }
  if (!ferplus && !options.votes.empty()) return fail({ErrorCode::kUsage, "--votes needs --labels ferplus"});
  std::error_code ec;
  if (!fs::is_directory(options.dir, ec)) {
    return fail({ErrorCode::kInputUnreadable, options.dir + ": not a folder"});
  }
  auto models = load_image_models(common, options.whole_image);
  if (!models) return fail(models.error());
  Classifier& classifier = *models->classifier;
  FaceDetector* detector = models->detector.get();
  const ModelSpec& spec = classifier.spec();
  auto scored_or = scored_class_indices(spec.labels, options.classes);
  if (!scored_or) return fail(scored_or.error());
  const std::vector<int> scored = scored_or.value();
  std::vector<std::string> scored_labels;
  for (int i : scored) scored_labels.push_back(spec.labels[i]);
  auto scored_index = [&](const std::string& name) {
    const auto it = std::find(scored_labels.begin(), scored_labels.end(), name);
    return it == scored_labels.end() ? -1 : static_cast<int>(it - scored_labels.begin());
  };

  std::vector<std::string> unknown;
  std::vector<std::pair<std::string, int>> items;  // path, true class (index into scored_labels)
  std::string votes_file;
  FerplusLeftOut left_out;
  if (!ferplus) {
    for (const auto& [name, images] : class_folders(options.dir)) {
      const int truth = scored_index(name);
      if (truth < 0) {
        unknown.push_back(name);
        continue;
      }
      for (const fs::path& image : images) items.emplace_back(image.string(), truth);
    }
    for (const std::string& u : unknown)
      spdlog::warn("folder '{}' is not a scored class ({}); skipped", u, fmt::join(scored_labels, ", "));
    if (items.empty()) {
      return fail({ErrorCode::kInputUnreadable,
                   options.dir + ": no images in folders named after the scored classes (" +
                       fmt::format("{}", fmt::join(scored_labels, ", ")) + ")"});
    }
  } else {
    // The default is DIR/../ferplus_votes.csv as the file system resolves it.
    const fs::path votes_path =
        options.votes.empty() ? fs::path(options.dir) / ".." / "ferplus_votes.csv" : fs::path(options.votes);
    auto votes = read_ferplus_votes(votes_path.string());
    if (!votes) return fail(votes.error());
    const fs::path canonical_votes = fs::weakly_canonical(fs::absolute(votes_path), ec);
    votes_file = canonical_votes.string();
    const fs::path votes_root = canonical_votes.parent_path();
    const fs::path root = fs::canonical(options.dir, ec);
    std::string example_missing;
    for (const auto& [name, images] : class_folders(options.dir)) {
      for (const fs::path& image : images) {
        const std::string rel = (root / name / image.filename()).lexically_relative(votes_root).generic_string();
        const auto row = votes->find(rel);
        if (row == votes->end()) {
          if (example_missing.empty()) example_missing = rel;
          ++left_out.not_in_votes_file;
          continue;
        }
        const Majority majority = ferplus_majority(row->second);
        switch (majority.outcome) {
          case MajorityOutcome::kNoVotes: ++left_out.no_votes; continue;
          case MajorityOutcome::kTie: ++left_out.tie; continue;
          case MajorityOutcome::kNoEmotion: ++left_out.no_emotion; continue;
          case MajorityOutcome::kLabel: break;
        }
        const int truth = scored_index(majority.label);
        if (truth < 0) {
          ++left_out.class_not_scored;
          continue;
        }
        items.emplace_back(image.string(), truth);
      }
    }
    if (left_out.not_in_votes_file > 0) {
      spdlog::warn("{}: no entry for {} image(s), e.g. '{}' (paths are matched relative to its folder); left out",
                   votes_file, left_out.not_in_votes_file, example_missing);
    }
    if (items.empty()) {
      return fail({ErrorCode::kInputUnreadable,
                   fmt::format("{}: no image has a FER+ majority among the scored classes ({}) in {}; left out: {}",
                               options.dir, fmt::join(scored_labels, ", "), votes_file, left_out.to_text())});
    }
  }
  std::sort(items.begin(), items.end());

  ConfusionMatrix matrix(scored_labels);
  long unreadable = 0, no_face = 0;
  ProgressBar progress("eval", static_cast<long>(items.size()));
  const std::size_t per_face = static_cast<std::size_t>(spec.channels) * spec.height * spec.width;
  Batch batch;
  std::vector<int> truths;
  auto flush = [&]() -> Status {
    if (batch.n == 0) return std::nullopt;
    auto probs = classifier.classify(batch);
    if (!probs) return probs.error();
    for (int i = 0; i < batch.n; ++i) matrix.add(truths[i], argmax_over(probs.value()[i], scored));
    batch.data.clear();
    batch.n = 0;
    truths.clear();
    return std::nullopt;
  };
  batch.c = spec.channels;
  batch.h = spec.height;
  batch.w = spec.width;
  long done = 0;
  for (const auto& [path, truth] : items) {
    progress.update(++done);
    std::string error;
    cv::Mat image = read_image(path, error);
    if (image.empty()) {
      spdlog::warn("{}: {}", path, error);
      ++unreadable;
      continue;
    }
    Batch one;
    if (options.whole_image) {
      one = make_whole_image_batch(image, spec);
    } else {
      std::vector<Detection> faces = detector->detect(image);
      if (faces.empty()) {
        ++no_face;
        continue;
      }
      const auto largest = std::max_element(faces.begin(), faces.end(), [](const Detection& a, const Detection& b) {
        return a.box.area() < b.box.area();
      });
      one = make_batch(image, {largest->box}, spec);
    }
    batch.data.insert(batch.data.end(), one.data.begin(), one.data.begin() + per_face);
    ++batch.n;
    truths.push_back(truth);
    if (batch.n >= options.batch) {
      if (Status s = flush()) return fail(*s);
    }
    if (g_interrupted) return kInterrupted;
  }
  if (Status s = flush()) return fail(*s);
  progress.finish();

  ojson report;
  report["model"] = spec.name + " " + spec.version;
  report["dir"] = options.dir;
  report["whole_image"] = options.whole_image;
  report["labels_source"] = ferplus ? "ferplus" : "folders";
  if (ferplus) {
    report["votes_file"] = votes_file;
    report["left_out"] = left_out.to_json();
  }
  report["model_labels"] = spec.labels;
  report["unreadable_images"] = unreadable;
  report["images_without_face"] = no_face;
  report["unknown_folders"] = unknown;
  report.update(matrix.to_json());
  if (options.json) {
    std::cout << json_text(report, 2) << "\n";
  } else {
    std::cout << "model             " << spec.name << " " << spec.version << "\n";
    if (ferplus) {
      std::cout << "labels            FER+ majority, " << votes_file << "\n";
      std::cout << "left out          " << left_out.to_text() << "\n";
    } else {
      std::cout << "labels            folder names\n";
    }
    if (!options.classes.empty())
      std::cout << "classes scored    " << fmt::format("{}", fmt::join(scored_labels, ", ")) << "\n";
    if (!unknown.empty()) std::cout << "unknown folders   " << fmt::format("{}", fmt::join(unknown, ", ")) << "\n";
    if (unreadable) std::cout << "unreadable images " << unreadable << "\n";
    if (!options.whole_image) std::cout << "images w/o face   " << no_face << " (not counted)\n";
    std::cout << matrix.to_text();
  }
  return kOk;
}

int run_bench(const CommonOptions& common, const BenchOptions& options) {
  auto source = open_source(options.source, options.live && options.source.rfind("camera", 0) != 0);
  if (!source) return fail(source.error());
  auto classifier = load_model(common);
  if (!classifier) return fail(classifier.error());
  auto detector = load_detector(common);
  if (!detector) return fail(detector.error());
  const SourceInfo info = source.value()->info();

  Pipeline pipeline(std::move(source).value(), std::move(detector).value(), std::move(classifier).value(),
                    pipeline_options(common, options.live ? PipelineMode::kLive : PipelineMode::kFile));
  const std::vector<std::string> labels = pipeline.model_spec().labels;
  LatencyStats decode, detect, detect_run, preprocess, infer, annotate_ms, end_to_end;
  long frames = 0, faces = 0, faces_classified = 0, detections = 0;
  std::set<int> track_ids;
  std::atomic<bool> done{false};
  pipeline.start(
      [&](FrameResult&& r) {
        if (options.frames > 0 && frames >= options.frames) return;  // stopping
        const auto t = SteadyClock::now();
        cv::Mat out = annotate(r.frame.image, r.faces, labels);
        annotate_ms.add(std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count());
        decode.add(r.times.decode);
        detect.add(r.times.detect);
        if (r.times.detected) {
          detect_run.add(r.times.detect);
          ++detections;
        }
        preprocess.add(r.times.preprocess);
        infer.add(r.times.infer);
        end_to_end.add(std::chrono::duration<double, std::milli>(SteadyClock::now() - r.frame.captured).count());
        faces += static_cast<long>(r.faces.size());
        for (const TrackedFace& f : r.faces) {
          faces_classified += f.classified ? 1 : 0;
          track_ids.insert(f.id);
        }
        if (++frames == options.frames) g_interrupted = true;
      },
      [&](const PipelineEnd&) { done = true; });
  const auto start = SteadyClock::now();
  const PipelineEnd end = wait_interruptible(pipeline, done);
  const double wall = std::chrono::duration<double>(SteadyClock::now() - start).count();

  auto stage = [](const LatencyStats& s) {
    return ojson{{"p50_ms", s.percentile(50)}, {"p95_ms", s.percentile(95)}, {"mean_ms", s.mean()}};
  };
  ojson j;
  j["source"] = options.source;
  j["mode"] = options.live ? "live" : "file";
  j["source_fps"] = info.fps;
  j["frame_size"] = {info.size.width, info.size.height};
  j["device"] = pipeline.device_name();
  j["blas"] = loaded_blas();
  j["model"] = pipeline.model_spec().name;
  j["detector"] = common.detector;
  j["detect_width"] = common.detect_width;
  j["detect_every"] = common.detect_every;
  j["classify_interval_ms"] = common.classify_interval_ms;
  j["batch_frames"] = common.batch_frames;
  j["frames_read"] = end.frames_read;
  j["frames_processed"] = frames;
  j["frames_dropped"] = end.frames_dropped;
  j["detector_runs"] = detections;
  j["faces"] = faces;
  j["faces_classified"] = faces_classified;
  j["face_ids"] = track_ids.size();  // distinct track IDs: fewer for the same faces = fewer ID switches
  j["peak_rss_mb"] = peak_rss_mb();
  j["wall_s"] = wall;
  j["fps"] = wall > 0 ? frames / wall : 0;
  j["stages"] = {{"decode", stage(decode)},       {"detect", stage(detect)},
                 {"detect_when_run", stage(detect_run)}, {"preprocess", stage(preprocess)},
                 {"infer", stage(infer)},         {"annotate", stage(annotate_ms)},
                 {"end_to_end", stage(end_to_end)}};
  std::cout << json_text(j, 2) << "\n";
  if (end.reason == EndReason::kStopped) return kOk;  // stopped at --frames
  return end_code(end);
}

int run_live(const CommonOptions& common, const LiveOptions& options) {
  if (options.csv == "-" && options.summary == "-")
    return fail({ErrorCode::kUsage, "only one of --csv and --summary can be '-' (standard output)"});
  auto source = open_source(options.source, /*live_pacing=*/true);
  if (!source) return fail(source.error());
  auto classifier = load_model(common);
  if (!classifier) return fail(classifier.error());
  auto detector = load_detector(common);
  if (!detector) return fail(detector.error());

  Pipeline pipeline(std::move(source).value(), std::move(detector).value(), std::move(classifier).value(),
                    pipeline_options(common, PipelineMode::kLive));
  // --csv / --summary (a file or "-"), beside the session a --record folder holds.
  std::unique_ptr<Recorder> outputs;
  if (!options.csv.empty() || !options.summary.empty()) {
    auto r = open_recorder("", options.csv, options.summary, pipeline, common, options.force);
    if (!r) return fail(r.error());
    outputs = std::move(r).value();
  }
  const std::vector<std::string> labels = pipeline.model_spec().labels;
  std::shared_ptr<RecordingWriter> recorder;  // every captured frame, drawn with the newest result
  if (!options.record_dir.empty()) {
    std::error_code ec;
    if (!fs::exists(options.record_dir, ec)) {
      if (!fs::create_directories(options.record_dir, ec) || ec)
        return fail({ErrorCode::kOutputNotWritable, "cannot create '" + options.record_dir + "': " + ec.message()});
      fs::permissions(options.record_dir, fs::perms::owner_all, ec);  // a session is private: 0700
    } else if (!fs::is_directory(options.record_dir, ec)) {
      return fail({ErrorCode::kOutputNotWritable, options.record_dir + ": exists and is not a folder"});
    }
    // Each recording keeps its own files: session, session-2, session-3, ...
    const auto taken = [](const std::string& b) {
      std::error_code e;
      return fs::exists(b + ".mkv", e) || fs::exists(b + ".csv", e) || fs::exists(b + ".json", e);
    };
    std::string base = options.record_dir + "/session";
    for (int n = 2; taken(base); ++n) base = options.record_dir + "/session-" + std::to_string(n);
    std::fprintf(stderr, "recording to %s.mkv, .csv and .json\n", base.c_str());
    auto r = open_recorder(base + ".mkv", base + ".csv", base + ".json", pipeline, common, false, options.video_codec);
    if (!r) return fail(r.error());
    recorder = make_writer(std::move(r).value(), true, pipeline, [&labels](const cv::Mat& image, const FrameResult* latest) {
      return annotate(image, latest ? latest->faces : std::vector<TrackedFace>{}, labels);
    });
  }
  std::atomic<bool> done{false};
  Status write_error;
  long frames = 0;
  auto window_start = SteadyClock::now();
  long window_frames = 0;
  pipeline.start(
      [&](FrameResult&& r) {
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
        if (recorder) recorder->on_result(r);
        if (outputs && !write_error) {
          write_error = outputs->write(r, {});
          if (write_error) g_interrupted = true;
        }
      },
      [&](const PipelineEnd&) { done = true; }, recorder);
  const PipelineEnd end = wait_interruptible(pipeline, done, options.seconds);
  Status finish_error;
  if (recorder) finish_error = recorder->finish(&end);
  if (outputs) {
    if (Status s = finish_recorder(*outputs, end); s && !finish_error) finish_error = s;
  }
  if (write_error) return fail(*write_error);
  if (finish_error) return fail(*finish_error);
  std::fprintf(stderr, "processed %ld frames, dropped %llu\n", frames,
               static_cast<unsigned long long>(end.frames_dropped));
  if (recorder) std::fprintf(stderr, "recorded %s\n", writer_report(recorder->stats()).c_str());
  if (end.reason == EndReason::kStopped && !g_interrupted) return kOk;  // --seconds reached
  return end_code(end);
}

}  // namespace emoscope::cli
