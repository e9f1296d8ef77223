// read_study (report_model.hpp): a batch folder's inputs through its manifests
// (batch.hpp's read_batch_manifests, the reader merge uses), each finished
// input's summary, and its own report when one was made beside it.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "emoscope/batch.hpp"
#include "report_model.hpp"

namespace emoscope::report {

namespace {

std::string text_of(const ojson& j) { return j.is_string() ? j.get<std::string>() : std::string(); }

ojson read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream s;
  s << in.rdbuf();
  ojson j = ojson::parse(s.str(), nullptr, false);
  return j.is_discarded() ? ojson(nullptr) : j;
}

}  // namespace

Result<Study> read_study(const fs::path& dir) {
  long broken = 0;
  auto entries = read_batch_manifests(dir.string(), &broken);
  if (!entries) return entries.error();
  Study study;
  study.dir = dir;
  if (broken > 0)
    study.warnings.push_back(std::to_string(broken) + " manifest line(s) cut short (a killed batch?) were skipped");
  for (const ManifestEntry& e : *entries) {
    const ojson line = ojson::parse(e.json, nullptr, false);
    StudyInput in;
    in.key = e.key;
    in.path = text_of(field(line, "path"));
    const fs::path folder = dir / e.key;
    const ojson stamp = read_json(folder / "done.json");
    std::error_code ec;
    if (!stamp.is_null()) {
      in.summary_path = folder / "summary.json";
      in.summary = read_json(in.summary_path);
      if (in.summary.is_null() || field(field(in.summary, "header"), "format") != "emoscope-summary") {
        in.status = "unreadable";
        in.error = "its summary.json is missing or damaged";
        in.summary = nullptr;
      } else {
        in.status = "done";
        in.warning = text_of(field(stamp, "warning"));
        if (field(stamp, "seconds").is_number()) in.seconds = field(stamp, "seconds").get<double>();
        if (field(in.summary, "duration_s").is_number()) in.duration_s = field(in.summary, "duration_s").get<double>();
        if (field(in.summary, "frames").is_number_integer()) in.frames = field(in.summary, "frames").get<long>();
        for (const ojson& l : field(field(field(in.summary, "header"), "model"), "labels"))
          if (l.is_string() && std::find(study.labels.begin(), study.labels.end(), l.get<std::string>()) == study.labels.end())
            study.labels.push_back(l.get<std::string>());
        const fs::path own = report_beside(in.summary_path);
        if (fs::is_regular_file(own, ec)) in.report_path = own;
      }
    } else {
      in.status = text_of(field(line, "status"));
      if (in.status.empty() || in.status == "done" || in.status == "skipped") in.status = "missing";
      in.error = text_of(field(line, "error"));
      if (in.status == "missing") in.error = "the manifest says it finished, but its folder has no done.json";
      if (field(line, "seconds").is_number()) in.seconds = field(line, "seconds").get<double>();
    }
    study.inputs.push_back(std::move(in));
  }
  return study;
}

}  // namespace emoscope::report
