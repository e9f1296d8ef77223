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
using ojson = nlohmann::ordered_json;

namespace {

constexpr int kOk = 0;
constexpr int kInterrupted = 130;
std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) { g_interrupted = true; }

// What predict and eval need: the model, on all cores unless --threads says
// otherwise (no detector thread runs beside inference), and a detector unless
// each image is already a face (whole-image mode).
struct ImageModels {
  std::unique_ptr<Classifier> classifier;
  std::unique_ptr<FaceDetector> detector;  // null in whole-image mode
};

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
  error = image.error().message;
  if (error.rfind(path + ": ", 0) == 0) error = error.substr(path.size() + 2);  // the caller names the file
  return {};
}

// JSON text that never throws: invalid UTF-8 (e.g. in a file name) becomes U+FFFD.
std::string json_text(const ojson& j, int indent = -1) {
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

}  // namespace

int fail(const Error& error) {
  spdlog::error("{}", error.message);
  return exit_code(error.code);
}

bool interrupted() { return g_interrupted; }

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // A closed pipe on --csv - / --summary - is a write error (exit 5), not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
}

int run_predict(const RunOptions& run, const PredictOptions& options) {
  auto models = load_image_models(run, options.whole_image);
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
  // --people: one gallery for the whole call, so a person has one ID in every image.
  std::shared_ptr<FaceEmbedder> embedder;
  std::shared_ptr<People> people;
  if (options.people) {
    RunOptions with_people = run;
    with_people.identity.enabled = true;
    auto loaded = load_run_embedder(with_people);
    if (!loaded) return fail(loaded.error());
    embedder = std::move(loaded).value();
    auto made = make_run_people(with_people, *embedder);
    if (!made) return fail(made.error());
    people = std::move(made).value();
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
      std::vector<std::vector<cv::Point2f>> landmarks;
      Batch batch;
      if (options.whole_image) {
        boxes.emplace_back(0.f, 0.f, static_cast<float>(image.cols), static_cast<float>(image.rows));
        scores.push_back(std::numeric_limits<float>::quiet_NaN());
        landmarks.push_back(landmarks_from_box(boxes.back()));
        batch = make_whole_image_batch(image, spec);
      } else {
        for (const Detection& d : detector->detect(image)) {
          boxes.push_back(d.box);
          scores.push_back(d.score);
          landmarks.push_back(chip_landmarks(d));
        }
        batch = make_batch(image, boxes, spec);
      }
      auto probs = classifier.classify(batch);
      if (!probs) return fail(probs.error());
      std::vector<int> person_ids;
      if (people) {
        auto descriptors = embed_faces(*embedder, image, landmarks);
        if (!descriptors) return fail(descriptors.error());
        std::set<int> in_this_image;  // two faces of one photo are two people
        for (const Embedding& e : descriptors.value()) {
          const int id = people->identify(e, in_this_image);
          people->add_exemplar(id, e);
          in_this_image.insert(id);
          person_ids.push_back(id);
        }
      }
      for (std::size_t i = 0; i < boxes.size(); ++i) {
        const Probabilities& p = probs.value()[i];
        const int best = argmax(p);
        ojson face{{"box", {std::lround(boxes[i].x), std::lround(boxes[i].y), std::lround(boxes[i].width),
                            std::lround(boxes[i].height)}},
                   {"face_score", std::isnan(scores[i]) ? ojson(nullptr) : ojson(scores[i])},
                   {"label", spec.labels[best]},
                   {"confidence", p[best]},
                   {"probabilities", probabilities_json(spec.labels, p)}};
        if (people && i < person_ids.size()) {
          face["person_id"] = person_ids[i];
          const std::string name = people->name(person_ids[i]);
          face["person"] = name.empty() ? ojson(nullptr) : ojson(name);
        }
        line["faces"].push_back(face);
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
Status check_file_source(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec)) && (path.rfind("camera", 0) == 0 || path.rfind("/dev/video", 0) == 0))
    return Error{ErrorCode::kUsage, "analyze reads a video, image or folder; for a camera use: live --source " + path};
  return std::nullopt;
}

int run_analyze(const RunOptions& run, const AnalyzeOptions& options) {
  if (options.output.csv_path == "-" && options.output.summary_path == "-")
    return fail({ErrorCode::kUsage, "only one of --csv and --summary can be '-' (standard output)"});
  if (Status s = check_file_source(run.source)) return fail(*s);
  RunOptions ro = run;
  ro.live = false;
  if (options.output.any()) ro.outputs = {options.output};  // every frame goes into the video (--every N keeps the duration)
  auto engine = RunEngine::open(ro);
  if (!engine) return fail(engine.error());
  RunEngine& e = *engine.value();
  const long total = e.source_info().frame_count;
  const long every = std::max(1, ro.pipeline.every);
  ProgressBar progress("analyze", total > 0 ? (total + every - 1) / every : -1);
  long processed = 0;
  e.start([&](FrameResult&&) -> Status {
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

int run_eval(const RunOptions& run, const EvalOptions& options) {
  const bool ferplus = options.labels == "ferplus";
  if (!ferplus && options.labels != "folders") {
    return fail({ErrorCode::kUsage, "--labels must be folders or ferplus, not '" + options.labels + "'"});
  }
  if (!ferplus && !options.votes.empty()) return fail({ErrorCode::kUsage, "--votes needs --labels ferplus"});
  std::error_code ec;
  if (!fs::is_directory(options.dir, ec)) {
    return fail({ErrorCode::kInputUnreadable, options.dir + ": not a folder"});
  }
  auto models = load_image_models(run, options.whole_image);
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

int run_bench(const RunOptions& run, const BenchOptions& options) {
  auto engine = RunEngine::open(run);
  if (!engine) return fail(engine.error());
  RunEngine& e = *engine.value();
  const SourceInfo info = e.source_info();
  LatencyStats decode, detect, detect_run, preprocess, infer, embed, annotate_ms, end_to_end;
  long frames = 0, faces = 0, faces_classified = 0, faces_embedded = 0, detections = 0;
  double embed_total_ms = 0;
  std::set<int> track_ids, person_ids;
  e.start([&](FrameResult&& r) -> Status {
    if (options.frames > 0 && frames >= options.frames) return std::nullopt;  // stopping
    const auto t = SteadyClock::now();
    cv::Mat out = e.annotate(r.frame.image, &r);
    annotate_ms.add(std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count());
    decode.add(r.times.decode);
    detect.add(r.times.detect);
    if (r.times.detected) {
      detect_run.add(r.times.detect);
      ++detections;
    }
    preprocess.add(r.times.preprocess);
    infer.add(r.times.infer);
    embed.add(r.times.embed);
    embed_total_ms += r.times.embed;
    end_to_end.add(std::chrono::duration<double, std::milli>(SteadyClock::now() - r.frame.captured).count());
    faces += static_cast<long>(r.faces.size());
    for (const TrackedFace& f : r.faces) {
      faces_classified += f.classified ? 1 : 0;
      faces_embedded += f.embedded ? 1 : 0;
      track_ids.insert(f.id);
      if (f.person_id > 0) person_ids.insert(f.person_id);
    }
    if (++frames == options.frames) e.request_stop();
    return std::nullopt;
  });
  const auto start = SteadyClock::now();
  const RunEnd end = e.wait(interrupted);
  const double wall = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (end.status) return fail(*end.status);

  auto stage = [](const LatencyStats& s) {
    return ojson{{"p50_ms", s.percentile(50)}, {"p95_ms", s.percentile(95)}, {"mean_ms", s.mean()}};
  };
  ojson j;
  j["source"] = run.source;
  j["mode"] = run.live ? "live" : "file";
  j["source_fps"] = info.fps;
  j["frame_size"] = {info.size.width, info.size.height};
  j["device"] = e.device_name();
  j["blas"] = loaded_blas();
  j["model"] = e.model_spec().name;
  j["detector"] = detector_kind_name(run.detector.kind);
  j["detect_width"] = run.detector.detect_width;
  j["detect_every"] = run.pipeline.detect_every;
  j["classify_interval_ms"] = run.pipeline.tracker.classify_interval_ms;
  j["batch_frames"] = run.pipeline.batch_frames;
  j["frames_read"] = end.pipeline.frames_read;
  j["frames_processed"] = frames;
  j["frames_dropped"] = end.pipeline.frames_dropped;
  j["detector_runs"] = detections;
  j["faces"] = faces;
  j["faces_classified"] = faces_classified;
  j["face_ids"] = track_ids.size();  // distinct track IDs: fewer for the same faces = fewer ID switches
  j["identities"] = run.identity.enabled;
  j["faces_embedded"] = faces_embedded;
  j["person_ids"] = person_ids.size();
  // Chips and the embedder's forward passes, per face embedded (batched as they came).
  j["embed_ms_per_face"] = faces_embedded > 0 ? embed_total_ms / faces_embedded : 0.0;
  j["peak_rss_mb"] = peak_rss_mb();
  j["wall_s"] = wall;
  j["fps"] = wall > 0 ? frames / wall : 0;
  j["stages"] = {{"decode", stage(decode)},       {"detect", stage(detect)},
                 {"detect_when_run", stage(detect_run)}, {"preprocess", stage(preprocess)},
                 {"infer", stage(infer)},         {"embed", stage(embed)},
                 {"annotate", stage(annotate_ms)},
                 {"end_to_end", stage(end_to_end)}};
  std::cout << json_text(j, 2) << "\n";
  if (end.pipeline.reason == EndReason::kStopped) return kOk;  // stopped at --frames
  return end_code(end.pipeline);
}

// The --record folder (created 0700) and the next free base name in it:
// session, session-2, session-3, ... (each recording keeps its own files).
Result<std::string> record_base(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (!fs::create_directories(dir, ec) || ec)
      return Error{ErrorCode::kOutputNotWritable, "cannot create '" + dir + "': " + ec.message()};
    fs::permissions(dir, fs::perms::owner_all, ec);  // a session is private: 0700
  } else if (!fs::is_directory(dir, ec)) {
    return Error{ErrorCode::kOutputNotWritable, dir + ": exists and is not a folder"};
  }
  const auto taken = [](const std::string& b) {
    std::error_code e;
    return fs::exists(b + ".mkv", e) || fs::exists(b + ".csv", e) || fs::exists(b + ".json", e);
  };
  std::string base = dir + "/session";
  for (int n = 2; taken(base); ++n) base = dir + "/session-" + std::to_string(n);
  return base;
}

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
    Result<std::string> base = record_base(options.record_dir);
    if (!base) return fail(base.error());
    std::fprintf(stderr, "recording to %s.mkv, .csv and .json\n", base->c_str());
    OutputOptions record;
    record.video_path = base.value() + ".mkv";
    record.csv_path = base.value() + ".csv";
    record.summary_path = base.value() + ".json";
    record.video_codec = options.output.video_codec;
    if (Status s = e.start_recording(record)) return fail(*s);
  }
  const std::vector<std::string>& labels = e.model_spec().labels;
  long frames = 0;
  auto window_start = SteadyClock::now();
  long window_frames = 0;
  e.start([&](FrameResult&& r) -> Status {
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
    return g_interrupted ||
           (options.seconds > 0 && SteadyClock::now() - start > std::chrono::duration<double>(options.seconds));
  });
  if (end.status) return fail(*end.status);
  std::fprintf(stderr, "processed %ld frames, dropped %llu\n", frames,
               static_cast<unsigned long long>(end.pipeline.frames_dropped));
  if (!options.record_dir.empty()) std::fprintf(stderr, "recorded %s\n", writer_report(end.outputs.back()).c_str());
  if (end.pipeline.reason == EndReason::kStopped && !g_interrupted) return kOk;  // --seconds reached
  return end_code(end.pipeline);
}

}  // namespace emoscope::cli
