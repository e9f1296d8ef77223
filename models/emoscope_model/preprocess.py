"""Preprocessing exactly as in MODEL_SPEC.md (the C++ core mirrors this).

``preprocess(frame, boxes, meta)`` -> float32 array NCHW.
``preprocess(frame, None, meta)`` or ``preprocess_whole(frame, meta)``: whole-image
mode (box = whole image, margin 0).

``frame`` is an OpenCV image: BGR uint8 (H, W, 3) or grey uint8 (H, W).
``meta`` is the ``emoscope.json`` dict (``input`` and ``crop`` are used).
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import cv2
import numpy as np


def round_half_away(v: float) -> int:
    """std::lround: round half away from zero."""
    return int(math.floor(v + 0.5)) if v >= 0 else -int(math.floor(-v + 0.5))


def crop_rect(box: Sequence[float], margin: float, square: bool) -> tuple[int, int, int, int]:
    """Crop rectangle (x0, y0, W, H) in frame pixels for a detector box (x, y, w, h)."""
    x, y, w, h = (float(v) for v in box)
    cx = x + w / 2.0
    cy = y + h / 2.0
    cw = w * (1.0 + 2.0 * margin)
    ch = h * (1.0 + 2.0 * margin)
    if square:
        cw = ch = max(cw, ch)
    x0 = round_half_away(cx - cw / 2.0)
    y0 = round_half_away(cy - ch / 2.0)
    W = max(1, round_half_away(cw))
    H = max(1, round_half_away(ch))
    return x0, y0, W, H


def crop_replicate(img: np.ndarray, x0: int, y0: int, W: int, H: int) -> np.ndarray:
    """Crop (x0, y0, W, H); pixels outside the image take the nearest edge pixel."""
    ih, iw = img.shape[:2]
    ix0, iy0 = max(0, x0), max(0, y0)
    ix1, iy1 = min(iw, x0 + W), min(ih, y0 + H)
    if ix0 >= ix1 or iy0 >= iy1:
        # Rectangle entirely outside: every pixel is the nearest edge/corner pixel.
        xs = np.clip(np.arange(x0, x0 + W), 0, iw - 1)
        ys = np.clip(np.arange(y0, y0 + H), 0, ih - 1)
        return np.ascontiguousarray(img[ys][:, xs])
    inner = img[iy0:iy1, ix0:ix1]
    top, bottom = iy0 - y0, (y0 + H) - iy1
    left, right = ix0 - x0, (x0 + W) - ix1
    if top or bottom or left or right:
        return cv2.copyMakeBorder(inner, top, bottom, left, right, cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(inner)


def to_channels(img: np.ndarray, channels: int) -> np.ndarray:
    """Step 3: colour conversion. Returns (H, W) for 1 channel, (H, W, 3) RGB for 3."""
    grey_in = img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 1)
    if channels == 1:
        if grey_in:
            return img.reshape(img.shape[0], img.shape[1])
        return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if channels == 3:
        if grey_in:
            img = cv2.cvtColor(img.reshape(img.shape[0], img.shape[1]), cv2.COLOR_GRAY2BGR)
        return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    raise ValueError(f"input.channels must be 1 or 3, got {channels}")


def resize_to(img: np.ndarray, width: int, height: int) -> np.ndarray:
    """Step 4: INTER_AREA when the crop is larger than the target in both directions."""
    h, w = img.shape[:2]
    interp = cv2.INTER_AREA if (w > width and h > height) else cv2.INTER_LINEAR
    return cv2.resize(img, (width, height), interpolation=interp)


def normalise(img: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """Step 5: (pixel/255 - mean)/std, float32 CHW."""
    x = img.astype(np.float32) / np.float32(255.0)
    if x.ndim == 2:
        x = x[None]
    else:
        x = np.transpose(x, (2, 0, 1))
    m = np.asarray(mean, dtype=np.float32).reshape(-1, 1, 1)
    s = np.asarray(std, dtype=np.float32).reshape(-1, 1, 1)
    return np.ascontiguousarray((x - m) / s, dtype=np.float32)


def face_to_array(img: np.ndarray, meta: dict) -> np.ndarray:
    """Steps 3-4 on an already cropped face: uint8 (H, W) or (H, W, 3) at the input size."""
    inp = meta["input"]
    return resize_to(to_channels(img, int(inp["channels"])), int(inp["width"]), int(inp["height"]))


def preprocess(frame: np.ndarray, boxes: Iterable[Sequence[float]] | None, meta: dict) -> np.ndarray:
    """MODEL_SPEC preprocessing. ``boxes=None`` -> whole-image mode. Returns NCHW float32."""
    inp = meta["input"]
    mean, std = inp["mean"], inp["std"]
    if boxes is None:
        crops = [frame]
    else:
        margin = float(meta["crop"]["margin"])
        square = bool(meta["crop"]["square"])
        crops = [crop_replicate(frame, *crop_rect(b, margin, square)) for b in boxes]
    out = [normalise(face_to_array(c, meta), mean, std) for c in crops]
    if not out:
        c, h, w = int(inp["channels"]), int(inp["height"]), int(inp["width"])
        return np.zeros((0, c, h, w), np.float32)
    return np.stack(out, 0)


def preprocess_whole(frame: np.ndarray, meta: dict) -> np.ndarray:
    return preprocess(frame, None, meta)
