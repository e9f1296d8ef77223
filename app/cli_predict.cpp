// emoscope-cli predict: faces and emotions in images, one JSON line per image.
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
      ImageFacesOptions how;
      how.whole_image = options.whole_image;
      auto analysed = analyze_image(image, detector, classifier, how);
      if (!analysed) return fail(analysed.error());
      const ImageFaces& found = analysed->faces;
      const std::vector<cv::Rect2f>& boxes = found.boxes;
      const std::vector<float>& scores = found.scores;
      std::vector<int> person_ids;
      if (people) {
        auto descriptors = embed_faces(*embedder, image, found.landmarks);
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
        const Probabilities& p = analysed->probabilities[i];
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
    if (interrupted()) return kInterrupted;
  }
  return code;
}

// analyze reads files: a video, an image or a folder of images (never a camera).

}  // namespace emoscope::cli
