// add_thumbnails (report_model.hpp): portraits and strongest moments cut from the
// run's video (or its still images) as small base64 JPEGs.
#include <algorithm>
#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <openssl/evp.h>

#include "report_model.hpp"

namespace emoscope::report {

namespace {

constexpr int kThumbHeight = 112;    // pixels: moments
constexpr int kPortraitHeight = 160; // pixels: the person's face
constexpr int kJpegQuality = 82;
// A video is read on (not seeked) across gaps up to this many frames: decoding a
// few frames is cheaper than a seek, which decodes from the keyframe before.
constexpr long kReadOnFrames = 48;

std::string jpeg_of(const cv::Mat& frame, const cv::Rect& box, int height) {
  if (frame.empty() || box.area() <= 0) return {};
  // The face with a margin, as a square where the frame allows.
  const int side = static_cast<int>(std::max(box.width, box.height) * 1.5);
  cv::Rect r(box.x + box.width / 2 - side / 2, box.y + box.height / 2 - side / 2, side, side);
  r &= cv::Rect(0, 0, frame.cols, frame.rows);
  if (r.area() <= 0) return {};
  cv::Mat crop;
  const double scale = static_cast<double>(height) / r.height;
  cv::resize(frame(r), crop, cv::Size(std::max(1, static_cast<int>(std::lround(r.width * scale))), height), 0, 0,
             scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  std::vector<unsigned char> bytes;
  if (!cv::imencode(".jpg", crop, bytes, {cv::IMWRITE_JPEG_QUALITY, kJpegQuality})) return {};
  return base64(bytes);
}

struct Want {
  ThumbSource at;
  long frame;  // in the video file
  int height;
  std::string* out;
};

std::optional<fs::path> find_video(const Run& run, const ReportOptions& options) {
  std::error_code ec;
  if (!options.video.empty()) {
    if (fs::is_regular_file(options.video, ec)) return options.video;
    return std::nullopt;
  }
  const ojson& source = field(field(run.summary, "header"), "source");
  const std::string kind = field(source, "kind").is_string() ? field(source, "kind").get<std::string>() : "";
  const fs::path beside = run.summary_path.parent_path();
  std::vector<fs::path> candidates;
  if (kind == "video" && field(source, "name").is_string()) {
    const fs::path name = field(source, "name").get<std::string>();
    candidates.push_back(name);                          // as given (absolute, or from here)
    if (name.is_relative()) candidates.push_back(beside / name);
    candidates.push_back(beside / name.filename());      // moved beside the summary
  }
  // A recording (live, the desktop app): session-...{mkv,csv,json} share a stem.
  for (const char* ext : {".mkv", ".mp4"}) candidates.push_back(beside / (run.summary_path.stem().string() + ext));
  for (const fs::path& c : candidates)
    if (fs::is_regular_file(c, ec)) return c;
  return std::nullopt;
}

}  // namespace

std::string base64(const std::vector<unsigned char>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(std::max(n, 0)));
  return out;
}

void add_thumbnails(Run& run, const ReportOptions& options) {
  if (!options.thumbnails) return;
  std::vector<Want> wants;
  for (Person& p : run.people) {
    if (p.portrait_at.box.area() > 0) wants.push_back({p.portrait_at, p.portrait_at.frame, kPortraitHeight, &p.portrait});
    for (Moment& m : p.moments)
      if (m.p >= 0 && m.at.box.area() > 0) wants.push_back({m.at, m.at.frame, kThumbHeight, &m.jpeg});
  }
  if (wants.empty()) return;

  if (run.images) {
    // Each image once, however many faces it holds.
    std::sort(wants.begin(), wants.end(), [](const Want& a, const Want& b) { return a.at.image < b.at.image; });
    std::string loaded;
    cv::Mat image;
    long missing = 0;
    for (const Want& w : wants) {
      if (w.at.image.empty()) continue;
      if (w.at.image != loaded) {
        loaded = w.at.image;
        fs::path path = w.at.image;
        std::error_code ec;
        if (path.is_relative() && !fs::exists(path, ec)) path = run.summary_path.parent_path() / path;
        image = cv::imread(path.string(), cv::IMREAD_COLOR);
        if (image.empty()) ++missing;
      }
      *w.out = jpeg_of(image, w.at.box, w.height);
    }
    if (missing > 0) run.warnings.push_back(std::to_string(missing) + " image(s) could not be read: some faces have no thumbnail");
    return;
  }

  const auto video = find_video(run, options);
  if (!video) {
    run.warnings.push_back(options.video.empty() ? "the video was not found (header.source.name, or beside the summary): no thumbnails"
                                                 : "the video '" + options.video.string() + "' was not found: no thumbnails");
    return;
  }
  run.video_path = *video;
  cv::VideoCapture cap(video->string(), cv::CAP_FFMPEG);
  if (!cap.isOpened()) {
    run.warnings.push_back("the video '" + video->string() + "' cannot be opened: no thumbnails");
    return;
  }
  // A camera's recording (live, the desktop app) holds every frame delivered and repeats that keep
  // real time at the nominal rate, from the first processed frame on: its frames are found by time.
  const ojson& source = field(field(run.summary, "header"), "source");
  if (field(source, "kind") == "camera" && std::isfinite(run.first_time_s)) {
    const ojson& rate = field(source, "fps");
    const double fps = rate.is_number() && rate.get<double>() > 0 && rate.get<double>() < 1000
                           ? rate.get<double>()
                           : 25.0;  // the recording writer's rate when the camera gives none
    for (Want& w : wants)
      if (std::isfinite(w.at.time_s)) w.frame = std::lround((w.at.time_s - run.first_time_s) * fps);
  }
  std::stable_sort(wants.begin(), wants.end(), [](const Want& a, const Want& b) { return a.frame < b.frame; });
  long next = 0;  // the frame the next read() returns
  long have = -1;
  cv::Mat frame;
  long failed = 0;
  for (const Want& w : wants) {
    if (w.frame < 0) continue;
    if (w.frame != have) {
      if (w.frame < next || w.frame - next > kReadOnFrames) {
        cap.set(cv::CAP_PROP_POS_FRAMES, static_cast<double>(w.frame));
        next = w.frame;
      }
      bool ok = true;
      while (ok && next < w.frame) ok = cap.grab(), ++next;
      ok = ok && cap.read(frame);
      ++next;
      have = ok ? w.frame : -1;
      if (!ok) {
        frame.release();
        ++failed;
      }
    }
    if (have == w.frame) *w.out = jpeg_of(frame, w.at.box, w.height);
  }
  if (failed > 0)
    run.warnings.push_back(std::to_string(failed) + " frame(s) could not be read from '" + video->string() +
                           "' (a shorter or different video?): some thumbnails are missing");
}

}  // namespace emoscope::report
