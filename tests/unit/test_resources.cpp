// The shipped models and detector are found beside the running executable (the
// build tree's share/emoscope here), or where EMOSCOPE_DATA_DIR / EMOSCOPE_MODEL say.
#include <filesystem>

#include <catch2/catch.hpp>

#include "emoscope/resources.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

TEST_CASE("shipped files are found relative to the executable") {
  test::ScopedEnv no_data("EMOSCOPE_DATA_DIR", std::nullopt);
  test::ScopedEnv no_model("EMOSCOPE_MODEL", std::nullopt);
  const fs::path exe = executable_path();
  CHECK(exe.filename() == "emoscope_unit_tests");
  // build/<preset>/tests/emoscope_unit_tests -> build/<preset>/share/emoscope
  const fs::path expected = exe.parent_path().parent_path() / "share" / "emoscope";

  auto root = data_dir();
  REQUIRE(root.ok());
  CHECK(fs::path(root.value()) == expected);

  auto model = default_model_path();
  REQUIRE(model.ok());
  CHECK(fs::path(model.value()) == expected / "models" / kDefaultModelFile);
  CHECK(fs::file_size(model.value()) > 1000000);  // the real model, not a stub

  auto yunet = default_yunet_model_path();
  REQUIRE(yunet.ok());
  CHECK(fs::path(yunet.value()) == expected / "detectors" / kYuNetModelFile);
  CHECK(fs::file_size(yunet.value()) == 345478);  // OpenCV model zoo's face_detection_yunet_2022mar.onnx

  auto missing = shipped_file("models", "no_such_model.pt");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kModel);
  CHECK_THAT(missing.error().message, Catch::Contains((expected / "models" / "no_such_model.pt").string()));
}

TEST_CASE("EMOSCOPE_DATA_DIR and EMOSCOPE_MODEL override the lookup") {
  const fs::path dir = test::temp_dir("data-dir");
  fs::create_directories(dir / "models");
  fs::copy_file(test::test_model("tiny.pt"), dir / "models" / kDefaultModelFile);
  test::ScopedEnv no_model("EMOSCOPE_MODEL", std::nullopt);
  {
    test::ScopedEnv data("EMOSCOPE_DATA_DIR", dir.string());
    CHECK(data_dir().value() == dir.string());
    CHECK(default_model_path().value() == (dir / "models" / kDefaultModelFile).string());
    auto yunet = default_yunet_model_path();  // this data folder has no detectors/
    REQUIRE_FALSE(yunet.ok());
    CHECK(yunet.error().code == ErrorCode::kModel);
    CHECK_THAT(yunet.error().message, Catch::Contains((dir / "detectors" / kYuNetModelFile).string()) &&
                                          Catch::Contains("$EMOSCOPE_DATA_DIR"));
    test::ScopedEnv model("EMOSCOPE_MODEL", std::string("/elsewhere/mine.pt"));
    CHECK(default_model_path().value() == "/elsewhere/mine.pt");  // as given: loading reports a missing file
  }
  test::ScopedEnv empty("EMOSCOPE_DATA_DIR", std::string());  // empty counts as unset
  REQUIRE(data_dir().ok());
  CHECK(data_dir().value() != dir.string());
  CHECK(fs::path(data_dir().value()).filename() == "emoscope");
}
