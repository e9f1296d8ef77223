#!/usr/bin/env python3
"""Builds tiny TorchScript models for the C++ tests (run with Debian's python3-torch).

Writes into OUT_DIR:
  tiny.pt            valid model (2 labels, grey 48x48) with emoscope.json
  tiny_rgb.pt        valid model (3 labels, RGB 32x32)
  brightness.pt      happy/neutral/sad by a face's mean brightness (known answers, for eval)
  no_metadata.pt     TorchScript without emoscope.json
  label_mismatch.pt  metadata names 3 labels, the model outputs 2
  bad_metadata.pt    emoscope.json that is not valid JSON
  channel_mismatch.pt metadata says 3 channels, the network takes 1
  not_torchscript.pt a text file with a .pt name
The weights are seeded, so outputs are deterministic.
"""
import json
import sys
from pathlib import Path

import torch
from torch import nn


class Tiny(nn.Module):
    """A deliberately small conv net: not AlexNet, just a valid model for tests."""

    def __init__(self, channels: int, classes: int):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(4))
        self.head = nn.Linear(4 * 16, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.flatten(self.features(x), 1))


class Brightness(nn.Module):
    """Logits (z, 0.5, -z) for happy, neutral, sad, z = the mean normalised pixel
    ((v / 255 - 0.5) / 0.25 for grey level v): bright faces are happy, dark ones
    sad, mid-grey (z within +-0.5, about grey 96..159) neutral. Without neutral,
    grey above 127.5 is happy, below it sad."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = x.mean(dim=(1, 2, 3))
        return torch.stack([z, torch.full_like(z, 0.5), -z], 1)


def spec(labels, channels, size):
    return {
        "format": "emoscope-model/1",
        "name": "tiny-test",
        "version": "0.0.1",
        "labels": labels,
        "input": {"channels": channels, "height": size, "width": size,
                  "mean": [0.5] * channels, "std": [0.25] * channels},
        "crop": {"margin": 0.1, "square": True},
        "trained_on": "nothing (random weights, for tests)",
        "metrics": {},
    }


def save(model, path, meta):
    scripted = torch.jit.script(model.eval())
    extra = {} if meta is None else {"emoscope.json": meta if isinstance(meta, str) else json.dumps(meta)}
    torch.jit.save(scripted, str(path), _extra_files=extra)


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(7)
    grey = Tiny(1, 2)
    save(grey, out / "tiny.pt", spec(["happy", "sad"], 1, 48))
    save(Tiny(3, 3), out / "tiny_rgb.pt", spec(["a", "b", "c"], 3, 32))
    save(Brightness(), out / "brightness.pt", spec(["happy", "neutral", "sad"], 1, 48))
    save(grey, out / "no_metadata.pt", None)
    save(grey, out / "label_mismatch.pt", spec(["happy", "sad", "angry"], 1, 48))
    save(grey, out / "bad_metadata.pt", "{not json")
    save(grey, out / "channel_mismatch.pt", spec(["happy", "sad"], 3, 48))
    (out / "not_torchscript.pt").write_text("this is not a model\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "test-models")
