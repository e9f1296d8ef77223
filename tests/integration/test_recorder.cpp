#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "emoscope/annotator.hpp"
#include "emoscope/people.hpp"
#include "emoscope/recorder.hpp"
#include "emoscope/run.hpp"
#include "emoscope/version.hpp"
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
  MaybeError write_error;
  pipeline.start([&](FrameResult&& r) {
    ++frames;
    expected_rows += std::max<long>(1, static_cast<long>(r.faces.size()));
    face_rows += static_cast<long>(r.faces.size());
    if (MaybeError s = (*rec)->write(r, annotate(r.frame.image, r.faces, ro.labels))) write_error = s;
  });
  pipeline.wait();
  REQUIRE_FALSE(write_error);
  REQUIRE_FALSE((*rec)->finish());
  CHECK(frames == 115);

  CHECK(ffprobe_frames(ro.video_path) == 115);
  const auto csv = lines_of(ro.csv_path);
  REQUIRE(csv.size() == static_cast<std::size_t>(expected_rows + 1));
  CHECK(csv[0] == "time_ms,time_s,frame,image,success,face_id,person_id,person,x,y,w,h,label,confidence,detected,classified,face_score,p_happy,p_sad");
  CHECK(face_rows > 100);
  // Every frame index 0..114 appears; every face row has YuNet's score in (0, 1].
  std::set<long> seen;
  long scored = 0;
  for (std::size_t i = 1; i < csv.size(); ++i) {
    const std::vector<std::string> fields = split_csv(csv[i]);
    REQUIRE(fields.size() == 19);
    const long frame = std::stol(fields[2]);
    seen.insert(frame);
    // time_s is time_ms in seconds; the clip runs at 25 fps.
    CHECK(std::stod(fields[1]) == Approx(std::stod(fields[0]) / 1000.0).margin(1e-4));
    if (frame < 100) CHECK(std::stod(fields[0]) == Approx(frame * 40.0).margin(0.5));
    CHECK(fields[3].empty());  // not an image source
    if (fields[5].empty()) {  // a frame without a face
      CHECK(fields[4] == "0");
      continue;
    }
    CHECK(fields[4] == "1");
    INFO("row " << i << ": " << csv[i]);
    REQUIRE_FALSE(fields[16].empty());
    const double score = std::stod(fields[16]);
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
  CHECK(first["seconds_seen"].get<double>() <= summary["duration_s"].get<double>() + 1e-9);
  // From the frames' own timestamps (the CSV's), not 115 / the container's nominal
  // rate: each frame lasts until the next, the last one the mean interval.
  std::map<long, double> times;
  for (std::size_t i = 1; i < csv.size(); ++i) {
    const std::vector<std::string> fields = split_csv(csv[i]);
    times[std::stol(fields[2])] = std::stod(fields[0]);
  }
  const double span_ms = times.rbegin()->second - times.begin()->second;
  CHECK(summary["duration_s"].get<double>() == Approx(span_ms / 1000.0 * 115 / 114).margin(0.001));
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
  r.frame.time = SourceTime::from_ms(280);
  r.times.detected = true;
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
  f.classified = false;  // probabilities carried from an earlier frame
  r.frame.seq = 9;
  r.faces = {f};
  REQUIRE_FALSE((*rec)->write(r, {}));
  REQUIRE_FALSE((*rec)->finish());
  const auto csv = lines_of(ro.csv_path);
  REQUIRE(csv.size() == 4);
  CHECK(csv[0] == "time_ms,time_s,frame,image,success,face_id,person_id,person,x,y,w,h,label,confidence,detected,classified,face_score,p_happy,"
                  "\"p_sad, really\"");
  CHECK(csv[1] == "280.0,0.2800,7,,0,,,,,,,,,,1,,,,");
  CHECK(csv[2] == "280.0,0.2800,8,,1,3,,,1,2,30,40,\"sad, really\",0.7500,1,1,,0.2500,0.7500");
  CHECK(csv[3] == "280.0,0.2800,9,,1,3,,,1,2,30,40,\"sad, really\",0.7500,0,0,0.8750,0.2500,0.7500");
}

namespace {

FrameResult face_frame(std::uint64_t seq, SourceTime time, std::vector<std::pair<int, int>> faces,
                       std::uint64_t dropped = 0) {
  FrameResult r;
  r.frame.seq = seq;
  r.frame.time = time;
  r.dropped_so_far = dropped;
  for (const auto& [id, label] : faces) {
    TrackedFace f;
    f.id = id;
    f.box = {0, 0, 10, 10};
    f.label = label;
    f.confidence = 0.5f;
    f.smoothed = label == 0 ? Probabilities{0.75f, 0.25f} : Probabilities{0.25f, 0.75f};
    r.faces.push_back(f);
  }
  return r;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("summary durations come from frame timestamps - dropped frames keep their time") {
  const std::string dir = test::temp_dir("recorder-times");
  RecorderOptions ro;
  ro.summary_path = dir + "/s.json";
  ro.labels = {"happy", "sad"};
  ro.run.source.fps = 25.0;  // nominal: frames / fps would say 4 frames = 0.16 s
  auto rec = Recorder::open(ro);
  REQUIRE(rec.ok());
  // Four processed frames at 0, 100, 200 and 600 ms (frames between were dropped).
  // Face 1 (happy, then sad) is in all four; face 2 only in the second.
  const std::vector<double> times{0, 100, 200, 600};
  const std::vector<std::vector<std::pair<int, int>>> faces{
      {{1, 0}}, {{1, 0}, {2, 1}}, {{1, 1}}, {{1, 1}}};
  for (std::size_t i = 0; i < times.size(); ++i)
    REQUIRE_FALSE((*rec)->write(face_frame(i * 3, SourceTime::from_ms(times[i]), faces[i], i * 2), {}));
  REQUIRE_FALSE((*rec)->finish());
  const auto j = read_json(ro.summary_path);
  // Each frame lasts until the next; the last one the mean interval (600 / 3 ms).
  const double tail = (times.back() - times.front()) / (times.size() - 1);
  CHECK(j["duration_s"].get<double>() == Approx((times.back() - times.front() + tail) / 1000.0));
  REQUIRE(j["faces"].size() == 2);
  const auto& one = j["faces"][0];
  CHECK(one["id"] == 1);
  CHECK(one["frames"] == 4);
  CHECK(one["seconds_seen"].get<double>() == Approx((times.back() - times.front() + tail) / 1000.0));
  CHECK(one["first_seen_s"].get<double>() == Approx(times.front() / 1000.0));
  CHECK(one["last_seen_s"].get<double>() == Approx(times.back() / 1000.0));
  // happy for 0..200 ms, sad for 200..800 ms: shares of time, not of frames (2 and 2).
  const double happy = (times[2] - times[0]) / 1000.0;
  const double sad = (times[3] - times[2] + tail) / 1000.0;
  CHECK(one["label_share"]["happy"].get<double>() == Approx(happy / (happy + sad)));
  CHECK(one["label_share"]["sad"].get<double>() == Approx(sad / (happy + sad)));
  CHECK(one["dominant_label"] == "sad");
  const auto& two = j["faces"][1];
  CHECK(two["seconds_seen"].get<double>() == Approx((times[2] - times[1]) / 1000.0));
  // Frame counts from the sequence numbers and drop counters: seq 0..9 read, 4 processed, 6 dropped.
  CHECK(j["header"]["frames"]["processed"] == 4);
  CHECK(j["header"]["frames"]["read"] == 10);
  CHECK(j["header"]["frames"]["dropped"] == 6);
  CHECK(j["header"]["frames"]["skipped"] == 0);
  CHECK(j["frames"] == 4);
}

TEST_CASE("still images have no time - empty time columns - null durations - shares of frames") {
  const std::string dir = test::temp_dir("recorder-images");
  RecorderOptions ro;
  ro.csv_path = dir + "/s.csv";
  ro.summary_path = dir + "/s.json";
  ro.labels = {"happy", "sad"};
  ro.run.source.kind = SourceKind::kImages;
  auto rec = Recorder::open(ro);
  REQUIRE(rec.ok());
  FrameResult a = face_frame(0, SourceTime::unset(), {{1, 0}});
  a.frame.origin = "faces/a, b.png";
  FrameResult b = face_frame(1, SourceTime::unset(), {});
  b.frame.origin = "faces/c.png";
  REQUIRE_FALSE((*rec)->write(a, {}));
  REQUIRE_FALSE((*rec)->write(b, {}));
  REQUIRE_FALSE((*rec)->finish());
  const auto csv = lines_of(ro.csv_path);
  REQUIRE(csv.size() == 3);
  CHECK(csv[1].rfind(",,0,\"faces/a, b.png\",1,1,", 0) == 0);
  CHECK(csv[2].rfind(",,1,faces/c.png,0,", 0) == 0);
  const auto j = read_json(ro.summary_path);
  CHECK(j["duration_s"].is_null());
  CHECK(j["header"]["source"]["kind"] == "images");
  CHECK(j["header"]["source"]["fps"].is_null());
  REQUIRE(j["faces"].size() == 1);
  CHECK(j["faces"][0]["seconds_seen"].is_null());
  CHECK(j["faces"][0]["first_seen_s"].is_null());
  CHECK(j["faces"][0]["label_share"]["happy"].get<double>() == 1.0);
}

TEST_CASE("the summary starts with a header describing the run") {
  REQUIRE_SHARED_DATA();
  auto source = open_video_file(test::shared_path("videos/justinshenk_fer_test.mp4"));
  REQUIRE(source.ok());
  DetectorOptions d;  // YuNet, shipped model
  auto detector = create_face_detector(d);
  REQUIRE(detector.ok());
  const std::string model = test::test_model("tiny.pt");
  auto classifier = load_classifier(model, {DeviceChoice::kCpu, 1, true});
  REQUIRE(classifier.ok());
  PipelineOptions po;
  po.detect_every = 3;
  po.tracker.smoothing_ms = 123;
  Pipeline pipeline(std::move(source).value(), std::move(detector).value(), std::move(classifier).value(), po);
  const std::string dir = test::temp_dir("recorder-header");
  RecorderOptions ro = recorder_options_for(pipeline, d, model);
  ro.summary_path = dir + "/s.json";
  auto rec = Recorder::open(ro);
  REQUIRE(rec.ok());
  pipeline.start([&](FrameResult&& r) { REQUIRE_FALSE((*rec)->write(r, {})); });
  const PipelineEnd end = pipeline.wait();
  (*rec)->set_end(end);
  REQUIRE_FALSE((*rec)->finish());
  const auto j = read_json(ro.summary_path);
  // nlohmann::json sorts keys on parsing: the order is checked on the text.
  std::ifstream in(ro.summary_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("\"header\"") < text.find("\"faces\""));
  const auto& h = j["header"];
  CHECK(h["app"]["version"] == version());
  CHECK(h["model"]["name"] == pipeline.model_spec().name);
  CHECK(h["model"]["version"] == pipeline.model_spec().version);
  CHECK(h["model"]["labels"] == pipeline.model_spec().labels);
  CHECK(h["model"]["file"] == model);
  CHECK(h["detector"]["kind"] == "yunet");
  CHECK(fs::path(h["detector"]["model_file"].get<std::string>()).filename() == "face_detection_yunet_2022mar.onnx");
  CHECK(h["detector"]["score_threshold"].get<double>() == Approx(d.score_threshold));
  CHECK(h["processing"]["detect_every"] == 3);
  CHECK(h["processing"]["smoothing_ms"].get<double>() == 123.0);
  CHECK(h["source"]["name"] == test::shared_path("videos/justinshenk_fer_test.mp4"));
  CHECK(h["source"]["frame_size"] == std::vector<int>{pipeline.source_info().size.width,
                                                      pipeline.source_info().size.height});
  CHECK(h["source"]["fps"].get<double>() == Approx(pipeline.source_info().fps));
  CHECK(h["frames"]["read"] == end.frames_read);
  CHECK(h["frames"]["processed"] == end.frames_processed);
  CHECK(h["frames"]["dropped"] == 0);
  // ISO 8601 with the UTC offset: 2026-12-01T14:17:53+00:00.
  const std::string start = h["start_time"];
  REQUIRE(start.size() == 25);
  CHECK(start[10] == 'T');
  CHECK((start[19] == '+' || start[19] == '-'));
  CHECK(start[22] == ':');
}

TEST_CASE("identities settle before the files: a person merged within settle_ms is written as the person it joined") {
  const std::string dir = test::temp_dir("recorder-settle");
  auto people = std::make_shared<People>(0.44f);
  auto view = [](int axis) {
    Embedding e(128, 0.0f);
    e[axis] = 1.0f;
    return e;
  };
  const int kept = people->add_person(view(0));
  const int fresh = people->add_person(view(1));  // a second person, folded into the first below
  people->rename(kept, "Ada");
  RecorderOptions ro;
  ro.csv_path = dir + "/s.csv";
  ro.summary_path = dir + "/s.json";
  ro.labels = {"happy", "sad"};
  ro.people = people;
  ro.settle_ms = 1000;
  auto rec = Recorder::open(ro);
  REQUIRE(rec.ok());
  // 25 frames a second for 4 s; face 1 is `fresh` until the merge at 1.2 s,
  // then the tracker reports `kept`. Frames older than 1 s are written by then.
  for (int i = 0; i < 100; ++i) {
    const double ms = i * 40.0;
    if (ms == 1200.0) {
      CHECK(lines_of(ro.csv_path).size() == 1 + 5);  // the header and 0..160 ms: the rest wait
      people->merge(kept, fresh);
    }
    FrameResult r = face_frame(i, SourceTime::from_ms(ms), {{1, 0}});
    r.faces[0].person_id = ms < 1200.0 ? fresh : kept;
    r.faces[0].person_name = ms < 1200.0 ? "" : "Ada";
    REQUIRE_FALSE((*rec)->write(r, {}));
  }
  REQUIRE_FALSE((*rec)->finish());  // writes the frames still held
  const auto csv = lines_of(ro.csv_path);
  REQUIRE(csv.size() == 101);
  std::map<std::string, int> rows_of;  // person_id -> rows
  for (std::size_t i = 1; i < csv.size(); ++i) ++rows_of[split_csv(csv[i])[6] + "/" + split_csv(csv[i])[7]];
  // The 5 rows written before the merge keep `fresh`; every later one reads Ada.
  CHECK(rows_of[std::to_string(fresh) + "/"] == 5);
  CHECK(rows_of[std::to_string(kept) + "/Ada"] == 95);
  const auto j = read_json(ro.summary_path);
  REQUIRE(j["people"].size() == 2);
  CHECK(j["people"][0]["id"] == kept);
  CHECK(j["people"][0]["frames"] == 95);
  CHECK(j["people"][1]["frames"] == 5);
}

TEST_CASE("without people nothing waits: every frame's rows are written at once") {
  const std::string dir = test::temp_dir("recorder-no-settle");
  RecorderOptions ro;
  ro.csv_path = dir + "/s.csv";
  ro.labels = {"happy", "sad"};
  ro.settle_ms = 1000;  // no People: nothing to settle
  auto rec = Recorder::open(ro);
  REQUIRE(rec.ok());
  for (int i = 0; i < 10; ++i) REQUIRE_FALSE((*rec)->write(face_frame(i, SourceTime::from_ms(i * 40.0), {{1, 0}}), {}));
  CHECK(lines_of(ro.csv_path).size() == 11);
  REQUIRE_FALSE((*rec)->finish());
}
