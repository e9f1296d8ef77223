// Helpers for the GUI tests: one offscreen QApplication with its own settings
// folder, a MainWindow whose "camera" is a video file, waiting on the event
// loop, and readers for the files a recording or an analysis writes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <QApplication>
#include <QString>
#include <opencv2/core.hpp>

#include "emoscope/ui/main_window.hpp"

namespace emoscope::test {

QApplication& gui_app();
// A fresh window (settings reset): `camera_video` empty = no camera at all;
// `adjust` may change its options (dialogs stay non-interactive unless it says).
std::unique_ptr<ui::MainWindow> make_window(const std::string& camera_video,
                                            const std::function<void(ui::MainWindowOptions&)>& adjust = {});
std::string fer_clip();       // 596x336, 25 fps, 115 frames, one face
std::string hamilton_clip();  // 640x360, 29.97 fps, 275 frames
std::string truncated_clip(); // header says 221 frames, 88 decode

// A picture with a face (Debian's scikit-image ships the astronaut; scripts/install-deps.sh
// installs it), else a plain gradient; 256x256.
extern const char* const kAstronaut;
cv::Mat face_picture();
// A short MJPEG clip of face_picture() drifting a pixel a frame, at 10 fps.
void write_clip(const std::string& path, int frames);

long rss_kb();
long video_frames(const std::string& path);  // frames decodable
struct CsvInfo {
  long rows = 0;             // data rows (not the header)
  long distinct_frames = 0;  // distinct values of the "frame" column
  std::string header;
};
CsvInfo read_csv(const std::string& path);
long json_frames(const std::string& path);   // the summary's "frames", -1 if unreadable
long json_video_frames(const std::string& path);  // the summary's header.frames.video, -1 if unreadable
int json_faces(const std::string& path);     // entries in "faces", -1 if unreadable

}  // namespace emoscope::test
