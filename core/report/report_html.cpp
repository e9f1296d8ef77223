// run_html and study_html (report_model.hpp): the report's page. The text, tables
// and thumbnails are written here, so every section is in the page even where
// scripts do not run (a print, a mail client); the charts are drawn in the
// browser by resources/report/report.js with uPlot from the data block.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "emoscope/annotator.hpp"
#include "emoscope/version.hpp"
#include "report_assets.hpp"
#include "report_model.hpp"

namespace emoscope::report {

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, v);
  return buf;
}

// 75.3 s -> "1:15.3"; an hour or more: "1:02:03".
std::string clock(double s) {
  if (!std::isfinite(s)) return "–";
  char buf[48];
  s = std::round(s * 10) / 10;  // 59.97 s reads 1:00.0, not 0:60.0
  const long whole = static_cast<long>(std::floor(s));
  if (whole >= 3600)
    std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", whole / 3600, whole / 60 % 60, whole % 60);
  else
    std::snprintf(buf, sizeof(buf), "%ld:%04.1f", whole / 60, s - 60.0 * static_cast<double>(whole / 60));
  return buf;
}

std::string duration_text(double s) {
  if (!std::isfinite(s)) return "–";
  if (s < 60) return fmt("%.1f s", s);
  return clock(s) + " (" + fmt("%.0f s", s) + ")";
}

std::string pct(double share) { return std::isfinite(share) ? fmt("%.1f %%", 100 * share) : "–"; }

std::string text_of(const ojson& j) {
  if (j.is_null()) return "–";
  if (j.is_string()) return j.get<std::string>();
  if (j.is_boolean()) return j.get<bool>() ? "yes" : "no";
  if (j.is_number_integer() || j.is_number_unsigned()) return std::to_string(j.get<long long>());
  if (j.is_number()) {
    std::string s = fmt("%.4g", j.get<double>());
    return s;
  }
  return j.dump();
}

std::string num(const ojson& j, const char* format) { return j.is_number() ? fmt(format, j.get<double>()) : "–"; }

std::string colour_hex(const std::string& label) {
  const cv::Scalar c = label_colour(label);
  char buf[8];
  std::snprintf(buf, sizeof(buf), "#%02x%02x%02x", static_cast<int>(c[2]), static_cast<int>(c[1]), static_cast<int>(c[0]));
  return buf;
}

std::string row(const std::string& name, const std::string& value) {
  return "<tr><th scope=\"row\">" + escape_html(name) + "</th><td>" + escape_html(value) + "</td></tr>\n";
}

std::string head(const std::string& title) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"Emoscope " + escape_html(version()) + "\">\n"
                  "<title>" + escape_html(title) + "</title>\n";
  // Script errors are caught from the start, shown on the page and kept for tests (data-errors).
  h += "<script>window.reportErrors=[];window.addEventListener('error',function(e){window.reportErrors.push(String(e.message));"
       "document.documentElement.setAttribute('data-errors',String(window.reportErrors.length));});</script>\n";
  h += "<style>\n";
  h += report_assets::kUplotCss;
  h += "\n</style>\n<style>\n";
  h += report_assets::kReportCss;
  h += "\n</style>\n</head>\n<body>\n";
  return h;
}

// The charts' data common to both pages: which page, its labels and their colours.
ojson chart_data(const char* kind, const std::vector<std::string>& labels) {
  ojson data;
  data["kind"] = kind;
  data["labels"] = labels;
  ojson colours = ojson::array();
  for (const std::string& l : labels) colours.push_back(colour_hex(l));
  data["colors"] = colours;
  return data;
}

std::string tail(const ojson& data) {
  std::string t = "<script type=\"application/json\" id=\"report-data\">" + script_json(data) + "</script>\n";
  t += "<script>/* uPlot 1.6.32, https://github.com/leeoniya/uPlot\n";
  t += report_assets::kUplotLicense;
  t += "*/\n";
  t += report_assets::kUplotJs;
  t += "\n</script>\n<script>\n";
  t += report_assets::kReportJs;
  t += "\n</script>\n</body>\n</html>\n";
  return t;
}

std::string legend(const std::vector<std::string>& labels) {
  std::string s = "<p class=\"legend\">";
  for (const std::string& l : labels)
    s += "<span><i style=\"background:" + colour_hex(l) + "\"></i>" + escape_html(l) + "</span> ";
  return s + "</p>\n";
}

std::string warnings_html(const std::vector<std::string>& warnings) {
  if (warnings.empty()) return {};
  std::string s = "<section class=\"warnings\" id=\"warnings\"><h2>What is missing</h2><ul>\n";
  for (const std::string& w : warnings) s += "<li>" + escape_html(w) + "</li>\n";
  return s + "</ul></section>\n";
}

std::string person_title(const Run& run, const Person& p) {
  const std::string key = run.identities ? p.key() : "Face " + std::to_string(p.id);
  return p.name.empty() ? key : p.name + " (" + key + ")";
}

const char* kMeaning =
    "<section id=\"meaning\"><h2>What the numbers mean</h2>\n"
    "<ul>\n"
    "<li><b>Probabilities</b> are the emotion model's confidence, from 0 to 1, that a face shows each of its labels. "
    "They are calibrated (of faces read at 0.8, about 8 in 10 showed that label in the model's tests) and smoothed "
    "over time per face (the smoothing time is listed above), so a single odd frame does not flip a reading.</li>\n"
    "<li>A face's <b>label</b> in a frame is the label with the highest smoothed probability; its <b>confidence</b> "
    "is that probability. <b>Emotion shares</b> are the shares of the person's time on screen with each label.</li>\n"
    "<li><b>neutral</b> means the model saw none of its other expressions clearly enough: it is not the absence of "
    "feeling. The expression sensitivity (neutral prior) sets how readily faces are called neutral.</li>\n"
    "<li>A <b>strongest moment</b> is the frame with the highest smoothed probability of a label for that person.</li>\n"
    "<li>These are readings of facial <b>expressions</b>, not of what a person feels; they depend on light, pose and "
    "the model's training data. Do not base decisions about a person on them.</li>\n"
    "<li>Every figure is described in Emoscope's documentation: <b>docs/report.md</b> (this report) and "
    "<b>docs/output-formats.md</b> (the CSV and summary it is made from).</li>\n"
    "</ul></section>\n";

// The end of a page's main part: the fixed note on what the numbers mean, and the footer.
std::string page_end() {
  return std::string(kMeaning) + "</main>\n<footer>Made by Emoscope " + escape_html(version()) +
         ". Charts drawn with uPlot (MIT licence). Self-contained: this file loads nothing from the network.</footer>\n";
}

}  // namespace

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string script_json(const ojson& j) {
  const std::string text = j.dump(-1, ' ', false, ojson::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<') {
      out += "\\u003c";  // inside JSON strings only: "</script>" and "<!--" cannot end or open anything
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string run_html(const Run& run) {
  const ojson& header = field(run.summary, "header");
  const ojson& source = field(header, "source");
  const ojson& model = field(header, "model");
  const ojson& detector = field(header, "detector");
  const ojson& processing = field(header, "processing");
  const ojson& identity = field(header, "identity");
  const ojson& frames = field(header, "frames");
  const std::string source_name = text_of(field(source, "name"));
  const std::string base = fs::path(source_name).filename().string();

  std::string h = head("Emoscope report: " + base);
  h += "<header><h1>Emotions in " + escape_html(base) + "</h1>\n<p class=\"sub\">" +
       escape_html(text_of(field(header, "start_time"))) + " · " +
       (run.images ? std::to_string(run.quality.processed) + " image(s)" : duration_text(run.duration_s)) + " · " +
       std::to_string(run.people.size()) + (run.identities ? " people" : " faces") + " · model " +
       escape_html(text_of(field(model, "name"))) + "</p>\n";
  h += "<nav><a href=\"#how\">How it was analysed</a> <a href=\"#quality\">Data quality</a> <a href=\"#overview\">Everyone over time</a>";
  for (const Person& p : run.people) h += " <a href=\"#person-" + p.key() + "\">" + escape_html(person_title(run, p)) + "</a>";
  h += " <a href=\"#meaning\">What the numbers mean</a></nav></header>\n<main>\n";
  h += "<div id=\"report-errors\" class=\"errors\" hidden></div>\n";
  h += warnings_html(run.warnings);

  // What was analysed and how.
  h += "<section id=\"how\"><h2>What was analysed and how</h2>\n<div class=\"cols\"><table class=\"facts\">\n";
  h += row("source", source_name);
  h += row("kind", text_of(field(source, "kind")));
  h += row("started", text_of(field(header, "start_time")));
  h += row("duration", run.images ? "still images" : duration_text(field(run.summary, "duration_s").is_number()
                                                                        ? field(run.summary, "duration_s").get<double>()
                                                                        : kNoTime));
  const ojson& size = field(source, "frame_size");
  h += row("frame size", size.is_array() && size.size() == 2 ? text_of(size[0]) + " × " + text_of(size[1]) + " px" : "–");
  h += row("frame rate", num(field(source, "fps"), "%.3g fps"));
  const ojson& app = field(header, "app");
  h += row("app", text_of(field(app, "name")) + " " + text_of(field(app, "version")));
  h += row("report", std::string("emoscope ") + version());
  h += "</table>\n<table class=\"facts\">\n";
  std::string labels;
  for (const std::string& l : run.labels) labels += (labels.empty() ? "" : ", ") + l;
  h += row("model", text_of(field(model, "name")) + " " + text_of(field(model, "version")));
  h += row("labels", labels);
  h += row("expression sensitivity", "neutral prior " + num(field(model, "neutral_prior"), "%.3g") + " (1 = the model's own)");
  h += row("detector", text_of(field(detector, "kind")) + ", frames scaled to " + text_of(field(detector, "detect_width")) +
                           " px, run at least every " + text_of(field(processing, "detect_every")) + " frame(s)");
  h += row("processing", text_of(field(processing, "mode")) + " on " + text_of(field(processing, "device")) +
                             ", every " + text_of(field(processing, "every")) + " frame(s)");
  h += row("smoothing", num(field(processing, "smoothing_ms"), "%.0f ms"));
  h += row("classified again after", num(field(processing, "classify_interval_ms"), "%.0f ms"));
  if (identity.is_null()) {
    h += row("identities", "off: each face track is shown on its own");
  } else {
    h += row("identities", text_of(field(field(identity, "embedder"), "name")) + ", join distance up to " +
                               num(field(identity, "join_distance"), "%.2f") + ", checked every " +
                               num(field(identity, "identity_interval_ms"), "%.0f ms"));
    h += row("known people", field(identity, "people_gallery").is_null() ? "none" : text_of(field(identity, "people_gallery")));
  }
  h += "</table></div>\n<p class=\"files\">Made from " + escape_html(run.summary_path.string()) + " and " +
       escape_html(run.csv_path.string()) + (run.video_path.empty() ? "" : "; pictures from " + escape_html(run.video_path.string())) +
       ".</p>\n</section>\n";

  // Data quality.
  const Quality& q = run.quality;
  const auto share = [](long part, long whole) { return whole > 0 ? static_cast<double>(part) / whole : kNoTime; };
  h += "<section id=\"quality\"><h2>Data quality</h2>\n<table class=\"facts\">\n";
  h += row(run.images ? "images with a face" : "frames with a face",
           pct(share(q.with_face, q.processed)) + " (" + std::to_string(q.with_face) + " of " + std::to_string(q.processed) + ")");
  h += row("frames read", text_of(field(frames, "read")));
  h += row("frames dropped (live: processing was busy)", text_of(field(frames, "dropped")));
  h += row("frames skipped on purpose (--every)", text_of(field(frames, "skipped")));
  h += row("faces without an emotion decision", pct(share(q.rows_without_label, q.face_rows)) + " (" +
                                                    std::to_string(q.rows_without_label) + " of " + std::to_string(q.face_rows) + " face rows)");
  if (run.identities)
    h += row("faces not yet told apart as a person", pct(share(q.rows_without_person, q.face_rows)) + " (" +
                                                       std::to_string(q.rows_without_person) + " face rows; left out below)");
  h += "</table>\n</section>\n";

  // Everyone over time.
  h += "<section id=\"overview\"><h2>Everyone over time</h2>\n<p class=\"note\">One row per " +
       std::string(run.identities ? "person" : "face") + ": the label with the highest mean probability in each " +
       (run.images ? std::string("image") : fmt("%g s", run.bin_s)) + " where they were seen.</p>\n";
  h += legend(run.labels) + "<div class=\"chart\" id=\"overview-chart\" data-chart=\"overview\"></div>\n</section>\n";

  // Each person.
  for (const Person& p : run.people) {
    const ojson& s = p.summary;
    h += "<section class=\"person\" id=\"person-" + p.key() + "\" data-person=\"" + p.key() + "\">\n<h2>" +
         escape_html(person_title(run, p)) + "</h2>\n<div class=\"person-head\">";
    if (!p.portrait.empty())
      h += "<figure class=\"portrait\"><img alt=\"" + escape_html(person_title(run, p)) + "\" src=\"data:image/jpeg;base64," +
           p.portrait + "\"><figcaption>" + (run.images ? std::string("clearest view") : "at " + clock(p.portrait_time_s)) +
           "</figcaption></figure>";
    else
      h += "<figure class=\"portrait none\"><div>no picture</div></figure>";
    h += "<table class=\"facts\">\n";
    if (!run.images) {
      h += row("seen for", num(field(s, "seconds_seen"), "%.1f s"));
      h += row("first seen", field(s, "first_seen_s").is_number() ? clock(field(s, "first_seen_s").get<double>()) : "–");
      h += row("last seen", field(s, "last_seen_s").is_number() ? clock(field(s, "last_seen_s").get<double>()) : "–");
    }
    h += row("frames", text_of(field(s, "frames")));
    h += row("mean confidence", num(field(s, "mean_confidence"), "%.2f"));
    h += row("most often", text_of(field(s, "dominant_label")));
    if (field(s, "tracks").is_array()) h += row("face tracks", std::to_string(field(s, "tracks").size()));
    h += "</table>\n<table class=\"shares\"><caption>Emotion shares</caption>\n";
    const ojson& shares = field(s, "label_share");
    for (const std::string& l : run.labels) {
      const ojson& v = field(shares, l.c_str());
      const double x = v.is_number() ? v.get<double>() : kNoTime;
      h += "<tr><th scope=\"row\">" + escape_html(l) + "</th><td class=\"bar\"><span style=\"width:" +
           fmt("%.1f", std::isfinite(x) ? 100 * x : 0) + "%;background:" + colour_hex(l) + "\"></span></td><td>" + pct(x) +
           "</td></tr>\n";
    }
    h += "</table></div>\n";
    h += std::string("<h3>") + (run.images ? "Probabilities per image" : "Smoothed probabilities over the run") +
         "</h3>\n<div class=\"chart\" id=\"chart-" + p.key() +
         "\" data-chart=\"person\" data-person=\"" + p.key() + "\"></div>\n";
    h += "<h3>Strongest moments</h3>\n<div class=\"moments\">";
    for (std::size_t l = 0; l < run.labels.size() && l < p.moments.size(); ++l) {
      const Moment& m = p.moments[l];
      if (m.p < 0) continue;
      h += "<figure>";
      h += m.jpeg.empty() ? "<div class=\"nothumb\">no picture</div>"
                          : "<img alt=\"" + escape_html(run.labels[l]) + "\" src=\"data:image/jpeg;base64," + m.jpeg + "\">";
      h += "<figcaption><i style=\"background:" + colour_hex(run.labels[l]) + "\"></i>" + escape_html(run.labels[l]) + " " +
           fmt("%.2f", m.p) + "<br>" + (run.images ? "frame " + std::to_string(m.at.frame) : "at " + clock(m.time_s)) +
           "</figcaption></figure>";
    }
    h += "</div>\n</section>\n";
  }
  if (run.people.empty()) h += "<section id=\"nobody\"><h2>No one</h2><p>No face was followed long enough to be a person.</p></section>\n";
  h += page_end();

  // The charts' data: per person and label, the mean probability x 1000 per bin (-1: not seen).
  ojson data = chart_data("run", run.labels);
  data["images"] = run.images;
  data["bin_s"] = run.bin_s;
  data["duration_s"] = run.duration_s;
  ojson people = ojson::array();
  for (const Person& p : run.people) people.push_back({{"key", p.key()}, {"title", person_title(run, p)}, {"bins", p.bins}});
  data["people"] = std::move(people);
  h += tail(data);
  return h;
}

std::string study_html(const Study& study, const fs::path& out_html) {
  const std::string name = fs::path(study.dir).lexically_normal().filename().string().empty()
                               ? fs::path(study.dir).lexically_normal().parent_path().filename().string()
                               : fs::path(study.dir).lexically_normal().filename().string();
  long done = 0, people_count = 0;
  for (const StudyInput& in : study.inputs) {
    if (in.status != "done") continue;
    ++done;
    const bool identities = !field(field(in.summary, "header"), "identity").is_null();
    const ojson& persons = field(in.summary, identities ? "people" : "faces");
    people_count += persons.is_array() ? static_cast<long>(persons.size()) : 0;
  }
  std::string h = head("Emoscope study: " + name);
  h += "<header><h1>Study " + escape_html(name) + "</h1>\n<p class=\"sub\">" + std::to_string(study.inputs.size()) +
       " inputs · " + std::to_string(done) + " done · " + std::to_string(study.inputs.size() - done) + " not · " +
       std::to_string(people_count) + " people</p>\n";
  h += "<nav><a href=\"#shares\">Emotion shares</a> <a href=\"#inputs\">Inputs</a> <a href=\"#study-people\">People</a> "
       "<a href=\"#meaning\">What the numbers mean</a></nav></header>\n<main>\n";
  h += "<div id=\"report-errors\" class=\"errors\" hidden></div>\n";
  h += warnings_html(study.warnings);
  // The inputs' table follows the shares (a long study's table would hide them); it is made here.
  const std::size_t inputs_at = h.size();
  h += "<section id=\"inputs\"><h2>Inputs</h2>\n<p class=\"files\">From " + escape_html(study.dir.string()) +
       " (every manifest-*.jsonl; the newest line per input).</p>\n<table class=\"list\"><thead><tr><th>input</th><th>status</th>"
       "<th>duration</th><th>people</th><th>frames</th><th>note</th><th>report</th></tr></thead><tbody>\n";
  const fs::path out_dir = out_html.parent_path().empty() ? fs::path(".") : out_html.parent_path();
  for (const StudyInput& in : study.inputs) {
    const bool identities = !field(field(in.summary, "header"), "identity").is_null();
    const ojson& persons = field(in.summary, identities ? "people" : "faces");
    std::string link = "–";
    if (!in.report_path.empty()) {
      std::error_code ec;
      fs::path rel = fs::relative(fs::absolute(in.report_path, ec), fs::absolute(out_dir, ec), ec);
      if (ec || rel.empty()) rel = fs::absolute(in.report_path, ec);
      link = "<a href=\"" + escape_html(rel.generic_string()) + "\">report</a>";
    }
    h += "<tr class=\"status-" + escape_html(in.status) + "\" data-input=\"" + escape_html(in.key) + "\"><td title=\"" +
         escape_html(in.path) + "\">" + escape_html(in.key) + "</td><td>" + escape_html(in.status) + "</td><td>" +
         (std::isfinite(in.duration_s) ? clock(in.duration_s) : "–") + "</td><td>" +
         (persons.is_array() ? std::to_string(persons.size()) : "–") + "</td><td>" +
         (in.frames >= 0 ? std::to_string(in.frames) : "–") + "</td><td>" + escape_html(in.error.empty() ? in.warning : in.error) +
         "</td><td>" + link + "</td></tr>\n";
  }
  h += "</tbody></table>\n</section>\n";
  const std::string inputs_html = h.substr(inputs_at);
  h.resize(inputs_at);

  // Per label: every person's share, a strip plot, and the figures behind it.
  ojson people = ojson::array();
  std::vector<std::vector<double>> per_label(study.labels.size());
  std::string people_rows;
  for (const StudyInput& in : study.inputs) {
    if (in.status != "done") continue;
    const bool identities = !field(field(in.summary, "header"), "identity").is_null();
    for (const ojson& p : field(in.summary, identities ? "people" : "faces")) {
      const ojson& shares = field(p, "label_share");
      ojson values = ojson::array();
      const std::string who = (identities ? "P" : "Face ") + text_of(field(p, "id"));
      const std::string title = field(p, "name").is_string() ? field(p, "name").get<std::string>() + " (" + who + ")" : who;
      people_rows += "<tr><td>" + escape_html(in.key) + "</td><td>" + escape_html(title) + "</td><td>" +
                     num(field(p, "seconds_seen"), "%.1f") + "</td>";
      for (std::size_t l = 0; l < study.labels.size(); ++l) {
        const ojson& v = field(shares, study.labels[l].c_str());
        if (v.is_number()) {
          values.push_back(std::lround(v.get<double>() * 1000));
          per_label[l].push_back(v.get<double>());
        } else {
          values.push_back(nullptr);  // this input's model has no such label
        }
        people_rows += "<td>" + (v.is_number() ? pct(v.get<double>()) : std::string("–")) + "</td>";
      }
      people_rows += "</tr>\n";
      people.push_back({{"input", in.key}, {"title", title}, {"shares", values}});
    }
  }
  h += "<section id=\"shares\"><h2>Emotion shares across the study</h2>\n<p class=\"note\">Each dot is one person in one "
       "input: the share of their time on screen with that label. Dots are spread up and down only to keep them apart.</p>\n";
  h += "<table class=\"list\"><thead><tr><th>label</th><th>people</th><th>median</th><th>middle half</th><th>mean</th></tr></thead><tbody>\n";
  for (std::size_t l = 0; l < study.labels.size(); ++l) {
    std::vector<double> v = per_label[l];
    std::sort(v.begin(), v.end());
    auto quantile = [&](double q) {
      if (v.empty()) return kNoTime;
      const double at = q * (v.size() - 1);
      const std::size_t i = static_cast<std::size_t>(std::floor(at));
      return i + 1 < v.size() ? v[i] + (at - i) * (v[i + 1] - v[i]) : v[i];
    };
    double mean = 0;
    for (double x : v) mean += x;
    h += "<tr><th scope=\"row\"><i class=\"swatch\" style=\"background:" + colour_hex(study.labels[l]) + "\"></i>" +
         escape_html(study.labels[l]) + "</th><td>" + std::to_string(v.size()) + "</td><td>" + pct(quantile(0.5)) + "</td><td>" +
         pct(quantile(0.25)) + " – " + pct(quantile(0.75)) + "</td><td>" + pct(v.empty() ? kNoTime : mean / v.size()) + "</td></tr>\n";
  }
  h += "</tbody></table>\n";
  for (std::size_t l = 0; l < study.labels.size(); ++l)
    h += "<h3>" + escape_html(study.labels[l]) + "</h3><div class=\"chart strip\" id=\"strip-" + std::to_string(l) +
         "\" data-chart=\"strip\" data-label=\"" + std::to_string(l) + "\"></div>\n";
  h += "</section>\n";
  h += inputs_html;
  h += "<section id=\"study-people\"><h2>People</h2>\n<table class=\"list\"><thead><tr><th>input</th><th>person</th><th>seen (s)</th>";
  for (const std::string& l : study.labels) h += "<th>" + escape_html(l) + "</th>";
  h += "</tr></thead><tbody>\n" + people_rows + "</tbody></table>\n</section>\n";
  h += page_end();

  ojson data = chart_data("study", study.labels);
  data["people"] = std::move(people);
  h += tail(data);
  return h;
}

}  // namespace emoscope::report
