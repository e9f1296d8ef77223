// ProgressBar: a one-line terminal progress bar with rate and ETA, drawn on
// stderr only when stderr is a TTY (scripts and logs stay clean). Debian ships
// no C++ progress-bar library, so this is the few lines we need.
// Not thread-safe: update from one thread.
#pragma once

#include <chrono>
#include <string>

namespace emoscope::cli {

class ProgressBar {
 public:
  ProgressBar(std::string label, long total);  // total <= 0: unknown
  ~ProgressBar();
  void update(long done);
  // Text shown after the count instead of the rate and ETA (batch: its frames and running inputs).
  void set_detail(std::string detail) { detail_ = std::move(detail); }
  void finish();

 private:
  void draw(std::chrono::steady_clock::time_point now);
  std::string label_;
  std::string detail_;
  long total_;
  bool enabled_;
  bool finished_ = false;
  long done_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace emoscope::cli
