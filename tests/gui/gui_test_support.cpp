#include "gui_test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "test_support.hpp"

namespace emoscope::test {

QApplication& gui_app() {
  static int argc = 1;
  static char name[] = "emoscope_gui_tests";
  static char* argv[] = {name, nullptr};
  static QApplication* app = [] {
    if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
    const std::string config = temp_dir("gui-config");
    setenv("XDG_CONFIG_HOME", config.c_str(), 1);  // never touch the user's settings
    auto* a = new QApplication(argc, argv);
    QApplication::setOrganizationName("EmoscopeTest");
    QApplication::setApplicationName("EmoscopeGuiTests");
    return a;
  }();
  return *app;
}

std::unique_ptr<ui::MainWindow> make_window(const std::string& camera_video,
                                            const std::function<void(ui::MainWindowOptions&)>& adjust) {
  gui_app();
  QSettings().clear();
  QSettings().setValue("record/dir", QString::fromStdString(temp_dir("gui-recordings")));
  QSettings().sync();
  ui::MainWindowOptions options;
  options.interactive_dialogs = false;
  options.cameras = [camera_video] {
    if (camera_video.empty()) return std::vector<ui::CameraInfo>{};
    return std::vector<ui::CameraInfo>{{"Test video", camera_video}};
  };
  if (adjust) adjust(options);
  auto w = std::make_unique<ui::MainWindow>(options);
  if (w->activeModelPath().isEmpty()) {  // the shipped model is not there yet: the tiny test model
    w->loadModel(QString::fromStdString(test_model("tiny.pt")));
  }
  w->resize(1200, 760);
  w->show();
  return w;
}

std::string fer_clip() { return shared_path("videos/justinshenk_fer_test.mp4"); }
std::string hamilton_clip() { return shared_path("videos/ageitgey_face_recognition_short_hamilton_clip.mp4"); }
std::string truncated_clip() { return shared_path("videos/Syzygy126_Liveness_test.avi"); }

const char* const kAstronaut = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";

cv::Mat face_picture() {
  cv::Mat image = cv::imread(kAstronaut);
  if (image.empty()) {
    image.create(256, 256, CV_8UC3);
    for (int y = 0; y < image.rows; ++y) image.row(y).setTo(cv::Scalar(y, 128, 255 - y));
  }
  cv::resize(image, image, cv::Size(256, 256));
  return image;
}

void write_clip(const std::string& path, int frames) {
  const cv::Mat picture = face_picture();
  cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0, picture.size());
  REQUIRE(writer.isOpened());
  for (int i = 0; i < frames; ++i) {
    cv::Mat frame;
    const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, i % 5, 0, 1, 0);
    cv::warpAffine(picture, frame, shift, picture.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    writer.write(frame);
  }
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

long video_frames(const std::string& path) {
  cv::VideoCapture cap(path, cv::CAP_FFMPEG);
  if (!cap.isOpened()) return -1;
  long n = 0;
  cv::Mat m;
  while (cap.read(m)) ++n;
  return n;
}

CsvInfo read_csv(const std::string& path) {
  CsvInfo info;
  std::ifstream in(path);
  std::string line;
  std::getline(in, info.header);
  std::set<std::string> frames;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++info.rows;
    std::stringstream ss(line);
    std::string time_ms, time_s, frame;  // the first columns (docs/output-formats.md)
    std::getline(ss, time_ms, ',');
    std::getline(ss, time_s, ',');
    std::getline(ss, frame, ',');
    frames.insert(frame);
  }
  info.distinct_frames = static_cast<long>(frames.size());
  return info;
}

namespace {
QJsonObject read_json(const std::string& path) {
  QFile f(QString::fromStdString(path));
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}
}  // namespace

long json_frames(const std::string& path) {
  const QJsonObject o = read_json(path);
  return o.contains("frames") ? static_cast<long>(o.value("frames").toDouble()) : -1;
}

long json_video_frames(const std::string& path) {
  const QJsonObject frames = read_json(path).value("header").toObject().value("frames").toObject();
  return frames.contains("video") ? static_cast<long>(frames.value("video").toDouble()) : -1;
}

int json_faces(const std::string& path) {
  const QJsonObject o = read_json(path);
  return o.contains("faces") ? static_cast<int>(o.value("faces").toArray().size()) : -1;
}

}  // namespace emoscope::test
