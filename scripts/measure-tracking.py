#!/usr/bin/env python3
"""Chooses tracking defaults by measurement (issue 11, item 3), on the shared clips.

1. --classify-interval: each setting's CSV against classifying every frame
   (interval 0), face row by face row (same frame, same face ID; tracking does
   not depend on the probabilities, so the rows pair up): how often the shown
   label agrees, and how far the smoothed probabilities move.
2. --detect-every, then --motion-threshold (at the default --detect-every):
   faces found, distinct face IDs (for the same faces, more IDs means more ID
   switches) and file-mode FPS from `emoscope-cli bench`.

Usage: /usr/bin/python3 scripts/measure-tracking.py [--cli build/release/app/emoscope-cli]
       [--shared ../shared] [--intervals 0,50,100,...] [--detect-every 1,2,...]
Prints two tables; run it on an otherwise idle machine for the FPS column.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

CLIPS = ["ageitgey_face_recognition_short_hamilton_clip.mp4", "justinshenk_fer_test.mp4",
         "Syzygy126_Liveness_test.avi"]


def face_rows(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["success"] == "1"]
    labels = [c for c in rows[0] if c.startswith("p_")] if rows else []
    return {(r["frame"], r["face_id"]): (r["label"], [float(r[c]) for c in labels], r["classified"])
            for r in rows}


def label_changes(rows):
    """Times a face's shown label changed between its consecutive rows (flicker)."""
    last, changes = {}, 0
    for (frame, face), (label, _, _) in sorted(rows.items(), key=lambda kv: (int(kv[0][1]), int(kv[0][0]))):
        changes += face in last and last[face] != label
        last[face] = label
    return changes


# Exit 3: the input ended early. The Syzygy clip is truncated (88 of 221 frames
# decode); its decodable frames are analysed and written all the same.
OK_CODES = (0, 3)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in OK_CODES:
        sys.exit("%s failed (%d): %s" % (" ".join(cmd), r.returncode, r.stderr[-500:]))
    return r.stdout


def analyze(cli, clip, out, extra):
    run([cli, "analyze", clip, "--csv", out, "--force", *extra])
    return face_rows(out)


def bench(cli, clip, extra):
    return json.loads(run([cli, "bench", "--source", clip, *extra]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", default="build/release/app/emoscope-cli")
    ap.add_argument("--shared", default=os.environ.get("EMOSCOPE_SHARED_DIR", "../shared"))
    ap.add_argument("--intervals", default="0,50,100,150,200,300")
    ap.add_argument("--detect-every", default="1,2,3,5,8")
    ap.add_argument("--motion-thresholds", default="0,6,12,24")
    args = ap.parse_args()
    clips = [os.path.join(args.shared, "videos", c) for c in CLIPS]
    missing = [c for c in clips if not os.path.exists(c)]
    if missing:
        sys.exit("missing clips: " + ", ".join(missing))

    intervals = [float(x) for x in args.intervals.split(",")]
    print("classify interval: agreement with classifying every frame (interval 0), all clips pooled")
    print("%10s %10s %12s %14s %14s %10s %14s" % ("interval", "face rows", "classified", "label agrees",
                                                  "mean |dp|", "max |dp|", "label changes"))
    with tempfile.TemporaryDirectory() as tmp:
        base = {c: analyze(args.cli, c, os.path.join(tmp, "base.csv"), ["--classify-interval", "0"])
                for c in clips}
        for interval in intervals:
            n = same = classified = changes = 0
            diffs = []
            for c in clips:
                rows = analyze(args.cli, c, os.path.join(tmp, "run.csv"), ["--classify-interval", str(interval)])
                if rows.keys() != base[c].keys():
                    sys.exit("face rows differ from the baseline's on %s: tracking changed" % c)
                changes += label_changes(rows)
                for key, (label, probs, was_classified) in rows.items():
                    n += 1
                    same += label == base[c][key][0]
                    classified += was_classified == "1"
                    diffs.extend(abs(a - b) for a, b in zip(probs, base[c][key][1]))
            print("%10g %10d %11.1f%% %13.2f%% %14.4f %10.4f %14d" % (
                interval, n, 100.0 * classified / n, 100.0 * same / n, sum(diffs) / len(diffs), max(diffs),
                changes))

    for flag, values in (("--detect-every", args.detect_every), ("--motion-threshold", args.motion_thresholds)):
        print("\n%s: faces (face rows), distinct IDs, detector runs, file-mode FPS" % flag)
        print("%6s  " % "value" + "  ".join("%-44s" % os.path.basename(c)[:44] for c in clips))
        for value in values.split(","):
            cells = []
            for c in clips:
                j = bench(args.cli, c, [flag, value])
                cells.append("faces %5d ids %3d det %3d fps %6.1f" % (j["faces"], j["face_ids"], j["detector_runs"], j["fps"]))
            print("%6s  " % value + "  ".join("%-44s" % x for x in cells))


if __name__ == "__main__":
    main()
