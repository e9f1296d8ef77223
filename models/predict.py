#!/usr/bin/python3
"""Run an exported model on photos the way the app does: OpenCV Haar cascade
face boxes -> MODEL_SPEC crop (margin from the metadata) -> model -> softmax.

  /usr/bin/python3 models/predict.py models/happy_sad.pt photo.jpg [more.jpg ...]
  /usr/bin/python3 models/predict.py models/happy_sad.pt face.png --whole-image
  /usr/bin/python3 models/predict.py models/happy_sad.pt clip.mp4 --every 10 --quiet
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
    p.add_argument("--every", type=int, default=10, help="videos: use every N-th frame")
    p.add_argument("--quiet", action="store_true", help="videos: only print the summary")
    args = p.parse_args(argv)
    import cv2
    import numpy as np
    import torch
    from emoscope_model.preprocess import preprocess
    from export import load_model

    torch.set_num_threads(2)
    module, meta = load_model(args.model)
    casc = None if args.whole_image else cv2.CascadeClassifier(args.cascade)
    def frames(path):
        if Path(path).suffix.lower() in {".mp4", ".avi", ".mov", ".mkv", ".webm"}:
            cap = cv2.VideoCapture(path)
            i = 0
            while True:
                ok, fr = cap.read()
                if not ok:
                    break
                if i % args.every == 0:
                    yield f"{path}#{i}", fr
                i += 1
            return
        fr = cv2.imread(path, cv2.IMREAD_COLOR)
        if fr is None:
            raise SystemExit(f"error: cannot read {path}")
        yield path, fr

    for src in args.images:
        counts = {l: 0 for l in meta["labels"]}
        n_frames = n_faces = 0
        for path, frame in frames(src):
            n_frames += 1
            if casc is None:
                boxes = None
            else:
                grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
                boxes = [tuple(float(v) for v in b)
                         for b in casc.detectMultiScale(grey, 1.1, 5, minSize=(40, 40))]
            x = preprocess(frame, boxes, meta)
            if len(x) == 0:
                if not args.quiet:
                    print(f"{path}: no face found")
                continue
            with torch.no_grad():
                probs = torch.softmax(module(torch.from_numpy(x)), 1).numpy()
            for i, pr in enumerate(probs):
                where = "whole image" if boxes is None else "box " + ",".join(f"{v:.0f}" for v in boxes[i])
                ranked = sorted(zip(meta["labels"], pr), key=lambda t: -t[1])
                n_faces += 1
                counts[ranked[0][0]] += 1
                if not args.quiet:
                    print(f"{path} [{where}]: " + ", ".join(f"{l} {v:.3f}" for l, v in ranked))
                if args.crops:
                    Path(args.crops).mkdir(parents=True, exist_ok=True)
                    img = x[i] * np.asarray(meta["input"]["std"]).reshape(-1, 1, 1) + \
                        np.asarray(meta["input"]["mean"]).reshape(-1, 1, 1)
                    img = np.clip(img.transpose(1, 2, 0) * 255 + 0.5, 0, 255).astype(np.uint8)
                    base, _, frame_no = path.partition("#")
                    name = Path(base).stem + (f"_f{frame_no}" if frame_no else "")
                    cv2.imwrite(str(Path(args.crops) / f"{name}_{i}.png"), img)
        if n_frames > 1:
            print(f"{src}: {n_frames} frames used, {n_faces} faces; top label counts: " +
                  ", ".join(f"{l} {c}" for l, c in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
