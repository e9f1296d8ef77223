#!/usr/bin/env python3
"""Benchmark of `emoscope-cli report` (docs/report.md, issue 29's targets).

1. A 10 s, 30 fps clip with four faces (scikit-image's public-domain astronaut photo,
   four variants in a 2x2 grid, panning slowly) is analysed once with emoscope-cli.
2. A 1-hour, 30 fps analysis with 4 people is built from it: the clip's CSV rows are
   repeated 360 times with shifted frame numbers and times, each row's probabilities
   jittered by up to +-2 % (renormalised, label and confidence recomputed) so that the
   strongest moments fall anywhere in the hour; the summary's counts and times are scaled
   to match; the video is the clip looped 360 times (ffmpeg -stream_loop, no re-encoding),
   so the thumbnails are cut by real seeks in a real 1-hour file.
3. Measured: time to build its report (with thumbnails, and without), the HTML's size,
   and its first render in headless chromium (the page's own data-render-ms: from the
   start of loading until every chart is drawn; and the wall time of the chromium run).
4. A study of 100 inputs: the clip's batch folder copied to 100 keys, each with its
   manifest line; time to build the study's report (and with --each-input: 100 reports
   of their own too, thumbnails included).

Usage: scripts/bench-report.py [--cli build/release/app/emoscope-cli] [--rounds 3] [--keep DIR]
Needs ffmpeg, chromium, python3-numpy (scripts/install-deps.sh --dev).
"""
import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "support"))
from headless_chromium import find_chromium, load  # noqa: E402

ASTRONAUT = Path("/usr/lib/python3/dist-packages/skimage/data/astronaut.png")
REPEATS = 360  # x 10 s = 1 hour


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(map(str, cmd))}\n{r.stderr[-2000:]}")
    return r


def timed(cmd, rounds):
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = run(cmd)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, r


def make_clip(path):
    pan = "crop=300:300:x='20+12*sin(t/2)':y='10+6*cos(t/2)'"
    graph = (f"[0]scale=340:340,{pan},split=4[a][b][c][d];[b]hflip[b2];[c]eq=brightness=0.06[c2];"
             "[d]hflip,eq=brightness=-0.05[d2];[a][b2]hstack[top];[c2][d2]hstack[bottom];[top][bottom]vstack")
    run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-i", ASTRONAUT, "-t", "10", "-r", "30", "-filter_complex", graph,
         "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-pix_fmt", "yuv420p", path])


def hour_from_clip(work, clip_csv, clip_json, clip_video):
    summary = json.loads(clip_json.read_text())
    fps = summary["header"]["source"]["fps"]
    frames = summary["header"]["frames"]["read"]
    step_ms = 1000.0 * frames / fps
    labels = summary["header"]["model"]["labels"]
    video = work / "hour.mkv"
    run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(REPEATS - 1), "-i", clip_video, "-c", "copy", video])
    with open(clip_csv, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    col = {name: i for i, name in enumerate(header)}
    pcols = [col["p_" + l] for l in labels]
    out_csv = work / "hour.csv"
    n = 0
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for k in range(REPEATS):
            for row in rows:
                r = list(row)
                r[col["frame"]] = str(int(row[col["frame"]]) + k * frames)
                t = float(row[col["time_ms"]]) + k * step_ms
                r[col["time_ms"]] = f"{t:.1f}"
                r[col["time_s"]] = f"{t / 1000:.4f}"
                if row[col["success"]] == "1":
                    n += 1
                    h = (n * 2654435761) & 0xFFFFFFFF
                    ps = [float(row[c]) * (1 + 0.04 * (((h >> (8 * i)) & 0xFF) / 255 - 0.5)) for i, c in enumerate(pcols)]
                    s = sum(ps) or 1
                    ps = [p / s for p in ps]
                    best = max(range(len(ps)), key=lambda i: ps[i])
                    for i, c in enumerate(pcols):
                        r[c] = f"{ps[i]:.4f}"
                    r[col["label"]] = labels[best]
                    r[col["confidence"]] = f"{ps[best]:.4f}"
                w.writerow(r)
    s = summary
    s["header"]["source"]["name"] = str(video)
    s["header"]["source"]["frame_count"] = frames * REPEATS
    for key in ("read", "processed"):
        s["header"]["frames"][key] *= REPEATS
    s["frames"] *= REPEATS
    s["duration_s"] = (REPEATS - 1) * step_ms / 1000 + summary["duration_s"]
    for group in ("faces", "people"):
        for p in s.get(group, []):
            p["frames"] *= REPEATS
            p["seconds_seen"] *= REPEATS
            p["last_seen_s"] += (REPEATS - 1) * step_ms / 1000
    out_json = work / "hour.json"
    out_json.write_text(json.dumps(s, indent=1))
    return out_json, out_csv, video


def study_of(work, cli, model_args, clip, count=100):
    one = work / "batch-one"
    inputs = work / "inputs"
    inputs.mkdir()
    shutil.copy(clip, inputs / "clip.mp4")
    run([cli, "batch", inputs, "--out", one, "--jobs", "1", *model_args])
    line = json.loads((one / "manifest-0of1.jsonl").read_text().splitlines()[0])
    study = work / "study100"
    study.mkdir()
    lines = []
    for i in range(count):
        key = f"s{i:03d}"
        shutil.copytree(one / "clip", study / key)
        lines.append(json.dumps(dict(line, key=key, path=str(inputs / "clip.mp4"))))
    (study / "manifest-0of1.jsonl").write_text("\n".join(lines) + "\n")
    return study


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", default=str(REPO / "build/release/app/emoscope-cli"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keep", help="work in this folder and keep it (default: a temporary one)")
    args = ap.parse_args()
    chromium = find_chromium()
    if not chromium:
        sys.exit("chromium is not installed (apt-get install chromium)")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        clip = work / "clip.mp4"
        make_clip(clip)
        run([args.cli, "analyze", clip, "--csv", work / "clip.csv", "--summary", work / "clip.json"])
        people = len(json.loads((work / "clip.json").read_text())["people"])
        print(f"clip: 10 s, 30 fps, {people} people found (4 faces shown)")
        summary, csv_path, video = hour_from_clip(work, work / "clip.csv", work / "clip.json", clip)
        rows = sum(1 for _ in open(csv_path)) - 1
        print(f"1-hour analysis: {rows} CSV rows ({csv_path.stat().st_size / 1e6:.1f} MB), video {video.stat().st_size / 1e6:.0f} MB")
        out = work / "hour.html"
        t_thumbs, all_thumbs, r = timed([args.cli, "report", summary, "--out", out, "--force"], args.rounds)
        print(r.stderr.strip().splitlines()[-1])
        size = out.stat().st_size
        out_plain = work / "hour-plain.html"
        t_plain, all_plain, _ = timed([args.cli, "report", summary, "--out", out_plain, "--force", "--no-thumbnails"],
                                      args.rounds)
        renders, walls = [], []
        for _ in range(args.rounds):
            page = load(chromium, out)
            m = re.search(r'data-render-ms="(\d+)"', page.dom)
            if not m or page.console_errors() or "data-errors" in page.dom[:300]:
                sys.exit("the report did not render cleanly:\n" + page.log[-2000:])
            renders.append(int(m.group(1)) / 1000)
            walls.append(page.seconds)
        study = study_of(work, args.cli, [], clip)
        t_study, all_study, r = timed([args.cli, "report", study, "--out", work / "study.html", "--force"], args.rounds)
        t_each, _, _ = timed([args.cli, "report", study, "--out", work / "study-each.html", "--force", "--each-input"], 1)
        study_size = (work / "study.html").stat().st_size

        def fmt(times):
            return ", ".join(f"{t:.2f}" for t in times)

        print()
        print(f"| measure (median of {args.rounds}) | measured | floor | goal |")
        print("|---|---|---|---|")
        print(f"| 1 h x 4 people: time to build (thumbnails from the 1-hour video) | {t_thumbs:.2f} s ({fmt(all_thumbs)}) | <= 15 s | <= 5 s |")
        print(f"| the same without thumbnails (--no-thumbnails) | {t_plain:.2f} s ({fmt(all_plain)}) | | |")
        print(f"| the same: HTML size | {size / 1e6:.2f} MB | <= 8 MB | <= 3 MB |")
        print(f"| the same: first render in headless chromium (page: load start to all charts drawn) | {statistics.median(renders):.2f} s ({fmt(renders)}) | <= 3 s | <= 1 s |")
        print(f"| the same: whole chromium run (start-up, load, render, exit) | {statistics.median(walls):.2f} s ({fmt(walls)}) | | |")
        print(f"| study of 100 inputs: time to build | {t_study:.2f} s ({fmt(all_study)}), {study_size / 1e6:.2f} MB | <= 30 s | <= 10 s |")
        print(f"| the same with --each-input (100 reports of their own, thumbnails) | {t_each:.2f} s (1 round) | | |")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
