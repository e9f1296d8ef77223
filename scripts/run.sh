#!/usr/bin/env bash
# Starts Emoscope: the desktop app when a display is available, otherwise the
# headless live view on the default camera. Without a camera either one says so.
set -uo pipefail
cd "$(dirname "$0")/.."
build=build/release/app
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$(nproc)}"

if [ -x "$build/emoscope" ]; then
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "${QT_QPA_PLATFORM:-}" = offscreen ]; then
    exec "$build/emoscope" "$@"
  fi
  echo "emoscope: no display (DISPLAY/WAYLAND_DISPLAY unset); running the headless live view instead." >&2
  echo "          For the desktop app in a virtual display: xvfb-run -a $build/emoscope" >&2
fi

"$build/emoscope-cli" live --source camera "$@"
code=$?
if [ "$code" -eq 3 ]; then
  echo >&2
  echo "emoscope: no camera found. To analyse a video file instead:" >&2
  echo "  $build/emoscope-cli analyze VIDEO --out-video out.mp4 --csv out.csv --summary out.json" >&2
fi
exit "$code"
