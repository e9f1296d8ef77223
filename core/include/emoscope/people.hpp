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

  // A tracked face is split from its person only beyond this multiple of the
  // threshold: the track itself is evidence that it is the same face, so only
  // a clearly different face counts (pose and light move one person's
  // descriptors by more than the threshold now and then; measured in README, "Identities").
  static constexpr float kSplitFactor = 1.35f;

  explicit People(float threshold);

  float threshold() const { return threshold_; }
  float split_threshold() const { return threshold_ * kSplitFactor; }
  // The person this face is: the nearest within threshold() among those not in
  // `exclude` (people already on other faces of the same frame), else a new person.
  int identify(const Embedding& face, const std::set<int>& exclude = {});
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

  // Known people across sessions. The file records the embedder's name and
  // version; a gallery made with another embedder is refused.
  Status save(const std::string& path, const ModelSpec& embedder) const;
  static Result<People> load(const std::string& path, const ModelSpec& embedder, float threshold);
  // Adds a named person from descriptors of their photos (people add).
  int add_named(const std::string& name, const std::vector<Embedding>& faces);
  bool remove_named(const std::string& name);

  People(People&& other) noexcept;

 private:
  struct Person {
    std::string name;
    std::vector<Embedding> exemplars;
    bool known = false;
  };
  int canonical_locked(int person) const;
  float distance_locked(const Person& p, const Embedding& face) const;

  float threshold_;
  mutable std::mutex mutex_;
  std::map<int, Person> people_;   // live people by ID
  std::map<int, int> merged_into_; // merged ID -> the ID it joined
  int next_id_ = 1;
};

}  // namespace emoscope
