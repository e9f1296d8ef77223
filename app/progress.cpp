#include "progress.hpp"

#include <cstdio>

#include <unistd.h>

namespace emoscope::cli {

ProgressBar::ProgressBar(std::string label, long total)
    : label_(std::move(label)), total_(total), enabled_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_draw_() {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(long done) {
  if (!enabled_ || finished_) return;
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  draw(now);
}

void ProgressBar::draw(std::chrono::steady_clock::time_point now) {
  last_draw_ = now;
  const long done = done_;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0;
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(done) / total_);
    const int width = 30;
    const int filled = static_cast<int>(frac * width);
    std::string bar(filled, '#');
    bar.append(width - filled, '-');
    const double eta = rate > 0 ? (total_ - done) / rate : 0;
    if (!detail_.empty()) {  // \x1b[K: erase what a longer line before left
      std::fprintf(stderr, "\r%s [%s] %ld/%ld  %s\x1b[K", label_.c_str(), bar.c_str(), done, total_, detail_.c_str());
    } else {
      std::fprintf(stderr, "\r%s [%s] %3.0f%% %ld/%ld  %.1f fps  ETA %.0fs ", label_.c_str(), bar.c_str(),
                   frac * 100, done, total_, rate, eta);
    }
  } else {
    std::fprintf(stderr, "\r%s %ld  %.1f fps ", label_.c_str(), done, rate);
  }
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_ || finished_) return;
  draw(std::chrono::steady_clock::now());  // the final count, whatever the throttle skipped
  finished_ = true;
  std::fprintf(stderr, "\n");
}

}  // namespace emoscope::cli
