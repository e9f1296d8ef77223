"""Face chips for the face-embedding model (models/face_embedder.pt, see face_embedder.md).

The rule (the C++ side implements the identical one):

1. Five landmarks from YuNet, in YuNet's order: right eye, left eye, nose tip, right mouth
   corner, left mouth corner (the person's right eye is on the image's left), frame pixels.
2. Template: five points as fractions 0..1 of the chip side (the model's
   emoscope.json "align.landmarks"), times the chip side (150) = target chip pixels.
3. Least-squares similarity transform p -> q (rotation + uniform scale + translation, no
   reflection), closed form: with centred source a_i = p_i - mean(p) and target
   b_i = q_i - mean(q),
       c = sum(a_x b_x + a_y b_y) / sum |a_i|^2
       s = sum(a_x b_y - a_y b_x) / sum |a_i|^2
       M = [[c, -s, tx], [s, c, ty]],  (tx, ty) = mean(q) - [[c, -s], [s, c]] mean(p)
   computed in double precision.
4. cv2.warpAffine(frame_bgr, M, (150, 150), flags=INTER_LINEAR, borderMode=BORDER_REPLICATE)
   (M maps frame -> chip; OpenCV inverts it internally).
5. BGR -> RGB. The chip is uint8 RGB; the model's input is (pixel/255 - mean)/std per channel.
"""
from __future__ import annotations

import numpy as np

# dlib's 68-point mean face (get_face_chip_details, coordinates 0..1), reduced to YuNet's
# five points: eye centres = mean of points 36-41 / 42-47, nose tip = 30, mouth corners = 48 / 54.
DLIB_MEAN_FACE_5 = np.array([
    [0.2255, 0.2160],   # right eye (image left)
    [0.7548, 0.2160],   # left eye
    [0.4901, 0.5156],   # nose tip
    [0.2541, 0.7802],   # right mouth corner
    [0.7261, 0.7802],   # left mouth corner
], np.float64)

CHIP_SIZE = 150


def template(pad: float = 0.25, dy: float = 0.0) -> np.ndarray:
    """Five target points as fractions of the chip side: dlib's chip rule (v + pad)/(1 + 2 pad)
    with an optional vertical shift dy (fraction of the chip side, + = face lower in the chip)."""
    t = (DLIB_MEAN_FACE_5 + pad) / (1.0 + 2.0 * pad)
    t[:, 1] += dy
    return t


def similarity_transform(src, dst) -> np.ndarray:
    """2x3 least-squares similarity (no reflection) mapping src points onto dst points."""
    p = np.asarray(src, np.float64).reshape(-1, 2)
    q = np.asarray(dst, np.float64).reshape(-1, 2)
    mp, mq = p.mean(0), q.mean(0)
    a, b = p - mp, q - mq
    den = float((a * a).sum())
    if den <= 0:
        raise ValueError("degenerate landmarks")
    c = float((a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1]).sum()) / den
    s = float((a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]).sum()) / den
    tx = mq[0] - (c * mp[0] - s * mp[1])
    ty = mq[1] - (s * mp[0] + c * mp[1])
    return np.array([[c, -s, tx], [s, c, ty]], np.float64)


def face_chip(frame_bgr: np.ndarray, landmarks, template_frac, size: int = CHIP_SIZE) -> np.ndarray:
    """-> size x size x 3 uint8 RGB chip. landmarks: 5x2 frame pixels (YuNet order);
    template_frac: 5x2 fractions of the chip side. A grey frame is expanded to BGR first."""
    import cv2
    if frame_bgr.ndim == 2:
        frame_bgr = cv2.cvtColor(frame_bgr, cv2.COLOR_GRAY2BGR)
    m = similarity_transform(landmarks, np.asarray(template_frac, np.float64) * size)
    chip = cv2.warpAffine(frame_bgr, m, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    return cv2.cvtColor(chip, cv2.COLOR_BGR2RGB)


def normalise(chips_rgb: np.ndarray, mean, std) -> np.ndarray:
    """uint8 chips N x H x W x 3 (RGB) -> float32 N x 3 x H x W, (pixel/255 - mean)/std."""
    x = np.asarray(chips_rgb, np.float32) / np.float32(255.0)
    x = (x - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def yunet(model_path: str, score_threshold: float = 0.8):
    """The app's YuNet detector (cv2.FaceDetectorYN), as the app creates it."""
    import cv2
    return cv2.FaceDetectorYN.create(str(model_path), "", (320, 320), score_threshold, 0.3, 5000)


def detect(det, frame_bgr: np.ndarray) -> np.ndarray:
    """-> rows x, y, w, h, 5 x (x, y), score (float32), largest score first; empty (0, 15) if none."""
    import cv2
    if frame_bgr.ndim == 2:
        frame_bgr = cv2.cvtColor(frame_bgr, cv2.COLOR_GRAY2BGR)
    det.setInputSize((frame_bgr.shape[1], frame_bgr.shape[0]))
    _, faces = det.detect(frame_bgr)
    if faces is None:
        return np.zeros((0, 15), np.float32)
    return faces[np.argsort(-faces[:, 14])]
