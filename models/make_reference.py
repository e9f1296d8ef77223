#!/usr/bin/python3
"""Reference data for the C++ preprocessing/inference tests (MODEL_SPEC.md).

Writes models/reference/reference_scene.png: a synthetic, deterministic 320x240
colour image (seeded gradients, shapes and noise; nothing from ../shared), and
for each model file <name>.pt:

  models/reference/<name>.json        boxes mode (one box partly outside the frame)
  models/reference/<name>_whole.json  whole-image mode

each with the preprocessed tensor (NCHW, float32) and the model's softmax
probabilities, computed through torch.jit.load of the saved file.

  /usr/bin/python3 models/make_reference.py                 # all models/*.pt
  /usr/bin/python3 models/make_reference.py models/happy_sad.pt
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BOXES = [
    [120.0, 50.0, 96.0, 110.0],     # inside, taller than wide (square crop widens it)
    [262.5, 170.25, 80.0, 90.5],    # partly outside the right/bottom edge, fractional
    [-20.0, 10.0, 50.0, 40.0],      # partly outside the left edge, wider than tall
    [30.0, 150.0, 24.0, 24.0],      # small: crop smaller than 48 -> INTER_LINEAR upscale
]


def make_scene(width: int = 320, height: int = 240, seed: int = 20240607):
    import cv2
    import numpy as np
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.zeros((height, width, 3), np.float32)
    img[..., 0] = 40 + 150 * xx / width                      # B: horizontal gradient
    img[..., 1] = 30 + 180 * yy / height                     # G: vertical gradient
    img[..., 2] = 128 + 100 * np.sin(xx / 23.0) * np.cos(yy / 17.0)  # R: pattern
    img = np.clip(img, 0, 255).astype(np.uint8)
    # face-like ellipses with eyes and mouths
    for cx, cy, ax, ay, tone in [(168, 105, 40, 52, (150, 170, 210)), (300, 215, 34, 40, (120, 140, 190)),
                                 (5, 30, 22, 18, (170, 190, 225)), (42, 162, 10, 11, (100, 120, 160))]:
        cv2.ellipse(img, (cx, cy), (ax, ay), 0, 0, 360, tone, -1, cv2.LINE_8)
        ex = max(2, ax // 3)
        ey = max(1, ay // 4)
        r = max(1, ax // 8)
        cv2.circle(img, (cx - ex, cy - ey), r, (30, 30, 40), -1, cv2.LINE_8)
        cv2.circle(img, (cx + ex, cy - ey), r, (30, 30, 40), -1, cv2.LINE_8)
        cv2.ellipse(img, (cx, cy + ay // 3), (max(2, ax // 3), max(1, ay // 8)), 0, 0, 180,
                    (40, 40, 120), max(1, ax // 14), cv2.LINE_8)
    for _ in range(12):
        p1 = tuple(int(v) for v in rng.integers(0, [width, height]))
        p2 = tuple(int(v) for v in rng.integers(0, [width, height]))
        col = tuple(int(v) for v in rng.integers(0, 256, 3))
        cv2.rectangle(img, p1, p2, col, 1 + int(rng.integers(0, 3)), cv2.LINE_8)
    noise = rng.normal(0, 6, img.shape)
    return np.clip(img.astype(np.float64) + noise, 0, 255).round().astype(np.uint8)


def reference_for(model_path: Path, scene_path: Path, out_dir: Path) -> list[Path]:
    import cv2
    import numpy as np
    import torch
    from emoscope_model.preprocess import preprocess
    from export import load_model

    module, meta = load_model(model_path)
    frame = cv2.imread(str(scene_path), cv2.IMREAD_COLOR)
    written = []
    for whole in (False, True):
        boxes = None if whole else BOXES
        x = preprocess(frame, boxes, meta)
        with torch.no_grad():
            probs = torch.softmax(module(torch.from_numpy(x)), 1).numpy()
        doc = {"model": model_path.name, "image": scene_path.name, "whole_image": whole,
               "boxes": [] if whole else BOXES, "shape": list(x.shape),
               "tensor": [float(v) for v in x.reshape(-1)],
               "probabilities": [[float(v) for v in row] for row in probs.astype(np.float64)],
               "labels": meta["labels"]}
        out = out_dir / f"{model_path.stem}{'_whole' if whole else ''}.json"
        out.write_text(json.dumps(doc, separators=(",", ":")))
        written.append(out)
    return written


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", help="model files (default: models/*.pt)")
    p.add_argument("--out", default=str(HERE / "reference"))
    args = p.parse_args(argv)
    import cv2
    import torch
    torch.set_num_threads(2)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scene = out / "reference_scene.png"
    cv2.imwrite(str(scene), make_scene())
    print(f"wrote {scene}")
    # Emotion models only: the face embedder has its own reference (face_embedder_parity.py).
    models = [Path(m) for m in args.models] or sorted(p for p in HERE.glob("*.pt") if p.name != "face_embedder.pt")
    for m in models:
        for f in reference_for(m, scene, out):
            print(f"wrote {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
