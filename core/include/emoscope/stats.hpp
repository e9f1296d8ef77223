// LatencyStats: collects durations (ms) and reports percentiles. Not
// thread-safe; one per stage per thread.
#pragma once

#include <cstddef>
#include <vector>

namespace emoscope {

class LatencyStats {
 public:
  void add(double ms) { samples_.push_back(ms); }
  std::size_t count() const { return samples_.size(); }
  double percentile(double p) const;  // p in 0..100; 0 when empty
  double mean() const;

 private:
  std::vector<double> samples_;
};

}  // namespace emoscope
