"""emoscope-cli batch and merge on videos generated here (no shared data needed).

Each generated clip is a Debian-shipped photo with a face (scikit-image's
astronaut) drifting across the frame. Checked: the outputs equal analyze's, the
layout, resuming (skip, redo on change, --force), a broken input failing alone,
shards (flags and Slurm / Indexed Job variables) whose union equals one
process, kill -9 then a rerun giving a clean run's outputs, and merge.
"""
import csv
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

import numpy as np

cv2 = pytest.importorskip("cv2")

from cli_fixtures import ASTRONAUT, REPO  # noqa: E402


def make_clip(path: Path, frames: int, shift: int, size=(320, 240)):
    face = cv2.resize(cv2.imread(str(ASTRONAUT)), (200, 200))
    w, h = size
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (w, h))
    assert out.isOpened(), f"cannot write {path}"
    for i in range(frames):
        canvas = np.full((h, w, 3), 90, np.uint8)
        x = 10 + (shift + 4 * i) % (w - 210)
        canvas[20:220, x:x + 200] = face
        out.write(canvas)
    out.release()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    if not ASTRONAUT.exists():
        pytest.skip(f"{ASTRONAUT} missing (Debian package python3-skimage)")
    root = tmp_path_factory.mktemp("batch-inputs")
    (root / "study" / "day2").mkdir(parents=True)
    make_clip(root / "study" / "a.mp4", 24, 0)
    make_clip(root / "study" / "b.mp4", 18, 30)
    make_clip(root / "study" / "day2" / "a.mp4", 20, 60)
    shutil.copy(ASTRONAUT, root / "study" / "day2" / "photo.png")
    (root / "study" / "notes.txt").write_text("not media: skipped by the folder walk\n")
    return root / "study"


KEYS = ["a", "b", "day2/a", "day2/photo"]


def manifest_lines(out: Path):
    lines = []
    for m in sorted(out.glob("manifest-*.jsonl")):
        lines += [json.loads(t) for t in m.read_text().splitlines() if t.strip()]
    return lines


def summary_without_time(path: Path):
    j = json.loads(path.read_text())
    j["header"].pop("start_time")
    return j


def same_results(a: Path, b: Path, keys=KEYS):
    for k in keys:
        assert (a / k / "frames.csv").read_bytes() == (b / k / "frames.csv").read_bytes(), k
        assert summary_without_time(a / k / "summary.json") == summary_without_time(b / k / "summary.json"), k


def test_batch_writes_what_analyze_writes(cli, inputs, tmp_path):
    out = tmp_path / "out"
    r = cli("batch", inputs, "--out", out, "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert "shard 0/1" in r.stderr
    assert sorted(str(p.parent.relative_to(out)) for p in out.rglob("done.json")) == KEYS
    assert not list(out.rglob("*.partial")) and not (out / "notes").exists()
    lines = manifest_lines(out)
    assert sorted(line["key"] for line in lines) == KEYS
    assert all(line["status"] == "done" and line["frames"] > 0 and line["persons"] >= 1 for line in lines), lines
    for key, name in [("a", "a.mp4"), ("day2/a", "day2/a.mp4"), ("day2/photo", "day2/photo.png")]:
        src = inputs / name
        csv_path, summary = tmp_path / "x.csv", tmp_path / "x.json"
        r = cli("analyze", src, "--csv", csv_path, "--summary", summary, "--force")
        assert r.returncode == 0, r.stderr
        assert (out / key / "frames.csv").read_bytes() == csv_path.read_bytes(), key
        assert summary_without_time(out / key / "summary.json") == summary_without_time(summary), key


def test_rerun_skips_finished_and_redoes_what_changed(cli, inputs, tmp_path):
    work = tmp_path / "in"
    shutil.copytree(inputs, work)
    out = tmp_path / "out"
    assert cli("batch", work, "--out", out).returncode == 0
    before = {k: (out / k / "frames.csv").stat().st_mtime_ns for k in KEYS}
    r = cli("batch", work, "--out", out)
    assert r.returncode == 0, r.stderr
    assert [line["status"] for line in manifest_lines(out)[-4:]] == ["skipped"] * 4
    assert {k: (out / k / "frames.csv").stat().st_mtime_ns for k in KEYS} == before
    # A changed input is analysed again; the others stay.
    os.utime(work / "b.mp4", ns=(time.time_ns(), time.time_ns()))
    assert cli("batch", work, "--out", out).returncode == 0
    last = {line["key"]: line["status"] for line in manifest_lines(out)[-4:]}
    assert last == {"a": "skipped", "b": "done", "day2/a": "skipped", "day2/photo": "skipped"}
    # Other settings: everything again. --force: everything again.
    assert cli("batch", work, "--out", out, "--detect-every", "2").returncode == 0
    assert [line["status"] for line in manifest_lines(out)[-4:]] == ["done"] * 4
    assert cli("batch", work, "--out", out, "--detect-every", "2", "--force").returncode == 0
    assert [line["status"] for line in manifest_lines(out)[-4:]] == ["done"] * 4


def test_broken_input_fails_alone_and_is_retried(cli, inputs, tmp_path):
    work = tmp_path / "in"
    shutil.copytree(inputs, work)
    (work / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 truncated")
    out = tmp_path / "out"
    r = cli("batch", work, "--out", out)
    assert r.returncode == 6, r.stderr
    status = {line["key"]: line for line in manifest_lines(out)}
    assert status["broken"]["status"] == "failed" and "broken.mp4" in status["broken"]["error"]
    assert all(status[k]["status"] == "done" for k in KEYS)
    assert not (out / "broken").exists()
    r = cli("batch", work, "--out", out)  # tried again, the others skipped
    assert r.returncode == 6
    assert sorted(line["status"] for line in manifest_lines(out)[-5:]) == ["failed"] + ["skipped"] * 4
    assert cli("merge", out).returncode == 0
    rows = {row["key"]: row for row in csv.DictReader((out / "inputs.csv").open())}
    assert rows["broken"]["status"] == "failed" and rows["broken"]["error"]
    assert all(rows[k]["status"] == "done" and int(rows[k]["frames"]) > 0 for k in KEYS)


def test_a_folder_that_is_not_ours_is_never_replaced(cli, inputs, tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "mine.txt").write_text("the user's own file")
    r = cli("batch", inputs, "--out", out)
    assert r.returncode == 6
    assert (out / "a" / "mine.txt").read_text() == "the user's own file"
    assert "is not a batch result" in {line["key"]: line for line in manifest_lines(out)}["a"]["error"]


def test_shards_split_the_inputs_and_merge_equals_one_process(cli, inputs, tmp_path):
    one, sharded = tmp_path / "one", tmp_path / "sharded"
    assert cli("batch", inputs, "--out", one).returncode == 0
    for i in range(3):
        r = cli("batch", inputs, "--out", sharded, "--shard", f"{i}/3")
        assert r.returncode == 0, r.stderr
        assert f"shard {i}/3" in r.stderr
    per_shard = [sorted(json.loads(t)["key"] for t in (sharded / f"manifest-{i}of3.jsonl").read_text().splitlines())
                 for i in range(3)]
    assert sorted(sum(per_shard, [])) == KEYS  # every input once
    assert per_shard == [["a", "day2/photo"], ["b"], ["day2/a"]]  # position p goes to shard p % 3
    same_results(one, sharded)
    for d in (one, sharded):
        assert cli("merge", d).returncode == 0
    assert (one / "people.csv").read_bytes() == (sharded / "people.csv").read_bytes()
    rows = list(csv.DictReader((one / "people.csv").open()))
    assert {r["key"] for r in rows} == set(KEYS)
    assert all(r["model"] == "happy_neutral_sad" and float(r["mean_confidence"]) > 0 for r in rows)
    for r in rows:
        shares = sum(float(r[c]) for c in r if c.startswith("share_"))
        assert abs(shares - 1) < 2e-3, r


def test_shard_from_slurm_and_indexed_job_variables(cli, inputs, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "JOB_COMPLETION"))}
    slurm = dict(env, SLURM_ARRAY_TASK_ID="11", SLURM_ARRAY_TASK_MIN="10", SLURM_ARRAY_TASK_MAX="12")
    r = cli("batch", inputs, "--out", tmp_path / "s", env=slurm)
    assert r.returncode == 0, r.stderr
    assert "shard 1/3 (from SLURM_ARRAY_TASK_ID=11, SLURM_ARRAY_TASK_MIN=10, SLURM_ARRAY_TASK_MAX=12)" in r.stderr
    assert [json.loads(t)["key"] for t in (tmp_path / "s/manifest-1of3.jsonl").read_text().splitlines()] == ["b"]
    # A stepped array does not number the shards: refused. With --shards N the IDs are the shard numbers.
    stepped = dict(env, SLURM_ARRAY_TASK_ID="4", SLURM_ARRAY_TASK_MIN="0", SLURM_ARRAY_TASK_MAX="8",
                   SLURM_ARRAY_TASK_COUNT="3")
    r = cli("batch", inputs, "--out", tmp_path / "st", env=stepped)
    assert r.returncode == 2 and "not contiguous" in r.stderr
    resubmitted = dict(env, SLURM_ARRAY_TASK_ID="2", SLURM_ARRAY_TASK_MIN="2", SLURM_ARRAY_TASK_MAX="2")
    r = cli("batch", inputs, "--out", tmp_path / "re", "--shards", "3", env=resubmitted)
    assert r.returncode == 0 and "shard 2/3 (from SLURM_ARRAY_TASK_ID=2, --shards 3)" in r.stderr, r.stderr
    k8s = dict(env, JOB_COMPLETION_INDEX="1")
    r = cli("batch", inputs, "--out", tmp_path / "k", env=k8s)
    assert r.returncode == 2 and "--shards" in r.stderr
    r = cli("batch", inputs, "--out", tmp_path / "k", "--shards", "2", env=k8s)
    assert r.returncode == 0 and "shard 1/2 (from JOB_COMPLETION_INDEX=1, --shards 2)" in r.stderr
    for bad in ("3/3", "-1/2", "1", "a/b"):
        r = cli("batch", inputs, "--out", tmp_path / "bad", "--shard", bad, env=env)
        assert r.returncode == 2 and "shard" in r.stderr, bad


def test_list_file_and_clashing_names(cli, inputs, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text(f"# two sessions\n{inputs / 'a.mp4'}\n\n{inputs / 'day2' / 'a.mp4'}\n")
    out = tmp_path / "out"
    r = cli("batch", "--list", listing, "--out", out)
    assert r.returncode == 0, r.stderr
    assert sorted(line["key"] for line in manifest_lines(out)) == ["a", "day2/a"]  # relative to their shared folder
    # Two files given by themselves with one name: refused before anything runs.
    r = cli("batch", inputs / "a.mp4", inputs / "day2" / "a.mp4", "--out", tmp_path / "clash")
    assert r.returncode == 2 and "would both write to" in r.stderr
    # Same stem, other extensions: both keep their extension.
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(inputs / "a.mp4", mixed / "s1.mp4")
    shutil.copy(inputs / "day2" / "photo.png", mixed / "s1.png")
    r = cli("batch", mixed, "--out", tmp_path / "m")
    assert r.returncode == 0, r.stderr
    assert sorted(p.parent.name for p in (tmp_path / "m").rglob("done.json")) == ["s1.mp4", "s1.png"]


def test_kill9_at_random_moments_then_rerun_gives_a_clean_runs_outputs(cli, inputs, tmp_path):
    clean = tmp_path / "clean"
    t0 = time.monotonic()
    assert cli("batch", inputs, "--out", clean, "--jobs", "2").returncode == 0
    clean_seconds = time.monotonic() - t0
    rng = random.Random(20)
    for trial in range(3):
        out = tmp_path / f"killed{trial}"
        p = subprocess.Popen([cli.path, "batch", str(inputs), "--out", str(out), "--jobs", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, clean_seconds))
        p.send_signal(signal.SIGKILL)
        p.wait()
        r = cli("batch", inputs, "--out", out, "--jobs", "2")
        assert r.returncode == 0, r.stderr
        same_results(clean, out)
        assert not list(out.rglob(".*.partial")) and not list(out.rglob(".*.old"))
        assert cli("merge", out).returncode == 0  # a manifest line cut short by the kill is skipped


def test_merge_refuses_a_folder_without_manifests(cli, tmp_path):
    r = cli("merge", tmp_path)
    assert r.returncode == 3 and "not a batch folder" in r.stderr


def doc_names(section):
    """The backticked names in the first column of a docs/output-formats.md section's tables."""
    text = (REPO / "docs" / "output-formats.md").read_text()
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"^\| `([^`]+)` \|", text[start:end], re.M)


def test_manifest_stamp_and_tables_are_documented(cli, inputs, tmp_path):
    out = tmp_path / "out"
    assert cli("batch", inputs, "--out", out).returncode == 0
    assert cli("merge", out).returncode == 0
    line = manifest_lines(out)[0]
    assert list(line) == doc_names("Batch manifest (manifest-IofN.jsonl)")
    stamp = json.loads((out / "a" / "done.json").read_text())
    paths = list(stamp) + [f"input.{k}" for k in stamp["input"]]
    assert sorted(paths) == sorted(doc_names("Batch stamp (done.json)"))
    documented = doc_names("Batch tables (people.csv and inputs.csv)")
    inputs_cols = next(csv.reader((out / "inputs.csv").open()))
    people_cols = next(csv.reader((out / "people.csv").open()))
    labels = json.loads((out / "a" / "summary.json").read_text())["header"]["model"]["labels"]
    people_doc = documented[len(inputs_cols):]
    assert documented[:len(inputs_cols)] == inputs_cols
    expanded = []
    for name in people_doc:
        expanded += [f"share_{label}" for label in labels] if name == "share_<label>" else [name]
    assert people_cols == expanded
