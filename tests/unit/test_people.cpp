// People and the tracker's identities, with synthetic descriptors: each person
// is a direction in descriptor space, so distances are known exactly.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include "emoscope/people.hpp"
#include "emoscope/tracker.hpp"
#include "test_support.hpp"

using namespace emoscope;

namespace {

constexpr float kCalibrated = 0.44f;  // the shipped embedder's; join from 0.42 up to 0.55, split 0.60, drift 0.79

// Person k's face: a unit vector along axis k, moved by `wobble` along axis 100 + k (a
// different view of the same face). Two people are sqrt(2) = 1.41 apart.
Embedding face(int k, float wobble = 0.0f) {
  Embedding e(128, 0.0f);
  e[k] = 1.0f;
  e[(100 + k) % 128] = wobble;
  return e;
}

ModelSpec embedder_spec() {
  ModelSpec s;
  s.kind = ModelKind::kFaceEmbedder;
  s.name = "face_embedder";
  s.version = "1.0.0";
  s.embedding_size = 128;
  s.same_person_distance = kCalibrated;
  return s;
}

const cv::Rect2f kLeft{100, 100, 80, 80}, kRight{400, 100, 80, 80};

// One frame through the tracker, every due face embedded with `faces[i]` (or,
// with step(), the face of person `who[i]`); clear views: score 0.99.
struct Step {
  std::vector<TrackedFace> faces;
  std::size_t embedded = 0;
};
Step step_faces(Tracker& t, double ms, const std::vector<cv::Rect2f>& boxes, const std::vector<Embedding>& faces,
                FrameCues cues = {}) {
  cues.scores.assign(boxes.size(), 0.99f);
  const Tracker::Assignment a = t.assign(boxes, SourceTime::from_ms(ms), cues);
  std::vector<Probabilities> probs;
  std::vector<Embedding> embeddings;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    if (a.to_classify()[i]) probs.push_back({0.5f, 0.5f});
    if (a.to_embed()[i]) embeddings.push_back(faces[i]);
  }
  return {t.resolve(a, probs, embeddings), embeddings.size()};
}

Step step(Tracker& t, double ms, const std::vector<cv::Rect2f>& boxes, const std::vector<int>& who,
          FrameCues cues = {}) {
  std::vector<Embedding> faces;
  for (int k : who) faces.push_back(face(k));
  return step_faces(t, ms, boxes, faces, std::move(cues));
}

}  // namespace

TEST_CASE("people: a face joins the nearest person within the threshold, else starts one") {
  People people(kCalibrated);
  CHECK(people.max_join_distance() == Approx(kCalibrated * People::kJoinFactor));
  CHECK(people.join_distance() == Approx(kCalibrated * People::kStartFactor));
  const int a = people.identify(face(1));
  const int b = people.identify(face(2));
  CHECK(a == 1);
  CHECK(b == 2);
  CHECK(people.identify(face(1, 0.3f)) == a);  // 0.3 away: the same person
  CHECK(people.identify(face(1, 0.6f)) == 3);  // 0.6 away: someone new
  // Someone already on screen is ruled out, however close.
  CHECK(people.identify(face(2), {b}) == 4);
  // Unclear views never join anyone, and no one joins them.
  const int blurred = people.identify(face(1), {}, /*clear_view=*/false);
  CHECK(blurred != a);
  CHECK(people.identify(face(5), {}, false) == 6);
  CHECK(people.identify(face(5)) == 7);
}

namespace {
// A descriptor with `parts` (axis, value) set, the rest 0.
Embedding along(std::vector<std::pair<int, float>> parts) {
  Embedding e(128, 0.0f);
  for (auto [axis, v] : parts) e[axis] = v;
  return e;
}
}  // namespace

TEST_CASE("people: the join distance starts strict and grows only in a run whose people lie far apart") {
  const float start = kCalibrated * People::kStartFactor;  // 0.42
  {
    People few(kCalibrated);
    const int a = few.identify(face(1));
    // 0.48 from the only person: too far while the run knows too few people.
    CHECK(few.identify(along({{1, 1.0f}, {60, 0.48f}})) != a);
    CHECK(few.join_distance() == Approx(start));
  }
  People sparse(kCalibrated);
  const int a = sparse.identify(face(1));
  for (int k = 2; k <= 5; ++k) sparse.identify(face(k));
  // People 1.41 apart: 0.9 x that is more than the most a join distance grows to.
  CHECK(sparse.join_distance() == Approx(kCalibrated * People::kJoinFactor));
  CHECK(sparse.identify(along({{1, 1.0f}, {61, 0.50f}})) == a);

  // A crowded run: people 0.38 apart (a shared axis and one of their own), all
  // on screen at once, so known to be different.
  People dense(kCalibrated);
  auto crowded = [](int k, float wobble) { return along({{0, 1.0f}, {k, 0.2687f}, {100 + k, wobble}}); };
  std::vector<int> ids;
  for (int k = 1; k <= 6; ++k) ids.push_back(dense.identify(crowded(k, 0.0f), std::set<int>(ids.begin(), ids.end())));
  CHECK(std::set<int>(ids.begin(), ids.end()).size() == 6);
  CHECK(dense.join_distance() == Approx(start));  // 0.9 x 0.38 = 0.34: held at the start
  // 0.30 from person 1 (0.49 from the others): nearer than person 1's nearest
  // other person (0.38), so it joins.
  CHECK(dense.identify(crowded(1, 0.30f)) == ids[0]);
  // 0.40 from person 2: within the start distance, but farther than person 2's
  // nearest known-different person: in so crowded a neighbourhood, a new person.
  CHECK(dense.identify(crowded(2, 0.40f)) != ids[1]);
}

TEST_CASE("people: a face must be clearly nearer its person than anyone else, on screen or not") {
  People people(kCalibrated);
  const int a = people.identify(along({{1, 1.0f}}));
  const int b = people.identify(along({{1, 1.0f}, {50, 1.0f}}));  // 1.0 from a
  CHECK(b != a);
  // 0.30 from a and 0.95 from b: a clear winner.
  const Embedding near_a = along({{1, 1.0f}, {50, 0.05f}, {60, 0.30f}});
  CHECK(people.identify(near_a) == a);
  // Halfway between a and b (0.50 from each, give or take): no one's.
  const Embedding between = along({{1, 1.0f}, {50, 0.5f}, {60, 0.05f}});
  CHECK(people.identify(between) != a);
  // Someone on screen is ruled out as the answer, yet still counts as a known
  // different person: 0.36 from c but 0.38 from d (on screen) is too close a call.
  People p2(kCalibrated);
  const int c = p2.identify(along({{1, 1.0f}}));
  const int d = p2.identify(along({{1, 1.0f}, {2, 0.74f}}));
  CHECK(d != c);
  const Embedding close_call = along({{1, 1.0f}, {2, 0.37f}, {3, 0.05f}});  // 0.374 from c, 0.374 from d
  CHECK(p2.identify(close_call, {d}) != c);
}

TEST_CASE("people: rename, merge and the gallery file (0600, checked on load)") {
  People people(kCalibrated);
  const int a = people.identify(face(1));
  const int b = people.identify(face(2));
  people.rename(a, "Ada");
  people.merge(a, b);
  CHECK(people.canonical(b) == a);
  CHECK(people.name(b) == "Ada");
  CHECK(people.list().size() == 1);
  CHECK(people.identify(face(2)) == a);  // the merged person's face is Ada's now

  const std::string dir = test::temp_dir("people");
  const std::string path = dir + "/people.json";
  REQUIRE_FALSE(people.save(path, embedder_spec()));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto loaded = People::load(path, embedder_spec(), 0.5f);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->list().size() == 1);
  CHECK(loaded->list()[0].name == "Ada");
  CHECK(loaded->list()[0].known);
  CHECK(loaded->name(loaded->identify(face(1, 0.2f))) == "Ada");

  ModelSpec other = embedder_spec();
  other.version = "2.0.0";
  auto refused = People::load(path, other, 0.5f);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("made with face embedder face_embedder 1.0.0") != std::string::npos);
  { std::ofstream(dir + "/bad.json") << "{\"format\": \"emoscope-people/1\", \"embedder\": "; }
  auto corrupt = People::load(dir + "/bad.json", embedder_spec(), 0.5f);
  REQUIRE_FALSE(corrupt.ok());
  CHECK(corrupt.error().code == ErrorCode::kInputUnreadable);
  CHECK(loaded->remove_named("Ada"));
  CHECK_FALSE(loaded->remove_named("Ada"));
}

TEST_CASE("identities: a person who leaves and returns gets their person ID back, on a new track") {
  Tracker t({}, std::make_shared<People>(kCalibrated));
  const Step first = step(t, 0, {kLeft}, {1});
  REQUIRE(first.faces.size() == 1);
  CHECK(first.faces[0].person_id == 1);
  CHECK(first.embedded == 1);
  step(t, 40, {kLeft}, {1});
  // Gone for 3 s (beyond the track gap), back at another place.
  const Step back = step(t, 3000, {kRight}, {1});
  CHECK(back.faces[0].id != first.faces[0].id);
  CHECK(back.faces[0].person_id == 1);
  CHECK(back.faces[0].smoothed == back.faces[0].raw);  // smoothing restarts
  // Someone else at the same place later is someone else.
  const Step stranger = step(t, 6000, {kRight}, {2});
  CHECK(stranger.faces[0].person_id == 2);
}

TEST_CASE("identities: a different person stepping into the same spot within the track gap is not handed the track") {
  Tracker t({}, std::make_shared<People>(kCalibrated));
  const Step a = step(t, 0, {kLeft}, {1});
  step(t, 40, {kLeft}, {1});
  step(t, 80, {}, {});  // A leaves; the track lives on (gap 1000 ms)
  const Step b = step(t, 200, {kLeft}, {2});  // B at the same place: IoU continues the track
  REQUIRE(b.faces.size() == 1);
  CHECK(b.embedded == 1);  // re-found after a frame without it: checked at once
  CHECK(b.faces[0].person_id == 2);
  CHECK(b.faces[0].id != a.faces[0].id);
  CHECK(b.faces[0].smoothed == b.faces[0].raw);
}

TEST_CASE("identities: a look-alike stepping into a track after a gap is not handed the track") {
  // B lies 0.50 from A: within dlib's 0.60, as different East Asian people often do
  // (Georgia Tech: 0.60 apart on average), but not within the join decision.
  const Embedding a_face = face(1);
  Embedding b_face = face(1);
  b_face[60] = 0.50f;
  Tracker t({}, std::make_shared<People>(kCalibrated));
  const Step a = step_faces(t, 0, {kLeft}, {a_face});
  step_faces(t, 40, {kLeft}, {a_face});
  step_faces(t, 80, {}, {});
  const Step b = step_faces(t, 200, {kLeft}, {b_face});
  REQUIRE(b.faces.size() == 1);
  CHECK(b.embedded == 1);
  CHECK(b.faces[0].person_id != a.faces[0].person_id);
  CHECK(b.faces[0].id != a.faces[0].id);
  // A itself after a gap (a view 0.2 from the first) keeps its person.
  Embedding a_again = face(1);
  a_again[61] = 0.20f;
  step_faces(t, 1500, {}, {});
  const Step c = step_faces(t, 1600, {kRight}, {a_again});
  REQUIRE(c.faces.size() == 1);
  CHECK(c.faces[0].person_id == a.faces[0].person_id);
}

TEST_CASE("identities: a scene cut checks every face - two people swapping places keep their IDs") {
  Tracker t({}, std::make_shared<People>(kCalibrated));
  const Step s = step(t, 0, {kLeft, kRight}, {1, 2});
  CHECK(s.faces[0].person_id == 1);
  CHECK(s.faces[1].person_id == 2);
  step(t, 40, {kLeft, kRight}, {1, 2});
  // A cut to the same places with the two people swapped: IoU keeps the tracks,
  // the cut makes them checked.
  FrameCues cut;
  cut.scene_cut = true;
  const Step swapped = step(t, 80, {kLeft, kRight}, {2, 1}, cut);
  CHECK(swapped.embedded == 2);
  CHECK(swapped.faces[0].person_id == 2);
  CHECK(swapped.faces[1].person_id == 1);
  CHECK(swapped.faces[0].id != s.faces[0].id);
  // Without a cut, a continuing face is not embedded again before the interval.
  const Step calm = step(t, 120, {kLeft, kRight}, {2, 1});
  CHECK(calm.embedded == 0);
  CHECK(calm.faces[0].person_id == 2);
  // A face the follower lost is checked when it is found again.
  FrameCues lost;
  lost.lost = {true, false};
  CHECK(step(t, 160, {kLeft, kRight}, {2, 1}, lost).embedded == 0);
  const Step found = step(t, 200, {kLeft, kRight}, {1, 1});  // someone else where the lost face was
  CHECK(found.embedded == 1);
  CHECK(found.faces[0].person_id != found.faces[1].person_id);  // one face per person in a frame
}

TEST_CASE("identities: routine checks tolerate one person's drift - a user's split takes a track off its person") {
  TrackerOptions o;
  o.identity_interval_ms = 500;
  auto people = std::make_shared<People>(kCalibrated);
  Tracker t(o, people);
  step(t, 0, {kLeft}, {1});
  // 0.7 from the person's first view (past split, within drift): same track, same person.
  const Tracker::Assignment a = t.assign({kLeft}, SourceTime::from_ms(600), {});
  REQUIRE(a.to_embed()[0]);
  const auto faces = t.resolve(a, {{0.5f, 0.5f}}, {face(1, 0.7f)});
  CHECK(faces[0].id == 1);
  CHECK(faces[0].person_id == 1);
  people->request_split(faces[0].id);
  const Step split = step(t, 640, {kLeft}, {1});
  CHECK(split.faces[0].id == 1);
  CHECK(split.faces[0].person_id == 2);
}

TEST_CASE("people: a person started from one poor view rejoins the known person its own track's later views show") {
  People people(kCalibrated);
  const int a = people.identify(face(1));
  const int b = people.identify(face(2));
  // A comes back, first seen poorly (0.5 from A: past the start distance 0.42): a new person.
  const int fresh = people.identify(face(1, 0.5f));
  REQUIRE(fresh != a);
  CHECK(people.single_track(fresh));
  // A view still nearer its own first view than A's is no news: it stays.
  CHECK(people.rejoin(fresh, face(1, 0.35f)) == fresh);
  CHECK(people.single_track(fresh));
  // Its track's next view is A's face: the fresh person is A.
  CHECK(people.rejoin(fresh, face(1, 0.05f)) == a);
  CHECK(people.canonical(fresh) == a);
  CHECK(people.list().size() == 2);
  CHECK_FALSE(people.single_track(a));
  // Rejoining is only for a person no other face has joined: a second face joining it ends that.
  const int c = people.identify(face(3));
  CHECK(people.identify(face(3, 0.1f)) == c);
  CHECK_FALSE(people.single_track(c));
  CHECK(people.rejoin(c, face(2)) == c);
  // Never into someone on screen, nor when the view is not clearly one person's.
  const int d = people.identify(face(4, 0.5f));
  REQUIRE(people.single_track(d));
  CHECK(people.rejoin(d, face(2), {b}) == d);
  Embedding between = face(1);
  between[2] = 1.0f;  // as near to A as to B
  CHECK(people.rejoin(d, between) == d);
  CHECK(people.single_track(d));
}

TEST_CASE("identities: a returning face first seen poorly gets its person back from its next clear view") {
  TrackerOptions o;
  o.identity_interval_ms = 500;
  auto people = std::make_shared<People>(kCalibrated);
  Tracker t(o, people);
  const Step a = step(t, 0, {kLeft}, {1});
  REQUIRE(a.faces[0].person_id == 1);
  step(t, 3000, {}, {});  // A leaves (past the track gap)
  // A returns elsewhere, first seen poorly: a person of its own, for now.
  const Step first = step_faces(t, 4000, {kRight}, {face(1, 0.5f)});
  REQUIRE(first.embedded == 1);
  const int started = first.faces[0].person_id;
  CHECK(started != 1);
  // The routine check half a second later sees A clearly: the track is A's, and the person it started was A.
  const Step later = step_faces(t, 4600, {kRight}, {face(1, 0.02f)});
  REQUIRE(later.embedded == 1);
  CHECK(later.faces[0].id == first.faces[0].id);  // the same track
  CHECK(later.faces[0].person_id == 1);
  CHECK(people->canonical(started) == 1);
  // Someone else, first seen poorly too, stays someone else.
  step(t, 8000, {}, {});
  const Step b = step_faces(t, 9000, {kLeft}, {face(2, 0.5f)});
  const Step b_later = step_faces(t, 9600, {kLeft}, {face(2)});
  CHECK(b_later.faces[0].person_id == b.faces[0].person_id);
  CHECK(b_later.faces[0].person_id != 1);
}
