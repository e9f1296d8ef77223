#!/usr/bin/env python3
"""The seed-style loop, as a speed baseline for `emoscope-cli bench` (issue 11).

What the Python demos this project replaces do on every frame: decode, run
OpenCV's Haar cascade on the full frame, then crop each face, resize it to
227x227 and run torchvision's AlexNet on it, one face at a time. The weights are
random: only the speed is measured. Prints one JSON object (frames, faces, FPS).

Usage: /usr/bin/python3 scripts/seed-loop.py VIDEO [--frames N] [--threads T]
"""
import argparse
import json
import os
import time

import cv2
import torch
import torchvision

HAAR = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("video")
    ap.add_argument("--frames", type=int, default=0, help="stop after N frames (0 = all)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cascade = cv2.CascadeClassifier(HAAR)
    net = torchvision.models.alexnet(num_classes=3).eval()
    capture = cv2.VideoCapture(args.video)
    if not capture.isOpened():
        raise SystemExit("cannot open " + args.video)
    frames = faces = 0
    start = time.perf_counter()
    with torch.no_grad():
        while args.frames == 0 or frames < args.frames:
            ok, frame = capture.read()
            if not ok:
                break
            grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            for (x, y, w, h) in cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5):
                crop = cv2.resize(frame[y:y + h, x:x + w], (227, 227))
                tensor = torch.from_numpy(crop).permute(2, 0, 1).float().div(255).unsqueeze(0)
                net(tensor).softmax(1)
                faces += 1
            frames += 1
    wall = time.perf_counter() - start
    print(json.dumps({"loop": "seed-style (full-frame Haar + 227 px AlexNet per face, Python)",
                      "source": args.video, "frames": frames, "faces": faces, "wall_s": round(wall, 3),
                      "fps": round(frames / wall, 2) if wall > 0 else 0, "threads": args.threads}))


if __name__ == "__main__":
    main()
