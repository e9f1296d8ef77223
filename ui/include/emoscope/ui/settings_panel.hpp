// SettingsPanel: the Settings tab. Shows an AppSettings value; each edit is
// checked (a detector whose model file does not load, a missing CUDA device,
// a model that fails) and, when accepted, the whole new value is emitted
// (settingsChanged); a refused edit is reported (errorOccurred) and the panel
// shows the value kept. The emotion model is picked from a ModelCatalogue,
// which loads it (and reloads it when the device changes).
// UI thread only. Units as in AppSettings.
#pragma once

#include <vector>

#include <QWidget>

#include "emoscope/ui/model_catalogue.hpp"
#include "emoscope/ui/settings.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;

namespace emoscope::ui {

class SettingsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit SettingsPanel(ModelCatalogue& models, QWidget* parent = nullptr);

  void setSettings(const AppSettings& settings);  // the accepted value; shows it, emits nothing
  const AppSettings& settings() const { return accepted_; }
  // Checks `next` and, when it passes, accepts it and emits settingsChanged. Values
  // are clamped to their ranges. False (with errorOccurred, or a message when a
  // DNN detector still needs its file) when refused; the accepted value stays.
  bool apply(const AppSettings& next);
  // Loads the model at `path` through the catalogue; on success it becomes the
  // accepted settings' model. False (errorOccurred) when it does not load.
  bool chooseModel(const QString& path);

  // The widgets, for tests and accessibility checks.
  QComboBox* detectorCombo() const { return detector_combo_; }
  QComboBox* modelCombo() const { return model_combo_; }
  QSlider* smoothingSlider() const { return smoothing_slider_; }
  QSlider* confidenceSlider() const { return confidence_slider_; }
  QSpinBox* detectEverySpin() const { return interval_spin_; }
  QComboBox* sensitivityCombo() const { return sensitivity_combo_; }
  QComboBox* deviceCombo() const { return device_combo_; }
  QLineEdit* detectorModelEdit() const { return detector_model_edit_; }
  QCheckBox* identitiesCheck() const { return identities_check_; }
  QLineEdit* peopleGalleryEdit() const { return gallery_edit_; }

 signals:
  void settingsChanged(const emoscope::ui::AppSettings& settings);
  void errorOccurred(const QString& title, const QString& message);
  void message(const QString& text);

 private:
  void edited();
  void showValueLabels();
  void showModels();

  ModelCatalogue& models_;
  AppSettings accepted_;
  AppSettings shown_;       // the accepted value plus the edit being made
  bool syncing_ = false;  // setSettings() in progress: widget signals are not edits
  QComboBox* detector_combo_ = nullptr;
  QLineEdit* detector_model_edit_ = nullptr;
  QPushButton* detector_browse_ = nullptr;
  QComboBox* model_combo_ = nullptr;
  QSlider* smoothing_slider_ = nullptr;
  QLabel* smoothing_label_ = nullptr;
  QSlider* confidence_slider_ = nullptr;
  QLabel* confidence_label_ = nullptr;
  QComboBox* sensitivity_combo_ = nullptr;
  QSpinBox* interval_spin_ = nullptr;
  QComboBox* device_combo_ = nullptr;
  QLineEdit* record_dir_edit_ = nullptr;
  QCheckBox* identities_check_ = nullptr;
  QLineEdit* gallery_edit_ = nullptr;
  QPushButton* gallery_browse_ = nullptr;
  QPushButton* gallery_clear_ = nullptr;
};

}  // namespace emoscope::ui
