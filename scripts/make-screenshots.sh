#!/usr/bin/env bash
# Renders docs/screenshots/ (the README's and the docs' screenshots) with the desktop app's own
# window (emoscope-screenshots). The footage is a
# slow pan over scikit-image's astronaut.png (a public-domain NASA portrait that
# Debian's python3-skimage ships), so nothing from ../shared ends up in docs/.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/screenshots}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ffmpeg -v error -loop 1 -i /usr/lib/python3/dist-packages/skimage/data/astronaut.png -t 6 -r 25 \
  -vf "scale=960:960,crop=800:450:x='80+40*sin(t)':y='60+20*cos(t)'" -c:v mjpeg -q:v 3 "$work/astronaut.mkv"
mkdir -p "$out"
XDG_CONFIG_HOME="$work/config" build/release/app/emoscope-screenshots "$out" "$work/astronaut.mkv"
ls -1 "$out"
