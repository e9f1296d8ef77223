#!/usr/bin/python3
"""Evaluate exported Emoscope models (.pt) on FER2013 or a class-per-folder set.

  /usr/bin/python3 models/evaluate.py                       # shipped models, val + test
  /usr/bin/python3 models/evaluate.py models/happy_sad.pt --splits test
  /usr/bin/python3 models/evaluate.py my.pt --data /path/to/photos --classes a,b

Loads each file with torch.jit.load, preprocesses every image exactly like the
app in whole-image mode (MODEL_SPEC.md), and reports accuracy, balanced
accuracy, per-class precision/recall/F1, the confusion matrix and the expected
calibration error (15 bins). Writes <out>/<model>/<split>_metrics.json,
<split>_confusion.png and <split>_reliability.png (default out: models/eval).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SHIPPED = ["happy_sad.pt", "seven_emotions.pt"]


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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", help="model files (default: the shipped models/*.pt)")
    p.add_argument("--data", default="fer2013", help="'fer2013' or a class-per-folder data set")
    p.add_argument("--classes", default=None,
                   help="data classes in model label order (default: the model's labels)")
    p.add_argument("--splits", default="val,test")
    p.add_argument("--out", default=str(HERE / "eval"), help="folder for JSON/PNG results ('' = none)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    import torch
    from emoscope_model import data as D
    from emoscope_model.metrics import classification_metrics, predict_whole
    from export import load_model

    torch.set_num_threads(args.threads)
    models = [Path(m) for m in args.models] or [HERE / m for m in SHIPPED if (HERE / m).is_file()]
    if not models:
        print("error: no model files given and none shipped in models/", file=sys.stderr)
        return 2
    is_fer = args.data in ("", "fer2013")
    rows = []
    for mp in models:
        module, meta = load_model(mp)
        labels = meta["labels"]
        classes = args.classes or ",".join(labels)
        inp = meta["input"]
        for split in [s for s in args.splits.split(",") if s]:
            try:
                ds = D.load_any(args.data, split, classes, channels=int(inp["channels"]),
                                size=None if is_fer else (int(inp["height"]), int(inp["width"])))
            except D.DataError as e:
                print(f"error: {e}", file=sys.stderr)
                return 2
            probs = predict_whole(module, ds.images, meta)
            m = classification_metrics(probs, ds.labels, labels)
            m["model"] = mp.name
            m["split"] = split
            m["data"] = "FER2013 " + D.FER_SPLITS[split] if is_fer else f"{args.data} {split}"
            rows.append((mp.name, split, m))
            print(f"{mp.name} {m['data']}: n={m['n']} accuracy {m['accuracy']:.4f} "
                  f"balanced {m['balanced_accuracy']:.4f} macro-F1 {m['macro_f1']:.4f} "
                  f"ECE {m['ece']:.4f} NLL {m['nll']:.4f}")
            for name in labels:
                pc = m["per_class"][name]
                print(f"    {name:>9}: precision {pc['precision']:.3f} recall {pc['recall']:.3f} "
                      f"F1 {pc['f1']:.3f} (n={pc['support']})")
            print("    confusion (rows true, cols predicted):", m["confusion_matrix"])
            if args.out:
                od = Path(args.out) / mp.stem
                od.mkdir(parents=True, exist_ok=True)
                (od / f"{split}_metrics.json").write_text(json.dumps(m, indent=1))
                title = f"{mp.name} on {m['data']} (acc {m['accuracy']:.3f})"
                plot_confusion(m["confusion_matrix"], labels, title, od / f"{split}_confusion.png")
                plot_reliability(m["reliability_bins"], m["ece"], f"{mp.name} on {m['data']}",
                                 od / f"{split}_reliability.png")
    print("\nsummary (test = FER2013 PrivateTest):" if is_fer else "\nsummary:")
    for name, split, m in rows:
        print(f"  {name:<20} {split:<5} accuracy {m['accuracy']:.4f}  balanced {m['balanced_accuracy']:.4f}"
              f"  ECE {m['ece']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
