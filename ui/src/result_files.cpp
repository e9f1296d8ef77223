#include "emoscope/ui/result_files.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "emoscope/recorder.hpp"
#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

namespace {

// Locale-independent numbers ('.' as the decimal point, whatever LC_NUMERIC says).
double number(const std::string& s, double fallback = 0) {
  double v = fallback;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : fallback;
}
long integer(const std::string& s, long fallback = 0) {
  long v = fallback;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : fallback;
}

void read_summary(const QString& path, ResultFiles& r) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return;
  const QJsonObject header = QJsonDocument::fromJson(f.readAll()).object().value("header").toObject();
  const QJsonObject source = header.value("source").toObject();
  r.source = source.value("name").toString();
  r.images = source.value("kind").toString() == "images";
  r.fps = source.value("fps").toDouble(0);
  r.frame_count = source.value("frame_count").isDouble() ? static_cast<long>(source.value("frame_count").toDouble()) : -1;
  for (const QJsonValue& label : header.value("model").toObject().value("labels").toArray())
    r.labels.push_back(sstr(label.toString()));
}

}  // namespace

std::vector<std::string> next_csv_row(const std::string& text, std::size_t& pos) {
  std::vector<std::string> fields;
  read_csv_record(text, pos, fields);  // a malformed record keeps the fields read so far
  return fields;
}

std::optional<ResultFiles> read_result_files(const QString& csv, const QString& summary, QString* error) {
  ResultFiles r;
  if (!summary.isEmpty()) read_summary(summary, r);
  QFile f(csv);
  if (!f.open(QIODevice::ReadOnly)) {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "Cannot read %1: %2").arg(csv, f.errorString());
    return std::nullopt;
  }
  const std::string text = f.readAll().toStdString();
  std::size_t pos = 0;
  const std::vector<std::string> header = next_csv_row(text, pos);
  std::map<std::string, int> column;
  for (std::size_t i = 0; i < header.size(); ++i) column.emplace(header[i], static_cast<int>(i));
  if (!column.count("frame") || !column.count("success")) {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles",
                                        "%1 is not an Emoscope frames file: it has no frame and success columns.").arg(csv);
    return std::nullopt;
  }
  if (r.labels.empty()) {  // no summary: the labels from the p_<label> columns, in order
    for (const std::string& name : header)
      if (name.rfind("p_", 0) == 0) r.labels.push_back(name.substr(2));
  }
  std::vector<int> p_columns;
  for (const std::string& label : r.labels) p_columns.push_back(column.count("p_" + label) ? column["p_" + label] : -1);
  std::map<std::string, int> label_index;
  for (std::size_t i = 0; i < r.labels.size(); ++i) label_index.emplace(r.labels[i], static_cast<int>(i));

  while (pos < text.size()) {
    const std::vector<std::string> row = next_csv_row(text, pos);
    if (row.size() < header.size()) continue;  // a blank line, or a row cut short by a killed run
    auto field = [&](const char* name) -> const std::string& {
      static const std::string none;
      const auto it = column.find(name);
      return it == column.end() ? none : row[it->second];
    };
    const long frame = integer(field("frame"), -1);
    if (frame < 0) continue;
    if (r.records.empty() || r.records.back().seq != static_cast<std::uint64_t>(frame)) {
      FrameRecord record;
      record.seq = static_cast<std::uint64_t>(frame);
      record.pos_ms = number(field("time_ms"));
      r.records.push_back(std::move(record));
    }
    if (field("success") != "1") continue;
    TrackedFace face;
    face.id = static_cast<int>(integer(field("face_id")));
    face.person_id = static_cast<int>(integer(field("person_id")));
    face.person_name = field("person");
    face.box = cv::Rect2f(static_cast<float>(number(field("x"))), static_cast<float>(number(field("y"))),
                          static_cast<float>(number(field("w"))), static_cast<float>(number(field("h"))));
    const auto label = label_index.find(field("label"));
    face.label = label == label_index.end() ? -1 : label->second;
    face.confidence = static_cast<float>(number(field("confidence")));
    face.detected = field("detected") == "1";
    face.classified = field("classified") == "1";
    face.face_score = static_cast<float>(number(field("face_score"), std::numeric_limits<double>::quiet_NaN()));
    for (int c : p_columns) face.smoothed.push_back(c >= 0 ? static_cast<float>(number(row[c])) : 0.0f);
    r.records.back().faces.push_back(std::move(face));
  }
  if (r.frame_count < 0 && !r.records.empty()) r.frame_count = static_cast<long>(r.records.back().seq) + 1;
  return r;
}

}  // namespace emoscope::ui
