// One still image's faces, the steps `emoscope-cli predict` and `eval` share
// (video and image folders go through the Pipeline instead): detect, crop and
// preprocess for a model, then classify in one forward pass. With
// `whole_image` (pre-cropped faces, FER2013 style) or no detector the image
// is one face. Runs on the calling thread; the detector and classifier are
// not thread-safe, so one caller at a time uses them.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/classifier.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/preprocess.hpp"

namespace emoscope {

struct ImageFacesOptions {
  bool whole_image = false;   // the image is one face: no detection
  bool largest_only = false;  // keep only the largest detected face (eval's one truth per image)
};

// The faces found, in the detector's order, and their crops in one batch.
struct ImageFaces {
  std::vector<cv::Rect2f> boxes;                       // pixels of the image
  std::vector<float> scores;                           // the detector's; NaN without one (Haar, whole image)
  std::vector<std::vector<cv::Point2f>> landmarks;     // per face: for face descriptors (embedder.hpp)
  Batch batch;                                         // one preprocessed crop per box, for `spec`
};

ImageFaces find_image_faces(const cv::Mat& image, FaceDetector* detector, const ModelSpec& spec,
                            const ImageFacesOptions& options = {});

// find_image_faces(), then the classifier on its batch: one Probabilities per box.
struct ImageAnalysis {
  ImageFaces faces;
  std::vector<Probabilities> probabilities;
};
Result<ImageAnalysis> analyze_image(const cv::Mat& image, FaceDetector* detector, Classifier& classifier,
                                    const ImageFacesOptions& options = {});

}  // namespace emoscope
