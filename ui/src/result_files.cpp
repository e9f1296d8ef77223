#include "emoscope/ui/result_files.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "emoscope/file_checks.hpp"
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

// False with `error` set when the file is there but is not a whole Emoscope summary.
bool read_summary(const QString& path, ResultFiles& r, QString* error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "Cannot read the summary %1: %2").arg(path, f.errorString());
    return false;
  }
  QJsonParseError parse;
  const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parse);
  const QJsonObject header = doc.object().value("header").toObject();
  if (parse.error != QJsonParseError::NoError) {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "The summary %1 cannot be read: %2 at byte %3 (the file is damaged or cut short).")
                 .arg(path, parse.errorString()).arg(parse.offset);
    return false;
  }
  if (header.value("format").toString() != "emoscope-summary") {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "%1 is not an Emoscope summary: it has no header.format \"emoscope-summary\".").arg(path);
    return false;
  }
  const QJsonObject source = header.value("source").toObject();
  r.has_summary = true;
  r.source = source.value("name").toString();
  r.kind = source.value("kind").toString();
  r.images = r.kind == "images";
  r.fps = source.value("fps").toDouble(0);
  r.frame_count = source.value("frame_count").isDouble() ? static_cast<long>(source.value("frame_count").toDouble()) : -1;
  for (const QJsonValue& label : header.value("model").toObject().value("labels").toArray())
    r.labels.push_back(sstr(label.toString()));
  return true;
}

QString existing(const QString& path) { return QFileInfo(path).isFile() ? path : QString(); }

// The first video named `stem` in `dir` (the recorder's .mkv, an export's or analyze's .mp4, ...).
QString video_named(const QDir& dir, const QString& stem) {
  for (const char* ext : {".mkv", ".mp4", ".mov", ".m4v", ".avi", ".webm"})
    if (QFileInfo(dir.filePath(stem + ext)).isFile()) return dir.filePath(stem + ext);
  return {};
}

}  // namespace

std::vector<std::string> next_csv_row(const std::string& text, std::size_t& pos) {
  std::vector<std::string> fields;
  read_csv_record(text, pos, fields);  // a malformed record keeps the fields read so far
  return fields;
}

std::optional<ResultPaths> locate_results(const QString& picked, QString* error) {
  const QFileInfo info(picked);
  if (!info.exists()) {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "%1 does not exist.").arg(picked);
    return std::nullopt;
  }
  if (!info.isDir() && !info.isFile()) {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "%1 is not a regular file (a FIFO, socket or device).").arg(picked);
    return std::nullopt;
  }
  ResultPaths p;
  if (info.isDir()) {  // a batch input's result folder, OUT/<key>
    const QDir dir(info.absoluteFilePath());
    p.csv = existing(dir.filePath("frames.csv"));
    p.summary = existing(dir.filePath("summary.json"));
    if (p.csv.isEmpty()) {
      *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "%1 holds no Emoscope results: choose a summary (.json), a CSV or a recording's video.").arg(picked);
      return std::nullopt;
    }
    return p;
  }
  const QDir dir = info.absoluteDir();
  const QString path = info.absoluteFilePath();
  const QString stem = info.completeBaseName();
  const QString ext = info.suffix().toLower();
  QString looked_for;
  if (ext == "json") {
    p.summary = path;
    looked_for = dir.filePath(stem + ".csv");  // as the report looks: <stem>.csv, else frames.csv (a batch result)
    if (!QFileInfo(looked_for).isFile() && QFileInfo(dir.filePath("frames.csv")).isFile()) looked_for = dir.filePath("frames.csv");
    p.annotated_video = video_named(dir, stem);
  } else if (ext == "csv") {
    p.csv = path;
    p.summary = existing(dir.filePath(info.fileName() == "frames.csv" ? "summary.json" : stem + ".json"));
    p.annotated_video = video_named(dir, stem);
  } else if (is_video_path(sstr(path))) {
    if (QFileInfo(dir.filePath(stem + ".csv")).isFile()) {  // a recording's (or analyze's) own video
      looked_for = dir.filePath(stem + ".csv");
      p.annotated_video = path;
      p.summary = existing(dir.filePath(stem + ".json"));
    } else {  // the input of an analysis the app exported beside it
      const QString exported = stem + "-emoscope";
      looked_for = dir.filePath(exported + ".csv");
      p.source = path;
      p.summary = existing(dir.filePath(exported + ".json"));
      p.annotated_video = video_named(dir, exported);
      if (!QFileInfo(looked_for).isFile()) {
        *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "No results were found beside %1: neither %2.csv nor %3.csv is there.").arg(picked, stem, exported);
        return std::nullopt;
      }
    }
  } else {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "%1 is not an Emoscope result: choose a summary (.json), a CSV or a recording's video.").arg(picked);
    return std::nullopt;
  }
  if (p.csv.isEmpty()) p.csv = looked_for;
  if (!QFileInfo(p.csv).isFile()) {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "The frames file %1 is missing: it holds every frame's faces, so %2 cannot be opened without it.")
                 .arg(p.csv, info.fileName());
    return std::nullopt;
  }
  return p;
}

QString result_source(const ResultPaths& paths, const ResultFiles& files) {
  if (!paths.source.isEmpty()) return paths.source;
  if (files.source.isEmpty() || (files.kind != "video" && files.kind != "images")) return {};
  QStringList candidates{files.source};  // as given, then from the summary's folder, then moved beside it
  if (!paths.summary.isEmpty()) {
    const QDir beside = QFileInfo(paths.summary).absoluteDir();
    if (QFileInfo(files.source).isRelative()) candidates << beside.filePath(files.source);
    candidates << beside.filePath(QFileInfo(files.source).fileName());
  }
  for (const QString& c : candidates)
    if (QFileInfo::exists(c)) return QFileInfo(c).absoluteFilePath();
  return {};
}

std::optional<ResultFiles> read_result_files(const QString& csv, const QString& summary, QString* error) {
  ResultFiles r;
  for (const QString& path : {summary, csv}) {
    if (!path.isEmpty() && QFileInfo::exists(path) && !QFileInfo(path).isFile()) {  // never block on a FIFO
      *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "%1 is not a regular file (a FIFO, socket or device).").arg(path);
      return std::nullopt;
    }
  }
  if (!summary.isEmpty() && QFileInfo::exists(summary) && !read_summary(summary, r, error)) return std::nullopt;
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
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "%1 is not an Emoscope frames file: it has no frame and success columns.").arg(csv);
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
    if (row.size() < header.size()) {  // a blank line, or a row cut short by a killed run
      if (row.size() > 1 || (row.size() == 1 && !row[0].empty())) ++r.rows_cut;
      continue;
    }
    auto field = [&](const char* name) -> const std::string& {
      static const std::string none;
      const auto it = column.find(name);
      return it == column.end() ? none : row[it->second];
    };
    const long frame = integer(field("frame"), -1);
    if (frame < 0) {
      ++r.rows_cut;
      continue;
    }
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
  if (r.records.empty()) {
    *error = QCoreApplication::translate("emoscope::ui::ResultFiles", "%1 holds no analysed frame: the run that wrote it ended before its first frame, or the file is damaged.").arg(csv);
    return std::nullopt;
  }
  if (r.frame_count < 0) r.frame_count = static_cast<long>(r.records.back().seq) + 1;
  return r;
}

}  // namespace emoscope::ui
