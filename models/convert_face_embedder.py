#!/usr/bin/python3
"""Convert dlib's face-recognition ResNet, as ported in @vladmandic/face-api 1.7.15, to
models/face_embedder.pt (TorchScript + emoscope.json; see face_embedder.md).

  /usr/bin/python3 models/convert_face_embedder.py                       # runs `npm pack` in a temp dir
  /usr/bin/python3 models/convert_face_embedder.py --package /tmp/faceapi/vladmandic-face-api-1.7.15.tgz
  /usr/bin/python3 models/convert_face_embedder.py --package /tmp/faceapi/package   # unpacked folder

Reads model/face_recognition_model-weights_manifest.json and model/face_recognition_model.bin
(uint8-quantised: value = q * scale + min, as tf.io.decodeWeights does; a few tensors are plain
float32), rebuilds face-api's FaceRecognitionNet (src/faceRecognitionNet/) in PyTorch, folds
each conv's bias and the following per-channel scale layer into one convolution, scripts it
and saves it with export.save_model (emoscope.json + weights_sha256).

forward(x: [N, 3, 150, 150] float32, RGB, already normalised as (pixel/255 - mean)/std with
the metadata's mean/std, i.e. exactly face-api's (pixel - meanRgb)/255) -> [N, 128] raw
descriptors, as face-api's computeFaceDescriptor returns them (no L2 normalisation).

The alignment template and the threshold are measured by models/measure_face_chip.py; the
parity numbers by models/face_embedder_parity.py; both are recorded below (METRICS).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import List

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from emoscope_model import npm_port  # noqa: E402

PACKAGE = "@vladmandic/face-api"
PACKAGE_VERSION = "1.7.15"
MEAN_RGB = (122.782, 117.001, 104.298)   # face-api FaceRecognitionNet.forwardInput
DIVISOR = 255.0                           # face-api: normalize(x, meanRgb).div(255)

# Measured (see face_embedder.md): the chip template and the same-person threshold.
TEMPLATE_PAD = 0.30
TEMPLATE_DY = -0.06
SAME_PERSON_DISTANCE = 0.44
METRICS: dict = {
    "yale_verification": {
        "data": ("Yale Face Database, the 140 of 164 images where YuNet (score >= 0.8) finds a face, 15 people "
                 "(greyscale); all 9,730 pairs: 630 same-person, 9,100 different-person; chips with align.landmarks"),
        "roc_auc": 0.99875, "equal_error_rate": 0.0172,
        "best_accuracy": 0.9923, "best_accuracy_threshold": 0.481,
        "at_same_person_distance": {"threshold": 0.44, "accuracy": 0.9856, "false_accepts": 6,
                                    "false_accept_rate": 0.00066, "false_rejects": 134, "false_reject_rate": 0.2127},
        "at_0.6": {"threshold": 0.6, "accuracy": 0.9616, "false_accepts": 373, "false_accept_rate": 0.0410,
                   "false_rejects": 1, "false_reject_rate": 0.0016},
        "smallest_different_person_distance": 0.4185,
        "mean_distance": {"same_person": 0.366, "different_person": 0.775},
        "how": "models/measure_face_chip.py (template grid and threshold sweep)",
    },
    "faceapi_parity": {
        "data": "the same 140 Yale chips through face-api 1.7.15 (tfjs 4.22.0, cpu backend) in node",
        "cosine_min": 0.99999999, "max_abs_diff": 4.8e-07, "max_relative_l2_error": 9.3e-07,
        "decisions_identical": "9730/9730 pairs at 0.44 and at 0.6",
        "how": "models/face_embedder_parity.py",
    },
}

# (name, in channels, out channels, down) in face-api's order; conv32_down is the stem.
BLOCKS = [("conv32_1", 32, 32, False), ("conv32_2", 32, 32, False), ("conv32_3", 32, 32, False),
          ("conv64_down", 32, 64, True), ("conv64_1", 64, 64, False), ("conv64_2", 64, 64, False),
          ("conv64_3", 64, 64, False),
          ("conv128_down", 64, 128, True), ("conv128_1", 128, 128, False), ("conv128_2", 128, 128, False),
          ("conv256_down", 128, 256, True), ("conv256_1", 256, 256, False), ("conv256_2", 256, 256, False),
          ("conv256_down_out", 256, 256, True)]


class Residual(nn.Module):
    """face-api residual / residualDown: conv(+scale) relu conv(+scale), plus the shortcut
    (identity, or 2x2/2 average pooling with zero channels appended); relu.
    In the down block the first conv is 3x3 stride 2 'valid' and, when the conv path is one
    pixel smaller than the pooled shortcut, it gets one zero row at the bottom and one zero
    column at the right (face-api's isAdjustShape)."""

    def __init__(self, cin: int, cout: int, down: bool):
        super().__init__()
        self.down = down
        self.extra_channels = cout - cin
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=2 if down else 1, padding=0 if down else 1)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1)

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = self.conv2(out)
        if self.down:
            short = F.avg_pool2d(x, 2, 2)
            if out.size(2) != short.size(2) or out.size(3) != short.size(3):
                out = F.pad(out, [0, 1, 0, 1])
            if self.extra_channels > 0:
                short = F.pad(short, [0, 0, 0, 0, 0, self.extra_channels])
        else:
            short = x
        return F.relu(out + short)


class FaceEmbedder(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 7, stride=2, padding=0)
        self.blocks = nn.ModuleList([Residual(ci, co, d) for _, ci, co, d in BLOCKS])
        self.fc = nn.Linear(256, 128, bias=False)

    def forward(self, x):
        out = F.relu(self.stem(x))
        out = F.max_pool2d(out, 3, 2)
        for b in self.blocks:
            out = b(out)
        return self.fc(out.mean(dim=[2, 3]))


# ---------------------------------------------------------------------------------------------

def load_weights(pkg: Path) -> dict[str, np.ndarray]:
    """Dequantised tensors by face-api name, in TF layout (filters HWIO, fc [256, 128])."""
    manifest = json.loads((pkg / "model" / "face_recognition_model-weights_manifest.json").read_text())
    out: dict[str, np.ndarray] = {}
    for group in manifest:
        buf = b"".join((pkg / "model" / f).read_bytes() for f in group["paths"])
        off = 0
        for w in group["weights"]:
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            q = w.get("quantization")
            if q:
                if q["dtype"] != "uint8":
                    raise SystemExit(f"error: unsupported quantisation {q['dtype']}")
                raw = np.frombuffer(buf, np.uint8, n, off).astype(np.float64)
                off += n
                # tf.io.decodeWeights: Float32Array element = v * scale + min (double, then rounded)
                v = (raw * q["scale"] + q["min"]).astype(np.float32)
            else:
                if w["dtype"] != "float32":
                    raise SystemExit(f"error: unsupported dtype {w['dtype']}")
                v = np.frombuffer(buf, "<f4", n, off).copy()
                off += 4 * n
            out[w["name"]] = v.reshape(w["shape"])
        if off != len(buf):
            raise SystemExit(f"error: {len(buf) - off} bytes left over in the weights")
    return out


def fold(conv: nn.Conv2d, w: dict, prefix: str) -> None:
    """conv (filters HWIO + bias) followed by the scale layer (x * weights + biases)."""
    filt = torch.from_numpy(w[f"{prefix}/conv/filters"].astype(np.float64)).permute(3, 2, 0, 1)
    bias = torch.from_numpy(w[f"{prefix}/conv/bias"].astype(np.float64))
    sw = torch.from_numpy(w[f"{prefix}/scale/weights"].astype(np.float64))
    sb = torch.from_numpy(w[f"{prefix}/scale/biases"].astype(np.float64))
    if tuple(filt.shape) != tuple(conv.weight.shape):
        raise SystemExit(f"error: {prefix}: shape {tuple(filt.shape)} != {tuple(conv.weight.shape)}")
    with torch.no_grad():
        conv.weight.copy_((filt * sw.view(-1, 1, 1, 1)).float())
        conv.bias.copy_((bias * sw + sb).float())


def build(w: dict) -> FaceEmbedder:
    m = FaceEmbedder()
    used = set()
    fold(m.stem, w, "conv32_down")
    used.update(f"conv32_down/{k}" for k in ("conv/filters", "conv/bias", "scale/weights", "scale/biases"))
    for (name, *_), blk in zip(BLOCKS, m.blocks):
        for c, conv in (("conv1", blk.conv1), ("conv2", blk.conv2)):
            fold(conv, w, f"{name}/{c}")
            used.update(f"{name}/{c}/{k}" for k in ("conv/filters", "conv/bias", "scale/weights", "scale/biases"))
    with torch.no_grad():
        m.fc.weight.copy_(torch.from_numpy(w["fc"]).t())
    used.add("fc")
    if used != set(w):
        raise SystemExit(f"error: weights not used: {sorted(set(w) - used)}; missing: {sorted(used - set(w))}")
    return m.eval()


def count_macs(m: nn.Module) -> int:
    macs: List[int] = []

    def hook(mod, inp, out):
        if isinstance(mod, nn.Conv2d):
            macs.append(out.numel() * mod.in_channels * mod.kernel_size[0] * mod.kernel_size[1])
        elif isinstance(mod, nn.Linear):
            macs.append(out.numel() * mod.in_features)
    hs = [x.register_forward_hook(hook) for x in m.modules() if isinstance(x, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        m(torch.zeros(1, 3, 150, 150))
    for h in hs:
        h.remove()
    return int(sum(macs))


def build_meta(params: int, macs: int, bin_sha: str) -> dict:
    from emoscope_model.face_chip import template
    return {
        "format": "emoscope-model/1",
        "kind": "face-embedder",
        "name": "face_embedder",
        "version": "1.0.0",
        "input": {"channels": 3, "height": 150, "width": 150,
                  "mean": [round(v / 255.0, 8) for v in MEAN_RGB],
                  "std": [DIVISOR / 255.0] * 3},
        "align": {"landmarks": [[round(float(x), 6), round(float(y), 6)]
                                for x, y in template(TEMPLATE_PAD, TEMPLATE_DY)],
                  "order": "right eye, left eye, nose tip, right mouth corner, left mouth corner"},
        "embedding": {"size": 128, "metric": "euclidean", "same_person_distance": SAME_PERSON_DISTANCE},
        "source": (f"dlib_face_recognition_resnet_model_v1 (Davis E. King, dlib.net) as ported to TensorFlow.js "
                   f"in npm {PACKAGE}@{PACKAGE_VERSION} (Vladimir Mandic; originally justadudewhohacks/face-api.js), "
                   f"model/face_recognition_model.bin sha256 {bin_sha}, uint8-quantised weights dequantised"),
        "license": ("weights: public domain (dlib's face recognition model, Davis E. King, CC0); "
                    f"face-api port: MIT ({PACKAGE}); conversion: this project's licence"),
        "trained_on": ("dlib's own training set (about 3 million faces of about 7,500 people from FaceScrub, "
                       "VGG Face and web images, per Davis King's release notes; not verified here); not retrained. "
                       "dlib reports 99.38% on LFW for the float weights (face-api's TUTORIAL.md repeats it)"),
        "architecture": (f"dlib ResNet-29 (face-api FaceRecognitionNet): 7x7/2 conv 32, 3x3/2 max pool, 14 residual "
                         f"blocks 32-32-32 | 64(down)-64-64-64 | 128(down)-128-128 | 256(down)-256-256-256(down), "
                         f"global average pool, fc 256->128 (no bias); conv bias and scale layers folded; "
                         f"{params:,} params, {macs / 1e6:.1f} M MACs per face"),
        "metrics": METRICS,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", help="npm tarball or unpacked folder (default: npm pack into a temp dir)")
    ap.add_argument("--out", default=str(HERE / "face_embedder.pt"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as td:
        pkg = npm_port.find_package(PACKAGE, PACKAGE_VERSION, args.package, Path(td),
                                    "model/face_recognition_model.bin")
        info = json.loads((pkg / "package.json").read_text())
        if info.get("version") != PACKAGE_VERSION:
            print(f"warning: package version {info.get('version')} (expected {PACKAGE_VERSION})", file=sys.stderr)
        bin_sha = hashlib.sha256((pkg / "model" / "face_recognition_model.bin").read_bytes()).hexdigest()
        w = load_weights(pkg)
    model = build(w)
    params = sum(p.numel() for p in model.parameters())
    macs = count_macs(model)
    meta = build_meta(params, macs, bin_sha)
    npm_port.save_checked(model, args.out, meta, torch.randn(2, 3, 150, 150),
                          f"{params:,} params, {macs / 1e6:.1f} M MACs")
    return 0


if __name__ == "__main__":
    # TorchScript writes a module's Final constants in set order, which follows Python's string
    # hashing: a fixed seed makes the file (and weights_sha256) byte-reproducible.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})
    sys.exit(main())
