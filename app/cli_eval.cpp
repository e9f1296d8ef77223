// emoscope-cli eval: accuracy over a folder of class folders (or FER+ votes).
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
#include "emoscope/image_analysis.hpp"
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
  auto flush = [&]() -> MaybeError {
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
    ImageFacesOptions how;
    how.whole_image = options.whole_image;
    how.largest_only = true;  // one truth per image
    const ImageFaces found = find_image_faces(image, detector, spec, how);
    if (found.boxes.empty()) {
      ++no_face;
      continue;
    }
    const Batch& one = found.batch;
    batch.data.insert(batch.data.end(), one.data.begin(), one.data.begin() + per_face);
    ++batch.n;
    truths.push_back(truth);
    if (batch.n >= options.batch) {
      if (MaybeError s = flush()) return fail(*s);
    }
    if (interrupted()) return kInterrupted;
  }
  if (MaybeError s = flush()) return fail(*s);
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
  report["neutral_prior"] = classifier.neutral_prior();
  report["unreadable_images"] = unreadable;
  report["images_without_face"] = no_face;
  report["unknown_folders"] = unknown;
  report.update(matrix.to_json());
  if (options.json) {
    std::cout << json_text(report, 2) << "\n";
  } else {
    std::cout << "model             " << spec.name << " " << spec.version << "\n";
    if (classifier.neutral_prior() != 1.0f) std::cout << "neutral prior     " << classifier.neutral_prior() << "\n";
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

}  // namespace emoscope::cli
