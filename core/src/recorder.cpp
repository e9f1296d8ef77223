#include "emoscope/recorder.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <limits>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "emoscope/file_checks.hpp"
#include "emoscope/people.hpp"

namespace emoscope {
namespace fs = std::filesystem;

namespace {

Error not_writable(const std::string& path, const std::string& why) {
  if (path == "-") return {ErrorCode::kOutputNotWritable, "cannot write to standard output: " + why};
  return {ErrorCode::kOutputNotWritable, "cannot write '" + path + "': " + why};
}

// Wall-clock time between summary rewrites while recording, so a crash loses little.
constexpr auto kSummaryEvery = std::chrono::seconds(5);

// "-" names standard output.
bool is_stdout(const std::string& path) { return path == "-"; }

// The video stops, cleanly closed, when the disk has less than this left, so
// that it ends with whole frames and a trailer (write errors are reported too,
// but a frame cut off by a full disk would leave a file that ends in garbage).
// An encoded frame is well under 4 MB.
constexpr std::uint64_t kVideoReserveBytes = 16u << 20;

}  // namespace

MaybeError create_private_file(const std::string& path) {
  if (MaybeError s = check_output_path(path)) return s;
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

bool read_csv_record(const std::string& text, std::size_t& pos, std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  const auto line_end = [&](std::size_t i) {
    return i >= text.size() || text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] == '\n'));
  };
  while (true) {
    std::string& field = fields.back();
    if (pos < text.size() && text[pos] == '"') {
      for (++pos;; ++pos) {
        if (pos >= text.size()) return false;  // not closed
        if (text[pos] != '"') {
          field += text[pos];
        } else if (pos + 1 < text.size() && text[pos + 1] == '"') {
          field += '"';
          ++pos;
        } else {
          ++pos;
          break;
        }
      }
      if (!line_end(pos) && text[pos] != ',') return false;  // text after the closing quote
    } else {
      while (!line_end(pos) && text[pos] != ',') field += text[pos++];
    }
    if (line_end(pos)) break;
    ++pos;  // the comma
    fields.emplace_back();
  }
  if (pos < text.size() && text[pos] == '\r') ++pos;
  if (pos < text.size() && text[pos] == '\n') ++pos;
  return true;
}

struct Recorder::Files {
  std::unique_ptr<VideoWriter> video;
  std::FILE* csv = nullptr;
  bool csv_is_stdout = false;
  SteadyClock::time_point last_summary{};
  ~Files() {
    if (csv && !csv_is_stdout) std::fclose(csv);
  }
};

Recorder::Recorder(RecorderOptions options)
    : options_(std::move(options)), files_(std::make_unique<Files>()),
      portraits_(PortraitOptions{0}, options_.people),  // merged people read as the person they joined
      start_time_(iso8601_local(std::chrono::system_clock::now())) {}

Recorder::~Recorder() {
  if (!finished_) {
    if (MaybeError s = finish()) spdlog::error("{}", s->message);
  }
}

Result<std::unique_ptr<Recorder>> Recorder::open(const RecorderOptions& options) {
  std::unique_ptr<Recorder> rec(new Recorder(options));
  if (is_stdout(options.video_path))
    return not_writable(options.video_path, "the video cannot go to standard output; give a file name");
  if (is_stdout(options.csv_path) && is_stdout(options.summary_path))
    return Error{ErrorCode::kUsage, "only one of the CSV and the summary can go to standard output ('-')"};
  for (const std::string* path : {&options.video_path, &options.csv_path, &options.summary_path}) {
    if (path->empty() || is_stdout(*path)) continue;
    if (MaybeError s = check_output_path(*path)) return *s;  // devices, FIFOs, symlinks: never
    std::error_code ec;
    if (!options.replace_existing && fs::exists(fs::symlink_status(*path, ec)))
      return about(Setting::kReplaceExisting, not_writable(*path, "it exists; give a new name"));
  }
  for (const std::string* path : {&options.video_path, &options.csv_path, &options.summary_path}) {
    if (path->empty() || is_stdout(*path)) continue;
    if (MaybeError s = create_private_file(*path)) return *s;
  }
  if (!options.csv_path.empty()) {
    if (is_stdout(options.csv_path)) {
      rec->files_->csv = stdout;
      rec->files_->csv_is_stdout = true;
    } else {
      rec->files_->csv = std::fopen(options.csv_path.c_str(), "w");
    }
    if (!rec->files_->csv) return not_writable(options.csv_path, std::strerror(errno));
    std::string header;
    for (const char* column : kCsvFixedColumns) header += std::string(header.empty() ? "" : ",") + column;
    for (const std::string& label : options.labels) header += "," + csv_escape("p_" + label);
    header += "\n";
    if (std::fputs(header.c_str(), rec->files_->csv) < 0 || std::fflush(rec->files_->csv) != 0)
      return not_writable(options.csv_path, std::strerror(errno));
  }
  if (!options.video_path.empty()) {
    if (options.frame_size.area() <= 0) return not_writable(options.video_path, "unknown frame size");
    VideoWriterOptions vo;
    vo.path = options.video_path;
    vo.frame_size = options.frame_size;
    vo.fps = options.fps > 0 ? options.fps : 25.0;
    vo.codec = options.video_codec;
    vo.audio_from = options.audio_from;
    auto video = open_video_writer(vo);
    if (!video) return video.error();
    rec->files_->video = std::move(video).value();
  }
  if (!options.summary_path.empty() && !is_stdout(options.summary_path)) {
    if (MaybeError s = rec->write_summary()) return *s;
  }
  rec->files_->last_summary = SteadyClock::now();
  return rec;
}

void Recorder::credit_previous(double slice_ms) {
  covered_ms_ += slice_ms;
  for (const Pending& p : pending_) {
    for (FaceSummary* s : {&faces_[p.face], p.person > 0 ? &people_[p.person] : nullptr}) {
      if (!s) continue;
      s->seconds += slice_ms / 1000.0;
      if (p.label >= 0 && p.label < static_cast<int>(s->label_seconds.size())) s->label_seconds[p.label] += slice_ms / 1000.0;
    }
  }
  pending_.clear();
}

double Recorder::last_slice_ms() const {
  if (timed_frames_ >= 2 && first_ms_ && last_ms_) return (*last_ms_ - *first_ms_) / (timed_frames_ - 1);
  return options_.run.source.fps > 0 ? 1000.0 / options_.run.source.fps : 0.0;
}

void Recorder::set_end(const PipelineEnd& end) { end_ = end; }

MaybeError Recorder::write_video_frame(const cv::Mat& annotated, SourceTime time) {
  if (finished_) return Error{ErrorCode::kOutputNotWritable, "recorder already finished"};
  if (!files_->video || annotated.empty()) return std::nullopt;
  if (free_bytes(options_.video_path) < kVideoReserveBytes) {
    MaybeError closed = files_->video->close();  // closed while it is still whole
    files_->video.reset();
    return not_writable(options_.video_path, "disk full: the video was closed after " + std::to_string(video_frames_) +
                                                 " frames, all of them playable" +
                                                 (closed ? " (" + closed->message + ")" : std::string()));
  }
  cv::Mat frame = annotated;
  if (frame.size() != options_.frame_size) cv::resize(annotated, frame, options_.frame_size);
  if (MaybeError s = files_->video->write(frame, time)) return s;
  ++video_frames_;
  return std::nullopt;
}

MaybeError Recorder::write(const FrameResult& result, const cv::Mat& annotated) {
  if (finished_) return Error{ErrorCode::kOutputNotWritable, "recorder already finished"};
  const SourceTime time = result.frame.time;
  if (!annotated.empty()) {
    if (MaybeError s = write_video_frame(annotated, time)) return s;
  }
  portraits_.observe(result);  // needs the pixels, so not held: where each person's clearest face was
  if (!options_.people || !(options_.settle_ms > 0) || !time.is_set()) {
    if (MaybeError s = release_settled(std::numeric_limits<double>::infinity())) return s;
    return write_rows(result);
  }
  FrameResult held = result;
  held.frame.image = cv::Mat();  // the rows' data only: a frame's pixels are not kept waiting
  settling_.push_back(std::move(held));
  return release_settled(time.ms() - options_.settle_ms);
}

MaybeError Recorder::release_settled(double until_ms) {
  while (!settling_.empty() && settling_.front().frame.time.ms() <= until_ms) {
    FrameResult& r = settling_.front();
    for (TrackedFace& f : r.faces) {
      if (f.person_id <= 0) continue;
      f.person_id = options_.people->canonical(f.person_id);
      f.person_name = options_.people->name(f.person_id);
    }
    MaybeError s = write_rows(r);
    settling_.pop_front();
    if (s) return s;
  }
  return std::nullopt;
}

MaybeError Recorder::write_rows(const FrameResult& result) {
  const SourceTime time = result.frame.time;
  if (frames_ == 0) {
    first_seq_ = result.frame.seq;
    first_dropped_ = result.dropped_so_far;
  }
  last_seq_ = result.frame.seq;
  last_dropped_ = result.dropped_so_far;
  if (time.is_set()) {
    // The previous frame stands for the time until this one (drops and skips included).
    if (last_ms_) credit_previous(std::max(0.0, time.ms() - *last_ms_));
    if (!first_ms_) first_ms_ = time.ms();
    last_ms_ = time.ms();
    ++timed_frames_;
  }

  if (files_->csv) {
    // time_ms, time_s, frame, image: the same on every row of the frame.
    char buf[96];
    std::string lead;
    if (time.is_set()) {
      std::snprintf(buf, sizeof(buf), "%.1f,%.4f,", time.ms(), time.seconds());
      lead = buf;
    } else {
      lead = ",,";
    }
    lead += std::to_string(result.frame.seq) + "," + csv_escape(result.frame.origin) + ",";
    const char* detected = result.times.detected ? "1" : "0";
    std::string rows;
    const int k = static_cast<int>(options_.labels.size());
    if (result.faces.empty()) {
      // success 0; face_id .. confidence empty; detected; classified, face_score and the probabilities empty.
      rows += lead + "0,,,,,,,,,," + detected + ",,";
      for (int i = 0; i < k; ++i) rows += ",";
      rows += "\n";
    }
    for (const TrackedFace& f : result.faces) {
      rows += lead;
      std::snprintf(buf, sizeof(buf), "1,%d,", f.id);
      rows += buf;
      if (f.person_id > 0) rows += std::to_string(f.person_id);
      rows += "," + csv_escape(f.person_name) + ",";
      std::snprintf(buf, sizeof(buf), "%.0f,%.0f,%.0f,%.0f,", f.box.x, f.box.y, f.box.width, f.box.height);
      rows += buf;
      rows += (f.label >= 0 && f.label < k) ? csv_escape(options_.labels[f.label]) : std::string();
      std::snprintf(buf, sizeof(buf), ",%.4f,%d,%d,", f.confidence, f.detected ? 1 : 0, f.classified ? 1 : 0);
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
    for (FaceSummary* s : {&faces_[f.id], f.person_id > 0 ? &people_[f.person_id] : nullptr}) {
      if (!s) continue;
      if (s->frames == 0) {
        s->first_ms = time.optional_ms();
        s->label_frames.assign(options_.labels.size(), 0);
        s->label_seconds.assign(options_.labels.size(), 0.0);
      }
      s->last_ms = time.optional_ms();
      ++s->frames;
      s->confidence_sum += f.confidence;
      if (f.label >= 0 && f.label < static_cast<int>(s->label_frames.size())) ++s->label_frames[f.label];
    }
    if (f.person_id > 0) {
      FaceSummary& p = people_[f.person_id];
      if (std::find(p.tracks.begin(), p.tracks.end(), f.id) == p.tracks.end()) p.tracks.push_back(f.id);
      p.name = f.person_name;
    }
    if (time.is_set()) pending_.push_back({f.id, f.person_id, f.label});
  }
  ++frames_;
  if (!options_.summary_path.empty() && !is_stdout(options_.summary_path) &&
      SteadyClock::now() - files_->last_summary >= kSummaryEvery) {
    files_->last_summary = SteadyClock::now();
    if (MaybeError s = write_summary()) return s;
  }
  return std::nullopt;
}

MaybeError Recorder::write_summary() {
  if (is_stdout(options_.summary_path)) {
    const std::string text = summary_json() + "\n";
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
      return not_writable("-", std::strerror(errno));
    return std::nullopt;
  }
  // Write then rename, so a reader never sees half a file.
  const std::string tmp = options_.summary_path + ".tmp";
  if (MaybeError s = create_private_file(tmp)) return s;
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return not_writable(tmp, std::strerror(errno));
  const std::string text = summary_json() + "\n";
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    std::remove(tmp.c_str());
    return not_writable(options_.summary_path, "write failed (disk full?)");
  }
  if (MaybeError s = check_output_path(options_.summary_path)) {  // replaced by a special file meanwhile?
    std::remove(tmp.c_str());
    return s;
  }
  if (std::rename(tmp.c_str(), options_.summary_path.c_str()) != 0)
    return not_writable(options_.summary_path, std::strerror(errno));
  return std::nullopt;
}

MaybeError Recorder::finish() {
  if (finished_) return std::nullopt;
  MaybeError status = release_settled(std::numeric_limits<double>::infinity());
  finished_ = true;
  if (files_->video) {
    // The last frame lasts until the next frame the source read (frames left
    // out by --every or dropped after it count), else one mean interval.
    std::optional<double> end_ms;
    if (end_ && last_ms_ && options_.run.source.fps > 0 && end_->frames_read > last_seq_)
      end_ms = *last_ms_ + (end_->frames_read - last_seq_) * 1000.0 / options_.run.source.fps;
    status = files_->video->close(end_ms);
    files_->video.reset();
  }
  if (files_->csv) {
    const bool failed = files_->csv_is_stdout ? std::fflush(files_->csv) != 0 : std::fclose(files_->csv) != 0;
    if (failed) status = not_writable(options_.csv_path, std::strerror(errno));
    files_->csv = nullptr;
  }
  if (!options_.summary_path.empty()) {
    if (MaybeError s = write_summary(); s && !status) status = s;
  }
  return status;
}

}  // namespace emoscope
