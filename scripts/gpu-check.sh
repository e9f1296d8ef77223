#!/usr/bin/env bash
# CPU-vs-CUDA check of the emotion model, for anyone with an NVIDIA GPU.
# Builds tests/gpu (LibTorch only: GPU machines often have a CUDA PyTorch but
# no OpenCV or Qt) against a CUDA LibTorch and runs it. See usage() below.
set -uo pipefail

readonly EXIT_FAIL=1 EXIT_USAGE=2 EXIT_NO_CUDA_TORCH=3 EXIT_BUILD=4 EXIT_NO_DEVICE=5
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  cat <<EOF
usage: scripts/gpu-check.sh [--cpu-only] [--model FILE] [--build-dir DIR] [--seconds S] [--batches LIST] [--threads N]

Builds a small LibTorch-only program (tests/gpu; no OpenCV, Qt or spdlog needed)
against a CUDA-enabled LibTorch and runs it on an Emoscope model
(default: models/happy_neutral_sad.pt). It loads the model on the CPU and on
CUDA the way the app does (module and batches on the GPU, inputs copied from
pinned host memory), then prints:
  - the versions: LibTorch, CUDA runtime, cuDNN, the GPU (nvidia-smi, PyTorch);
  - agreement: the largest difference of softmax probabilities between CPU and
    CUDA over 64 seeded inputs, with PASS when it is at most 1e-4, else FAIL;
  - throughput in faces/s on the CPU and on CUDA for batch sizes 1, 8, 32, 128.

LibTorch is looked for in this order; the first with CUDA (lib/libtorch_cuda.so) is used:
  1. \$EMOSCOPE_TORCH_DIR, else \$Torch_DIR (when either is set, nothing else is
     tried): a LibTorch folder, its share/cmake/Torch folder, or a PyTorch
     install's torch/ folder;
  2. the torch package of /usr/bin/python3, then of python3 on PATH
     (torch.utils.cmake_prefix_path);
  3. Debian's libtorch-dev (CPU only).

Options:
  --cpu-only       use the first LibTorch found, CUDA or not, and measure the CPU only
  --model FILE     an Emoscope model (.pt with emoscope.json)
  --build-dir DIR  where to build (default: build/gpu-check)
  --seconds S      time per throughput measurement (default 1)
  --batches LIST   batch sizes, comma-separated (default 1,8,32,128)
  --threads N      CPU inference threads (default: half the cores, as the app)
  -h, --help       this text

Exit codes:
  0  agreement PASS (or --cpu-only finished)
  1  agreement FAIL (CPU and CUDA differ by more than 1e-4)
  2  usage error, or the model cannot be loaded
  3  no CUDA LibTorch found (the message lists what was tried)
  4  configuring or building the check failed
  5  a CUDA LibTorch was found, but no CUDA device is usable at run time
EOF
}

cpu_only=0
model="$root/models/happy_neutral_sad.pt"
build_dir="$root/build/gpu-check"
run_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --cpu-only) cpu_only=1 ;;
    --model|--build-dir|--seconds|--batches|--threads)
      if [ $# -lt 2 ]; then echo "gpu-check: $1 needs a value" >&2; exit $EXIT_USAGE; fi
      case "$1" in
        --model) model="$2" ;;
        --build-dir) build_dir="$2" ;;
        *) run_args+=("$1" "$2") ;;
      esac
      shift ;;
    *) echo "gpu-check: unknown option '$1' (see --help)" >&2; exit $EXIT_USAGE ;;
  esac
  shift
done

tried=()          # one line per candidate, for the "not found" message
found_root=""     # what tests/gpu is built against
found_config=""   # Torch_DIR, when there is no include/ + lib/ layout (Debian)

# Looks at one candidate folder; on success sets found_root or found_config.
# Returns 0 when it is usable (with CUDA, unless --cpu-only).
consider() {
  local what="$1" dir="$2" config="" libdir="" version="?"
  for c in "$dir" "$dir/share/cmake/Torch" "$dir/Torch"; do
    if [ -f "$c/TorchConfig.cmake" ]; then config="$(cd -P "$c" && pwd)"; break; fi
  done
  if [ -z "$config" ]; then
    tried+=("$what: $dir: no TorchConfig.cmake, not a LibTorch")
    return 1
  fi
  version="$(sed -n 's/.*PACKAGE_VERSION "\([^"]*\)".*/\1/p' "$config/TorchConfigVersion.cmake" 2>/dev/null | head -1)"
  for l in "$config/../../../lib" "$config/../.."; do
    if [ -e "$l/libtorch_cpu.so" ]; then libdir="$(cd -P "$l" && pwd)"; break; fi
  done
  if [ -z "$libdir" ]; then
    tried+=("$what: $config: LibTorch ${version:-?} without libtorch_cpu.so beside it")
    return 1
  fi
  local has_cuda=0
  [ -e "$libdir/libtorch_cuda.so" ] && has_cuda=1
  if [ $has_cuda = 0 ]; then
    tried+=("$what: LibTorch ${version:-?} in $libdir: CPU only (no libtorch_cuda.so)")
    [ $cpu_only = 1 ] || return 1
  fi
  local top; top="$(cd -P "$config/../../.." && pwd)"
  if [ -f "$top/include/torch/script.h" ] && [ "$(cd -P "$top/lib" 2>/dev/null && pwd)" = "$libdir" ]; then
    found_root="$top"
  else
    found_config="$config"
  fi
  found_desc="$what: LibTorch ${version:-?} in $libdir ($([ $has_cuda = 1 ] && echo "with CUDA" || echo "CPU only"))"
  return 0
}

search() {
  if [ -n "${EMOSCOPE_TORCH_DIR:-}" ]; then consider "EMOSCOPE_TORCH_DIR" "$EMOSCOPE_TORCH_DIR"; return; fi
  if [ -n "${Torch_DIR:-}" ]; then consider "Torch_DIR" "$Torch_DIR"; return; fi
  local seen="" py path prefix version cuda
  for py in /usr/bin/python3 python3; do
    path="$(command -v "$py" 2>/dev/null)" || { tried+=("$py: not found"); continue; }
    path="$(readlink -f "$path")"
    case " $seen " in *" $path "*) continue ;; esac
    seen="$seen $path"
    local info
    if ! info="$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path, torch.__version__, torch.version.cuda)' 2>/dev/null)" \
        || [ -z "$info" ]; then
      tried+=("$py ($path): no torch module")
      continue
    fi
    read -r prefix version cuda <<<"$info"
    consider "$py's torch $version (CUDA ${cuda/None/none})" "$prefix/Torch" && return 0
  done
  local debian
  for debian in /usr/lib/*/cmake/Torch; do
    [ -d "$debian" ] || continue
    consider "Debian's libtorch-dev" "$debian" && return 0
  done
  return 1
}

if ! search; then
  echo "no CUDA LibTorch found; tried:"
  printf '  %s\n' "${tried[@]}"
  echo "Install a CUDA build of PyTorch (https://pytorch.org) or unpack a CUDA LibTorch and set EMOSCOPE_TORCH_DIR to it;"
  echo "or run with --cpu-only to measure the CPU alone."
  exit $EXIT_NO_CUDA_TORCH
fi
echo "using $found_desc"

if [ ! -f "$model" ]; then echo "gpu-check: model '$model' not found" >&2; exit $EXIT_USAGE; fi
config_args=(-S "$root/tests/gpu" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release)
if [ -n "$found_root" ]; then
  config_args+=("-DEMOSCOPE_TORCH_ROOT=$found_root" -UTorch_DIR)
else
  config_args+=("-DTorch_DIR=$found_config" -UEMOSCOPE_TORCH_ROOT)
fi
command -v ninja >/dev/null && [ ! -f "$build_dir/CMakeCache.txt" ] && config_args+=(-G Ninja)
log="$build_dir.log"
mkdir -p "$(dirname "$build_dir")"
if ! { cmake "${config_args[@]}" && cmake --build "$build_dir" -j "$(nproc)"; } >"$log" 2>&1; then
  tail -30 "$log" >&2
  echo "gpu-check: configuring or building tests/gpu failed (full log: $log)" >&2
  exit $EXIT_BUILD
fi

# Versions of what the check runs on, from outside LibTorch (which cannot name the GPU without CUDA's headers).
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/GPU (nvidia-smi): /'
fi
case "$found_desc" in
  *"python3's torch"*)
    py="${found_desc%%\'s torch*}"
    "$py" -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda,
      "device:", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none visible")' 2>/dev/null ;;
esac

checker_args=(--model "$model" "${run_args[@]}")
[ $cpu_only = 1 ] && checker_args+=(--cpu-only)
"$build_dir/emoscope-gpu-check" "${checker_args[@]}"
rc=$?
case $rc in
  0|$EXIT_FAIL|$EXIT_USAGE|$EXIT_NO_DEVICE) exit $rc ;;
  *) echo "gpu-check: the check crashed (exit $rc)" >&2; exit $EXIT_FAIL ;;
esac
