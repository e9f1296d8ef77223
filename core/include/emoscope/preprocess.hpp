// Pure preprocessing: frame + face boxes -> NCHW float batch, exactly as
// models/MODEL_SPEC.md defines it (and as models/emoscope_model/preprocess.py
// does). No state, no LibTorch: safe from any thread.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "emoscope/model_spec.hpp"

namespace emoscope {

struct Batch {
  std::vector<float> data;  // NCHW, contiguous
  int n = 0, c = 0, h = 0, w = 0;
  bool empty() const { return n == 0; }
  std::size_t face_size() const { return static_cast<std::size_t>(c) * h * w; }
  float* face(int i) { return data.data() + face_size() * static_cast<std::size_t>(i); }
};

// Room for n faces shaped for the model (zeros), to fill with preprocess_face.
Batch make_empty_batch(int n, const ModelSpec& spec);

// The crop rectangle for a box (may extend beyond the frame).
cv::Rect crop_rect(const cv::Rect2f& box, float margin, bool square);

// One face: crop (replicated border), colour, resize and normalise into `out`
// (c*h*w floats).
void preprocess_face(const cv::Mat& bgr, const cv::Rect& crop, const ModelSpec& spec, float* out);

Batch make_batch(const cv::Mat& bgr, const std::vector<cv::Rect2f>& boxes, const ModelSpec& spec);
// Whole-image mode: the image is one pre-cropped face (margin 0).
Batch make_whole_image_batch(const cv::Mat& bgr, const ModelSpec& spec);

}  // namespace emoscope
