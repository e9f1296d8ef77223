"""Face sets for the identity benchmark: every Georgia Tech and Yale photo in which the app's
YuNet finds a face, with its five landmarks, the person, and the person's group (a visual
estimate, models/identity/groups.json). Descriptors are cached per embedder under
models/runs/identity/ (never committed: they are biometric data derived from ../shared)."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent
REPO = MODELS.parent
sys.path.insert(0, str(MODELS))

from emoscope_model import face_chip  # noqa: E402

YUNET = REPO / "resources" / "detectors" / "face_detection_yunet_2022mar.onnx"
CACHE = MODELS / "runs" / "identity"
GROUPS_FILE = HERE / "groups.json"


def shared_dir() -> Path:
    env = os.environ.get("EMOSCOPE_SHARED_DIR")
    return Path(env) if env else REPO.parent / "shared"


def groups() -> dict:
    """{"gt": {"s01": "white", ...}, "names": {...}} from groups.json."""
    return json.loads(GROUPS_FILE.read_text())


def _read(path: Path) -> np.ndarray:
    import cv2
    if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
        img = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if img is None:
            raise OSError(f"cannot decode {path}")
        return img
    from PIL import Image  # Yale's GIFs
    with Image.open(path) as im:
        im.seek(0)
        grey = np.array(im.convert("L"))
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def list_photos(shared: Path | None = None):
    """-> [(dataset, person, photo, path)] for Georgia Tech and Yale."""
    shared = Path(shared or shared_dir())
    out = []
    gt = shared / "datasets" / "georgia_tech"
    for d in sorted(p for p in gt.glob("s[0-9][0-9]") if p.is_dir()):
        for f in sorted(d.glob("*.jpg")):
            out.append(("gt", d.name, f.stem, f))
    yale = shared / "datasets" / "yalefaces"
    for f in sorted(p for p in yale.glob("subject*") if p.is_file() and "." in p.name):
        person, cond = f.name.split(".", 1)
        out.append(("yale", person, cond, f))
    if not out:
        raise SystemExit(f"error: no Georgia Tech or Yale photos under {shared}/datasets")
    return out


def detect_faces(shared: Path | None = None, score: float = 0.8):
    """-> list of dicts {dataset, person, photo, path, landmarks (5x2), box, score} (best face per
    photo) and the number of photos read. Cached (landmarks only) in models/runs/identity/."""
    photos = list_photos(shared)
    key = hashlib.sha1(("|".join(str(p[3]) for p in photos) + f"|{score}").encode()).hexdigest()[:12]
    cache = CACHE / f"faces_{key}.json"
    if cache.exists():
        faces = json.loads(cache.read_text())
        for f in faces:
            f["landmarks"] = np.asarray(f["landmarks"], np.float64)
            f["path"] = Path(f["path"])
        return faces, len(photos)
    det = face_chip.yunet(str(YUNET), score)
    faces = []
    for dataset, person, photo, path in photos:
        found = face_chip.detect(det, _read(path))
        if len(found) == 0:
            continue
        row = found[0]
        faces.append({"dataset": dataset, "person": f"{dataset}:{person}", "photo": photo, "path": path,
                      "box": [float(v) for v in row[:4]], "score": float(row[14]),
                      "landmarks": row[4:14].reshape(5, 2).astype(np.float64)})
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([{**f, "path": str(f["path"]), "landmarks": f["landmarks"].tolist()}
                                 for f in faces]))
    return faces, len(photos)


def chips(faces, template_frac, size: int) -> np.ndarray:
    """-> N x size x size x 3 uint8 RGB chips, aligned as the app aligns them."""
    return np.stack([face_chip.face_chip(_read(f["path"]), f["landmarks"], template_frac, size) for f in faces])


def embedder_meta(model_path: Path | None = None) -> dict:
    """The emoscope.json of an Emoscope face-embedder file (default: the shipped one)."""
    import zipfile
    with zipfile.ZipFile(model_path or MODELS / "face_embedder.pt") as z:
        name = next(n for n in z.namelist() if n.endswith("extra/emoscope.json"))
        return json.loads(z.read(name))


def embed_model(faces, model_path: Path | None = None, threads: int = 2) -> np.ndarray:
    """Descriptors of `faces` from an Emoscope face-embedder file (default: the shipped one), cached."""
    import torch
    sys.path.insert(0, str(MODELS))
    import export
    model_path = Path(model_path or MODELS / "face_embedder.pt")
    digest = hashlib.sha1(model_path.read_bytes()).hexdigest()[:12]
    names = "|".join(f"{f['person']}/{f['photo']}" for f in faces)
    key = hashlib.sha1((digest + names).encode()).hexdigest()[:12]
    cache = CACHE / f"desc_{model_path.stem}_{key}.npy"
    if cache.exists():
        return np.load(cache)
    torch.set_num_threads(threads)
    model, meta = export.load_model(model_path)
    size = int(meta["input"]["height"])
    tmpl = np.asarray(meta["align"]["landmarks"], np.float64)
    out = []
    with torch.no_grad():
        for i in range(0, len(faces), 32):
            c = chips(faces[i:i + 32], tmpl, size)
            x = torch.from_numpy(face_chip.normalise(c, meta["input"]["mean"], meta["input"]["std"]))
            out.append(model(x).numpy())
    desc = np.concatenate(out).astype(np.float64)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(cache, desc)
    return desc
