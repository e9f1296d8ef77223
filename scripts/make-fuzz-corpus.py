#!/usr/bin/python3
"""Seed corpora for the libFuzzer harnesses in tests/fuzz, generated (nothing is committed).

  /usr/bin/python3 scripts/make-fuzz-corpus.py build/fuzz/seeds

model_spec: the shipped models' emoscope.json and broken variants of it; image_decode: small
images in every format the app reads, plus truncated and re-headed ones; outputs: label sets
(NUL-separated: model name, source name, labels) with commas, quotes, newlines and non-UTF-8;
report: a summary JSON and its frames CSV (NUL-separated), whole, cut short and with odd values.
"""
import json
import sys
import zipfile
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]


def report_seeds(out: Path):
    """Summaries and CSVs as emoscope-cli writes them (docs/output-formats.md), small."""
    labels = ["happy", "neutral", "sad"]
    for identities in (True, False):
        people = [{"id": i, "name": "Ada" if i == 2 else None, "tracks": [i],
                   "portrait": {"frame": 3, "time_ms": 120.0, "box": [10, 10, 40, 40]} if i == 1 else None,
                   "frames": 8, "seconds_seen": 0.32, "first_seen_s": 0.0, "last_seen_s": 0.28,
                   "mean_confidence": 0.7, "label_share": {"happy": 0.5, "neutral": 0.25, "sad": 0.25},
                   "dominant_label": "happy"} for i in (1, 2)]
        summary = {"header": {"format": "emoscope-summary", "format_version": 2,
                              "app": {"name": "emoscope", "version": "0.1.0"}, "start_time": "2026-12-01T14:17:53+01:00",
                              "source": {"kind": "video", "name": "clip.mp4", "frame_size": [64, 64], "fps": 25.0,
                                         "frame_count": 8},
                              "model": {"name": "m", "version": "1", "labels": labels, "file": None, "neutral_prior": 1.0},
                              "detector": None, "processing": {"mode": "file"},
                              "identity": {"join_distance": 0.55} if identities else None,
                              "frames": {"read": 8, "processed": 8, "dropped": 0, "skipped": 0, "video": 0}},
                   "frames": 8, "duration_s": 0.32, "faces": people, "people": people if identities else []}
        rows = ["time_ms,time_s,frame,image,success,face_id,person_id,person,x,y,w,h,label,confidence,detected,"
                "classified,face_score,p_happy,p_neutral,p_sad"]
        quoted_name = '"A,da"'  # a name with a comma, quoted as RFC 4180 says
        for k in range(8):
            for i in (1, 2):
                person = i if identities else ""
                name = quoted_name if i == 2 else ""
                rows.append(f"{k * 40:.1f},{k * 0.04:.4f},{k},,1,{i},{person},{name},"
                            f"10,10,40,40,happy,0.6,{int(k % 2 == 0)},1,0.9,0.6,0.3,0.1")
        rows.append("280.0,0.2800,7,,0,,,,,,,,,,1,,,,,")
        csv_text = "\n".join(rows) + "\n"
        tag = "people" if identities else "faces"
        body = json.dumps(summary).encode()
        (out / f"{tag}").write_bytes(body + b"\0" + csv_text.encode())
        (out / f"{tag}_cut_csv").write_bytes(body + b"\0" + csv_text.encode()[: len(csv_text) // 2])
        (out / f"{tag}_cut_summary").write_bytes(body[: len(body) // 2] + b"\0" + csv_text.encode())
    images = json.loads((out / "people").read_bytes().split(b"\0")[0])
    images["header"]["source"]["kind"] = "images"
    images["duration_s"] = None
    (out / "images").write_bytes(json.dumps(images).encode() + b"\0" + (out / "people").read_bytes().split(b"\0")[1])


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build/fuzz/seeds")
    for name in ("model_spec", "image_decode", "outputs", "report"):
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
    report_seeds(out / "report")
    print(f"seed corpora in {out}: " + ", ".join(f"{d.name} {len(list(d.iterdir()))}" for d in sorted(out.iterdir())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
