#!/usr/bin/python3
"""Batch mode against a shell loop of `analyze` calls, side by side in one run
(issue 20's table; docs/batch.md reports the figures).

The set: the three clips of ../shared/videos, four copies each (12 inputs, in
copy1/ .. copy4/). Measured in rounds, each round in a fresh order of:
  - loop: one `emoscope-cli analyze INPUT --csv --summary` per input, in turn;
  - batch --jobs J for each J asked (fresh output folder each time);
then a rerun of a finished batch (everything skipped). Prints the median wall
time of each and its ratio to the loop's, and checks that every batch's
frames.csv equals the loop's byte for byte.

  /usr/bin/python3 scripts/bench-batch.py [--rounds 3] [--jobs 1,2,3] [--work DIR] [-- analyze options]
"""
import argparse
import filecmp
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from batch_study import CLI, make_study


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--jobs", default="1,2,3")
    p.add_argument("--copies", type=int, default=4)
    p.add_argument("--work", default=None, help="work folder (default: a temporary one, removed)")
    p.add_argument("--cli", default=CLI)
    p.add_argument("extra", nargs="*", help="options for every analyze and batch call (after --)")
    a = p.parse_args()
    work = Path(a.work or tempfile.mkdtemp(prefix="emoscope-bench-batch-"))
    inputs = make_study(work, a.copies)
    clips = sorted((inputs / "copy1").iterdir())
    files = sorted(inputs.rglob("*.*"))
    jobs = [int(j) for j in a.jobs.split(",")]
    print(f"{len(files)} inputs ({len(clips)} clips x {a.copies}); {os.cpu_count()} cores; options {a.extra or '-'}")

    def loop(out: Path):
        for f in files:
            key = f.relative_to(inputs).with_suffix("")
            (out / key).mkdir(parents=True, exist_ok=True)
            # analyze exits 3 on a clip that stops decoding early (its results are still written).
            subprocess.run([a.cli, "analyze", str(f), "--csv", str(out / key / "frames.csv"),
                            "--summary", str(out / key / "summary.json"), *a.extra],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    def batch(out: Path, j: int):
        r = subprocess.run([a.cli, "batch", str(inputs), "--out", str(out), "--jobs", str(j), *a.extra],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        if r.returncode != 0:
            raise SystemExit(f"batch failed ({r.returncode}): {r.stderr[-2000:]}")

    times = {"loop": []} | {f"batch --jobs {j}": [] for j in jobs}
    rerun = []
    rng = random.Random(1)
    for rnd in range(a.rounds):
        order = list(times)
        rng.shuffle(order)
        for name in order:
            out = work / f"r{rnd}-{name.replace(' ', '').replace('--', '-')}"
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            loop(out) if name == "loop" else batch(out, int(name.split()[-1]))
            times[name].append(time.perf_counter() - t0)
        # the loop's CSVs against each batch's of this round
        ref = work / f"r{rnd}-loop"
        for j in jobs:
            out = work / f"r{rnd}-batch-jobs{j}"
            for f in files:
                key = f.relative_to(inputs).with_suffix("")
                if not filecmp.cmp(ref / key / "frames.csv", out / key / "frames.csv", shallow=False):
                    raise SystemExit(f"frames.csv differs for {key} (batch --jobs {j}, round {rnd})")
        out = work / f"r{rnd}-batch-jobs{jobs[-1]}"
        t0 = time.perf_counter()
        batch(out, jobs[-1])
        rerun.append(time.perf_counter() - t0)
    base = statistics.median(times["loop"])
    print(f"{'run':<16} {'median s':>9} {'vs loop':>8}   all rounds (s)")
    for name, ts in times.items():
        m = statistics.median(ts)
        print(f"{name:<16} {m:9.2f} {m / base:7.2f}x   {' '.join(f'{t:.2f}' for t in ts)}")
    print(f"{'rerun, finished':<16} {statistics.median(rerun):9.2f} {'':>8}   {' '.join(f'{t:.2f}' for t in rerun)}")
    print("every batch's frames.csv equals the loop's, byte for byte")
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
