// People: who is who, from face descriptors (embedder.hpp). A gallery of
// people, each held as a few exemplar descriptors of their face; a face is a
// person when it lies within `threshold` (Euclidean) of one of that person's
// exemplars, and the nearest such person wins. Otherwise it starts a new person.
// People never expire within a run. IDs are small integers from 1, never reused;
// merge() folds one person into another, and canonical() follows merges.
//
// Known people: a gallery file (save()/load(), JSON, user-only 0600) keeps named
// people across sessions. It is biometric data: written only when the user asks
// (emoscope-cli people add, the app's "Save people"), never by a run.
//
// Thread-safe (one mutex): the tracker identifies on the classification
// thread while a front end renames or merges from its own.
#pragma once

#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "emoscope/embedder.hpp"
#include "emoscope/error.hpp"

namespace emoscope {

struct PersonInfo {
  int id = 0;
  std::string name;        // empty: not named
  int exemplars = 0;
  bool known = false;      // came from a gallery file
};

class People {
 public:
  static constexpr int kMaxExemplars = 12;

  // The distances, as multiples of the embedder's calibrated same-person
  // distance T (0.44 for the shipped model: 0.07 % false accepts per pair on Yale):
  //  - join (1.14 T = 0.50): a new track joins a person this close. Looser than
  //    T because a person holds several views and people on screen are ruled
  //    out; 0.48-0.50 is Yale's best single-pair accuracy (models/face_embedder.md).
  //  - split (1.36 T = 0.60, dlib's own boundary): after a gap, a cut or a lost
  //    follower, a face this far from its track's person is someone else.
  //  - drift (1.8 T = 0.80): on the routine re-check of a face tracked without a
  //    break, only this far; one person's descriptors wander past 0.6 with pose,
  //    light and a microphone over the mouth (hamilton's performer: 0.61).
  // Measured on the come-and-go clips and hamilton (README, "Identities").
  static constexpr float kJoinFactor = 1.14f;
  static constexpr float kSplitFactor = 1.36f;
  static constexpr float kDriftFactor = 1.8f;
  //  - clear winner: a face up to 1.1 x the join distance (0.55) from a person
  //    still joins when every other person is at least 0.15 farther.
  static constexpr float kClearWinnerFactor = 1.1f;
  static constexpr float kClearWinnerMargin = 0.15f;


  // `threshold`: join a person within this distance; the split and drift
  // distances follow `calibrated` (the embedder's same_person_distance).
  People(float threshold, float calibrated);
  explicit People(float calibrated) : People(calibrated * kJoinFactor, calibrated) {}

  float threshold() const { return threshold_; }
  float split_threshold() const { return split_threshold_; }
  float drift_threshold() const { return drift_threshold_; }

  // The person this face is: the nearest within threshold() among those not in
  // `exclude` (people already on other faces of the same frame), else a new
  // person. A face seen unclearly (clear_view() in tracker.hpp: blurred, the
  // detector unsure) never joins anyone and starts a person no one else joins
  // until a clear view of its own track vouches for it: such descriptors crowd
  // together near the "average face" and would merge strangers.
  int identify(const Embedding& face, const std::set<int>& exclude = {}, bool clear_view = true);
  // The nearest person to `face` other than those in `exclude`, with its
  // distance; {0, +inf} when there is none.
  std::pair<int, float> nearest(const Embedding& face, const std::set<int>& exclude = {}) const;
  // Smallest distance from `face` to `person`'s exemplars; +inf for an unknown person.
  float distance(int person, const Embedding& face) const;
  // Remembers another view of `person`'s face (kept when it adds variety).
  void add_exemplar(int person, const Embedding& face);

  int canonical(int person) const;  // the person it was merged into, or itself
  std::string name(int person) const;
  void rename(int person, const std::string& name);
  // `from` becomes part of `into`: its exemplars move, its ID now reads as `into`.
  void merge(int into, int from);
  std::vector<PersonInfo> list() const;  // the people of the gallery (merged ones left out), by ID
  // Asks the tracker to take face (track) `track_id` away from its person: it
  // becomes a new person of its own, from its newest descriptor, on the next
  // frame (a wrongly merged track). Any thread.
  void request_split(int track_id);
  std::vector<int> take_split_requests();  // the tracker's side
  int add_person(const Embedding& face);   // a new person from one descriptor

  // Known people across sessions. The file records the embedder's name and
  // version; a gallery made with another embedder is refused.
  MaybeError save(const std::string& path, const ModelSpec& embedder) const;
  static Result<People> load(const std::string& path, const ModelSpec& embedder, float threshold);
  // Adds a named person from descriptors of their photos (people add).
  int add_named(const std::string& name, const std::vector<Embedding>& faces);
  bool remove_named(const std::string& name);

  People(People&& other) noexcept;

 private:
  struct Person {
    std::string name;
    std::vector<Embedding> exemplars;  // clear views: others join by these
    std::vector<Embedding> unclear;    // an unclear first view: checks its own track only
    bool known = false;
  };
  int canonical_locked(int person) const;
  std::pair<int, float> nearest_locked(const Embedding& face, const std::set<int>& exclude) const;
  float distance_locked(const Person& p, const Embedding& face, bool with_unclear) const;

  float threshold_;
  float split_threshold_;
  float drift_threshold_;

  mutable std::mutex mutex_;
  std::map<int, Person> people_;   // live people by ID
  std::map<int, int> merged_into_; // merged ID -> the ID it joined
  int next_id_ = 1;
  std::vector<int> split_requests_;
};

}  // namespace emoscope
