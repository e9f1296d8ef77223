// emoscope-cli's options take their defaults from core's RunOptions and
// OutputOptions (run.hpp), the same the desktop app starts from
// (tests/gui: AppSettings), and the flags land in those fields.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include "cli_commands.hpp"
#include "test_support.hpp"

using namespace emoscope;
using namespace emoscope::cli;

namespace {

CliOptions parse(std::vector<std::string> args) {
  CLI::App app;
  CliOptions o;
  add_cli_options(app, o);
  std::vector<const char*> argv{"emoscope-cli"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return o;
}

void check_same_output(const OutputOptions& a, const OutputOptions& b) {
  CHECK(a.video_path == b.video_path);
  CHECK(a.csv_path == b.csv_path);
  CHECK(a.summary_path == b.summary_path);
  CHECK(a.video_codec == b.video_codec);
  CHECK(a.replace_existing == b.replace_existing);
  CHECK(a.hud == b.hud);
}

}  // namespace

TEST_CASE("without flags every subcommand runs with RunOptions' defaults") {
  const RunOptions defaults;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"analyze", "clip.mp4"}, {"live"}, {"bench", "--source", "clip.mp4"}, {"predict", "a.jpg"}, {"eval", "dir"}}) {
    INFO(args.front());
    const CliOptions o = parse(args);
    test::check_same_run_settings(o.run, defaults);
    CHECK(o.run.model_path == defaults.model_path);
    CHECK(o.run.detector.model_path == defaults.detector.model_path);
    CHECK(o.run.live == defaults.live);
    CHECK(o.run.min_confidence == defaults.min_confidence);
    check_same_output(o.analyze.output, OutputOptions{});
    check_same_output(o.live.output, OutputOptions{});
  }
  CHECK(parse({"live"}).run.source == defaults.source);
  CHECK(defaults.source == "camera");
  CHECK(parse({"analyze", "clip.mp4"}).run.source == "clip.mp4");
}

TEST_CASE("the run's flags land in RunOptions and OutputOptions") {
  const CliOptions o = parse({"analyze", "clip.mp4", "--detector", "haar", "--device", "cpu", "--threads", "3",
                              "--detect-width", "640", "--min-face", "0.2", "--detect-every", "2", "--smoothing",
                              "100", "--track-gap", "500", "--classify-interval", "200", "--batch-frames", "8", "--motion-threshold", "20",
                              "--every", "3", "--csv", "-", "--video-codec", "mjpeg",
                              "--hud", "--force"});
  CHECK(o.run.detector.kind == DetectorKind::kHaar);
  CHECK(o.run.classifier.device == DeviceChoice::kCpu);
  CHECK(o.run.classifier.threads == 3);
  CHECK(o.run.detector.detect_width == 640);
  CHECK(o.run.detector.min_face_fraction == Approx(0.2f));
  CHECK(o.run.pipeline.detect_every == 2);
  CHECK(o.run.pipeline.tracker.smoothing_ms == 100.0);
  CHECK(o.run.pipeline.tracker.max_gap_ms == 500.0);
  CHECK(o.run.pipeline.tracker.classify_interval_ms == 200.0);
  CHECK(o.run.pipeline.batch_frames == 8);
  CHECK(o.run.pipeline.motion_threshold == 20.0);
  CHECK(o.run.pipeline.analyze_every == 3);
  CHECK(o.analyze.output.csv_path == "-");
  CHECK(o.analyze.output.video_codec == VideoCodec::kMjpeg);
  CHECK(o.analyze.output.hud);
  CHECK(o.analyze.output.replace_existing);
}

TEST_CASE("an unknown detector is a usage error that names the option") {
  try {
    parse({"predict", "--detector", "magic", "a.jpg"});
    FAIL("parsed");
  } catch (const CLI::ParseError& e) {
    CHECK(std::string(e.what()).find("--detector") != std::string::npos);
    CHECK(std::string(e.what()).find("magic") != std::string::npos);
  }
}
