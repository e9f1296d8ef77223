#include "emoscope/ui/cameras.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace emoscope::ui {
namespace fs = std::filesystem;

namespace {

std::string read_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  return line;
}

// V4L2 exposes metadata nodes next to capture nodes; index 0 of a device is the
// capture node, so keep only nodes whose "index" is 0.
bool is_capture_node(const fs::path& sys_dir) {
  const std::string index = read_line(sys_dir / "index");
  return index.empty() || index == "0";
}

}  // namespace

std::vector<CameraInfo> list_cameras() {
  std::vector<CameraInfo> cameras;
  if (const char* fake = std::getenv("EMOSCOPE_FAKE_CAMERA"); fake && *fake) {
    cameras.push_back({"Test video (" + fs::path(fake).filename().string() + ")", fake});
  }
  std::error_code ec;
  std::vector<fs::path> nodes;
  for (const auto& entry : fs::directory_iterator("/sys/class/video4linux", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("video", 0) == 0) nodes.push_back(entry.path());
  }
  std::sort(nodes.begin(), nodes.end());
  for (const fs::path& node : nodes) {
    if (!is_capture_node(node)) continue;
    const std::string dev = "/dev/" + node.filename().string();
    if (!fs::exists(dev, ec)) continue;
    std::string name = read_line(node / "name");
    if (name.empty()) name = "Camera";
    cameras.push_back({name + " (" + dev + ")", dev});
  }
  return cameras;
}

}  // namespace emoscope::ui
