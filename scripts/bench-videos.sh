#!/usr/bin/env bash
# Speed of file analysis and live mode on the shared clips, with Debian's
# OpenBLAS and with the reference BLAS (selected per run via LD_LIBRARY_PATH).
# Prints one summary line per run; full JSON goes to bench-results/ (or $1).
# Further arguments go to every `emoscope-cli bench`, e.g.
#   ./scripts/bench-videos.sh bench-results --detector haar
set -euo pipefail
cd "$(dirname "$0")/.."
cli=build/release/app/emoscope-cli
shared="${EMOSCOPE_SHARED_DIR:-../shared}"
out="${1:-bench-results}"
shift || true
mkdir -p "$out"
reference_blas=/usr/lib/x86_64-linux-gnu/blas

summarise() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
stages = "  ".join("%s %.1f/%.1f" % (k, v["p50_ms"], v["p95_ms"])
                   for k, v in j["stages"].items() if k != "detect_when_run")
print("%-4s %-16s %-50s fps %6.1f (source %.1f)  dropped %3d  %s  [%s runs %d/%d, faces %d]" % (
    j["mode"], j["blas"].split("/")[-2], j["source"].split("/")[-1][:50], j["fps"], j["source_fps"],
    j["frames_dropped"], stages, j["detector"], j["detector_runs"], j["frames_processed"], j["faces"]))
PY
}

echo "mode blas             video                                    fps; stage p50/p95 ms"
for blas in openblas reference; do
  for video in ageitgey_face_recognition_short_hamilton_clip.mp4 justinshenk_fer_test.mp4; do
    for mode in file live; do
      file="$out/$blas-$mode-${video%.*}.json"
      flags=()
      [ "$mode" = live ] && flags=(--live)
      if [ "$blas" = reference ]; then
        LD_LIBRARY_PATH=$reference_blas "$cli" bench --source "$shared/videos/$video" "${flags[@]}" "$@" > "$file"
      else
        "$cli" bench --source "$shared/videos/$video" "${flags[@]}" "$@" > "$file"
      fi
      summarise "$file"
    done
  done
done
