#!/usr/bin/python3
"""Export a training checkpoint to an Emoscope model file (MODEL_SPEC.md).

  /usr/bin/python3 models/export.py models/runs/happy_sad/best.pt models/happy_sad.pt --margin 0.025

Scripts the network with torch.jit.script (no optimize_for_inference), bakes
horizontal-flip test-time augmentation into forward when it is at least as
good on validation (--tta auto|on|off), computes validation and test metrics
through the saved file with the app's preprocessing, and embeds emoscope.json.
The file is reloaded and checked before the command succeeds.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def build_meta(cfg: dict, args, arch: str) -> dict:
    inp = cfg["input"]
    return {
        "format": "emoscope-model/1",
        "name": args.name or cfg["name"],
        "version": args.version,
        "labels": list(cfg["labels"]),
        "input": {"channels": int(inp["channels"]), "height": int(inp["height"]),
                  "width": int(inp["width"]), "mean": [float(v) for v in inp["mean"]],
                  "std": [float(v) for v in inp["std"]]},
        "crop": {"margin": float(args.margin if args.margin is not None else cfg["margin"]),
                 "square": True},
        "trained_on": "",
        "architecture": arch,
        "metrics": {},
    }


def archive_digest(path: str | Path) -> str:
    """MODEL_SPEC.md, "Integrity": SHA-256 over the TorchScript archive's records in name
    order (name without the archive's top folder, a NUL, the size as 8 bytes little-endian,
    the bytes), leaving out extra/ (which holds the digest) and .data/. The app recomputes it
    at load (core/src/torch_classifier.cpp) and refuses a file whose weights changed."""
    import hashlib
    import zipfile
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as z:
        records = {}
        for info in z.infolist():
            name = info.filename.split("/", 1)[1] if "/" in info.filename else info.filename
            if not name.startswith(("extra/", ".data/")):
                records[name] = info
        for name in sorted(records, key=lambda n: n.encode()):
            data = z.read(records[name])
            h.update(name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def save_model(module, path: str | Path, meta: dict) -> None:
    """Writes the model with its metadata and the SHA-256 of its weights (meta gains
    "weights_sha256"), through a temporary file; the digest is checked on the result."""
    import torch
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = str(path) + ".tmp"
    meta.pop("weights_sha256", None)
    torch.jit.save(module, tmp, _extra_files={"emoscope.json": json.dumps(meta, indent=1)})
    meta["weights_sha256"] = archive_digest(tmp)
    torch.jit.save(module, tmp, _extra_files={"emoscope.json": json.dumps(meta, indent=1)})
    if archive_digest(tmp) != meta["weights_sha256"]:
        os.remove(tmp)
        raise RuntimeError("TorchScript serialisation is not deterministic: cannot seal the weights")
    os.replace(tmp, path)


def load_model(path: str | Path):
    """-> (TorchScript module in eval mode, metadata dict)."""
    import torch
    extra = {"emoscope.json": ""}
    m = torch.jit.load(str(path), map_location="cpu", _extra_files=extra)
    m.eval()
    raw = extra["emoscope.json"]
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    if not raw:
        raise ValueError(f"{path} has no emoscope.json")
    return m, json.loads(raw)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", help="train.py checkpoint (best.pt or last.pt)")
    p.add_argument("output", help="model file to write, e.g. models/happy_sad.pt")
    p.add_argument("--name", default=None, help="model name (default: the run's name)")
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--margin", type=float, default=None, help="crop margin (default: from training)")
    p.add_argument("--tta", choices=["auto", "on", "off"], default="auto")
    p.add_argument("--no-metrics", action="store_true", help="skip val/test metrics")
    p.add_argument("--calibrate", choices=["nll", "ece", "on", "off"], default="nll",
                   help="fit a temperature on validation minimising NLL or ECE and bake it into forward "
                        "(accuracy unchanged; 'on' = nll; models/recalibrate.py refits an exported file)")
    p.add_argument("--trained-on", default=None, help="free text for metadata (default: derived)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)

    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    import numpy as np
    import torch
    from emoscope_model import data as D
    from emoscope_model.metrics import classification_metrics, logits_whole, predict_whole, summary
    from emoscope_model.net import EmoscopeAlexNet, FlipTTA, TemperatureScaled, fit_temperature

    torch.set_num_threads(args.threads)
    ck = torch.load(args.checkpoint, map_location="cpu")
    cfg = ck["config"]
    net = EmoscopeAlexNet(len(cfg["labels"]), int(cfg["input"]["channels"]), tuple(cfg["width"]),
                          int(cfg["fc"]), float(cfg["dropout"]))
    net.load_state_dict(ck["model"])
    net.eval()
    meta = build_meta(cfg, args, cfg["architecture"])
    data = cfg.get("data") or "fer2013"
    is_fer = D.is_fer_data(data)

    sets = {}
    if not args.no_metrics:
        for split in ("val", "test"):
            try:
                sets[split] = D.load_any(data, split, cfg["classes"],
                                         size=None if is_fer else (meta["input"]["height"], meta["input"]["width"]),
                                         channels=meta["input"]["channels"],
                                         seed=ck["args"].get("seed", 1),
                                         val_fraction=ck["args"].get("val_fraction", 0.1))
            except D.DataError as e:
                print(f"note: no {split} metrics ({e})")

    candidates = {"off": torch.jit.script(net), "on": torch.jit.script(FlipTTA(net))}
    choice = args.tta
    val_acc, val_logits = {}, {}
    if "val" in sets:
        for k, mod in candidates.items():
            val_logits[k] = logits_whole(mod, sets["val"].images, meta)
            val_acc[k] = float((val_logits[k].argmax(1).numpy() == sets["val"].labels).mean())
        print(f"validation accuracy: plain {val_acc['off']:.4f}, flip-TTA {val_acc['on']:.4f}")
    if choice == "auto":
        choice = "on" if (not val_acc or val_acc["on"] >= val_acc["off"]) else "off"
    inner = FlipTTA(net) if choice == "on" else net
    temperature = 1.0
    objective = "nll" if args.calibrate == "on" else args.calibrate
    if objective != "off" and val_logits:
        temperature = fit_temperature(val_logits[choice], torch.from_numpy(sets["val"].labels), objective)
        print(f"temperature fitted on validation ({objective}): {temperature:.3f}")
    module = torch.jit.script(TemperatureScaled(inner, temperature)) if temperature != 1.0 else candidates[choice]
    meta["architecture"] = cfg["architecture"] + ("; forward averages the logits of the face and its "
                                                  "horizontal mirror (flip TTA)" if choice == "on" else "") + \
        (f"; logits divided by temperature {temperature:.3f} (fitted on validation, minimising "
         f"{objective.upper()})" if temperature != 1.0 else "")
    n_train = cfg.get("train_count")
    if args.trained_on:
        meta["trained_on"] = args.trained_on
    elif data == "ferplus":
        weight = ck["args"].get("ferplus_weight", 0.5)
        targets = ("FER+ majority labels" if cfg.get("ferplus") != "soft" else
                   "the FER+ vote distributions over these classes" if weight == 1.0 else
                   f"FER+ majority labels mixed with the FER+ vote distributions (weight {weight:g})")
        meta["trained_on"] = (f"FER2013 train (Training) images whose FER+ majority label is one of "
                              f"{'/'.join(cfg['labels'])} (images with tied votes or an unknown or not-a-face "
                              f"majority left out), {n_train} images, byte-duplicates of validation/test and "
                              f"near-blank images removed; targets: {targets}; checkpoint and temperature "
                              f"chosen on FER2013 validation (PublicTest) with FER+ majority labels")
    elif is_fer:
        fp = {"none": "original FER2013 labels", "soft": "FER2013 labels mixed with FER+ vote distributions",
              "majority": "FER+ majority labels"}[cfg.get("ferplus", "none")]
        meta["trained_on"] = (f"FER2013 train (Training), {'+'.join(cfg['labels'])}, {n_train} images, "
                              f"byte-duplicates of validation/test and near-blank images removed, {fp}; "
                              f"checkpoint chosen on FER2013 validation (PublicTest)")
    else:
        meta["trained_on"] = f"{data} ({n_train} training images)"
    ep = ck["epoch"] + 1
    meta["metrics"]["training"] = {"epoch": ep, "epochs_planned": ck["args"]["epochs"],
                                   "wall_time_s": round(sum(h["epoch_s"] for h in ck["history"][:ep]), 1),
                                   "command": cfg.get("command", ""),
                                   "export_command": " ".join(sys.argv)}
    if ck.get("weights") == "swa":
        swa_n = ck["history"][ep - 1].get("swa_n")
        meta["metrics"]["training"]["swa_epochs"] = swa_n
        meta["architecture"] += (f"; weights are the average of the last {swa_n} epoch-end snapshots "
                                 "(stochastic weight averaging) with BN statistics recomputed")
    full = {}
    for split, ds in sets.items():
        pr = predict_whole(module, ds.images, meta)
        full[split] = classification_metrics(pr, ds.labels, meta["labels"])
        meta["metrics"]["validation" if split == "val" else "test"] = summary(full[split])
        print(f"{split}: accuracy {full[split]['accuracy']:.4f} balanced {full[split]['balanced_accuracy']:.4f} "
              f"ECE {full[split]['ece']:.4f} (n={full[split]['n']})")
    meta["metrics"]["labels"] = data if data == "ferplus" else ("fer2013" if is_fer else "folders")
    meta["metrics"]["flip_tta"] = choice == "on"
    meta["metrics"]["temperature"] = float(temperature)
    if temperature != 1.0:
        meta["metrics"]["calibration_objective"] = objective

    save_model(module, args.output, meta)
    # reload check: same metadata, same outputs
    m2, meta2 = load_model(args.output)
    assert meta2 == json.loads(json.dumps(meta)), "metadata changed on reload"
    x = torch.randn(5, meta["input"]["channels"], meta["input"]["height"], meta["input"]["width"])
    with torch.no_grad():
        d = (m2(x) - module(x)).abs().max().item()
        ref = (m2(x) - inner(x) / temperature).abs().max().item()
    assert d == 0.0 and ref < 1e-4, f"reloaded model differs ({d}, {ref})"
    size_mb = Path(args.output).stat().st_size / 1e6
    print(f"wrote {args.output} ({size_mb:.2f} MB), labels {meta['labels']}, margin "
          f"{meta['crop']['margin']}, flip-TTA {choice}, epoch {ep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
