#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "emoscope/annotator.hpp"
#include "emoscope/recorder.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

namespace {

long ffprobe_frames(const std::string& path) {
  const std::string cmd = "ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames "
                          "-of csv=p=0 '" + path + "' 2>/dev/null";
  std::FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return -1;
  char buf[64] = {0};
  const bool ok = std::fgets(buf, sizeof(buf), pipe) != nullptr;
  ::pclose(pipe);
  return ok ? std::atol(buf) : -1;
}

// Fields of a CSV line without quoted commas.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields(1);
  for (char c : line) {
    if (c == ',') fields.emplace_back();
    else fields.back() += c;
  }
  return fields;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int mode_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("a recorded session has a playable video - a row per face per frame and a summary") {
  REQUIRE_SHARED_DATA();
  auto source = open_video_file(test::shared_path("videos/justinshenk_fer_test.mp4"));
  REQUIRE(source.ok());
  const SourceInfo info = (*source)->info();
  auto detector = create_face_detector({});  // the default: YuNet, which scores each face
  REQUIRE(detector.ok());
  auto classifier = load_classifier(test::test_model("tiny.pt"), {DeviceChoice::kCpu, 1, true});
  REQUIRE(classifier.ok());
  Pipeline pipeline(std::move(source).value(), std::move(detector).value(), std::move(classifier).value(), {});

  const std::string dir = test::temp_dir("recorder");
  RecorderOptions ro;
  ro.video_path = dir + "/session.mkv";
  ro.csv_path = dir + "/session.csv";
  ro.summary_path = dir + "/session.json";
  ro.fps = info.fps;
  ro.frame_size = info.size;
  ro.labels = {"happy", "sad"};
  ro.model_name = "tiny";
  auto rec = Recorder::open(ro);
  REQUIRE(rec.ok());

  long frames = 0, expected_rows = 0, face_rows = 0;
  Status write_error;
  pipeline.start([&](FrameResult&& r) {
    ++frames;
    expected_rows += std::max<long>(1, static_cast<long>(r.faces.size()));
    face_rows += static_cast<long>(r.faces.size());
    if (Status s = (*rec)->write(r, annotate(r.frame.image, r.faces, ro.labels))) write_error = s;
  });
  pipeline.wait();
  REQUIRE_FALSE(write_error);
  REQUIRE_FALSE((*rec)->finish());
  CHECK(frames == 115);

  CHECK(ffprobe_frames(ro.video_path) == 115);
  const auto csv = lines_of(ro.csv_path);
  REQUIRE(csv.size() == static_cast<std::size_t>(expected_rows + 1));
  CHECK(csv[0] == "time_ms,frame,face_id,x,y,w,h,label,confidence,detected,face_score,p_happy,p_sad");
  CHECK(face_rows > 100);
  // Every frame index 0..114 appears; every face row has YuNet's score in (0, 1].
  std::set<long> seen;
  long scored = 0;
  for (std::size_t i = 1; i < csv.size(); ++i) {
    const std::vector<std::string> fields = split_csv(csv[i]);
    REQUIRE(fields.size() == 13);
    seen.insert(std::stol(fields[1]));
    if (fields[2].empty()) continue;  // a frame without a face
    INFO("row " << i << ": " << csv[i]);
    REQUIRE_FALSE(fields[10].empty());
    const double score = std::stod(fields[10]);
    CHECK(score > 0.0);
    CHECK(score <= 1.0);
    ++scored;
  }
  CHECK(seen.size() == 115);
  CHECK(scored == face_rows);

  std::ifstream in(ro.summary_path);
  const auto summary = nlohmann::json::parse(in);
  CHECK(summary["frames"] == 115);
  REQUIRE(summary["faces"].size() >= 1);
  const auto& first = summary["faces"][0];
  CHECK(first["seconds_seen"].get<double>() > 3.0);
  CHECK(first["label_share"]["happy"].get<double>() + first["label_share"]["sad"].get<double>() == Approx(1.0));

  for (const std::string& p : {ro.video_path, ro.csv_path, ro.summary_path}) CHECK(mode_of(p) == 0600);
}

TEST_CASE("unwritable outputs and a full disk are clear errors") {
  RecorderOptions ro;
  ro.labels = {"a"};
  ro.csv_path = "/nonexistent-folder/out.csv";
  auto missing = Recorder::open(ro);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kOutputNotWritable);
  CHECK_THAT(missing.error().message, Catch::Contains("/nonexistent-folder/out.csv"));

  // A device is refused before anything is written to it (a real full disk, where
  // writes fail with ENOSPC, is in tests/badinput: a small tmpfs).
  ro.csv_path = "/dev/full";
  auto device = Recorder::open(ro);
  REQUIRE_FALSE(device.ok());
  CHECK(device.error().code == ErrorCode::kOutputNotWritable);
  CHECK_THAT(device.error().message, Catch::Contains("character device"));
  CHECK(std::filesystem::exists("/dev/full"));
}

TEST_CASE("a frame without faces still gets a CSV row") {
  const std::string dir = test::temp_dir("recorder-empty");
  RecorderOptions ro;
  ro.csv_path = dir + "/x.csv";
  ro.summary_path = dir + "/x.json";
  ro.labels = {"happy", "sad, really"};
  auto rec = Recorder::open(ro);
  REQUIRE(rec.ok());
  FrameResult r;
  r.frame.seq = 7;
  r.frame.pos_ms = 280;
  REQUIRE_FALSE((*rec)->write(r, {}));
  TrackedFace f;
  f.id = 3;
  f.box = {1, 2, 30, 40};
  f.label = 1;
  f.confidence = 0.75f;
  f.smoothed = {0.25f, 0.75f};
  r.frame.seq = 8;
  r.faces = {f};  // no detector score (Haar): an empty face_score
  REQUIRE_FALSE((*rec)->write(r, {}));
  f.face_score = 0.875f;
  f.detected = false;
  r.frame.seq = 9;
  r.faces = {f};
  REQUIRE_FALSE((*rec)->write(r, {}));
  REQUIRE_FALSE((*rec)->finish());
  const auto csv = lines_of(ro.csv_path);
  REQUIRE(csv.size() == 4);
  CHECK(csv[0] == "time_ms,frame,face_id,x,y,w,h,label,confidence,detected,face_score,p_happy,\"p_sad, really\"");
  CHECK(csv[1] == "280.0,7,,,,,,,,,,,");
  CHECK(csv[2] == "280.0,8,3,1,2,30,40,\"sad, really\",0.7500,1,,0.2500,0.7500");
  CHECK(csv[3] == "280.0,9,3,1,2,30,40,\"sad, really\",0.7500,0,0.8750,0.2500,0.7500");
}
