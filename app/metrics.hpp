// Classification metrics for `emoscope-cli eval`: confusion matrix, accuracy,
// balanced accuracy and per-class precision/recall/F1, and the choice of the
// classes scored (`--classes`). Pure value code.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emoscope/error.hpp"

namespace emoscope::cli {

// The indices into `model_labels` of the classes to score, in the order of
// `wanted` (all labels, in model order, when `wanted` is empty). Error
// (kUsage) naming the model's labels when a name is empty, repeated or not
// one of the model's labels.
Result<std::vector<int>> scored_class_indices(const std::vector<std::string>& model_labels,
                                              const std::vector<std::string>& wanted);

// The prediction among the scored classes: the k whose probs[scored[k]] is
// largest, the first such k on a tie (as numpy's argmax over
// probs[scored]). Other classes' probabilities are ignored.
int argmax_over(const std::vector<float>& probs, const std::vector<int>& scored);

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
