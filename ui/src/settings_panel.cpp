#include "emoscope/ui/settings_panel.hpp"

#include <algorithm>
#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>

#include "emoscope/resources.hpp"
#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

namespace {

const char* kOpenModel = "open";

void disable_item(QComboBox* combo, int index) {
  if (auto* model = qobject_cast<QStandardItemModel*>(combo->model())) model->item(index)->setEnabled(false);
}

// A row of `widget` stretched and `side` beside it.
QHBoxLayout* row(QWidget* widget, QWidget* side) {
  auto* layout = new QHBoxLayout;
  layout->addWidget(widget, 1);
  layout->addWidget(side);
  return layout;
}

}  // namespace

SettingsPanel::SettingsPanel(ModelCatalogue& models, QWidget* parent) : QWidget(parent), models_(models) {
  connect(&models_, &ModelCatalogue::activeModelChanged, this, &SettingsPanel::showModels);
  auto* form = new QFormLayout(this);

  detector_combo_ = new QComboBox(this);
  detector_combo_->addItem(tr("YuNet (DNN, shipped)"), static_cast<int>(DetectorKind::kYuNet));
  detector_combo_->addItem(tr("Haar cascade"), static_cast<int>(DetectorKind::kHaar));
  detector_combo_->addItem(tr("SSD ResNet-10 (DNN)"), static_cast<int>(DetectorKind::kSsd));
  form->addRow(tr("Face detector"), detector_combo_);
  detector_model_edit_ = new QLineEdit(this);
  detector_model_edit_->setReadOnly(true);
  detector_browse_ = new QPushButton(tr("Browse…"), this);
  form->addRow(tr("Detector model"), row(detector_model_edit_, detector_browse_));
  connect(detector_combo_, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] {
    shown_.detector = static_cast<DetectorKind>(detector_combo_->currentData().toInt());
    edited();
  });
  connect(detector_browse_, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Detector model"), shown_.detectorModel(),
                                                      tr("Detector models (*.onnx *.pb *.caffemodel);;All files (*)"));
    if (path.isEmpty()) return;
    shown_ = shown_.withDetector(shown_.detector, path);
    edited();
  });

  model_combo_ = new QComboBox(this);
  form->addRow(tr("Emotion model"), model_combo_);
  connect(model_combo_, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
    const QString path = model_combo_->itemData(index).toString();
    if (path == kOpenModel) {
      const QString chosen = QFileDialog::getOpenFileName(this, tr("Open model"), shown_.last_open_dir,
                                                          tr("Emoscope models (*.pt);;All files (*)"));
      showModels();  // the active one stays selected until the new one has loaded
      if (!chosen.isEmpty()) chooseModel(chosen);
    } else if (!path.isEmpty() && path != models_.activePath()) {
      chooseModel(path);
    }
  });

  smoothing_slider_ = new QSlider(Qt::Horizontal, this);
  smoothing_slider_->setRange(static_cast<int>(limits::kSmoothingMs.min), static_cast<int>(limits::kSmoothingMs.max));
  smoothing_slider_->setSingleStep(50);
  smoothing_slider_->setPageStep(250);
  smoothing_label_ = new QLabel(this);
  smoothing_label_->setMinimumWidth(60);
  form->addRow(tr("Smoothing"), row(smoothing_slider_, smoothing_label_));
  connect(smoothing_slider_, &QSlider::valueChanged, this, [this](int v) {
    shown_.smoothing_ms = v;
    edited();
  });

  confidence_slider_ = new QSlider(Qt::Horizontal, this);
  confidence_slider_->setRange(static_cast<int>(limits::kMinConfidence.min * 100),
                               static_cast<int>(limits::kMinConfidence.max * 100));
  confidence_label_ = new QLabel(this);
  confidence_label_->setMinimumWidth(60);
  form->addRow(tr("Min. confidence"), row(confidence_slider_, confidence_label_));
  connect(confidence_slider_, &QSlider::valueChanged, this, [this](int v) {
    shown_.min_confidence = v / 100.0;
    edited();
  });

  // Expression sensitivity is the classifier's prior shift (classifier.hpp): a
  // calibrated change of how common neutral faces are assumed to be, never a
  // threshold on the scores. Values other than these (a hand-edited file) get
  // an item of their own in setSettings().
  sensitivity_combo_ = new QComboBox(this);
  sensitivity_combo_->addItem(tr("As trained"), 1.0);
  sensitivity_combo_->addItem(tr("Higher (neutral needs 2× the evidence)"), 0.5);
  sensitivity_combo_->addItem(tr("Highest (neutral needs 4× the evidence)"), 0.25);
  sensitivity_combo_->setToolTip(tr("Models with a neutral label read a face as neutral until its expression is clear "
                                    "to most people. Higher sensitivity assumes neutral faces are rarer than in the "
                                    "training photos (a prior shift), so milder expressions are named; the "
                                    "confidences stay probabilities for that assumption. Recordings store the value."));
  form->addRow(tr("Expression sensitivity"), sensitivity_combo_);
  connect(sensitivity_combo_, QOverload<int>::of(&QComboBox::activated), this, [this] {
    shown_.neutral_prior = sensitivity_combo_->currentData().toDouble();
    edited();
  });

  interval_spin_ = new QSpinBox(this);
  interval_spin_->setRange(limits::kDetectEvery.min, limits::kDetectEvery.max);
  interval_spin_->setSuffix(tr(" frames"));
  form->addRow(tr("Detect every"), interval_spin_);
  connect(interval_spin_, QOverload<int>::of(&QSpinBox::valueChanged), this, [this](int v) {
    shown_.detect_every = v;
    edited();
  });

  device_combo_ = new QComboBox(this);
  device_combo_->addItem(tr("Auto"), static_cast<int>(DeviceChoice::kAuto));
  device_combo_->addItem(tr("CPU"), static_cast<int>(DeviceChoice::kCpu));
  device_combo_->addItem(tr("CUDA"), static_cast<int>(DeviceChoice::kCuda));
  if (!cuda_available()) {
    disable_item(device_combo_, 2);
    device_combo_->setItemData(2, tr("No CUDA device available"), Qt::ToolTipRole);
  }
  form->addRow(tr("Device"), device_combo_);
  connect(device_combo_, QOverload<int>::of(&QComboBox::activated), this, [this] {
    shown_.device = static_cast<DeviceChoice>(device_combo_->currentData().toInt());
    edited();
  });

  record_dir_edit_ = new QLineEdit(this);
  record_dir_edit_->setReadOnly(true);
  auto* record_browse = new QPushButton(tr("Browse…"), this);
  form->addRow(tr("Recordings"), row(record_dir_edit_, record_browse));
  connect(record_browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Save recordings in"), shown_.record_dir);
    if (dir.isEmpty()) return;
    shown_.record_dir = dir;
    edited();
  });

  identities_check_ = new QCheckBox(tr("Tell people apart"), this);
  identities_check_->setToolTip(tr("One card and one timeline row per person, recognised from face descriptors "
                                   "computed on this machine."));
  form->addRow(tr("Identities"), identities_check_);
  connect(identities_check_, &QCheckBox::toggled, this, [this](bool on) {
    shown_.identities = on;
    edited();
  });
  gallery_edit_ = new QLineEdit(this);
  gallery_edit_->setReadOnly(true);
  gallery_edit_->setPlaceholderText(tr("none"));
  gallery_browse_ = new QPushButton(tr("Browse…"), this);
  gallery_clear_ = new QPushButton(tr("Clear"), this);
  auto* gallery_row = row(gallery_edit_, gallery_browse_);
  gallery_row->addWidget(gallery_clear_);
  form->addRow(tr("Known people"), gallery_row);
  connect(gallery_browse_, &QPushButton::clicked, this, [this] {
    const QString start = shown_.people_gallery.isEmpty() ? qstr(default_people_gallery_path()) : shown_.people_gallery;
    const QString path = QFileDialog::getOpenFileName(this, tr("Known people"), start,
                                                      tr("People galleries (*.json);;All files (*)"));
    if (path.isEmpty()) return;
    if (!QFileInfo(path).isReadable()) {
      emit errorOccurred(tr("Known people"), tr("%1 cannot be read.").arg(path));
      return;
    }
    shown_.people_gallery = path;
    edited();
  });
  connect(gallery_clear_, &QPushButton::clicked, this, [this] {
    shown_.people_gallery.clear();
    edited();
  });

  auto* note = new QLabel(tr("Detector, model, smoothing, expression sensitivity, detection interval, device, "
                             "identities and known people "
                             "apply when the source (re)starts; the minimum confidence applies at once. Known people "
                             "(File → Save people…) are face descriptors: biometric data that stays on this machine."),
                          this);
  note->setWordWrap(true);
  note->setStyleSheet("color: gray;");
  form->addRow(note);

  detector_combo_->setAccessibleName(tr("Face detector"));
  model_combo_->setAccessibleName(tr("Emotion model"));
  smoothing_slider_->setAccessibleName(tr("Smoothing time in milliseconds"));
  confidence_slider_->setAccessibleName(tr("Minimum confidence in percent"));
  sensitivity_combo_->setAccessibleName(tr("Expression sensitivity"));
  interval_spin_->setAccessibleName(tr("Run the face detector every N frames"));
  device_combo_->setAccessibleName(tr("Inference device"));
  identities_check_->setAccessibleName(tr("Tell people apart"));
  gallery_edit_->setAccessibleName(tr("Known people file"));
  showModels();
}

void SettingsPanel::edited() {
  showValueLabels();
  if (!syncing_) apply(shown_);
}

bool SettingsPanel::apply(const AppSettings& edited) {
  AppSettings next = edited.withinLimits();
  QString error;
  const bool detector_changed = next.detector != accepted_.detector || next.detectorModel() != accepted_.detectorModel();
  if (detector_changed && !check_detector(next, &error)) {
    if (error.isEmpty()) {  // a DNN detector without its file: chosen, the picker asks for the file
      AppSettings chosen = accepted_;
      chosen.detector = next.detector;
      setSettings(chosen);
      emit settingsChanged(accepted_);
      emit message(tr("Choose the detector's model file (Browse…)."));
    } else {
      setSettings(accepted_);
      emit errorOccurred(tr("Face detector"), error);
    }
    return false;
  }
  if (next.device != accepted_.device) {
    if (next.device == DeviceChoice::kCuda && !cuda_available()) error = tr("CUDA is not available on this machine.");
    else if (models_.hasModel() && !models_.load(models_.activePath(), next.device, &error)) error.prepend(tr("The device stays as it was. "));
    if (!error.isEmpty()) {
      setSettings(accepted_);
      emit errorOccurred(tr("Device"), error);
      return false;
    }
  }
  setSettings(next);
  emit settingsChanged(accepted_);
  return true;
}

bool SettingsPanel::chooseModel(const QString& path) {
  QString error;
  if (!models_.load(path, accepted_.device, &error)) {
    const ModelSpec& spec = models_.activeSpec();
    const QString kept = models_.hasModel() ? tr("The previous model (%1 %2) stays active.").arg(qstr(spec.name), qstr(spec.version))
                                            : tr("No model is active.");
    showModels();
    emit errorOccurred(tr("Model not loaded"), error + "\n\n" + kept);
    return false;
  }
  AppSettings next = accepted_;
  next.model_path = path;
  next.last_open_dir = QFileInfo(path).absolutePath();
  setSettings(next);
  emit settingsChanged(accepted_);
  emit message(tr("Model %1 %2 loaded (%3)").arg(qstr(models_.activeSpec().name), qstr(models_.activeSpec().version), models_.deviceName()));
  return true;
}

void SettingsPanel::showValueLabels() {
  const bool haar = shown_.detector == DetectorKind::kHaar;
  const bool shipped_yunet = shown_.detector == DetectorKind::kYuNet && shown_.yunet_model.isEmpty();
  detector_model_edit_->setText(haar ? tr("(built-in cascade)")
                                : shipped_yunet && !shown_.detectorModel().isEmpty() ? tr("(shipped YuNet)")
                                                                                       : shown_.detectorModel());
  detector_model_edit_->setToolTip(shown_.detectorModel());
  detector_browse_->setEnabled(!haar);
  smoothing_label_->setText(shown_.smoothing_ms <= 0 ? tr("off") : tr("%1 ms").arg(shown_.smoothing_ms));
  confidence_label_->setText(QString("%1%").arg(std::lround(shown_.min_confidence * 100)));
  record_dir_edit_->setText(shown_.record_dir);
  gallery_edit_->setText(shown_.people_gallery);
  gallery_edit_->setToolTip(shown_.people_gallery);
  for (QWidget* w : {static_cast<QWidget*>(gallery_edit_), static_cast<QWidget*>(gallery_browse_)}) w->setEnabled(shown_.identities);
  gallery_clear_->setEnabled(shown_.identities && !shown_.people_gallery.isEmpty());
}

void SettingsPanel::setSettings(const AppSettings& settings) {
  syncing_ = true;
  accepted_ = settings;
  shown_ = settings;
  const AppSettings value = settings;  // widget signals below write into shown_
  detector_combo_->setCurrentIndex(detector_combo_->findData(static_cast<int>(value.detector)));
  smoothing_slider_->setValue(static_cast<int>(value.smoothing_ms));
  confidence_slider_->setValue(static_cast<int>(std::lround(value.min_confidence * 100)));
  interval_spin_->setValue(value.detect_every);
  int sensitivity = -1;
  for (int i = 0; i < sensitivity_combo_->count() && sensitivity < 0; ++i) {
    if (std::abs(sensitivity_combo_->itemData(i).toDouble() - value.neutral_prior) < 1e-6) sensitivity = i;
  }
  if (sensitivity < 0) {
    sensitivity_combo_->addItem(tr("Custom (neutral prior × %1)").arg(value.neutral_prior), value.neutral_prior);
    sensitivity = sensitivity_combo_->count() - 1;
  }
  sensitivity_combo_->setCurrentIndex(sensitivity);
  device_combo_->setCurrentIndex(device_combo_->findData(static_cast<int>(value.device)));
  identities_check_->setChecked(value.identities);
  shown_ = value;
  showValueLabels();
  syncing_ = false;
}

void SettingsPanel::showModels() {
  const QSignalBlocker block(model_combo_);
  const QString active_file = QFileInfo(models_.activePath()).canonicalFilePath();
  model_combo_->clear();
  int current = -1;
  for (const ModelEntry& e : models_.entries()) {
    model_combo_->addItem(e.name, e.path);
    if (!e.installed) disable_item(model_combo_, model_combo_->count() - 1);
    if (e.installed && !active_file.isEmpty() && QFileInfo(e.path).canonicalFilePath() == active_file) current = model_combo_->count() - 1;
  }
  model_combo_->addItem(tr("Open model…"), kOpenModel);
  model_combo_->setCurrentIndex(current);
}

}  // namespace emoscope::ui
