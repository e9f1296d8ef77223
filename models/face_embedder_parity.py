#!/usr/bin/python3
"""Parity of models/face_embedder.pt with face-api's own JavaScript (face_embedder.md).

  /usr/bin/python3 models/face_embedder_parity.py --package /tmp/faceapi/package
  /usr/bin/python3 models/face_embedder_parity.py --package /tmp/faceapi/package --write-reference

--package: the unpacked npm package @vladmandic/face-api@1.7.15 with @tensorflow/tfjs and
@tensorflow/tfjs-backend-wasm 4.22.0 installed where node finds them from it (see
face_embedder_parity.mjs). The Yale faces ($EMOSCOPE_SHARED_DIR/datasets/yalefaces) that
YuNet finds are aligned with the model's own template (emoscope_model.face_chip), embedded by
face-api in node (face_embedder_parity.mjs) and by the TorchScript model; prints per-face
cosine and distance errors and whether the same/different-person decision at the model's
same_person_distance is identical on every pair.

--write-reference writes models/reference/face_embedder.json and
models/reference/face_embedder_chips/*.png for the tests: chips made from the public-domain
astronaut photo of Debian's python3-skimage (Eileen Collins, NASA) and variants of it, with
face-api's descriptors.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from emoscope_model import face_chip  # noqa: E402

ASTRONAUT = Path("/usr/lib/python3/dist-packages/skimage/data/astronaut.png")
REF_DIR = HERE / "reference"
CHIP_DIR = REF_DIR / "face_embedder_chips"


def faceapi_descriptors(package: str, chips_rgb: np.ndarray, backend: str = "cpu") -> tuple[np.ndarray, dict]:
    with tempfile.TemporaryDirectory() as td:
        raw = Path(td) / "chips.u8"
        np.ascontiguousarray(chips_rgb, np.uint8).tofile(raw)
        res = subprocess.run(["node", str(HERE / "face_embedder_parity.mjs"), "--package", package,
                              "--chips", str(raw), "--backend", backend],
                             capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"error: node failed ({res.returncode}):\n{res.stderr[-3000:]}")
    out = json.loads(res.stdout)
    return np.asarray(out.pop("descriptors"), np.float64), out


def torch_descriptors(model, chips_rgb, meta) -> np.ndarray:
    import torch
    x = torch.from_numpy(face_chip.normalise(chips_rgb, meta["input"]["mean"], meta["input"]["std"]))
    with torch.no_grad():
        return np.concatenate([model(x[i:i + 16]).numpy() for i in range(0, len(x), 16)]).astype(np.float64)


def compare(a: np.ndarray, b: np.ndarray) -> dict:
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    return {"faces": int(len(a)), "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean()),
            "max_abs_diff": float(np.abs(a - b).max()),
            "max_rel_l2": float((np.linalg.norm(a - b, axis=1) / np.linalg.norm(b, axis=1)).max())}


def astronaut_frames():
    """-> [(name, description, BGR frame)]: a 200x240 crop of the astronaut photo around her face
    and variants of it (flip, darker, rotated, half size)."""
    import cv2
    img = cv2.imread(str(ASTRONAUT), cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f"error: cannot read {ASTRONAUT} (Debian package python3-skimage)")
    frame = np.ascontiguousarray(img[0:240, 122:322])
    h, w = frame.shape[:2]
    rot = cv2.warpAffine(frame, cv2.getRotationMatrix2D((w / 2, h / 2), 12, 1.0), (w, h),
                         flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    dark = np.clip(frame.astype(np.float32) * 0.6 + 10, 0, 255).astype(np.uint8)
    small = cv2.resize(frame, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    return [("frame", "astronaut.png rows 0-239, columns 122-321 (the frame itself)", frame),
            ("flip", "frame flipped left-right", cv2.flip(frame, 1)),
            ("dark", "frame * 0.6 + 10", dark),
            ("rot12", "frame rotated 12 degrees counter-clockwise about its centre (replicated border)", rot),
            ("half", "frame resized to 100x120 (INTER_AREA)", small)]


def astronaut_chips(meta, chip_dir: Path, frame_source: bool = False):
    """-> (entries, chips): the astronaut variants' chips on the model's template and size, each
    written as chip_dir/NAME.png (and the frame itself as frame_source.png when asked), with the
    reference's entries (name, variant, chip path relative to REF_DIR, YuNet's landmarks)."""
    import cv2
    det = face_chip.yunet(str(HERE.parent / "resources" / "detectors" / "face_detection_yunet_2022mar.onnx"))
    tmpl = np.asarray(meta["align"]["landmarks"], np.float64)
    size = int(meta["input"]["height"])
    chip_dir.mkdir(parents=True, exist_ok=True)
    entries, chips = [], []
    for name, desc, frame in astronaut_frames():
        faces = face_chip.detect(det, frame)
        if len(faces) == 0:
            raise SystemExit(f"error: YuNet finds no face in variant {name}")
        lm = faces[0, 4:14].reshape(5, 2).astype(np.float64)
        chip = face_chip.face_chip(frame, lm, tmpl, size)
        chips.append(chip)
        cv2.imwrite(str(chip_dir / f"{name}.png"), cv2.cvtColor(chip, cv2.COLOR_RGB2BGR),
                    [cv2.IMWRITE_PNG_COMPRESSION, 9])
        entries.append({"name": name, "variant": desc, "chip": f"{chip_dir.name}/{name}.png",
                        "landmarks": [[float(x), float(y)] for x, y in lm]})
        if frame_source and name == "frame":
            cv2.imwrite(str(chip_dir / "frame_source.png"), frame, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return entries, np.stack(chips)


def save_reference(file: str, ref: dict, who: str) -> None:
    """Writes REF_DIR/file and says what it holds."""
    (REF_DIR / file).write_text(json.dumps(ref, indent=1) + "\n")
    dist = np.asarray(ref[f"{who}_distances"])
    print(f"wrote {REF_DIR / file} ({len(ref['chips'])} chips): {ref[f'torch_vs_{who}']}")
    print(f"{who} distances:\n", np.round(dist, 3))


def write_reference(args, model, meta) -> None:
    entries, chips = astronaut_chips(meta, CHIP_DIR, frame_source=True)
    fa, info = faceapi_descriptors(args.package, chips, args.backend)
    tv = torch_descriptors(model, chips, meta)
    for e, d in zip(entries, fa):
        e["descriptor"] = [float(np.float32(v)) for v in d]
    dist = np.sqrt(((fa[:, None] - fa[None]) ** 2).sum(-1))
    save_reference("face_embedder.json", {
        "model": "face_embedder.pt",
        "source": ("skimage's astronaut.png (Eileen Collins, NASA; public domain), as shipped by Debian's "
                   "python3-skimage; variants made by models/face_embedder_parity.py --write-reference"),
        "frame": "face_embedder_chips/frame_source.png",
        "frame_note": ("the 'frame' variant's BGR frame; its chip = face_chip(frame, landmarks, align.landmarks): "
                       "similarity transform + warpAffine INTER_LINEAR BORDER_REPLICATE + BGR2RGB"),
        "chip_format": "150x150 PNG, RGB pixels (cv::imread returns BGR: convert BGR2RGB before normalising)",
        "descriptor_source": {**info, "package": "@vladmandic/face-api", "call": "faceRecognitionNet.computeFaceDescriptor"},
        "torch_vs_faceapi": compare(tv, fa),
        "faceapi_distances": [[round(float(v), 5) for v in row] for row in dist],
        "chips": entries,
    }, "faceapi")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", default="/tmp/faceapi/package")
    ap.add_argument("--model", default=str(HERE / "face_embedder.pt"))
    ap.add_argument("--backend", default="cpu", help="tfjs backend in node: cpu (pure JS) or wasm")
    ap.add_argument("--max-faces", type=int, default=0, help="use only the first N Yale faces (0 = all)")
    ap.add_argument("--write-reference", action="store_true")
    ap.add_argument("--json", help="write the numbers here")
    args = ap.parse_args(argv)
    import torch
    import export
    from measure_face_chip import pair_scores, yale_faces
    torch.set_num_threads(2)
    model, meta = export.load_model(args.model)
    if args.write_reference:
        write_reference(args, model, meta)
        return 0
    tmpl = np.asarray(meta["align"]["landmarks"], np.float64)
    t_same = float(meta["embedding"]["same_person_distance"])
    faces, n_files = yale_faces()
    if args.max_faces:
        faces = faces[:args.max_faces]
    chips = np.stack([face_chip.face_chip(f["frame"], f["landmarks"], tmpl) for f in faces])
    persons = [f["person"] for f in faces]
    t0 = time.time()
    fa, info = faceapi_descriptors(args.package, chips, args.backend)
    t_node = time.time() - t0
    tv = torch_descriptors(model, chips, meta)
    cmp = compare(tv, fa)
    cos = (tv * fa).sum(1) / np.linalg.norm(tv, axis=1) / np.linalg.norm(fa, axis=1)
    d_t, same = pair_scores(tv, persons)
    d_f, _ = pair_scores(fa, persons)
    dec_same = int(((d_t <= t_same) == (d_f <= t_same)).sum())
    d06 = int(((d_t <= 0.6) == (d_f <= 0.6)).sum())
    res = {**cmp, "people": len(set(persons)), "pairs": int(len(d_t)),
           "decisions_identical_at_T": dec_same, "T": t_same, "decisions_identical_at_0.6": d06,
           "max_pair_distance_diff": float(np.abs(d_t - d_f).max()),
           "closest_pair_to_T": float(np.abs(d_f - t_same).min()),
           "faceapi": info, "node_seconds": round(t_node, 1)}
    print(f"{len(faces)} Yale faces ({res['people']} people), face-api {info['faceapi']} on tfjs "
          f"{info['tfjs']} backend {info['backend']} ({t_node:.0f} s in node)")
    for f, c in zip(faces, cos):
        print(f"  {f['file']:<24} cosine {c:.7f}")
    print(f"cosine min {cmp['cosine_min']:.7f} mean {cmp['cosine_mean']:.7f}; max |diff| {cmp['max_abs_diff']:.2e}, "
          f"max relative L2 error {cmp['max_rel_l2']:.2e}")
    print(f"pairs: {res['pairs']}, same/different decisions identical at T={t_same}: {dec_same}/{res['pairs']} "
          f"(at 0.6: {d06}/{res['pairs']}); max pair-distance difference {res['max_pair_distance_diff']:.2e}, "
          f"nearest face-api pair distance to T: {res['closest_pair_to_T']:.2e}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    ok = cmp["cosine_min"] >= 0.999 and dec_same == res["pairs"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
