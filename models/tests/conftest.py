import os
import sys
from pathlib import Path

MODELS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(MODELS))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


def make_image(kind: str, rng: np.random.Generator, size: int = 48) -> np.ndarray:
    """Synthetic grey 'face': class a = bright disc, class b = dark bar, plus noise."""
    import cv2
    img = np.full((size, size), int(rng.integers(60, 120)), np.uint8)
    c = (int(rng.integers(18, 30)), int(rng.integers(18, 30)))
    if kind == "a":
        cv2.circle(img, c, int(rng.integers(8, 14)), 230, -1)
    else:
        cv2.rectangle(img, (c[0] - 12, c[1] - 4), (c[0] + 12, c[1] + 4), 10, -1)
    noise = rng.normal(0, 8, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def write_dataset(root: Path, counts=None, classes=("a", "b"), seed=0, size=48, splits=True):
    import cv2
    rng = np.random.default_rng(seed)
    counts = counts or {"train": 48, "val": 12, "test": 12}
    for split, n in counts.items():
        for cls in classes:
            d = root / split / cls if splits else root / cls
            d.mkdir(parents=True, exist_ok=True)
            for i in range(n):
                cv2.imwrite(str(d / f"{cls}_{i:03d}.png"), make_image(cls, rng, size))
    return root


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory):
    return write_dataset(tmp_path_factory.mktemp("tiny") / "data")


@pytest.fixture(scope="session")
def trained_run(tiny_data, tmp_path_factory):
    import train
    out = tmp_path_factory.mktemp("run")
    rc = train.main(["--data", str(tiny_data), "--classes", "a,b", "--epochs", "2", "--stop-after", "1", "--out", str(out),
                     "--width", "8,8,16,16,16", "--fc", "16", "--batch-size", "16", "--log-every", "1",
                     "--threads", "2", "--lr", "0.02"])
    assert rc == 0
    return out
