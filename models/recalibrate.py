#!/usr/bin/python3
"""Refit the temperature of an exported Emoscope model on validation, without retraining.

  /usr/bin/python3 models/recalibrate.py models/seven_emotions.pt --objective ece
  /usr/bin/python3 models/recalibrate.py models/happy_sad.pt --objective nll --output /tmp/h.pt

The model's logits are divided by a temperature (MODEL_SPEC: calibration only, the arg-max
and so accuracy never change). This command strips the temperature the file has, fits a new
one on FER2013 validation (PublicTest) under the labels the model was trained on
(metrics.labels: FER+ majority or FER2013 folders), minimising NLL or ECE (15 bins), and
rewrites the file with the new temperature, its architecture text and the validation and test
metrics recomputed. Test images are never used to choose anything. The file is written
through a temporary name and reloaded before the command succeeds.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="exported model file (.pt)")
    p.add_argument("--objective", choices=["nll", "ece"], default="nll")
    p.add_argument("--output", default=None, help="file to write (default: replace the model file)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    import re
    import torch
    from emoscope_model import data as D
    from emoscope_model.metrics import classification_metrics, logits_whole, summary
    from emoscope_model.net import TemperatureScaled, fit_temperature
    from export import load_model, save_model

    torch.set_num_threads(args.threads)
    module, meta = load_model(args.model)
    old_t = float(meta["metrics"].get("temperature", 1.0))
    # The network without its temperature: TemperatureScaled nests it as .net.
    inner = module.net if old_t != 1.0 else module
    data = meta["metrics"].get("labels", "fer2013")
    if not D.is_fer_data(data):
        print(f"error: {args.model} was scored on {data!r}; recalibration needs FER2013 validation",
              file=sys.stderr)
        return 2
    sets = {split: D.load_any(data, split, ",".join(meta["labels"]), channels=int(meta["input"]["channels"]))
            for split in ("val", "test")}
    logits = {s: logits_whole(inner, ds.images, meta) for s, ds in sets.items()}
    t = fit_temperature(logits["val"], torch.from_numpy(sets["val"].labels), args.objective)
    print(f"temperature: was {old_t:.3f}, fitted on validation ({args.objective}) {t:.3f}")

    rescaled = torch.jit.script(TemperatureScaled(inner, t))
    arch = re.sub(r"; logits divided by temperature [0-9.]+ \(fitted on validation[^)]*\)", "",
                  meta["architecture"])
    meta["architecture"] = arch + f"; logits divided by temperature {t:.3f} (fitted on validation, " \
                                  f"minimising {args.objective.upper()})"
    meta["metrics"]["temperature"] = float(t)
    meta["metrics"]["calibration_objective"] = args.objective
    meta["metrics"]["training"]["recalibrate_command"] = " ".join(["models/recalibrate.py"] + sys.argv[1:])
    for split, ds in sets.items():
        probs = torch.softmax(logits[split] / t, 1).numpy()
        m = classification_metrics(probs, ds.labels, meta["labels"])
        meta["metrics"]["validation" if split == "val" else "test"] = summary(m)
        print(f"{split}: accuracy {m['accuracy']:.4f} balanced {m['balanced_accuracy']:.4f} "
              f"ECE {m['ece']:.4f} NLL {m['nll']:.4f} (n={m['n']})")

    out = args.output or args.model
    save_model(rescaled, out, meta)
    m2, meta2 = load_model(out)
    assert meta2 == json.loads(json.dumps(meta)), "metadata changed on reload"
    x = torch.randn(3, meta["input"]["channels"], meta["input"]["height"], meta["input"]["width"])
    with torch.no_grad():
        d = (m2(x) - inner(x) / t).abs().max().item()
    assert d < 1e-4, f"reloaded model differs ({d})"
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
