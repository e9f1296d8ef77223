#!/usr/bin/env bash
# Renders docs/screenshots/report.png: the HTML report (`emoscope-cli report`, docs/report.md) of an
# analysis of public-domain footage only: scikit-image's astronaut.png (a NASA portrait that Debian's
# python3-skimage ships) beside its mirror image, panning slowly, analysed with the seven-emotion
# model; the page is photographed by headless chromium. Nothing from ../shared ends up in docs/.
# Usage: scripts/make-report-screenshot.sh [OUT.png]   (needs a build, ffmpeg and chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-docs/screenshots/report.png}")"
cli="$PWD/build/release/app/emoscope-cli"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ffmpeg -v error -loop 1 -i /usr/lib/python3/dist-packages/skimage/data/astronaut.png -t 12 -r 15 \
  -filter_complex "[0]scale=420:420,crop=320:320:x='40+30*sin(t/2)':y='20+14*cos(t/3)',split[a][b];[b]hflip,eq=brightness=0.05[c];[a][c]hstack" \
  -c:v mjpeg -q:v 3 "$work/astronaut-pair.mkv"
cd "$work"  # relative names: the report shows "astronaut-pair.mkv", not a temporary folder
"$cli" analyze astronaut-pair.mkv --model "$OLDPWD/models/seven_emotions.pt" --csv astronaut-pair.csv \
  --summary astronaut-pair.json
"$cli" report astronaut-pair.json --out astronaut-pair.html
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size=1100,1700 --screenshot="$out" "file://$work/astronaut-pair.html" 2> "$work/chromium.log" ||
  { cat "$work/chromium.log" >&2; exit 1; }
echo "$out"
