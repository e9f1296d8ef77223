// RunOptions' one resolve step (run_options.hpp): the machine's defaults filled
// in, every range checked with the setting named, and the one naming rule for
// recordings that the CLI and the app share.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "emoscope/resources.hpp"
#include "emoscope/run_options.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

TEST_CASE("resolve fills the model, embedder and detector files once") {
  const Result<RunOptions> resolved = resolve(RunOptions{});
  REQUIRE(resolved.ok());
  CHECK(resolved->model_path == default_model_path().value());
  CHECK(resolved->identity.model_path == default_embedder_path().value());
  CHECK(resolved->detector.model_path == default_yunet_model_path().value());
  // Idempotent, and given files are kept as given.
  RunOptions mine;
  mine.model_path = "/elsewhere/model.pt";
  mine.identity.enabled = false;
  mine.detector.kind = DetectorKind::kHaar;
  const Result<RunOptions> again = resolve(mine);
  REQUIRE(again.ok());
  CHECK(again->model_path == "/elsewhere/model.pt");
  CHECK(again->identity.model_path.empty());  // identities off: no embedder needed
  CHECK(fs::path(again->detector.model_path).filename() == "haarcascade_frontalface_default.xml");
  CHECK(resolve(again.value())->detector.model_path == again->detector.model_path);
  // SSD has no default file: the error names the setting.
  RunOptions ssd;
  ssd.detector.kind = DetectorKind::kSsd;
  const Result<RunOptions> refused = resolve(ssd);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kModel);
  CHECK(refused.error().setting == Setting::kDetectorModelFile);
}

TEST_CASE("a bare model name that is no file here names a shipped model; a file here wins") {
  RunOptions bare;
  bare.identity.model_path = "faceres.pt";
  bare.model_path = "seven_emotions.pt";
  const Result<RunOptions> resolved = resolve(bare);
  REQUIRE(resolved.ok());
  CHECK(resolved->identity.model_path == shipped_file("models", "faceres.pt").value());
  CHECK(resolved->model_path == shipped_file("models", "seven_emotions.pt").value());
  // Neither here nor shipped: kept as given, so that loading it says what is wrong.
  RunOptions missing;
  missing.identity.model_path = "no-such-embedder.pt";
  CHECK(run_embedder_file(missing).value() == "no-such-embedder.pt");
  // A file of that name in the working folder is the one meant.
  const fs::path dir = test::temp_dir("bare-model-names");
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  std::ofstream("faceres.pt") << "not a model";
  const std::string here = run_embedder_file(bare).value();
  fs::current_path(before);
  CHECK(here == "faceres.pt");
}

TEST_CASE("resolve refuses a value out of its range and names the setting") {
  struct Case {
    const char* what;
    void (*set)(RunOptions&);
    Setting setting;
  };
  const Case cases[] = {
      {"detect_every 0", [](RunOptions& o) { o.pipeline.detect_every = 0; }, Setting::kDetectEvery},
      {"detect_every 101", [](RunOptions& o) { o.pipeline.detect_every = limits::kDetectEvery.max + 1; },
       Setting::kDetectEvery},
      {"every 0", [](RunOptions& o) { o.pipeline.analyze_every = 0; }, Setting::kAnalyzeEvery},
      {"min_confidence 1.5", [](RunOptions& o) { o.min_confidence = 1.5f; }, Setting::kMinConfidence},
      {"min_confidence NaN", [](RunOptions& o) { o.min_confidence = std::nanf(""); }, Setting::kMinConfidence},
      {"neutral prior 0", [](RunOptions& o) { o.classifier.neutral_prior = 0; }, Setting::kNeutralPrior},
      {"neutral prior NaN", [](RunOptions& o) { o.classifier.neutral_prior = std::nanf(""); }, Setting::kNeutralPrior},
      {"smoothing -1", [](RunOptions& o) { o.pipeline.tracker.smoothing_ms = -1; }, Setting::kSmoothing},
      {"detect width 10", [](RunOptions& o) { o.detector.detect_width = 10; }, Setting::kDetectWidth},
      {"batch frames 0", [](RunOptions& o) { o.pipeline.batch_frames = 0; }, Setting::kBatchFrames},
      {"identity threshold 11", [](RunOptions& o) { o.identity.threshold = 11; }, Setting::kIdentityThreshold},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    RunOptions o;
    c.set(o);
    const Result<RunOptions> r = resolve(o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kUsage);
    CHECK(r.error().setting == c.setting);
    CHECK_THAT(r.error().message, Catch::Contains("must be between"));
  }
  // Every default is inside its own range.
  CHECK(resolve(RunOptions{}).ok());
}

TEST_CASE("recordings are named by one rule - never overwritten - in a private new folder") {
  const std::string root = test::temp_dir("recordings");
  const std::string folder = root + "/new/recordings";
  const std::time_t now = 1767225600;  // a fixed moment: the name depends only on it and what exists
  const Result<std::string> first = next_recording_base(folder, now);
  REQUIRE(first.ok());
  CHECK(fs::is_directory(folder));
  CHECK((fs::status(folder).permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK(fs::path(first.value()).parent_path() == fs::path(folder));
  CHECK_THAT(fs::path(first.value()).filename().string(), Catch::StartsWith("session-20"));
  CHECK(next_recording_base(folder, now).value() == first.value());  // nothing written yet
  std::ofstream(first.value() + ".csv") << "taken";
  const Result<std::string> second = next_recording_base(folder, now);
  REQUIRE(second.ok());
  CHECK(second.value() == first.value() + "-2");
  std::ofstream(root + "/a-file") << "x";
  const Result<std::string> refused = next_recording_base(root + "/a-file", now);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().setting == Setting::kRecordingFolder);
  CHECK(refused.error().code == ErrorCode::kOutputNotWritable);
}
