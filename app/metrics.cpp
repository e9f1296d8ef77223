#include "metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace emoscope::cli {

namespace {
std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}
}  // namespace

Result<std::vector<int>> scored_class_indices(const std::vector<std::string>& model_labels,
                                              const std::vector<std::string>& wanted) {
  std::vector<int> indices;
  if (wanted.empty()) {
    for (std::size_t i = 0; i < model_labels.size(); ++i) indices.push_back(static_cast<int>(i));
    return indices;
  }
  for (const std::string& name : wanted) {
    const auto it = std::find(model_labels.begin(), model_labels.end(), name);
    if (name.empty() || it == model_labels.end()) {
      return Error{ErrorCode::kUsage, "--classes: '" + name + "' is not one of the model's labels (" +
                                          join(model_labels) + ")"};
    }
    const int index = static_cast<int>(it - model_labels.begin());
    if (std::find(indices.begin(), indices.end(), index) != indices.end()) {
      return Error{ErrorCode::kUsage, "--classes: '" + name + "' is given twice"};
    }
    indices.push_back(index);
  }
  return indices;
}

int argmax_over(const std::vector<float>& probs, const std::vector<int>& scored) {
  int best = 0;
  for (std::size_t k = 1; k < scored.size(); ++k) {
    if (probs.at(scored[k]) > probs.at(scored[best])) best = static_cast<int>(k);
  }
  return best;
}

ConfusionMatrix::ConfusionMatrix(std::vector<std::string> labels)
    : labels_(std::move(labels)), counts_(labels_.size(), std::vector<long>(labels_.size(), 0)) {}

void ConfusionMatrix::add(int truth, int predicted) { ++counts_.at(truth).at(predicted); }

long ConfusionMatrix::total() const {
  long n = 0;
  for (const auto& row : counts_)
    for (long v : row) n += v;
  return n;
}

double ConfusionMatrix::accuracy() const {
  long correct = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) correct += counts_[i][i];
  const long n = total();
  return n > 0 ? static_cast<double>(correct) / n : 0.0;
}

double ConfusionMatrix::recall(int c) const {
  long row = 0;
  for (long v : counts_[c]) row += v;
  return row > 0 ? static_cast<double>(counts_[c][c]) / row : 0.0;
}

double ConfusionMatrix::precision(int c) const {
  long col = 0;
  for (const auto& row : counts_) col += row[c];
  return col > 0 ? static_cast<double>(counts_[c][c]) / col : 0.0;
}

double ConfusionMatrix::f1(int c) const {
  const double p = precision(c), r = recall(c);
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

double ConfusionMatrix::balanced_accuracy() const {
  double sum = 0;
  int classes = 0;
  for (std::size_t c = 0; c < counts_.size(); ++c) {
    long row = 0;
    for (long v : counts_[c]) row += v;
    if (row == 0) continue;
    sum += recall(static_cast<int>(c));
    ++classes;
  }
  return classes > 0 ? sum / classes : 0.0;
}

nlohmann::ordered_json ConfusionMatrix::to_json() const {
  nlohmann::ordered_json j;
  j["images"] = total();
  j["accuracy"] = accuracy();
  j["balanced_accuracy"] = balanced_accuracy();
  nlohmann::ordered_json per_class = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < labels_.size(); ++c) {
    long support = 0;
    for (long v : counts_[c]) support += v;
    per_class[labels_[c]] = {{"precision", precision(static_cast<int>(c))},
                             {"recall", recall(static_cast<int>(c))},
                             {"f1", f1(static_cast<int>(c))},
                             {"support", support}};
  }
  j["per_class"] = per_class;
  j["labels"] = labels_;
  j["confusion_matrix"] = counts_;  // rows: true class, columns: predicted
  return j;
}

std::string ConfusionMatrix::to_text() const {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof(buf), "images            %ld\naccuracy          %.4f\nbalanced accuracy %.4f\n\n",
                total(), accuracy(), balanced_accuracy());
  out += buf;
  std::snprintf(buf, sizeof(buf), "%-12s %9s %9s %9s\n", "class", "precision", "recall", "f1");
  out += buf;
  for (std::size_t c = 0; c < labels_.size(); ++c) {
    std::snprintf(buf, sizeof(buf), "%-12s %9.4f %9.4f %9.4f\n", labels_[c].c_str(), precision(static_cast<int>(c)),
                  recall(static_cast<int>(c)), f1(static_cast<int>(c)));
    out += buf;
  }
  out += "\nconfusion matrix (rows: true, columns: predicted)\n";
  std::snprintf(buf, sizeof(buf), "%-12s", "");
  out += buf;
  for (const auto& l : labels_) {
    std::snprintf(buf, sizeof(buf), " %9.9s", l.c_str());
    out += buf;
  }
  out += "\n";
  for (std::size_t r = 0; r < labels_.size(); ++r) {
    std::snprintf(buf, sizeof(buf), "%-12s", labels_[r].c_str());
    out += buf;
    for (long v : counts_[r]) {
      std::snprintf(buf, sizeof(buf), " %9ld", v);
      out += buf;
    }
    out += "\n";
  }
  return out;
}

}  // namespace emoscope::cli
