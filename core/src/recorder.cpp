#include "emoscope/recorder.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <spdlog/spdlog.h>

#include "emoscope/file_checks.hpp"

namespace emoscope {
namespace fs = std::filesystem;

namespace {

Error not_writable(const std::string& path, const std::string& why) {
  return {ErrorCode::kOutputNotWritable, "cannot write '" + path + "': " + why};
}

// Seconds between summary rewrites while recording, so a crash loses little.
constexpr double kSummaryEveryMs = 5000.0;

// The video stops, cleanly closed, when the disk has less than this left:
// FFmpeg's writer reports no write errors, and a frame cut off by a full disk
// would leave a file that ends in garbage. An MJPEG frame is well under 4 MB.
constexpr std::uint64_t kVideoReserveBytes = 16u << 20;

}  // namespace

Status create_private_file(const std::string& path) {
  if (Status s = check_output_path(path)) return s;
  // O_NOFOLLOW and O_NONBLOCK: a symlink or FIFO put there since the check is
  // refused instead of followed or blocked on; O_TRUNC only once it is known regular.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  if (fd < 0) return not_writable(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return not_writable(path, "not a regular file");
  }
  const bool ok = ::ftruncate(fd, 0) == 0 && ::fchmod(fd, 0600) == 0;  // an existing file keeps its old mode otherwise
  ::close(fd);
  if (!ok) return not_writable(path, std::strerror(errno));
  return std::nullopt;
}

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

struct Recorder::Files {
  cv::VideoWriter video;
  std::FILE* csv = nullptr;
  ~Files() {
    if (csv) std::fclose(csv);
  }
};

Recorder::Recorder(RecorderOptions options) : options_(std::move(options)), files_(std::make_unique<Files>()) {}

Recorder::~Recorder() {
  if (!finished_) {
    if (Status s = finish()) spdlog::error("{}", s->message);
  }
}

Result<std::unique_ptr<Recorder>> Recorder::open(const RecorderOptions& options) {
  std::unique_ptr<Recorder> rec(new Recorder(options));
  for (const std::string* path : {&options.video_path, &options.csv_path, &options.summary_path}) {
    if (path->empty()) continue;
    if (Status s = check_output_path(*path)) return *s;  // devices, FIFOs, symlinks: never
    std::error_code ec;
    if (!options.replace_existing && fs::exists(fs::symlink_status(*path, ec)))
      return not_writable(*path, "it exists; give a new name, or --force to replace it");
  }
  for (const std::string* path : {&options.video_path, &options.csv_path, &options.summary_path}) {
    if (path->empty()) continue;
    if (Status s = create_private_file(*path)) return *s;
  }
  if (!options.csv_path.empty()) {
    rec->files_->csv = std::fopen(options.csv_path.c_str(), "w");
    if (!rec->files_->csv) return not_writable(options.csv_path, std::strerror(errno));
    std::string header = "time_ms,frame,face_id,x,y,w,h,label,confidence,detected,face_score";
    for (const std::string& label : options.labels) header += "," + csv_escape("p_" + label);
    header += "\n";
    if (std::fputs(header.c_str(), rec->files_->csv) < 0 || std::fflush(rec->files_->csv) != 0)
      return not_writable(options.csv_path, std::strerror(errno));
  }
  if (!options.video_path.empty()) {
    if (options.frame_size.area() <= 0) return not_writable(options.video_path, "unknown frame size");
    const double fps = options.fps > 0 ? options.fps : 25.0;
    try {
      rec->files_->video.open(options.video_path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'),
                              fps, options.frame_size, true);
    } catch (const cv::Exception& e) {
      return not_writable(options.video_path, e.what());
    }
    if (!rec->files_->video.isOpened())
      return not_writable(options.video_path, "video encoder could not open it (use .mkv or .avi)");
  }
  if (!options.summary_path.empty()) {
    if (Status s = rec->write_summary()) return *s;
  }
  return rec;
}

Status Recorder::write(const FrameResult& result, const cv::Mat& annotated) {
  if (finished_) return Error{ErrorCode::kOutputNotWritable, "recorder already finished"};
  const double t = result.frame.pos_ms;
  if (first_ms_ < 0) first_ms_ = t;
  last_ms_ = t;

  if (files_->video.isOpened() && !annotated.empty()) {
    if (free_bytes(options_.video_path) < kVideoReserveBytes) {
      files_->video.release();  // closed while it is still whole
      return not_writable(options_.video_path, "disk full: the video was closed after " + std::to_string(frames_) +
                                                   " frames, all of them playable");
    }
    cv::Mat frame = annotated;
    if (frame.size() != options_.frame_size) cv::resize(annotated, frame, options_.frame_size);
    try {
      files_->video.write(frame);
    } catch (const cv::Exception& e) {
      return not_writable(options_.video_path, e.what());
    }
  }

  if (files_->csv) {
    std::string rows;
    char buf[96];
    const int k = static_cast<int>(options_.labels.size());
    if (result.faces.empty()) {
      std::snprintf(buf, sizeof(buf), "%.1f,%llu,,,,,,,,,", t, static_cast<unsigned long long>(result.frame.seq));
      rows += buf;
      for (int i = 0; i < k; ++i) rows += ",";
      rows += "\n";
    }
    for (const TrackedFace& f : result.faces) {
      std::snprintf(buf, sizeof(buf), "%.1f,%llu,%d,%.0f,%.0f,%.0f,%.0f,", t,
                    static_cast<unsigned long long>(result.frame.seq), f.id, f.box.x, f.box.y, f.box.width,
                    f.box.height);
      rows += buf;
      rows += (f.label >= 0 && f.label < k) ? csv_escape(options_.labels[f.label]) : std::string();
      std::snprintf(buf, sizeof(buf), ",%.4f,%d,", f.confidence, f.detected ? 1 : 0);
      rows += buf;
      if (!std::isnan(f.face_score)) {
        std::snprintf(buf, sizeof(buf), "%.4f", f.face_score);
        rows += buf;
      }
      for (int i = 0; i < k; ++i) {
        std::snprintf(buf, sizeof(buf), ",%.4f", i < static_cast<int>(f.smoothed.size()) ? f.smoothed[i] : 0.0f);
        rows += buf;
      }
      rows += "\n";
    }
    if (std::fputs(rows.c_str(), files_->csv) < 0 || std::fflush(files_->csv) != 0) {
      return not_writable(options_.csv_path, std::strerror(errno));
    }
  }

  for (const TrackedFace& f : result.faces) {
    FaceSummary& s = faces_[f.id];
    if (s.frames == 0) {
      s.first_ms = t;
      s.label_frames.assign(options_.labels.size(), 0);
    }
    s.last_ms = t;
    ++s.frames;
    s.confidence_sum += f.confidence;
    if (f.label >= 0 && f.label < static_cast<int>(s.label_frames.size())) ++s.label_frames[f.label];
  }
  ++frames_;
  if (!options_.summary_path.empty() && t - last_summary_ms_ >= kSummaryEveryMs) {
    last_summary_ms_ = t;
    if (Status s = write_summary()) return s;
  }
  return std::nullopt;
}

std::string Recorder::summary_json() const {
  nlohmann::json j;
  const double fps = options_.fps > 0 ? options_.fps : 25.0;
  j["source"] = options_.source_name;
  j["model"] = options_.model_name;
  j["labels"] = options_.labels;
  j["frames"] = frames_;
  j["duration_s"] = frames_ > 0 ? (last_ms_ - first_ms_) / 1000.0 + 1.0 / fps : 0.0;
  j["faces"] = nlohmann::json::array();
  for (const auto& [id, s] : faces_) {
    nlohmann::json face;
    face["id"] = id;
    face["frames"] = s.frames;
    face["seconds_seen"] = s.frames / fps;
    face["first_seen_s"] = s.first_ms / 1000.0;
    face["last_seen_s"] = s.last_ms / 1000.0;
    face["mean_confidence"] = s.frames > 0 ? s.confidence_sum / s.frames : 0.0;
    nlohmann::json share = nlohmann::json::object();
    long best = -1;
    std::string dominant;
    for (std::size_t i = 0; i < options_.labels.size() && i < s.label_frames.size(); ++i) {
      share[options_.labels[i]] = s.frames > 0 ? static_cast<double>(s.label_frames[i]) / s.frames : 0.0;
      if (s.label_frames[i] > best) {
        best = s.label_frames[i];
        dominant = options_.labels[i];
      }
    }
    face["label_share"] = share;
    face["dominant_label"] = dominant;
    j["faces"].push_back(face);
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status Recorder::write_summary() {
  // Write then rename, so a reader never sees half a file.
  const std::string tmp = options_.summary_path + ".tmp";
  if (Status s = create_private_file(tmp)) return s;
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return not_writable(tmp, std::strerror(errno));
  const std::string text = summary_json() + "\n";
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    std::remove(tmp.c_str());
    return not_writable(options_.summary_path, "write failed (disk full?)");
  }
  if (Status s = check_output_path(options_.summary_path)) {  // replaced by a special file meanwhile?
    std::remove(tmp.c_str());
    return s;
  }
  if (std::rename(tmp.c_str(), options_.summary_path.c_str()) != 0)
    return not_writable(options_.summary_path, std::strerror(errno));
  return std::nullopt;
}

Status Recorder::finish() {
  if (finished_) return std::nullopt;
  finished_ = true;
  Status status;
  if (files_->video.isOpened()) files_->video.release();
  if (files_->csv) {
    if (std::fclose(files_->csv) != 0) status = not_writable(options_.csv_path, std::strerror(errno));
    files_->csv = nullptr;
  }
  if (!options_.summary_path.empty()) {
    if (Status s = write_summary(); s && !status) status = s;
  }
  return status;
}

}  // namespace emoscope
