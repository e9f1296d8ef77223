// The classifier with real TorchScript models: the shipped ones (checked
// against reference tensors and probabilities computed by the Python training
// code) and tiny ones built by tests/tools/make_test_models.py.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "emoscope/classifier.hpp"
#include "emoscope/resources.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

TEST_CASE("a valid tiny model loads - validates and classifies a batch") {
  auto c = load_classifier(test::test_model("tiny.pt"), {DeviceChoice::kCpu, 1, true});
  REQUIRE(c.ok());
  CHECK((*c)->spec().labels == std::vector<std::string>{"happy", "sad"});
  CHECK((*c)->device_name() == "cpu");
  cv::Mat image(100, 100, CV_8UC3, cv::Scalar(90, 120, 200));
  Batch batch = make_batch(image, {{10, 10, 40, 40}, {50, 50, 40, 40}, {0, 0, 100, 100}}, (*c)->spec());
  auto probs = (*c)->classify(batch);
  REQUIRE(probs.ok());
  REQUIRE(probs->size() == 3);
  for (const auto& p : probs.value()) {
    REQUIRE(p.size() == 2);
    CHECK(p[0] + p[1] == Approx(1.0f).margin(1e-5));
    CHECK(p[0] >= 0.0f);
  }
  auto empty = (*c)->classify(Batch{});
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("a prior shift scales one probability and renormalises the row") {
  Probabilities p{0.2f, 0.5f, 0.3f};
  shift_prior(p, 1, 0.25f);  // neutral's 0.5 -> 0.125, total 0.625
  CHECK(p[0] == Approx(0.32f));
  CHECK(p[1] == Approx(0.2f));
  CHECK(p[2] == Approx(0.48f));
  Probabilities same{0.2f, 0.5f, 0.3f};
  shift_prior(same, 1, 1.0f);
  CHECK(same == Probabilities{0.2f, 0.5f, 0.3f});
  Probabilities out_of_range{0.6f, 0.4f};
  shift_prior(out_of_range, 5, 0.5f);
  CHECK(out_of_range == Probabilities{0.6f, 0.4f});
}

TEST_CASE("the neutral prior shifts the shipped three-class model by Bayes' rule, and no model without neutral") {
  const std::string model = test::source_path("models/happy_neutral_sad.pt");
  auto plain = load_classifier(model, {DeviceChoice::kCpu, 1, true});
  ClassifierOptions options{DeviceChoice::kCpu, 1, true};
  options.neutral_prior = 0.25f;
  auto shifted = load_classifier(model, options);
  REQUIRE(plain.ok());
  REQUIRE(shifted.ok());
  CHECK((*plain)->neutral_prior() == 1.0f);
  CHECK((*shifted)->neutral_prior() == 0.25f);
  const cv::Mat photo = cv::imread(test::astronaut_photo());
  REQUIRE_FALSE(photo.empty());
  // Crops of all kinds (face, uniform, texture) so neutral's share varies.
  const std::vector<cv::Rect2f> boxes{{170, 60, 110, 110}, {0, 0, 60, 60}, {300, 300, 150, 150}, {100, 200, 200, 200}};
  const Batch batch = make_batch(photo, boxes, (*plain)->spec());
  auto p = (*plain)->classify(batch);
  auto q = (*shifted)->classify(batch);
  REQUIRE(p.ok());
  REQUIRE(q.ok());
  const std::size_t neutral = 1;
  REQUIRE((*plain)->spec().labels[neutral] == "neutral");
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    INFO("box " << i);
    const Probabilities& a = p->at(i);
    const Probabilities& b = q->at(i);
    const double total = 0.25 * a[neutral] + (1.0 - a[neutral]);
    for (std::size_t k = 0; k < a.size(); ++k) {
      const double expected = (k == neutral ? 0.25 * a[k] : a[k]) / total;
      CHECK(b[k] == Approx(expected).margin(1e-5));
    }
  }
  (*shifted)->set_neutral_prior(1.0f);  // back to the model's own probabilities
  auto r = (*shifted)->classify(batch);
  REQUIRE(r.ok());
  for (std::size_t i = 0; i < boxes.size(); ++i) CHECK(r->at(i)[neutral] == Approx(p->at(i)[neutral]).margin(1e-6));

  auto tiny = load_classifier(test::test_model("tiny.pt"), options);  // happy, sad: nothing to shift
  auto tiny_plain = load_classifier(test::test_model("tiny.pt"), {DeviceChoice::kCpu, 1, true});
  REQUIRE(tiny.ok());
  REQUIRE(tiny_plain.ok());
  const Batch small = make_batch(photo, boxes, (*tiny)->spec());
  CHECK((*tiny)->classify(small).value() == (*tiny_plain)->classify(small).value());
}

TEST_CASE("an RGB model with three labels works the same way") {
  auto c = load_classifier(test::test_model("tiny_rgb.pt"), {DeviceChoice::kCpu, 1, false});
  REQUIRE(c.ok());
  cv::Mat image(64, 64, CV_8UC3, cv::Scalar(10, 200, 30));
  auto probs = (*c)->classify(make_whole_image_batch(image, (*c)->spec()));
  REQUIRE(probs.ok());
  CHECK(probs->at(0).size() == 3);
}

TEST_CASE("broken models are refused with a clear model error") {
  struct Case {
    std::string file, needle;
  };
  for (const Case& k : {Case{"no_metadata.pt", "no embedded emoscope.json"},
                        Case{"label_mismatch.pt", "differs from 3 labels"},
                        Case{"bad_metadata.pt", "not valid JSON"},
                        Case{"not_torchscript.pt", "not a TorchScript model"},
                        Case{"does_not_exist.pt", "file not found"}}) {
    INFO(k.file);
    auto c = load_classifier(test::test_model(k.file));
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::kModel);
    CHECK_THAT(c.error().message, Catch::Contains(k.needle));
  }
  auto folder = load_classifier(test::source_path("models"));
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().code == ErrorCode::kModel);
}

TEST_CASE("asking for CUDA without CUDA is a clear error - auto falls back to CPU") {
  if (cuda_available()) {
    WARN("CUDA present: the fallback case does not apply");
    return;
  }
  auto c = load_classifier(test::test_model("tiny.pt"), {DeviceChoice::kCuda, 1, true});
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message, Catch::Contains("CUDA"));
  auto a = load_classifier(test::test_model("tiny.pt"), {DeviceChoice::kAuto, 1, true});
  REQUIRE(a.ok());
  CHECK((*a)->device_name() == "cpu");
}

TEST_CASE("C++ preprocessing and inference match the Python reference (shipped models)") {
  const fs::path ref_dir = test::source_path("models/reference");
  int checked = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(ref_dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    const nlohmann::json ref = nlohmann::json::parse(in);
    if (!ref.contains("image")) continue;  // face_embedder.json: test_identity.cpp
    INFO(entry.path().filename().string());
    const std::string model_path = test::source_path("models/" + ref["model"].get<std::string>());
    auto c = load_classifier(model_path, {DeviceChoice::kCpu, 2, true});
    REQUIRE(c.ok());
    const cv::Mat image = cv::imread((ref_dir / ref["image"].get<std::string>()).string(), cv::IMREAD_COLOR);
    REQUIRE_FALSE(image.empty());

    Batch batch;
    if (ref["whole_image"].get<bool>()) {
      batch = make_whole_image_batch(image, (*c)->spec());
    } else {
      std::vector<cv::Rect2f> boxes;
      for (const auto& b : ref["boxes"]) boxes.emplace_back(b[0].get<float>(), b[1].get<float>(), b[2].get<float>(), b[3].get<float>());
      batch = make_batch(image, boxes, (*c)->spec());
    }
    const auto shape = ref["shape"].get<std::vector<int>>();
    REQUIRE(std::vector<int>{batch.n, batch.c, batch.h, batch.w} == shape);
    const auto expected = ref["tensor"].get<std::vector<float>>();
    REQUIRE(expected.size() == batch.data.size());
    double max_diff = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) max_diff = std::max(max_diff, double(std::abs(expected[i] - batch.data[i])));
    CHECK(max_diff <= 1e-5);

    auto probs = (*c)->classify(batch);
    REQUIRE(probs.ok());
    const auto expected_probs = ref["probabilities"].get<std::vector<std::vector<float>>>();
    REQUIRE(expected_probs.size() == probs->size());
    double max_prob_diff = 0;
    for (std::size_t i = 0; i < expected_probs.size(); ++i)
      for (std::size_t k = 0; k < expected_probs[i].size(); ++k)
        max_prob_diff = std::max(max_prob_diff, double(std::abs(expected_probs[i][k] - probs->at(i).at(k))));
    CHECK(max_prob_diff <= 1e-4);
    ++checked;
  }
  CHECK(checked >= 1);
}

TEST_CASE("the default model is the shipped happy / neutral / sad model") {
  if (std::getenv("EMOSCOPE_MODEL") != nullptr) {
    WARN("SKIPPED: EMOSCOPE_MODEL is set, so the default model is overridden");
    return;
  }
  const auto path = default_model_path();
  REQUIRE(path.ok());
  CHECK(fs::path(path.value()).filename() == "happy_neutral_sad.pt");
  auto c = load_classifier(path.value(), {DeviceChoice::kCpu, 1, true});
  REQUIRE(c.ok());
  CHECK((*c)->spec().labels == std::vector<std::string>{"happy", "neutral", "sad"});
}
