#include "emoscope/recording_writer.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "thread_priority.hpp"

namespace emoscope {

RecordingWriter::RecordingWriter(std::unique_ptr<Recorder> recorder, bool has_video, double fps, Draw draw,
                                 Options options)
    : recorder_(std::move(recorder)), has_video_(has_video), fps_(fps), draw_(std::move(draw)),
      options_(std::move(options)) {
  const std::size_t one_second = fps_ > 0 ? static_cast<std::size_t>(std::ceil(fps_)) : 25;
  capacity_ = options_.capacity > 0 ? options_.capacity : std::max<std::size_t>(8, one_second);
  capacity_ = std::max<std::size_t>(capacity_, static_cast<std::size_t>(std::max(1, options_.analyze_every)) + 2);
  thread_ = start_worker(options_.worker_nice, [this] { run(); });
}

RecordingWriter::~RecordingWriter() {
  if (!finished_) {
    if (MaybeError s = finish()) spdlog::error("{}", s->message);
  }
}

void RecordingWriter::on_frame(const Frame& frame) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closing_) return;
  if (paused_ || failed_) {
    ++stats_.discarded_frames;
    if (paused_) rebase_ = true;
    return;
  }
  if (has_video_ && frames_.size() >= capacity_) {
    ++stats_.capture_waits;
    const auto start = SteadyClock::now();
    changed_.wait(lock, [&] { return frames_.size() < capacity_ || closing_ || failed_; });
    stats_.waited_ms += std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
    if (closing_ || failed_) {
      ++stats_.discarded_frames;
      return;
    }
  }
  if (!first_seq_) first_seq_ = frame.seq;
  ++stats_.frames_tapped;
  if (!has_video_) return;  // only the CSV and summary: nothing to wait for
  frames_.push_back({frame, rebase_});
  rebase_ = false;
  changed_.notify_all();
}

void RecordingWriter::on_result(const FrameResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closing_) return;
  results_.push_back(result);
  newest_result_seq_ = result.frame.seq;
  changed_.notify_all();
}

void RecordingWriter::on_results_end() {
  std::lock_guard<std::mutex> lock(mutex_);
  results_ended_ = true;
  changed_.notify_all();
}

void RecordingWriter::set_paused(bool paused) {
  std::lock_guard<std::mutex> lock(mutex_);
  paused_ = paused;
}

RecordingWriter::Stats RecordingWriter::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void RecordingWriter::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  // A frame is ready once no result at or before it can still come.
  const auto frame_ready = [&] {
    return !frames_.empty() &&
           (results_ended_ || (newest_result_seq_ && *newest_result_seq_ >= frames_.front().frame.seq));
  };
  while (true) {
    changed_.wait(lock, [&] { return !results_.empty() || frame_ready() || closing_; });
    if (!results_.empty()) {  // results first: a frame is drawn with every result before it
      FrameResult result = std::move(results_.front());
      results_.pop_front();
      const bool in_recording = first_seq_ && result.frame.seq >= *first_seq_;
      lock.unlock();
      if (in_recording) write_result(result);
      if (has_video_) overlays_.push_back(std::move(result));
      lock.lock();
      continue;
    }
    if (frame_ready()) {
      Pending pending = std::move(frames_.front());
      frames_.pop_front();
      changed_.notify_all();  // room for a waiting on_frame
      lock.unlock();
      write_frame(pending);
      lock.lock();
      continue;
    }
    if (closing_ && frames_.empty()) break;
  }
}

void RecordingWriter::write_result(const FrameResult& result) {
  if (failed_) return;  // only the writer thread sets it
  if (MaybeError s = recorder_->write(result, {})) return fail(s);
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.results_written;
}

void RecordingWriter::write_frame(const Pending& pending) {
  const Frame& frame = pending.frame;
  while (!overlays_.empty() && overlays_.front().frame.seq <= frame.seq) {
    current_ = std::move(overlays_.front());
    overlays_.pop_front();
  }
  if (failed_) return;
  const cv::Mat image = draw_ ? draw_(frame.image, current_ ? &*current_ : nullptr) : frame.image;

  // Where this frame belongs on the video's clock: its slot at the constant
  // rate, and its time: the source's, less the pauses (the origin moves on at each).
  long repeats = 0;
  bool ahead = false;
  SourceTime at;  // unset for frames without a time: one slot after the last
  const double step_ms = fps_ > 0 ? 1000.0 / fps_ : 0;
  if (frame.time.is_set() && fps_ > 0) {
    if (pending.rebase || !clock_origin_ms_) clock_origin_ms_ = frame.time.ms() - video_frames_ * step_ms;
    if (!first_origin_ms_) first_origin_ms_ = clock_origin_ms_;
    const double since_origin_ms = frame.time.ms() - *clock_origin_ms_;
    at = SourceTime::from_ms(*first_origin_ms_ + since_origin_ms);
    const long due = std::lround(since_origin_ms / step_ms);
    if (due > video_frames_ && !last_written_.empty()) repeats = due - video_frames_;
    ahead = due < video_frames_;
  }
  for (long i = 0; i < repeats; ++i) {  // the previous frame stays on screen until this one's time
    const SourceTime slot = SourceTime::from_ms(*first_origin_ms_ + video_frames_ * step_ms);
    if (MaybeError s = recorder_->write_video_frame(last_written_, slot)) return fail(s);
    ++video_frames_;
  }
  if (MaybeError s = recorder_->write_video_frame(image, at)) return fail(s);
  ++video_frames_;
  last_written_ = image;
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.video_frames = video_frames_;
  stats_.repeated_frames += repeats;
  if (ahead) ++stats_.ahead_frames;
}

void RecordingWriter::fail(const MaybeError& status) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed_) return;
    failed_ = true;
    error_ = status;
    stats_.video_frames = video_frames_;
    changed_.notify_all();  // a blocked on_frame returns
  }
  if (options_.on_error) options_.on_error(*status);
}

MaybeError RecordingWriter::finish(const PipelineEnd* end) {
  if (finished_) {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }
  finished_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    results_ended_ = true;
    closing_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  if (end) recorder_->set_end(*end);
  MaybeError closed = recorder_->finish();
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed && !error_) error_ = closed;
  return error_;
}

}  // namespace emoscope
