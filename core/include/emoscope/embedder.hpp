// FaceEmbedder: a face-recognition network that turns aligned face chips into
// descriptors (models/faceres.pt, the default: HSE's MobileNet, models/faceres.md;
// models/face_embedder.pt: dlib's ResNet, models/face_embedder.md). Two faces of one person lie within
// spec().same_person_distance of each other (Euclidean). The file follows
// models/MODEL_SPEC.md with "kind": "face-embedder"; it is loaded and checked
// once by load_embedder, on the same device logic as the emotion models (CUDA
// when present, else the CPU). embed() runs one batch; not thread-safe: call it
// from one worker thread. LibTorch stays behind this interface.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/classifier.hpp"
#include "emoscope/error.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/model_spec.hpp"
#include "emoscope/preprocess.hpp"

namespace emoscope {

using Embedding = std::vector<float>;  // spec().embedding_size values

class FaceEmbedder {
 public:
  virtual ~FaceEmbedder() = default;
  virtual const ModelSpec& spec() const = 0;
  // One descriptor per chip of `chips` (made with preprocess_chip).
  virtual Result<std::vector<Embedding>> embed(const Batch& chips) = 0;
  virtual std::string device_name() const = 0;
};

Result<std::unique_ptr<FaceEmbedder>> load_embedder(const std::string& model_path,
                                                    const ClassifierOptions& options = {});

float embedding_distance(const Embedding& a, const Embedding& b);  // Euclidean

// The 2x3 similarity transform (rotation, uniform scale, shift; least squares,
// no reflection) that maps the five landmarks (frame pixels, YuNet's order)
// onto the model's align_landmarks in chip pixels.
cv::Matx23d chip_transform(const std::vector<cv::Point2f>& landmarks, const ModelSpec& spec);

// One chip: the frame warped by chip_transform (bilinear, replicated border),
// colour and normalisation as MODEL_SPEC.md says, into `out` (c*h*w floats).
void preprocess_chip(const cv::Mat& bgr, const std::vector<cv::Point2f>& landmarks, const ModelSpec& spec,
                     float* out);

// Five landmarks where they sit in an upright face of this box (the FER2013
// framing of Detection::box), for detectors that give none (Haar, SSD).
std::vector<cv::Point2f> landmarks_from_box(const cv::Rect2f& box);

// The landmarks a detection's chip is aligned on: the detector's five, else landmarks_from_box.
std::vector<cv::Point2f> chip_landmarks(const Detection& detection);

// Descriptors of one image's faces (five landmarks each), in one forward pass.
Result<std::vector<Embedding>> embed_faces(FaceEmbedder& embedder, const cv::Mat& bgr,
                                           const std::vector<std::vector<cv::Point2f>>& landmarks);

}  // namespace emoscope
