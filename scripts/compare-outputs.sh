#!/usr/bin/env bash
# Compares two emoscope-cli builds on the same inputs, for refactors that must not
# change behaviour: analyze's CSV (bytes) and summary (all but header.start_time)
# on every clip in $EMOSCOPE_SHARED_DIR/videos, and predict's JSON lines (with and
# without --people) on two photos Debian packages ship. Both use one data folder
# (EMOSCOPE_DATA_DIR, default: this tree's build/release/share/emoscope) so that the
# files the headers name are the same.
#   scripts/compare-outputs.sh OLD_CLI NEW_CLI     (exit 1 when anything differs)
set -uo pipefail
old=$1 new=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
export EMOSCOPE_DATA_DIR=${EMOSCOPE_DATA_DIR:-$repo/build/release/share/emoscope}
shared=${EMOSCOPE_SHARED_DIR:-$repo/../shared}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
same_summary() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for j in (a, b):
    j["header"].pop("start_time", None)
sys.exit(0 if a == b else 1)
PY
}
for video in "$shared"/videos/*; do
  name=$(basename "$video")
  "$old" analyze "$video" --csv "$out/old.csv" --summary "$out/old.json" > /dev/null 2>&1; rc_old=$?
  "$new" analyze "$video" --csv "$out/new.csv" --summary "$out/new.json" > /dev/null 2>&1; rc_new=$?
  if [ $rc_old = $rc_new ] && cmp -s "$out/old.csv" "$out/new.csv" && same_summary "$out/old.json" "$out/new.json"; then
    echo "analyze $name: same (exit $rc_new, CSV bytes, summary but start_time)"
  else
    echo "analyze $name: DIFFERENT (exit $rc_old / $rc_new)"; status=1
  fi
  rm -f "$out"/old.* "$out"/new.*
done
photos=(/usr/lib/python3/dist-packages/skimage/data/astronaut.png /usr/share/doc/opencv-doc/examples/data/messi5.jpg)
for people in "" --people; do
  "$old" predict $people "${photos[@]}" > "$out/old.jsonl" 2>/dev/null
  "$new" predict $people "${photos[@]}" > "$out/new.jsonl" 2>/dev/null
  if cmp -s "$out/old.jsonl" "$out/new.jsonl"; then echo "predict $people: same"; else echo "predict $people: DIFFERENT"; status=1; fi
done
exit $status
