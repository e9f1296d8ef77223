#!/usr/bin/python3
"""kill -9 at a random moment, then a rerun: are the outputs a clean run's?
(issue 20's table; docs/batch.md reports the figures).

The set: the clips of ../shared/videos, --copies copies each. One clean batch
first; then --trials times: a fresh batch killed with SIGKILL after a delay
drawn uniformly from (0, the clean run's wall time), then the same command run
to completion. A trial passes when every input's frames.csv equals the clean
run's byte for byte, its summary.json equals the clean one but for
header.start_time (the wall-clock time a run started), and no .partial or .old
folder is left.

  /usr/bin/python3 scripts/measure-batch-kill.py [--trials 20] [--copies 4] [--seed 1] [-- batch options]
"""
import argparse
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from batch_study import CLI, make_study


def summary(path: Path):
    j = json.loads(path.read_text())
    j["header"].pop("start_time", None)
    return j


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trials", type=int, default=20)
    p.add_argument("--copies", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cli", default=CLI)
    p.add_argument("extra", nargs="*", help="options for every batch call (after --)")
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="emoscope-batch-kill-"))
    inputs = make_study(work, a.copies)
    keys = [str(f.relative_to(inputs).with_suffix("")) for f in sorted(inputs.rglob("*.*"))]

    def command(out):
        return [a.cli, "batch", str(inputs), "--out", str(out), *a.extra]

    clean = work / "clean"
    t0 = time.perf_counter()
    subprocess.run(command(clean), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    clean_s = time.perf_counter() - t0
    print(f"{len(keys)} inputs; clean run {clean_s:.1f} s")
    rng = random.Random(a.seed)
    passed = 0
    for trial in range(a.trials):
        out = work / f"t{trial}"
        delay = rng.uniform(0, clean_s)
        proc = subprocess.Popen(command(out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        finished_before = sum(1 for k in keys if (out / k / "done.json").exists())
        r = subprocess.run(command(out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        problems = [] if r.returncode == 0 else [f"rerun exit {r.returncode}: {r.stderr[-300:]}"]
        for k in keys:
            if (out / k / "frames.csv").read_bytes() != (clean / k / "frames.csv").read_bytes():
                problems.append(f"{k}: frames.csv differs")
            if summary(out / k / "summary.json") != summary(clean / k / "summary.json"):
                problems.append(f"{k}: summary.json differs")
        leftovers = [str(x) for x in out.rglob(".*") if x.name.endswith((".partial", ".old"))]
        problems += [f"left behind: {x}" for x in leftovers]
        passed += not problems
        print(f"trial {trial + 1:2d}: killed at {delay:5.2f} s with {finished_before:2d}/{len(keys)} finished; "
              f"rerun {'identical' if not problems else 'DIFFERS: ' + '; '.join(problems[:3])}")
        shutil.rmtree(out, ignore_errors=True)
    print(f"identical to the clean run: {passed} of {a.trials}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if passed == a.trials else 1


if __name__ == "__main__":
    sys.exit(main())
