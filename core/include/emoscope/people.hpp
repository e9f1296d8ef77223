// People: who is who, from face descriptors (embedder.hpp). A gallery of
// people, each held as a few exemplar descriptors of their face (Euclidean
// distances; a person's distance to a face is that of its nearest exemplar).
//
// The join decision calibrates itself inside each run, because one fixed
// distance cannot serve every kind of face: dlib's descriptors of East Asian
// faces lie closer together than those of white faces (Georgia Tech:
// different-person pairs 0.60 apart on average against 0.80; models/identity/).
// Every two people of the gallery are known to be different (people on screen
// together, people kept apart by earlier decisions), so their distances show
// how far apart different people of this run lie. A face joins its nearest
// person P (among those not on screen elsewhere) only when all three hold:
//  - it lies within join_distance(): start_distance() while the run knows fewer
//    than kScalePeople people (no evidence yet, so strict), then kScaleFactor x
//    the kScaleQuantile quantile of each person's distance to their nearest
//    other person, kept within [start_distance(), max_join_distance()];
//  - it is clearly nearer P than any other person (ratio kRatio), the people
//    on screen included: they too are known to be someone else;
//  - it is nearer P than P's own nearest known-different person is (ratio
//    kCrowdRatio): in a crowded neighbourhood a face this far may be anyone.
// Otherwise it starts a new person: splitting one person in two is the lesser
// error (a user merges them in the app), merging two people silently the one
// to avoid. A face's first view is often its poorest (walking or fading in,
// turned): a person started from it and still only its own track's is
// rejoined to a known person when a later clear view of that track passes the
// same decision (rejoin(); the tracker asks on its routine checks), so the
// run's gallery holds one person, not two that crowd each other's decisions.
// People never expire within a run. IDs are small integers from 1,
// never reused; merge() folds one person into another, canonical() follows merges.
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
  // distance T, for an embedder whose metadata gives only T (the figures:
  // dlib's, T = 0.44; faceres gives its own join, split and drift distances,
  // models/faceres.md), measured by models/identity/
  // (benchmark.py: Georgia Tech and Yale pairs by group; simulate.py: runs of
  // people coming and going) and on the come-and-go clips:
  //  - start (0.955 T = 0.42): the join distance before the run knows enough
  //    people. Georgia Tech's East Asian pairs: 0.5 % of different-person pairs
  //    lie within 0.40, 2.4 % within 0.44, 12 % within 0.50.
  //  - max join (1.25 T = 0.55): the most the join distance grows to in a run
  //    whose people lie far apart (--identity-threshold sets it).
  //  - split (1.36 T = 0.60, dlib's own boundary): after a gap, a cut or a lost
  //    follower, a face this far from its track's person is surely someone
  //    else; a nearer one must also pass confirms() (the join decision).
  //  - drift (1.8 T = 0.80): on the routine re-check of a face tracked without a
  //    break, only this far; one person's descriptors wander past 0.6 with pose,
  //    light and a microphone over the mouth (hamilton's performer: 0.61).
  static constexpr float kStartFactor = 0.955f;
  static constexpr float kJoinFactor = 1.25f;
  static constexpr float kSplitFactor = 1.36f;
  static constexpr float kDriftFactor = 1.8f;
  // The in-run calibration (see the top of this file).
  static constexpr int kScalePeople = 3;
  static constexpr float kScaleQuantile = 0.10f;
  static constexpr float kScaleFactor = 0.9f;
  static constexpr float kRatio = 0.9f;
  static constexpr float kCrowdRatio = 1.0f;

  // `max_join`: the most the join distance may grow to (the start distance is
  // at most this too); split and drift follow `calibrated` (the embedder's
  // same_person_distance).
  // `split` and `drift`: 0 = kSplitFactor and kDriftFactor times `calibrated`.
  People(float max_join, float calibrated, float split = 0.0f, float drift = 0.0f);
  explicit People(float calibrated) : People(calibrated * kJoinFactor, calibrated) {}
  // The distances an embedder's metadata gives (same_person_distance, split_distance, drift_distance).
  People(float max_join, const ModelSpec& embedder)
      : People(max_join, embedder.same_person_distance, embedder.split_distance, embedder.drift_distance) {}
  explicit People(const ModelSpec& embedder) : People(max_join_of(embedder), embedder) {}
  // The embedder's max_join_distance, else kJoinFactor times its same_person_distance.
  static float max_join_of(const ModelSpec& embedder) {
    return embedder.max_join_distance > 0 ? embedder.max_join_distance : embedder.same_person_distance * kJoinFactor;
  }

  float max_join_distance() const { return max_join_; }
  float start_distance() const { return start_; }
  // The join distance now, from the people known so far (see the top).
  float join_distance() const;
  float split_threshold() const { return split_threshold_; }
  float drift_threshold() const { return drift_threshold_; }

  // The person this face is: the nearest among those not in `exclude` (people
  // already on other faces of the same frame) when the decision above accepts
  // it, else a new person. A face seen unclearly (clear_view() in tracker.hpp: blurred, the
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
  // Whether `face` is still `person` after a break in its track (a gap, a cut,
  // a lost follower: the box may have passed to someone else): the same
  // decision as a join, with everyone else as the known different people.
  bool confirms(int person, const Embedding& face) const;
  // Whether `face`, a later view of the track that started person `fresh`, shows
  // someone already known: a person started from one view (a face walking or
  // fading in, turned, half hidden) may be someone the run knows, which the
  // same track's next clear views can show. When `fresh` is still only that
  // track's (no other face has joined it: single_track()) and `face` joins a
  // known person Q by the join decision, with `fresh` left out of it and the
  // people in `exclude` (on the frame's other faces) kept out, `fresh` is merged
  // into Q and Q is returned; otherwise `fresh` (canonical).
  int rejoin(int fresh, const Embedding& face, const std::set<int>& exclude = {});
  // Whether `person` was started by identify() from a clear view and no other face has joined it since.
  bool single_track(int person) const;
  // Whether `face`, at `distance` from its own person, is surely that person:
  // within join_distance(). Only such views are added as exemplars.
  bool sure_view(float distance) const { return distance <= join_distance(); }

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
  static Result<People> load(const std::string& path, const ModelSpec& embedder, float max_join);
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
    bool single_track = false;  // started by identify() from a clear view; no other face joined since
    float nearest_other = std::numeric_limits<float>::infinity();  // to the nearest other person
  };
  int canonical_locked(int person) const;
  std::pair<int, float> nearest_locked(const Embedding& face, const std::set<int>& exclude) const;
  float distance_locked(const Person& p, const Embedding& face, bool with_unclear) const;
  float join_distance_locked() const;
  // The join decision for `face` at `distance` from `person`; `ignore` (0: none)
  // does not count as a neighbour of `person` (the crowd rule).
  bool accepts_locked(int person, float distance, const Embedding& face, int ignore = 0) const;
  float nearest_other_locked(int person, int ignore) const;  // Person::nearest_other without `ignore`
  void merge_locked(int into, int from);
  // Each person's distance to their nearest other person (clear exemplars
  // only), kept as exemplars come and go.
  void note_exemplar_locked(int person, const Embedding& face);
  void recompute_nearest_locked();

  float max_join_;
  float start_;
  float split_threshold_;
  float drift_threshold_;

  mutable std::mutex mutex_;
  std::map<int, Person> people_;   // live people by ID
  std::map<int, int> merged_into_; // merged ID -> the ID it joined
  int next_id_ = 1;
  std::vector<int> split_requests_;
};

}  // namespace emoscope
