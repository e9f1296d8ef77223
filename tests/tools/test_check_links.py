"""check_links.py on small Markdown trees written at test time: it must find a
missing file, a missing anchor and a long README, and must accept what GitHub
resolves (anchors by GitHub's rules, links in code left alone)."""
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import check_links  # noqa: E402

SCRIPT = Path(__file__).with_name("check_links.py")


def tree(root: Path, files: dict) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def check(root: Path, *args):
    return subprocess.run([sys.executable, str(SCRIPT), str(root), *args], capture_output=True, text=True)


GOOD = {
    "README.md": "# Project\n\n![shot](docs/shots/a.png)\n\nSee [the guide](docs/guide.md#set-up-the-app), "
                 "[models](models/) and [output](docs/guide.md#output-peoplecsv-and-inputscsv).\n"
                 "[web](https://example.org/x.md) [mail](mailto:a@b.c) [top](#project)\n",
    "docs/guide.md": "# Guide\n\n## Set up: the app\n\n### Output (`people.csv` and `inputs.csv`)\n\n"
                     "## Set up: the app\n\nBack to [the README](../README.md#project), "
                     "[the second one](#set-up-the-app-1).\n\n"
                     "```sh\n[not a link](missing.md)\n```\n\nIn code: `[x](missing.md)`.\n",
    "docs/shots/a.png": b"\x89PNG\r\n",
    "models/card.md": "# Model card: face_embedder — 128-d\n\n"
                      "[spec](../docs/guide.md#guide) [self](#model-card-face_embedder--128-d)\n",
}


def test_a_tree_whose_links_resolve_passes(tmp_path):
    r = check(tree(tmp_path, GOOD))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 pages checked" in r.stdout


@pytest.mark.parametrize("page, bad, reason", [
    ("README.md", "[gone](docs/gone.md)", "no such file docs/gone.md"),
    ("README.md", "![gone](docs/shots/b.png)", "no such file docs/shots/b.png"),
    ("README.md", "[anchor](docs/guide.md#no-such-section)", "no heading #no-such-section in docs/guide.md"),
    ("docs/guide.md", "[self](#set-up-the-app-2)", "no heading #set-up-the-app-2"),
    ("models/card.md", "[up](../README.md#readme)", "no heading #readme in README.md"),
    ("docs/guide.md", "[ref]: ../nowhere.md", "no such file ../nowhere.md"),
    ("docs/guide.md", '<img src="shots/c.png">', "no such file shots/c.png"),
])
def test_a_broken_link_fails_and_is_named(tmp_path, page, bad, reason):
    files = dict(GOOD)
    files[page] = files[page] + "\n" + bad + "\n"
    r = check(tree(tmp_path, files))
    assert r.returncode == 1, r.stdout
    assert reason in r.stdout and f"{page}:" in r.stdout, r.stdout


def test_a_long_readme_fails(tmp_path):
    files = dict(GOOD)
    files["README.md"] += "line\n" * 230
    r = check(tree(tmp_path, files))
    assert r.returncode == 1 and "more than 220" in r.stdout, r.stdout
    assert check(tmp_path, "--max-readme-lines", "300").returncode == 0


def test_pages_only_skips_sources_but_not_pages(tmp_path):
    files = dict(GOOD)
    files["README.md"] += "\n[source](core/src/x.cpp)\n"
    assert check(tree(tmp_path, files)).returncode == 1
    assert check(tmp_path, "--pages-only").returncode == 0
    files["README.md"] += "\n[page](docs/other.md)\n"
    assert check(tree(tmp_path, files), "--pages-only").returncode == 1


def test_the_readme_must_hold_the_command_ci_runs(tmp_path):
    command = "./scripts/install-deps.sh && cmake --preset release && ctest --preset release"
    files = dict(GOOD)
    files[".ci/run"] = "#!/bin/sh\nset -e\n" + command + "\n./scripts/fuzz.sh 60\n"
    files["README.md"] += "\n```sh\n" + command + "\n```\n"
    assert check(tree(tmp_path, files)).returncode == 0
    files["README.md"] = files["README.md"].replace(command, command + " -j2")
    r = check(tree(tmp_path, files))
    assert r.returncode == 1 and "lacks .ci/run's test command" in r.stdout, r.stdout


def test_no_readme_is_a_usage_error(tmp_path):
    assert check(tmp_path).returncode == 2


@pytest.mark.parametrize("heading, anchor", [
    ("People: who is who", "people-who-is-who"),
    ("Batch manifest (manifest-IofN.jsonl)", "batch-manifest-manifest-iofnjsonl"),
    ("Template (`measure_face_chip.py`)", "template-measure_face_chippy"),
    ("Model card: face_embedder — 128-d face descriptors", "model-card-face_embedder--128-d-face-descriptors"),
    ("*Emphasis* and [a link](x.md)", "emphasis-and-a-link"),
    ("Input and alignment (the C++ side)", "input-and-alignment-the-c-side"),
])
def test_anchors_follow_githubs_rules(heading, anchor):
    assert check_links.slug(check_links.heading_text(heading)) == anchor
