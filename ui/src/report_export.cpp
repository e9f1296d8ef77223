#include "emoscope/ui/report_export.hpp"

#include <QMetaObject>
#include <QStringList>

#include "emoscope/report.hpp"
#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

ReportExport::ReportExport(QObject* parent) : QObject(parent) {}

ReportExport::~ReportExport() {
  if (thread_.joinable()) thread_.join();  // its queued finished() dies with this object, unsent
}

bool ReportExport::start(const QString& input, const QString& out_html, bool replace_existing,
                         std::shared_ptr<const void> keep) {
  if (running()) return false;
  ReportOptions options;
  options.replace_existing = replace_existing;
  thread_ = std::thread([this, in = sstr(input), out = sstr(out_html), options, out_html, keep = std::move(keep)]() mutable {
    auto result = std::make_shared<Result<ReportStats>>(write_report(in, out, options));
    keep.reset();  // the input's folder may go now
    QMetaObject::invokeMethod(this, [this, result, out_html] {
      thread_.join();  // it has returned: only the posting is left
      if (!*result) return emit finished(false, out_html, error_text(result->error()), 0, 0);
      const ReportStats& stats = result->value();
      QStringList warnings;
      for (const std::string& w : stats.warnings) warnings << qstr(w);
      emit finished(true, out_html, warnings.join('\n'), stats.people, static_cast<qulonglong>(stats.bytes));
    }, Qt::QueuedConnection);
  });
  return true;
}

}  // namespace emoscope::ui
