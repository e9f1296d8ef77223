"""emoscope-cli end to end: real images, videos and models; exit codes; crash safety."""
import csv
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import ASTRONAUT, MESSI

OK, USAGE, UNREADABLE, MODEL, OUTPUT = 0, 2, 3, 4, 5


def json_lines(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def ffprobe_frames(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                          "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True)
    return int(out.stdout.strip() or -1)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# ---- predict ---------------------------------------------------------------

@pytest.mark.parametrize("image", [ASTRONAUT, MESSI], ids=["astronaut", "messi"])
def test_predict_finds_one_face_in_real_photos(cli, model, image):
    """The default detector (YuNet, shipped) finds the face and scores it."""
    r = cli("predict", "--model", model, image)
    assert r.returncode == OK, r.stderr
    [line] = json_lines(r.stdout)
    assert line["image"] == str(image)
    assert line["error"] is None
    assert len(line["faces"]) == 1
    face = line["faces"][0]
    assert len(face["box"]) == 4 and all(isinstance(v, int) for v in face["box"])
    assert 0.6 <= face["face_score"] <= 1.0
    assert face["label"] in ("happy", "sad")
    assert set(face["probabilities"]) == {"happy", "sad"}
    assert abs(sum(face["probabilities"].values()) - 1.0) < 1e-4
    assert face["confidence"] == max(face["probabilities"].values())


def test_predict_bad_images_get_an_error_and_the_run_goes_on(cli, model, tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    ok, buf = cv2.imencode(".jpg", np.full((200, 200, 3), 128, np.uint8))
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(buf.tobytes()[:100])
    missing = tmp_path / "missing.jpg"
    r = cli("predict", "--model", model, missing, empty, text, truncated, ASTRONAUT)
    assert r.returncode == UNREADABLE
    lines = json_lines(r.stdout)
    assert [l["image"] for l in lines] == [str(p) for p in (missing, empty, text, truncated, ASTRONAUT)]
    for l in lines[:4]:
        assert l["error"] and l["faces"] == []
    assert "no such file" in lines[0]["error"]
    assert "empty" in lines[1]["error"]
    assert lines[4]["error"] is None and len(lines[4]["faces"]) == 1


def test_predict_whole_image_treats_the_image_as_one_face(cli, model, tmp_path):
    face = cv2.imread(str(ASTRONAUT))[60:170, 170:280]
    path = tmp_path / "face.png"
    cv2.imwrite(str(path), face)
    r = cli("predict", "--model", model, "--whole-image", path)
    assert r.returncode == OK, r.stderr
    [line] = json_lines(r.stdout)
    assert line["faces"][0]["box"] == [0, 0, 110, 110]


@pytest.mark.parametrize("name,needle", [
    ("not_torchscript.pt", "not a TorchScript model"),
    ("no_metadata.pt", "no embedded emoscope.json"),
    ("label_mismatch.pt", "differs from 3 labels"),
    ("missing.pt", "file not found"),
])
def test_bad_models_exit_4_with_a_clear_message(cli, test_models, name, needle):
    r = cli("predict", "--model", test_models / name, ASTRONAUT)
    assert r.returncode == MODEL
    assert needle in r.stderr
    assert r.stdout == ""


def test_haar_stays_selectable_and_has_no_face_score(cli, model):
    r = cli("predict", "--model", model, "--detector", "haar", ASTRONAUT)
    assert r.returncode == OK, r.stderr
    [face] = json_lines(r.stdout)[0]["faces"]
    assert face["face_score"] is None
    r = cli("predict", "--model", model, "--whole-image", ASTRONAUT)
    assert r.returncode == OK, r.stderr
    assert json_lines(r.stdout)[0]["faces"][0]["face_score"] is None


def test_detector_errors(cli, model, tmp_path):
    r = cli("predict", "--model", model, "--detector", "mtcnn", ASTRONAUT)
    assert r.returncode == USAGE and "unknown detector" in r.stderr
    r = cli("predict", "--model", model, "--detector", "yunet", "--detector-model", tmp_path / "none.onnx", ASTRONAUT)
    assert r.returncode == MODEL and "file not found" in r.stderr
    r = cli("predict", "--model", model, "--detector", "ssd", ASTRONAUT)  # no SSD model is shipped
    assert r.returncode == MODEL and "needs a model file" in r.stderr


def test_dnn_detectors_find_the_face(cli, model, shared):
    d = shared / "models" / "face_detectors"
    for args in (["--detector", "yunet", "--detector-model", d / "yunet_2022mar" / "face_detection_yunet_2022mar.onnx"],
                 ["--detector", "ssd", "--detector-model", d / "opencv_res10_ssd_tf_uint8" / "opencv_face_detector_uint8.pb"]):
        r = cli("predict", "--model", model, *args, ASTRONAUT)
        assert r.returncode == OK, r.stderr
        [face] = json_lines(r.stdout)[0]["faces"]
        assert 0.6 <= face["face_score"] <= 1.0


def test_usage_errors_exit_2(cli):
    assert cli().returncode == USAGE
    assert cli("predict").returncode == USAGE
    assert cli("analyze", "x.mp4", "--every", "0").returncode == USAGE
    assert cli("frobnicate").returncode == USAGE
    assert cli("--help").returncode == OK


def test_missing_camera_exits_3(cli, model):
    start = time.monotonic()
    r = cli("live", "--model", model, "--source", "camera:97", timeout=60)
    assert r.returncode == UNREADABLE
    assert "no camera" in r.stderr
    assert time.monotonic() - start < 30


# ---- analyze ---------------------------------------------------------------

VIDEOS = {
    "justinshenk_fer_test.mp4": (115, OK),
    "ageitgey_face_recognition_short_hamilton_clip.mp4": (275, OK),
    "Syzygy126_Liveness_test.avi": (88, UNREADABLE),  # truncated: 88 of 221 frames decode
}


@pytest.mark.parametrize("video", list(VIDEOS))
def test_analyze_writes_every_frame(cli, model, shared, tmp_path, video):
    frames, code = VIDEOS[video]
    out = tmp_path / "out.mkv"
    table = tmp_path / "out.csv"
    summary = tmp_path / "out.json"
    r = cli("analyze", shared / "videos" / video, "--model", model, "--out-video", out, "--csv", table,
            "--summary", summary)
    assert r.returncode == code, r.stderr
    if code == UNREADABLE:
        assert "truncated" in r.stderr and "88 of 221" in r.stderr
    rows = read_csv(table)
    assert sorted({int(row["frame"]) for row in rows}) == list(range(frames))
    # The default detector (YuNet) scores every face: face_score in (0, 1].
    scores = [float(row["face_score"]) for row in rows if row["face_id"]]
    assert scores and all(0 < s <= 1 for s in scores)
    assert all(row["face_score"] == "" for row in rows if not row["face_id"])
    # One row per face per frame, one row for a frame with no face.
    per_frame = {}
    for row in rows:
        per_frame.setdefault(int(row["frame"]), []).append(row)
    for frame_rows in per_frame.values():
        if any(r["face_id"] == "" for r in frame_rows):
            assert len(frame_rows) == 1
    assert ffprobe_frames(out) == frames
    s = json.loads(summary.read_text())
    assert s["frames"] == frames
    for p in (out, table, summary):
        assert (p.stat().st_mode & 0o777) == 0o600


def test_ids_are_stable_on_a_steady_face(cli, model, shared, tmp_path):
    table = tmp_path / "fer.csv"
    r = cli("analyze", shared / "videos" / "justinshenk_fer_test.mp4", "--model", model, "--csv", table)
    assert r.returncode == OK, r.stderr
    frames = {}
    for row in read_csv(table):
        if row["face_id"]:
            frames.setdefault(int(row["frame"]), []).append(
                (int(row["face_id"]), *(float(row[k]) for k in ("x", "y", "w", "h"))))

    def iou(a, b):
        ax, ay, aw, ah = a
        bx, by, bw, bh = b
        iw = max(0, min(ax + aw, bx + bw) - max(ax, bx))
        ih = max(0, min(ay + ah, by + bh) - max(ay, by))
        inter = iw * ih
        return inter / (aw * ah + bw * bh - inter)

    kept = continued = 0
    for f in sorted(frames):
        for face in frames[f]:
            for prev in frames.get(f - 1, []):
                if iou(face[1:], prev[1:]) > 0.3:
                    continued += 1
                    kept += face[0] == prev[0]
                    break
    assert continued >= 100
    print(f"ID stability: {kept}/{continued} = {kept / continued:.3f}")
    assert kept / continued >= 0.95


def test_analyze_unwritable_output_exits_5(cli, model, shared, tmp_path):
    video = shared / "videos" / "justinshenk_fer_test.mp4"
    r = cli("analyze", video, "--model", model, "--csv", tmp_path / "no" / "such" / "dir" / "x.csv")
    assert r.returncode == OUTPUT and "cannot write" in r.stderr
    r = cli("analyze", video, "--model", model, "--csv", "/dev/full")
    assert r.returncode == OUTPUT and "No space left" in r.stderr


def test_analyze_bad_video_exits_3(cli, model, tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(os.urandom(5000))
    for path in (tmp_path / "missing.mp4", empty, junk):
        r = cli("analyze", path, "--model", model, "--csv", tmp_path / "x.csv")
        assert r.returncode == UNREADABLE, (path, r.stderr)
        assert str(path) in r.stderr


def test_kill_9_mid_analysis_keeps_everything_recorded(cli, model, shared, tmp_path):
    """Crash safety: after SIGKILL both files open and hold all but the last second."""
    out = tmp_path / "crash.mkv"
    table = tmp_path / "crash.csv"
    proc = subprocess.Popen([cli.path, "analyze", shared / "videos" / "ageitgey_face_recognition_short_hamilton_clip.mp4",
                             "--model", model, "--out-video", out, "--csv", table, "--detect-every", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def frames_written():  # frames in the complete rows so far (a frame may have several rows)
        text = table.read_text() if table.exists() else ""
        rows = text[:text.rfind("\n")].split("\n")[1:]
        return int(rows[-1].split(",")[1]) + 1 if rows else 0

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if frames_written() > 64:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the analysis finished before it could be killed"
    text = table.read_text()
    rows = read_csv(table)
    assert text.endswith("\n"), "the CSV ends mid-row"
    last_frame = max(int(r["frame"]) for r in rows)
    assert last_frame > 60
    assert sorted({int(r["frame"]) for r in rows}) == list(range(last_frame + 1))
    video_frames = ffprobe_frames(out)
    print(f"killed after {last_frame + 1} CSV frames; the video holds {video_frames} playable frames")
    # The video holds everything up to the last second (30 fps source).
    assert video_frames >= last_frame + 1 - 30
    cap = cv2.VideoCapture(str(out))
    ok, frame = cap.read()
    assert ok and frame.shape == (360, 640, 3)


# ---- eval and bench --------------------------------------------------------

def test_eval_reports_metrics_and_unknown_folders(cli, model, tmp_path):
    rng = np.random.default_rng(1)
    for cls, n in (("happy", 4), ("sad", 3), ("confused", 2)):
        (tmp_path / cls).mkdir()
        for i in range(n):
            cv2.imwrite(str(tmp_path / cls / f"{i}.png"), rng.integers(0, 255, (48, 48), dtype=np.uint8))
    r = cli("eval", tmp_path, "--model", model, "--whole-image", "--json")
    assert r.returncode == OK, r.stderr
    j = json.loads(r.stdout)
    assert j["images"] == 7
    assert j["unknown_folders"] == ["confused"]
    assert "confused" in r.stderr
    cm = j["confusion_matrix"]
    assert [sum(row) for row in cm] == [4, 3]
    assert 0 <= j["accuracy"] <= 1 and 0 <= j["balanced_accuracy"] <= 1
    assert set(j["per_class"]["happy"]) == {"precision", "recall", "f1", "support"}
    text = cli("eval", tmp_path, "--model", model, "--whole-image")
    assert "confusion matrix" in text.stdout and "balanced accuracy" in text.stdout


def test_eval_without_class_folders_exits_3(cli, model, tmp_path):
    (tmp_path / "cats").mkdir()
    r = cli("eval", tmp_path, "--model", model, "--whole-image")
    assert r.returncode == UNREADABLE
    assert cli("eval", tmp_path / "missing", "--model", model).returncode == UNREADABLE


def test_bench_prints_stage_figures(cli, model, shared):
    r = cli("bench", "--model", model, "--source", shared / "videos" / "justinshenk_fer_test.mp4", "--frames", "50")
    assert r.returncode == OK, r.stderr
    j = json.loads(r.stdout)
    assert j["frames_processed"] == 50
    assert j["fps"] > 0
    for stage in ("decode", "detect", "preprocess", "infer", "annotate", "end_to_end"):
        assert j["stages"][stage]["p95_ms"] >= j["stages"][stage]["p50_ms"] >= 0
