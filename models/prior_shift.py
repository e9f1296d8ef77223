#!/usr/bin/python3
"""What the app's expression sensitivity (the neutral prior shift) does to a model.

The app and `emoscope-cli --neutral-prior F` multiply each face's calibrated
"neutral" probability by F and renormalise (Bayes' rule for new class priors,
core/include/emoscope/classifier.hpp). This script applies the same shift to a
model's probabilities on FER2013 validation (PublicTest; PrivateTest is never
read) and prints, for each F:

- accuracy and per-class recall against the FER+ majority labels and the
  original FER2013 labels;
- the ECE (15 bins) on the FER+ labels as they are, and re-weighted so that
  neutral faces are F times as common as in the data (each truly neutral image
  counts F): the population the shifted probabilities are meant for. A
  calibrated shift keeps that second figure near the unshifted model's ECE.

  /usr/bin/python3 models/prior_shift.py models/seven_emotions.pt
  /usr/bin/python3 models/prior_shift.py models/happy_neutral_sad.pt --factors 1,0.5,0.25
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emoscope_model import data as D  # noqa: E402
from emoscope_model.metrics import ece_bins, predict_whole  # noqa: E402


def shift(probs: np.ndarray, index: int, factor: float) -> np.ndarray:
    """The app's prior shift (classifier.cpp, shift_prior) on every row."""
    out = probs.astype(np.float64).copy()
    out[:, index] *= factor
    return out / out.sum(1, keepdims=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="exported model file (.pt) with a 'neutral' label")
    p.add_argument("--factors", default="1,0.75,0.5,0.35,0.25", help="neutral priors to try, comma-separated")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    extra = {"emoscope.json": ""}
    module = torch.jit.load(a.model, _extra_files=extra)
    meta = json.loads(extra["emoscope.json"])
    labels = meta["labels"]
    if "neutral" not in labels:
        print(f"{a.model} has no 'neutral' label ({labels}): the prior shift does nothing", file=sys.stderr)
        return 2
    n = labels.index("neutral")
    classes = ",".join(labels)
    plus, fer = D.load_any("ferplus", "val", classes), D.load_any("fer2013", "val", classes)
    p_plus, p_fer = predict_whole(module, plus.images, meta), predict_whole(module, fer.images, meta)
    print(f"{meta['name']} {meta['version']} on FER2013 validation (PublicTest): {len(plus)} images with a FER+ "
          f"majority in its classes, {len(fer)} with FER2013 labels")
    short = [x[:4] for x in labels]
    print(f"{'prior':>6} {'FER+ acc':>8} {'FER13 acc':>9}  FER+ recall ({' '.join(f'{s:>5}' for s in short)})"
          f"  {'ECE':>6} {'ECE@prior':>9}")
    for f in [float(x) for x in a.factors.split(",")]:
        q, r = shift(p_plus, n, f), shift(p_fer, n, f)
        pred = q.argmax(1)
        rec = [(pred[plus.labels == k] == k).mean() if (plus.labels == k).any() else float("nan")
               for k in range(len(labels))]
        w = np.where(plus.labels == n, f, 1.0)
        conf, correct = q.max(1), (pred == plus.labels).astype(np.float64)
        print(f"{f:6.2f} {(pred == plus.labels).mean():8.4f} {(r.argmax(1) == fer.labels).mean():9.4f}"
              f"  {'':13}{' '.join(f'{x:5.3f}' for x in rec)}"
              f"  {ece_bins(conf, correct)[0]:6.4f} {ece_bins(conf, correct, weights=w)[0]:9.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
