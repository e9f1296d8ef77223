// write_report (report.hpp): stub until the report lands.
#include "emoscope/report.hpp"

namespace emoscope {

Result<ReportStats> write_report(const std::filesystem::path& input, const std::filesystem::path& out_html,
                                 const ReportOptions& options) {
  (void)input;
  (void)out_html;
  (void)options;
  return Error{ErrorCode::kUsage, "the report is not written yet"};
}

}  // namespace emoscope
