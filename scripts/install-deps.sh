#!/usr/bin/env bash
# Installs the Debian 12 packages Emoscope needs, for one of three uses:
#   --app    run a built or installed Emoscope (runtime libraries only)
#   --dev    build it and run every test (the default; includes --app)
#   --train  train, evaluate and export models too (includes --dev)
# Idempotent: only missing packages are installed. Runs apt-get directly as root,
# through sudo otherwise, and says so when it can do neither.
set -euo pipefail

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
}

profile=dev
for arg in "$@"; do
  case "$arg" in
    --app) profile=app ;;
    --dev) profile=dev ;;
    --train) profile=train ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-deps: unknown option '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

app=(
  # LibTorch, OpenCV (with its Haar cascades), Qt 6, logging, SHA-256
  libtorch1.13 libopencv-core406 libopencv-imgproc406 libopencv-imgcodecs406 libopencv-videoio406
  libopencv-objdetect406 libopencv-dnn406 opencv-data libqt6widgets6 libqt6charts6 libqt6opengl6
  libspdlog1.10 libssl3
  # FFmpeg's libraries: the annotated video (H.264 through libx264, audio copied from the source)
  libavformat59 libavcodec59 libswscale6 libavutil57
  # fast BLAS for Debian's torch (generic BLAS otherwise)
  libopenblas0-pthread
)
dev=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # headers of what the app links
  libtorch-dev libopencv-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev libssl-dev
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
  # translations (lupdate, lrelease and their CMake functions)
  qt6-tools-dev qt6-l10n-tools qt6-tools-dev-tools
  # tests (the test models are built with python3-torch; models/tests run with pytest)
  catch2 ffmpeg xvfb xauth fonts-dejavu-core python3 python3-pytest python3-torch python3-numpy
  python3-opencv python3-matplotlib
  # packaging: man pages, desktop entry and AppStream checks
  help2man desktop-file-utils appstream
  # fuzzing (libFuzzer) and the bad-input suite (util-linux: unshare, setpriv)
  clang libclang-rt-14-dev util-linux
  # sample photos used by the acceptance checks (astronaut.png, messi5.jpg)
  python3-skimage opencv-doc
  # the HTML report's tests and benchmark load reports in a real browser (tests/cli/test_report.py)
  chromium
  # the batch mode's one-node Slurm test (scripts/slurm-one-node.sh, tests/cli/test_batch_slurm.py)
  slurm-wlm slurmctld slurmd slurm-client munge
)
train=(
  python3-torchvision python3-pil
)

packages=("${app[@]}")
[ "$profile" = app ] || packages+=("${dev[@]}")
[ "$profile" = train ] && packages+=("${train[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps ($profile): all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo > /dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps: not root and no sudo; as root, run: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps ($profile): installing ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
