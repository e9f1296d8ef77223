// The report's other charting route, measured (docs/report.md, "Choice of the charting library"):
// the same charts as the report's uPlot ones (per person: smoothed probabilities per label over
// the run; the overview: one row per person coloured by the label with the highest mean per bin)
// drawn with Qt Charts (already a dependency of the desktop app) and rendered to SVG with
// QSvgGenerator, as the report would have to inline them. Reads the data block of a report
// (written by `emoscope-cli report`), prints the SVG bytes and the time taken.
//
// Not part of the build (it needs qt6-svg-dev, which nothing else uses). Build and run:
//   g++ -O2 -std=c++17 -fPIC scripts/measure-qtcharts-svg.cpp -o /tmp/measure-qtcharts-svg \
//       $(pkg-config --cflags --libs Qt6Charts Qt6Svg Qt6Widgets)
//   QT_QPA_PLATFORM=offscreen /tmp/measure-qtcharts-svg REPORT.html
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <QApplication>
#include <QBuffer>
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QPainter>
#include <QSvgGenerator>
#include <QValueAxis>
#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s REPORT.html\n", argv[0]);
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  QApplication app(argc, argv);
  std::ifstream in(argv[1]);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string html = ss.str();
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  const auto a = html.find(open);
  const auto b = html.find("</script>", a);
  if (a == std::string::npos || b == std::string::npos) return 3;
  const auto data = nlohmann::json::parse(html.substr(a + open.size(), b - a - open.size()));
  const double bin = data["bin_s"].get<double>();
  const auto& labels = data["labels"];
  const auto& colours = data["colors"];
  const auto t_start = std::chrono::steady_clock::now();
  std::size_t svg_bytes = 0;
  int charts = 0;
  auto render = [&](QChart* chart, int height) {
    QChartView view(chart);
    view.resize(1100, height);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(QSize(1100, height));
    svg.setViewBox(QRect(0, 0, 1100, height));
    QPainter painter(&svg);
    view.render(&painter);
    painter.end();
    svg_bytes += buffer.size();
    ++charts;
  };
  // Per person: one line series per label, broken where the person was not seen.
  for (const auto& person : data["people"]) {
    auto* chart = new QChart;
    for (std::size_t l = 0; l < labels.size(); ++l) {
      const auto& bins = person["bins"][l];
      QLineSeries* series = nullptr;
      for (std::size_t i = 0; i < bins.size(); ++i) {
        const int v = bins[i].get<int>();
        if (v < 0) {
          series = nullptr;
          continue;
        }
        if (!series) {
          series = new QLineSeries;
          series->setColor(QColor(QString::fromStdString(colours[l].get<std::string>())));
          chart->addSeries(series);
        }
        series->append(i * bin, v / 1000.0);
      }
    }
    chart->createDefaultAxes();
    chart->legend()->hide();
    render(chart, 190);
  }
  // The overview: a thick segment per run of bins with the same leading label.
  {
    auto* chart = new QChart;
    const auto& people = data["people"];
    for (std::size_t row = 0; row < people.size(); ++row) {
      const auto& bins = people[row]["bins"];
      const std::size_t n = bins[0].size();
      int run_label = -1;
      std::size_t run_start = 0;
      auto flush = [&](std::size_t end) {
        if (run_label < 0) return;
        auto* s = new QLineSeries;
        QPen pen(QColor(QString::fromStdString(colours[run_label].get<std::string>())));
        pen.setWidth(16);
        s->setPen(pen);
        s->append(run_start * bin, static_cast<double>(row));
        s->append(end * bin, static_cast<double>(row));
        chart->addSeries(s);
      };
      for (std::size_t i = 0; i < n; ++i) {
        int best = -1, best_v = -1;
        for (std::size_t l = 0; l < labels.size(); ++l)
          if (bins[l][i].get<int>() > best_v) best_v = bins[l][i].get<int>(), best = static_cast<int>(l);
        if (best_v < 0) best = -1;
        if (best != run_label) {
          flush(i);
          run_label = best;
          run_start = i;
        }
      }
      flush(n);
    }
    chart->createDefaultAxes();
    chart->legend()->hide();
    render(chart, 46 + 30 * static_cast<int>(people.size()));
  }
  const auto t_end = std::chrono::steady_clock::now();
  std::printf("qtcharts-svg: %d charts, %zu SVG bytes, %.2f s to draw and render (%.2f s with start-up and reading)\n",
              charts, svg_bytes, std::chrono::duration<double>(t_end - t_start).count(),
              std::chrono::duration<double>(t_end - t0).count());
  return 0;
}
