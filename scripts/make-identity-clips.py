#!/usr/bin/env python3
"""Makes the "come-and-go" clips for measuring persistent person identities.

Short 30 fps H.264 videos of Yale faces (datasets/yalefaces in the shared data)
pasted on a mildly textured background: people enter, drift a little, leave and
come back with another photo of themselves (another Yale condition), walk past
each other, step into a spot another person just left, and a hard cut swaps the
scene. Deterministic (fixed seed): the same clips every run.

For each clip NAME it writes OUTDIR/NAME.mp4 and OUTDIR/NAME.truth.csv, one row
per frame per visible person:

  frame,person,x,y,w,h,photo_x,photo_y,photo_w,photo_h,condition,appearance,z

person = the Yale subject number; x,y,w,h = the face box (YuNet on the source
photo, mapped into the frame; a fixed central region where it finds none),
clipped to the frame; photo_* = the pasted photo's rectangle, clipped; appearance
counts the person's entries from 1; z = drawing order (higher is in front).
OUTDIR/clips.json lists each clip's duration, frames and people.

Clips: return, swap, step_in, cut, crowd (and hard: like return, but the returns
are side-lit, leftlight/rightlight).

Usage: /usr/bin/python3 scripts/make-identity-clips.py OUTDIR [--shared DIR] [--only return,swap]
Needs numpy, OpenCV (cv2) and PIL (Yale's files are GIFs, which OpenCV cannot
read); encodes with the ffmpeg command (libx264), or OpenCV's mp4v without it.
"""
import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

FPS = 30
WIDTH, HEIGHT = 960, 540
SCALE = 0.8                       # Yale photos are 320x243: pasted at 256x194, faces ~110-140 px tall
SEED = 20240611
NORMAL_CONDITIONS = ["normal", "glasses", "noglasses", "happy", "sad", "sleepy", "surprised", "wink",
                     "centerlight"]
HARD_CONDITIONS = ["leftlight", "rightlight"]
SLOTS = {"L": 200, "C": 480, "R": 760}    # photo centres, x; photos 256 wide never overlap between slots
WALK = 5.0                                # px per frame when walking in or out
FADE = 3                                  # frames of fade in and out
CLIP_NAMES = ["return", "swap", "step_in", "cut", "crowd", "hard"]


def default_shared():
    env = os.environ.get("EMOSCOPE_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


# ---------------------------------------------------------------------------
# Clip descriptions. An appearance: person, [t0, t1) in seconds, a slot (or x),
# y, how it enters/leaves ("fade", "cut", "left", "right": walks in or out
# across that edge), an optional path [(t, x, y), ...] (absolute times, linear
# between, held outside), z order, condition (None: the person's next unused
# one), sway (ax, ay, period_s, phase) or None for a seeded one.
# ---------------------------------------------------------------------------

def A(p, t0, t1, slot=None, y=270, enter="fade", leave="fade", path=None, z=0, cond=None, sway=None, x=None):
    return dict(p=p, t0=t0, t1=t1, slot=slot, x=x, y=y, enter=enter, leave=leave, path=path, z=z, cond=cond,
                sway=sway)


def clip_specs():
    specs = {}
    # return: 4 people in turn, each leaves (> 2 s) and comes back elsewhere with another photo.
    specs["return"] = dict(duration=20.0, scenes=[(0.0, 0)], people=[
        A(2, 0.0, 5.0, "L", 260), A(2, 8.0, 12.5, "R", 300), A(2, 16.0, 20.0, "C", 250),
        A(5, 1.0, 6.5, "R", 280), A(5, 11.0, 15.0, "C", 300),
        A(9, 6.0, 10.5, "C", 270), A(9, 14.0, 20.0, "L", 290),
        A(13, 2.5, 5.5, "C", 250), A(13, 14.0, 18.5, "R", 260),
    ])
    # hard: the same schedule with other people; every return is side-lit.
    hard = []
    for a in specs["return"]["people"]:
        b = dict(a, p={2: 3, 5: 7, 9: 11, 13: 15}[a["p"]])
        hard.append(b)
    seen = set()
    for b in sorted(hard, key=lambda b: b["t0"]):
        if b["p"] in seen:
            b["cond"] = "hard"
        seen.add(b["p"])
    specs["hard"] = dict(duration=20.0, scenes=[(0.0, 0)], people=hard)
    # swap: two people side by side walk past each other (4 in front) and stay swapped.
    specs["swap"] = dict(duration=10.0, scenes=[(0.0, 0)], people=[
        A(4, 0.0, 10.0, path=[(2.0, 300, 285), (6.0, 660, 285)], z=1),
        A(8, 0.0, 10.0, path=[(2.0, 660, 255), (6.0, 300, 255)], z=0),
    ])
    # step_in: 6 stands, vanishes; 0.2 s later 10 appears in the same box; 6 returns elsewhere at 8 s.
    same_sway = (8.0, 4.0, 3.0, 0.0)
    specs["step_in"] = dict(duration=12.0, scenes=[(0.0, 0)], people=[
        A(6, 0.0, 5.0, "C", 270, enter="cut", leave="cut", sway=same_sway),
        A(10, 5.2, 12.0, "C", 270, enter="cut", leave="fade", sway=same_sway),
        A(6, 8.0, 12.0, "L", 280),
    ])
    # cut: scene 1 (1 and 14), hard cut to scene 2 (12 and 7 at nearly the same places), back to scene 1.
    specs["cut"] = dict(duration=12.0, scenes=[(0.0, 0), (4.0, 1), (8.0, 0)], people=[
        A(1, 0.0, 4.0, x=300, y=270, enter="cut", leave="cut"), A(14, 0.0, 4.0, x=660, y=275, enter="cut",
                                                                   leave="cut"),
        A(12, 4.0, 8.0, x=310, y=265, enter="cut", leave="cut"), A(7, 4.0, 8.0, x=650, y=280, enter="cut",
                                                                  leave="cut"),
        A(1, 8.0, 12.0, x=300, y=270, enter="cut", leave="cut"), A(14, 8.0, 12.0, x=660, y=275, enter="cut",
                                                                   leave="cut"),
    ])
    # crowd: 5 people over 25 s, up to 3 at once, each entering 2-3 times; the side slots walk in and out.
    sched = {"L": [(2, 0.0, 5.0), (8, 6.0, 10.0), (6, 11.0, 15.0), (15, 16.5, 20.5), (2, 21.5, 25.0)],
             "C": [(6, 1.0, 6.0), (11, 7.0, 11.0), (2, 12.0, 16.0), (8, 17.0, 21.5), (11, 22.0, 25.0)],
             "R": [(15, 0.5, 4.5), (15, 8.0, 12.0), (11, 13.5, 17.5), (6, 19.0, 23.0)]}
    crowd = []
    ys = iter([265, 285, 250, 300, 270, 260, 290, 275, 255, 280, 295, 265, 285, 250])
    for slot, entries in sched.items():
        for p, t0, t1 in entries:
            edge = {"L": "left", "R": "right", "C": "fade"}[slot]
            crowd.append(A(p, t0, t1, slot, next(ys), enter=edge if t0 > 0 else "fade",
                           leave=edge if t1 < 25.0 else "fade"))
    specs["crowd"] = dict(duration=25.0, scenes=[(0.0, 0)], people=crowd)
    return specs


# ---------------------------------------------------------------------------
# Photos
# ---------------------------------------------------------------------------

class Photos:
    def __init__(self, shared):
        self.dir = Path(shared) / "datasets" / "yalefaces"
        if not self.dir.is_dir():
            raise FileNotFoundError("Yale faces not found at %s" % self.dir)
        self.cache = {}
        model = Path(shared) / "models/face_detectors/yunet_2022mar/face_detection_yunet_2022mar.onnx"
        self.detector = None
        if model.exists() and hasattr(cv2, "FaceDetectorYN"):
            self.detector = cv2.FaceDetectorYN.create(str(model), "", (320, 243), 0.7, 0.3, 50)
        w, h = round(320 * SCALE), round(243 * SCALE)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        # head-and-shoulders cut-out: a feathered ellipse, so people are not rectangles
        e = ((xx - 0.5 * w) / (0.44 * w)) ** 2 + ((yy - 0.56 * h) / (0.56 * h)) ** 2
        self.mask = np.clip((1.0 - e) / 0.15, 0.0, 1.0)[..., None]

    def exists(self, person, cond):
        return (self.dir / ("subject%02d.%s" % (person, cond))).exists()

    def get(self, person, cond):
        """(BGR float32 image at SCALE, face box (x, y, w, h) in that image)."""
        key = (person, cond)
        if key not in self.cache:
            grey = np.array(Image.open(self.dir / ("subject%02d.%s" % (person, cond))).convert("L"))
            bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
            box = None
            if self.detector is not None:
                self.detector.setInputSize((bgr.shape[1], bgr.shape[0]))
                _, faces = self.detector.detect(bgr)
                if faces is not None and len(faces):
                    best = max(faces, key=lambda f: f[-1])
                    box = [float(v) for v in best[:4]]
            if box is None:
                box = [0.28 * 320, 0.15 * 243, 0.44 * 320, 0.62 * 243]
            small = cv2.resize(bgr, (round(320 * SCALE), round(243 * SCALE)), interpolation=cv2.INTER_AREA)
            self.cache[key] = (small.astype(np.float32), [v * SCALE for v in box])
        return self.cache[key]


def background(kind, rng):
    """A mildly textured background: a gradient, low-frequency blotches and fine grain."""
    base = [(150, 160, 165), (110, 125, 140)][kind % 2]
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    grad = (yy / HEIGHT - 0.5) * 30 + (xx / WIDTH - 0.5) * (12 if kind % 2 == 0 else -18)
    blot = cv2.resize(rng.normal(0, 14, (HEIGHT // 60, WIDTH // 60)).astype(np.float32), (WIDTH, HEIGHT),
                      interpolation=cv2.INTER_LINEAR)
    blot = cv2.GaussianBlur(blot, (0, 0), 20)
    grain = cv2.GaussianBlur(rng.normal(0, 5, (HEIGHT, WIDTH)).astype(np.float32), (0, 0), 1.2)
    img = np.stack([base[c] + grad + blot + grain for c in range(3)], axis=-1)
    if kind % 2 == 1:   # scene 2: a "doorframe" so the cut is obvious
        img[:, 40:70] *= 0.6
        img[:, WIDTH - 70:WIDTH - 40] *= 0.6
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------
# Layout over time
# ---------------------------------------------------------------------------

def plan(spec, photos, rng):
    """Fills in conditions, sways and appearance numbers; returns the appearance list."""
    used = {}
    order = {}
    people = sorted({a["p"] for a in spec["people"]})
    for p in people:
        conds = [c for c in NORMAL_CONDITIONS if photos.exists(p, c)]
        rng.shuffle(conds)
        order[p] = {"normal": conds, "hard": [c for c in HARD_CONDITIONS if photos.exists(p, c)]}
    out = []
    for a in sorted(spec["people"], key=lambda a: (a["t0"], a["p"])):
        a = dict(a)
        kind = a["cond"] or "normal"
        if kind in ("normal", "hard"):
            pool = [c for c in order[a["p"]][kind] if c not in used.setdefault(a["p"], set())]
            a["cond"] = pool[0]
        used.setdefault(a["p"], set()).add(a["cond"])
        a["appearance"] = sum(1 for b in out if b["p"] == a["p"]) + 1
        if a["sway"] is None:
            a["sway"] = (float(rng.uniform(5, 10)), float(rng.uniform(2, 5)), float(rng.uniform(2.0, 4.0)),
                         float(rng.uniform(0, 2 * math.pi)))
        a["drift"] = (float(rng.uniform(-0.4, 0.4)), float(rng.uniform(-0.15, 0.15)))  # px per frame
        out.append(a)
    return out


def position(a, t, pw):
    """Centre (x, y) of appearance a's photo at time t (seconds)."""
    if a["path"]:
        pts = a["path"]
        if t <= pts[0][0]:
            x, y = pts[0][1:]
        elif t >= pts[-1][0]:
            x, y = pts[-1][1:]
        else:
            for (ta, xa, ya), (tb, xb, yb) in zip(pts, pts[1:]):
                if ta <= t <= tb:
                    f = (t - ta) / (tb - ta)
                    x, y = xa + f * (xb - xa), ya + f * (yb - ya)
                    break
    else:
        x = SLOTS[a["slot"]] if a["slot"] else a["x"]
        y = a["y"]
        # linear drift, bounded so the slots never touch
        dt = min(t - a["t0"], a["t1"] - a["t0"]) * FPS
        x += max(-12.0, min(12.0, a["drift"][0] * dt))
        y += max(-12.0, min(12.0, a["drift"][1] * dt))
    ax, ay, period, phase = a["sway"]
    x += ax * math.sin(2 * math.pi * t / period + phase)
    y += ay * math.sin(2 * math.pi * t / (period * 1.37) + phase * 0.7)
    # walking in or out across a side edge
    off = {"left": -pw / 2 - 4, "right": WIDTH + pw / 2 + 4}
    if a["enter"] in off:
        d = abs(x - off[a["enter"]])
        walk = d / (WALK * FPS)
        if t < a["t0"] + walk:
            x = off[a["enter"]] + math.copysign(1, x - off[a["enter"]]) * (t - a["t0"]) * WALK * FPS
    if a["leave"] in off:
        d = abs(x - off[a["leave"]])
        walk = d / (WALK * FPS)
        if t > a["t1"] - walk:
            x = off[a["leave"]] + math.copysign(1, x - off[a["leave"]]) * (a["t1"] - t) * WALK * FPS
    return x, y


def fade(a, t):
    f = 1.0
    if a["enter"] == "fade" and a["t0"] > 0:
        f = min(f, (t - a["t0"]) * FPS / FADE + 1.0 / FADE)
    if a["leave"] == "fade":
        f = min(f, (a["t1"] - t) * FPS / FADE)
    return max(0.0, min(1.0, f))


def clip_rect(x, y, w, h):
    x0, y0, x1, y1 = max(0, x), max(0, y), min(WIDTH, x + w), min(HEIGHT, y + h)
    return (x0, y0, max(0, x1 - x0), max(0, y1 - y0))


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

class Writer:
    def __init__(self, path):
        self.path = str(path)
        self.proc = self.cv = None
        if shutil.which("ffmpeg"):
            cmd = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s",
                   "%dx%d" % (WIDTH, HEIGHT), "-r", str(FPS), "-i", "-", "-c:v", "libx264", "-preset", "veryfast",
                   "-crf", "24", "-pix_fmt", "yuv420p", "-g", str(FPS), "-movflags", "+faststart", self.path]
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
        else:
            self.cv = cv2.VideoWriter(self.path, cv2.VideoWriter_fourcc(*"mp4v"), FPS, (WIDTH, HEIGHT))
            if not self.cv.isOpened():
                raise RuntimeError("cannot write %s (no ffmpeg, and OpenCV's mp4v failed)" % self.path)

    def write(self, frame):
        if self.proc:
            self.proc.stdin.write(frame.tobytes())
        else:
            self.cv.write(frame)

    def close(self):
        if self.proc:
            self.proc.stdin.close()
            if self.proc.wait() != 0:
                raise RuntimeError("ffmpeg failed writing %s" % self.path)
        else:
            self.cv.release()


TRUTH_COLUMNS = ["frame", "person", "x", "y", "w", "h", "photo_x", "photo_y", "photo_w", "photo_h", "condition",
                 "appearance", "z"]


def render(name, spec, photos, outdir, seed):
    rng = np.random.default_rng([seed, CLIP_NAMES.index(name)])
    apps = plan(spec, photos, rng)
    backgrounds = {k: background(k, rng) for _, k in spec["scenes"]}
    frames = int(round(spec["duration"] * FPS))
    mask = photos.mask
    writer = Writer(outdir / (name + ".mp4"))
    truth = []
    try:
        for i in range(frames):
            t = i / FPS
            scene = [k for t0, k in spec["scenes"] if t0 <= t + 1e-9][-1]
            frame = backgrounds[scene].copy()
            for a in sorted((a for a in apps if a["t0"] <= t + 1e-9 < a["t1"]), key=lambda a: a["z"]):
                img, face = photos.get(a["p"], a["cond"])
                ph, pw = img.shape[:2]
                f = fade(a, t)
                if f <= 0:
                    continue
                cx, cy = position(a, t, pw)
                x, y = int(round(cx - pw / 2)), int(round(cy - ph / 2))
                vx, vy, vw, vh = clip_rect(x, y, pw, ph)
                if vw <= 0 or vh <= 0:
                    continue
                sx, sy = vx - x, vy - y
                alpha = mask[sy:sy + vh, sx:sx + vw] * f
                roi = frame[vy:vy + vh, vx:vx + vw].astype(np.float32)
                roi += alpha * (img[sy:sy + vh, sx:sx + vw] - roi)
                frame[vy:vy + vh, vx:vx + vw] = np.clip(roi + 0.5, 0, 255).astype(np.uint8)
                fx, fy, fw, fh = clip_rect(int(round(x + face[0])), int(round(y + face[1])), int(round(face[2])),
                                           int(round(face[3])))
                truth.append([i, a["p"], fx, fy, fw, fh, vx, vy, vw, vh, a["cond"], a["appearance"], a["z"]])
            writer.write(frame)
    finally:
        writer.close()
    with open(outdir / (name + ".truth.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(TRUTH_COLUMNS)
        w.writerows(truth)
    return dict(name=name, video=str(outdir / (name + ".mp4")), truth=str(outdir / (name + ".truth.csv")),
                frames=frames, duration_s=spec["duration"], people=sorted({a["p"] for a in apps}),
                appearances=[dict(person=a["p"], condition=a["cond"], t0=a["t0"], t1=a["t1"]) for a in apps])


def make_clips(outdir, shared=None, only=None, seed=SEED):
    """Writes the clips (all, or the names in `only`) into outdir; returns {name: info}."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    photos = Photos(shared or default_shared())
    specs = clip_specs()
    names = list(only) if only else CLIP_NAMES
    unknown = [n for n in names if n not in specs]
    if unknown:
        raise ValueError("unknown clip(s): %s (known: %s)" % (", ".join(unknown), ", ".join(CLIP_NAMES)))
    info = {n: render(n, specs[n], photos, outdir, seed) for n in names}
    index = outdir / "clips.json"
    old = json.loads(index.read_text()) if index.exists() else {}
    old.update(info)
    index.write_text(json.dumps(old, indent=1))
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--shared", help="shared data folder (default: $EMOSCOPE_SHARED_DIR, else ../shared)")
    ap.add_argument("--only", help="comma-separated clip names (default: all: %s)" % ",".join(CLIP_NAMES))
    args = ap.parse_args()
    try:
        info = make_clips(args.outdir, args.shared, args.only.split(",") if args.only else None)
    except (FileNotFoundError, ValueError, RuntimeError) as e:
        sys.exit("make-identity-clips: %s" % e)
    for n, i in info.items():
        print("%-8s %5.1f s %4d frames  people %s" % (n, i["duration_s"], i["frames"],
                                                       " ".join(str(p) for p in i["people"])))


if __name__ == "__main__":
    main()
