#include "emoscope/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace emoscope {

double LatencyStats::percentile(double p) const {
  if (samples_.empty()) return 0.0;
  std::vector<double> sorted = samples_;
  std::sort(sorted.begin(), sorted.end());
  // Nearest-rank percentile.
  const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * sorted.size());
  const std::size_t index = rank < 1.0 ? 0 : static_cast<std::size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

double LatencyStats::mean() const {
  if (samples_.empty()) return 0.0;
  return std::accumulate(samples_.begin(), samples_.end(), 0.0) / samples_.size();
}

}  // namespace emoscope
