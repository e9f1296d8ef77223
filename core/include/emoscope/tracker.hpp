// Tracker: gives each face a stable ID across frames by box overlap (IoU,
// greedy best-first) and smooths each face's class probabilities over time with
// its own exponential moving average (time constant in ms, so the smoothing
// means the same at any frame rate). Tracks unseen for longer than max_gap_ms
// expire. Frames without a time (still images: SourceTime unset) are each
// independent: no track, ID association or smoothing carries into or out of
// them; their faces get fresh IDs (IDs are never reused within a stream).
// A tracked face need not be classified on every frame: assign() says which
// faces are due (new ones, and those classified classify_interval_ms ago or
// longer); the others keep their smoothed probabilities until their next turn.
// assign() and resolve() are two phases so that the faces of several frames can
// be classified in one batch: assign frames 1..n, classify, resolve 1..n.
// People (people.hpp), when the tracker is given a gallery: each track is a
// person, decided from face descriptors. assign() says which faces need a
// descriptor: new tracks, tracks to verify (re-found after a frame without
// them, after a scene cut, or after the follower lost them), and every track
// each identity_interval_ms. resolve() takes the descriptors: a new track
// joins the nearest known person or starts one; a track whose face no longer
// matches its person becomes a new track (new ID, smoothing restarted) of
// whoever the face is. So a track is never handed to a different person.
// Not thread-safe: one tracker per stream, fed in frame order.
// Units: times in milliseconds, boxes in frame pixels.
#pragma once

#include <limits>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/classifier.hpp"
#include "emoscope/embedder.hpp"
#include "emoscope/frame.hpp"
#include "emoscope/people.hpp"

namespace emoscope {

struct TrackerOptions {
  float iou_threshold = 0.25f;  // minimum overlap to continue a track
  double smoothing_ms = 250.0;  // EMA time constant; 0 = no smoothing
  double max_gap_ms = 1000.0;   // a track unseen this long expires
  // A tracked face is classified again once this long has passed since its last
  // classification (0 = on every frame): every third frame at 30 fps. Emotions
  // change over hundreds of ms and smoothing averages over smoothing_ms anyway;
  // measured in docs/development.md, "Speed" (scripts/measure-tracking.py).
  double classify_interval_ms = 100.0;
  // With a people gallery: each tracked face is embedded again this often to
  // check it is still the same person (besides the checks after gaps and cuts).
  double identity_interval_ms = 1000.0;
};

// How long (source time) the files' rows wait before they are written, so they
// carry settled identities (RecorderOptions::settle_ms): a person started from a
// track's poor first view is rejoined on the track's next routine check, one
// identity_interval_ms later; twice that leaves room for a late frame.
inline double identity_settle_ms(const TrackerOptions& t) { return 2.0 * t.identity_interval_ms; }

// What the detect stage knows about a frame's boxes, beyond the boxes.
struct FrameCues {
  bool scene_cut = false;           // the picture changed wholesale since the frame before
  std::vector<bool> lost;           // per box: carried by the follower without finding the face
  std::vector<std::vector<cv::Point2f>> landmarks;  // per box: five landmarks (may be empty)
  std::vector<float> scores;        // per box: the detector's score (NaN: none given)
  std::vector<float> sharpness;     // per box: face_sharpness() at its last detection (NaN: unknown)
};

// Focus of a face: the variance of the Laplacian of its box, in grey, at 64x64.
float face_sharpness(const cv::Mat& bgr, const cv::Rect2f& box);

// Whether a face's view is good enough to compare with other people's: the
// detector is sure of it (score >= 0.8, or no score given, as with Haar) and it
// is in focus (sharpness >= 6). Blurred or fading faces give descriptors that
// lie close to everyone's and would merge strangers (hamilton's out-of-focus
// audience: sharpness 2-5, within 0.41 of one another; faces in focus: 8 and up).
bool clear_view(float score, float sharpness);

struct TrackedFace {
  int id = 0;                  // stable per stream, from 1
  cv::Rect2f box;              // frame pixels
  Probabilities raw;           // this frame's model output; empty when not classified
  Probabilities smoothed;      // after temporal smoothing
  int label = -1;              // argmax of smoothed
  float confidence = 0.0f;     // smoothed[label]
  bool detected = true;        // false when the box was carried over (no detection run)
  bool classified = true;      // false when raw is empty: smoothed was carried (classify_interval_ms)
  // The face detector's score for this box (Detection::score), carried over
  // with the box between detections; NaN when the detector gives none (Haar).
  float face_score = std::numeric_limits<float>::quiet_NaN();
  // The person (people.hpp) this face is, from 1; 0 when identities are off
  // or not yet known. person_name: the name given to that person, if any.
  int person_id = 0;
  std::string person_name;
  bool embedded = false;       // a face descriptor was computed on this frame
};

// How a face is named on screen: the person's name, else "P<person_id>", else
// "#<track id>" (identities off).
std::string display_name(const TrackedFace& face);

float iou(const cv::Rect2f& a, const cv::Rect2f& b);

// For each detection, the index of the track it continues, or -1. Pairs are
// taken greedily by descending IoU; each track and detection is used once.
std::vector<int> associate(const std::vector<cv::Rect2f>& tracks,
                           const std::vector<cv::Rect2f>& detections, float iou_threshold);

// One EMA step: alpha = exp(-dt/tau) weight on the previous value.
Probabilities smooth(const Probabilities& previous, const Probabilities& current, double dt_ms,
                     double tau_ms);

class Tracker {
  struct Track;

 public:
  // One frame's faces matched to tracks (first phase).
  class Assignment {
   public:
    // Per box, in the order of the boxes: whether it needs the classifier now.
    const std::vector<bool>& to_classify() const { return to_classify_; }
    std::size_t classify_count() const;
    // Per box: whether it needs a face descriptor now (always false without people).
    const std::vector<bool>& to_embed() const { return to_embed_; }
    std::size_t embed_count() const;

   private:
    friend class Tracker;
    struct Face {
      std::shared_ptr<Track> track;  // shared: a later frame's assign() may end the track
      cv::Rect2f box;
      double dt_ms = 0;              // since the track's previous classification
      bool verify = false;           // embedded after a gap, cut or loss (not a routine check)
      bool clear = true;             // clear_view(): only such views join people loosely and add exemplars
    };
    std::vector<Face> faces_;
    std::vector<bool> to_classify_;
    std::vector<bool> to_embed_;
  };

  // `people`: the gallery to identify faces in (shared with the front end, which
  // may rename and merge); null = no identities (person_id stays 0).
  explicit Tracker(TrackerOptions options = {}, std::shared_ptr<People> people = nullptr);
  // Faces in this frame, in the order of `boxes`, every one classified
  // (`probabilities` per box). `time` is the frame's source time; unset (a
  // still image) ends every track first and starts new ones that no later
  // frame continues.
  std::vector<TrackedFace> update(const std::vector<cv::Rect2f>& boxes,
                                  const std::vector<Probabilities>& probabilities, SourceTime time);
  // First phase: IDs for this frame's boxes, and which of them are due for
  // classification (all of them on still images and when the interval is 0).
  // `models_free` false: the models are busy (live mode), so no face is due now;
  // they stay due for a later frame.
  Assignment assign(const std::vector<cv::Rect2f>& boxes, SourceTime time, const FrameCues& cues = {},
                    bool models_free = true);
  // Second phase, for assignments in the order they were made: `probabilities`
  // holds one entry per box to classify, `embeddings` one per box to embed, in box order.
  std::vector<TrackedFace> resolve(const Assignment& assignment,
                                   const std::vector<Probabilities>& probabilities,
                                   const std::vector<Embedding>& embeddings = {});
  // Live mode, where the models run beside the display: land() applies the
  // models' results for an earlier assignment (as resolve() does, to the
  // tracks); current() gives this frame's faces at once, with what the tracks
  // know now (faces not yet classified have no label). A face whose results
  // landed since the last current() reads as classified (and embedded) there.
  void land(const Assignment& assignment, const std::vector<Probabilities>& probabilities,
            const std::vector<Embedding>& embeddings);
  std::vector<TrackedFace> current(const Assignment& assignment);
  const std::shared_ptr<People>& people() const { return people_; }
  // Boxes of the live tracks (to carry over on frames where detection is skipped).
  std::vector<cv::Rect2f> live_boxes() const;
  void set_options(const TrackerOptions& options) { options_ = options; }
  void reset();

 private:
  Assignment assign(const std::vector<cv::Rect2f>& boxes, SourceTime time, const FrameCues& cues,
                    bool classify_all, bool models_free);
  TrackedFace face_of(const Track& track, const cv::Rect2f& box) const;
  // resolve()'s identity step: checks and identifies the faces with descriptors.
  void identify(const Assignment& assignment, const std::vector<Embedding>& embeddings,
                std::vector<TrackedFace>& faces);

  struct Track {
    int id;
    cv::Rect2f box;
    Probabilities smoothed;    // written by resolve()
    SourceTime last_seen;      // unset: seen on a still image, so never continued
    SourceTime classified_at;  // when assign() last asked for it to be classified
    bool classify_asked = false;  // assign() has asked for it to be classified at least once
    // Identities (written by resolve(), except the flags assign() sets).
    int person = 0;            // 0: not known yet
    bool fresh_person = false; // `person` was started from this track's first view (People::rejoin)
    SourceTime first_seen;     // when the track began
    SourceTime embedded_at;    // when assign() last asked for a descriptor
    std::uint64_t last_frame = 0;  // assign() call that last saw it
    bool suspect = false;      // lost by the follower since its last descriptor
    bool embed_pending = false;  // a descriptor is on its way (asked, not resolved)
    Embedding last_embedding;    // the newest descriptor (for a split asked by the user)
    Probabilities landed;        // live: model output landed since the last current()
    bool landed_embedding = false;
  };
  // A new face seen unclearly (entering, fading in: a low detector score) waits
  // this long for a clear view before it is identified as it is (crowd clip:
  // clear within 5 frames); an out-of-focus face does not wait.
  static constexpr double kIdentifyWaitMs = 200.0;
  TrackerOptions options_;
  std::shared_ptr<People> people_;
  std::vector<std::shared_ptr<Track>> tracks_;
  int next_id_ = 1;
  std::uint64_t frame_count_ = 0;
};

}  // namespace emoscope
