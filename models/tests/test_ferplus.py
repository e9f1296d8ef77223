"""FER+ label reader: votes -> majority, ties, not-a-face / unknown, rows without votes,
relabelling across FER2013 folders, soft targets, and scoring a subset of a model's labels.
Runs on a small generated FER2013-style tree (no data from ../shared)."""
import csv

import numpy as np
import pytest

from emoscope_model import data as D

COLUMNS = ["ferplus_neutral", "ferplus_happiness", "ferplus_surprise", "ferplus_sadness", "ferplus_anger",
           "ferplus_disgust", "ferplus_fear", "ferplus_contempt", "ferplus_unknown", "ferplus_nf"]


def votes(**kw) -> list[int]:
    names = {"neutral": 0, "happy": 1, "surprise": 2, "sad": 3, "angry": 4, "disgust": 5, "fear": 6,
             "contempt": 7, "unknown": 8, "nf": 9}
    v = [0] * 10
    for k, n in kw.items():
        v[names[k]] = n
    return v


# (path, votes or None): None = a row whose vote cells are empty
ROWS = [
    ("test/sad/a.png", votes(neutral=6, sad=4)),          # FER2013 says sad, FER+ neutral
    ("test/sad/b.png", votes(sad=7, neutral=2, angry=1)),
    ("test/happy/c.png", votes(happy=10)),
    ("test/angry/d.png", votes(neutral=5, angry=5)),      # tie: left out
    ("test/angry/e.png", votes(nf=6, angry=4)),           # not a face: left out
    ("test/happy/f.png", votes(unknown=5, happy=4, sad=1)),  # unknown: left out
    ("test/angry/g.png", None),                           # no votes: left out
    ("test/angry/h.png", votes(angry=8, neutral=2)),      # not a scored class for happy/neutral/sad
    ("test/angry/i.png", votes(contempt=6, neutral=4)),   # contempt: no FER2013 class
    ("train/happy/j.png", votes(happy=9, neutral=1)),
]


@pytest.fixture()
def fer_root(tmp_path):
    import cv2
    root = tmp_path / "shared" / "datasets" / "fer2013"
    root.mkdir(parents=True)
    rng = np.random.default_rng(3)
    with open(root / "ferplus_votes.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "split", "fer2013_label", "fer2013_row", *COLUMNS])
        for i, (path, v) in enumerate(ROWS):
            img = root / path
            img.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(img), rng.integers(0, 255, (48, 48), dtype=np.uint8))
            w.writerow([path, path.split("/")[0], path.split("/")[1], i if v else "",
                        *(v if v else [""] * 10)])
    return root


def test_majority_rule():
    assert D.ferplus_majority({"neutral": 6, "sad": 4}) == "neutral"
    assert D.ferplus_majority({"neutral": 5, "angry": 5}) is None            # tie
    assert D.ferplus_majority({"not_a_face": 6, "angry": 4}) is None         # not a face
    assert D.ferplus_majority({"unknown": 5, "happy": 4, "sad": 1}) is None  # unknown
    assert D.ferplus_majority({}) is None
    assert D.ferplus_majority({"happy": 0, "sad": 0}) is None
    assert D.ferplus_majority({"contempt": 3, "happy": 2, "sad": 2}) == "contempt"


def test_reader_keeps_all_ten_columns_and_skips_rows_without_votes(fer_root):
    v = D.ferplus_all_votes(fer_root / "ferplus_votes.csv")
    assert "test/angry/g.png" not in v
    assert len(v) == len(ROWS) - 1
    assert v["test/angry/e.png"]["not_a_face"] == 6 and v["test/angry/e.png"]["angry"] == 4
    assert v["test/angry/i.png"]["contempt"] == 6
    assert sum(v["test/sad/b.png"].values()) == 10


def test_load_ferplus_relabels_across_folders_and_leaves_out_unlabelled(fer_root):
    ds = D.load_ferplus("test", "happy,neutral,sad", root=fer_root)
    got = dict(zip(ds.paths, [ds.classes[k] for k in ds.labels]))
    assert got == {"test/sad/a.png": "neutral", "test/sad/b.png": "sad", "test/happy/c.png": "happy"}
    assert ds.images.shape == (3, 48, 48)
    # majority targets are one-hot
    assert np.array_equal(ds.soft, np.eye(3, dtype=np.float32)[ds.labels])


def test_load_ferplus_soft_targets_are_vote_distributions_over_kept_classes(fer_root):
    ds = D.load_ferplus("test", "happy,neutral,sad", root=fer_root, targets="soft", vote_weight=1.0)
    i = ds.paths.index("test/sad/b.png")     # sad 7, neutral 2, angry 1 -> angry dropped
    assert ds.soft[i] == pytest.approx([0.0, 2 / 9, 7 / 9])
    half = D.load_ferplus("test", "happy,neutral,sad", root=fer_root, targets="soft", vote_weight=0.5)
    j = half.paths.index("test/sad/a.png")   # majority neutral; votes neutral 0.6, sad 0.4
    assert half.soft[j] == pytest.approx([0.0, 0.5 + 0.3, 0.2])


def test_seven_classes_leave_out_contempt_and_contempt_can_be_chosen(fer_root):
    seven = D.load_ferplus("test", ",".join(D.FER_CLASSES), root=fer_root)
    assert sorted(seven.paths) == ["test/angry/h.png", "test/happy/c.png", "test/sad/a.png", "test/sad/b.png"]
    eight = D.load_ferplus("test", ",".join(D.FERPLUS_CLASSES), root=fer_root)
    assert "test/angry/i.png" in eight.paths


def test_load_ferplus_errors(fer_root, tmp_path):
    with pytest.raises(D.DataError, match="unknown class"):
        D.load_ferplus("test", "happy,zebra", root=fer_root)
    with pytest.raises(D.DataError, match="votes file"):
        D.load_ferplus("test", "happy", root=tmp_path / "nowhere")
    with pytest.raises(D.DataError, match="no val image"):
        D.load_ferplus("val", "happy", root=fer_root)


def test_evaluate_scores_a_subset_of_a_models_labels(fer_root, monkeypatch):
    """Folder labels happy/sad on a three-class model: arg-max over happy and sad only."""
    import torch
    import evaluate

    class Fixed(torch.nn.Module):   # logits: happy 0, neutral 5, sad 1 -> sad wins over happy
        def forward(self, x):
            return torch.tensor([[0.0, 5.0, 1.0]]).repeat(x.shape[0], 1)

    meta = {"labels": ["happy", "neutral", "sad"],
            "input": {"channels": 1, "height": 48, "width": 48, "mean": [0.5], "std": [0.25]}}
    monkeypatch.setenv("EMOSCOPE_SHARED_DIR", str(fer_root.parent.parent))
    m = evaluate.evaluate_model(Fixed(), meta, "fer2013", "test", "happy,sad")
    assert m["labels"] == ["happy", "sad"]
    assert m["confusion_matrix"] == [[0, 2], [0, 2]]    # every image -> sad
    assert m["accuracy"] == 0.5
    full = evaluate.evaluate_model(Fixed(), meta, "ferplus", "test")
    assert full["n"] == 3 and full["confusion_matrix"] == [[0, 1, 0], [0, 1, 0], [0, 1, 0]]
    with pytest.raises(D.DataError, match="subset"):
        evaluate.scored_columns(meta["labels"], "happy,angry")
