// Background priority for a run's own threads (internal to core).
// The desktop app analyses on the same cores its UI thread needs: with its
// worker threads a few nice steps down, the scheduler runs the UI thread first
// when it wakes (a paint, a click) and gives the analysis everything else.
// Linux keeps a nice value per thread, and threads a thread starts inherit it
// (so torch's and OpenCV's workers started from these threads do too); an
// unprivileged thread can only lower its priority, so the raise is permanent
// for the thread. Elsewhere a no-op.
#pragma once

#include <thread>
#include <utility>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace emoscope {

// Lowers the calling thread's priority by `steps` nice steps (0: leaves it).
inline void lower_this_thread_priority(int steps) {
#if defined(__linux__)
  if (steps <= 0) return;
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  const int now = ::getpriority(PRIO_PROCESS, tid);
  ::setpriority(PRIO_PROCESS, tid, now + steps);  // failing leaves the priority as it was: harmless
#else
  (void)steps;
#endif
}

// A thread that lowers its priority by `steps` nice steps, then runs `body`.
template <typename Body>
std::thread start_worker(int steps, Body body) {
  return std::thread([steps, body = std::move(body)]() mutable {
    lower_this_thread_priority(steps);
    body();
  });
}

}  // namespace emoscope
