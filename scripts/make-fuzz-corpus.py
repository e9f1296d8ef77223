#!/usr/bin/python3
"""Seed corpora for the libFuzzer harnesses in tests/fuzz, generated (nothing is committed).

  /usr/bin/python3 scripts/make-fuzz-corpus.py build/fuzz/seeds

model_spec: the shipped models' emoscope.json and broken variants of it; image_decode: small
images in every format the app reads, plus truncated and re-headed ones; outputs: label sets
(NUL-separated: model name, source name, labels) with commas, quotes, newlines and non-UTF-8.
"""
import json
import sys
import zipfile
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build/fuzz/seeds")
    for name in ("model_spec", "image_decode", "outputs"):
        (out / name).mkdir(parents=True, exist_ok=True)

    specs = []
    for model in sorted((REPO / "models").glob("*.pt")):
        with zipfile.ZipFile(model) as z:
            specs.append(json.loads(z.read(next(n for n in z.namelist() if n.endswith("extra/emoscope.json")))))
    for i, spec in enumerate(specs):
        (out / "model_spec" / f"shipped{i}.json").write_text(json.dumps(spec))
        # Each kind's required fields (MODEL_SPEC.md): emotion models, or the face embedder's.
        required = (("kind", "name", "version", "input", "align", "embedding") if spec.get("kind") == "face-embedder"
                    else ("name", "version", "labels", "input", "crop"))
        small = {k: spec[k] for k in required}
        (out / "model_spec" / f"minimal{i}.json").write_text(json.dumps(small))
        for key in required[-3:]:
            broken = dict(small)
            broken.pop(key)
            (out / "model_spec" / f"without_{key}{i}.json").write_text(json.dumps(broken))
    (out / "model_spec" / "types.json").write_text(
        '{"name": 1, "version": 2, "labels": [1, "a", "a"], "input": {"channels": "3"}, "crop": []}')

    rng = np.random.default_rng(7)
    image = rng.integers(0, 255, (24, 32, 3), np.uint8)
    for ext in (".jpg", ".png", ".bmp", ".tif", ".webp", ".ppm"):
        data = cv2.imencode(ext, image)[1].tobytes()
        (out / "image_decode" / f"colour{ext}").write_bytes(data)
        (out / "image_decode" / f"truncated{ext}").write_bytes(data[:len(data) * 2 // 3])
    for ext in (".jpg", ".png", ".pgm"):
        (out / "image_decode" / f"grey{ext}").write_bytes(cv2.imencode(ext, image[:, :, 0])[1].tobytes())
    (out / "image_decode" / "deep16.png").write_bytes(cv2.imencode(".png", image.astype(np.uint16) * 257)[1].tobytes())
    (out / "image_decode" / "progressive.jpg").write_bytes(
        cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])[1].tobytes())

    label_sets = [[b"happy", b"sad"], [b"happy", b"neutral", b"sad"],
                  [b"a,b", b'quote"d', b"new\nline", b"cr\rlf", b"\xff\xfe not utf-8", b""],
                  [b"angry", b"disgust", b"fear", b"happy", b"neutral", b"sad", b"surprise", b"contempt"]]
    for i, labels in enumerate(label_sets):
        (out / "outputs" / f"labels{i}").write_bytes(b"\0".join([b"model 1.0", b"/tmp/x \xe9.mp4", *labels]))
    print(f"seed corpora in {out}: " + ", ".join(f"{d.name} {len(list(d.iterdir()))}" for d in sorted(out.iterdir())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
