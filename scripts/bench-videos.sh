#!/usr/bin/env bash
# Speed of file analysis and live mode on the shared clips, with Debian's
# OpenBLAS and with the reference BLAS (selected per run via LD_LIBRARY_PATH),
# then the seed-style Python loop (scripts/seed-loop.py) on hamilton and the
# ratio of file-mode FPS to it. Prints one summary line per run; full JSON goes
# to bench-results/ (or $1). EMOSCOPE_BENCH_BLAS=openblas skips the reference BLAS.
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
print("%-4s %-16s %-40s fps %6.1f (source %.1f)  dropped %3d  rss %3.0f MB  %s  [%s runs %d/%d, faces %d, "
      "classified %d, ids %d, embedded %d (%.1f ms each), people %d]" % (
    j["mode"], j["blas"].split("/")[-2], j["source"].split("/")[-1][:40], j["fps"], j["source_fps"],
    j["frames_dropped"], j["peak_rss_mb"], stages, j["detector"], j["detector_runs"], j["frames_processed"],
    j["faces"], j["faces_classified"], j["face_ids"], j["faces_embedded"], j["embed_ms_per_face"], j["person_ids"]))
PY
}

echo "mode blas             video                                    fps; stage p50/p95 ms"
for blas in ${EMOSCOPE_BENCH_BLAS:-openblas reference}; do
  for video in ageitgey_face_recognition_short_hamilton_clip.mp4 justinshenk_fer_test.mp4 Syzygy126_Liveness_test.avi; do
    for mode in file live; do
      file="$out/$blas-$mode-${video%.*}.json"
      flags=()
      [ "$mode" = live ] && flags=(--live)
      library_path=
      [ "$blas" = reference ] && library_path=$reference_blas
      # Exit 3: the clip ended early (Syzygy is truncated: 88 of 221 frames decode); its figures stand.
      LD_LIBRARY_PATH=$library_path "$cli" bench --source "$shared/videos/$video" "${flags[@]}" "$@" > "$file" ||
        [ $? -eq 3 ]
      summarise "$file"
    done
  done
done

hamilton="$shared/videos/ageitgey_face_recognition_short_hamilton_clip.mp4"
/usr/bin/python3 scripts/seed-loop.py "$hamilton" > "$out/seed-loop-hamilton.json"
/usr/bin/python3 - "$out/seed-loop-hamilton.json" "$out/openblas-file-ageitgey_face_recognition_short_hamilton_clip.json" <<'PY'
import json, sys
seed, ours = (json.load(open(p)) for p in sys.argv[1:3])
print("seed-style loop on hamilton: %.2f FPS (%d faces); file mode %.1f FPS: %.1fx" % (
    seed["fps"], seed["faces"], ours["fps"], ours["fps"] / seed["fps"]))
PY
