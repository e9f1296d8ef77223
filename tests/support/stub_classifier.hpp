// StubClassifier: stands in for the model where timing matters in tests: a fixed
// delay per batch and a fixed output (happy 0.7, sad 0.3), or a failure.
// Not thread-safe (as Classifier: one caller at a time). Delay in milliseconds.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "emoscope/classifier.hpp"

namespace emoscope::test {

class StubClassifier final : public Classifier {
 public:
  explicit StubClassifier(std::chrono::milliseconds delay, bool fail = false) : delay_(delay), fail_(fail) {
    spec_.name = "stub";
    spec_.labels = {"happy", "sad"};
    spec_.mean = {0.5f};
    spec_.std = {0.25f};
  }
  const ModelSpec& spec() const override { return spec_; }
  std::string device_name() const override { return "stub"; }
 protected:
  Result<std::vector<Probabilities>> run_model(const Batch& batch) override {
    std::this_thread::sleep_for(delay_);
    if (fail_) return Error{ErrorCode::kModel, "stub failure"};
    return std::vector<Probabilities>(batch.n, Probabilities{0.7f, 0.3f});
  }

 private:
  ModelSpec spec_;
  std::chrono::milliseconds delay_;
  bool fail_;
};

}  // namespace emoscope::test
