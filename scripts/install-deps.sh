#!/usr/bin/env bash
# Installs every Debian 12 package that Emoscope's build, tests and training need.
# Idempotent: apt-get skips what is already installed. Run as root (or with sudo).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # model integrity (SHA-256)
  libssl-dev
  # core
  libtorch-dev libopencv-dev opencv-data libspdlog-dev libfmt-dev
  libcli11-dev nlohmann-json3-dev
  # fast BLAS for Debian's torch (generic BLAS otherwise)
  libopenblas0-pthread
  # desktop app
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
  # tests
  catch2 ffmpeg xvfb xauth fonts-dejavu-core python3-pytest
  # packaging: man pages, desktop entry and AppStream checks
  help2man desktop-file-utils appstream
  # fuzzing (libFuzzer) and the bad-input suite (util-linux: unshare, setpriv)
  clang libclang-rt-14-dev util-linux
  # training
  python3 python3-torch python3-torchvision python3-numpy python3-opencv python3-pil python3-matplotlib
  # sample photos used by the acceptance checks (astronaut.png, messi5.jpg)
  python3-skimage opencv-doc
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
