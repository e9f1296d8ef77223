#!/usr/bin/python3
"""Add (or refresh) the weights SHA-256 in exported Emoscope models, in place.

  /usr/bin/python3 models/seal.py models/happy_sad.pt [more.pt ...]

For model files exported before "weights_sha256" existed (MODEL_SPEC.md, "Integrity").
The network and the rest of the metadata are unchanged; export.py and recalibrate.py
seal what they write themselves. The file is rewritten through a temporary name.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv=None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    if not paths or any(p.startswith("-") for p in paths):
        print(__doc__, file=sys.stderr)
        return 2
    from export import load_model, save_model
    for path in paths:
        module, meta = load_model(path)
        save_model(module, path, meta)
        print(f"{path}: weights_sha256 {meta['weights_sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
