#!/usr/bin/python3
"""Evaluate exported Emoscope models (.pt) on FER2013 or a class-per-folder set.

  /usr/bin/python3 models/evaluate.py                       # shipped models, val + test, both label sets
  /usr/bin/python3 models/evaluate.py models/happy_sad.pt --splits test --data fer2013
  /usr/bin/python3 models/evaluate.py models/happy_neutral_sad.pt --data fer2013 --classes happy,sad
  /usr/bin/python3 models/evaluate.py my.pt --data /path/to/photos --classes a,b

FER2013 images are scored against their folder labels (--data fer2013) and against
their FER+ majority labels (--data ferplus: the class with strictly the most of the ten
crowd votes; images with tied votes, an unknown or not-a-face majority, or a majority
outside the model's classes are left out).

Loads each file with torch.jit.load, preprocesses every image exactly like the
app in whole-image mode (MODEL_SPEC.md), and reports accuracy, balanced
accuracy, per-class precision/recall/F1, the confusion matrix and the expected
calibration error (15 bins). Writes <out>/<model>/<split>_metrics.json,
<split>_confusion.png and <split>_reliability.png (default out: models/eval; FER+ label
files are named <split>_ferplus_*).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SHIPPED = ["happy_neutral_sad.pt", "happy_sad.pt", "seven_emotions.pt"]


def plot_confusion(cm, labels, title, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    cm = np.asarray(cm)
    norm = cm / np.maximum(cm.sum(1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(max(4.5, 1.2 + 0.8 * len(labels)), max(3.8, 1.0 + 0.7 * len(labels))), dpi=110)
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, f"{cm[i, j]}\n{norm[i, j]:.0%}", ha="center", va="center", fontsize=7,
                    color="white" if norm[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_reliability(bins, ece, title, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4, 4), dpi=110)
    centres = [(b["lo"] + b["hi"]) / 2 for b in bins if b["count"]]
    accs = [b["accuracy"] for b in bins if b["count"]]
    confs = [b["confidence"] for b in bins if b["count"]]
    width = bins[0]["hi"] - bins[0]["lo"]
    ax.bar(centres, accs, width=width * 0.9, color="tab:blue", alpha=0.8, label="accuracy")
    ax.plot(confs, accs, "o", color="tab:orange", ms=3, label="(confidence, accuracy)")
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (max probability)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{title}\nECE {ece:.3f}", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


LABEL_SOURCES = {"fer2013": "FER2013 labels", "ferplus": "FER+ majority labels"}


def scored_columns(model_labels: list[str], classes: str | None) -> tuple[str, list[int] | None]:
    """-> (data class spec, model output columns to score or None for all).

    ``classes`` None: the model's labels. A subset of the model's labels (e.g. happy,sad for a
    happy/neutral/sad model): only those classes are scored, each prediction being the arg-max
    over their columns (the same rule as ``emoscope-cli eval --classes``). Otherwise the data
    classes in model label order (``label=src1+src2`` merges folders)."""
    from emoscope_model import data as D
    if not classes:
        return ",".join(model_labels), None
    names, _ = D.parse_classes(classes)
    if "=" not in classes and set(names) <= set(model_labels) and names != model_labels:
        return classes, [model_labels.index(n) for n in names]
    if len(names) != len(model_labels):
        raise D.DataError(f"--classes {classes!r}: give the model's {len(model_labels)} classes in its "
                          f"label order, or a subset of its labels {model_labels}")
    return classes, None


def evaluate_model(module, meta: dict, data: str, split: str, classes: str | None = None) -> dict:
    """Metrics of an exported model on one split: ``data`` fer2013 | ferplus | a folder.
    With FER+ labels, only images whose FER+ majority is one of the scored classes count."""
    from emoscope_model import data as D
    from emoscope_model.metrics import classification_metrics, predict_whole
    spec, cols = scored_columns(meta["labels"], classes)
    inp = meta["input"]
    is_fer = D.is_fer_data(data)
    ds = D.load_any(data, split, spec, channels=int(inp["channels"]),
                    size=None if is_fer else (int(inp["height"]), int(inp["width"])))
    probs = predict_whole(module, ds.images, meta)
    labels = meta["labels"]
    if cols is not None:
        probs = probs[:, cols] / probs[:, cols].sum(1, keepdims=True)
        labels = [labels[c] for c in cols]
    m = classification_metrics(probs, ds.labels, labels)
    m["split"] = split
    m["labels_source"] = data if is_fer else "folders"
    m["data"] = (f"FER2013 {D.FER_SPLITS[split]}, {LABEL_SOURCES.get(data or 'fer2013', '')}" if is_fer
                 else f"{data} {split}")
    return m


def print_metrics(name: str, m: dict) -> None:
    print(f"{name} {m['data']}: n={m['n']} accuracy {m['accuracy']:.4f} "
          f"balanced {m['balanced_accuracy']:.4f} macro-F1 {m['macro_f1']:.4f} "
          f"ECE {m['ece']:.4f} NLL {m['nll']:.4f}")
    for label in m["labels"]:
        pc = m["per_class"][label]
        print(f"    {label:>9}: precision {pc['precision']:.3f} recall {pc['recall']:.3f} "
              f"F1 {pc['f1']:.3f} (n={pc['support']})")
    print("    confusion (rows true, cols predicted):", m["confusion_matrix"])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", help="model files (default: the shipped models/*.pt)")
    p.add_argument("--data", default="fer2013,ferplus",
                   help="comma list of label sources: 'fer2013' (folder labels), 'ferplus' (FER+ majority "
                        "labels from ferplus_votes.csv), or one class-per-folder data set")
    p.add_argument("--classes", default=None,
                   help="score only these model labels (a subset, arg-max over them), or the data classes "
                        "in model label order (default: the model's labels)")
    p.add_argument("--splits", default="val,test")
    p.add_argument("--out", default=str(HERE / "eval"), help="folder for JSON/PNG results ('' = none)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    import torch
    from emoscope_model import data as D
    from export import load_model

    torch.set_num_threads(args.threads)
    models = [Path(m) for m in args.models] or [HERE / m for m in SHIPPED if (HERE / m).is_file()]
    if not models:
        print("error: no model files given and none shipped in models/", file=sys.stderr)
        return 2
    sources = [d for d in args.data.split(",") if d]
    rows = []
    for mp in models:
        module, meta = load_model(mp)
        for data in sources:
            for split in [s for s in args.splits.split(",") if s]:
                try:
                    m = evaluate_model(module, meta, data, split, args.classes)
                except D.DataError as e:
                    if len(sources) > 1 and "unknown class" in str(e):   # e.g. contempt has no FER2013 folder
                        print(f"note: {mp.name} not scored on {data}: {e}")
                        break
                    print(f"error: {e}", file=sys.stderr)
                    return 2
                m["model"] = mp.name
                rows.append((mp.name, m))
                print_metrics(mp.name, m)
                if args.out:
                    od = Path(args.out) / mp.stem
                    od.mkdir(parents=True, exist_ok=True)
                    tag = split if m["labels_source"] in ("fer2013", "folders") else f"{split}_{data}"
                    if args.classes:
                        tag += "_" + "_".join(m["labels"])
                    (od / f"{tag}_metrics.json").write_text(json.dumps(m, indent=1))
                    title = f"{mp.name} on {m['data']} (acc {m['accuracy']:.3f})"
                    plot_confusion(m["confusion_matrix"], m["labels"], title, od / f"{tag}_confusion.png")
                    plot_reliability(m["reliability_bins"], m["ece"], f"{mp.name} on {m['data']}",
                                     od / f"{tag}_reliability.png")
    print("\nsummary (test = FER2013 PrivateTest):")
    for name, m in rows:
        print(f"  {name:<22} {m['split']:<5} {m['labels_source']:<8} {','.join(m['labels']):<48.48} "
              f"n={m['n']:<5} accuracy {m['accuracy']:.4f}  balanced {m['balanced_accuracy']:.4f}  ECE {m['ece']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
