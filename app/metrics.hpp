// Classification metrics for `emoscope-cli eval`: confusion matrix, accuracy,
// balanced accuracy and per-class precision/recall/F1. Pure value code.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace emoscope::cli {

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(std::vector<std::string> labels);
  void add(int truth, int predicted);
  long total() const;
  double accuracy() const;
  double balanced_accuracy() const;  // mean recall over classes that occur
  double precision(int c) const;
  double recall(int c) const;
  double f1(int c) const;
  nlohmann::ordered_json to_json() const;
  std::string to_text() const;

 private:
  std::vector<std::string> labels_;
  std::vector<std::vector<long>> counts_;  // [truth][predicted]
};

}  // namespace emoscope::cli
