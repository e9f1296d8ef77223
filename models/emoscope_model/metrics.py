"""Classification metrics shared by export.py and evaluate.py."""
from __future__ import annotations

import numpy as np
import torch

from .preprocess import preprocess_whole


def logits_whole(module, images: np.ndarray, meta: dict, batch: int = 64) -> torch.Tensor:
    """Logits of ``module`` on uint8 images (whole-image mode, the app's preprocessing).
    Batches of at most 64 (MODEL_SPEC: N = 1..64)."""
    out = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            x = np.concatenate([preprocess_whole(im, meta) for im in images[i:i + batch]], 0)
            out.append(module(torch.from_numpy(x)).float())
    return torch.cat(out, 0)


def predict_whole(module, images: np.ndarray, meta: dict, batch: int = 64) -> np.ndarray:
    """Softmax probabilities of ``module`` on uint8 images (whole-image mode)."""
    return torch.softmax(logits_whole(module, images, meta, batch), 1).numpy()


def ece_bins(conf: np.ndarray, correct: np.ndarray, n_bins: int = 15, weights: np.ndarray | None = None):
    """Expected calibration error over equal-width confidence bins, and the bins.
    ``weights``: each sample's weight (default 1), e.g. to re-weight the classes."""
    w = np.ones(len(conf)) if weights is None else np.asarray(weights, np.float64)
    edges = np.linspace(0, 1, n_bins + 1)
    bins = []
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        n = int(m.sum())
        if n:
            acc, c = float(np.average(correct[m], weights=w[m])), float(np.average(conf[m], weights=w[m]))
            ece += w[m].sum() / w.sum() * abs(acc - c)
        else:
            acc = c = None
        bins.append({"lo": float(lo), "hi": float(hi), "count": n, "accuracy": acc, "confidence": c})
    return float(ece), bins


def classification_metrics(probs: np.ndarray, y: np.ndarray, labels: list[str]) -> dict:
    K = len(labels)
    pred = probs.argmax(1)
    cm = np.zeros((K, K), np.int64)
    np.add.at(cm, (y, pred), 1)
    per = {}
    recalls = []
    for k, name in enumerate(labels):
        tp = cm[k, k]
        prec = tp / cm[:, k].sum() if cm[:, k].sum() else 0.0
        rec = tp / cm[k].sum() if cm[k].sum() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[name] = {"precision": round(float(prec), 4), "recall": round(float(rec), 4),
                     "f1": round(float(f1), 4), "support": int(cm[k].sum())}
        if cm[k].sum():
            recalls.append(rec)
    conf = probs.max(1)
    correct = (pred == y).astype(np.float64)
    ece, bins = ece_bins(conf, correct)
    nll = float(-np.mean(np.log(np.clip(probs[np.arange(len(y)), y], 1e-12, 1))))
    return {"n": int(len(y)), "accuracy": round(float(correct.mean()), 4),
            "balanced_accuracy": round(float(np.mean(recalls)), 4),
            "macro_f1": round(float(np.mean([per[n]["f1"] for n in labels])), 4),
            "ece": round(ece, 4), "nll": round(nll, 4), "per_class": per,
            "confusion_matrix": cm.tolist(), "labels": labels, "reliability_bins": bins}


def summary(m: dict) -> dict:
    """The compact form stored in the model metadata."""
    return {k: m[k] for k in ("n", "accuracy", "balanced_accuracy", "macro_f1", "ece", "nll",
                              "per_class", "confusion_matrix")}
