// Batch (batch.hpp): inputs run two at a time with the shipped models on clips
// made here, observer calls one at a time, resuming, stopping and merge.
// Also built under TSan and ASan (scripts/sanitizers.sh).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "emoscope/batch.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

namespace {

const char* kAstronaut = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";

// A clip of a face drifting across a grey frame (mp4v in .mp4).
void make_clip(const std::string& path, int frames, int shift) {
  cv::Mat face = cv::imread(kAstronaut);
  REQUIRE_FALSE(face.empty());
  cv::resize(face, face, cv::Size(200, 200));
  cv::VideoWriter out(path, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 10.0, cv::Size(320, 240));
  REQUIRE(out.isOpened());
  for (int i = 0; i < frames; ++i) {
    cv::Mat canvas(240, 320, CV_8UC3, cv::Scalar(90, 90, 90));
    face.copyTo(canvas(cv::Rect(10 + (shift + 4 * i) % 100, 20, 200, 200)));
    out.write(canvas);
  }
}

std::string make_study(const std::string& name) {
  const std::string dir = test::temp_dir(name);
  fs::create_directories(dir + "/in/sub");
  make_clip(dir + "/in/a.mp4", 12, 0);
  make_clip(dir + "/in/b.mp4", 10, 30);
  make_clip(dir + "/in/sub/c.mp4", 8, 60);
  std::ofstream(dir + "/in/broken.mp4") << "not a video";
  return dir;
}

// Counts the calls and checks that no two overlap.
class Recording final : public BatchObserver {
 public:
  void on_item_start(const BatchInput&, long) override { enter(); ++starts; leave(); }
  void on_item_frames(const BatchInput&, long) override { enter(); ++frames; leave(); }
  void on_item_end(const BatchItem& item) override { enter(); ends[item.input.key] = item.status; leave(); }
  std::atomic<int> inside{0}, overlaps{0};
  long starts = 0, frames = 0;
  std::map<std::string, BatchStatus> ends;

 private:
  void enter() {
    if (++inside > 1) ++overlaps;
  }
  void leave() { --inside; }
};

long lines(const std::string& path) {
  std::ifstream in(path);
  long n = 0;
  for (std::string l; std::getline(in, l);) n += !l.empty();
  return n;
}

}  // namespace

TEST_CASE("batch: two inputs at a time, a broken one failing alone, then a rerun that skips") {
  const std::string dir = make_study("batch_run");
  auto inputs = collect_batch_inputs({dir + "/in"}, "", dir + "/out");
  REQUIRE(inputs.ok());
  REQUIRE(inputs->size() == 4);
  CHECK(inputs->at(3).key == "sub/c");
  BatchOptions bo;
  bo.out_dir = dir + "/out";
  bo.jobs = 2;
  RunOptions run;
  Recording seen;
  auto report = run_batch(run, bo, inputs.value(), &seen);
  REQUIRE(report.ok());
  CHECK(report->count(BatchStatus::kDone) == 3);
  CHECK(report->count(BatchStatus::kFailed) == 1);
  CHECK(seen.overlaps == 0);
  CHECK(seen.starts == 3);
  CHECK(seen.frames == 12 + 10 + 8);
  CHECK(seen.ends.at("broken") == BatchStatus::kFailed);
  for (const char* key : {"a", "b", "sub/c"}) {
    CHECK(fs::exists(bo.out_dir + "/" + key + "/frames.csv"));
    CHECK(fs::exists(bo.out_dir + "/" + key + "/done.json"));
  }
  CHECK(lines(bo.out_dir + "/manifest-0of1.jsonl") == 4);

  auto again = run_batch(run, bo, inputs.value());
  REQUIRE(again.ok());
  CHECK(again->count(BatchStatus::kSkipped) == 3);
  CHECK(again->count(BatchStatus::kFailed) == 1);  // tried again
  CHECK(lines(bo.out_dir + "/manifest-0of1.jsonl") == 8);

  auto merged = merge_batch(bo.out_dir);
  REQUIRE(merged.ok());
  CHECK(merged->inputs == 4);
  CHECK(merged->done == 3);
  CHECK(merged->failed == 1);
  CHECK(merged->people_rows >= 3);
}

TEST_CASE("batch: a stop leaves the running inputs unfinished and starts no more") {
  const std::string dir = make_study("batch_stop");
  auto inputs = collect_batch_inputs({dir + "/in"}, "", dir + "/out");
  REQUIRE(inputs.ok());
  BatchOptions bo;
  bo.out_dir = dir + "/out";
  bo.jobs = 2;
  std::atomic<int> polls{0};
  auto report = run_batch(RunOptions{}, bo, inputs.value(), nullptr, [&] { return ++polls > 3; });
  REQUIRE(report.ok());
  CHECK(report->count(BatchStatus::kInterrupted) >= 2);
  for (const auto& entry : fs::recursive_directory_iterator(bo.out_dir))
    CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
}
