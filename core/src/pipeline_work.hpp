// Private to the pipeline (pipeline.cpp): what travels between its stages and
// the models' share of the work, kept apart from the threads that move it.
// Value types and free functions; each call runs on the calling thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/classifier.hpp"
#include "emoscope/embedder.hpp"
#include "emoscope/frame.hpp"
#include "emoscope/preprocess.hpp"
#include "emoscope/results.hpp"
#include "emoscope/tracker.hpp"

namespace emoscope {

// Milliseconds from `start` to now.
double ms_since(SteadyClock::time_point start);

// capture -> detect.
struct Captured {
  Frame frame;
  double decode_ms = 0;
};

// detect -> classify.
struct Detected {
  Frame frame;
  std::vector<cv::Rect2f> boxes;
  FrameCues cues;  // per box: the detector's score and landmarks (kept with carried boxes), losses; scene cut
  StageTimes times;
};

// Small grey thumbnail used to notice motion and scene cuts between frames.
cv::Mat motion_thumbnail(const cv::Mat& bgr);

// The models' work for some frames: the faces due, preprocessed, and what
// the models made of them.
struct ModelWork {
  std::vector<Tracker::Assignment> assignments;  // one per frame of the group
  Batch faces, chips;
  std::vector<Probabilities> probabilities;
  std::vector<Embedding> embeddings;
  double preprocess_ms = 0, infer_ms = 0, embed_ms = 0;
  std::optional<std::string> error;
};

// The crops (and, with an embedder, the chips) of the faces due in `group`,
// as work.assignments say, into work.faces and work.chips.
void prepare_model_work(const std::vector<Detected>& group, const Classifier& classifier,
                        const FaceEmbedder* embedder, ModelWork& work);

// Runs the classifier and the embedder on prepared work (one forward pass
// each); a model's failure goes to work.error.
void run_models(Classifier& classifier, FaceEmbedder* embedder, ModelWork& work);

}  // namespace emoscope
