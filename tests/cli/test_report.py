"""emoscope-cli report (docs/report.md): a run's and a study's self-contained HTML report,
loaded in a real browser (Debian's chromium, headless): no script error, every person's
section in the DOM, every chart drawn, a screenshot that is not blank. Bad and partial
inputs: a clear message and a non-zero exit, or a report that says what is missing.
The clips are made at test time from scikit-image's public-domain astronaut photo."""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import ASTRONAUT, REPO

sys.path.insert(0, str(REPO / "tests" / "support"))
from headless_chromium import find_chromium, load, print_pdf  # noqa: E402

OK, USAGE, INPUT, OUTPUT = 0, 2, 3, 5


@pytest.fixture(scope="session")
def chromium():
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but chromium is not installed (scripts/install-deps.sh --dev)")
        pytest.skip("chromium is not installed: the report is not checked in a browser (apt-get install chromium)")
    return path


def make_clip(path: Path, faces: int, seconds=2.4, fps=10):
    """The astronaut panning slowly; with faces=2 beside her mirror image (two people in every frame)."""
    if faces == 1:
        graph = ["-vf", "scale=480:480,crop=400:300:x='40+20*sin(t)':y='30+10*cos(t)'"]
    else:
        graph = ["-filter_complex", "[0]scale=360:360,crop=280:280:x='30+15*sin(t)':y='15+8*cos(t)',split[a][b];"
                                    "[b]hflip,eq=brightness=0.05[c];[a][c]hstack"]
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-i", str(ASTRONAUT), "-t", str(seconds), "-r", str(fps),
                    *graph, "-c:v", "mjpeg", "-q:v", "4", str(path)], check=True)


@pytest.fixture(scope="module")
def run_dir(cli, model, tmp_path_factory):
    """One analysed clip with two people: two.mkv, two.csv, two.json."""
    d = tmp_path_factory.mktemp("report-run")
    make_clip(d / "two.mkv", faces=2)
    r = cli("analyze", d / "two.mkv", "--model", model, "--csv", d / "two.csv", "--summary", d / "two.json")
    assert r.returncode == OK, r.stderr
    people = json.loads((d / "two.json").read_text())["people"]
    assert len(people) == 2, people  # the report's checks below count on two people
    return d


def attributes(dom):
    tag = re.search(r"<html[^>]*>", dom)
    assert tag, dom[:500]
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(0)))


def check_in_browser(chromium, html: Path, tmp: Path, charts: int, sections):
    """Loads the report: its script ran to the end without an error, drew `charts` uPlot
    charts, and every id in `sections` is in the DOM; the screenshot is not blank."""
    page = load(chromium, html, tmp / (html.stem + ".png"), size=(1200, 1800))
    assert page.console_errors() == [], page.log[-3000:]
    attrs = attributes(page.dom)
    assert "data-errors" not in attrs, attrs
    assert attrs.get("data-rendered") == str(charts), attrs
    assert 'id="report-done"' in page.dom
    assert page.dom.count('class="uplot') == charts  # uPlot's own root element per chart
    assert 'id="report-errors" class="errors" hidden' in page.dom  # the error box stayed hidden
    for section in sections:
        assert f'id="{section}"' in page.dom, section
    image = cv2.imread(str(page.screenshot))
    assert image is not None and image.shape[0] > 500
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    assert grey.std() > 20, "the screenshot is (nearly) blank"
    assert (grey < 128).mean() > 0.01, "nothing dark (no text, no pictures) on the screenshot"
    # Colour: the label colours of the charts and bars and the photos, not only black on white.
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    assert (hsv[..., 1] > 80).mean() > 0.002
    return page


def self_contained(text):
    """Nothing is fetched: no external src, href to a stylesheet or script, or url() in CSS."""
    assert not re.search(r'<script[^>]*\ssrc=', text)
    assert not re.search(r'<link[^>]*\shref=', text)
    assert not re.search(r'<img[^>]*\ssrc="(?!data:image/jpeg;base64,)', text)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", text)
    assert "@import" not in text


def test_run_report(cli, run_dir, chromium, tmp_path):
    out = tmp_path / "two.html"
    r = cli("report", run_dir / "two.json", "--out", out)
    assert r.returncode == OK, r.stderr
    assert "report: " in r.stderr and "2 people" in r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text()
    self_contained(text)
    summary = json.loads((run_dir / "two.json").read_text())
    header = summary["header"]
    # What was analysed and how: from the summary's header.
    for fact in (header["source"]["name"], header["model"]["name"], header["model"]["version"], header["start_time"],
                 header["detector"]["kind"], "neutral prior", header["identity"]["embedder"]["name"]):
        assert fact in text, fact
    assert "uPlot" in text and "MIT" in text  # the vendored library and its licence travel with the file
    # Per person: a portrait and one strongest moment per label, cut from the video.
    labels = header["model"]["labels"]
    assert text.count("data:image/jpeg;base64,") == 2 * (1 + len(labels))
    for p in summary["people"]:
        section = text[text.index(f'id="person-P{p["id"]}"'):]
        assert f'{100 * p["label_share"][summary["people"][0]["dominant_label"]]:.1f} %' in section
    assert 'id="warnings"' not in text  # nothing is missing
    # The thumbnails are the faces: the portrait's picture is the box the summary names, cut from the video.
    first = summary["people"][0]["portrait"]
    assert first is not None
    check_in_browser(chromium, out, tmp_path, charts=1 + 2, sections=["how", "quality", "overview", "person-P1", "person-P2", "meaning"])
    # Printable: each person starts a page of their own (the print stylesheet).
    assert print_pdf(chromium, out, tmp_path / "two.pdf") >= 1 + 2


def test_report_refuses_to_replace_and_replaces_with_force(cli, run_dir, tmp_path):
    out = tmp_path / "mine.html"
    out.write_text("the user's own file")
    r = cli("report", run_dir / "two.json", "--out", out)
    assert r.returncode == OUTPUT
    assert "exists" in r.stderr and "--force" in r.stderr
    assert out.read_text() == "the user's own file"
    r = cli("report", run_dir / "two.json", "--out", out, "--force")
    assert r.returncode == OK, r.stderr
    assert out.read_text().startswith("<!DOCTYPE html>")
    # Never the report's own inputs, even with --force.
    r = cli("report", run_dir / "two.json", "--out", run_dir / "two.csv", "--force")
    assert r.returncode == OUTPUT and "input" in r.stderr
    assert (run_dir / "two.csv").read_text().startswith("time_ms,")
    # An output folder that does not exist.
    r = cli("report", run_dir / "two.json", "--out", tmp_path / "no" / "such" / "folder" / "r.html")
    assert r.returncode == OUTPUT


def copy_run(run_dir, dest: Path, video=True):
    dest.mkdir()
    for name in ("two.json", "two.csv") + (("two.mkv",) if video else ()):
        shutil.copy(run_dir / name, dest / name)
    return dest


def test_bad_summaries(cli, run_dir, tmp_path):
    out = tmp_path / "r.html"
    r = cli("report", tmp_path / "missing.json", "--out", out)
    assert r.returncode == INPUT and "missing.json" in r.stderr
    cut = tmp_path / "cut"
    copy_run(run_dir, cut)
    text = (cut / "two.json").read_text()
    (cut / "two.json").write_text(text[: len(text) // 2])  # a summary cut short
    r = cli("report", cut / "two.json", "--out", out)
    assert r.returncode == INPUT and "not valid JSON" in r.stderr and "two.json" in r.stderr
    (cut / "two.json").write_text('{"hello": "world"}')
    r = cli("report", cut / "two.json", "--out", out)
    assert r.returncode == INPUT and "not an Emoscope summary" in r.stderr
    (cut / "two.json").write_bytes(os.urandom(4096))
    r = cli("report", cut / "two.json", "--out", out)
    assert r.returncode == INPUT
    assert not out.exists()


def test_missing_and_broken_csv(cli, run_dir, tmp_path):
    out = tmp_path / "r.html"
    d = copy_run(run_dir, tmp_path / "nocsv")
    (d / "two.csv").unlink()
    r = cli("report", d / "two.json", "--out", out)
    assert r.returncode == INPUT and "no frames CSV" in r.stderr and "two.csv" in r.stderr
    (d / "two.csv").write_text("not,a,frames,file\n1,2,3,4\n")
    r = cli("report", d / "two.json", "--out", out)
    assert r.returncode == INPUT and "not an Emoscope frames CSV" in r.stderr
    # Named with --csv from elsewhere.
    r = cli("report", d / "two.json", "--out", out, "--csv", run_dir / "two.csv")
    assert r.returncode == OK, r.stderr
    assert not out.read_text().count('id="warnings"')


def test_truncated_csv_gives_a_report_that_says_so(cli, run_dir, chromium, tmp_path):
    d = copy_run(run_dir, tmp_path / "cut")
    text = (d / "two.csv").read_text()
    (d / "two.csv").write_text(text[: int(len(text) * 0.6)])  # killed mid-row
    out = tmp_path / "cut.html"
    r = cli("report", d / "two.json", "--out", out)
    assert r.returncode == OK, r.stderr
    assert "middle of a row" in r.stderr and "incomplete" in r.stderr
    html = out.read_text()
    assert 'id="warnings"' in html and "middle of a row" in html
    check_in_browser(chromium, out, tmp_path, charts=3, sections=["warnings", "person-P1", "person-P2"])


def test_missing_video_gives_no_thumbnails_and_a_warning(cli, run_dir, tmp_path):
    d = copy_run(run_dir, tmp_path / "novideo", video=False)
    summary = json.loads((d / "two.json").read_text())
    summary["header"]["source"]["name"] = str(tmp_path / "gone" / "two.mkv")
    (d / "two.json").write_text(json.dumps(summary))
    out = tmp_path / "nv.html"
    r = cli("report", d / "two.json", "--out", out)
    assert r.returncode == OK, r.stderr
    assert "video was not found" in r.stderr
    html = out.read_text()
    assert "data:image/jpeg" not in html and "no thumbnails" in html
    # Found beside the summary by its name; --video names it; --no-thumbnails leaves them out.
    shutil.copy(run_dir / "two.mkv", d / "two.mkv")
    r = cli("report", d / "two.json", "--out", out, "--force")
    assert r.returncode == OK and "data:image/jpeg" in out.read_text()
    (d / "two.mkv").rename(d / "elsewhere.mkv")
    r = cli("report", d / "two.json", "--out", out, "--force", "--video", d / "elsewhere.mkv")
    assert r.returncode == OK and "data:image/jpeg" in out.read_text()
    r = cli("report", d / "two.json", "--out", out, "--force", "--no-thumbnails")
    assert r.returncode == OK and "data:image/jpeg" not in out.read_text()


@pytest.fixture(scope="module")
def study(cli, model, tmp_path_factory):
    """A batch of three inputs: two clips and a broken file (it fails alone)."""
    d = tmp_path_factory.mktemp("report-study")
    inputs = d / "study"
    inputs.mkdir()
    make_clip(inputs / "one.mkv", faces=1)
    make_clip(inputs / "two.mkv", faces=2)
    (inputs / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(2000))
    r = cli("batch", inputs, "--out", d / "results", "--model", model, "--jobs", "1")
    assert r.returncode == 6, r.stderr  # some inputs failed
    return d


def test_study_report(cli, study, chromium, tmp_path):
    results = study / "results"
    out = tmp_path / "study.html"
    r = cli("report", results, "--out", out, "--each-input")
    assert r.returncode == OK, r.stderr
    assert "3 inputs" in r.stderr and "2 input report(s) written" in r.stderr
    html = out.read_text()
    self_contained(html)
    for key, status in (("broken", "failed"), ("one", "done"), ("two", "done")):
        row = re.search(rf'<tr class="status-{status}" data-input="{key}">.*?</tr>', html)
        assert row, key
        if status == "done":
            link = re.search(r'href="([^"]+)"', row.group(0)).group(1)
            assert (out.parent / link).resolve() == (results / key / "summary.report.html").resolve()
            assert (results / key / "summary.report.html").exists()
    summary = json.loads((results / "two" / "summary.json").read_text())
    labels = summary["header"]["model"]["labels"]
    page = check_in_browser(chromium, out, tmp_path, charts=len(labels), sections=["inputs", "shares", "study-people", "meaning"])
    assert page.dom.count("<tr") >= 3 + 3  # inputs and people rows
    # An input's own report, from the batch folder (its video found as the summary names it).
    own = results / "two" / "summary.report.html"
    assert own.read_text().count("data:image/jpeg;base64,") > 0
    check_in_browser(chromium, own, tmp_path, charts=3, sections=["person-P1", "person-P2"])
    # Again: the inputs' reports exist and are kept, not replaced, without --force.
    before = own.stat().st_mtime_ns
    r = cli("report", results, "--out", out, "--each-input", "--force")
    assert r.returncode == OK
    assert own.stat().st_mtime_ns != before  # --force replaces them too
    r = cli("report", results, "--out", tmp_path / "again.html", "--each-input")
    assert r.returncode == OK and "0 input report(s) written" in r.stderr


def test_study_of_what_is_not_a_batch_folder(cli, tmp_path):
    r = cli("report", tmp_path, "--out", tmp_path / "r.html")
    assert r.returncode == INPUT and "not a batch folder" in r.stderr
    r = cli("report", "--out", tmp_path / "r.html")
    assert r.returncode == USAGE
    r = cli("report", tmp_path)
    assert r.returncode == USAGE and "--out" in r.stderr
