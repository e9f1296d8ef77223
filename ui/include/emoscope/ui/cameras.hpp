// Camera discovery for the source picker. A CameraInfo pairs a display name
// with the source spec core's open_source() understands ("/dev/video0"), so a
// test can put a video file behind the same "camera" interface (it is opened
// with live pacing). Thread-safe (reads sysfs, no shared state).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace emoscope::ui {

struct CameraInfo {
  std::string name;  // what the user sees, e.g. "Integrated Camera (/dev/video0)"
  std::string spec;  // passed to open_source(spec, live_pacing=true)
};

using CameraLister = std::function<std::vector<CameraInfo>()>;

// V4L2 capture devices, named from /sys/class/video4linux/*/name. With
// $EMOSCOPE_FAKE_CAMERA=<video file> a "Test video" entry is listed first
// (demos and screenshots without a camera).
std::vector<CameraInfo> list_cameras();

}  // namespace emoscope::ui
