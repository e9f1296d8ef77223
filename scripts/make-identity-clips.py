#!/usr/bin/env python3
"""Makes the "come-and-go" clips for measuring persistent person identities.

Short 30 fps H.264 videos of faces from the shared data (Yale: datasets/yalefaces,
greyscale; Georgia Tech: datasets/georgia_tech, colour, every group of people)
pasted on a mildly textured background: people enter, drift a little, leave and
come back with another photo of themselves (another Yale condition), walk past
each other, step into a spot another person just left, and a hard cut swaps the
scene. Deterministic (fixed seed): the same clips every run.

For each clip NAME it writes OUTDIR/NAME.mp4 and OUTDIR/NAME.truth.csv, one row
per frame per visible person:

  frame,person,x,y,w,h,photo_x,photo_y,photo_w,photo_h,condition,appearance,z

person = the Yale subject number, or GT_BASE + NN (101..150) for Georgia Tech's
sNN; condition = the Yale condition or the Georgia Tech photo (01..15); x,y,w,h = the face box (YuNet on the source
photo, mapped into the frame; a fixed central region where it finds none),
clipped to the frame; photo_* = the pasted photo's rectangle, clipped; appearance
counts the person's entries from 1; z = drawing order (higher is in front).
OUTDIR/clips.json lists each clip's duration, frames and people.

Clips: return, swap, step_in, cut, crowd (and hard: like return, but the returns
are side-lit, leftlight/rightlight), from Yale; and from Georgia Tech (issue 28),
whose photos are cropped to head and shoulders around YuNet's face (only photos
where YuNet finds one), faces 100-125 px:
  gt_east_asian  the 12 East Asian people of models/identity/groups.json, 49 s
  gt_mixed       12 people from every group (GT_MIXED), 49 s
  gt_known       8 people to enrol as known people (GT_KNOWN) and 3 strangers
                 (GT_STRANGERS), 28 s; clips.json's "enrol" says which photo enrols
                 whom (gt_enrolment(): 01, or the first where YuNet finds a face),
                 and that photo never appears in the clip.
Each has blocks of two or three people at once (side by side, walking past each
other, a hard cut to others at nearly the same places); each person enters 3 times
(gt_known: twice), each time with another photo, never in two blocks in a row.

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
CLIP_NAMES = ["return", "swap", "step_in", "cut", "crowd", "hard", "gt_east_asian", "gt_mixed", "gt_known"]
GT_CLIPS = ["gt_east_asian", "gt_mixed", "gt_known"]
GT_BASE = 100                             # Georgia Tech person sNN is person GT_BASE + NN in the truth
GT_FACE = (100, 125)                      # pasted face size (sqrt of YuNet's box area), px, varying by photo
GT_CROP = (2.3, 1.95, 0.45)               # head-and-shoulders crop: width, height in face sizes; face centre at
#                                           0.45 of the height
GROUPS_FILE = Path(__file__).resolve().parents[1] / "models" / "identity" / "groups.json"
# gt_mixed: 12 people from every group (models/identity/groups.json; women s05, s10, s21 among them)
GT_MIXED = ["s01", "s10", "s14",                  # white
            "s04", "s21", "s39",                  # east_asian
            "s02", "s05",                         # south_asian
            "s03", "s09", "s23",                  # middle_eastern_mediterranean_latin
            "s43"]                                # black
# gt_known: 8 people enrolled from one photo each (east_asian s16 s17 s30, white s06 s42, south_asian s11,
# middle_eastern_mediterranean_latin s25, black s43) and 3 strangers (east_asian s18, white s07, south_asian s12)
GT_KNOWN = ["s16", "s17", "s30", "s06", "s42", "s11", "s25", "s43"]
GT_STRANGERS = ["s18", "s07", "s12"]


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
    # Georgia Tech (colour, every group of people): blocks of two or three people at once (side by side,
    # walking past each other, a hard cut to others at nearly the same places); each person enters
    # several times, each time with another photo.
    east_asian = sorted(k for k, g in json.loads(GROUPS_FILE.read_text())["georgia_tech"].items()
                        if g == "east_asian")
    long_blocks = ["trio", "pass", "cut3", "trio", "pass", "trio", "cut2", "pass", "trio", "trio", "pass", "trio"]
    specs["gt_east_asian"] = gt_schedule([gt_person(k) for k in east_asian], 3, long_blocks, 1)
    specs["gt_mixed"] = gt_schedule([gt_person(k) for k in GT_MIXED], 3, long_blocks, 2)
    known = gt_schedule([gt_person(k) for k in GT_KNOWN + GT_STRANGERS], 2,
                        ["trio", "pass", "cut3", "trio", "trio", "pass", "trio"], 3)
    known["known"] = [gt_person(k) for k in GT_KNOWN]
    known["strangers"] = [gt_person(k) for k in GT_STRANGERS]
    specs["gt_known"] = known
    return specs


def gt_person(key):
    """"sNN" -> the truth's person number."""
    return GT_BASE + int(key[1:])


GT_TRIO, GT_PASS, GT_CUT, GT_GAP = 3.4, 3.8, 2.3, 0.35     # block lengths and the gap between blocks, s


def gt_schedule(people, entries, blocks, salt):
    """A Georgia Tech clip: `blocks` in turn ("trio": three side by side, entering and leaving a little apart;
    "pass": two walking past each other; "cutN": N side by side, a hard cut to N others at nearly the same
    places); each person enters `entries` times, never in two blocks in a row (least recently seen first,
    ties broken by a fixed seed)."""
    rng = np.random.default_rng([SEED, 1000 + salt])
    left = {p: entries for p in people}
    last = {p: -10 for p in people}
    order = {p: float(rng.random()) for p in people}
    step = [0]

    def pick(k):
        free = [p for p in people if left[p] > 0 and last[p] < step[0] - 1]
        if len(free) < k:
            free = [p for p in people if left[p] > 0 and last[p] < step[0]]
        chosen = sorted(free, key=lambda p: (-left[p], last[p], order[p]))[:k]
        if len(chosen) < k:
            raise ValueError("gt_schedule: the blocks do not fit %d entries of %d people" % (entries, len(people)))
        rng.shuffle(chosen)
        for p in chosen:
            left[p] -= 1
            last[p] = step[0]
        step[0] += 1
        return [int(p) for p in chosen]

    ys = [265, 290, 250, 280, 300, 260, 285, 255, 275, 295, 270, 250, 285]
    yi = [0]

    def y():
        yi[0] += 1
        return ys[yi[0] % len(ys)]

    t = 0.0
    apps, scenes = [], [(0.0, 0)]
    for b in blocks:
        if b == "trio":
            for p, x, (d0, d1) in zip(pick(3), (200, 480, 760), ((0.0, 0.6), (0.4, 0.0), (0.8, 0.3))):
                apps.append(A(p, round(t + d0, 2), round(t + GT_TRIO - d1, 2), x=x, y=y()))
            t += GT_TRIO
        elif b == "pass":
            a, c = pick(2)
            t0, t1 = round(t + 0.5, 2), round(t + GT_PASS - 0.5, 2)
            apps.append(A(a, round(t, 2), round(t + GT_PASS, 2), path=[(t0, 280, 290), (t1, 680, 290)], z=1))
            apps.append(A(c, round(t, 2), round(t + GT_PASS, 2), path=[(t0, 680, 255), (t1, 280, 255)], z=0))
            t += GT_PASS
        elif b.startswith("cut"):
            n = int(b[3:])
            xs = {3: (230, 480, 730), 2: (300, 660)}[n]
            before, after = pick(n), pick(n)
            tc = round(t + GT_CUT, 2)
            for i, (p, q) in enumerate(zip(before, after)):
                yy = y()
                apps.append(A(p, round(t, 2), tc, x=xs[i], y=yy, enter="fade", leave="cut"))
                apps.append(A(q, tc, round(tc + GT_CUT, 2), x=xs[i] + (10, -8, 12)[i], y=yy + (-6, 5, 4)[i],
                              enter="cut", leave="fade"))
            scenes.append((tc, 1))
            t = tc + GT_CUT
            scenes.append((round(t + GT_GAP / 2, 2), 0))
        else:
            raise ValueError("unknown block %s" % b)
        t = round(t + GT_GAP, 2)
    if any(left.values()):
        raise ValueError("gt_schedule: entries left over: %s" % left)
    return dict(duration=round(t, 2), scenes=scenes, people=apps, dataset="georgia_tech")


# ---------------------------------------------------------------------------
# Photos: one class per data set, with the same interface:
#   pools(p) -> {"normal": [...], "hard": [...]}: the person's photo keys, in a fixed order
#   get(p, key) -> (BGR float32 image as pasted, face box (x, y, w, h) in it, alpha mask h x w x 1)
# ---------------------------------------------------------------------------

def head_mask(w, h):
    """Head-and-shoulders cut-out: a feathered ellipse, so people are not rectangles."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    e = ((xx - 0.5 * w) / (0.44 * w)) ** 2 + ((yy - 0.56 * h) / (0.56 * h)) ** 2
    return np.clip((1.0 - e) / 0.15, 0.0, 1.0)[..., None]


def yunet(shared, size):
    model = Path(shared) / "models/face_detectors/yunet_2022mar/face_detection_yunet_2022mar.onnx"
    if not model.exists():
        model = Path(__file__).resolve().parents[1] / "resources/detectors/face_detection_yunet_2022mar.onnx"
    if model.exists() and hasattr(cv2, "FaceDetectorYN"):
        return cv2.FaceDetectorYN.create(str(model), "", size, 0.7, 0.3, 50)
    return None


def best_face(detector, bgr):
    """YuNet's most confident face in bgr as [x, y, w, h, score], or None."""
    if detector is None:
        return None
    detector.setInputSize((bgr.shape[1], bgr.shape[0]))
    _, faces = detector.detect(bgr)
    if faces is None or not len(faces):
        return None
    best = max(faces, key=lambda f: f[-1])
    return [float(v) for v in best[:4]] + [float(best[-1])]


class YalePhotos:
    """Yale faces (greyscale GIFs, 320x243), pasted whole at SCALE; persons are the subject numbers 1..15."""

    def __init__(self, shared):
        self.dir = Path(shared) / "datasets" / "yalefaces"
        if not self.dir.is_dir():
            raise FileNotFoundError("Yale faces not found at %s" % self.dir)
        self.cache = {}
        self.detector = yunet(shared, (320, 243))
        self.mask = head_mask(round(320 * SCALE), round(243 * SCALE))

    def exists(self, person, cond):
        return (self.dir / ("subject%02d.%s" % (person, cond))).exists()

    def pools(self, person, exclude=()):
        return {"normal": [c for c in NORMAL_CONDITIONS if self.exists(person, c) and c not in exclude],
                "hard": [c for c in HARD_CONDITIONS if self.exists(person, c)]}

    def usable_photo(self, person, cond):
        return True  # a Yale photo without a YuNet face is pasted with a fixed central face box

    def get(self, person, cond):
        key = (person, cond)
        if key not in self.cache:
            grey = np.array(Image.open(self.dir / ("subject%02d.%s" % (person, cond))).convert("L"))
            bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
            box = best_face(self.detector, bgr)
            box = box[:4] if box else [0.28 * 320, 0.15 * 243, 0.44 * 320, 0.62 * 243]
            small = cv2.resize(bgr, (round(320 * SCALE), round(243 * SCALE)), interpolation=cv2.INTER_AREA)
            self.cache[key] = (small.astype(np.float32), [v * SCALE for v in box], self.mask)
        return self.cache[key]


class GeorgiaTechPhotos:
    """Georgia Tech faces (colour JPEGs, 480x360, faces ~110 px): a head-and-shoulders crop around YuNet's face,
    scaled so that the face (the square root of its box's area) is GT_FACE px, varying by photo; persons are
    GT_BASE + NN (sNN), photo keys "01".."15". Only photos where YuNet finds a face are used."""

    def __init__(self, shared):
        self.dir = Path(shared) / "datasets" / "georgia_tech"
        if not self.dir.is_dir():
            raise FileNotFoundError("Georgia Tech faces not found at %s" % self.dir)
        self.cache = {}
        self.faces = {}
        self.detector = yunet(shared, (480, 360))
        if self.detector is None:
            raise RuntimeError("the Georgia Tech clips need YuNet (OpenCV's FaceDetectorYN and its model)")

    def path(self, person, photo):
        return self.dir / ("s%02d" % (person - GT_BASE)) / ("%s.jpg" % photo)

    def face(self, person, photo):
        key = (person, photo)
        if key not in self.faces:
            img = cv2.imread(str(self.path(person, photo)))
            self.faces[key] = None if img is None else best_face(self.detector, img)
        return self.faces[key]

    def enrol_photo(self, person):
        """The photo that enrols a known person: 01, or the first with a face."""
        return next("%02d" % m for m in range(1, 16) if self.face(person, "%02d" % m) is not None)

    def pools(self, person, exclude=()):
        # Every photo on file; whether YuNet finds a face is asked only of the photos chosen
        # (usable_photo), which saves detecting on all 15 photos of everyone.
        return {"normal": ["%02d" % m for m in range(1, 16)
                           if self.path(person, "%02d" % m).exists() and "%02d" % m not in exclude], "hard": []}

    def usable_photo(self, person, photo):
        return self.face(person, photo) is not None

    def get(self, person, photo):
        key = (person, photo)
        if key not in self.cache:
            img = cv2.imread(str(self.path(person, photo)))
            x, y, w, h, _ = self.face(person, photo)
            s = math.sqrt(w * h)
            target = GT_FACE[0] + (person * 7 + int(photo) * 13) % (GT_FACE[1] - GT_FACE[0] + 1)
            k = target / s
            cw, ch = round(GT_CROP[0] * target), round(GT_CROP[1] * target)
            # the crop around the face centre, in source pixels (padded by replication where it leaves the photo)
            sx0 = x + w / 2 - 0.5 * cw / k
            sy0 = y + h / 2 - GT_CROP[2] * ch / k
            m = np.float32([[k, 0, -k * sx0], [0, k, -k * sy0]])
            crop = cv2.warpAffine(img, m, (cw, ch), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
            face = [k * (x - sx0), k * (y - sy0), k * w, k * h]
            self.cache[key] = (crop.astype(np.float32), face, head_mask(cw, ch))
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
        pools = photos.pools(p, exclude=spec.get("exclude", {}).get(p, ()))
        conds = pools["normal"]
        rng.shuffle(conds)
        order[p] = {"normal": conds, "hard": pools["hard"]}
    out = []
    for a in sorted(spec["people"], key=lambda a: (a["t0"], a["p"])):
        a = dict(a)
        kind = a["cond"] or "normal"
        if kind in ("normal", "hard"):
            unused = (c for c in order[a["p"]][kind] if c not in used.setdefault(a["p"], set()))
            choice = next((c for c in unused if photos.usable_photo(a["p"], c)), None)
            if choice is None:
                raise RuntimeError("person %s has no unused %s photo left" % (a["p"], kind))
            a["cond"] = choice
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
    writer = Writer(outdir / (name + ".mp4"))
    truth = []
    try:
        for i in range(frames):
            t = i / FPS
            scene = [k for t0, k in spec["scenes"] if t0 <= t + 1e-9][-1]
            frame = backgrounds[scene].copy()
            for a in sorted((a for a in apps if a["t0"] <= t + 1e-9 < a["t1"]), key=lambda a: a["z"]):
                img, face, mask = photos.get(a["p"], a["cond"])
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
    info = dict(name=name, video=str(outdir / (name + ".mp4")), truth=str(outdir / (name + ".truth.csv")),
                frames=frames, duration_s=spec["duration"], people=sorted({a["p"] for a in apps}),
                appearances=[dict(person=a["p"], condition=a["cond"], t0=a["t0"], t1=a["t1"]) for a in apps])
    if spec.get("dataset"):
        info["dataset"] = spec["dataset"]
    if "known" in spec:
        # who is enrolled with which photo (relative to the shared folder), by truth person number
        info["enrol"] = {str(p): dict(name="s%02d" % (p - GT_BASE), photo="datasets/georgia_tech/s%02d/%s.jpg" % (
            p - GT_BASE, photos.enrol_photo(p))) for p in spec["known"]}
        info["strangers"] = spec["strangers"]
    return info


def gt_enrolment(shared=None, photos=None):
    """gt_known's known people: {truth person: (name, enrolment photo path)}, one photo each (01, or the first
    where YuNet finds a face); that photo never appears in the clip."""
    shared = Path(shared or default_shared())
    photos = photos or GeorgiaTechPhotos(shared)
    return {gt_person(k): (k, photos.path(gt_person(k), photos.enrol_photo(gt_person(k)))) for k in GT_KNOWN}


def make_clips(outdir, shared=None, only=None, seed=SEED):
    """Writes the clips (all, or the names in `only`) into outdir; returns {name: info}."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    shared = shared or default_shared()
    specs = clip_specs()
    names = list(only) if only else CLIP_NAMES
    unknown = [n for n in names if n not in specs]
    if unknown:
        raise ValueError("unknown clip(s): %s (known: %s)" % (", ".join(unknown), ", ".join(CLIP_NAMES)))
    sets = {}

    def photos(dataset):
        if dataset not in sets:
            sets[dataset] = GeorgiaTechPhotos(shared) if dataset == "georgia_tech" else YalePhotos(shared)
        return sets[dataset]

    info = {}
    for n in names:
        spec = specs[n]
        if "known" in spec:   # the enrolment photos are never in the clip
            spec = dict(spec, exclude={p: (photos("georgia_tech").enrol_photo(p),) for p in spec["known"]})
        info[n] = render(n, spec, photos(spec.get("dataset", "yale")), outdir, seed)
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
        print("%-13s %5.1f s %4d frames  people %s" % (n, i["duration_s"], i["frames"],
                                                       " ".join(str(p) for p in i["people"])))


if __name__ == "__main__":
    main()
