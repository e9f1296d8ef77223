// read_run (report_model.hpp): a run's summary JSON and frames CSV into the report's figures.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <iterator>
#include <fstream>
#include <map>
#include <sstream>

#include "emoscope/recorder.hpp"
#include "report_model.hpp"

namespace emoscope::report {

namespace {

Error unreadable(const fs::path& path, const std::string& why) {
  return {ErrorCode::kInputUnreadable, "cannot read '" + path.string() + "': " + why};
}

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(v);
}
bool parse_long(const std::string& s, long& v) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

// The bin width: the smallest of these steps that keeps a timeline within kMaxBins points.
constexpr int kMaxBins = 3600;
double bin_width(double duration_s) {
  static const double steps[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600};
  for (double s : steps)
    if (duration_s / s <= kMaxBins) return s;
  return std::ceil(duration_s / kMaxBins / 3600) * 3600;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

fs::path find_csv(const fs::path& summary, const ReportOptions& options) {
  if (!options.csv.empty()) return options.csv;
  std::error_code ec;
  const fs::path same_stem = summary.parent_path() / (summary.stem().string() + ".csv");
  if (fs::is_regular_file(same_stem, ec)) return same_stem;
  const fs::path frames = summary.parent_path() / "frames.csv";
  if (fs::is_regular_file(frames, ec)) return frames;
  return {};
}

}  // namespace

std::string Person::key() const { return "P" + std::to_string(id); }

fs::path report_beside(const fs::path& summary) {
  return summary.parent_path() / (summary.stem().string() + ".report.html");
}

Result<Run> read_run(const fs::path& summary_path, const ReportOptions& options) {
  Run run;
  run.summary_path = summary_path;
  std::error_code ec;
  if (!fs::exists(summary_path, ec)) return unreadable(summary_path, "no such file");
  if (!fs::is_regular_file(summary_path, ec)) return unreadable(summary_path, "not a regular file");
  const auto text = read_file(summary_path);
  if (!text) return unreadable(summary_path, "it cannot be opened");
  run.summary = ojson::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (run.summary.is_discarded())
    return unreadable(summary_path, "not valid JSON (a summary cut short or damaged?)");
  const ojson& header = field(run.summary, "header");
  if (!field(header, "format").is_string() || field(header, "format").get<std::string>() != "emoscope-summary")
    return unreadable(summary_path, "not an Emoscope summary (its header.format is not emoscope-summary)");
  for (const ojson& l : field(field(header, "model"), "labels"))
    if (l.is_string()) run.labels.push_back(l.get<std::string>());
  if (run.labels.empty()) return unreadable(summary_path, "the summary names no model labels (header.model.labels)");
  const ojson& source = field(header, "source");
  run.images = field(source, "kind") == "images";
  run.identities = !field(header, "identity").is_null();

  // The people (faces) the summary lists, in its order.
  std::map<int, std::size_t> index;
  for (const ojson& p : field(run.summary, run.identities ? "people" : "faces")) {
    if (!field(p, "id").is_number_integer()) continue;
    Person person;
    person.id = field(p, "id").get<int>();
    person.summary = p;
    if (field(p, "name").is_string()) person.name = field(p, "name").get<std::string>();
    const ojson& portrait = field(p, "portrait");
    const ojson& box = field(portrait, "box");
    const bool box_ok = box.is_array() && box.size() == 4 &&
                        std::all_of(box.begin(), box.end(), [](const ojson& v) { return v.is_number_integer(); });
    if (field(portrait, "frame").is_number_integer() && box_ok) {
      person.has_portrait = true;
      person.portrait_at.frame = field(portrait, "frame").get<long>();
      person.portrait_at.box = cv::Rect(box[0].get<int>(), box[1].get<int>(), box[2].get<int>(), box[3].get<int>());
      if (field(portrait, "time_ms").is_number()) person.portrait_time_s = field(portrait, "time_ms").get<double>() / 1000;
      person.portrait_at.time_s = person.portrait_time_s;
    }
    index.emplace(person.id, run.people.size());
    run.people.push_back(std::move(person));
  }

  // The CSV.
  run.csv_path = find_csv(summary_path, options);
  if (run.csv_path.empty())
    return Error{ErrorCode::kInputUnreadable,
                 "no frames CSV beside '" + summary_path.string() + "' (looked for " + summary_path.stem().string() +
                     ".csv and frames.csv); name it"};
  if (!fs::is_regular_file(run.csv_path, ec)) return unreadable(run.csv_path, "no such file");
  const auto csv = read_file(run.csv_path);
  if (!csv) return unreadable(run.csv_path, "it cannot be opened");
  std::size_t pos = 0;
  std::vector<std::string> row;
  if (!read_csv_record(*csv, pos, row) || row.size() < 2)
    return unreadable(run.csv_path, "empty, or not an Emoscope frames CSV");
  std::map<std::string, int> column;
  for (std::size_t i = 0; i < row.size(); ++i) column.emplace(row[i], static_cast<int>(i));
  const char* required[] = {"time_s", "frame", "success", "face_id", "person_id", "x", "y", "w", "h", "label"};
  for (const char* name : required)
    if (!column.count(name))
      return unreadable(run.csv_path, std::string("not an Emoscope frames CSV: it has no '") + name + "' column");
  std::vector<int> p_column;
  for (const std::string& label : run.labels) {
    const auto it = column.find("p_" + label);
    if (it == column.end())
      return unreadable(run.csv_path, "it has no p_" + label + " column: its model is not the summary's (" +
                                          summary_path.string() + ")");
    p_column.push_back(it->second);
  }
  const std::size_t width = column.size();
  const int c_time = column["time_s"], c_frame = column["frame"], c_success = column["success"],
            c_face = column["face_id"], c_person = column["person_id"], c_x = column["x"], c_y = column["y"],
            c_w = column["w"], c_h = column["h"], c_label = column["label"];
  const int c_image = column.count("image") ? column["image"] : -1;
  const int c_name = column.count("person") ? column["person"] : -1;
  const int c_detected = column.count("detected") ? column["detected"] : -1;
  const int c_score = column.count("face_score") ? column["face_score"] : -1;

  // Duration: the summary's, else the CSV's last time (found in a first pass below when needed).
  double duration = field(run.summary, "duration_s").is_number() ? field(run.summary, "duration_s").get<double>() : -1;
  const long summary_frames = field(run.summary, "frames").is_number_integer() ? field(run.summary, "frames").get<long>() : -1;
  if (run.images) duration = static_cast<double>(std::max<long>(summary_frames, 1));

  struct Row {
    double t;
    long frame;
    int key;
    const std::string* name;
    cv::Rect box;
    std::string image;
    bool detected;
    double score;
    bool has_label;
    float p[16];
  };
  // One pass: parse into compact rows (the text is released afterwards by the caller's scope).
  std::vector<Row> rows;
  std::deque<std::string> names;  // person names met; a deque keeps Row::name valid as it grows
  long malformed = 0;
  long last_frame = -1, last_face_frame = -1;
  double max_t = 0;
  const bool cut_short = !csv->empty() && csv->back() != '\n';
  const std::size_t nl = std::min<std::size_t>(run.labels.size(), 16);
  while (pos < csv->size()) {
    const std::size_t start = pos;
    const bool whole = read_csv_record(*csv, pos, row);
    if (pos == start) break;
    if (row.size() == 1 && row[0].empty()) continue;  // a blank line
    if (!whole || row.size() != width) {
      if (!(cut_short && pos >= csv->size())) ++malformed;
      continue;
    }
    if (cut_short && pos >= csv->size()) break;  // the last row, cut short by a killed run
    long frame = -1;
    if (!parse_long(row[c_frame], frame) || frame < 0) {
      ++malformed;
      continue;
    }
    if (frame != last_frame) {
      ++run.quality.processed;
      last_frame = frame;
      double t = 0;
      if (std::isnan(run.first_time_s) && parse_double(row[c_time], t)) run.first_time_s = t;
    }
    if (row[c_success] != "1") continue;
    ++run.quality.face_rows;
    if (frame != last_face_frame) ++run.quality.with_face;
    last_face_frame = frame;
    const bool has_label = !row[c_label].empty();
    if (!has_label) ++run.quality.rows_without_label;
    long key = -1;
    if (!parse_long(row[run.identities ? c_person : c_face], key) || key <= 0) {
      if (run.identities) ++run.quality.rows_without_person;
      continue;
    }
    Row r{};
    double t = 0;
    r.t = run.images ? static_cast<double>(frame) : (parse_double(row[c_time], t) ? t : kNoTime);
    if (std::isnan(r.t)) {
      ++malformed;
      continue;
    }
    max_t = std::max(max_t, r.t);
    r.frame = frame;
    r.key = static_cast<int>(key);
    r.name = nullptr;
    if (c_name >= 0 && !row[c_name].empty()) {
      auto it = std::find(names.begin(), names.end(), row[c_name]);
      if (it == names.end()) {
        names.push_back(row[c_name]);
        it = std::prev(names.end());
      }
      r.name = &*it;
    }
    long x = 0, y = 0, w = 0, h = 0;
    parse_long(row[c_x], x), parse_long(row[c_y], y), parse_long(row[c_w], w), parse_long(row[c_h], h);
    r.box = cv::Rect(static_cast<int>(x), static_cast<int>(y), static_cast<int>(w), static_cast<int>(h));
    if (run.images && c_image >= 0) r.image = row[c_image];
    r.detected = c_detected >= 0 && row[c_detected] == "1";
    r.score = 0;
    if (c_score >= 0) parse_double(row[c_score], r.score);
    r.has_label = has_label;
    for (std::size_t i = 0; i < nl; ++i) {
      double p = 0;
      r.p[i] = parse_double(row[p_column[i]], p) ? static_cast<float>(p) : 0.0f;
    }
    rows.push_back(std::move(r));
  }
  if (cut_short) run.warnings.push_back("the CSV ends in the middle of a row (a run that was killed?): that row is left out");
  if (malformed > 0)
    run.warnings.push_back(std::to_string(malformed) + " row(s) of the CSV could not be read and are left out");
  if (summary_frames >= 0 && run.quality.processed < summary_frames)
    run.warnings.push_back("the CSV holds " + std::to_string(run.quality.processed) + " processed frame(s), the summary says " +
                           std::to_string(summary_frames) + ": the CSV is incomplete");
  if (run.labels.size() > 16) run.warnings.push_back("only the first 16 labels are drawn");
  if (duration <= 0) duration = max_t > 0 ? max_t : 1;
  run.duration_s = duration;
  run.bin_s = run.images ? 1.0 : bin_width(duration);
  const std::size_t nbins = static_cast<std::size_t>(std::floor(duration / run.bin_s)) + 1;

  // Per person: bins, moments, fallback portrait.
  std::vector<std::vector<double>> sums;  // per person: nbins x labels
  std::vector<std::vector<int>> counts;
  auto person_of = [&](const Row& r) -> std::size_t {
    auto it = index.find(r.key);
    if (it == index.end()) {
      Person p;
      p.id = r.key;
      it = index.emplace(r.key, run.people.size()).first;
      run.people.push_back(std::move(p));
    }
    return it->second;
  };
  for (const Row& r : rows) {
    const std::size_t i = person_of(r);
    if (sums.size() < run.people.size()) {
      sums.resize(run.people.size());
      counts.resize(run.people.size());
    }
    Person& person = run.people[i];
    if (sums[i].empty()) {
      sums[i].assign(nbins * nl, 0.0);
      counts[i].assign(nbins, 0);
      person.moments.assign(nl, Moment{});
    }
    if (person.name.empty() && r.name) person.name = *r.name;
    const std::size_t b = std::min(nbins - 1, static_cast<std::size_t>(std::max(0.0, std::floor(r.t / run.bin_s))));
    ++counts[i][b];
    for (std::size_t l = 0; l < nl; ++l) {
      sums[i][b * nl + l] += r.p[l];
      if (r.p[l] > person.moments[l].p) {
        Moment& m = person.moments[l];
        m.p = r.p[l];
        m.time_s = run.images ? kNoTime : r.t;
        m.at = {r.frame, r.image, r.box, r.t};
      }
    }
    if (!person.has_portrait && r.detected) {
      const double clarity = (r.score > 0 ? r.score : 0.5) * std::sqrt(static_cast<double>(r.box.area()));
      if (clarity > person.best_score) {
        person.best_score = clarity;
        person.portrait_at = {r.frame, r.image, r.box, r.t};
        person.portrait_time_s = run.images ? kNoTime : r.t;
      }
    }
    if (person.has_portrait && run.images && person.portrait_at.frame == r.frame && person.portrait_at.image.empty())
      person.portrait_at.image = r.image;
  }
  for (std::size_t i = 0; i < run.people.size(); ++i) {
    Person& person = run.people[i];
    if (person.moments.empty()) person.moments.assign(nl, Moment{});
    if (!person.has_portrait && person.best_score < 0 && i < sums.size() && !sums[i].empty()) {
      // Never detected: the first view of it.
      for (const Row& r : rows)
        if (r.key == person.id) {
          person.portrait_at = {r.frame, r.image, r.box, r.t};
          person.portrait_time_s = run.images ? kNoTime : r.t;
          person.best_score = 0;
          break;
        }
    }
    person.bins.assign(nl, std::vector<std::int16_t>(nbins, -1));
    if (i >= sums.size() || sums[i].empty()) continue;
    for (std::size_t b = 0; b < nbins; ++b) {
      if (counts[i][b] == 0) continue;
      for (std::size_t l = 0; l < nl; ++l)
        person.bins[l][b] = static_cast<std::int16_t>(std::lround(1000.0 * sums[i][b * nl + l] / counts[i][b]));
    }
  }
  if (run.labels.size() > nl) run.labels.resize(nl);
  return run;
}

}  // namespace emoscope::report
