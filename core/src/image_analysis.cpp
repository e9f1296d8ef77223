#include "emoscope/image_analysis.hpp"

#include <algorithm>
#include <limits>

#include "emoscope/embedder.hpp"

namespace emoscope {

ImageFaces find_image_faces(const cv::Mat& image, FaceDetector* detector, const ModelSpec& spec,
                            const ImageFacesOptions& options) {
  ImageFaces found;
  if (options.whole_image || !detector) {
    found.boxes.emplace_back(0.f, 0.f, static_cast<float>(image.cols), static_cast<float>(image.rows));
    found.scores.push_back(std::numeric_limits<float>::quiet_NaN());
    found.landmarks.push_back(landmarks_from_box(found.boxes.back()));
    found.batch = make_whole_image_batch(image, spec);
    return found;
  }
  std::vector<Detection> detections = detector->detect(image);
  if (options.largest_only && detections.size() > 1) {
    const auto largest = std::max_element(detections.begin(), detections.end(),
                                          [](const Detection& a, const Detection& b) { return a.box.area() < b.box.area(); });
    detections = {*largest};
  }
  for (const Detection& d : detections) {
    found.boxes.push_back(d.box);
    found.scores.push_back(d.score);
    found.landmarks.push_back(chip_landmarks(d));
  }
  found.batch = make_batch(image, found.boxes, spec);
  return found;
}

Result<ImageAnalysis> analyze_image(const cv::Mat& image, FaceDetector* detector, Classifier& classifier,
                                    const ImageFacesOptions& options) {
  ImageAnalysis analysis;
  analysis.faces = find_image_faces(image, detector, classifier.spec(), options);
  if (analysis.faces.boxes.empty()) return analysis;
  Result<std::vector<Probabilities>> probabilities = classifier.classify(analysis.faces.batch);
  if (!probabilities) return probabilities.error();
  analysis.probabilities = std::move(probabilities).value();
  return analysis;
}

}  // namespace emoscope
