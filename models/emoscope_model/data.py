"""Data sets: FER2013 (with optional FER+ votes and duplicate removal) and any
class-per-folder image tree, loaded once into memory as uint8 arrays, plus
augmentation done with cv2 on the fly.

Class specs: a list of output labels, each ``label`` or ``label=src1+src2``
(merge source folders into one output class), e.g. ``["happy", "sad"]`` or
``["positive=happy+surprise", "negative=sad+angry"]``.
"""
from __future__ import annotations

import csv
import hashlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from .preprocess import face_to_array

FER_CLASSES = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
FER_SPLITS = {"train": "train", "val": "validation", "validation": "validation", "test": "test"}
# FER+ vote columns -> FER2013 class names (contempt, unknown, not-a-face have no FER class)
FERPLUS_COLUMNS = {"ferplus_neutral": "neutral", "ferplus_happiness": "happy",
                   "ferplus_surprise": "surprise", "ferplus_sadness": "sad",
                   "ferplus_anger": "angry", "ferplus_disgust": "disgust", "ferplus_fear": "fear"}
# all ten FER+ columns, in the file's order, with the names a FER+ label gets
FERPLUS_ALL_COLUMNS = {**FERPLUS_COLUMNS, "ferplus_contempt": "contempt",
                       "ferplus_unknown": "unknown", "ferplus_nf": "not_a_face"}
FERPLUS_CLASSES = [FERPLUS_ALL_COLUMNS[c] for c in (
    "ferplus_neutral", "ferplus_happiness", "ferplus_surprise", "ferplus_sadness", "ferplus_anger",
    "ferplus_disgust", "ferplus_fear", "ferplus_contempt")]
# a FER+ majority of these means the image carries no emotion label: it is left out
FERPLUS_NO_LABEL = ("unknown", "not_a_face")
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".bmp", ".pgm", ".ppm", ".tif", ".tiff", ".webp"}


class DataError(RuntimeError):
    """A data folder is missing, empty, or does not hold the requested classes."""


def shared_dir() -> Path:
    env = os.environ.get("EMOSCOPE_SHARED_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared"


def fer_dir() -> Path:
    return shared_dir() / "datasets" / "fer2013"


def parse_classes(specs: list[str] | str) -> tuple[list[str], dict[str, int]]:
    """-> (output labels, {source folder name: output index})."""
    if isinstance(specs, str):
        specs = [s for s in specs.replace(" ", "").split(",") if s]
    labels: list[str] = []
    mapping: dict[str, int] = {}
    for spec in specs:
        if "=" in spec:
            label, srcs = spec.split("=", 1)
            sources = [s for s in srcs.split("+") if s]
        else:
            label, sources = spec, [spec]
        if not label or not sources:
            raise DataError(f"bad class spec {spec!r}")
        if label in labels:
            raise DataError(f"class {label!r} given twice")
        labels.append(label)
        for s in sources:
            if s in mapping:
                raise DataError(f"source class {s!r} mapped twice")
            mapping[s] = len(labels) - 1
    if not labels:
        raise DataError("no classes given")
    return labels, mapping


@dataclass
class Dataset:
    images: np.ndarray                 # (N, H, W) or (N, H, W, 3) uint8
    labels: np.ndarray                 # (N,) int64 hard labels
    classes: list[str]
    paths: list[str] = field(default_factory=list)
    soft: np.ndarray | None = None     # (N, K) float32 target distributions, optional

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self) -> list[int]:
        return np.bincount(self.labels, minlength=len(self.classes)).tolist()


def _list_images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXT)


def _check_class_folders(split_dir: Path, mapping: dict[str, int]) -> None:
    if not split_dir.is_dir():
        raise DataError(f"data folder {split_dir} does not exist")
    present = sorted(p.name for p in split_dir.iterdir() if p.is_dir())
    if not present:
        raise DataError(f"data folder {split_dir} is empty (expected one sub-folder per class)")
    unknown = [c for c in mapping if c not in present]
    if unknown:
        raise DataError(f"unknown class(es) {unknown} in {split_dir}; available: {present}")


def _read_images(files: list[Path], size: tuple[int, int] | None, channels: int) -> np.ndarray:
    """Reads images; resizes (whole-image preprocessing, steps 3-4) when size is given."""
    meta = None
    if size is not None:
        meta = {"input": {"channels": channels, "height": size[0], "width": size[1]}}
    out = []
    flag = cv2.IMREAD_GRAYSCALE if channels == 1 else cv2.IMREAD_COLOR
    for f in files:
        img = cv2.imread(str(f), flag)
        if img is None:
            raise DataError(f"cannot read image {f}")
        if meta is not None:
            img = face_to_array(img, meta)
        elif channels == 3:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        out.append(img)
    shapes = {a.shape for a in out}
    if len(shapes) > 1:
        raise DataError(f"images have different sizes {sorted(shapes)[:3]}...; pass a size")
    return np.stack(out, 0)


def load_folder(split_dir: str | Path, classes: list[str] | str, size: tuple[int, int] | None = None,
                channels: int = 1, exclude: set[str] | None = None, rel_to: Path | None = None) -> Dataset:
    """Class-per-folder tree: ``split_dir/<class>/*.jpg``."""
    split_dir = Path(split_dir)
    labels, mapping = parse_classes(classes)
    _check_class_folders(split_dir, mapping)
    files, ys = [], []
    for src, idx in mapping.items():
        imgs = _list_images(split_dir / src)
        if not imgs:
            raise DataError(f"class folder {split_dir / src} holds no images")
        for p in imgs:
            rel = str(p.relative_to(rel_to)) if rel_to else str(p)
            if exclude and rel in exclude:
                continue
            files.append(p)
            ys.append(idx)
    if not files:
        raise DataError(f"no images left in {split_dir}")
    images = _read_images(files, size, channels)
    paths = [str(p.relative_to(rel_to)) if rel_to else str(p) for p in files]
    return Dataset(images, np.asarray(ys, np.int64), labels, paths)


def fer_train_duplicates(root: Path, also_near_blank: bool = True) -> set[str]:
    """Train paths that are byte-identical to a validation/test image (and near-blank ones)."""
    drop: set[str] = set()
    tsv = root / "fer2013_duplicates_md5.tsv"
    if tsv.is_file():
        with open(tsv, newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                paths = row["paths"].split()
                if any(not p.startswith("train/") for p in paths):
                    drop.update(p for p in paths if p.startswith("train/"))
    nb = root / "fer2013_near_blank.txt"
    if also_near_blank and nb.is_file():
        drop.update(l.strip() for l in nb.read_text().splitlines() if l.strip().startswith("train/"))
    return drop


def ferplus_votes(root: Path) -> dict[str, dict[str, int]]:
    """{relative image path: {FER2013 class: votes}}: the seven FER2013-class columns of
    ``ferplus_all_votes`` (contempt, unknown and not-a-face have no FER2013 class)."""
    fer = set(FERPLUS_COLUMNS.values())
    return {p: {c: n for c, n in v.items() if c in fer}
            for p, v in ferplus_all_votes(root / "ferplus_votes.csv").items()}


def ferplus_majority(votes: dict[str, int]) -> str | None:
    """The FER+ label of one image from its ten crowd votes ({class: count}, as in
    ``ferplus_all_votes``): the class with strictly the most votes. None when the image
    has no votes, when the top count is tied, or when the majority is unknown or
    not-a-face (such images have no emotion label)."""
    if not votes or sum(votes.values()) <= 0:
        return None
    top = max(votes.values())
    winners = [c for c, n in votes.items() if n == top]
    if len(winners) != 1 or winners[0] in FERPLUS_NO_LABEL:
        return None
    return winners[0]


def ferplus_all_votes(path: Path) -> dict[str, dict[str, int]]:
    """{relative image path: {class: votes}} over all ten FER+ columns, for images that
    have votes (175 FER2013 images have none)."""
    out: dict[str, dict[str, int]] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            cells = {cls: row.get(col, "") for col, cls in FERPLUS_ALL_COLUMNS.items()}
            if all(v == "" for v in cells.values()):
                continue
            out[row["path"]] = {cls: int(v or 0) for cls, v in cells.items()}
    return out


def load_ferplus(split: str, classes: list[str] | str, root: str | Path | None = None,
                 dedup: bool = True, targets: str = "majority", vote_weight: float = 1.0) -> Dataset:
    """FER2013 images of one split, labelled by their FER+ majority (``ferplus_majority``),
    whatever FER2013 folder they sit in. Only images whose majority is one of ``classes``
    are kept (source names: FER2013 class names plus ``contempt``; merging with ``=``
    works as for folders). Images without votes, with tied votes, or with an unknown or
    not-a-face majority are left out.

    targets: ``majority`` (one-hot) or ``soft``: (1 - vote_weight) * one-hot(majority) +
    vote_weight * the vote distribution over the kept classes (votes for other classes
    are dropped before normalising)."""
    root = Path(root) if root else fer_dir()
    if split not in FER_SPLITS:
        raise DataError(f"unknown split {split!r}; use train, val or test")
    labels, mapping = parse_classes(classes)
    unknown = [c for c in mapping if c not in FERPLUS_CLASSES]
    if unknown:
        raise DataError(f"unknown class(es) {unknown} for FER+; available: {FERPLUS_CLASSES}")
    if targets not in ("majority", "soft"):
        raise DataError(f"FER+ targets must be majority or soft, not {targets!r}")
    votes_file = root / "ferplus_votes.csv"
    if not votes_file.is_file():
        raise DataError(f"FER+ votes file {votes_file} does not exist (set EMOSCOPE_SHARED_DIR)")
    folder = FER_SPLITS[split]
    exclude = fer_train_duplicates(root) if (dedup and split == "train") else set()
    files, ys, dists = [], [], []
    for rel, v in sorted(ferplus_all_votes(votes_file).items()):
        if not rel.startswith(folder + "/") or rel in exclude:
            continue
        major = ferplus_majority(v)
        if major not in mapping:
            continue
        dist = np.zeros(len(labels), np.float32)
        for cls, n in v.items():
            if cls in mapping:
                dist[mapping[cls]] += n
        files.append(root / rel)
        ys.append(mapping[major])
        dists.append(dist / dist.sum())
    if not files:
        raise DataError(f"no {split} image has a FER+ majority in {labels}")
    y = np.array(ys, np.int64)
    soft = np.eye(len(labels), dtype=np.float32)[y]
    if targets == "soft":
        soft = (1 - vote_weight) * soft + vote_weight * np.stack(dists)
    return Dataset(_read_images(files, None, 1), y, labels,
                   [str(f.relative_to(root)) for f in files], soft)


def load_fer2013(split: str, classes: list[str] | str, root: str | Path | None = None,
                 dedup: bool = True, ferplus: str = "none", ferplus_weight: float = 0.5) -> Dataset:
    """FER2013 split (train | val | test). ``ferplus``: none | soft | majority.

    soft: target = (1-w) * one-hot(FER2013 label) + w * FER+ vote distribution over
    the selected classes (w = ferplus_weight); majority: the FER+ majority class
    among the selected classes replaces the label when it has a strict majority.
    Images without FER+ votes on the selected classes keep their label.
    """
    root = Path(root) if root else fer_dir()
    if split not in FER_SPLITS:
        raise DataError(f"unknown split {split!r}; use train, val or test")
    unknown = [c for c in parse_classes(classes)[1] if c not in FER_CLASSES]
    if unknown:   # before looking for the data, so a typo is named even where FER2013 is missing
        raise DataError(f"unknown class(es) {unknown} for FER2013; available: {FER_CLASSES}")
    if not root.is_dir():
        raise DataError(f"FER2013 folder {root} does not exist (set EMOSCOPE_SHARED_DIR)")
    exclude = fer_train_duplicates(root) if (dedup and split == "train") else None
    ds = load_folder(root / FER_SPLITS[split], classes, exclude=exclude, rel_to=root)
    if ferplus != "none":
        labels, mapping = parse_classes(classes)
        votes = ferplus_votes(root)
        K = len(labels)
        soft = np.zeros((len(ds), K), np.float32)
        soft[np.arange(len(ds)), ds.labels] = 1.0
        for i, p in enumerate(ds.paths):
            v = votes.get(p)
            if not v:
                continue
            dist = np.zeros(K, np.float32)
            for cls, n in v.items():
                if cls in mapping:
                    dist[mapping[cls]] += n
            if dist.sum() <= 0:
                continue
            if ferplus == "soft":
                soft[i] = (1 - ferplus_weight) * soft[i] + ferplus_weight * dist / dist.sum()
            elif ferplus == "majority":
                top = int(dist.argmax())
                if (dist == dist[top]).sum() == 1:
                    ds.labels[i] = top
                    soft[i] = 0
                    soft[i, top] = 1
            else:
                raise DataError(f"ferplus must be none, soft or majority, not {ferplus!r}")
        ds.soft = soft
    return ds


def is_fer_data(data: str | None) -> bool:
    """True for the built-in FER2013 sources (original or FER+ labels), False for a folder."""
    return data in (None, "", "fer2013", "ferplus")


def load_any(data: str | None, split: str, classes, size=None, channels: int = 1,
             ferplus: str = "none", ferplus_weight: float = 0.5, val_fraction: float = 0.1,
             seed: int = 0) -> Dataset:
    """``data`` None or 'fer2013' -> FER2013; 'ferplus' -> FER2013 images with FER+ majority
    labels (``ferplus`` soft -> vote-distribution targets, see ``load_ferplus``); else a folder with train/ (val/ or
    validation/, test/) sub-folders, or directly class folders (then a seeded
    ``val_fraction`` of each class is held out as val)."""
    if data in (None, "", "fer2013"):
        return load_fer2013(split, classes, ferplus=ferplus, ferplus_weight=ferplus_weight)
    if data == "ferplus":   # FER2013's 48x48 grey images, like data="fer2013"
        return load_ferplus(split, classes, targets="soft" if ferplus == "soft" else "majority",
                            vote_weight=ferplus_weight)
    root = Path(data)
    if not root.is_dir():
        raise DataError(f"data folder {root} does not exist")
    if not any(root.iterdir()):
        raise DataError(f"data folder {root} is empty")
    names = {"train": ["train", "training"], "val": ["val", "validation", "valid"],
             "test": ["test"]}[split if split != "validation" else "val"]
    for n in names:
        if (root / n).is_dir():
            return load_folder(root / n, classes, size, channels)
    if (root / "train").is_dir() or split == "test":
        raise DataError(f"{root} has no {split} split folder ({'/'.join(names)})")
    # class folders directly under root: seeded per-class hold-out
    ds = load_folder(root, classes, size, channels)
    rng = np.random.default_rng(seed)
    is_val = np.zeros(len(ds), bool)
    for k in range(len(ds.classes)):
        idx = np.flatnonzero(ds.labels == k)
        rng.shuffle(idx)
        n_val = int(round(len(idx) * val_fraction)) if len(idx) > 1 else 0
        is_val[idx[:n_val]] = True
    keep = is_val if split == "val" else ~is_val
    if not keep.any():
        raise DataError(f"{root}: too few images to hold out a {split} split")
    return Dataset(ds.images[keep], ds.labels[keep], ds.classes,
                   [p for p, k in zip(ds.paths, keep) if k])


# ----------------------------------------------------------------------------- augmentation

@dataclass
class AugmentConfig:
    scale: tuple[float, float] = (0.85, 1.2)   # zoom (>1 = tighter crop), detector framing
    shift: float = 0.08                        # max shift as a fraction of the size
    aspect: float = 0.08                       # max log-aspect jitter (non-square boxes)
    rotate: float = 12.0                       # degrees
    hflip: bool = True
    brightness: float = 0.25                   # additive, fraction of 255
    contrast: float = 0.3                      # multiplicative jitter
    gamma: float = 0.3
    blur_p: float = 0.15
    noise_p: float = 0.15
    erase_p: float = 0.25
    detector_p: float = 0.5                    # probability of a detector-like framing jitter
    detector_sigma: float = 0.08               # its log-zoom standard deviation

    def scaled(self, strength: float) -> "AugmentConfig":
        """Every magnitude and probability times ``strength`` (0 = no change to the image
        except the flip, 1 = this config); the zoom range shrinks in log space."""
        k = max(0.0, float(strength))
        lo, hi = (math.exp(k * math.log(v)) for v in self.scale)
        return AugmentConfig(scale=(lo, hi), shift=self.shift * k, aspect=self.aspect * k,
                             rotate=self.rotate * k, hflip=self.hflip, brightness=self.brightness * k,
                             contrast=self.contrast * k, gamma=self.gamma * k,
                             blur_p=min(1.0, self.blur_p * k), noise_p=min(1.0, self.noise_p * k),
                             erase_p=min(1.0, self.erase_p * k), detector_p=min(1.0, self.detector_p * k),
                             detector_sigma=self.detector_sigma)


def augment_one(img: np.ndarray, out_hw: tuple[int, int], cfg: AugmentConfig,
                rng: np.random.Generator) -> np.ndarray:
    """Random affine (scale/shift/rotate/flip/aspect, replicated border like the app's
    crop), resized to out_hw, then photometric jitter. uint8 in, uint8 out."""
    h, w = img.shape[:2]
    oh, ow = out_hw
    s = math.exp(rng.uniform(math.log(cfg.scale[0]), math.log(cfg.scale[1])))
    if rng.random() < cfg.detector_p:
        # detector-like framing: face box found a bit off-centre / larger / smaller
        s *= math.exp(rng.normal(0, cfg.detector_sigma))
    a = math.exp(rng.uniform(-cfg.aspect, cfg.aspect))
    sx, sy = s * a * ow / w, s / a * oh / h
    ang = math.radians(rng.uniform(-cfg.rotate, cfg.rotate))
    flip = cfg.hflip and rng.random() < 0.5
    tx = rng.uniform(-cfg.shift, cfg.shift) * ow
    ty = rng.uniform(-cfg.shift, cfg.shift) * oh
    c, si = math.cos(ang), math.sin(ang)
    fx = -1.0 if flip else 1.0
    # out = R * S * F * (in - centre_in) + centre_out + t
    A = np.array([[c * sx * fx, -si * sy], [si * sx * fx, c * sy]], np.float64)
    cin = np.array([(w - 1) / 2.0, (h - 1) / 2.0])
    cout = np.array([(ow - 1) / 2.0 + tx, (oh - 1) / 2.0 + ty])
    M = np.hstack([A, (cout - A @ cin)[:, None]])
    interp = cv2.INTER_AREA if s * min(ow / w, oh / h) < 0.8 else cv2.INTER_LINEAR
    out = cv2.warpAffine(img, M, (ow, oh), flags=interp, borderMode=cv2.BORDER_REPLICATE)
    x = out.astype(np.float32)
    if cfg.gamma:
        g = math.exp(rng.uniform(-cfg.gamma, cfg.gamma))
        x = 255.0 * np.power(x / 255.0, g)
    m = x.mean()
    x = (x - m) * math.exp(rng.uniform(-cfg.contrast, cfg.contrast)) + m
    x = x + rng.uniform(-cfg.brightness, cfg.brightness) * 255.0
    if rng.random() < cfg.blur_p:
        x = cv2.GaussianBlur(x, (3, 3), rng.uniform(0.3, 1.0))
    if rng.random() < cfg.noise_p:
        x = x + rng.normal(0, rng.uniform(2, 8), x.shape).astype(np.float32)
    if rng.random() < cfg.erase_p:
        eh = int(rng.uniform(0.1, 0.35) * oh)
        ew = int(rng.uniform(0.1, 0.35) * ow)
        y0 = int(rng.integers(0, oh - eh + 1))
        x0 = int(rng.integers(0, ow - ew + 1))
        x[y0:y0 + eh, x0:x0 + ew] = rng.uniform(0, 255)
    return np.clip(x + 0.5, 0, 255).astype(np.uint8)


def plain_resize(img: np.ndarray, out_hw: tuple[int, int]) -> np.ndarray:
    meta = {"input": {"channels": 1 if img.ndim == 2 else 3, "height": out_hw[0], "width": out_hw[1]}}
    return face_to_array(img, meta)


def to_tensor_batch(imgs: list[np.ndarray], mean, std) -> np.ndarray:
    x = np.stack(imgs, 0).astype(np.float32) / np.float32(255.0)
    if x.ndim == 3:
        x = x[:, None]
    else:
        x = np.transpose(x, (0, 3, 1, 2))
    m = np.asarray(mean, np.float32).reshape(1, -1, 1, 1)
    s = np.asarray(std, np.float32).reshape(1, -1, 1, 1)
    return np.ascontiguousarray((x - m) / s)


def balanced_weights(labels: np.ndarray, k: int) -> np.ndarray:
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    w = 1.0 / np.maximum(counts[labels], 1)
    return w / w.sum()


def md5_file(path: str | Path) -> str:
    return hashlib.md5(Path(path).read_bytes()).hexdigest()
