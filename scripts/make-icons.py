#!/usr/bin/python3
"""Draws Emoscope's icon: resources/icons/emoscope.svg and PNGs at 16..512 px.

  /usr/bin/python3 scripts/make-icons.py

The SVG and the PNGs come from one description (circles, an arc and a ring of ticks), so
they match; the PNGs are rendered with OpenCV at 8x and downscaled (anti-aliased).
Re-run after changing the drawing; the outputs are committed.
"""
import math
from pathlib import Path

import cv2
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# On a 256 x 256 canvas; colours from the app's Okabe-Ito palette (happy: orange, face: sky blue).
BG = "#0072B2"
FACE = "#F0E442"
INK = "#1A1A1A"
RING = "#FFFFFF"


def shapes():
    yield ("circle", 128, 128, 124, BG, None, 0)
    for k in range(12):  # the "scope": twelve ticks around the face
        a = math.radians(k * 30)
        yield ("line", 128 + 100 * math.cos(a), 128 + 100 * math.sin(a), 128 + 116 * math.cos(a),
               128 + 116 * math.sin(a), RING, 8)
    yield ("circle", 128, 128, 84, FACE, INK, 6)
    yield ("circle", 100, 108, 11, INK, None, 0)
    yield ("circle", 156, 108, 11, INK, None, 0)
    yield ("arc", 128, 136, 44, 20, 160, INK, 10)  # the smile: centre, radius, from/to degrees


def svg() -> str:
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">',
             "<title>Emoscope</title>"]
    for s in shapes():
        if s[0] == "circle":
            _, x, y, r, fill, stroke, w = s
            st = f' stroke="{stroke}" stroke-width="{w}"' if stroke else ""
            parts.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}"{st}/>')
        elif s[0] == "line":
            _, x1, y1, x2, y2, colour, w = s
            parts.append(f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" stroke="{colour}" '
                         f'stroke-width="{w}" stroke-linecap="round"/>')
        else:
            _, x, y, r, a0, a1, colour, w = s
            p0 = (x + r * math.cos(math.radians(a0)), y + r * math.sin(math.radians(a0)))
            p1 = (x + r * math.cos(math.radians(a1)), y + r * math.sin(math.radians(a1)))
            parts.append(f'<path d="M {p0[0]:.2f} {p0[1]:.2f} A {r} {r} 0 0 1 {p1[0]:.2f} {p1[1]:.2f}" fill="none" '
                         f'stroke="{colour}" stroke-width="{w}" stroke-linecap="round"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def bgr(hex_colour: str):
    v = int(hex_colour[1:], 16)
    return (v & 0xFF, (v >> 8) & 0xFF, v >> 16, 255)


def png(size: int) -> np.ndarray:
    k = 8 * size / 256  # render large, then downscale with area averaging
    big = np.zeros((8 * size, 8 * size, 4), np.uint8)
    p = lambda v: int(round(v * k))  # noqa: E731
    for s in shapes():
        if s[0] == "circle":
            _, x, y, r, fill, stroke, w = s
            cv2.circle(big, (p(x), p(y)), p(r), bgr(fill), -1, cv2.LINE_AA)
            if stroke:
                cv2.circle(big, (p(x), p(y)), p(r), bgr(stroke), max(1, p(w)), cv2.LINE_AA)
        elif s[0] == "line":
            _, x1, y1, x2, y2, colour, w = s
            cv2.line(big, (p(x1), p(y1)), (p(x2), p(y2)), bgr(colour), max(1, p(w)), cv2.LINE_AA)
        else:
            _, x, y, r, a0, a1, colour, w = s
            cv2.ellipse(big, (p(x), p(y)), (p(r), p(r)), 0, a0, a1, bgr(colour), max(1, p(w)), cv2.LINE_AA)
    return cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "emoscope.svg").write_text(svg())
    for size in SIZES:
        cv2.imwrite(str(OUT / f"emoscope-{size}.png"), png(size))
    print(f"wrote {OUT}/emoscope.svg and {len(SIZES)} PNGs")


if __name__ == "__main__":
    main()
