// FacePanel: one card per face tracked in the newest frame: its ID, current
// label (or "?" below the minimum confidence), a bar per class probability
// (smoothed), and a Qt Charts line chart of the last 60 s of probabilities, one
// series per class. Histories survive a face briefly leaving the frame and are
// dropped 60 s after it was last seen. Charts are redrawn at most ~10 times a
// second whatever the frame rate. UI thread only. Times in milliseconds of the
// source's clock (FrameResult pos_ms).
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include <QElapsedTimer>
#include <QWidget>

#include "emoscope/tracker.hpp"
#include "emoscope/ui/session.hpp"

class QVBoxLayout;
class QLabel;

namespace emoscope::ui {

class FaceCard;

class FacePanel : public QWidget {
  Q_OBJECT
 public:
  explicit FacePanel(QWidget* parent = nullptr);
  ~FacePanel() override;

  void setLabels(const std::vector<std::string>& labels);  // resets everything
  void setMinConfidence(float value) { min_confidence_ = value; }
  void updateFaces(const std::vector<TrackedFace>& faces, double time_ms);
  // Replaces the chart histories with these frames (in time order), e.g. after
  // seeking in an analysed file; the next updateFaces() redraws the charts.
  void setHistory(const std::vector<FrameRecord>& records, double now_ms);
  void clear();

  int cardCount() const { return static_cast<int>(cards_.size()); }
  std::vector<int> cardIds() const;
  FaceCard* card(int id) const;
  static constexpr double kWindowMs = 60000.0;

 private:
  struct Sample {
    double t_ms;
    std::vector<float> p;
  };
  struct History {
    std::deque<Sample> samples;
    double last_seen_ms = 0;
  };
  std::vector<std::string> labels_;
  float min_confidence_ = 0.0f;
  std::map<int, FaceCard*> cards_;
  std::map<int, History> history_;
  QElapsedTimer chart_clock_;
  bool force_chart_ = true;
  QVBoxLayout* layout_ = nullptr;
  QLabel* empty_ = nullptr;
};

// One face's card (exposed for tests).
class FaceCard : public QWidget {
  Q_OBJECT
 public:
  FaceCard(int id, const std::vector<std::string>& labels, QWidget* parent = nullptr);
  void setFace(const TrackedFace& face, float min_confidence);
  void setHistory(const std::deque<std::pair<double, std::vector<float>>>& points, double now_ms);
  int id() const { return id_; }
  QString labelText() const;
  std::vector<int> barValues() const;  // percent per class
  int seriesCount() const;
  int pointCount() const;              // points in the first series

 private:
  struct Parts;
  int id_;
  std::vector<std::string> labels_;
  Parts* parts_;
};

}  // namespace emoscope::ui
