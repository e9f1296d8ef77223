#include "emoscope/people.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace emoscope {

float embedding_distance(const Embedding& a, const Embedding& b) {
  if (a.size() != b.size() || a.empty()) return std::numeric_limits<float>::infinity();
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return static_cast<float>(std::sqrt(sum));
}

People::People(float max_join, float calibrated, float split, float drift)
    : max_join_(max_join),
      start_(std::min(max_join, calibrated * kStartFactor)),
      split_threshold_(split > 0 ? split : calibrated * kSplitFactor),
      drift_threshold_(drift > 0 ? drift : calibrated * kDriftFactor) {}

People::People(People&& other) noexcept {
  std::lock_guard<std::mutex> lock(other.mutex_);
  max_join_ = other.max_join_;
  start_ = other.start_;
  split_threshold_ = other.split_threshold_;
  drift_threshold_ = other.drift_threshold_;
  people_ = std::move(other.people_);
  merged_into_ = std::move(other.merged_into_);
  next_id_ = other.next_id_;
  split_requests_ = std::move(other.split_requests_);
}

float People::distance_locked(const Person& p, const Embedding& face, bool with_unclear) const {
  float best = std::numeric_limits<float>::infinity();
  for (const Embedding& e : p.exemplars) best = std::min(best, embedding_distance(e, face));
  if (with_unclear) {
    for (const Embedding& e : p.unclear) best = std::min(best, embedding_distance(e, face));
  }
  return best;
}

int People::canonical_locked(int person) const {
  for (int guard = 0; guard < 1000; ++guard) {
    auto it = merged_into_.find(person);
    if (it == merged_into_.end()) return person;
    person = it->second;
  }
  return person;
}

std::pair<int, float> People::nearest(const Embedding& face, const std::set<int>& exclude) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return nearest_locked(face, exclude);
}

std::pair<int, float> People::nearest_locked(const Embedding& face, const std::set<int>& exclude) const {
  std::set<int> excluded;
  for (int id : exclude) excluded.insert(canonical_locked(id));
  std::pair<int, float> best{0, std::numeric_limits<float>::infinity()};
  for (const auto& [id, p] : people_) {
    if (excluded.count(id)) continue;
    const float d = distance_locked(p, face, /*with_unclear=*/false);
    if (d < best.second) best = {id, d};
  }
  return best;
}

float People::join_distance() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return join_distance_locked();
}

float People::join_distance_locked() const {
  std::vector<float> nearest;
  for (const auto& [id, p] : people_) {
    if (std::isfinite(p.nearest_other)) nearest.push_back(p.nearest_other);
  }
  if (static_cast<int>(nearest.size()) < kScalePeople) return start_;
  // The lower quantile of how far each person lies from their nearest other
  // person: how close different people of this run can come.
  const std::size_t k = static_cast<std::size_t>(kScaleQuantile * static_cast<float>(nearest.size() - 1) + 0.5f);
  std::nth_element(nearest.begin(), nearest.begin() + static_cast<std::ptrdiff_t>(k), nearest.end());
  return std::clamp(kScaleFactor * nearest[k], start_, std::max(start_, max_join_));
}

void People::note_exemplar_locked(int person, const Embedding& face) {
  Person& p = people_.at(person);
  for (auto& [id, other] : people_) {
    if (id == person) continue;
    const float d = distance_locked(other, face, /*with_unclear=*/false);
    p.nearest_other = std::min(p.nearest_other, d);
    other.nearest_other = std::min(other.nearest_other, d);
  }
}

void People::recompute_nearest_locked() {
  for (auto& [id, p] : people_) p.nearest_other = std::numeric_limits<float>::infinity();
  for (auto& [id, p] : people_) {
    for (const Embedding& e : p.exemplars) note_exemplar_locked(id, e);
  }
}

float People::nearest_other_locked(int person, int ignore) const {
  const Person& p = people_.at(person);
  float nearest = std::numeric_limits<float>::infinity();
  for (const auto& [id, other] : people_) {
    if (id == person || id == ignore) continue;
    for (const Embedding& e : p.exemplars) nearest = std::min(nearest, distance_locked(other, e, /*with_unclear=*/false));
  }
  return nearest;
}

bool People::accepts_locked(int person, float distance, const Embedding& face, int ignore) const {
  // Everyone else, the people on screen included, is known to be someone other than `person`.
  if (!(distance < join_distance_locked())) return false;
  if (!(distance < kRatio * nearest_locked(face, {person}).second)) return false;
  const float crowd = ignore != 0 ? nearest_other_locked(person, ignore) : people_.at(person).nearest_other;
  return distance < kCrowdRatio * crowd;
}

bool People::confirms(int person, const Embedding& face) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = people_.find(canonical_locked(person));
  if (it == people_.end()) return false;
  const float d = distance_locked(it->second, face, /*with_unclear=*/true);
  if (!(d < split_threshold_)) return false;
  // A person known only from an unclear view has no neighbourhood yet: its own track vouches for it.
  if (it->second.exemplars.empty()) return true;
  return accepts_locked(it->first, d, face);
}

int People::identify(const Embedding& face, const std::set<int>& exclude, bool clear_view) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [best_id, best] = nearest_locked(face, exclude);
  if (best_id != 0 && !accepts_locked(best_id, best, face)) best_id = 0;
  if (!clear_view) best_id = 0;
  if (best_id == 0) {
    best_id = next_id_++;
    // An unclear first view is kept for checking this person's own track, never
    // for others to join: blurred faces lie close to one another (hamilton's
    // out-of-focus audience: within 0.40).
    Person& p = people_[best_id];
    if (clear_view) {
      p.exemplars.push_back(face);
      p.single_track = true;
      note_exemplar_locked(best_id, face);
    } else {
      p.unclear.push_back(face);
    }
    return best_id;
  }
  people_.at(best_id).single_track = false;
  return best_id;  // the caller adds the view with add_exemplar
}

int People::rejoin(int fresh, const Embedding& face, const std::set<int>& exclude) {
  std::lock_guard<std::mutex> lock(mutex_);
  fresh = canonical_locked(fresh);
  auto it = people_.find(fresh);
  if (it == people_.end() || !it->second.single_track) return fresh;
  std::set<int> skip = exclude;
  skip.insert(fresh);
  const auto [known, d] = nearest_locked(face, skip);
  // The view must be clearly nearer the known person than its own first view
  // (the fresh person is a runner-up like anyone else), and within the start
  // distance whatever the run has learnt: a track is checked again and again,
  // and each look is another chance to take a look-alike. The fresh person is
  // no neighbour of the known one, though: it is the one in question.
  if (known == 0 || !(d < start_) || !accepts_locked(known, d, face, /*ignore=*/fresh)) return fresh;
  merge_locked(known, fresh);
  return known;
}

bool People::single_track(int person) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = people_.find(canonical_locked(person));
  return it != people_.end() && it->second.single_track;
}

float People::distance(int person, const Embedding& face) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = people_.find(canonical_locked(person));
  return it == people_.end() ? std::numeric_limits<float>::infinity() : distance_locked(it->second, face, true);
}

void People::add_exemplar(int person, const Embedding& face) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = people_.find(canonical_locked(person));
  if (it == people_.end()) return;
  Person& p = it->second;
  // Only views that differ from the ones kept add anything; the first views
  // (and a saved gallery's) stay, the newest replaces the newest once full.
  if (distance_locked(p, face, false) <= 0.25f * start_) return;
  if (static_cast<int>(p.exemplars.size()) < kMaxExemplars) {
    p.exemplars.push_back(face);
    note_exemplar_locked(it->first, face);
  } else {
    // The replaced view may have held someone's nearest distance: then (only then) recompute them all.
    bool held_nearest = false;
    for (const auto& [id, other] : people_) {
      if (id == it->first) continue;
      const float d = distance_locked(other, p.exemplars.back(), /*with_unclear=*/false);
      held_nearest = held_nearest || d <= other.nearest_other || d <= p.nearest_other;
    }
    p.exemplars.back() = face;
    if (held_nearest) {
      recompute_nearest_locked();
    } else {
      note_exemplar_locked(it->first, face);
    }
  }
}

int People::canonical(int person) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return canonical_locked(person);
}

std::string People::name(int person) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = people_.find(canonical_locked(person));
  return it == people_.end() ? std::string() : it->second.name;
}

void People::rename(int person, const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = people_.find(canonical_locked(person));
  if (it != people_.end()) it->second.name = name;
}

void People::merge(int into, int from) {
  std::lock_guard<std::mutex> lock(mutex_);
  merge_locked(into, from);
}

void People::merge_locked(int into, int from) {
  into = canonical_locked(into);
  from = canonical_locked(from);
  if (into == from) return;
  auto a = people_.find(into), b = people_.find(from);
  if (a == people_.end() || b == people_.end()) return;
  for (Embedding& e : b->second.exemplars) {
    if (static_cast<int>(a->second.exemplars.size()) >= kMaxExemplars) break;
    a->second.exemplars.push_back(std::move(e));
  }
  if (a->second.name.empty()) a->second.name = b->second.name;
  a->second.known = a->second.known || b->second.known;
  a->second.single_track = false;
  people_.erase(b);
  merged_into_[from] = into;
  recompute_nearest_locked();
}

std::vector<PersonInfo> People::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<PersonInfo> out;
  for (const auto& [id, p] : people_) out.push_back({id, p.name, static_cast<int>(p.exemplars.size()), p.known});
  return out;
}

void People::request_split(int track_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  split_requests_.push_back(track_id);
}

std::vector<int> People::take_split_requests() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(split_requests_, {});
}

int People::add_person(const Embedding& face) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int id = next_id_++;
  people_[id].exemplars.push_back(face);
  note_exemplar_locked(id, face);
  return id;
}

int People::add_named(const std::string& name, const std::vector<Embedding>& faces) {
  std::lock_guard<std::mutex> lock(mutex_);
  int id = 0;
  for (auto& [pid, p] : people_) {
    if (p.name == name) id = pid;
  }
  if (id == 0) id = next_id_++;
  Person& p = people_[id];
  p.name = name;
  p.known = true;
  for (const Embedding& e : faces) {
    if (static_cast<int>(p.exemplars.size()) >= kMaxExemplars) break;
    p.exemplars.push_back(e);
    note_exemplar_locked(id, e);
  }
  return id;
}

bool People::remove_named(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = people_.begin(); it != people_.end(); ++it) {
    if (it->second.name == name) {
      people_.erase(it);
      recompute_nearest_locked();
      return true;
    }
  }
  return false;
}

namespace {
constexpr char kFormat[] = "emoscope-people/1";

Error gallery_error(ErrorCode code, const std::string& path, const std::string& what) {
  return {code, "people gallery '" + path + "': " + what};
}
}  // namespace

MaybeError People::save(const std::string& path, const ModelSpec& embedder) const {
  nlohmann::json j;
  j["format"] = kFormat;
  j["embedder"] = {{"name", embedder.name}, {"version", embedder.version}};
  j["note"] = "Face descriptors (biometric data) of the people named here. Kept on this machine only.";
  nlohmann::json list = nlohmann::json::array();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, p] : people_) {
      if (p.name.empty()) continue;  // only named people are worth keeping
      list.push_back({{"name", p.name}, {"exemplars", p.exemplars}});
    }
  }
  j["people"] = list;
  const std::string text = j.dump() + "\n";
  // Written whole under a temporary name, then renamed: a crash never leaves half a gallery.
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return gallery_error(ErrorCode::kOutputNotWritable, path, "cannot be written");
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) ok = false;
    else done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return gallery_error(ErrorCode::kOutputNotWritable, path, "cannot be written (disk full?)");
  }
  return std::nullopt;
}

Result<People> People::load(const std::string& path, const ModelSpec& embedder, float max_join) {
  std::ifstream in(path);
  if (!in) return gallery_error(ErrorCode::kInputUnreadable, path, "cannot be read");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
    if (!j.is_object() || j.value("format", "") != kFormat) {
      return gallery_error(ErrorCode::kInputUnreadable, path, std::string("not a people gallery (format ") + kFormat + ")");
    }
    const auto& e = j.at("embedder");
    if (e.at("name").get<std::string>() != embedder.name || e.at("version").get<std::string>() != embedder.version) {
      return gallery_error(ErrorCode::kInputUnreadable, path,
                           "made with face embedder " + e.at("name").get<std::string>() + " " +
                               e.at("version").get<std::string>() + ", not " + embedder.name + " " + embedder.version +
                               ": use that embedder (its file " + e.at("name").get<std::string>() +
                               ".pt), or add the people again with this one");
    }
    People people(max_join, embedder);
    for (const auto& p : j.at("people")) {
      std::vector<Embedding> faces = p.at("exemplars").get<std::vector<Embedding>>();
      for (const Embedding& f : faces) {
        if (static_cast<int>(f.size()) != embedder.embedding_size) {
          return gallery_error(ErrorCode::kInputUnreadable, path, "a descriptor has the wrong size");
        }
      }
      people.add_named(p.at("name").get<std::string>(), faces);
    }
    return people;
  } catch (const nlohmann::json::exception& ex) {
    return gallery_error(ErrorCode::kInputUnreadable, path, std::string("is corrupt (") + ex.what() + ")");
  }
}

}  // namespace emoscope
