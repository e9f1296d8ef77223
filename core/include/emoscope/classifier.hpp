// Classifier: an emotion model that turns a preprocessed batch into class
// probabilities. The model and its metadata are loaded and validated once by
// load_classifier; classify() runs one batch (softmax applied, then the prior
// shift) and is not thread-safe: call it from one worker thread. LibTorch
// stays behind this interface (only torch_classifier.cpp includes it).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "emoscope/error.hpp"
#include "emoscope/model_spec.hpp"
#include "emoscope/preprocess.hpp"

namespace emoscope {

enum class DeviceChoice { kAuto, kCpu, kCuda };

struct ClassifierOptions {
  DeviceChoice device = DeviceChoice::kAuto;
  int threads = 0;        // intra-op threads (LibTorch and OpenBLAS); 0 = half the cores,
                          // since the detector runs on the others in a pipeline
  bool optimize = true;   // freeze + optimize_for_inference after loading
  // Prior shift (Classifier::set_neutral_prior): how common neutral faces are
  // assumed to be, relative to the model's training data. 1 = as trained;
  // below 1 expressions read sooner. Range: limits::kNeutralPrior.
  float neutral_prior = 1.0f;
};

using Probabilities = std::vector<float>;  // one per label, sums to 1

class Classifier {
 public:
  virtual ~Classifier() = default;
  virtual const ModelSpec& spec() const = 0;
  virtual std::string device_name() const = 0;  // "cpu" or "cuda:0"

  // One batch's probabilities: the model's, then the prior shift.
  Result<std::vector<Probabilities>> classify(const Batch& batch);

  // Prior shift by Bayes' rule: each face's "neutral" probability is
  // multiplied by `factor` and the row renormalised. The result is calibrated
  // for a population in which neutral faces are `factor` times as common as
  // in the training data (relative to the other labels), so 0.5 asks for
  // twice the evidence before a face reads neutral. 1 = as trained; no effect
  // on a model without a "neutral" label. Set before a run starts (RunEngine
  // does); any thread.
  void set_neutral_prior(float factor) { neutral_prior_ = factor; }
  float neutral_prior() const { return neutral_prior_; }

  // A classifier may be shared (the app loads a model once) but serves one
  // running pipeline at a time, as classify() is not thread-safe: Pipeline
  // claims it when it starts and releases it when its threads have joined.
  // A second pipeline that starts meanwhile fails at once. Any thread.
  bool try_claim() { return !claimed_.exchange(true); }
  void release_claim() { claimed_ = false; }

 protected:
  // The model's own probabilities (rows sum to 1).
  virtual Result<std::vector<Probabilities>> run_model(const Batch& batch) = 0;

 private:
  std::atomic<bool> claimed_{false};
  std::atomic<float> neutral_prior_{1.0f};
};

// The prior shift of Classifier::set_neutral_prior on one row: probs[index]
// times factor, then renormalised. Rows without mass are left as they are.
void shift_prior(Probabilities& probs, std::size_t index, float factor);

Result<DeviceChoice> parse_device_choice(const std::string& name);
bool cuda_available();
Result<std::unique_ptr<Classifier>> load_classifier(const std::string& model_path,
                                                    const ClassifierOptions& options = {});

// The shipped default model: default_model_path() in emoscope/resources.hpp.

}  // namespace emoscope
