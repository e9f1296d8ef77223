// RunEngine (run.hpp): one run from its options to its outputs, the sinks on
// an output thread of their own, and a sink's error ending the run with it.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emoscope/run.hpp"
#include "stub_classifier.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

namespace {

// A clip made at test time (test_support.hpp): no ../shared needed.
RunOptions clip_run() {
  RunOptions o;
  o.source = test::synthetic_clip().path;
  return o;
}

std::shared_ptr<Classifier> stub(std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
  return std::make_shared<test::StubClassifier>(delay);
}

long csv_rows(const std::string& path) {
  std::ifstream in(path);
  long rows = -1;  // the header
  for (std::string line; std::getline(in, line);) ++rows;
  return rows;
}

}  // namespace

TEST_CASE("a run analyses a file into its outputs - sinks on one output thread of their own") {
  const std::string dir = test::temp_dir("run_outputs");
  RunOptions o = clip_run();
  OutputOptions out;
  out.video_path = dir + "/run.mkv";
  out.csv_path = dir + "/run.csv";
  out.summary_path = dir + "/run.json";
  o.outputs = {out};
  auto engine = RunEngine::open(o, stub());
  REQUIRE(engine.ok());
  RunEngine& e = *engine.value();
  CHECK(e.recording());

  std::set<std::thread::id> sink_threads;
  std::vector<std::uint64_t> seqs;
  std::thread::id end_thread;
  int ends = 0;
  e.start(
      [&](FrameResult&& r) -> MaybeError {
        sink_threads.insert(std::this_thread::get_id());
        seqs.push_back(r.frame.seq);
        return std::nullopt;
      },
      [&](const RunEnd&) {
        end_thread = std::this_thread::get_id();
        ++ends;
      });
  const RunEnd end = e.wait();

  CHECK_FALSE(end.status.has_value());
  CHECK(end.pipeline.reason == EndReason::kEndOfStream);
  CHECK(end.pipeline.frames_processed == test::synthetic_clip().frames);
  REQUIRE(seqs.size() == static_cast<std::size_t>(test::synthetic_clip().frames));
  for (std::size_t i = 0; i < seqs.size(); ++i) CHECK(seqs[i] == i);  // in order, none dropped
  REQUIRE(sink_threads.size() == 1);
  CHECK(*sink_threads.begin() != std::this_thread::get_id());
  CHECK(end_thread == *sink_threads.begin());
  CHECK(ends == 1);
  CHECK(e.processed() == test::synthetic_clip().frames);
  CHECK_FALSE(e.recording());  // closed at the end

  REQUIRE(end.outputs.size() == 1);
  CHECK(end.outputs[0].results_written == test::synthetic_clip().frames);
  CHECK(end.outputs[0].frames_tapped == test::synthetic_clip().frames);
  CHECK(end.outputs[0].video_frames >= test::synthetic_clip().frames);
  CHECK(csv_rows(out.csv_path) >= test::synthetic_clip().frames);  // a row per face, one for a frame without
  std::ifstream summary(out.summary_path);
  const auto j = nlohmann::json::parse(summary);
  CHECK(j["frames"] == test::synthetic_clip().frames);
  CHECK(j["header"]["frames"]["processed"] == test::synthetic_clip().frames);
  CHECK(fs::file_size(out.video_path) > 10000);
}

TEST_CASE("worker_nice lowers the run's own threads, never the caller's (Linux)") {
  // The desktop app's setting (kInteractiveWorkerNice): its UI thread stays first.
  const auto nice_of = [](long tid) { return getpriority(PRIO_PROCESS, static_cast<id_t>(tid)); };
  const long caller = syscall(SYS_gettid);
  const int before = nice_of(caller);
  const std::string dir = test::temp_dir("run_nice");
  RunOptions o = clip_run();
  o.pipeline.worker_nice = 3;
  OutputOptions out;
  out.csv_path = dir + "/run.csv";
  out.video_path = dir + "/run.mkv";
  o.outputs = {out};
  auto engine = RunEngine::open(o, stub());
  REQUIRE(engine.ok());
  int sink_nice = 0;
  int lowered = 0;  // the process's threads at before + 3, counted once in the middle of the run
  engine.value()->start([&](FrameResult&& r) -> MaybeError {
    sink_nice = nice_of(syscall(SYS_gettid));
    if (r.frame.seq == 5) {
      for (const auto& task : fs::directory_iterator("/proc/self/task")) {
        if (nice_of(std::stol(task.path().filename().string())) == before + 3) ++lowered;
      }
    }
    return std::nullopt;
  });
  CHECK_FALSE(engine.value()->wait().status.has_value());
  CHECK(sink_nice == before + 3);  // the output thread
  CHECK(lowered >= 5);             // capture, detect, classify, output and the recording's writer
  CHECK(nice_of(caller) == before);
}

TEST_CASE("a sink's error ends the run with that status") {
  auto engine = RunEngine::open(clip_run(), stub());
  REQUIRE(engine.ok());
  RunEngine& e = *engine.value();
  int calls = 0;
  std::optional<RunEnd> seen;
  e.start(
      [&](FrameResult&&) -> MaybeError {
        if (++calls == 10) return Error{ErrorCode::kOutputNotWritable, "the display went away"};
        return std::nullopt;
      },
      [&](const RunEnd& end) { seen = end; });
  const RunEnd end = e.wait();

  REQUIRE(end.status.has_value());
  CHECK(end.status->code == ErrorCode::kOutputNotWritable);
  CHECK(end.status->message == "the display went away");
  CHECK(end.pipeline.reason == EndReason::kStopped);
  CHECK(calls == 10);  // nothing is delivered after the error
  CHECK(end.pipeline.frames_processed < test::synthetic_clip().frames);
  REQUIRE(seen.has_value());
  REQUIRE(seen->status.has_value());
  CHECK(seen->status->message == "the display went away");
}

TEST_CASE("an output's write error ends the run with that status") {
  const std::string dir = test::temp_dir("run_write_error");
  RunOptions o;
  const long frames = test::synthetic_long_clip().frames;  // made before the file size limit below
  o.source = test::synthetic_long_clip().path;
  OutputOptions out;
  out.video_path = dir + "/run.mkv";
  o.outputs = {out};
  auto engine = RunEngine::open(o, stub());
  REQUIRE(engine.ok());
  // This process may write files of 8 KiB only: the video's first frames fail
  // with EFBIG (SIGXFSZ ignored), as on a full disk.
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
  rlimit small = old;
  small.rlim_cur = 8 * 1024;
  std::signal(SIGXFSZ, SIG_IGN);
  REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  long calls = 0;
  engine.value()->start([&](FrameResult&&) -> MaybeError {
    ++calls;
    return std::nullopt;
  });
  const RunEnd end = engine.value()->wait();
  REQUIRE(setrlimit(RLIMIT_FSIZE, &old) == 0);

  REQUIRE(end.status.has_value());
  CHECK(end.status->code == ErrorCode::kOutputNotWritable);
  CHECK(end.status->message.find("run.mkv") != std::string::npos);
  CHECK(end.pipeline.reason == EndReason::kStopped);
  CHECK(end.pipeline.frames_read < frames);
  CHECK(calls < frames);
}

TEST_CASE("an output that cannot be opened fails the run's opening - a failing classifier fails the run") {
  RunOptions o = clip_run();
  OutputOptions out;
  out.csv_path = test::temp_dir("run_bad_output") + "/missing-folder/run.csv";
  o.outputs = {out};
  auto refused = RunEngine::open(o, stub());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kOutputNotWritable);

  auto engine = RunEngine::open(clip_run(), std::make_shared<test::StubClassifier>(std::chrono::milliseconds(0), true));
  REQUIRE(engine.ok());
  engine.value()->start();
  const RunEnd end = engine.value()->wait();
  CHECK(end.pipeline.reason == EndReason::kFailed);
  CHECK(end.pipeline.message.find("stub failure") != std::string::npos);
  CHECK_FALSE(end.status.has_value());
}

TEST_CASE("the results queue blocks - a slow sink loses nothing and stop() ends the run at once") {
  auto engine = RunEngine::open(clip_run(), stub());
  REQUIRE(engine.ok());
  RunEngine& e = *engine.value();
  long calls = 0;
  e.start([&](FrameResult&&) -> MaybeError {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return std::nullopt;
  });
  const RunEnd end = e.wait();
  CHECK(calls == test::synthetic_clip().frames);
  CHECK(end.pipeline.frames_dropped == 0);

  auto stopped = RunEngine::open(clip_run(), stub());
  REQUIRE(stopped.ok());
  long seen = 0;
  stopped.value()->start([&](FrameResult&&) -> MaybeError {
    ++seen;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return std::nullopt;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const RunEnd stop_end = stopped.value()->stop();
  CHECK(stop_end.pipeline.reason == EndReason::kStopped);
  CHECK_FALSE(stop_end.status.has_value());
  CHECK(seen < test::synthetic_clip().frames);
}
