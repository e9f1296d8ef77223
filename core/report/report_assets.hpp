// The report's scripts and styles, compiled into the library from resources/
// (core/report/embed_assets.cmake), so a report is written from any folder and
// from the installed package without looking for files. NUL-terminated text.
#pragma once

namespace emoscope::report_assets {

extern const char kUplotJs[];   // resources/vendor/uplot/uPlot.iife.min.js (MIT, see its README.md)
extern const char kUplotCss[];  // resources/vendor/uplot/uPlot.min.css
extern const char kUplotLicense[];  // resources/vendor/uplot/LICENSE, inlined into every report as a comment
extern const char kReportJs[];  // resources/report/report.js: draws the charts from the report's data
extern const char kReportCss[]; // resources/report/report.css: screen and print

}  // namespace emoscope::report_assets
