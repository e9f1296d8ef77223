"""Persistent person identities and known people on Georgia Tech come-and-go clips (issue 28).

The clips (scripts/make-identity-clips.py: gt_east_asian, gt_mixed, gt_known) paste
colour photos of the Georgia Tech people (every group of models/identity/groups.json)
into a 960x540 frame: two or three at once, walking past each other, a hard cut to
others at nearly the same places, each person entering several times with another
photo. They are made at test time from ../shared (never committed); the metrics are
scripts/identity_metrics.py's, the same as scripts/measure-identities.py prints.
Each clip is made only when a test needs it, so that ctest can run this file as
shards side by side (EMOSCOPE_TEST_SHARD, tests/CMakeLists.txt).
"""
import json
from collections import Counter
from pathlib import Path

import pytest
from cli_fixtures import load_script

REPO = Path(__file__).resolve().parents[2]




metrics = load_script("identity_metrics", "identity_metrics.py")
generator = load_script("make_identity_clips", "make-identity-clips.py")

# Issue 28's floors are rows correct >= 0.98, IDs per person <= 1.3 and known people named right
# >= 95 %. With faceres (the default embedder, models/faceres.md) all three clips meet them:
# gt_east_asian (twelve look-alikes) gives 1.25 IDs per person with 99.66 % rows correct, since the
# files carry settled identities (a person started from a poor first view and rejoined within
# settle_ms is written as the person found; it gave 1.58 before). With dlib's descriptors gt_mixed
# meets them; gt_east_asian gives 1.33 IDs per person with 95.0 % rows correct and gt_known 86.9 %
# named right (0 wrong), where the decision before issue 28 gave 2.17 / 57.4 % and 89.2 % right with
# 5.2 % named WRONG. The floors below are the where they are met and otherwise guard the
# measured level, a little under it; raise them, never lower them, as the identities improve.
# Naming nobody wrongly is already the floor.
EMBEDDERS = {"dlib": "models/face_embedder.pt", "faceres": "models/faceres.pt"}
FLOORS = {("gt_mixed", "dlib"): {"rows_correct": 0.98, "ids_per_person": 1.3},
          ("gt_east_asian", "dlib"): {"rows_correct": 0.94, "ids_per_person": 1.4},
          ("gt_east_asian", "faceres"): {"rows_correct": 0.98, "ids_per_person": 1.3},
          ("gt_mixed", "faceres"): {"rows_correct": 0.98, "ids_per_person": 1.3}}
MIN_NAMED_RIGHT = {"dlib": 0.83, "faceres": 0.95}


@pytest.fixture(scope="module")
def clip(shared, tmp_path_factory):
    """name -> the folder holding NAME.mp4 and NAME.truth.csv (made on first use)."""
    folder = tmp_path_factory.mktemp("identity-clips-gt")
    made = set()

    def get(name):
        if name not in made:
            generator.make_clips(folder, shared, [name])
            made.add(name)
        return folder

    return get


def test_gt_clip_schedules():
    """The clips hold the people issue 28 asks for (no shared data needed: the schedules only)."""
    groups = json.loads((REPO / "models/identity/groups.json").read_text())["georgia_tech"]
    specs = generator.clip_specs()

    def group(p):
        return groups["s%02d" % (p - generator.GT_BASE)]

    for name in ("gt_east_asian", "gt_mixed"):
        entries = Counter(a["p"] for a in specs[name]["people"])
        assert len(entries) == 12 and set(entries.values()) == {3}, (name, entries)
        assert 40 <= specs[name]["duration"] <= 50
        assert any(k == 1 for _, k in specs[name]["scenes"]), "no hard cut"
    assert {group(p) for p in Counter(a["p"] for a in specs["gt_east_asian"]["people"])} == {"east_asian"}
    assert sum(1 for g in groups.values() if g == "east_asian") == 12
    mixed = Counter(group(p) for p in {a["p"] for a in specs["gt_mixed"]["people"]})
    assert set(mixed) == set(groups.values()), mixed
    known = specs["gt_known"]
    assert len(known["known"]) == 8 and len(known["strangers"]) == 3
    assert not set(known["known"]) & set(known["strangers"])
    assert sum(1 for p in known["known"] if group(p) == "east_asian") >= 3
    assert any(group(p) == "east_asian" for p in known["strangers"])
    assert len({group(p) for p in known["known"]}) >= 4
    entries = Counter(a["p"] for a in known["people"])
    assert all(entries[p] == 2 for p in known["known"]), entries


# In this order, ctest's round-robin shards (EMOSCOPE_TEST_SHARD) make at most two clips each.
@pytest.mark.parametrize("name,embedder", [("gt_east_asian", "dlib"), ("gt_mixed", "dlib"),
                                           ("gt_east_asian", "faceres"), ("gt_mixed", "faceres")])
def test_gt_identities(name, embedder, cli, clip):
    folder = clip(name)
    out = folder / f"{name}-{embedder}.csv"
    r = cli("analyze", folder / (name + ".mp4"), "--csv", out, "--summary", folder / f"{name}-{embedder}.json",
            "--embedder", REPO / EMBEDDERS[embedder])
    assert r.returncode == 0, r.stderr
    truth = folder / (name + ".truth.csv")
    result = metrics.evaluate(out, truth)
    m = result["person_id"]
    assert m is not None, "the CSV has no person_id column"
    truth_people = {p for frame in metrics.read_truth(truth).values() for p, _, _ in frame}
    summary = {k: m[k] for k in ("rows", "people", "ids", "ids_per_person", "ids_per_person_max", "rows_correct",
                                 "ids_by_person", "shared_ids")}
    assert m["people"] == len(truth_people), summary          # every true person was found
    assert result["matched"] >= 0.5 * result["face_rows"] > 0, result
    assert m["rows_correct"] >= FLOORS[name, embedder]["rows_correct"], summary
    assert m["ids_per_person"] <= FLOORS[name, embedder]["ids_per_person"], summary


@pytest.mark.parametrize("embedder", ["dlib", "faceres"])
def test_gt_known_people(embedder, cli, clip, shared, tmp_path):
    """8 people enrolled from one photo each (never in the clip) are named on their other photos, never with
    another's name; the 3 strangers are never named."""
    folder = clip("gt_known")
    gallery = tmp_path / "people.json"
    enrol = generator.gt_enrolment(shared)
    model = REPO / EMBEDDERS[embedder]
    for person, (name, photo) in sorted(enrol.items()):
        r = cli("people", "--gallery", gallery, "--embedder", model, "add", name, photo)
        assert r.returncode == 0, (name, photo, r.stderr)
    out = tmp_path / "gt_known.csv"
    r = cli("analyze", folder / "gt_known.mp4", "--csv", out, "--summary", tmp_path / "gt_known.json",
            "--people-gallery", gallery, "--embedder", model)
    assert r.returncode == 0, r.stderr
    k = metrics.known_people(out, folder / "gt_known.truth.csv", {p: name for p, (name, _) in enrol.items()})
    summary = {key: k[key] for key in ("rows", "people", "named_right", "named_wrong", "unnamed", "wrong_rows",
                                       "strangers", "stranger_rows", "strangers_named", "by_person")}
    assert k["people"] == 8 and k["strangers"] == 3, summary   # every true person was found
    assert k["wrong_rows"] == 0, summary
    assert k["stranger_named_rows"] == 0, summary
    assert k["named_right"] >= MIN_NAMED_RIGHT[embedder], summary
