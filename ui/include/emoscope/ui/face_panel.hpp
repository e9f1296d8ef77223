// FacePanel: one card per person in the newest frame (per face when
// identities are off or a face's person is not known yet; keys as in
// person_names.hpp): the person's name ("Alice", else "P3"), the tracks on
// screen that are that person, the current label (or "?" below the minimum
// confidence), a bar per class probability (smoothed), and a Qt Charts line
// chart of the last 60 s of probabilities, one series per class. Histories
// survive a person briefly leaving the frame and are dropped 60 s after they
// were last seen. Charts are redrawn at most ~10 times a second whatever the
// frame rate. UI thread only. Times in milliseconds of the source's clock
// (FrameResult pos_ms).
//
// People actions: each card's menu (right click, or the card's "⋯" button;
// personMenu() builds it) asks to rename the person, merge them into another
// person, or split one of their tracks off. The panel changes nothing itself:
// it emits renameRequested / mergeRequested / splitRequested, and the window
// applies them to the run's People; peopleChanged() then shows the result.
//
// Faces: with the run's Portraits (portraits.hpp) each person's card shows
// that person's clearest face so far as a thumbnail (kPortraitSide pixels),
// replaced when a clearer view comes; the "Merge into" menu shows the faces of
// the person and of each person they may be merged into. Cards of faces with no
// person show none. The thumbnails are only shown, never written.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <QElapsedTimer>
#include <QImage>
#include <QPixmap>
#include <QString>
#include <QWidget>

#include "emoscope/people.hpp"
#include "emoscope/portraits.hpp"
#include "emoscope/tracker.hpp"
#include "emoscope/ui/session.hpp"

class QMenu;
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

  // The run's people (null: identities off, names as the frames carry them).
  void setPeople(std::shared_ptr<const People> people);
  // The run's portraits (null: no thumbnails); the cards follow them on every updateFaces().
  void setPortraits(std::shared_ptr<const Portraits> portraits);
  // A person's clearest face as shown (null when none yet), for menus and tests.
  QPixmap portraitOf(int key) const;
  // Names or merges changed: regroups the histories and redraws the cards now.
  void peopleChanged();
  // Which people actions are available: an empty reason = available, else the
  // action is disabled with the reason as its tooltip.
  void setPeopleActions(const QString& edit_off_reason, const QString& split_off_reason);
  // Asks the user for a person's new name (default: a QInputDialog); returns
  // a null QString when cancelled. Tests replace it to avoid the modal dialog.
  using NamePrompt = std::function<QString(QWidget* parent, const QString& title, const QString& current)>;
  void setNamePrompt(NamePrompt prompt) { name_prompt_ = std::move(prompt); }
  // The menu of a card's person actions (a new menu the caller owns):
  // "Rename…" (objectName "renamePerson"), "Merge into" with one action per
  // other person seen ("mergePerson", items "mergeInto<key>", each with the
  // person's face as its icon, after a disabled item "mergeFrom" showing this
  // person's face), and one "Split track #N off" per track of the card ("splitTrack<N>").
  QMenu* personMenu(int key, QWidget* parent = nullptr);

  int cardCount() const { return static_cast<int>(cards_.size()); }
  std::vector<int> cardIds() const;     // the cards' keys (person_names.hpp face_key)
  FaceCard* card(int key) const;
  FaceCard* cardFor(const TrackedFace& face) const;  // the card showing this face
  static constexpr double kWindowMs = 60000.0;

 signals:
  void renameRequested(int person, const QString& name);
  void mergeRequested(int into, int from);
  void splitRequested(int track);

 private:
  struct Sample {
    double t_ms;
    std::vector<float> p;
  };
  struct History {
    std::deque<Sample> samples;
    double last_seen_ms = 0;
    std::string name;  // the name the newest frame carried
  };
  static void addSample(History& h, double time_ms, const TrackedFace& face);
  void regroupHistories();
  void redrawCharts(double time_ms);
  void updatePortraits(bool force);
  QString nameOf(int key) const;

  std::vector<std::string> labels_;
  float min_confidence_ = 0.0f;
  std::map<int, FaceCard*> cards_;
  std::map<int, History> history_;
  std::shared_ptr<const People> people_;
  std::shared_ptr<const Portraits> portraits_;
  std::uint64_t portraits_seen_ = 0;  // Portraits::revision() the cards show
  QString edit_off_reason_;
  QString split_off_reason_;
  NamePrompt name_prompt_;
  std::vector<TrackedFace> shown_faces_;  // the newest frame's, for peopleChanged()
  double shown_ms_ = 0;
  QElapsedTimer chart_clock_;
  bool force_chart_ = true;
  QVBoxLayout* layout_ = nullptr;
  QLabel* empty_ = nullptr;
};

// One person's (or face's) card (exposed for tests).
class FaceCard : public QWidget {
  Q_OBJECT
 public:
  FaceCard(int key, const std::vector<std::string>& labels, QWidget* parent = nullptr);
  ~FaceCard() override;
  // `face`: the face whose label and bars are shown (the person's first track on
  // screen); `name`: the title; `tracks`: the person's track IDs on screen.
  void setFace(const TrackedFace& face, const QString& name, const std::vector<int>& tracks, float min_confidence);
  void setHistory(const std::deque<std::pair<double, std::vector<float>>>& points, double now_ms);
  int id() const { return id_; }        // the card's key
  QString labelText() const;            // the title: name, label and confidence
  QString name() const { return name_; }
  QString tracksText() const;           // e.g. "Track #3" or "Tracks #3, #7"
  const std::vector<int>& tracks() const { return tracks_; }
  std::vector<int> barValues() const;   // percent per class
  int seriesCount() const;
  int pointCount() const;               // points in the first series
  // The person's face (a Portrait's thumbnail; null image: none). `revision`:
  // the Portrait's, so an unchanged face is not redrawn.
  void setPortrait(const QImage& face, std::uint64_t revision);
  QPixmap portrait() const;             // as shown; null when none
  std::uint64_t portraitRevision() const { return portrait_revision_; }
  static constexpr int kPortraitSide = 56;  // logical pixels

 signals:
  void menuRequested(int key, const QPoint& global_pos);

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  struct Parts;
  int id_;
  std::vector<std::string> labels_;
  QString name_;
  std::vector<int> tracks_;
  std::uint64_t portrait_revision_ = 0;
  Parts* parts_;
};

}  // namespace emoscope::ui
