"""The installed layout: `cmake --install` into a temporary prefix, then
<prefix>/bin/emoscope-cli run from another folder with no EMOSCOPE_* variables
finds its model and YuNet in <prefix>/share/emoscope, never in the source tree; the
documentation lands in <prefix>/share/doc/emoscope with its links intact."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ASTRONAUT, REPO, shared_dir

OK, MODEL = 0, 4
DEFAULT_MODEL = "happy_neutral_sad.pt"  # kDefaultModelFile in core/include/emoscope/resources.hpp
YUNET = "face_detection_yunet_2022mar.onnx"


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMOSCOPE_")}
    env.update(extra)
    return env


def run(exe, *args, cwd, env):
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    build = Path(os.environ.get("EMOSCOPE_BUILD_DIR", REPO / "build" / "release"))
    cmake = os.environ.get("CMAKE_COMMAND", "cmake")
    p = tmp_path_factory.mktemp("prefix")
    r = subprocess.run([cmake, "--install", str(build), "--prefix", str(p)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return p


def test_the_binaries_hold_no_source_or_shared_path(cli):
    data = Path(cli.path).read_bytes()
    for path in {str(REPO), os.path.realpath(REPO), str(shared_dir()), os.path.realpath(shared_dir())}:
        assert path.encode() not in data, f"{cli.path} contains {path}"
    gui = Path(cli.path).parent / "emoscope"
    if gui.exists():
        assert str(REPO).encode() not in gui.read_bytes()


def test_install_puts_binaries_models_and_yunet_under_the_prefix(prefix):
    assert os.access(prefix / "bin" / "emoscope-cli", os.X_OK)
    data = prefix / "share" / "emoscope"
    assert (data / "models" / DEFAULT_MODEL).stat().st_size == (REPO / "models" / DEFAULT_MODEL).stat().st_size
    assert (data / "detectors" / YUNET).stat().st_size == 345478
    assert "Shiqi Yu" in (data / "detectors" / "LICENSE-yunet").read_text()


def test_installed_cli_predicts_from_another_folder_without_variables(prefix, tmp_path):
    r = run(prefix / "bin" / "emoscope-cli", "predict", ASTRONAUT, cwd=tmp_path, env=clean_env())
    assert r.returncode == OK, r.stderr
    [face] = json.loads(r.stdout)["faces"]
    assert set(face["probabilities"]) == {"happy", "neutral", "sad"}   # the shipped default model
    assert 0.6 <= face["face_score"] <= 1.0  # the shipped YuNet, the default detector


def test_the_installed_cli_uses_the_prefix_data_not_the_source_tree(prefix, tmp_path, test_models):
    """A copy of the install whose default model is another one (labels a, b, c)
    and which lacks YuNet: the CLI follows that copy."""
    copy = tmp_path / "copy"
    shutil.copytree(prefix / "bin", copy / "bin")
    shutil.copytree(prefix / "share" / "emoscope", copy / "share" / "emoscope")
    shutil.copy(test_models / "tiny_rgb.pt", copy / "share" / "emoscope" / "models" / DEFAULT_MODEL)
    exe = copy / "bin" / "emoscope-cli"
    r = run(exe, "predict", ASTRONAUT, cwd=tmp_path, env=clean_env())
    assert r.returncode == OK, r.stderr
    assert set(json.loads(r.stdout)["faces"][0]["probabilities"]) == {"a", "b", "c"}

    (copy / "share" / "emoscope" / "detectors" / YUNET).unlink()
    r = run(exe, "predict", ASTRONAUT, cwd=tmp_path, env=clean_env())
    assert r.returncode == MODEL
    assert str(copy / "share" / "emoscope" / "detectors" / YUNET) in r.stderr
    r = run(exe, "predict", "--detector", "haar", ASTRONAUT, cwd=tmp_path, env=clean_env())
    assert r.returncode == OK, r.stderr  # Haar needs no shipped file


def test_a_lone_binary_says_where_it_looked_and_honours_the_overrides(prefix, tmp_path, model):
    lone = tmp_path / "lone" / "bin"
    lone.mkdir(parents=True)
    exe = lone / "emoscope-cli"
    shutil.copy(prefix / "bin" / "emoscope-cli", exe)
    r = run(exe, "predict", ASTRONAUT, cwd=tmp_path, env=clean_env())
    assert r.returncode == MODEL
    assert "cannot find Emoscope's data folder" in r.stderr and str(lone) in r.stderr
    assert "EMOSCOPE_DATA_DIR" in r.stderr

    data = prefix / "share" / "emoscope"
    r = run(exe, "predict", ASTRONAUT, cwd=tmp_path, env=clean_env(EMOSCOPE_DATA_DIR=str(data)))
    assert r.returncode == OK, r.stderr
    assert json.loads(r.stdout)["faces"][0]["face_score"] > 0
    # --model and $EMOSCOPE_MODEL need no data folder for the model; YuNet still does.
    r = run(exe, "predict", "--model", model, "--detector", "haar", ASTRONAUT, cwd=tmp_path, env=clean_env())
    assert r.returncode == OK, r.stderr
    r = run(exe, "predict", "--detector", "haar", ASTRONAUT, cwd=tmp_path, env=clean_env(EMOSCOPE_MODEL=str(model)))
    assert r.returncode == OK, r.stderr


APP_ID = "io.github.emoscope.Emoscope"


def test_install_has_a_menu_entry_icons_metainfo_and_man_pages(prefix):
    share = prefix / "share"
    desktop = share / "applications" / f"{APP_ID}.desktop"
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    assert "Exec=emoscope %f" in desktop.read_text()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").read_text().startswith("<svg")
    for size in (16, 32, 48, 64, 128, 256, 512):
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        import cv2
        assert cv2.imread(str(png), cv2.IMREAD_UNCHANGED).shape[:2] == (size, size), png
    for exe in ("emoscope-cli", "emoscope"):
        page = share / "man" / "man1" / f"{exe}.1"
        text = page.read_text()
        assert f".TH {exe.upper()}" in text and r"\-\-version" in text, page
        if exe == "emoscope-cli":  # --help, and so the man page, says where the full documentation is
            assert "share/doc/emoscope/docs/cli.md" in text, page
    for tool, args in (("desktop-file-validate", [desktop]), ("appstreamcli", ["validate", "--no-net", metainfo])):
        if shutil.which(tool) is None:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{tool} missing under CI (scripts/install-deps.sh installs it)")
            pytest.skip(f"{tool} not installed")
        r = subprocess.run([tool, *map(str, args)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


def test_install_has_the_documentation_with_working_links(prefix):
    doc = prefix / "share" / "doc" / "emoscope"
    pages = [Path("README.md"), Path("LICENSE"), *(p.relative_to(REPO) for p in (REPO / "docs").glob("*.md")),
             *(p.relative_to(REPO) for p in (REPO / "docs" / "screenshots").glob("*.png")),
             *(p.relative_to(REPO) for p in (REPO / "models").glob("*.md"))]
    assert len(pages) > 15
    for page in pages:
        assert (doc / page).read_bytes() == (REPO / page).read_bytes(), page
    # The installed copy's links between pages and to images work (the sources they name are not installed).
    r = subprocess.run([sys.executable, str(REPO / "tests" / "tools" / "check_links.py"), str(doc), "--pages-only"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cpack_builds_a_deb_with_library_dependencies(tmp_path):
    build = Path(os.environ.get("EMOSCOPE_BUILD_DIR", REPO / "build" / "release"))
    cpack = Path(os.environ.get("CMAKE_COMMAND", "cmake")).with_name("cpack")
    r = subprocess.run([str(cpack), "--config", str(build / "CPackConfig.cmake"), "-B", str(tmp_path)],
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    [deb] = list(tmp_path.glob("emoscope_*.deb"))
    fields = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Version", "Depends"],
                            capture_output=True, text=True).stdout
    assert "Package: emoscope" in fields and "Version: 0." in fields
    for lib in ("libtorch", "libopencv", "libqt6", "libspdlog"):
        assert lib in fields, fields
    files = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    for path in ("./usr/bin/emoscope-cli", "./usr/bin/emoscope", f"./usr/share/applications/{APP_ID}.desktop",
                 "./usr/share/emoscope/models/happy_neutral_sad.pt", "./usr/share/man/man1/emoscope-cli.1",
                 "./usr/share/doc/emoscope/README.md", "./usr/share/doc/emoscope/docs/cli.md"):
        assert path in files, path
    # The package works on its own: unpacked (dpkg -x), its emoscope-cli finds its model and detector.
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    r = run(root / "usr" / "bin" / "emoscope-cli", "predict", ASTRONAUT, cwd=tmp_path, env=clean_env())
    assert r.returncode == OK, r.stderr
    [face] = json.loads(r.stdout)["faces"]
    assert set(face["probabilities"]) == {"happy", "neutral", "sad"} and face["face_score"] > 0.6


def test_installed_cli_writes_a_report_from_another_folder(prefix, tmp_path):
    """The report's scripts, styles and uPlot are compiled in: nothing to find at run time."""
    env = clean_env()
    r = run(prefix / "bin" / "emoscope-cli", "analyze", ASTRONAUT, "--csv", "a.csv", "--summary", "a.json",
            cwd=tmp_path, env=env)
    assert r.returncode == OK, r.stderr
    r = run(prefix / "bin" / "emoscope-cli", "report", "a.json", "--out", "a.html", cwd=tmp_path, env=env)
    assert r.returncode == OK, r.stderr
    html = (tmp_path / "a.html").read_text()
    assert "uPlot" in html and 'id="person-P1"' in html and "data:image/jpeg;base64," in html
    assert "Leon Sorokin" in (prefix / "share" / "doc" / "emoscope" / "LICENSE-uplot").read_text()
