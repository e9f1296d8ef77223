"""emoscope-cli batch as a real Slurm job array, against one process.

A throwaway one-node Slurm cluster (scripts/slurm-one-node.sh, Debian's
slurm-wlm and munge) runs `batch` as a 3-task array on six inputs (the three
clips of ../shared/videos, each twice); each task takes its shard from
SLURM_ARRAY_TASK_ID/MIN/MAX by itself. After `merge`, the outputs must equal
those of one process given the same inputs and options.

Skipped when the shared videos are missing or Slurm cannot run here (not root,
packages missing); under CI=true both are failures instead.
"""
import csv
import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_fixtures import REPO  # noqa: E402

SCRIPT = REPO / "scripts" / "slurm-one-node.sh"
EXIT_UNAVAILABLE = 3              # slurm-one-node.sh: not root, or packages missing
TASKS = 3
OPTIONS = ["--every", "3", "--jobs", "1", "--threads", "1"]   # the same in both runs; small for CI time
SBATCH_TIMEOUT = 600
IGNORED_COLUMNS = {"seconds", "shard"}  # wall times and who ran it differ between the runs


def clean_env(**extra):
    """This environment minus any Slurm or Indexed Job variables (pytest may itself run in a job), plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_") and k != "JOB_COMPLETION_INDEX"}
    env.update(extra)
    return env


def unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    """The SLURM_CONF of a running one-node cluster; stopped at teardown whatever happened."""
    state = tmp_path_factory.mktemp("slurm")
    try:
        r = subprocess.run([SCRIPT, "start", state], capture_output=True, text=True, timeout=120, env=clean_env())
        if r.returncode == EXIT_UNAVAILABLE:
            unavailable(f"Slurm cannot run here: {r.stderr.strip()}")
        assert r.returncode == 0, f"slurm-one-node.sh start failed ({r.returncode}):\n{r.stderr}"
        assert r.stdout.strip() == f"export SLURM_CONF={state}/slurm.conf", r.stdout
        yield str(state / "slurm.conf")
    finally:
        subprocess.run([SCRIPT, "stop", state], timeout=120, env=clean_env())


@pytest.fixture(scope="module")
def inputs(shared, tmp_path_factory):
    """Six inputs: each shared clip at the top and again (a copy) in more/."""
    folder = tmp_path_factory.mktemp("batch-slurm-inputs")
    (folder / "more").mkdir()
    clips = sorted(p for p in (shared / "videos").iterdir() if p.is_file())
    assert len(clips) == 3, clips
    for clip in clips:
        shutil.copyfile(clip, folder / clip.name)
        shutil.copyfile(clip, folder / "more" / clip.name)
    return folder


@pytest.fixture(scope="module")
def keys(inputs):
    return sorted(str(p.relative_to(inputs).with_suffix("")) for p in inputs.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def reference(cli, inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch-one-process") / "out"
    r = cli("batch", inputs, "--out", out, *OPTIONS, timeout=1200, env=clean_env())
    assert r.returncode == 0, r.stderr
    r = cli("merge", out, env=clean_env())
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def array(cli, inputs, slurm, tmp_path_factory):
    """The array job's output folder, task logs and sbatch's result (after merge)."""
    work = tmp_path_factory.mktemp("batch-slurm")
    out, logs = work / "out", work / "logs"
    logs.mkdir()
    job = work / "batch.sh"
    job.write_text("#!/bin/bash\nexec " + shlex.join([os.path.abspath(cli.path), "batch", str(inputs), "--out", str(out), *OPTIONS])
                   + "\n")
    env = clean_env(SLURM_CONF=slurm)
    try:
        sbatch = subprocess.run(["sbatch", "--wait", f"--array=0-{TASKS - 1}", "--job-name=emoscope-batch",
                                 f"--chdir={work}", f"--output={logs}/task-%a.log", job],
                                capture_output=True, text=True, timeout=SBATCH_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        queue = subprocess.run(["squeue"], capture_output=True, text=True, env=env).stdout
        subprocess.run(["scancel", "--name=emoscope-batch"], env=env)
        pytest.fail(f"the array did not finish in {SBATCH_TIMEOUT} s; squeue:\n{queue}")
    merge = cli("merge", out, env=clean_env())
    return {"out": out, "logs": logs, "sbatch": sbatch, "merge": merge}


def task_logs(array):
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')}" for p in sorted(array["logs"].glob("*.log")))


def manifest_lines(out: Path, pattern="manifest-*.jsonl"):
    return [json.loads(line) for m in sorted(out.glob(pattern))
            for line in m.read_text().splitlines() if line.strip()]


def rows_without(path: Path, ignored=IGNORED_COLUMNS):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        kept = [c for c in reader.fieldnames if c not in ignored]
        return kept, [[row[c] for c in kept] for row in reader]


def test_array_ran_every_input_once(array, keys):
    sbatch, out = array["sbatch"], array["out"]
    assert sbatch.returncode == 0, f"sbatch: {sbatch.stdout}{sbatch.stderr}\n{task_logs(array)}"
    assert sorted(p.name for p in out.glob("manifest-*.jsonl")) == \
        [f"manifest-{i}of{TASKS}.jsonl" for i in range(TASKS)], task_logs(array)
    lines = manifest_lines(out)
    assert sorted(line["key"] for line in lines) == keys, lines
    assert {line["key"]: line["status"] for line in lines} == {k: "done" for k in keys}, lines
    for i in range(TASKS):  # each task had a share of the 6 inputs
        assert manifest_lines(out, f"manifest-{i}of{TASKS}.jsonl"), i


def test_array_equals_one_process(array, reference, keys):
    out = array["out"]
    assert array["merge"].returncode == 0, array["merge"].stderr
    assert (out / "people.csv").read_bytes() == (reference / "people.csv").read_bytes()
    assert rows_without(out / "inputs.csv") == rows_without(reference / "inputs.csv")
    for k in keys:
        assert (out / k / "frames.csv").read_bytes() == (reference / k / "frames.csv").read_bytes(), k


def test_each_task_logged_its_shard(array):
    logs = task_logs(array)
    for i in range(TASKS):
        assert f"shard {i}/{TASKS}" in (array["logs"] / f"task-{i}.log").read_text(errors="replace"), logs
