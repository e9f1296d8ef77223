#include "emoscope/ui/settings.hpp"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

#include "emoscope/resources.hpp"
#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

AppSettings AppSettings::load() {
  QSettings s;
  AppSettings a;
  auto kind = parse_detector_kind(s.value("detector/kind", detector_kind_name(a.detector)).toString().toStdString());
  if (kind) a.detector = kind.value();
  a.yunet_model = s.value("detector/yunet_model").toString();
  a.ssd_model = s.value("detector/ssd_model").toString();
  a.model_path = s.value("model/path").toString();
  a.smoothing_ms = s.value("model/smoothing_ms", a.smoothing_ms).toDouble();
  a.min_confidence = s.value("model/min_confidence", a.min_confidence).toDouble();
  a.detect_every = s.value("detector/every", a.detect_every).toInt();
  a.neutral_prior = s.value("model/neutral_prior", a.neutral_prior).toDouble();
  auto device = parse_device_choice(s.value("model/device", device_choice_name(a.device)).toString().toStdString());
  if (device) a.device = device.value();
  a.record_dir = s.value("record/dir").toString();
  if (a.record_dir.isEmpty()) {
    QString movies = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
    if (movies.isEmpty()) movies = QDir::homePath();
    a.record_dir = movies + "/Emoscope";
  }
  a.last_open_dir = s.value("ui/last_open_dir").toString();
  a.batch_input_dir = s.value("batch/input_dir").toString();
  a.batch_output_dir = s.value("batch/output_dir").toString();
  a.camera = s.value("source/camera").toString();
  a.mirror_camera = s.value("source/mirror", false).toBool();
  a.identities = s.value("identity/enabled", a.identities).toBool();
  a.people_gallery = s.value("identity/gallery").toString();
  return a.withinLimits();
}

AppSettings AppSettings::withinLimits() const {
  AppSettings a = *this;
  a.smoothing_ms = limits::kSmoothingMs.clamp(a.smoothing_ms);
  a.min_confidence = limits::kMinConfidence.clamp(static_cast<float>(a.min_confidence));
  a.detect_every = limits::kDetectEvery.clamp(a.detect_every);
  a.neutral_prior = limits::kNeutralPrior.clamp(static_cast<float>(a.neutral_prior));
  return a;
}

void AppSettings::save() const {
  QSettings s;
  s.setValue("detector/kind", detector_kind_name(detector));
  s.setValue("detector/yunet_model", yunet_model);
  s.setValue("detector/ssd_model", ssd_model);
  s.setValue("detector/every", detect_every);
  s.setValue("model/path", model_path);
  s.setValue("model/smoothing_ms", smoothing_ms);
  s.setValue("model/min_confidence", min_confidence);
  s.setValue("model/neutral_prior", neutral_prior);
  s.setValue("model/device", device_choice_name(device));
  s.setValue("record/dir", record_dir);
  s.setValue("ui/last_open_dir", last_open_dir);
  s.setValue("batch/input_dir", batch_input_dir);
  s.setValue("batch/output_dir", batch_output_dir);
  s.setValue("source/camera", camera);
  s.setValue("source/mirror", mirror_camera);
  s.setValue("identity/enabled", identities);
  s.setValue("identity/gallery", people_gallery);
}

QString AppSettings::detectorModel() const {
  DetectorOptions options;
  options.kind = detector;
  if (detector == DetectorKind::kYuNet) options.model_path = sstr(yunet_model);
  if (detector == DetectorKind::kSsd) options.model_path = sstr(ssd_model);
  const Result<std::string> file = resolve_detector_model(options);  // core's one rule for the default
  return file ? qstr(file.value()) : QString();
}

AppSettings AppSettings::withDetector(DetectorKind kind, const QString& model_file) const {
  AppSettings next = *this;
  next.detector = kind;
  if (kind == DetectorKind::kYuNet && !model_file.isEmpty()) next.yunet_model = model_file;
  if (kind == DetectorKind::kSsd && !model_file.isEmpty()) next.ssd_model = model_file;
  return next;
}

SessionConfig AppSettings::sessionConfig() const {
  SessionConfig c;
  c.classifier.device = device;
  c.classifier.neutral_prior = static_cast<float>(neutral_prior);
  c.detector.kind = detector;
  c.detector.model_path = detectorModel().toStdString();
  c.pipeline.detect_every = detect_every;
  c.pipeline.worker_nice = kInteractiveWorkerNice;  // the UI thread first (results.hpp)
  c.pipeline.tracker.smoothing_ms = smoothing_ms;
  c.min_confidence = static_cast<float>(min_confidence);
  c.identity.enabled = identities;
  c.identity.gallery_path = people_gallery.toStdString();
  return c;
}

bool check_detector(const AppSettings& settings, QString* error) {
  error->clear();
  DetectorOptions options;
  options.kind = settings.detector;
  options.model_path = settings.detectorModel().toStdString();
  if (options.kind != DetectorKind::kHaar && options.model_path.empty()) return false;
  auto detector = create_face_detector(options);
  if (!detector) *error = error_text(detector.error());
  return static_cast<bool>(detector);
}

}  // namespace emoscope::ui
