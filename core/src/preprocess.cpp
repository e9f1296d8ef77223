#include "emoscope/preprocess.hpp"

#include "emoscope/embedder.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace emoscope {

cv::Rect crop_rect(const cv::Rect2f& box, float margin, bool square) {
  const double cx = box.x + box.width / 2.0;
  const double cy = box.y + box.height / 2.0;
  double cw = box.width * (1.0 + 2.0 * margin);
  double ch = box.height * (1.0 + 2.0 * margin);
  if (square) cw = ch = std::max(cw, ch);
  const int x0 = static_cast<int>(std::lround(cx - cw / 2.0));
  const int y0 = static_cast<int>(std::lround(cy - ch / 2.0));
  const int w = std::max(1, static_cast<int>(std::lround(cw)));
  const int h = std::max(1, static_cast<int>(std::lround(ch)));
  return {x0, y0, w, h};
}

namespace {

// The crop with pixels outside the frame replicated from the nearest edge.
cv::Mat crop_replicate(const cv::Mat& image, const cv::Rect& crop) {
  const cv::Rect inside = crop & cv::Rect(0, 0, image.cols, image.rows);
  if (inside == crop) return image(crop);
  if (inside.empty()) {
    // Entirely outside: replicate the nearest edge pixel.
    const int x = std::clamp(crop.x, 0, image.cols - 1);
    const int y = std::clamp(crop.y, 0, image.rows - 1);
    cv::Mat one = image(cv::Rect(x, y, 1, 1));
    cv::Mat out;
    cv::copyMakeBorder(one, out, 0, crop.height - 1, 0, crop.width - 1, cv::BORDER_REPLICATE);
    return out;
  }
  cv::Mat out;
  cv::copyMakeBorder(image(inside), out, inside.y - crop.y, crop.br().y - inside.br().y,
                     inside.x - crop.x, crop.br().x - inside.br().x, cv::BORDER_REPLICATE);
  return out;
}

cv::Mat to_model_colour(const cv::Mat& crop, int channels) {
  cv::Mat out;
  if (channels == 1) {
    if (crop.channels() == 1) return crop;
    cv::cvtColor(crop, out, crop.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  } else {
    cv::Mat bgr = crop;
    if (crop.channels() == 1) cv::cvtColor(crop, bgr, cv::COLOR_GRAY2BGR);
    if (crop.channels() == 4) cv::cvtColor(crop, bgr, cv::COLOR_BGRA2BGR);
    cv::cvtColor(bgr, out, cv::COLOR_BGR2RGB);
  }
  return out;
}

// Step 5 of MODEL_SPEC.md's preprocessing: a model-sized 8-bit image in the
// model's colour -> normalised CHW floats.
void normalise_into(const cv::Mat& resized, const ModelSpec& spec, float* out) {
  const int plane = spec.width * spec.height;
  for (int y = 0; y < spec.height; ++y) {
    const std::uint8_t* row = resized.ptr<std::uint8_t>(y);
    for (int x = 0; x < spec.width; ++x) {
      for (int c = 0; c < spec.channels; ++c) {
        const float v = row[x * spec.channels + c] / 255.0f;
        out[c * plane + y * spec.width + x] = (v - spec.mean[c]) / spec.std[c];
      }
    }
  }
}

}  // namespace

void preprocess_face(const cv::Mat& bgr, const cv::Rect& crop, const ModelSpec& spec, float* out) {
  const cv::Mat coloured = to_model_colour(crop_replicate(bgr, crop), spec.channels);
  cv::Mat resized;
  const bool shrink = coloured.cols > spec.width && coloured.rows > spec.height;
  if (coloured.cols == spec.width && coloured.rows == spec.height) {
    resized = coloured;
  } else {
    cv::resize(coloured, resized, cv::Size(spec.width, spec.height), 0, 0,
               shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  normalise_into(resized, spec, out);
}

cv::Matx23d chip_transform(const std::vector<cv::Point2f>& landmarks, const ModelSpec& spec) {
  const std::size_t n = std::min(landmarks.size(), spec.align_landmarks.size());
  cv::Point2d ps, qs;
  std::vector<cv::Point2d> q(n);
  for (std::size_t i = 0; i < n; ++i) {
    q[i] = {spec.align_landmarks[i][0] * spec.width, spec.align_landmarks[i][1] * spec.height};
    ps += cv::Point2d(landmarks[i]);
    qs += q[i];
  }
  if (n == 0) return cv::Matx23d(1, 0, 0, 0, 1, 0);
  ps *= 1.0 / n;
  qs *= 1.0 / n;
  // Least squares over x' = c x - s y + tx, y' = s x + c y + ty (closed form).
  double saa = 0, sc = 0, ss = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const cv::Point2d a = cv::Point2d(landmarks[i]) - ps, b = q[i] - qs;
    saa += a.dot(a);
    sc += a.x * b.x + a.y * b.y;
    ss += a.x * b.y - a.y * b.x;
  }
  const double c = saa > 0 ? sc / saa : 1.0, s = saa > 0 ? ss / saa : 0.0;
  return cv::Matx23d(c, -s, qs.x - (c * ps.x - s * ps.y), s, c, qs.y - (s * ps.x + c * ps.y));
}

void preprocess_chip(const cv::Mat& bgr, const std::vector<cv::Point2f>& landmarks, const ModelSpec& spec,
                     float* out) {
  cv::Mat chip;
  cv::warpAffine(bgr, chip, cv::Mat(chip_transform(landmarks, spec)), cv::Size(spec.width, spec.height),
                 cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  normalise_into(to_model_colour(chip, spec.channels), spec, out);
}

std::vector<cv::Point2f> chip_landmarks(const Detection& detection) {
  return detection.landmarks.size() == 5 ? detection.landmarks : landmarks_from_box(detection.box);
}

Result<std::vector<Embedding>> embed_faces(FaceEmbedder& embedder, const cv::Mat& bgr,
                                           const std::vector<std::vector<cv::Point2f>>& landmarks) {
  Batch chips = make_empty_batch(static_cast<int>(landmarks.size()), embedder.spec());
  for (std::size_t i = 0; i < landmarks.size(); ++i)
    preprocess_chip(bgr, landmarks[i], embedder.spec(), chips.face(static_cast<int>(i)));
  return embedder.embed(chips);
}

std::vector<cv::Point2f> landmarks_from_box(const cv::Rect2f& b) {
  // Fractions of the FER2013-framed box (face_detector.hpp: yunet_framing_box
  // read backwards, with the eye-to-mouth distance equal to the eyes' spacing).
  static const float kPoints[5][2] = {{0.3135f, 0.399f}, {0.6865f, 0.399f}, {0.5f, 0.604f},
                                      {0.35f, 0.772f},   {0.65f, 0.772f}};
  std::vector<cv::Point2f> out;
  for (const auto& p : kPoints) out.emplace_back(b.x + p[0] * b.width, b.y + p[1] * b.height);
  return out;
}

Batch make_empty_batch(int n, const ModelSpec& spec) {
  Batch batch;
  batch.n = n;
  batch.c = spec.channels;
  batch.h = spec.height;
  batch.w = spec.width;
  batch.data.resize(batch.face_size() * static_cast<std::size_t>(n));
  return batch;
}

Batch make_batch(const cv::Mat& bgr, const std::vector<cv::Rect2f>& boxes, const ModelSpec& spec) {
  Batch batch = make_empty_batch(static_cast<int>(boxes.size()), spec);
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    preprocess_face(bgr, crop_rect(boxes[i], spec.crop_margin, spec.crop_square), spec,
                    batch.face(static_cast<int>(i)));
  }
  return batch;
}

Batch make_whole_image_batch(const cv::Mat& bgr, const ModelSpec& spec) {
  Batch batch = make_empty_batch(1, spec);
  preprocess_face(bgr, cv::Rect(0, 0, bgr.cols, bgr.rows), spec, batch.face(0));
  return batch;
}

}  // namespace emoscope
