"""The shipped face-embedding model (face_embedder.pt, see face_embedder.md): metadata,
integrity, the chip alignment rule and parity with face-api's stored descriptors."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from emoscope_model import face_chip

MODELS = Path(__file__).resolve().parents[1]
PT = MODELS / "face_embedder.pt"
REF = MODELS / "reference" / "face_embedder.json"


@pytest.fixture(scope="module")
def embedder():
    from export import load_model
    return load_model(PT)


def test_metadata_and_digest(embedder):
    import torch
    from export import archive_digest
    module, meta = embedder
    assert PT.stat().st_size <= 27 * 1024 * 1024
    assert meta["format"] == "emoscope-model/1" and meta["kind"] == "face-embedder"
    assert meta["name"] == "face_embedder" and isinstance(meta["version"], str)
    inp = meta["input"]
    assert (inp["channels"], inp["height"], inp["width"]) == (3, 150, 150)
    # face-api: (pixel - [122.782, 117.001, 104.298]) / 255 == (pixel/255 - mean) / std
    assert np.allclose(np.asarray(inp["mean"]) * 255, [122.782, 117.001, 104.298], atol=1e-5)
    assert np.allclose(inp["std"], [1.0, 1.0, 1.0])
    lm = np.asarray(meta["align"]["landmarks"])
    assert lm.shape == (5, 2) and (lm > 0).all() and (lm < 1).all()
    assert lm[0, 0] < lm[1, 0] and lm[3, 0] < lm[4, 0] and lm[0, 1] < lm[2, 1] < lm[3, 1]
    assert meta["align"]["order"] == "right eye, left eye, nose tip, right mouth corner, left mouth corner"
    emb = meta["embedding"]
    assert emb["size"] == 128 and emb["metric"] == "euclidean" and 0 < emb["same_person_distance"] < 2
    for key in ("source", "license", "trained_on", "architecture", "metrics"):
        assert meta[key]
    assert meta["weights_sha256"] == archive_digest(PT)
    with torch.no_grad():
        out = module(torch.zeros(2, 3, 150, 150))
    assert tuple(out.shape) == (2, 128)


def test_similarity_transform_recovers_a_similarity():
    rng = np.random.default_rng(3)
    src = rng.uniform(0, 300, (5, 2))
    ang, scale, t = 0.3, 0.7, np.array([12.0, -40.0])
    r = scale * np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    m = face_chip.similarity_transform(src, src @ r.T + t)
    assert np.allclose(m[:, :2], r) and np.allclose(m[:, 2], t)
    # a mirrored target is fitted without reflection (det > 0)
    m2 = face_chip.similarity_transform(src, src * [-1, 1])
    assert np.linalg.det(m2[:, :2]) >= 0
    tm = face_chip.template(0.25)
    assert np.allclose(tm, (face_chip.DLIB_MEAN_FACE_5 + 0.25) / 1.5)


def test_reference_chip_alignment(embedder):
    _, meta = embedder
    ref = json.loads(REF.read_text())
    frame = cv2.imread(str(REF.parent / ref["frame"]), cv2.IMREAD_COLOR)
    entry = next(c for c in ref["chips"] if c["name"] == "frame")
    want = cv2.cvtColor(cv2.imread(str(REF.parent / entry["chip"]), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    got = face_chip.face_chip(frame, np.asarray(entry["landmarks"]), meta["align"]["landmarks"])
    assert got.shape == (150, 150, 3)
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 1


def test_reference_descriptors_match_faceapi(embedder):
    import torch
    module, meta = embedder
    ref = json.loads(REF.read_text())
    assert len(ref["chips"]) >= 4
    chips = np.stack([cv2.cvtColor(cv2.imread(str(REF.parent / c["chip"]), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
                      for c in ref["chips"]])
    want = np.asarray([c["descriptor"] for c in ref["chips"]], np.float64)
    x = torch.from_numpy(face_chip.normalise(chips, meta["input"]["mean"], meta["input"]["std"]))
    with torch.no_grad():
        got = module(x).numpy().astype(np.float64)
    cos = (got * want).sum(1) / np.linalg.norm(got, axis=1) / np.linalg.norm(want, axis=1)
    assert cos.min() >= 0.999, cos
    assert np.abs(got - want).max() <= 1e-4
    # variants of one face stay the same person at the model's threshold
    d = np.linalg.norm(got[:, None] - got[None], axis=-1)
    assert d.max() < meta["embedding"]["same_person_distance"]
