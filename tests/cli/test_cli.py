"""emoscope-cli end to end: real images, videos and models; exit codes; crash safety."""
import csv
import json
import os
import re
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
    assert r.returncode == MODEL and "no such file" in r.stderr
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
# Frames in the annotated video: it keeps the source's timeline, so where the
# decoded frames' timestamps leave gaps (the AVI's empty "repeat the last frame"
# chunks: frame 1 of the Syzygy clip is at 4.55 s) the frame before is repeated,
# as a player shows it.
VIDEO_FRAMES = {"Syzygy126_Liveness_test.avi": 221}


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
    s = json.loads(summary.read_text())
    assert ffprobe_frames(out) == s["header"]["frames"]["video"] == VIDEO_FRAMES.get(video, frames)
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
    r = cli("analyze", video, "--model", model, "--csv", "/dev/full")  # a device: refused before writing
    assert r.returncode == OUTPUT and "character device" in r.stderr  # (a full disk: tests/badinput)


def test_analyze_bad_video_exits_3(cli, model, tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(os.urandom(5000))
    for path in (tmp_path / "missing.mp4", empty, junk):
        r = cli("analyze", path, "--model", model, "--csv", tmp_path / "x.csv")
        assert r.returncode == UNREADABLE, (path, r.stderr)
        assert str(path) in r.stderr


@pytest.mark.parametrize("ext", ["mkv", "mp4"])  # Matroska, fragmented MP4 (H.264 in both)
def test_kill_9_mid_analysis_keeps_everything_recorded(cli, model, shared, tmp_path, ext):
    """Crash safety: after SIGKILL both files open and hold all but the last two seconds."""
    out = tmp_path / f"crash.{ext}"
    table = tmp_path / "crash.csv"
    proc = subprocess.Popen([cli.path, "analyze", shared / "videos" / "ageitgey_face_recognition_short_hamilton_clip.mp4",
                             "--model", model, "--out-video", out, "--csv", table, "--detect-every", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def frames_written():  # frames in the complete rows so far (a frame may have several rows)
        text = table.read_text() if table.exists() else ""
        rows = text[:text.rfind("\n")].split("\n")[1:]
        return int(rows[-1].split(",")[2]) + 1 if rows else 0  # time_ms,time_s,frame,...

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
    # The video holds everything up to the last two seconds (30 fps source): H.264's encoder
    # holds back ~0.5 s, and a fragment or cluster is written every 0.5 s.
    assert video_frames >= last_frame + 1 - 60
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


# ---- eval --labels ferplus / --classes ----------------------------------------
# brightness.pt (tests/tools/make_test_models.py) has known answers: happy for
# bright faces, sad for dark ones, neutral for mid-grey; with --classes happy,sad
# grey above 127.5 is happy, below it sad.

FERPLUS_HEADER = ("path,split,fer2013_label,fer2013_row,ferplus_neutral,ferplus_happiness,ferplus_surprise,"
                  "ferplus_sadness,ferplus_anger,ferplus_disgust,ferplus_fear,ferplus_contempt,ferplus_unknown,"
                  "ferplus_nf")
FERPLUS_CLASSES = ["neutral", "happy", "surprise", "sad", "angry", "disgust", "fear", "contempt", "unknown",
                   "not_a_face"]

# file under fer2013/test: (grey level, FER+ votes by class or None for empty cells, or "absent": no row)
FAKE_FER = {
    "happy/a.jpg": (230, {"happy": 8, "neutral": 2}),      # happy, predicted happy
    "happy/e.jpg": (230, {"happy": 5, "surprise": 5}),     # tie
    "happy/j.jpg": (230, "absent"),                        # not in the votes file
    "sad/b.jpg": (25, {"neutral": 6, "sad": 4}),           # neutral, predicted sad
    "sad/d.jpg": (25, {"sad": 9, "unknown": 1}),           # sad, predicted sad
    "sad/k.jpg": (112, {"sad": 7}),                        # sad, predicted neutral; sad among happy/sad
    "sad/l.jpg": (144, {"sad": 6, "happy": 1}),            # sad, predicted neutral; happy among happy/sad
    "angry/c.jpg": (128, {"neutral": 7, "angry": 3}),      # neutral in an angry folder, predicted neutral
    "angry/h.jpg": (128, {"not_a_face": 10}),              # not a face
    "angry/i.jpg": (25, {"angry": 8}),                     # angry: not a model class
    "neutral/f.jpg": (128, None),                          # no votes
    "neutral/g.jpg": (128, {"unknown": 6, "neutral": 4}),  # unknown
    "neutral/m.jpg": (128, {"contempt": 5, "neutral": 3}),  # contempt: not a model class
}


def make_fake_fer(root: Path) -> Path:
    """fer2013/test/<class>/<file>.jpg (constant grey faces) and fer2013/ferplus_votes.csv."""
    fer = root / "fer2013"
    rows = [FERPLUS_HEADER,
            "train/happy/z.jpg,train,happy,1,0,10,0,0,0,0,0,0,0,0",      # another split: never walked
            "test/happy/gone.jpg,test,happy,2,0,10,0,0,0,0,0,0,0,0"]     # a row without a file
    for i, (rel, (grey, votes)) in enumerate(sorted(FAKE_FER.items())):
        path = fer / "test" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(path), np.full((48, 48), grey, np.uint8))
        if votes == "absent":
            continue
        cells = [""] * 10 if votes is None else [str(votes.get(c, 0)) for c in FERPLUS_CLASSES]
        rows.append(",".join([f"test/{rel}", "test", rel.split("/")[0], str(100 + i), *cells]))
    (fer / "ferplus_votes.csv").write_text("\r\n".join(rows) + "\r\n")
    return fer


@pytest.fixture
def brightness(test_models) -> Path:
    path = test_models / "brightness.pt"
    if not path.exists():
        pytest.fail(f"{path} is missing: build the emoscope_test_models target")
    return path


def test_eval_ferplus_scores_majority_labels_and_counts_what_it_leaves_out(cli, brightness, tmp_path):
    fer = make_fake_fer(tmp_path)
    r = cli("eval", fer / "test", "--model", brightness, "--whole-image", "--labels", "ferplus", "--json")
    assert r.returncode == OK, r.stderr
    j = json.loads(r.stdout)
    assert j["labels_source"] == "ferplus"
    assert j["votes_file"] == str((fer / "ferplus_votes.csv").resolve())
    assert j["left_out"] == {"not_in_votes_file": 1, "no_votes": 1, "tie": 1, "unknown_or_not_a_face": 2,
                             "class_not_scored": 2}
    assert "no entry for 1 image(s), e.g. 'test/happy/j.jpg'" in r.stderr
    assert j["model_labels"] == j["labels"] == ["happy", "neutral", "sad"]
    assert j["unknown_folders"] == []
    assert j["images"] == 6
    assert j["confusion_matrix"] == [[1, 0, 0],   # a
                                     [0, 1, 1],   # c; b
                                     [0, 2, 1]]   # k, l; d
    assert j["accuracy"] == 3 / 6
    assert j["balanced_accuracy"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 3, abs=1e-12)
    assert j["per_class"]["sad"]["support"] == 3

    # the same with the votes file named explicitly, as text
    text = cli("eval", fer / "test", "--model", brightness, "--whole-image", "--labels", "ferplus",
               "--votes", fer / "ferplus_votes.csv")
    assert text.returncode == OK, text.stderr
    assert "FER+ majority" in text.stdout
    assert ("no votes 1, tie 1, unknown/not-a-face 2, class not scored 2, not in votes file 1"
            in text.stdout)
    assert "accuracy          0.5000" in text.stdout


def test_eval_neutral_prior_shifts_mid_grey_faces_out_of_neutral(cli, brightness, tmp_path):
    # brightness.pt's logits are (z, 0.5, -z): at --neutral-prior 0.5 neutral's logit is in effect
    # 0.5 + ln 0.5 = -0.19, below |z| for every grey level in FAKE_FER, so nothing reads neutral.
    fer = make_fake_fer(tmp_path)
    r = cli("eval", fer / "test", "--model", brightness, "--whole-image", "--labels", "ferplus", "--json",
            "--neutral-prior", "0.5")
    assert r.returncode == OK, r.stderr
    j = json.loads(r.stdout)
    assert j["neutral_prior"] == 0.5
    assert j["confusion_matrix"] == [[1, 0, 0],   # a
                                     [1, 0, 1],   # c (grey 128, z > 0) happy; b sad
                                     [1, 0, 2]]   # l happy; d, k sad
    plain = json.loads(cli("eval", fer / "test", "--model", brightness, "--whole-image", "--labels", "ferplus",
                           "--json").stdout)
    assert plain["neutral_prior"] == 1.0
    for bad in ("0", "-1", "nan", "50"):
        r = cli("eval", fer / "test", "--model", brightness, "--whole-image", "--neutral-prior", bad)
        assert r.returncode == USAGE and "--neutral-prior" in r.stderr, (bad, r.stderr)


def test_eval_classes_scores_the_argmax_over_a_subset(cli, brightness, tmp_path):
    fer = make_fake_fer(tmp_path)
    r = cli("eval", fer / "test", "--model", brightness, "--whole-image", "--labels", "ferplus",
            "--classes", "happy,sad", "--json")
    assert r.returncode == OK, r.stderr
    j = json.loads(r.stdout)
    assert j["labels"] == ["happy", "sad"] and j["model_labels"] == ["happy", "neutral", "sad"]
    assert j["left_out"]["class_not_scored"] == 4  # angry, contempt, and the two neutral majorities
    assert j["images"] == 4
    assert j["confusion_matrix"] == [[1, 0],   # a
                                     [1, 2]]   # l; d, k (neutral is not a choice)
    assert j["accuracy"] == 3 / 4

    # the matrix follows the order given
    r = cli("eval", fer / "test", "--model", brightness, "--whole-image", "--labels", "ferplus",
            "--classes", "sad,happy", "--json")
    j = json.loads(r.stdout)
    assert j["labels"] == ["sad", "happy"] and j["confusion_matrix"] == [[2, 1], [0, 1]]

    # folder labels: only the happy and sad folders are scored
    r = cli("eval", fer / "test", "--model", brightness, "--whole-image", "--classes", "happy,sad", "--json")
    assert r.returncode == OK, r.stderr
    j = json.loads(r.stdout)
    assert j["labels_source"] == "folders" and "left_out" not in j and "votes_file" not in j
    assert j["unknown_folders"] == ["angry", "neutral"]
    assert "folder 'neutral' is not a scored class (happy, sad); skipped" in r.stderr
    assert j["confusion_matrix"] == [[3, 0],   # a, e, j
                                     [1, 3]]   # l; b, d, k
    assert j["accuracy"] == 6 / 7

    # all the model's labels without --classes
    r = cli("eval", fer / "test", "--model", brightness, "--whole-image", "--json")
    j = json.loads(r.stdout)
    assert j["labels"] == ["happy", "neutral", "sad"] and j["unknown_folders"] == ["angry"]
    assert j["confusion_matrix"] == [[3, 0, 0], [0, 3, 0], [0, 2, 2]]
    assert j["accuracy"] == 8 / 10


def test_eval_label_and_class_errors(cli, brightness, tmp_path):
    fer = make_fake_fer(tmp_path)
    test = fer / "test"
    r = cli("eval", test, "--model", brightness, "--whole-image", "--classes", "happy,angry")
    assert r.returncode == USAGE
    assert "'angry' is not one of the model's labels (happy, neutral, sad)" in r.stderr
    r = cli("eval", test, "--model", brightness, "--whole-image", "--classes", "sad,sad")
    assert r.returncode == USAGE and "given twice" in r.stderr
    r = cli("eval", test, "--model", brightness, "--whole-image", "--votes", fer / "ferplus_votes.csv")
    assert r.returncode == USAGE and "--votes needs --labels ferplus" in r.stderr
    assert cli("eval", test, "--model", brightness, "--labels", "fer2013").returncode == USAGE

    # missing, malformed and mismatched votes files: unreadable input
    r = cli("eval", test, "--model", brightness, "--whole-image", "--labels", "ferplus",
            "--votes", tmp_path / "none.csv")
    assert r.returncode == UNREADABLE and "none.csv: no such file" in r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(FERPLUS_HEADER.replace(",ferplus_fear", "") + "\ntest/happy/a.jpg,test,happy,1,0,9,0,0,0,0,0,0,0\n")
    r = cli("eval", test, "--model", brightness, "--whole-image", "--labels", "ferplus", "--votes", bad)
    assert r.returncode == UNREADABLE and "header lacks column(s) ferplus_fear" in r.stderr
    bad.write_text(FERPLUS_HEADER + "\ntest/happy/a.jpg,test,happy,1,0,9,0,0,0,0,0,0,0,x\n")
    r = cli("eval", test, "--model", brightness, "--whole-image", "--labels", "ferplus", "--votes", bad)
    assert r.returncode == UNREADABLE and "line 2: ferplus_nf is 'x'" in r.stderr
    (fer / "ferplus_votes.csv").unlink()
    r = cli("eval", test, "--model", brightness, "--whole-image", "--labels", "ferplus")
    assert r.returncode == UNREADABLE and "ferplus_votes.csv: no such file" in r.stderr
    # a votes file whose paths match no image
    (tmp_path / "elsewhere").mkdir()
    other = tmp_path / "elsewhere" / "ferplus_votes.csv"
    other.write_text(FERPLUS_HEADER + "\ntest/happy/a.jpg,test,happy,1,0,9,0,0,0,0,0,0,0,0\n")
    r = cli("eval", test, "--model", brightness, "--whole-image", "--labels", "ferplus", "--votes", other)
    assert r.returncode == UNREADABLE
    assert "no image has a FER+ majority" in r.stderr and "not in votes file 13" in r.stderr


def ferplus_reference(votes_csv: Path, split: str):
    """{path under the split folder: majority class or the reason it has none}, written
    from the rule's description (independently of the C++ reader)."""
    out = {}
    with open(votes_csv, newline="") as f:
        for row in csv.DictReader(f):
            if not row["path"].startswith(split + "/"):
                continue
            cells = [row[c] for c in FERPLUS_HEADER.split(",")[4:]]
            votes = [int(c or 0) for c in cells]
            if all(c == "" for c in cells) or sum(votes) <= 0:
                label = "no_votes"
            else:
                winners = [FERPLUS_CLASSES[i] for i, n in enumerate(votes) if n == max(votes)]
                label = ("tie" if len(winners) > 1 else
                         "unknown_or_not_a_face" if winners[0] in ("unknown", "not_a_face") else winners[0])
            out[row["path"][len(split) + 1:]] = label
    return out


def test_eval_ferplus_on_the_fer2013_test_split(cli, brightness, shared):
    fer = shared / "datasets" / "fer2013"
    reference = ferplus_reference(fer / "ferplus_votes.csv", "test")
    r = cli("eval", fer / "test", "--model", brightness, "--whole-image", "--labels", "ferplus", "--json")
    assert r.returncode == OK, r.stderr
    j = json.loads(r.stdout)
    labels = ["happy", "neutral", "sad"]
    counts = {k: sum(1 for v in reference.values() if v == k)
              for k in ("no_votes", "tie", "unknown_or_not_a_face")}
    scored = {p: v for p, v in reference.items() if v in labels}
    assert j["left_out"] == {"not_in_votes_file": 0, **counts,
                             "class_not_scored": len(reference) - len(scored) - sum(counts.values())}
    assert j["images"] == len(scored) and j["unreadable_images"] == 0
    assert {c: j["per_class"][c]["support"] for c in labels} == {
        c: sum(1 for v in scored.values() if v == c) for c in labels}
    # every prediction as `predict` makes it, scored against the majority labels
    preds = cli("predict", "--model", brightness, "--whole-image", *[fer / "test" / p for p in sorted(scored)])
    assert preds.returncode == OK, preds.stderr
    cm = [[0] * 3 for _ in labels]
    for line, path in zip(json_lines(preds.stdout), sorted(scored)):
        cm[labels.index(scored[path])][labels.index(line["faces"][0]["label"])] += 1
    assert j["confusion_matrix"] == cm


def test_bench_prints_stage_figures(cli, model, shared):
    r = cli("bench", "--model", model, "--source", shared / "videos" / "justinshenk_fer_test.mp4", "--frames", "50")
    assert r.returncode == OK, r.stderr
    j = json.loads(r.stdout)
    assert j["frames_processed"] == 50
    assert j["fps"] > 0
    for stage in ("decode", "detect", "preprocess", "infer", "annotate", "end_to_end"):
        assert j["stages"][stage]["p95_ms"] >= j["stages"][stage]["p50_ms"] >= 0


# ---- never overwrite ---------------------------------------------------------

def test_analyze_refuses_to_replace_outputs_without_force(cli, model, shared, tmp_path):
    video = shared / "videos" / "justinshenk_fer_test.mp4"
    table = tmp_path / "x.csv"
    table.write_text("my earlier results\n")
    r = cli("analyze", video, "--model", model, "--csv", table)
    assert r.returncode == OUTPUT and "--force" in r.stderr, r.stderr
    assert table.read_text() == "my earlier results\n"
    r = cli("analyze", video, "--model", model, "--csv", table, "--force")
    assert r.returncode == OK, r.stderr
    assert table.read_text().startswith("time_ms,")


def video_stream(path):
    """(frames, fps, duration_s) of a file's video stream; duration = frames / fps (constant rate)."""
    frames = ffprobe_frames(path)
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=r_frame_rate", "-of", "csv=p=0", str(path)], capture_output=True, text=True)
    num, den = out.stdout.strip().split("/")
    fps = int(num) / int(den)
    return frames, fps, frames / fps


def recording_base(folder: Path) -> Path:
    """The one recording in folder, named session-YYYYMMDD-HHMMSS by emoscope-cli live --record."""
    bases = {p.with_suffix("") for p in folder.iterdir()}
    assert len(bases) == 1, sorted(p.name for p in folder.iterdir())
    return next(iter(bases))


def test_live_recording_keeps_the_source_duration(cli, model, shared, tmp_path):
    """Recordings keep real time: every captured frame is recorded, even those
    live processing drops, so the recording lasts as long as the source (within a frame)."""
    video = shared / "videos" / "ageitgey_face_recognition_short_hamilton_clip.mp4"
    rec = tmp_path / "rec"
    # One inference thread and detection on every frame: processing drops frames here.
    r = cli("live", "--source", video, "--model", model, "--record", rec, "--threads", "1", "--detect-every", "1")
    assert r.returncode == OK, r.stderr
    src_frames, src_fps, src_s = video_stream(video)
    base = recording_base(rec)
    frames, fps, seconds = video_stream(base.with_suffix(".mkv"))
    summary = json.loads(base.with_suffix(".json").read_text())
    counts = summary["header"]["frames"]
    print(f"source {src_frames} frames {src_s:.3f} s; recording {frames} frames {seconds:.3f} s; "
          f"processed {counts['processed']}, dropped {counts['dropped']}")
    assert fps == pytest.approx(src_fps)
    assert abs(seconds - src_s) <= 1 / src_fps
    assert frames == counts["video"] == counts["read"] == src_frames
    # The CSV lists the processed frames only.
    assert len({row["frame"] for row in read_csv(base.with_suffix(".csv"))}) == counts["processed"]


def test_analyze_every_n_video_keeps_the_source_duration(cli, model, shared, tmp_path):
    # A constant-rate clip (justinshenk's container claims 24.70 fps, its frames are 25 fps apart).
    video = shared / "videos" / "ageitgey_face_recognition_short_hamilton_clip.mp4"
    out, table = tmp_path / "every3.mkv", tmp_path / "every3.csv"
    r = cli("analyze", video, "--model", model, "--every", "3", "--out-video", out, "--csv", table)
    assert r.returncode == OK, r.stderr
    src_frames, src_fps, src_s = video_stream(video)
    frames, fps, seconds = video_stream(out)
    assert fps == pytest.approx(src_fps)
    assert abs(seconds - src_s) <= 1 / src_fps and frames == src_frames
    assert sorted({int(row["frame"]) for row in read_csv(table)}) == list(range(0, src_frames, 3))


def test_two_recordings_into_one_folder_keep_both(cli, model, shared, tmp_path):
    video = shared / "videos" / "justinshenk_fer_test.mp4"
    rec = tmp_path / "rec"
    for _ in range(2):
        r = cli("live", "--source", video, "--model", model, "--record", rec, "--seconds", "2")
        assert r.returncode == OK, r.stderr
    names = sorted(p.name for p in rec.iterdir())
    assert len(names) == 6 and len({p.rsplit(".", 1)[0] for p in names}) == 2, names
    for name in names:
        assert re.fullmatch(r"session-\d{8}-\d{6}(-2)?\.(csv|json|mkv)", name), name
    assert all(len(read_csv(rec / n)) > 0 for n in names if n.endswith(".csv"))
