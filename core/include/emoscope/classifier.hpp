// Classifier: an emotion model that turns a preprocessed batch into class
// probabilities. The model and its metadata are loaded and validated once by
// load_classifier; classify() runs one batch (softmax applied) and is not
// thread-safe: call it from one worker thread. LibTorch stays behind this
// interface (only torch_classifier.cpp includes it).
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
};

using Probabilities = std::vector<float>;  // one per label, sums to 1

class Classifier {
 public:
  virtual ~Classifier() = default;
  virtual const ModelSpec& spec() const = 0;
  virtual Result<std::vector<Probabilities>> classify(const Batch& batch) = 0;
  virtual std::string device_name() const = 0;  // "cpu" or "cuda:0"

  // A classifier may be shared (the app loads a model once) but serves one
  // running pipeline at a time, as classify() is not thread-safe: Pipeline
  // claims it when it starts and releases it when its threads have joined.
  // A second pipeline that starts meanwhile fails at once. Any thread.
  bool try_claim() { return !claimed_.exchange(true); }
  void release_claim() { claimed_ = false; }

 private:
  std::atomic<bool> claimed_{false};
};

Result<DeviceChoice> parse_device_choice(const std::string& name);
bool cuda_available();
Result<std::unique_ptr<Classifier>> load_classifier(const std::string& model_path,
                                                    const ClassifierOptions& options = {});

// The shipped default model: default_model_path() in emoscope/resources.hpp.

}  // namespace emoscope
