// The HTML report (report.hpp) from files written at test time: a real H.264 video
// (core's FFmpeg writer, a keyframe every second) whose two "faces" change grey level
// with the frame number, and the summary and CSV of a run over it, in the documented
// formats. Checks that each thumbnail is cut from the frame the summary or CSV names
// (after real seeks), that people, names and warnings are in the page, that an existing
// output is kept, that broken inputs are errors, and that two reports written at once
// (no shared state) are the same.
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <openssl/evp.h>

#include "emoscope/report.hpp"
#include "emoscope/video_writer.hpp"
#include "test_support.hpp"

using namespace emoscope;
namespace fs = std::filesystem;

namespace {

constexpr int kFrames = 150;  // 6 s at 25 fps
constexpr double kFps = 25;
const cv::Rect kBox1(100, 60, 80, 80), kBox2(300, 60, 80, 80);

// The two faces' grey levels in frame k: they tell which frame a thumbnail came from.
double level1(int k) { return 20 + 1.4 * k; }
double level2(int k) { return 230 - 1.4 * k; }

double bump(int k, int at) { return std::exp(-std::pow((k - at) / 6.0, 2)); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Files {
  fs::path dir, video, csv, summary;
};

// The video, then the CSV and summary of a run over it: person 1 is happiest at frame 97 and
// saddest at 31 (portrait at 120); person 2, "Ada", is most neutral at 75, with no portrait in
// the summary (the report picks her surest, largest detected view: frame 60).
Files make_run(const std::string& name) {
  Files f;
  f.dir = fs::path(test::temp_dir(name));
  f.video = f.dir / "clip.mkv";
  f.csv = f.dir / "run.csv";
  f.summary = f.dir / "run.json";
  VideoWriterOptions vo;
  vo.path = f.video.string();
  vo.frame_size = cv::Size(480, 240);
  vo.fps = kFps;
  auto writer = open_video_writer(vo);
  REQUIRE(writer.ok());
  for (int k = 0; k < kFrames; ++k) {
    cv::Mat frame(240, 480, CV_8UC3, cv::Scalar(128, 128, 128));
    frame(kBox1).setTo(cv::Scalar::all(level1(k)));
    frame(kBox2).setTo(cv::Scalar::all(level2(k)));
    REQUIRE_FALSE((*writer)->write(frame, SourceTime::from_ms(k * 1000.0 / kFps)));
  }
  REQUIRE_FALSE((*writer)->close());

  std::ofstream csv(f.csv);
  csv << "time_ms,time_s,frame,image,success,face_id,person_id,person,x,y,w,h,label,confidence,detected,classified,"
         "face_score,p_happy,p_neutral,p_sad\n";
  const char* labels[] = {"happy", "neutral", "sad"};
  for (int k = 0; k < kFrames; ++k) {
    for (int person = 1; person <= 2; ++person) {
      double p[3];
      if (person == 1) {
        p[0] = 0.1 + 0.85 * bump(k, 97), p[2] = 0.1 + 0.8 * bump(k, 31), p[1] = 0.2;
      } else {
        p[0] = 0.2, p[1] = 0.1 + 0.85 * bump(k, 75), p[2] = 0.2;
      }
      const double sum = p[0] + p[1] + p[2];
      int best = 0;
      for (int i = 0; i < 3; ++i) {
        p[i] /= sum;
        if (p[i] > p[best]) best = i;
      }
      const cv::Rect& b = person == 1 ? kBox1 : kBox2;
      const double score = person == 2 && k == 60 ? 0.99 : 0.9;
      char row[400];
      std::snprintf(row, sizeof(row), "%.1f,%.4f,%d,,1,%d,%d,%s,%d,%d,%d,%d,%s,%.4f,%d,1,%.4f,%.4f,%.4f,%.4f\n",
                    k * 40.0, k * 0.04, k, person, person, person == 2 ? "Ada" : "", b.x, b.y, b.width, b.height,
                    labels[best], p[best], k % 5 == 0 ? 1 : 0, score, p[0], p[1], p[2]);
      csv << row;
    }
  }
  csv.close();

  nlohmann::ordered_json s;
  s["header"] = {{"format", "emoscope-summary"},
                 {"format_version", 2},
                 {"app", {{"name", "emoscope"}, {"version", "0.1.0"}}},
                 {"start_time", "2026-12-01T14:17:53+01:00"},
                 {"source", {{"kind", "video"}, {"name", f.video.string()}, {"frame_size", {480, 240}}, {"fps", kFps},
                             {"frame_count", kFrames}}},
                 {"model", {{"name", "test_model"}, {"version", "9.9"}, {"labels", {"happy", "neutral", "sad"}},
                            {"file", nullptr}, {"neutral_prior", 1.0}}},
                 {"detector", nullptr},
                 {"processing", {{"mode", "file"}, {"device", "cpu"}}},
                 {"identity", {{"embedder", {{"name", "face_embedder"}}}, {"join_distance", 0.55}}},
                 {"frames", {{"read", kFrames}, {"processed", kFrames}, {"dropped", 0}, {"skipped", 0}, {"video", 0}}}};
  s["frames"] = kFrames;
  s["duration_s"] = kFrames / kFps;
  s["faces"] = nlohmann::ordered_json::array();
  auto person = [&](int id, nlohmann::ordered_json portrait, nlohmann::ordered_json name) {
    return nlohmann::ordered_json{{"id", id}, {"name", name}, {"tracks", {id}}, {"portrait", portrait},
                                  {"frames", kFrames}, {"seconds_seen", kFrames / kFps}, {"first_seen_s", 0.0},
                                  {"last_seen_s", (kFrames - 1) / kFps}, {"mean_confidence", 0.6},
                                  {"label_share", {{"happy", 0.25}, {"neutral", 0.5}, {"sad", 0.25}}},
                                  {"dominant_label", "neutral"}};
  };
  s["people"] = {person(1, {{"frame", 120}, {"time_ms", 4800.0}, {"box", {kBox1.x, kBox1.y, kBox1.width, kBox1.height}}}, nullptr),
                 person(2, nullptr, "Ada")};
  std::ofstream(f.summary) << s.dump(1);
  return f;
}

// The base64 JPEGs of a person's section, in page order: the portrait, then one per label.
std::vector<cv::Mat> section_images(const std::string& html, const std::string& key) {
  const auto start = html.find("id=\"person-" + key + "\"");
  REQUIRE(start != std::string::npos);
  const auto end = html.find("</section>", start);
  std::vector<cv::Mat> images;
  const std::string mark = "data:image/jpeg;base64,";
  for (auto at = html.find(mark, start); at != std::string::npos && at < end; at = html.find(mark, at + 1)) {
    const auto from = at + mark.size();
    const std::string b64 = html.substr(from, html.find('"', from) - from);
    std::vector<unsigned char> bytes(b64.size());
    const int n = EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
    REQUIRE(n > 0);
    bytes.resize(static_cast<std::size_t>(n));
    images.push_back(cv::imdecode(bytes, cv::IMREAD_GRAYSCALE));
    REQUIRE_FALSE(images.back().empty());
  }
  return images;
}

// The grey level at a thumbnail's centre (the face, with a margin around it).
double centre(const cv::Mat& grey) {
  const cv::Rect c(grey.cols * 2 / 5, grey.rows * 2 / 5, grey.cols / 5, grey.rows / 5);
  return cv::mean(grey(c))[0];
}

}  // namespace

TEST_CASE("report: a run's page, thumbnails from the frames named, after seeks in H.264") {
  const Files f = make_run("report-run");
  const fs::path out = f.dir / "run.report.html";
  auto stats = write_report(f.summary, out);
  REQUIRE(stats.ok());
  CHECK(stats->inputs == 1);
  CHECK(stats->people == 2);
  CHECK(stats->bytes == fs::file_size(out));
  CHECK(stats->warnings.empty());
  const std::string html = read_text(out);
  CHECK(html.find("Ada (P2)") != std::string::npos);
  CHECK(html.find("test_model 9.9") != std::string::npos);
  CHECK(html.find("id=\"warnings\"") == std::string::npos);

  const auto p1 = section_images(html, "P1");
  REQUIRE(p1.size() == 4);  // portrait + happy, neutral, sad
  // 1.4 grey levels a frame: within 4 levels is within 3 frames (H.264 and JPEG blur the levels a little).
  CHECK(centre(p1[0]) == Approx(level1(120)).margin(4));  // the summary's portrait frame
  CHECK(centre(p1[1]) == Approx(level1(97)).margin(4));   // happiest
  CHECK(centre(p1[3]) == Approx(level1(31)).margin(4));   // saddest
  CHECK(html.find("happy 0.") != std::string::npos);
  CHECK(html.find("at 0:03.9") != std::string::npos);  // frame 97 at 25 fps
  const auto p2 = section_images(html, "P2");
  REQUIRE(p2.size() == 4);
  CHECK(centre(p2[0]) == Approx(level2(60)).margin(4));  // no portrait in the summary: the surest view
  CHECK(centre(p2[2]) == Approx(level2(75)).margin(4));  // most neutral
}

TEST_CASE("report: an existing output is kept unless replacing is asked for") {
  const Files f = make_run("report-replace");
  const fs::path out = f.dir / "mine.html";
  std::ofstream(out) << "mine";
  auto refused = write_report(f.summary, out);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kOutputNotWritable);
  CHECK(refused.error().setting == Setting::kReplaceExisting);
  CHECK(read_text(out) == "mine");
  ReportOptions replace;
  replace.replace_existing = true;
  REQUIRE(write_report(f.summary, out, replace).ok());
  CHECK(read_text(out).rfind("<!DOCTYPE html>", 0) == 0);
  auto self = write_report(f.summary, f.summary, replace);  // never over its own input
  REQUIRE_FALSE(self.ok());
  CHECK(self.error().code == ErrorCode::kOutputNotWritable);
}

TEST_CASE("report: broken and partial inputs") {
  const Files f = make_run("report-broken");
  const fs::path out = f.dir / "r.html";
  SECTION("a CSV cut short: a report that says so") {
    const std::string csv = read_text(f.csv);
    std::ofstream(f.csv, std::ios::trunc) << csv.substr(0, csv.size() / 2 + 7);
    auto stats = write_report(f.summary, out);
    REQUIRE(stats.ok());
    REQUIRE(stats->warnings.size() == 2);  // the row cut short, and fewer frames than the summary says
    CHECK(read_text(out).find("id=\"warnings\"") != std::string::npos);
  }
  SECTION("no video: no thumbnails, a warning") {
    fs::remove(f.video);
    auto stats = write_report(f.summary, out);
    REQUIRE(stats.ok());
    REQUIRE(stats->warnings.size() == 1);
    CHECK(stats->warnings[0].find("no thumbnails") != std::string::npos);
    CHECK(read_text(out).find("data:image/jpeg") == std::string::npos);
  }
  SECTION("a summary that is not one") {
    for (const std::string text : {"", "{", "[1,2]", "{\"header\":{\"format\":\"other\"}}", "\x89PNG\r\n"}) {
      std::ofstream(f.summary, std::ios::trunc) << text;
      auto r = write_report(f.summary, out);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == ErrorCode::kInputUnreadable);
      CHECK(r.error().message.find(f.summary.string()) != std::string::npos);
    }
    CHECK_FALSE(fs::exists(out));
  }
  SECTION("a CSV of rubbish rows: left out and counted") {
    std::ofstream(f.csv, std::ios::app) << "1,2\n\"unclosed,3\n,,,,,,,,,,,,,,,,,,,\nx,y,z\n";
    auto stats = write_report(f.summary, out);
    REQUIRE(stats.ok());
    CHECK_FALSE(stats->warnings.empty());
  }
  SECTION("no CSV") {
    fs::remove(f.csv);
    auto r = write_report(f.summary, out);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInputUnreadable);
  }
  SECTION("a folder that is not a batch folder") {
    auto r = write_report(f.dir, out);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInputUnreadable);
  }
}

TEST_CASE("report: two at once give the same page (no shared state)") {
  const Files f = make_run("report-threads");
  Result<ReportStats> a = Error{ErrorCode::kUsage, ""}, b = Error{ErrorCode::kUsage, ""};
  std::thread ta([&] { a = write_report(f.summary, f.dir / "a.html"); });
  std::thread tb([&] { b = write_report(f.summary, f.dir / "b.html"); });
  ta.join();
  tb.join();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(read_text(f.dir / "a.html") == read_text(f.dir / "b.html"));
}

TEST_CASE("report: a camera's recording is cut by time, not by the camera's frame numbers") {
  // A live recording: the CSV counts the camera's frames (here from 1000, as if the camera ran
  // before the recording started) and times since the camera opened (here from 7 s); the video
  // starts at the first processed frame and keeps real time at the nominal rate.
  const Files f = make_run("report-camera");
  const std::string csv = read_text(f.csv);
  std::size_t pos = csv.find('\n') + 1;
  std::string shifted = csv.substr(0, pos);
  while (pos < csv.size()) {
    const std::size_t end = csv.find('\n', pos);
    const std::string row = csv.substr(pos, end - pos);
    const std::size_t c1 = row.find(','), c2 = row.find(',', c1 + 1), c3 = row.find(',', c2 + 1);
    const double ms = std::stod(row.substr(0, c1));
    const long frame = std::stol(row.substr(c2 + 1, c3 - c2 - 1));
    char head[96];
    std::snprintf(head, sizeof(head), "%.1f,%.4f,%ld", ms + 7000, (ms + 7000) / 1000, frame + 1000);
    shifted += head + row.substr(c3) + "\n";
    pos = end + 1;
  }
  std::ofstream(f.csv, std::ios::trunc) << shifted;
  auto summary = nlohmann::ordered_json::parse(read_text(f.summary));
  summary["header"]["source"]["kind"] = "camera";
  summary["header"]["source"]["name"] = "camera 0";
  summary["people"][0]["portrait"] = {
      {"frame", 1120}, {"time_ms", 7000 + 4800.0}, {"box", {kBox1.x, kBox1.y, kBox1.width, kBox1.height}}};
  std::ofstream(f.summary, std::ios::trunc) << summary.dump();
  fs::rename(f.video, f.dir / "run.mkv");  // a recording's video shares its summary's stem
  const fs::path out = f.dir / "camera.html";
  auto stats = write_report(f.summary, out);
  REQUIRE(stats.ok());
  CHECK(stats->warnings.empty());
  const auto p1 = section_images(read_text(out), "P1");
  REQUIRE(p1.size() == 4);
  CHECK(centre(p1[0]) == Approx(level1(120)).margin(4));
  CHECK(centre(p1[1]) == Approx(level1(97)).margin(4));
  CHECK(centre(p1[3]) == Approx(level1(31)).margin(4));
}
