// StatusFields: the permanent fields of the status bar: recording state,
// processed frames per second, detector and classifier latency (milliseconds),
// frames dropped by the live preview, and the inference device.
// UI thread only.
#pragma once

#include <QString>
#include <QWidget>

class QLabel;

namespace emoscope::ui {

struct SessionUpdate;

class StatusFields : public QWidget {
  Q_OBJECT
 public:
  explicit StatusFields(QWidget* parent = nullptr);

  void showUpdate(const SessionUpdate& update);  // FPS, latencies, drops
  void setDevice(const QString& device);
  void setRecording(const QString& text, const QString& tooltip = {});
  QString text() const;  // every field, joined with " | "

 private:
  QLabel* record_ = nullptr;
  QLabel* fps_ = nullptr;
  QLabel* detect_ = nullptr;
  QLabel* classify_ = nullptr;
  QLabel* dropped_ = nullptr;
  QLabel* device_ = nullptr;
};

}  // namespace emoscope::ui
