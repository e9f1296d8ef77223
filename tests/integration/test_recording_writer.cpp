// Recordings keep real time (issue 12, item 3): a pipeline starved by a slow
// classifier (~10 results/s) on a 30 fps source played live drops frames for
// processing, while the recording keeps every captured frame, each drawn with
// the newest result at or before it, and lasts as long as the time recorded
// (within one frame). `--every 3` output keeps the source's duration. Gaps in a
// source's time are filled by repeating the frame before them; a pause stops
// the recording's clock.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "emoscope/annotator.hpp"
#include "emoscope/pipeline.hpp"
#include "emoscope/recorder.hpp"
#include "emoscope/run.hpp"
#include "emoscope/recording_writer.hpp"
#include "stub_classifier.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

namespace {

constexpr double kFps = 30.0;
constexpr int kClipFrames = 120;  // 4 s at 30 fps

// A 30 fps clip (the shared clips are 25 and 29.97 fps): the hamilton clip's
// first 120 frames at 640x360, MJPG in AVI. Made once per test run.
std::string clip_30fps() {
  static const std::string path = [] {
    const std::string out = test::temp_dir("recording_writer_clip") + "/clip30.avi";
    cv::VideoCapture in(test::shared_path("videos/ageitgey_face_recognition_short_hamilton_clip.mp4"));
    REQUIRE(in.isOpened());
    cv::VideoWriter writer(out, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), kFps, {640, 360});
    REQUIRE(writer.isOpened());
    cv::Mat frame, small;
    for (int i = 0; i < kClipFrames && in.read(frame); ++i) {
      cv::resize(frame, small, {640, 360}, 0, 0, cv::INTER_AREA);
      writer.write(small);
    }
    return out;
  }();
  return path;
}

struct VideoFacts {
  long frames = 0;
  double fps = 0;
  double seconds() const { return fps > 0 ? frames / fps : 0; }
};

VideoFacts read_video(const std::string& path) {
  VideoFacts v;
  cv::VideoCapture cap(path, cv::CAP_FFMPEG);
  REQUIRE(cap.isOpened());
  v.fps = cap.get(cv::CAP_PROP_FPS);
  cv::Mat frame;
  while (cap.read(frame)) ++v.frames;
  return v;
}

// Distinct frame numbers in a recorder CSV (column `frame`, the third).
std::set<long> csv_frames(const std::string& path) {
  std::ifstream in(path);
  std::set<long> frames;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::size_t a = line.find(',');
    a = line.find(',', a + 1);
    const std::size_t b = line.find(',', a + 1);
    frames.insert(std::stol(line.substr(a + 1, b - a - 1)));
  }
  return frames;
}

struct Run {
  PipelineEnd end;
  RecordingWriter::Stats stats;
  std::vector<std::uint64_t> processed;                          // seqs of the results
  std::vector<SteadyClock::time_point> captured;                 // capture stamps of the results
  std::vector<std::pair<std::uint64_t, std::int64_t>> drawn;     // frame seq, latest result seq (-1: none)
  double wall_s = 0;
  std::string base;
};

// Callers check REQUIRE_SHARED_DATA() first. `delay`: each result takes this
// long, in the classifier (file mode) or on the display path (live mode, where
// the classifier runs beside the display and no longer holds frames up).
Run record(const std::string& name, PipelineMode mode, int every, std::chrono::milliseconds delay) {
  auto source = open_video_file(clip_30fps(), /*live_pacing=*/mode == PipelineMode::kLive);
  REQUIRE(source.ok());
  REQUIRE(source.value()->info().fps == Approx(kFps));
  auto detector = create_face_detector({});
  REQUIRE(detector.ok());
  PipelineOptions po;
  po.mode = mode;
  po.analyze_every = every;
  Pipeline pipeline(std::move(source).value(), std::move(detector).value(),
                    std::make_shared<test::StubClassifier>(mode == PipelineMode::kLive ? std::chrono::milliseconds(0) : delay),
                    po);

  Run run;
  run.base = test::temp_dir("recording_writer_" + name) + "/session";
  DetectorOptions d;
  RecorderOptions ro = recorder_options_for(pipeline, d, "");
  ro.video_path = run.base + ".mkv";
  ro.csv_path = run.base + ".csv";
  ro.summary_path = run.base + ".json";
  auto recorder = Recorder::open(ro);
  REQUIRE(recorder.ok());
  std::mutex mutex;
  const std::vector<std::string> labels = pipeline.model_spec().labels;
  RecordingWriter::Options wo;
  wo.analyze_every = every;
  auto writer = std::make_shared<RecordingWriter>(
      std::move(recorder).value(), true, ro.fps,
      [&](const cv::Mat& image, const FrameResult* latest) {
        // The frame being drawn is the one the Recorder writes next: find its
        // seq from the count of frames drawn so far (frames arrive in order).
        std::lock_guard<std::mutex> lock(mutex);
        run.drawn.emplace_back(0, latest ? static_cast<std::int64_t>(latest->frame.seq) : -1);
        return annotate(image, latest ? latest->faces : std::vector<TrackedFace>{}, labels);
      },
      wo);
  const auto start = SteadyClock::now();
  pipeline.start(
      [&](FrameResult&& r) {
        {
          std::lock_guard<std::mutex> lock(mutex);
          run.processed.push_back(r.frame.seq);
          run.captured.push_back(r.frame.captured);
        }
        writer->on_result(r);
        if (mode == PipelineMode::kLive) std::this_thread::sleep_for(delay);
      },
      {}, writer);
  run.end = pipeline.wait();
  run.wall_s = std::chrono::duration<double>(SteadyClock::now() - start).count();
  REQUIRE_FALSE(writer->finish(&run.end).has_value());
  run.stats = writer->stats();
  for (std::size_t i = 0; i < run.drawn.size(); ++i) run.drawn[i].first = i;  // seqs 0.. in order, none missing
  return run;
}

}  // namespace

TEST_CASE("a live recording keeps every captured frame and real time while processing drops frames") {
  REQUIRE_SHARED_DATA();
  // ~10 results/s against a 30 fps source played like a camera.
  const Run run = record("live", PipelineMode::kLive, 1, std::chrono::milliseconds(100));
  CHECK(run.end.reason == EndReason::kEndOfStream);
  CHECK(run.end.frames_read == kClipFrames);
  INFO("processed " << run.end.frames_processed << ", dropped " << run.end.frames_dropped << ", wall "
                    << run.wall_s << " s");
  CHECK(run.end.frames_dropped > 30);                 // the preview / processing dropped frames
  CHECK(run.end.frames_processed < kClipFrames / 2);  // starved: about a third processed
  // The recording has all of them, each once: nothing repeated, nothing ahead.
  CHECK(run.stats.frames_tapped == kClipFrames);
  CHECK(run.stats.video_frames == kClipFrames);
  CHECK(run.stats.repeated_frames == 0);
  CHECK(run.stats.ahead_frames == 0);
  const VideoFacts video = read_video(run.base + ".mkv");
  CHECK(video.frames == kClipFrames);
  CHECK(video.fps == Approx(kFps).epsilon(0.001));
  // Its duration is the source time recorded within one frame, and the clip
  // played live: its processed frames were captured no faster than the source
  // time between them (slower only where the machine could not keep up, as
  // under ThreadSanitizer). Wall time around the run adds start-up and encoder
  // flush, seconds under the sanitizers, so it only bounds the video above.
  CHECK(std::abs(video.seconds() - kClipFrames / kFps) <= 1 / kFps);
  REQUIRE(run.processed.size() >= 2);
  const double capture_span_s =
      std::chrono::duration<double>(run.captured.back() - run.captured.front()).count();
  const double source_span_s = (run.processed.back() - run.processed.front()) / kFps;
  CHECK(capture_span_s >= source_span_s - 0.05);
  CHECK(video.seconds() <= run.wall_s + 1 / kFps);  // nothing invented beyond the run
  // Every frame drawn with the newest result at or before it.
  const std::set<std::uint64_t> processed(run.processed.begin(), run.processed.end());
  REQUIRE(run.drawn.size() == static_cast<std::size_t>(kClipFrames));
  for (const auto& [seq, latest] : run.drawn) {
    const auto after = processed.upper_bound(seq);
    const std::int64_t expected = after == processed.begin() ? -1 : static_cast<std::int64_t>(*std::prev(after));
    INFO("frame " << seq);
    CHECK(latest == expected);
  }
  // The CSV lists the processed frames, each once; the summary counts both.
  const std::set<long> rows = csv_frames(run.base + ".csv");
  CHECK(rows.size() == run.end.frames_processed);
  CHECK(static_cast<long>(rows.size()) == run.stats.results_written);
  std::ifstream in(run.base + ".json");
  const nlohmann::json summary = nlohmann::json::parse(in);
  CHECK(summary["header"]["frames"]["video"] == kClipFrames);
  CHECK(summary["header"]["frames"]["processed"] == run.end.frames_processed);
  CHECK(summary["header"]["frames"]["dropped"] == run.end.frames_dropped);
  // Durations come from timestamps: the processed frames span the clip; the
  // last one counts for the mean interval between processed ones (~0.1 s here).
  const double mean_interval_s = kClipFrames / kFps / static_cast<double>(run.end.frames_processed);
  CHECK(summary["duration_s"].get<double>() == Approx(kClipFrames / kFps).margin(mean_interval_s + 2 / kFps));
}

TEST_CASE("an --every 3 analysis keeps the source's duration in its video") {
  REQUIRE_SHARED_DATA();
  const Run run = record("every3", PipelineMode::kFile, 3, std::chrono::milliseconds(0));
  CHECK(run.end.reason == EndReason::kEndOfStream);
  CHECK(run.end.frames_processed == kClipFrames / 3);
  const VideoFacts video = read_video(run.base + ".mkv");
  CHECK(video.frames == kClipFrames);
  CHECK(std::abs(video.seconds() - kClipFrames / kFps) <= 1 / kFps);
  CHECK(csv_frames(run.base + ".csv").size() == static_cast<std::size_t>(kClipFrames / 3));
  // Frames between processed ones carry the previous processed frame's faces.
  for (const auto& [seq, latest] : run.drawn) {
    INFO("frame " << seq);
    CHECK(latest == static_cast<std::int64_t>(seq - seq % 3));
  }
}

TEST_CASE("gaps in time are filled by repeating frames - a pause stops the recording's clock") {
  const std::string base = test::temp_dir("recording_writer_gaps") + "/session";
  RecorderOptions ro;
  ro.video_path = base + ".mkv";
  ro.csv_path = base + ".csv";
  ro.fps = 10.0;
  ro.frame_size = {64, 48};
  ro.labels = {"happy", "sad"};
  auto recorder = Recorder::open(ro);
  REQUIRE(recorder.ok());
  RecordingWriter writer(std::move(recorder).value(), true, ro.fps, {}, {});
  std::uint64_t seq = 0;
  const auto frame_at = [&](double ms) {
    Frame f;
    f.image = cv::Mat(48, 64, CV_8UC3, cv::Scalar(static_cast<double>(seq % 255), 0, 0));
    f.seq = seq++;
    f.time = SourceTime::from_ms(ms);
    return f;
  };
  // 1 s at 10 fps with frames missing at 300-500 ms (a camera that stalled),
  // then 200 ms paused (not recorded), then 300 ms more.
  for (double ms : {0.0, 100.0, 200.0, 600.0, 700.0, 800.0, 900.0}) writer.on_frame(frame_at(ms));
  writer.set_paused(true);
  writer.on_frame(frame_at(1000.0));
  writer.on_frame(frame_at(1100.0));
  writer.set_paused(false);
  for (double ms : {1200.0, 1300.0, 1400.0}) writer.on_frame(frame_at(ms));
  writer.on_results_end();
  REQUIRE_FALSE(writer.finish().has_value());
  const RecordingWriter::Stats s = writer.stats();
  CHECK(s.frames_tapped == 10);
  CHECK(s.discarded_frames == 2);
  CHECK(s.repeated_frames == 3);  // 300, 400, 500 ms hold the 200 ms frame
  CHECK(s.video_frames == 13);     // 1.0 s before the pause + 0.3 s after
  CHECK(read_video(base + ".mkv").frames == 13);
}

TEST_CASE("stopping a run whose recording blocks capture ends cleanly - queued frames are written") {
  const std::string base = test::temp_dir("recording_writer_stop") + "/session";
  RecorderOptions ro;
  ro.video_path = base + ".mkv";
  ro.fps = 30.0;
  ro.frame_size = {64, 48};
  ro.labels = {"happy", "sad"};
  auto recorder = Recorder::open(ro);
  REQUIRE(recorder.ok());
  RecordingWriter::Options wo;
  wo.capacity = 4;
  auto writer = std::make_shared<RecordingWriter>(std::move(recorder).value(), true, ro.fps,
                                                  RecordingWriter::Draw{}, wo);
  // No result ever comes: frames wait for one, the queue fills and capture blocks
  // until results end (as Pipeline::stop() says).
  std::thread capture([&] {
    for (std::uint64_t i = 0; i < 10; ++i) {
      Frame f;
      f.image = cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(0));
      f.seq = i;
      f.time = SourceTime::from_ms(i * 1000.0 / 30);
      writer->on_frame(f);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(writer->stats().capture_waits == 1);
  writer->on_results_end();
  capture.join();
  REQUIRE_FALSE(writer->finish().has_value());
  CHECK(writer->stats().video_frames == 10);
  CHECK(writer->stats().waited_ms > 50);
}
