"""Bad input against emoscope-cli: every case is generated here, at test time (no junk is
committed), and checks the exit code, the message, and that nothing crashed or hung.

Exit codes (docs/cli.md): 0 ok, 2 usage, 3 unreadable input, 4 model, 5 output not writable.
A crash is a negative return code (a signal) or 134/139; a hang is the timeout.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import pytest

from conftest import MESSI, REPO

OK, USAGE, UNREADABLE, MODEL, OUTPUT = 0, 2, 3, 4, 5
TIMEOUT_S = 60


# ---- generated inputs ----------------------------------------------------------------------

def _png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG whose header claims width x height, with a tiny IDAT and IEND (a bomb's header)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))


def _jpeg_claiming(path: Path, width: int, height: int) -> None:
    """A small real JPEG whose SOF frame header is rewritten to claim width x height."""
    data = bytearray(cv2.imencode(".jpg", np.full((16, 16, 3), 128, np.uint8))[1].tobytes())
    i = 2
    while i < len(data):
        marker = data[i + 1]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            data[i + 5:i + 7] = height.to_bytes(2, "big")
            data[i + 7:i + 9] = width.to_bytes(2, "big")
            break
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    path.write_bytes(bytes(data))


def _flip_bytes(src: Path, dst: Path, offset: int, count: int = 64) -> None:
    data = bytearray(src.read_bytes())
    for k in range(count):
        data[offset + k] ^= 0xFF
    dst.write_bytes(bytes(data))


def _weight_offset(model: Path) -> int:
    """File offset inside the largest weight record of a TorchScript archive."""
    with zipfile.ZipFile(model) as z:
        info = max((i for i in z.infolist() if "/data/" in i.filename), key=lambda i: i.file_size)
    with open(model, "rb") as f:
        f.seek(info.header_offset + 26)
        name_len, extra_len = (int.from_bytes(f.read(2), "little") for _ in range(2))
    return info.header_offset + 30 + name_len + extra_len + info.file_size // 2


def _video(path: Path, size=(160, 120), frames=12, fourcc="MJPG") -> None:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 10, size)
    assert w.isOpened(), f"cannot write {path}"
    rng = np.random.default_rng(3)
    for _ in range(frames):
        w.write(rng.integers(0, 255, (size[1], size[0], 3), np.uint8))
    w.release()


@pytest.fixture(scope="session")
def bad(tmp_path_factory, test_models) -> Path:
    """A folder of generated bad (and a few good) inputs."""
    d = tmp_path_factory.mktemp("bad")
    d.chmod(0o755)
    jpg = MESSI.read_bytes()
    png = cv2.imencode(".png", cv2.imread(str(MESSI)))[1].tobytes()
    (d / "good.jpg").write_bytes(jpg)
    (d / "good.png").write_bytes(png)
    (d / "empty.jpg").write_bytes(b"")
    for frac in (0.1, 0.5, 0.9):
        (d / f"trunc{int(frac * 100)}.jpg").write_bytes(jpg[:int(len(jpg) * frac)])
        (d / f"trunc{int(frac * 100)}.png").write_bytes(png[:int(len(png) * frac)])
    (d / "zeroed_header.jpg").write_bytes(b"\0" * 16 + jpg[16:])
    (d / "random.jpg").write_bytes(np.random.default_rng(1).integers(0, 256, 5000, np.uint8).tobytes())
    (d / "random.png").write_bytes(np.random.default_rng(2).integers(0, 256, 5000, np.uint8).tobytes())
    (d / "text.jpg").write_text("this is not an image\n")
    (d / "png_named.jpg").write_bytes(png)
    os.mkfifo(d / "fifo.jpg")
    os.mkfifo(d / "fifo.mp4")
    os.mkfifo(d / "fifo.pt")
    os.mkfifo(d / "fifo.onnx")
    (d / "folder.jpg").mkdir()
    for name, shape in {"1x1": (1, 1), "3x20000": (3, 20000), "20000x3": (20000, 3), "700x1": (1, 700),
                        "1x700": (700, 1), "2x2": (2, 2)}.items():
        cv2.imwrite(str(d / f"size_{name}.png"), np.full(shape + (3,), 90, np.uint8))
    cv2.imwrite(str(d / "grey.png"), cv2.imread(str(MESSI), cv2.IMREAD_GRAYSCALE))
    cv2.imwrite(str(d / "deep16.png"), (cv2.imread(str(MESSI)).astype(np.uint16) * 257))
    cv2.imwrite(str(d / "alpha.png"), cv2.cvtColor(cv2.imread(str(MESSI)), cv2.COLOR_BGR2BGRA))
    _png_header_only(d / "bomb.png", 30000, 30000)
    _png_header_only(d / "wide_bomb.png", 1_000_000, 200)
    _jpeg_claiming(d / "bomb.jpg", 60000, 60000)

    # folders: symlink loop, dangling link, unreadable sub-folder, odd names, nothing
    walk = d / "walk"
    walk.mkdir()
    (walk / "a.jpg").write_bytes(jpg)
    os.symlink("loop1.jpg", walk / "loop2.jpg")
    os.symlink("loop2.jpg", walk / "loop1.jpg")
    os.symlink("missing.jpg", walk / "dangling.jpg")
    os.symlink(".", walk / "self")
    locked = walk / "locked"
    locked.mkdir()
    (locked / "hidden.jpg").write_bytes(jpg)
    locked.chmod(0)
    with open(os.path.join(bytes(walk), b"b\xff\xfe.jpg"), "wb") as f:  # not valid UTF-8
        f.write(jpg)
    (walk / "comma, \"quote\".jpg").write_bytes(jpg)
    (d / "empty_dir").mkdir()

    # videos
    _video(d / "good.avi")
    data = (d / "good.avi").read_bytes()
    (d / "trunc.avi").write_bytes(data[:len(data) // 3])
    (d / "random.mp4").write_bytes(np.random.default_rng(4).integers(0, 256, 20000, np.uint8).tobytes())
    (d / "empty.mp4").write_bytes(b"")
    (d / "text.mp4").write_text("not a video\n")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "nullsrc=s=1000x1:d=0.5:r=10", "-vf", "format=gray",
                    "-c:v", "ffv1", str(d / "1000x1.mkv")], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "nullsrc=s=1x1000:d=0.5:r=10", "-vf", "format=gray",
                    "-c:v", "ffv1", str(d / "1x1000.mkv")], check=True)

    # models
    shipped = REPO / "models" / "happy_sad.pt"
    (d / "model_empty.pt").write_bytes(b"")
    (d / "model_random.pt").write_bytes(np.random.default_rng(5).integers(0, 256, 4096, np.uint8).tobytes())
    (d / "model_text.pt").write_text("model\n")
    (d / "model_half.pt").write_bytes(shipped.read_bytes()[:shipped.stat().st_size // 2])
    _flip_bytes(shipped, d / "model_flipped.pt", _weight_offset(shipped))
    (d / "model_dir.pt").mkdir()
    (d / "detector_random.onnx").write_bytes(np.random.default_rng(6).integers(0, 256, 4096, np.uint8).tobytes())
    (d / "haar_bad.xml").write_text("<opencv_storage><cascade>nonsense</cascade></opencv_storage>\n")
    # a real ONNX network that is not YuNet: the tiny classifier from the test models, exported if possible
    return d


@dataclass
class Case:
    name: str
    args: Callable[[Path, Path], list]   # (bad folder, test models) -> arguments after emoscope-cli
    code: int
    message: str = ""                    # a substring of the error output ("" = no check)
    stdout_check: Callable[[str], None] | None = None


def _img(name):
    return lambda d, m: ["predict", d / name]


def _vid(name, *extra):
    return lambda d, m: ["analyze", d / name, *extra]


def _model(name, folder="bad"):
    return lambda d, m: ["predict", "--model", (d if folder == "bad" else m) / name, MESSI]


def _opt(*args):
    return lambda d, m: list(args)


def _json_lines_ok(stdout: str) -> None:
    for line in stdout.splitlines():
        json.loads(line)


CASES = [
    # images
    Case("image missing", _img("nope.jpg"), UNREADABLE, "no such file"),
    Case("image empty", _img("empty.jpg"), UNREADABLE, "empty file"),
    *[Case(f"jpeg truncated {p}%", _img(f"trunc{p}.jpg"), UNREADABLE, "truncated JPEG") for p in (10, 50, 90)],
    *[Case(f"png truncated {p}%", _img(f"trunc{p}.png"), UNREADABLE, "truncated PNG") for p in (10, 50, 90)],
    Case("jpeg zeroed header", _img("zeroed_header.jpg"), UNREADABLE, "not an image"),
    Case("random bytes .jpg", _img("random.jpg"), UNREADABLE, "not an image"),
    Case("random bytes .png", _img("random.png"), UNREADABLE, "not an image"),
    Case("text named .jpg", _img("text.jpg"), UNREADABLE, "not an image"),
    Case("png named .jpg", _img("png_named.jpg"), OK),
    Case("fifo as image", _img("fifo.jpg"), UNREADABLE, "FIFO"),
    Case("char device as image", lambda d, m: ["predict", "/dev/zero"], UNREADABLE, "character device"),
    Case("empty folder", _img("empty_dir"), UNREADABLE, "no images"),
    Case("folder named .jpg, empty", _img("folder.jpg"), UNREADABLE, "no images"),
    *[Case(f"image {s}", _img(f"size_{s}.png"), OK) for s in ("1x1", "3x20000", "20000x3", "700x1", "1x700", "2x2")],
    *[Case(f"whole-image {s}", lambda d, m, s=s: ["predict", "--whole-image", d / f"size_{s}.png"], OK)
      for s in ("1x1", "3x20000", "700x1")],
    Case("grey png", _img("grey.png"), OK),
    Case("16-bit png", _img("deep16.png"), OK),
    Case("png with alpha", _img("alpha.png"), OK),
    Case("png bomb 30000x30000", _img("bomb.png"), UNREADABLE, "pixel cap"),
    Case("png bomb 1000000x200", _img("wide_bomb.png"), UNREADABLE, "pixel cap"),
    Case("jpeg bomb 60000x60000", _img("bomb.jpg"), UNREADABLE, "pixel cap"),
    Case("--max-pixels below the image", lambda d, m: ["--max-pixels", "0.01", "predict", d / "good.jpg"],
         UNREADABLE, "pixel cap"),
    Case("folder walk: loops, dangling, locked, odd names", lambda d, m: ["predict", d / "walk"], OK,
         stdout_check=lambda out: _walk_check(out)),
    # videos
    Case("video missing", _vid("nope.mp4"), UNREADABLE, "no such file"),
    Case("video empty", _vid("empty.mp4"), UNREADABLE, "empty file"),
    Case("video random bytes", _vid("random.mp4"), UNREADABLE, "not a video"),
    Case("video text", _vid("text.mp4"), UNREADABLE, "not a video"),
    Case("video truncated", _vid("trunc.avi"), UNREADABLE, ""),
    Case("video fifo", _vid("fifo.mp4"), UNREADABLE, "FIFO"),
    Case("video folder", _vid("empty_dir"), UNREADABLE, "folder"),
    Case("video 1000x1", _vid("1000x1.mkv"), OK),
    Case("video 1x1000", _vid("1x1000.mkv"), OK),
    Case("video above --max-pixels", lambda d, m: ["--max-pixels", "0.001", "analyze", d / "good.avi"],
         UNREADABLE, "pixel cap"),
    Case("live from a fifo", lambda d, m: ["live", "--source", d / "fifo.mp4", "--seconds", "1"], UNREADABLE, "FIFO"),
    Case("live from a folder with loops", lambda d, m: ["live", "--source", d / "walk", "--seconds", "3"], OK),
    Case("camera that does not exist", lambda d, m: ["live", "--source", "camera:57", "--seconds", "1"],
         UNREADABLE, "no camera"),
    # models
    Case("model missing", _model("nope.pt"), MODEL, "file not found"),
    Case("model empty", _model("model_empty.pt"), MODEL, "model"),
    Case("model random bytes", _model("model_random.pt"), MODEL, "not a TorchScript model"),
    Case("model text", _model("model_text.pt"), MODEL, "not a TorchScript model"),
    Case("model truncated", _model("model_half.pt"), MODEL, "model"),
    Case("model 64 bytes flipped", _model("model_flipped.pt"), MODEL, "corrupt"),
    Case("model is a folder", _model("model_dir.pt"), MODEL, "folder"),
    Case("model is a fifo", _model("fifo.pt"), MODEL, "not a regular file"),
    Case("model is /dev/zero", lambda d, m: ["predict", "--model", "/dev/zero", MESSI], MODEL, "not a regular file"),
    Case("model without metadata", _model("no_metadata.pt", "test"), MODEL, "no embedded emoscope.json"),
    Case("model with bad metadata", _model("bad_metadata.pt", "test"), MODEL, "model"),
    Case("model labels != outputs", _model("label_mismatch.pt", "test"), MODEL, "differs from 3 labels"),
    Case("model channels != network", _model("channel_mismatch.pt", "test"), MODEL, "does not accept the input"),
    Case("model not torchscript", _model("not_torchscript.pt", "test"), MODEL, "not a TorchScript model"),
    Case("--device cuda without CUDA", lambda d, m: ["predict", "--device", "cuda", MESSI], MODEL, "CUDA"),
    # detectors
    Case("detector unknown", _opt("predict", "--detector", "magic", MESSI), USAGE, "detector"),
    Case("detector model missing", lambda d, m: ["predict", "--detector-model", d / "nope.onnx", MESSI], MODEL,
         "no such file"),
    Case("detector model random", lambda d, m: ["predict", "--detector-model", d / "detector_random.onnx", MESSI],
         MODEL, "yunet"),
    Case("detector model fifo", lambda d, m: ["predict", "--detector-model", d / "fifo.onnx", MESSI], MODEL, "FIFO"),
    Case("detector: a TorchScript file as YuNet",
         lambda d, m: ["predict", "--detector-model", REPO / "models" / "happy_sad.pt", MESSI], MODEL, "yunet"),
    Case("haar cascade invalid", lambda d, m: ["predict", "--detector", "haar", "--detector-model", d / "haar_bad.xml",
                                               MESSI], MODEL, "cascade"),
    Case("ssd without its model", _opt("predict", "--detector", "ssd", MESSI), MODEL, "needs a model"),
    # options
    *[Case(f"{opt} {val}", lambda d, m, opt=opt, val=val: ["analyze", d / "good.avi", opt, val], USAGE, opt)
      for opt in ("--min-face", "--smoothing", "--track-gap") for val in ("nan", "inf", "-1")],
    Case("--seconds nan", lambda d, m: ["live", "--source", d / "good.avi", "--seconds", "nan"], USAGE, "--seconds"),
    Case("--seconds -5", lambda d, m: ["live", "--source", d / "good.avi", "--seconds", "-5"], USAGE, "--seconds"),
    Case("--max-pixels nan", _opt("--max-pixels", "nan", "predict", MESSI), USAGE, "--max-pixels"),
    Case("--threads -1", _opt("predict", "--threads", "-1", MESSI), USAGE, "--threads"),
    Case("--threads 10000 is capped", _opt("predict", "--threads", "10000", MESSI), OK, "using"),
    Case("--detect-width 0", lambda d, m: ["analyze", d / "good.avi", "--detect-width", "0"], USAGE, "--detect-width"),
    Case("--every 0", lambda d, m: ["analyze", d / "good.avi", "--every", "0"], USAGE, "--every"),
    Case("--detect-every 1e9", lambda d, m: ["analyze", d / "good.avi", "--detect-every", "1000000000"], USAGE,
         "--detect-every"),
    Case("--batch 0", lambda d, m: ["eval", d / "walk", "--batch", "0"], USAGE, "--batch"),
    Case("--device gpu", _opt("predict", "--device", "gpu", MESSI), USAGE, "--device"),
    Case("unknown option", _opt("predict", "--frobnicate", MESSI), USAGE, "frobnicate"),
    Case("no subcommand", _opt(), USAGE, "subcommand"),
    Case("unknown subcommand", _opt("explode"), USAGE, "subcommand"),
    Case("--log-level loud", _opt("--log-level", "loud", "predict", MESSI), USAGE, "--log-level"),
    # eval
    Case("eval missing folder", lambda d, m: ["eval", d / "nope"], UNREADABLE, "not a folder"),
    Case("eval on a file", lambda d, m: ["eval", d / "good.jpg"], UNREADABLE, "not a folder"),
    Case("eval empty folder", lambda d, m: ["eval", d / "empty_dir"], UNREADABLE, "no images"),
    Case("eval votes fifo", lambda d, m: ["eval", d / "walk", "--labels", "ferplus", "--votes", d / "fifo.mp4"],
         UNREADABLE, "FIFO"),
    Case("eval votes missing", lambda d, m: ["eval", d / "walk", "--labels", "ferplus", "--votes", d / "nope.csv"],
         UNREADABLE, "no such file"),
    Case("eval votes not a CSV", lambda d, m: ["eval", d / "walk", "--labels", "ferplus", "--votes", d / "good.jpg"],
         UNREADABLE, ""),
]


def _walk_check(stdout: str) -> None:
    lines = [json.loads(line) for line in stdout.splitlines()]
    names = sorted(Path(line["image"]).name for line in lines)
    assert "a.jpg" in names and 'comma, "quote".jpg' in names, names
    assert any(n.startswith("b") and "\ufffd" in n for n in names), names  # invalid UTF-8 shown as U+FFFD
    assert all(line["error"] is None for line in lines), lines


def _run(cli, args, **kwargs):
    try:
        return cli(*args, timeout=TIMEOUT_S, **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung: emoscope-cli {' '.join(map(str, args))} ran past {TIMEOUT_S} s")


def _assert_clean(r, case_name):
    assert r.returncode >= 0 and r.returncode not in (134, 136, 139), \
        f"{case_name}: crashed (rc {r.returncode})\n{r.stderr[-2000:]}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(cli, bad, test_models, case):
    r = _run(cli, case.args(bad, test_models))
    _assert_clean(r, case.name)
    assert r.returncode == case.code, f"{case.name}: rc {r.returncode}, expected {case.code}\n{r.stderr[-2000:]}"
    if case.message:
        assert case.message.lower() in r.stderr.lower(), f"{case.name}: no '{case.message}' in\n{r.stderr[-2000:]}"
    if case.stdout_check:
        case.stdout_check(r.stdout)
    elif r.stdout.startswith("{"):
        _json_lines_ok(r.stdout)


# ---- outputs: special files, symlinks, modes, full disks ----------------------------------

OUTPUT_TARGETS = {
    "/dev/null": lambda d: Path("/dev/null"),
    "fifo": lambda d: d / "fifo.jpg",
    "folder": lambda d: d / "empty_dir",
    "missing folder": lambda d: d / "no" / "such" / "out",
}


@pytest.mark.parametrize("flag", ["--summary", "--csv", "--out-video"])
@pytest.mark.parametrize("target", list(OUTPUT_TARGETS))
def test_outputs_refuse_special_paths(cli, bad, flag, target):
    path = OUTPUT_TARGETS[target](bad)
    before = os.lstat(path) if os.path.lexists(path) else None
    r = _run(cli, ["analyze", bad / "good.avi", flag, path])
    _assert_clean(r, f"{flag} {target}")
    assert r.returncode == OUTPUT, r.stderr[-2000:]
    assert "cannot write" in r.stderr, r.stderr[-2000:]
    if before is not None:  # still what it was: not replaced by a regular file
        after = os.lstat(path)
        assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
        assert after.st_ino == before.st_ino


@pytest.mark.parametrize("flag", ["--summary", "--csv", "--out-video"])
def test_outputs_refuse_symlinks_and_keep_the_target(cli, bad, tmp_path, flag):
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "out.link"
    link.symlink_to(target)
    r = _run(cli, ["analyze", bad / "good.avi", flag, link])
    _assert_clean(r, flag)
    assert r.returncode == OUTPUT and "symbolic link" in r.stderr, r.stderr[-2000:]
    assert target.read_text() == "keep me\n"


def test_log_file_refuses_special_files_and_is_private(cli, bad, tmp_path):
    r = _run(cli, ["--log-file", "/dev/null", "predict", MESSI])
    assert r.returncode == OUTPUT and "character device" in r.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    log = tmp_path / "run.log"
    r = _run(cli, ["--log-file", log, "--log-level", "info", "predict", MESSI])
    assert r.returncode == OK, r.stderr
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "loaded model" in log.read_text()


def test_record_folder_is_private(cli, bad, tmp_path):
    rec = tmp_path / "session"
    r = _run(cli, ["live", "--source", bad / "good.avi", "--record", rec, "--seconds", "5"])
    assert r.returncode == OK, r.stderr[-2000:]
    assert stat.S_IMODE(rec.stat().st_mode) == 0o700
    for f in rec.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def _on_small_tmpfs(size_mb, command: list[str], folder: Path) -> subprocess.CompletedProcess:
    """Runs command with a fresh tmpfs of size_mb (MB, or a tmpfs size such as "16800k") mounted
    on folder (a private mount namespace)."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1): cannot mount a small tmpfs to fill")
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces unavailable, cannot mount a small tmpfs: {probe.stderr.decode().strip()}")
    size = f"{size_mb}m" if isinstance(size_mb, int) else size_mb
    script = f'mount -t tmpfs -o size={size} tmpfs "$1" && shift && exec "$@"'
    try:
        return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh",
                               str(folder), *map(str, command)], capture_output=True, text=True, timeout=TIMEOUT_S * 3)
    except subprocess.TimeoutExpired:
        pytest.fail("hung on a full disk")


# MJPEG (6.9 MB) fills 4 MB beyond the 16 MB kept free; H.264 (0.8 MB) fills 400 KiB.
@pytest.mark.parametrize("codec,size", [("mjpeg", 20), ("h264", "16800k")])
def test_full_disk_stops_with_code_5_and_keeps_a_valid_video(cli, bad, tmp_path, shared, codec, size):
    """The hamilton clip fills a small tmpfs (16 MB kept free): rc 5, playable video."""
    clip = shared / "videos" / "ageitgey_face_recognition_short_hamilton_clip.mp4"
    out = tmp_path / "full"
    out.mkdir()
    # The video is checked inside the namespace too: the tmpfs is gone when it exits.
    check = (f'"{cli.path}" analyze "{clip}" --out-video "{out}/a.mkv" --video-codec {codec} '
             f'--csv "{out}/a.csv" --summary "{out}/a.json"; '
             f'rc=$?; ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames '
             f'-of csv=p=0 "{out}/a.mkv"; wc -l < "{out}/a.csv"; python3 -c "import json,sys; '
             f'json.load(open(sys.argv[1]))" "{out}/a.json" && echo summary-ok; exit $rc')
    r = _on_small_tmpfs(size, ["sh", "-c", check], out)
    _assert_clean(r, "full disk")
    assert r.returncode == OUTPUT, r.stderr[-2000:]
    assert "disk full" in r.stderr, r.stderr[-2000:]
    frames, csv_lines, summary = r.stdout.split()[-3:]
    assert int(frames) > 0, r.stdout
    assert int(csv_lines) > 1 and summary == "summary-ok", r.stdout


def test_csv_onto_a_full_disk_is_code_5(cli, bad, tmp_path):
    out = tmp_path / "tiny"
    out.mkdir()
    filler = f'head -c 100000000 /dev/zero > "{out}/filler" 2>/dev/null; ' \
             f'exec "{cli.path}" analyze "{bad / "good.avi"}" --csv "{out}/a.csv"'
    r = _on_small_tmpfs(1, ["sh", "-c", filler], out)
    _assert_clean(r, "csv on a full disk")
    assert r.returncode == OUTPUT, r.stderr[-2000:]
    assert "cannot write" in r.stderr, r.stderr[-2000:]


# ---- permissions as a normal user -------------------------------------------------------

def test_unreadable_subfolder_as_a_normal_user(cli):
    """Run as nobody when we are root (root reads every folder): the locked folder is skipped."""
    import tempfile
    walk = Path(tempfile.mkdtemp(prefix="emoscope-walk-"))  # pytest's own folders are 0700
    walk.chmod(0o755)
    (walk / "a.jpg").write_bytes(MESSI.read_bytes())
    (walk / "a.jpg").chmod(0o644)
    (walk / "locked").mkdir()
    (walk / "locked" / "hidden.jpg").write_bytes(MESSI.read_bytes())
    (walk / "locked").chmod(0)
    if os.geteuid() != 0:
        command = [cli.path, "predict", walk]
    elif shutil.which("setpriv"):
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", cli.path, "predict", walk]
    else:
        pytest.skip("root without setpriv: cannot drop privileges")
    try:
        r = subprocess.run(list(map(str, command)), capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail("hung walking a folder with an unreadable sub-folder")
    (walk / "locked").chmod(0o700)
    shutil.rmtree(walk)
    if r.returncode == MODEL and "Permission denied" in r.stderr:
        pytest.skip(f"nobody cannot read the build or models here: {r.stderr.strip()[-200:]}")
    _assert_clean(r, "unreadable sub-folder")
    assert r.returncode == OK, r.stderr[-2000:]
    names = [Path(json.loads(line)["image"]).name for line in r.stdout.splitlines()]
    assert "a.jpg" in names and "hidden.jpg" not in names


# ---- detector models of the wrong kind (the real files from ../shared) ---------------------

def test_ssd_model_given_as_yunet_is_a_model_error(cli, shared):
    """Once "no faces" and rc 0; now the load-time probe fails: rc 4."""
    ssd = shared / "models" / "face_detectors" / "opencv_res10_ssd_tf_uint8" / "opencv_face_detector_uint8.pb"
    r = _run(cli, ["predict", "--detector", "yunet", "--detector-model", ssd, MESSI])
    _assert_clean(r, "ssd as yunet")
    assert r.returncode == MODEL and "yunet detector model" in r.stderr, r.stderr[-2000:]
    yunet = shared / "models" / "face_detectors" / "yunet_2022mar" / "face_detection_yunet_2022mar.onnx"
    r = _run(cli, ["predict", "--detector", "ssd", "--detector-model", yunet, "--detector-config",
                   ssd.with_name("opencv_face_detector.pbtxt"), MESSI])
    _assert_clean(r, "yunet as ssd")
    assert r.returncode == MODEL and "ssd" in r.stderr, r.stderr[-2000:]
