#!/usr/bin/python3
"""Run an exported model on photos the way the app does: OpenCV Haar cascade
face boxes -> MODEL_SPEC crop (margin from the metadata) -> model -> softmax.

  /usr/bin/python3 models/predict.py models/happy_sad.pt photo.jpg [more.jpg ...]
  /usr/bin/python3 models/predict.py models/happy_sad.pt face.png --whole-image
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
HAAR = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("images", nargs="+")
    p.add_argument("--whole-image", action="store_true", help="the image is a face crop")
    p.add_argument("--cascade", default=HAAR)
    p.add_argument("--crops", default="", help="folder to save the model-input crops (PNG) into")
    args = p.parse_args(argv)
    import cv2
    import numpy as np
    import torch
    from emoscope_model.preprocess import preprocess
    from export import load_model

    torch.set_num_threads(2)
    module, meta = load_model(args.model)
    casc = None if args.whole_image else cv2.CascadeClassifier(args.cascade)
    for path in args.images:
        frame = cv2.imread(path, cv2.IMREAD_COLOR)
        if frame is None:
            print(f"error: cannot read {path}", file=sys.stderr)
            return 2
        if casc is None:
            boxes = None
        else:
            grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            boxes = [tuple(float(v) for v in b) for b in casc.detectMultiScale(grey, 1.1, 5, minSize=(40, 40))]
        x = preprocess(frame, boxes, meta)
        if len(x) == 0:
            print(f"{path}: no face found")
            continue
        with torch.no_grad():
            probs = torch.softmax(module(torch.from_numpy(x)), 1).numpy()
        for i, pr in enumerate(probs):
            where = "whole image" if boxes is None else "box " + ",".join(f"{v:.0f}" for v in boxes[i])
            ranked = sorted(zip(meta["labels"], pr), key=lambda t: -t[1])
            print(f"{path} [{where}]: " + ", ".join(f"{l} {v:.3f}" for l, v in ranked))
            if args.crops:
                Path(args.crops).mkdir(parents=True, exist_ok=True)
                img = x[i] * np.asarray(meta["input"]["std"]).reshape(-1, 1, 1) + \
                    np.asarray(meta["input"]["mean"]).reshape(-1, 1, 1)
                img = np.clip(img.transpose(1, 2, 0) * 255 + 0.5, 0, 255).astype(np.uint8)
                cv2.imwrite(str(Path(args.crops) / f"{Path(path).stem}_{i}.png"), img)
    return 0


if __name__ == "__main__":
    sys.exit(main())
