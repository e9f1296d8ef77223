// ModelCatalogue: the emotion models the app offers (the bundled ones, found
// beside the binary, plus any model file the user opened) and the one active
// classifier. A model is loaded, validated and optimised once, then shared by
// every session (live, analysis, camera switches) until another model or
// device is chosen; a model that fails to load leaves the active one in place.
// UI thread only. Sessions use the classifier one at a time (see Pipeline).
#pragma once

#include <memory>
#include <vector>

#include <QObject>
#include <QString>

#include "emoscope/classifier.hpp"
#include "emoscope/model_spec.hpp"

namespace emoscope::ui {

struct ModelEntry {
  QString name;     // shown in the model picker
  QString path;     // absolute path; for a bundled model that is missing, where it would be
  bool installed = true;
};

class ModelCatalogue : public QObject {
  Q_OBJECT
 public:
  explicit ModelCatalogue(QObject* parent = nullptr);

  // Loads `path` on `device` and makes it active. On failure returns false with
  // `error` set (the file and why); the previously active model stays.
  bool load(const QString& path, DeviceChoice device, QString* error);
  // At start-up: `preferred` (the saved choice) if it loads, else the bundled default.
  bool loadPreferred(const QString& preferred, DeviceChoice device, QString* error);

  bool hasModel() const { return classifier_ != nullptr; }
  QString activePath() const { return path_; }
  const ModelSpec& activeSpec() const { return spec_; }
  const std::shared_ptr<Classifier>& classifier() const { return classifier_; }
  QString deviceName() const;

  // The bundled models (installed or not), then the active model if it is another file.
  std::vector<ModelEntry> entries() const;
  // The bundled model file `file` (e.g. "seven_emotions.pt"); "" when the data folder is not found.
  static QString bundledPath(const QString& file);
  // HTML for the About box: name, version, labels, test accuracy, training data, file.
  QString describeActive() const;

 signals:
  void activeModelChanged();

 private:
  QString path_;
  ModelSpec spec_;
  std::shared_ptr<Classifier> classifier_;
};

}  // namespace emoscope::ui
