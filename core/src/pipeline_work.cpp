#include "pipeline_work.hpp"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace emoscope {

double ms_since(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

cv::Mat motion_thumbnail(const cv::Mat& bgr) {
  cv::Mat small, grey;
  // Area-averaging a 4.7 MP frame straight down costs 6 ms; a bilinear step to
  // 256 px first (0.2 ms) leaves the average over each thumbnail pixel nearly
  // the same for what it is used for: a mean difference over the whole picture.
  if (bgr.cols > 1280) {
    cv::Mat step;
    cv::resize(bgr, step, cv::Size(256, std::max(36, bgr.rows * 256 / bgr.cols)), 0, 0, cv::INTER_LINEAR);
    cv::resize(step, small, cv::Size(64, 36), 0, 0, cv::INTER_AREA);
  } else {
    cv::resize(bgr, small, cv::Size(64, 36), 0, 0, cv::INTER_AREA);
  }
  cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
  return grey;
}

void prepare_model_work(const std::vector<Detected>& group, const Classifier& classifier,
                        const FaceEmbedder* embedder, ModelWork& work) {
  std::size_t faces_due = 0, embeds_due = 0;
  for (const auto& a : work.assignments) {
    faces_due += a.classify_count();
    embeds_due += a.embed_count();
  }
  const auto t = SteadyClock::now();
  const ModelSpec& spec = classifier.spec();
  work.faces = make_empty_batch(static_cast<int>(faces_due), spec);
  if (embedder) work.chips = make_empty_batch(static_cast<int>(embeds_due), embedder->spec());
  int next = 0, chip = 0;
  for (std::size_t f = 0; f < group.size(); ++f) {
    const Detected& item = group[f];
    for (std::size_t i = 0; i < item.boxes.size(); ++i) {
      if (work.assignments[f].to_classify()[i]) {
        const cv::Rect crop = crop_rect(item.boxes[i], spec.crop_margin, spec.crop_square);
        preprocess_face(item.frame.image, crop, spec, work.faces.face(next++));
      }
      if (embedder && work.assignments[f].to_embed()[i]) {
        // One set of landmarks per box: detected, then moved with the box by the follower.
        preprocess_chip(item.frame.image, item.cues.landmarks[i], embedder->spec(), work.chips.face(chip++));
      }
    }
  }
  work.preprocess_ms = ms_since(t);
}

void run_models(Classifier& classifier, FaceEmbedder* embedder, ModelWork& work) {
  auto t = SteadyClock::now();
  Result<std::vector<Probabilities>> probs = classifier.classify(work.faces);
  work.infer_ms = ms_since(t);
  if (!probs) {
    work.error = probs.error().message;
    return;
  }
  work.probabilities = std::move(probs).value();
  t = SteadyClock::now();
  if (embedder && !work.chips.empty()) {
    Result<std::vector<Embedding>> e = embedder->embed(work.chips);
    if (!e) {
      work.error = e.error().message;
      return;
    }
    work.embeddings = std::move(e).value();
  }
  work.embed_ms = ms_since(t);
}

}  // namespace emoscope
