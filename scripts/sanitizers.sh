#!/usr/bin/env bash
# Builds the unit and integration tests (core: pipeline, recorder, sources,
# detector, classifier) under AddressSanitizer + UndefinedBehaviorSanitizer and
# under ThreadSanitizer, and runs them. No GUI; the CLI's Python tests run in the
# release build. CI runs this after the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(emoscope_unit_tests emoscope_integration_tests)
excluded='^(cli_|models_python|gui|gpu_check_cpu)'  # gpu_check_cpu: its program is not among the targets

cmake --preset asan -DEMOSCOPE_BUILD_GUI=OFF > /dev/null
cmake --build --preset asan --target "${targets[@]}"
ctest --preset asan -E "$excluded"

cmake --preset tsan > /dev/null
cmake --build --preset tsan
ctest --preset tsan
