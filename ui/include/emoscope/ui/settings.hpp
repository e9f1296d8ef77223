// AppSettings: the user's choices, persisted with QSettings (organisation
// "Emoscope", application "Emoscope" unless the app sets others). Plain value
// type; load()/save() must run on the UI thread (QSettings is reentrant, not
// shared). Units: smoothing in milliseconds, confidence 0..1, detection
// interval in frames.
#pragma once

#include <QMetaType>
#include <QString>

#include "emoscope/classifier.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/run_options.hpp"
#include "emoscope/ui/session.hpp"

namespace emoscope::ui {

// The run's settings (detector, smoothing, minimum confidence, detection
// interval, device, identities) take their defaults and ranges from core's
// RunOptions (run_options.hpp), as the CLI does.
struct AppSettings {
  DetectorKind detector = DetectorOptions{}.kind;
  QString yunet_model;          // model file for YuNet; empty = the shipped one
  QString ssd_model;            // model file for the SSD (.pb; .pbtxt next to it)
  QString model_path;           // empty = core default_model_path()
  double smoothing_ms = TrackerOptions{}.smoothing_ms;  // tracker EMA time constant
  double min_confidence = RunOptions{}.min_confidence;  // below this the label reads "?"
  int detect_every = PipelineOptions{}.detect_every;  // run the face detector at least every N frames
  DeviceChoice device = ClassifierOptions{}.device;
  double neutral_prior = ClassifierOptions{}.neutral_prior;  // expression sensitivity: the prior shift (classifier.hpp)
  QString record_dir;           // where recordings go (a subfolder per session)
  QString last_open_dir;
  QString batch_input_dir;      // the last folder queued (File → Open folder…)
  QString batch_output_dir;     // where its results went: offered again for that folder
  QString camera;               // spec of the last used camera
  bool mirror_camera = false;   // show cameras like a mirror (flipped left to right)
  bool identities = IdentityOptions{}.enabled;  // tell people apart (face descriptors, people.hpp)
  QString people_gallery;       // known people to name (a gallery file, read only); empty = none

  static AppSettings load();  // values out of core's ranges (a hand-edited file) are clamped into them
  AppSettings withinLimits() const;  // each ranged value clamped into core's range (limits)
  void save() const;
  // The model file of the chosen detector by core's rule (resolve_detector_model):
  // YuNet's (the shipped one when yunet_model is empty), the SSD's, opencv-data's
  // cascade for Haar; "" when there is none.
  QString detectorModel() const;
  // The same settings with `kind` chosen and, when given, its model file.
  AppSettings withDetector(DetectorKind kind, const QString& model_file = {}) const;
  // A session's detector, device, pipeline, identity and overlay settings from these (source and mode unset).
  SessionConfig sessionConfig() const;
};

// Whether the chosen detector can be created with its model file. False with an
// empty `error` when a DNN detector has no model file yet, with the reason otherwise.
bool check_detector(const AppSettings& settings, QString* error);

}  // namespace emoscope::ui

Q_DECLARE_METATYPE(emoscope::ui::AppSettings)
