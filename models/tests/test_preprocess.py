import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from emoscope_model.preprocess import crop_rect, crop_replicate, preprocess, round_half_away

MODELS = Path(__file__).resolve().parents[1]
META = {"input": {"channels": 1, "height": 48, "width": 48, "mean": [0.5], "std": [0.25]},
        "crop": {"margin": 0.1, "square": True}}


def test_round_half_away_from_zero():
    assert [round_half_away(v) for v in (0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, -2.6)] == [1, 2, 3, -1, -2, 2, -3]


def test_crop_rect():
    # cx=60, cy=45; cw=100*1.2=120, ch=50*1.2=60 -> square 120
    assert crop_rect((10, 20, 100, 50), 0.1, True) == (0, -15, 120, 120)
    assert crop_rect((10, 20, 100, 50), 0.1, False) == (0, 15, 120, 60)
    # half-pixel rounding: cx - cw/2 = 0.5 -> 1, -0.5 -> -1
    assert crop_rect((0.5, 0.5, 10, 10), 0.0, True)[:2] == (1, 1)
    assert crop_rect((-0.5, -0.5, 10, 10), 0.0, True)[:2] == (-1, -1)
    assert crop_rect((0, 0, 0.2, 0.2), 0.0, True)[2:] == (1, 1)


def test_crop_replicate_matches_padded_image():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    pad = 50
    big = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    for x0, y0, W, H in [(-10, -5, 20, 25), (30, 20, 25, 30), (5, 5, 10, 10), (-20, -20, 90, 80),
                         (45, 35, 5, 5), (-8, 10, 4, 4)]:
        got = crop_replicate(img, x0, y0, W, H)
        want = big[y0 + pad:y0 + pad + H, x0 + pad:x0 + pad + W]
        assert np.array_equal(got, want), (x0, y0, W, H)


def test_preprocess_modes():
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
    x = preprocess(frame, [(10, 10, 40, 50), (150, 100, 30, 30)], META)
    assert x.shape == (2, 1, 48, 48) and x.dtype == np.float32
    w = preprocess(frame, None, META)
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    want = (cv2.resize(grey, (48, 48), interpolation=cv2.INTER_AREA).astype(np.float32) / 255 - 0.5) / 0.25
    assert np.allclose(w[0, 0], want, atol=1e-6)
    # small crop -> INTER_LINEAR upscale; grey input with 3 channels
    meta3 = {"input": {"channels": 3, "height": 48, "width": 48, "mean": [0.5] * 3, "std": [0.25] * 3},
             "crop": {"margin": 0.0, "square": False}}
    small = preprocess(grey[:20, :20], None, meta3)
    assert small.shape == (1, 3, 48, 48)
    assert np.allclose(small[0, 0], small[0, 2])
    assert preprocess(frame, [], META).shape == (0, 1, 48, 48)


@pytest.mark.parametrize("name", ["happy_sad", "seven_emotions"])
def test_reference_files_reproduce(name):
    ref_dir = MODELS / "reference"
    pt = MODELS / f"{name}.pt"
    if not (pt.is_file() and (ref_dir / f"{name}.json").is_file()):
        pytest.skip(f"{name} not shipped yet")
    import torch
    from export import load_model
    module, meta = load_model(pt)
    frame = cv2.imread(str(ref_dir / "reference_scene.png"), cv2.IMREAD_COLOR)
    for suffix in ("", "_whole"):
        ref = json.loads((ref_dir / f"{name}{suffix}.json").read_text())
        x = preprocess(frame, None if ref["whole_image"] else ref["boxes"], meta)
        assert list(x.shape) == ref["shape"]
        assert np.abs(x.reshape(-1) - np.asarray(ref["tensor"], np.float32)).max() <= 1e-6
        with torch.no_grad():
            p = torch.softmax(module(torch.from_numpy(x)), 1).numpy()
        assert np.abs(p - np.asarray(ref["probabilities"])).max() <= 1e-5
    boxes = json.loads((ref_dir / f"{name}.json").read_text())["boxes"]
    assert any(b[0] < 0 or b[0] + b[2] > frame.shape[1] for b in boxes)
