#include "emoscope/ui/model_catalogue.hpp"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include "emoscope/resources.hpp"
#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

namespace {

struct Bundled {
  const char* name;
  const char* file;
};
// The first is the default model.
const Bundled kBundled[] = {{QT_TRANSLATE_NOOP("emoscope::ui::ModelCatalogue", "Happy / neutral / sad"), "happy_neutral_sad.pt"},
                            {QT_TRANSLATE_NOOP("emoscope::ui::ModelCatalogue", "Happy / sad (forced choice)"), "happy_sad.pt"},
                            {QT_TRANSLATE_NOOP("emoscope::ui::ModelCatalogue", "Seven emotions"), "seven_emotions.pt"}};

bool same_file(const QString& a, const QString& b) {
  const QString ca = QFileInfo(a).canonicalFilePath();
  return !ca.isEmpty() && ca == QFileInfo(b).canonicalFilePath();
}

}  // namespace

ModelCatalogue::ModelCatalogue(QObject* parent) : QObject(parent) {}

bool ModelCatalogue::load(const QString& path, DeviceChoice device, QString* error) {
  ClassifierOptions options;
  options.device = device;
  Result<std::unique_ptr<Classifier>> loaded = load_classifier(sstr(path), options);
  if (!loaded) {
    if (error) *error = tr("%1 could not be loaded:\n%2").arg(path, error_text(loaded.error()));
    return false;
  }
  path_ = path;
  spec_ = loaded.value()->spec();
  classifier_ = std::move(loaded).value();
  emit activeModelChanged();
  return true;
}

bool ModelCatalogue::loadPreferred(const QString& preferred, DeviceChoice device, QString* error) {
  QString why;
  if (!preferred.isEmpty() && load(preferred, device, &why)) return true;
  const Result<std::string> shipped = default_model_path();
  if (shipped && qstr(shipped.value()) != preferred && load(qstr(shipped.value()), device, &why)) return true;
  if (error) *error = why.isEmpty() && !shipped ? error_text(shipped.error()) : why;
  return false;
}

QString ModelCatalogue::deviceName() const { return classifier_ ? qstr(classifier_->device_name()) : QString(); }

QString ModelCatalogue::bundledPath(const QString& file) {
  const Result<std::string> root = data_dir();
  return root ? QDir::cleanPath(qstr(root.value()) + "/models/" + file) : QString();
}

std::vector<ModelEntry> ModelCatalogue::entries() const {
  std::vector<ModelEntry> list;
  bool active_listed = path_.isEmpty();
  for (const Bundled& b : kBundled) {
    ModelEntry e;
    e.path = bundledPath(b.file);
    e.installed = !e.path.isEmpty() && QFileInfo::exists(e.path);
    e.name = e.installed ? tr(b.name) : tr("%1 (not installed)").arg(tr(b.name));
    if (e.installed && same_file(e.path, path_)) active_listed = true;
    list.push_back(e);
  }
  if (!active_listed) list.push_back({QFileInfo(path_).fileName(), path_, true});
  return list;
}

QString ModelCatalogue::describeActive() const {
  if (!classifier_) return tr("<p>No model loaded.</p>");
  QStringList labels;
  for (const std::string& l : spec_.labels) labels << qstr(l);
  QString accuracy = tr("not reported");
  const QJsonObject metrics = QJsonDocument::fromJson(QByteArray::fromStdString(spec_.metrics_json)).object();
  const QJsonValue test = metrics.value("test");
  if (test.isObject() && test.toObject().value("accuracy").isDouble()) {
    accuracy = QString("%1%").arg(test.toObject().value("accuracy").toDouble() * 100.0, 0, 'f', 1);
  } else if (metrics.value("test_accuracy").isDouble()) {
    accuracy = QString("%1%").arg(metrics.value("test_accuracy").toDouble() * 100.0, 0, 'f', 1);
  }
  QString text = tr("<p><b>Model:</b> %1 %2<br><b>Labels:</b> %3<br><b>Test accuracy:</b> %4")
                     .arg(qstr(spec_.name).toHtmlEscaped(), qstr(spec_.version).toHtmlEscaped(),
                          labels.join(", ").toHtmlEscaped(), accuracy);
  if (!spec_.trained_on.empty()) text += tr("<br><b>Trained on:</b> %1").arg(qstr(spec_.trained_on).toHtmlEscaped());
  return text + tr("<br><b>File:</b> %1</p>").arg(path_.toHtmlEscaped());
}

}  // namespace emoscope::ui
