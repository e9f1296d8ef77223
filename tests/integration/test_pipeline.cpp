// The pipeline end to end on real video files: file mode (every frame, in
// order, back-pressure), live mode (newest frame only, drops counted), stable
// IDs, clean shutdown at any moment, and classifier failures. The clips are
// made at test time (test::synthetic_clip()); only the truncated-file case
// reads ../shared.
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "emoscope/pipeline.hpp"
#include "stub_classifier.hpp"
#include "test_support.hpp"

using namespace emoscope;

namespace {

std::unique_ptr<Pipeline> make_pipeline(const std::string& video, PipelineOptions options,
                                        std::unique_ptr<Classifier> classifier = nullptr, bool live_pacing = false) {
  auto source = open_source(video, live_pacing);
  REQUIRE(source.ok());
  auto detector = create_face_detector({});
  REQUIRE(detector.ok());
  if (!classifier) {
    auto c = load_classifier(test::test_model("tiny.pt"), {DeviceChoice::kCpu, 1, true});
    REQUIRE(c.ok());
    classifier = std::move(c).value();
  }
  return std::make_unique<Pipeline>(std::move(source).value(), std::move(detector).value(), std::move(classifier),
                                    options);
}

struct Collected {
  std::mutex mutex;
  std::vector<FrameResult> results;
};

// Share of faces that overlap a face in the previous frame and keep its ID.
double id_stability(const std::vector<FrameResult>& results) {
  long kept = 0, continued = 0;
  for (std::size_t i = 1; i < results.size(); ++i) {
    for (const TrackedFace& f : results[i].faces) {
      for (const TrackedFace& p : results[i - 1].faces) {
        if (iou(f.box, p.box) > 0.3f) {
          ++continued;
          if (f.id == p.id) ++kept;
          break;
        }
      }
    }
  }
  return continued > 0 ? static_cast<double>(kept) / continued : 0.0;
}

}  // namespace

TEST_CASE("file mode processes every frame in order - each result matched to its frame") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  for (int detect_every : {1, 5}) {
    PipelineOptions o;
    o.mode = PipelineMode::kFile;
    o.detect_every = detect_every;
    auto p = make_pipeline(clip.path, o);
    Collected c;
    p->start([&](FrameResult&& r) {
      std::lock_guard<std::mutex> lock(c.mutex);
      c.results.push_back(std::move(r));
    });
    const PipelineEnd end = p->wait();
    INFO("detect_every " << detect_every);
    CHECK(end.reason == EndReason::kEndOfStream);
    CHECK(end.frames_read == clip.frames);
    CHECK(end.frames_processed == clip.frames);
    CHECK(end.frames_dropped == 0);
    REQUIRE(c.results.size() == static_cast<std::size_t>(clip.frames));
    int with_face = 0;
    for (std::size_t i = 0; i < c.results.size(); ++i) {
      CHECK(c.results[i].frame.seq == i);
      if (i < 100) CHECK(c.results[i].frame.time.ms() == Approx(i * 40.0).margin(0.5));
      if (!c.results[i].faces.empty()) ++with_face;
      for (const TrackedFace& f : c.results[i].faces) {
        CHECK(f.smoothed.size() == 2);
        CHECK(f.box.x >= 0);
        CHECK(f.box.br().x <= clip.width + 0.5f);
        // YuNet's (the default detector's) score, also on frames whose box was carried over.
        CHECK(f.face_score > 0.0f);
        CHECK(f.face_score <= 1.0f);
      }
    }
    // One face is on screen the whole clip.
    CHECK(with_face >= 100);
    const double stability = id_stability(c.results);
    WARN("ID stability (detect_every " << detect_every << "): " << stability);
    CHECK(stability >= 0.95);
  }
}

TEST_CASE("file mode with --every N processes every Nth frame") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  PipelineOptions o;
  o.analyze_every = 4;
  auto p = make_pipeline(clip.path, o);
  std::vector<std::uint64_t> seqs;
  p->start([&](FrameResult&& r) { seqs.push_back(r.frame.seq); });
  const PipelineEnd end = p->wait();
  CHECK(end.frames_read == clip.frames);
  REQUIRE(seqs.size() == static_cast<std::size_t>((clip.frames + 3) / 4));
  for (std::size_t i = 0; i < seqs.size(); ++i) CHECK(seqs[i] == i * 4);
}

TEST_CASE("a slow sink applies back-pressure in file mode - nothing is dropped") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  PipelineOptions o;
  o.queue_capacity = 2;
  auto p = make_pipeline(clip.path, o, std::make_unique<test::StubClassifier>(std::chrono::milliseconds(1)));
  long n = 0;
  p->start([&](FrameResult&&) {
    ++n;
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  });
  const PipelineEnd end = p->wait();
  CHECK(n == clip.frames);
  CHECK(end.frames_dropped == 0);
}

TEST_CASE("live mode keeps only the newest frame and counts what it drops") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  PipelineOptions o;
  o.mode = PipelineMode::kLive;
  // 80 ms per frame on the display path (a slow sink) against a 25 fps (40 ms)
  // source: about half must go. (A slow model no longer holds frames up: below.)
  auto p = make_pipeline(clip.path, o, std::make_unique<test::StubClassifier>(std::chrono::milliseconds(1)),
                         /*live_pacing=*/true);
  std::vector<std::uint64_t> seqs;
  std::vector<std::uint64_t> dropped_seen;
  std::vector<double> latency;
  p->start([&](FrameResult&& r) {
    seqs.push_back(r.frame.seq);
    dropped_seen.push_back(r.dropped_so_far);
    latency.push_back(r.times.total);
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
  });
  const PipelineEnd end = p->wait();
  CHECK(end.reason == EndReason::kEndOfStream);
  CHECK(end.frames_read == clip.frames);
  CHECK(end.frames_dropped > 20);
  CHECK(end.frames_processed < 80);
  // Every frame is either processed or dropped (stages hold at most a few).
  CHECK(end.frames_processed + end.frames_dropped <= end.frames_read);
  CHECK(end.frames_processed + end.frames_dropped >= end.frames_read - 3);
  for (std::size_t i = 1; i < seqs.size(); ++i) CHECK(seqs[i] > seqs[i - 1]);
  CHECK(dropped_seen.back() > 0);
  // Latency stays bounded (no growing backlog): under 4 stage times.
  std::sort(latency.begin(), latency.end());
  CHECK(latency[latency.size() / 2] < 320.0);
}

TEST_CASE("live mode never waits for a slow model - its results land on the frames that follow") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  PipelineOptions o;
  o.mode = PipelineMode::kLive;
  // 80 ms per forward pass against a 25 fps source: were the display to wait,
  // half the frames would be dropped (test above).
  auto p = make_pipeline(clip.path, o, std::make_unique<test::StubClassifier>(std::chrono::milliseconds(80)),
                         /*live_pacing=*/true);
  std::vector<FrameResult> results;
  p->start([&](FrameResult&& r) { results.push_back(std::move(r)); });
  const PipelineEnd end = p->wait();
  CHECK(end.reason == EndReason::kEndOfStream);
  CHECK(end.frames_dropped <= 3);
  REQUIRE(results.size() >= 100);
  std::vector<double> latency;
  long labelled = 0, landed = 0, faces = 0;
  for (const FrameResult& r : results) {
    latency.push_back(r.times.total);
    for (const TrackedFace& f : r.faces) {
      ++faces;
      labelled += f.label >= 0 ? 1 : 0;
      if (f.classified) {
        ++landed;
        CHECK(f.raw == Probabilities{0.7f, 0.3f});
      }
    }
  }
  std::sort(latency.begin(), latency.end());
  CHECK(latency[latency.size() / 2] < 40.0);  // well under one forward pass
  REQUIRE(faces > 100);
  CHECK(labelled >= faces - 10);  // the face is labelled from its first results on
  CHECK(landed >= 10);            // results landed again and again (every ~100 ms)
  CHECK(landed < faces / 2);
}

TEST_CASE("stop() at any moment ends cleanly - without hanging") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  for (int delay_ms : {0, 1, 3, 10, 30, 60}) {
    for (PipelineMode mode : {PipelineMode::kFile, PipelineMode::kLive}) {
      PipelineOptions o;
      o.mode = mode;
      auto p = make_pipeline(test::synthetic_long_clip().path, o,
                             std::make_unique<test::StubClassifier>(std::chrono::milliseconds(2)),
                             mode == PipelineMode::kLive);
      std::atomic<int> n{0};
      PipelineEnd seen;
      std::atomic<bool> ended{false};
      p->start([&](FrameResult&&) { ++n; }, [&](const PipelineEnd& e) {
        seen = e;
        ended = true;
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      const auto start = SteadyClock::now();
      p->stop();
      CHECK(SteadyClock::now() - start < std::chrono::seconds(2));
      CHECK(ended);
      CHECK(seen.reason == EndReason::kStopped);
      CHECK(seen.frames_processed == static_cast<std::uint64_t>(n.load()));
    }
  }
  // Destroying a running pipeline also stops it.
  auto p = make_pipeline(clip.path, {}, std::make_unique<test::StubClassifier>(std::chrono::milliseconds(5)));
  p->start([](FrameResult&&) {});
  p.reset();
  SUCCEED("destroyed while running");
}

TEST_CASE("a classifier failure ends the pipeline with the error") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  auto p = make_pipeline(clip.path, {},
                         std::make_unique<test::StubClassifier>(std::chrono::milliseconds(0), /*fail=*/true));
  p->start([](FrameResult&&) {});
  const PipelineEnd end = p->wait();
  CHECK(end.reason == EndReason::kFailed);
  CHECK_THAT(end.message, Catch::Contains("stub failure"));
}

TEST_CASE("the truncated video ends with a read error after all decodable frames") {
  REQUIRE_SHARED_DATA();
  auto p = make_pipeline(test::shared_path("videos/Syzygy126_Liveness_test.avi"), {}, std::make_unique<test::StubClassifier>(std::chrono::milliseconds(0)));
  long n = 0;
  p->start([&](FrameResult&&) { ++n; });
  const PipelineEnd end = p->wait();
  CHECK(end.reason == EndReason::kReadError);
  CHECK(n == 88);
  CHECK_THAT(end.message, Catch::Contains("88 of 221"));
}

namespace {

// No faces, instantly: the stress test below is about threads, not detection.
class NoFaceDetector final : public FaceDetector {
 public:
  const char* name() const override { return "none"; }
  std::vector<Detection> detect(const cv::Mat&) override { return {}; }
};

}  // namespace

TEST_CASE("stop() - wait() and the destructor from several threads at once - 1000 runs without a hang") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  const std::string video = clip.path;
  int clean = 0;
  for (int run = 0; run < 1000; ++run) {
    auto source = open_source(video);
    REQUIRE(source.ok());
    PipelineOptions o;
    o.mode = run % 2 ? PipelineMode::kLive : PipelineMode::kFile;
    auto p = std::make_unique<Pipeline>(std::move(source).value(), std::make_unique<NoFaceDetector>(),
                                        std::make_unique<test::StubClassifier>(std::chrono::milliseconds(0)), o);
    if (run % 5 != 4) p->start([](FrameResult&&) {});  // every fifth run is never started
    const auto start = SteadyClock::now();
    std::atomic<int> ended{0};
    std::thread stopper([&] { p->stop(); ++ended; });
    std::thread waiter([&] { p->wait(); ++ended; });
    std::thread second_stopper([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(run % 7 * 100));
      p->stop();
      ++ended;
    });
    stopper.join();
    waiter.join();
    second_stopper.join();
    p.reset();  // the destructor stops and joins again: nothing left to join
    if (ended == 3 && SteadyClock::now() - start < std::chrono::seconds(5)) ++clean;
  }
  CHECK(clean == 1000);
}

TEST_CASE("still images are each processed on their own - no boxes - IDs or smoothing carried between them") {
  // Real photos: the astronaut, the astronaut with the mouth turned upside down
  // (same face place, another expression), the astronaut again.
  const cv::Mat astronaut = cv::imread(test::astronaut_photo(), cv::IMREAD_COLOR);
  REQUIRE_FALSE(astronaut.empty());
  auto finder = create_face_detector({});
  REQUIRE(finder.ok());
  const auto found = (*finder)->detect(astronaut);
  REQUIRE(found.size() == 1);
  const cv::Rect box = cv::Rect(found[0].box) & cv::Rect(0, 0, astronaut.cols, astronaut.rows);
  cv::Mat changed = astronaut.clone();
  const cv::Rect mouth(box.x + box.width / 4, box.y + box.height * 62 / 100, box.width / 2, box.height * 30 / 100);
  cv::flip(astronaut(mouth), changed(mouth), 0);
  const std::string dir = test::temp_dir("still-images");
  REQUIRE(cv::imwrite(dir + "/a.png", astronaut));
  REQUIRE(cv::imwrite(dir + "/b.png", changed));
  REQUIRE(cv::imwrite(dir + "/c.png", astronaut));

  auto source = open_source(dir);
  REQUIRE(source.ok());
  auto detector = create_face_detector({});
  REQUIRE(detector.ok());
  auto classifier = load_classifier(test::source_path("models/happy_sad.pt"), {DeviceChoice::kCpu, 1, true});
  REQUIRE(classifier.ok());
  PipelineOptions o;
  o.detect_every = 10;            // would carry boxes between timed frames
  o.tracker.smoothing_ms = 5000;  // would hold the first image's probabilities
  o.tracker.max_gap_ms = 1e9;
  Pipeline p(std::move(source).value(), std::move(detector).value(), std::move(classifier).value(), o);
  std::vector<FrameResult> results;
  p.start([&](FrameResult&& r) { results.push_back(std::move(r)); });
  REQUIRE(p.wait().reason == EndReason::kEndOfStream);
  REQUIRE(results.size() == 3);
  std::set<int> ids;
  for (const FrameResult& r : results) {
    CHECK_FALSE(r.frame.time.is_set());
    CHECK(r.times.detected);
    REQUIRE(r.faces.size() == 1);
    CHECK(r.faces[0].smoothed == r.faces[0].raw);
    ids.insert(r.faces[0].id);
  }
  CHECK(ids.size() == 3);
  // The changed face reads differently, and the astronaut after it reads exactly
  // as the first time: nothing of image b stayed with its face.
  CHECK(std::abs(results[1].faces[0].raw[0] - results[0].faces[0].raw[0]) > 0.2f);
  // Equal to the last bit or two: the three faces share one forward pass, and a
  // face's place in the batch (and the buffer's alignment) can change the last
  // bit of a sum (measured: 9.3e-9 on p_sad); image b moved them by > 0.2.
  REQUIRE(results[2].faces[0].smoothed.size() == results[0].faces[0].smoothed.size());
  for (std::size_t k = 0; k < results[0].faces[0].smoothed.size(); ++k)
    CHECK(results[2].faces[0].smoothed[k] == Approx(results[0].faces[0].smoothed[k]).margin(1e-6));
  CHECK(results[2].faces[0].box == results[0].faces[0].box);
}

namespace {

std::vector<FrameResult> run_file(const std::string& video, PipelineOptions options) {
  auto classifier = load_classifier(test::source_path("models/happy_neutral_sad.pt"), {DeviceChoice::kCpu, 1, true});
  REQUIRE(classifier.ok());
  auto p = make_pipeline(video, options, std::move(classifier).value());
  std::vector<FrameResult> results;
  p->start([&](FrameResult&& r) { results.push_back(std::move(r)); });
  REQUIRE(p->wait().reason == EndReason::kEndOfStream);
  return results;
}

}  // namespace

TEST_CASE("faces of several frames classified in one batch read as when classified frame by frame") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  PipelineOptions one;
  one.batch_frames = 1;
  PipelineOptions grouped = one;
  grouped.batch_frames = 8;
  grouped.queue_capacity = 16;
  const auto a = run_file(clip.path, one);
  const auto b = run_file(clip.path, grouped);
  REQUIRE(a.size() == static_cast<std::size_t>(clip.frames));
  REQUIRE(b.size() == a.size());
  long faces = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(b[i].frame.seq == a[i].frame.seq);
    REQUIRE(b[i].faces.size() == a[i].faces.size());
    for (std::size_t k = 0; k < a[i].faces.size(); ++k) {
      ++faces;
      CHECK(b[i].faces[k].id == a[i].faces[k].id);
      CHECK(b[i].faces[k].label == a[i].faces[k].label);
      for (std::size_t c = 0; c < a[i].faces[k].smoothed.size(); ++c) {
        CHECK(b[i].faces[k].smoothed[c] == Approx(a[i].faces[k].smoothed[c]).margin(1e-4));
      }
    }
  }
  CHECK(faces > 100);
}

TEST_CASE("with a classify interval a face is classified every few frames and keeps its probabilities between") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  PipelineOptions o;
  o.tracker.classify_interval_ms = 100;  // the clip's frames are 40 ms apart: every third frame
  const auto results = run_file(clip.path, o);
  REQUIRE(results.size() == static_cast<std::size_t>(clip.frames));
  long faces = 0, classified = 0;
  std::map<int, const TrackedFace*> previous;  // by face ID
  std::map<int, double> last_classified_ms;
  for (const FrameResult& r : results) {
    for (const TrackedFace& f : r.faces) {
      ++faces;
      INFO("frame " << r.frame.seq << " face " << f.id);
      const auto before = previous.find(f.id);
      if (f.classified) {
        ++classified;
        CHECK(f.raw.size() == 3);
        if (before != previous.end()) CHECK(r.frame.time.ms() - last_classified_ms[f.id] >= 100.0);
        last_classified_ms[f.id] = r.frame.time.ms();
      } else {
        CHECK(f.raw.empty());
        REQUIRE(before != previous.end());  // a new face is always classified
        CHECK(f.smoothed == before->second->smoothed);
        CHECK(r.frame.time.ms() - last_classified_ms[f.id] < 100.0);
      }
      previous[f.id] = &f;
    }
  }
  CHECK(faces > 100);
  CHECK(classified * 2 < faces);
  CHECK(classified * 4 > faces);
}

TEST_CASE("a shared classifier serves one running pipeline - a second one ends at once with a failure") {
  const test::SyntheticClip& clip = test::synthetic_clip();
  auto shared = std::make_shared<test::StubClassifier>(std::chrono::milliseconds(5));
  const auto make = [&] {
    auto source = open_source(clip.path);
    REQUIRE(source.ok());
    return std::make_unique<Pipeline>(std::move(source).value(), std::make_unique<NoFaceDetector>(), shared,
                                      PipelineOptions{});
  };
  auto first = make();
  auto second = make();
  first->start([](FrameResult&&) {});
  bool second_ended = false;
  second->start([](FrameResult&&) { FAIL("the second pipeline delivered a result"); },
                [&](const PipelineEnd& end) { second_ended = end.reason == EndReason::kFailed; });
  const PipelineEnd refused = second->wait();
  CHECK(second_ended);
  CHECK(refused.reason == EndReason::kFailed);
  CHECK_THAT(refused.message, Catch::Contains("in use by another run"));
  CHECK(first->wait().reason == EndReason::kEndOfStream);
  // Released when the first one's threads joined: a third one runs.
  auto third = make();
  third->start([](FrameResult&&) {});
  CHECK(third->wait().reason == EndReason::kEndOfStream);
}
