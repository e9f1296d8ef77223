#!/usr/bin/python3
"""Soft targets for distillation (issue 22): an ensemble of exported models, each
averaged over shifted copies of every training image, written for train.py's
--teacher.

Each model (its own flip-TTA and temperature baked in) sees the image as the
app's whole-image mode does (MODEL_SPEC.md) and shifted by 2 px left, right, up
and down (borders replicated); the logits of all copies and models are averaged
and turned into probabilities. Reads only the training split.

  /usr/bin/python3 models/make_teacher.py models/runs/teacher.npz models/seven_emotions.pt
  /usr/bin/python3 models/train.py ... --teacher models/runs/teacher.npz --teacher-weight 0.5

Validation accuracy of the same teacher (PublicTest; never PrivateTest): --val.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emoscope_model import data as D  # noqa: E402
from emoscope_model.preprocess import preprocess_whole  # noqa: E402

SHIFTS = [(0, 0), (2, 0), (-2, 0), (0, 2), (0, -2)]


def shifted(img: np.ndarray, dx: int, dy: int) -> np.ndarray:
    if dx == 0 and dy == 0:
        return img
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(img, m, (img.shape[1], img.shape[0]), borderMode=cv2.BORDER_REPLICATE)


def teacher_logits(models, images: np.ndarray, batch: int = 256) -> np.ndarray:
    out = np.zeros((len(images), len(models[0][1]["labels"])), np.float64)
    with torch.no_grad():
        for module, meta in models:
            for dx, dy in SHIFTS:
                for i in range(0, len(images), batch):
                    x = np.concatenate([preprocess_whole(shifted(im, dx, dy), meta) for im in images[i:i + batch]])
                    out[i:i + batch] += module(torch.from_numpy(x)).double().numpy()
    return out / (len(models) * len(SHIFTS))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("output", help=".npz to write (paths, probs, labels)")
    p.add_argument("models", nargs="+", help="exported models with the same labels")
    p.add_argument("--data", default="ferplus", help="fer2013, ferplus or a folder: which training images (train.py's --data)")
    p.add_argument("--val", action="store_true", help="also print the teacher's validation accuracy")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    models = []
    for path in a.models:
        extra = {"emoscope.json": ""}
        module = torch.jit.load(path, _extra_files=extra)
        models.append((module, json.loads(extra["emoscope.json"])))
    labels = models[0][1]["labels"]
    if any(meta["labels"] != labels for _, meta in models):
        print("the models' labels differ", file=sys.stderr)
        return 2
    classes = ",".join(labels)
    inp = models[0][1]["input"]
    kw = {} if D.is_fer_data(a.data) else {"size": (int(inp["height"]), int(inp["width"])),
                                            "channels": int(inp["channels"])}
    if a.val:
        val = D.load_any(a.data, "val", classes, **kw)
        acc = (teacher_logits(models, val.images).argmax(1) == val.labels).mean()
        print(f"teacher validation accuracy ({a.data} labels): {acc:.4f} on {len(val)} images", flush=True)
    train = D.load_any(a.data, "train", classes, **kw)
    z = teacher_logits(models, train.images)
    probs = np.exp(z - z.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    print(f"teacher on {len(train)} training images: agrees with their labels on "
          f"{(probs.argmax(1) == train.labels).mean():.4f}")
    np.savez_compressed(a.output, paths=np.array(train.paths), probs=probs.astype(np.float32),
                        labels=np.array(labels), models=np.array([str(m) for m in a.models]))
    print(f"wrote {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
