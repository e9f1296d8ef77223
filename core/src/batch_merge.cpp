// batch.hpp: merge_batch(), every shard's results joined into people.csv and inputs.csv.
#include "emoscope/batch.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include <spdlog/spdlog.h>

#include "emoscope/recorder.hpp"
#include "batch_files.hpp"

namespace emoscope {
using namespace batch_files;

// ---- merge ----------------------------------------------------------------

namespace {

std::string csv_number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}
std::string csv_value(const ojson& v, int decimals = 3) {
  if (v.is_null()) return "";
  if (v.is_number_integer() || v.is_number_unsigned()) return std::to_string(v.get<long long>());
  if (v.is_number()) return csv_number(v.get<double>(), decimals);
  if (v.is_string()) return csv_escape(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  return "";
}

// j[key] without inserting or asserting: null when j is not an object or lacks it.
const ojson& field(const ojson& j, const char* key) {
  static const ojson null_value;
  if (!j.is_object()) return null_value;
  const auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

}  // namespace

Result<std::vector<ManifestEntry>> read_batch_manifests(const std::string& dir, long* broken) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{ErrorCode::kInputUnreadable, "'" + dir + "' is not a folder"};
  struct Line {
    std::string text;
    std::string time;
  };
  std::map<std::string, Line> latest;
  std::vector<fs::path> manifests;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("manifest-", 0) == 0 && it->path().extension() == ".jsonl") manifests.push_back(it->path());
  }
  std::sort(manifests.begin(), manifests.end());
  if (manifests.empty()) return Error{ErrorCode::kInputUnreadable, "no manifest-*.jsonl in '" + dir + "': not a batch folder"};
  long cut = 0;
  for (const fs::path& m : manifests) {
    std::ifstream in(m);
    std::string text;
    while (std::getline(in, text)) {
      if (text.empty()) continue;
      ojson j = ojson::parse(text, nullptr, false);
      if (j.is_discarded() || !j.is_object() || !j.contains("key") || !j["key"].is_string()) {
        ++cut;  // a line cut short by a kill
        continue;
      }
      const std::string key = j["key"].get<std::string>();
      const ojson& t = field(j, "time");
      const std::string time = t.is_string() ? t.get<std::string>() : std::string();
      auto it = latest.find(key);
      if (it == latest.end() || time >= it->second.time) latest[key] = {text, time};
    }
  }
  if (broken) *broken = cut;
  std::vector<ManifestEntry> entries;
  for (auto& [key, line] : latest) entries.push_back({key, std::move(line.text)});
  return entries;
}

Result<MergeReport> merge_batch(const std::string& dir) {
  long broken = 0;
  auto entries = read_batch_manifests(dir, &broken);
  if (!entries) return entries.error();
  if (broken > 0) spdlog::warn("merge: {} manifest line(s) cut short were skipped", broken);
  struct Line {
    ojson j;
  };
  std::map<std::string, Line> latest;
  for (const ManifestEntry& e : *entries) latest[e.key] = {ojson::parse(e.json, nullptr, false)};

  MergeReport report;
  std::vector<std::string> labels;  // every label seen, in order of first sight
  struct Row {
    std::string key;
    ojson summary, stamp;
    const ojson* line;
  };
  std::vector<Row> rows;
  for (const auto& [key, line] : latest) {
    Row r{key, nullptr, nullptr, &line.j};
    const fs::path folder = fs::path(dir) / key;
    if (auto stamp = read_json(folder / kStampFile)) {
      if (auto summary = read_json(folder / "summary.json")) {
        r.stamp = *stamp;
        r.summary = *summary;
        for (const auto& l : field(field(field(r.summary, "header"), "model"), "labels"))
          if (l.is_string() && std::find(labels.begin(), labels.end(), l.get<std::string>()) == labels.end())
            labels.push_back(l.get<std::string>());
      }
    }
    rows.push_back(std::move(r));
  }

  std::string inputs_csv = "input,key,status,error,warning,duration_s,frames,persons,seconds\n";
  std::string people_csv = "input,key,person_id,person,frames,seconds_seen,first_seen_s,last_seen_s,mean_confidence";
  for (const std::string& l : labels) people_csv += "," + csv_escape("share_" + l);
  people_csv += ",dominant_label,model,model_version\n";
  for (const Row& r : rows) {
    const ojson& line = *r.line;
    const bool done = !r.summary.is_null();
    ++report.inputs;
    done ? ++report.done : ++report.failed;
    const std::string input = line.value("path", "");
    const ojson& s = r.summary;
    const ojson& header = field(s, "header");
    // With identities off a person is a face (track): the summary's faces[].
    const ojson& persons = field(s, field(header, "identity").is_null() ? "faces" : "people");
    inputs_csv += csv_escape(input) + "," + csv_escape(r.key) + "," +
                  (done ? std::string("done") : csv_escape(line.value("status", "failed"))) + "," +
                  (done ? std::string() : csv_value(field(line, "error"))) + "," +
                  (done ? csv_value(field(r.stamp, "warning")) : std::string()) + "," + csv_value(field(s, "duration_s")) +
                  "," + csv_value(field(s, "frames")) + "," +
                  (done ? std::to_string(persons.is_array() ? persons.size() : 0) : std::string()) + "," +
                  csv_value(field(done ? r.stamp : line, "seconds")) + "\n";
    if (!done || !persons.is_array()) continue;
    const ojson& model = field(header, "model");
    for (const ojson& p : persons) {
      const ojson& share = field(p, "label_share");
      people_csv += csv_escape(input) + "," + csv_escape(r.key) + "," + csv_value(field(p, "id")) + "," +
                    csv_value(field(p, "name")) + "," + csv_value(field(p, "frames")) + "," +
                    csv_value(field(p, "seconds_seen")) + "," + csv_value(field(p, "first_seen_s")) + "," +
                    csv_value(field(p, "last_seen_s")) + "," + csv_value(field(p, "mean_confidence"), 4);
      for (const std::string& l : labels) people_csv += "," + csv_value(field(share, l.c_str()), 4);
      people_csv += "," + csv_value(field(p, "dominant_label")) + "," + csv_value(field(model, "name")) + "," +
                    csv_value(field(model, "version")) + "\n";
      ++report.people_rows;
    }
  }
  if (MaybeError s = write_atomically(fs::path(dir) / "inputs.csv", inputs_csv)) return *s;
  if (MaybeError s = write_atomically(fs::path(dir) / "people.csv", people_csv)) return *s;
  return report;
}

}  // namespace emoscope
