#include "emoscope/classifier.hpp"

#include <algorithm>

namespace emoscope {

void shift_prior(Probabilities& probs, std::size_t index, float factor) {
  if (index >= probs.size() || factor == 1.0f) return;
  double total = 0.0;
  for (std::size_t k = 0; k < probs.size(); ++k) total += k == index ? probs[k] * double(factor) : probs[k];
  if (!(total > 0.0)) return;
  for (std::size_t k = 0; k < probs.size(); ++k) {
    const double p = k == index ? probs[k] * double(factor) : probs[k];
    probs[k] = static_cast<float>(p / total);
  }
}

Result<std::vector<Probabilities>> Classifier::classify(const Batch& batch) {
  Result<std::vector<Probabilities>> probs = run_model(batch);
  const float factor = neutral_prior_;
  if (!probs || factor == 1.0f) return probs;
  const std::vector<std::string>& labels = spec().labels;
  const auto neutral = std::find(labels.begin(), labels.end(), "neutral");
  if (neutral == labels.end()) return probs;
  const auto index = static_cast<std::size_t>(neutral - labels.begin());
  for (Probabilities& row : probs.value()) shift_prior(row, index, factor);
  return probs;
}

}  // namespace emoscope
