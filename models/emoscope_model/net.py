"""AlexNet-architecture network for small grey face crops.

Five convolution layers and three fully connected layers (Krizhevsky et al.,
2012), ReLU activations, dropout before the first two FC layers, batch
normalisation after each convolution, max pooling after conv1, conv2 and conv5.
Sized for 48x48 (FER2013's native size) .. 96x96 inputs: 3x3 kernels instead of
AlexNet's 11x11/5x5 (which are for 224 px images), and an adaptive average
pool to 3x3 before the classifier so the FC sizes do not depend on the input
size.

``EmoscopeAlexNet(num_classes, in_channels=1, width=(64, 128, 256, 256, 256),
fc=512)``; ``describe(model, (C, H, W))`` returns the exact layers, parameter
count and multiply-accumulate count per face.
"""
from __future__ import annotations

import torch
from torch import nn

DEFAULT_WIDTH = (64, 128, 256, 256, 256)
DEFAULT_FC = 512


def _conv(cin: int, cout: int) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True)]


class EmoscopeAlexNet(nn.Module):
    def __init__(self, num_classes: int, in_channels: int = 1,
                 width: tuple[int, ...] = DEFAULT_WIDTH, fc: int = DEFAULT_FC,
                 dropout: float = 0.5, pool: int = 3):
        super().__init__()
        if len(width) != 5:
            raise ValueError("width must list the channels of the 5 conv layers")
        w1, w2, w3, w4, w5 = width
        self.features = nn.Sequential(
            *_conv(in_channels, w1), nn.MaxPool2d(2),      # conv1 -> /2
            *_conv(w1, w2), nn.MaxPool2d(2),               # conv2 -> /4
            *_conv(w2, w3),                                # conv3
            *_conv(w3, w4),                                # conv4
            *_conv(w4, w5), nn.MaxPool2d(2),               # conv5 -> /8
        )
        self.pool = nn.AdaptiveAvgPool2d(pool)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout), nn.Linear(w5 * pool * pool, fc), nn.ReLU(inplace=True),  # fc6
            nn.Dropout(dropout), nn.Linear(fc, fc), nn.ReLU(inplace=True),                # fc7
            nn.Linear(fc, num_classes),                                                   # fc8
        )
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.pool(self.features(x)))


class FlipTTA(nn.Module):
    """Averages the logits of the image and its horizontal mirror."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        y = self.net(torch.cat([x, torch.flip(x, dims=[3])], dim=0))
        return 0.5 * (y[:n] + y[n:])


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def describe(model: nn.Module, input_chw: tuple[int, int, int]) -> dict:
    """Layers, parameter count and MACs for one face of shape (C, H, W)."""
    layers: list[str] = []
    macs = 0

    def hook(mod, inp, out):
        nonlocal macs
        if isinstance(mod, nn.Conv2d):
            k = mod.kernel_size[0] * mod.kernel_size[1] * (mod.in_channels // mod.groups)
            m = out.numel() * k
            macs += m
            layers.append(f"conv {mod.in_channels}->{mod.out_channels} {mod.kernel_size[0]}x"
                          f"{mod.kernel_size[1]} @ {out.shape[2]}x{out.shape[3]}")
        elif isinstance(mod, nn.Linear):
            macs += mod.in_features * mod.out_features
            layers.append(f"fc {mod.in_features}->{mod.out_features}")
        elif isinstance(mod, nn.MaxPool2d):
            layers.append(f"maxpool2 -> {out.shape[2]}x{out.shape[3]}")
        elif isinstance(mod, nn.AdaptiveAvgPool2d):
            layers.append(f"avgpool -> {out.shape[2]}x{out.shape[3]}")

    hooks = [m.register_forward_hook(hook) for m in model.modules()
             if isinstance(m, (nn.Conv2d, nn.Linear, nn.MaxPool2d, nn.AdaptiveAvgPool2d))]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *input_chw))
    model.train(was_training)
    for h in hooks:
        h.remove()
    params = count_params(model)
    text = ("AlexNet-style 5 conv + 3 FC, BN+ReLU after each conv, dropout 0.5 before fc6/fc7; "
            + "; ".join(layers) + f"; {params:,} params; {macs / 1e6:.1f} M MACs per face")
    return {"layers": layers, "params": params, "macs": macs, "text": text}


class TemperatureScaled(nn.Module):
    """Divides the logits by a temperature fitted on validation (calibration only:
    the arg-max and thus accuracy do not change)."""

    def __init__(self, net: nn.Module, temperature: float):
        super().__init__()
        self.net = net
        self.register_buffer("inv_temperature", torch.tensor(1.0 / float(temperature)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x) * self.inv_temperature


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor, objective: str = "nll") -> float:
    """Temperature for softmax(logits / T), grid search over 0.25..4.

    objective "nll" minimises the negative log-likelihood; "ece" minimises the expected
    calibration error (15 bins), the measure the targets use. NLL weighs the rare
    confidently-wrong faces heavily and can leave the common confident-right range
    under-confident; ECE weighs each face by how often its confidence is shown."""
    from .metrics import ece_bins
    if objective not in ("nll", "ece"):
        raise ValueError(f"unknown calibration objective {objective!r}")
    best_t, best_loss = 1.0, float("inf")
    for i in range(161):
        t = 0.25 * (16.0 ** (i / 160.0))
        if objective == "nll":
            loss = nn.functional.cross_entropy(logits / t, labels).item()
        else:
            probs = torch.softmax(logits / t, 1)
            conf, pred = probs.max(1)
            loss = ece_bins(conf.double().numpy(), (pred == labels).double().numpy())[0]
        if loss < best_loss:
            best_t, best_loss = t, loss
    return best_t

