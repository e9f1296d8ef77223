#!/usr/bin/env python3
"""Prints the figures of issue 21's table (docs/architecture.md) for a built tree:

- string literals in core/ that name a command-line flag;
- the core/ui/app files compiled with LibTorch's flags (build/release/compile_commands.json);
- where the defaults and ranges of detect_every, min_confidence, the model file,
  the detector file and the recording folder are decided;
- engine and pipeline test cases (tests/integration/test_run.cpp, test_pipeline.cpp)
  that pass without ../shared (run with EMOSCOPE_SHARED_DIR pointing nowhere);
- the largest .cpp in core/, ui/ and app/.

Usage: /usr/bin/python3 scripts/measure-architecture.py [BUILD_DIR]   (default build/release)
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "build" / "release"


def code_lines(path: Path):
    for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        yield n, line.split("//", 1)[0]


def flag_literals():
    literal = re.compile(r'"([^"\\]|\\.)*--[a-z][a-z-]*([^"\\]|\\.)*"')
    found = []
    for folder in ("core/src", "core/include/emoscope"):
        for path in sorted((REPO / folder).iterdir()):
            found += [f"{path.name}:{n}" for n, code in code_lines(path) if literal.search(code)]
    return found


def torch_files():
    commands = json.loads((BUILD / "compile_commands.json").read_text())
    ours = [c for c in commands if any(f"/{d}/" in c["file"] for d in ("core", "ui", "app"))]
    return [c["file"] for c in ours if "torch" in c["command"].lower()], len(ours)


# Where each setting's default or range is decided: its default value, its
# range, and any clamp or fallback written by hand (what the issue counted:
# the CLI's and the GUI's own bounds, clamps in the pipeline and the settings,
# a second default in the GUI, default files worked out by each caller, two
# recording-folder rules). Hits are grouped by the function (or struct) they are in.
DECISIONS = {
    "detect_every": [r"\bint detect_every\s*=\s*\d", r"kDetectEvery\{", r"max\(1,\s*[\w.]*detect_every\)",
                     r"detect_every < 1", r"setRange\(1,\s*60\)", r"Range\(1,\s*100\)"],
    "min_confidence": [r"\bmin_confidence\s*=\s*0\.\d", r"\bfloat min_confidence\s*=\s*\d", r"kMinConfidence\{",
                       r"std::clamp\([\w.]*min_confidence"],
    "model file": [r"empty\(\)\s*\?\s*default_model_path\(\)", r"if \(auto p = default_model_path\(\)\)",
                   r"Result<std::string> path = default_model_path\(\)"],
    "detector file": [r"(return|=|\() *default_yunet_model_path\(\)", r"(return|=) *default_haar_cascade_path\(\)"],
    "recording folder": [r"\"/session", r"\"session-", r"/session-"],
}

FUNCTION = re.compile(r"^(\S.*\)\s*(const)?\s*\{|(struct|class|namespace) \w+.*\{)\s*$")


def decisions():
    sources = [p for d in ("core", "ui", "app") for p in sorted((REPO / d).rglob("*.[ch]pp"))]
    result = {}
    for name, patterns in DECISIONS.items():
        places = set()
        for path in sources:
            where = "(file scope)"
            for n, code in code_lines(path):
                if FUNCTION.match(code):
                    where = code.split("(")[0].split()[-1] if "(" in code else code.split()[1]
                if any(re.search(p, code) for p in patterns):
                    places.add(f"{path.relative_to(REPO)}: {where}")
        result[name] = sorted(places)
    return result


def engine_cases_without_shared():
    exe = BUILD / "tests" / "emoscope_integration_tests"
    env = dict(os.environ, EMOSCOPE_SHARED_DIR="/nonexistent", OPENBLAS_NUM_THREADS="2")
    env.pop("CI", None)
    out = subprocess.run([str(exe), "[#test_pipeline],[#test_run]", "-#", "-r", "xml", "-s"],
                         capture_output=True, text=True, env=env).stdout
    cases = re.findall(r'<TestCase name="([^"]*)".*?<OverallResult success="(true|false)"', out, re.S)
    skipped = set(re.findall(r'<TestCase name="([^"]*)"(?:(?!</TestCase>).)*?SKIPPED', out, re.S))
    passed = [name for name, ok in cases if ok == "true" and name not in skipped]
    return len(passed), len(cases), sorted(skipped)


def largest_cpp():
    sizes = [(sum(1 for _ in p.open(errors="replace")), str(p.relative_to(REPO)))
             for d in ("core", "ui", "app") for p in (REPO / d).rglob("*.cpp")]
    return sorted(sizes)[-3:]


def main():
    flags = flag_literals()
    print(f"core string literals naming a CLI flag: {len(flags)} {flags if flags else ''}")
    torch, total = torch_files()
    print(f"core/ui/app files compiled with LibTorch flags: {len(torch)} of {total}: "
          + ", ".join(Path(f).name for f in torch))
    for name, places in decisions().items():
        print(f"places deciding {name}: {len(places)}: {', '.join(places)}")
    passed, cases, skipped = engine_cases_without_shared()
    print(f"engine and pipeline cases passing without ../shared: {passed} of {cases}"
          + (f" (skipped: {'; '.join(skipped)})" if skipped else ""))
    print("largest .cpp (lines): " + ", ".join(f"{path} {n}" for n, path in largest_cpp()))


if __name__ == "__main__":
    main()
