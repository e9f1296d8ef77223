#!/usr/bin/env bash
# The CPU-only path of scripts/gpu-check.sh: with a LibTorch that lacks CUDA it
# must say "no CUDA LibTorch found" and exit 3, before building anything.
# $1: a CPU-only LibTorch's Torch_DIR (the one this build uses).
set -u
script="$(dirname "$0")/../../scripts/gpu-check.sh"
torch_dir="$1"
failures=0

expect() {  # expect NAME CODE REGEX -- COMMAND...
  local name="$1" code="$2" regex="$3"
  shift 4
  local out rc
  out="$("$@" 2>&1)"
  rc=$?
  if [ "$rc" != "$code" ] || ! grep -qE -- "$regex" <<<"$out"; then
    echo "FAIL $name: exit $rc (want $code), output:"
    sed 's/^/  | /' <<<"$out"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

if ls "$torch_dir"/../../libtorch_cuda.so "$torch_dir"/../../../lib/libtorch_cuda.so >/dev/null 2>&1; then
  echo "this build's LibTorch has CUDA: the no-CUDA path cannot be shown with it"
  exit 77
fi
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT

expect "CPU-only LibTorch in EMOSCOPE_TORCH_DIR" 3 "^no CUDA LibTorch found" -- \
  env EMOSCOPE_TORCH_DIR="$torch_dir" "$script" --build-dir "$build/b"
expect "  ... names what it tried" 3 "EMOSCOPE_TORCH_DIR: LibTorch [0-9.]+ in .*: CPU only \(no libtorch_cuda.so\)" -- \
  env EMOSCOPE_TORCH_DIR="$torch_dir" "$script" --build-dir "$build/b"
expect "CPU-only LibTorch in Torch_DIR" 3 "^no CUDA LibTorch found" -- \
  env -u EMOSCOPE_TORCH_DIR Torch_DIR="$torch_dir" "$script" --build-dir "$build/b"
expect "EMOSCOPE_TORCH_DIR not a LibTorch" 3 "not a LibTorch" -- \
  env EMOSCOPE_TORCH_DIR="$build/nothing-here" "$script" --build-dir "$build/b"
expect "--help documents the exit codes" 0 "3  no CUDA LibTorch found" -- "$script" --help
expect "unknown option" 2 "unknown option" -- "$script" --frobnicate
if [ -e "$build/b" ]; then
  echo "FAIL: the script built something although no CUDA LibTorch was found"
  failures=$((failures + 1))
fi
exit $((failures > 0))
