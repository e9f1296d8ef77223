// ReportExport: File → Export report… off the UI thread. start() runs core's
// write_report() (report.hpp: blocking; it reads the CSV and decodes video
// frames for thumbnails) on a std::thread of its own, as the batch queue runs
// its batch, and emits finished() on the UI thread once it has returned. One
// report at a time. write_report cannot be interrupted: the destructor waits
// for a running one. Every method: UI thread only.
#pragma once

#include <memory>
#include <thread>

#include <QObject>
#include <QString>

namespace emoscope::ui {

class ReportExport : public QObject {
  Q_OBJECT
 public:
  explicit ReportExport(QObject* parent = nullptr);
  ~ReportExport() override;

  // Writes the report of `input` (a run's summary JSON, or a batch output
  // folder) to `out_html`, replacing an existing file only with
  // `replace_existing` (the user agreed). `keep` is held until the report is
  // written (the folder `input` is in). False, nothing started, while a
  // report is being written.
  bool start(const QString& input, const QString& out_html, bool replace_existing, std::shared_ptr<const void> keep = {});
  bool running() const { return thread_.joinable(); }

 signals:
  // ok: `message` lists write_report's warnings ("" for none), `people` and
  // `bytes` what it wrote. Not ok: `message` is the error, worded for the app.
  void finished(bool ok, const QString& out_html, const QString& message, int people, qulonglong bytes);

 private:
  std::thread thread_;
};

}  // namespace emoscope::ui
