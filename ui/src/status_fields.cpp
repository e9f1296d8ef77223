#include "emoscope/ui/status_fields.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QStringList>

#include "emoscope/ui/session.hpp"

namespace emoscope::ui {

StatusFields::StatusFields(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto field = [&](const QString& text) {
    auto* label = new QLabel(text, this);
    label->setMinimumWidth(90);
    layout->addWidget(label);
    return label;
  };
  record_ = field({});
  fps_ = field(tr("FPS –"));
  detect_ = field(tr("detect – ms"));
  classify_ = field(tr("classify – ms"));
  dropped_ = field(tr("dropped 0"));
  device_ = field(tr("device –"));
}

void StatusFields::showUpdate(const SessionUpdate& u) {
  fps_->setText(tr("FPS %1").arg(u.fps, 0, 'f', 1));
  detect_->setText(tr("detect %1 ms").arg(u.detect_ms, 0, 'f', 1));
  classify_->setText(tr("classify %1 ms").arg(u.classify_ms, 0, 'f', 1));
  dropped_->setText(tr("dropped %1").arg(u.dropped));
}

void StatusFields::setDevice(const QString& device) { device_->setText(tr("device %1").arg(device)); }

void StatusFields::setRecording(const QString& text, const QString& tooltip) {
  record_->setText(text);
  record_->setToolTip(tooltip);
}

QString StatusFields::text() const {
  return QStringList{fps_->text(), detect_->text(), classify_->text(), dropped_->text(), device_->text(), record_->text()}
      .join(" | ");
}

}  // namespace emoscope::ui
