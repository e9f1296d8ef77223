"""Outputs that describe themselves: docs/output-formats.md against real CSVs and summaries
written by emoscope-cli, outputs on standard output, and still images (no time, each on its own)."""
import csv
import io
import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import ASTRONAUT, MESSI, REPO

OK, USAGE, OUTPUT = 0, 2, 5
DOC = REPO / "docs" / "output-formats.md"
CLIP = "justinshenk_fer_test.mp4"  # 115 frames at 25 fps, one face


def doc_names(section):
    """The backticked names in the first column of a section's table, in order."""
    text = DOC.read_text()
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    body = text[start:end if end >= 0 else len(text)]
    return re.findall(r"^\| `([^`]+)` \|", body, re.M)


def json_paths(value, labels, prefix=""):
    """Every key path in a JSON value: '.' between keys, '[]' for array elements,
    '<label>' for the keys of an object keyed by the model's labels."""
    paths = set()
    if isinstance(value, dict):
        keyed_by_label = bool(value) and set(value) == set(labels)
        for key, child in value.items():
            name = "<label>" if keyed_by_label else key
            path = f"{prefix}.{name}" if prefix else name
            paths.add(path)
            paths |= json_paths(child, labels, path)
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, (dict, list)):
                paths |= json_paths(child, labels, prefix + "[]")
    return paths


def parse_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def analyzed(cli, model, shared, tmp_path_factory):
    """The clip analysed twice: CSV to stdout + summary to a file, then the reverse."""
    out = tmp_path_factory.mktemp("formats")
    video = shared / "videos" / CLIP
    first = cli("--log-level", "info", "analyze", video, "--model", model, "--csv", "-", "--summary", out / "s.json")
    second = cli("--log-level", "info", "analyze", video, "--model", model, "--csv", out / "c.csv", "--summary", "-")
    return first, second, out


def test_doc_lists_exactly_the_csv_columns_in_order(analyzed):
    first, _, out = analyzed
    assert first.returncode == OK, first.stderr
    header = (out / "c.csv").read_text().splitlines()[0].split(",")
    documented = doc_names("CSV columns")
    assert documented[-1] == "p_<label>"
    labels = json.loads((out / "s.json").read_text())["header"]["model"]["labels"]
    assert labels == ["happy", "sad"]
    assert header == documented[:-1] + [f"p_{label}" for label in labels]


def test_doc_lists_exactly_the_summary_fields(analyzed):
    _, second, out = analyzed
    assert second.returncode == OK, second.stderr
    summary = json.loads((out / "s.json").read_text())
    labels = summary["header"]["model"]["labels"]
    found = json_paths(summary, labels)
    documented = doc_names("Summary JSON fields")
    assert len(documented) == len(set(documented)), "a field is documented twice"
    assert found - set(documented) == set(), "written but not documented"
    assert set(documented) - found == set(), "documented but not written"


def test_each_person_s_portrait_is_one_of_their_detected_rows(analyzed):
    """people[].portrait names a frame where the person's face was detected, with that row's time and box."""
    _, second, out = analyzed
    assert second.returncode == OK, second.stderr
    summary = json.loads(second.stdout)
    rows = parse_csv((out / "c.csv").read_text())
    assert summary["header"]["identity"] is not None and summary["people"]
    for person in summary["people"]:
        where = person["portrait"]
        assert where is not None, person
        assert set(where) == {"frame", "time_ms", "box"}  # the place only: no pixels, no descriptor
        [row] = [r for r in rows if r["frame"] == str(where["frame"]) and r["person_id"] == str(person["id"])]
        assert row["detected"] == "1", row
        assert [int(row[k]) for k in "xywh"] == where["box"]
        assert float(row["time_ms"]) == pytest.approx(where["time_ms"], abs=0.051)
        assert int(row["face_id"]) in person["tracks"]


def test_doc_lists_exactly_the_predict_fields(cli, model):
    r = cli("predict", "--model", model, ASTRONAUT)
    assert r.returncode == OK, r.stderr
    line = json.loads(r.stdout)
    labels = list(line["faces"][0]["probabilities"])
    documented = doc_names("predict JSON fields")
    people_only = {"faces[].person_id", "faces[].person"}
    assert json_paths(line, labels) == set(documented) - people_only
    r = cli("predict", "--model", model, "--people", ASTRONAUT)
    assert r.returncode == OK, r.stderr
    assert json_paths(json.loads(r.stdout), labels) == set(documented)


def test_stdout_outputs_hold_only_the_output(analyzed):
    """--csv - and --summary - give exactly what the files hold; logs go to stderr."""
    first, second, out = analyzed
    assert first.returncode == OK and second.returncode == OK, first.stderr + second.stderr
    assert "loaded model" in first.stderr  # the info log went to stderr...
    assert first.stdout == (out / "c.csv").read_text()  # ...and stdout is the CSV alone
    on_stdout = json.loads(second.stdout)
    in_file = json.loads((out / "s.json").read_text())
    for s in (on_stdout, in_file):
        s["header"].pop("start_time")
    assert on_stdout == in_file
    assert list(json.loads(second.stdout)) == ["header", "frames", "duration_s", "faces", "people"]


def test_summary_header_and_durations_come_from_the_frames(analyzed, shared):
    _, second, out = analyzed
    summary = json.loads(second.stdout)
    rows = parse_csv((out / "c.csv").read_text())
    h = summary["header"]
    cap = cv2.VideoCapture(str(shared / "videos" / CLIP))
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = [int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))]
    frames = len({row["frame"] for row in rows})
    assert h["source"]["kind"] == "video" and h["source"]["name"] == str(shared / "videos" / CLIP)
    assert h["source"]["fps"] == pytest.approx(fps) and h["source"]["frame_size"] == size
    assert h["frames"] == {"read": frames, "processed": frames, "dropped": 0, "skipped": 0, "video": 0}  # no --out-video
    assert h["model"]["file"].endswith("happy_sad.pt")
    assert h["model"]["neutral_prior"] == 1.0  # no prior shift unless asked
    assert h["detector"]["kind"] == "yunet" and h["detector"]["model_file"].endswith(".onnx")
    assert h["processing"]["mode"] == "file" and h["processing"]["detect_every"] == 5
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", h["start_time"])
    # Each frame lasts until the next one; the last one the mean interval.
    times = {int(row["frame"]): float(row["time_ms"]) for row in rows}
    order = sorted(times)
    assert all(abs(float(row["time_s"]) * 1000 - float(row["time_ms"])) < 0.1 for row in rows)
    tail = (times[order[-1]] - times[order[0]]) / (len(order) - 1)
    slice_ms = {f: (times[n] - times[f]) for f, n in zip(order, order[1:])}
    slice_ms[order[-1]] = tail
    assert summary["duration_s"] == pytest.approx(sum(slice_ms.values()) / 1000, abs=1e-3)
    for face in summary["faces"]:
        seen = {int(row["frame"]) for row in rows if row["face_id"] == str(face["id"])}
        assert face["frames"] == len(seen)
        assert face["seconds_seen"] == pytest.approx(sum(slice_ms[f] for f in seen) / 1000, abs=1e-3)
    # success: 1 on face rows, 0 on the one row of a frame without a face.
    assert {row["success"] for row in rows if row["face_id"]} == {"1"}
    assert all(row["success"] == "0" for row in rows if not row["face_id"])


def test_live_summary_on_stdout_counts_read_processed_and_dropped(cli, model, shared):
    r = cli("live", "--source", shared / "videos" / CLIP, "--model", model, "--seconds", "2", "--summary", "-")
    assert r.returncode == OK, r.stderr
    s = json.loads(r.stdout)
    f = s["header"]["frames"]
    assert s["header"]["processing"]["mode"] == "live"
    assert f["processed"] == s["frames"] > 10
    assert f["read"] == f["processed"] + f["dropped"] + f["skipped"]
    # About two seconds of the clip, by its timestamps, whatever was dropped.
    assert 1.0 < s["duration_s"] < 3.0


def test_stdout_misuse_is_a_clear_error(cli, model, shared, tmp_path):
    video = shared / "videos" / CLIP
    r = cli("analyze", video, "--model", model, "--csv", "-", "--summary", "-")
    assert r.returncode == USAGE and "only one of --csv and --summary" in r.stderr
    r = cli("analyze", video, "--model", model, "--out-video", "-")
    assert r.returncode == OUTPUT and "standard output" in r.stderr
    r = cli("analyze", "camera:0", "--model", model, "--csv", tmp_path / "x.csv")
    assert r.returncode == USAGE and "live --source camera:0" in r.stderr


def test_a_closed_stdout_is_a_write_error_not_a_crash(cli, model, shared):
    """--csv - into a pipe whose reader quits: exit 5 with a message, no SIGPIPE death."""
    import subprocess
    proc = subprocess.Popen([cli.path, "analyze", shared / "videos" / CLIP, "--model", model, "--csv", "-"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()  # the header row, then the reader goes away
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert first.decode().startswith("time_ms,time_s,frame,")
    assert proc.returncode == OUTPUT, err.decode()
    assert "cannot write to standard output" in err.decode()


# ---- still images --------------------------------------------------------------------


@pytest.fixture(scope="module")
def image_folder(cli, model, tmp_path_factory):
    """Real photos, decoded and re-encoded: the astronaut as it is, with its mouth
    turned upside down, with its whole face upside down, and darker (the same face
    place, different expressions: the case where smoothing across images would
    show), and Messi."""
    folder = tmp_path_factory.mktemp("images")
    r = cli("predict", ASTRONAUT, "--model", model)
    assert r.returncode == OK, r.stderr
    x, y, w, h = json.loads(r.stdout)["faces"][0]["box"]
    astronaut = cv2.imread(str(ASTRONAUT))
    mouth = astronaut.copy()
    rows, cols = slice(y + int(h * 0.62), y + int(h * 0.92)), slice(x + w // 4, x + 3 * w // 4)
    mouth[rows, cols] = cv2.flip(astronaut[rows, cols], 0)
    upside_down = astronaut.copy()
    upside_down[y:y + h, x:x + w] = cv2.flip(astronaut[y:y + h, x:x + w], 0)
    darker = np.clip((astronaut.astype(np.float32) / 255) ** 1.8 * 255, 0, 255).astype(np.uint8)
    cv2.imwrite(str(folder / "a_astronaut.png"), astronaut)
    cv2.imwrite(str(folder / "b_astronaut_mouth_flipped.png"), mouth)
    cv2.imwrite(str(folder / "c_astronaut_face_flipped.jpg"), upside_down, [cv2.IMWRITE_JPEG_QUALITY, 95])
    cv2.imwrite(str(folder / "d_astronaut_darker.jpg"), darker, [cv2.IMWRITE_JPEG_QUALITY, 95])
    cv2.imwrite(str(folder / "e_messi.jpg"), cv2.imread(str(MESSI)), [cv2.IMWRITE_JPEG_QUALITY, 95])
    return folder


def test_analyze_on_an_image_folder_gives_each_image_its_predict_probabilities(cli, model, image_folder, tmp_path):
    table, summary = tmp_path / "images.csv", tmp_path / "images.json"
    # Strong smoothing and rare detection: neither may carry anything from one image to the next.
    r = cli("analyze", image_folder, "--model", model, "--threads", "1", "--smoothing", "5000",
            "--detect-every", "10", "--csv", table, "--summary", summary)
    assert r.returncode == OK, r.stderr
    rows = parse_csv(table.read_text())
    images = sorted(image_folder.iterdir())
    assert sorted({row["image"] for row in rows}) == [str(p) for p in images]
    labels = ["happy", "sad"]
    predicted = {}
    for image in images:
        p = cli("predict", image, "--model", model, "--threads", "1")
        assert p.returncode == OK, p.stderr
        [line] = [json.loads(l) for l in p.stdout.splitlines()]
        predicted[image] = line
        faces = sorted(line["faces"], key=lambda f: f["box"])
        mine = sorted((row for row in rows if row["image"] == str(image) and row["success"] == "1"),
                      key=lambda row: [int(row[k]) for k in "xywh"])
        assert len(mine) == len(faces) >= 1, image
        for face, row in zip(faces, mine):
            assert all(abs(int(row[k]) - v) <= 1 for k, v in zip("xywh", face["box"])), (image, row, face)
            # Exactly the same probabilities, as the CSV writes them (4 decimals).
            assert [row[f"p_{label}"] for label in labels] == \
                [f"{face['probabilities'][label]:.4f}" for label in labels], image
            assert row["label"] == face["label"]
            assert row["confidence"] == f"{face['confidence']:.4f}"
            assert row["face_score"] == f"{face['face_score']:.4f}"
            assert row["detected"] == "1"  # every image is detected afresh
            assert row["time_ms"] == "" and row["time_s"] == ""  # images have no time
    # The test can tell: the three astronauts really differ in what the model says.
    astronauts = [predicted[p]["faces"][0]["probabilities"]["happy"] for p in images[:4]]
    assert max(astronauts) - min(astronauts) > 0.3, astronauts
    # Every face is its own track; no durations for still images.
    ids = [row["face_id"] for row in rows if row["success"] == "1"]
    assert len(ids) == len(set(ids))
    s = json.loads(summary.read_text())
    assert s["duration_s"] is None and s["header"]["source"]["kind"] == "images"
    assert s["header"]["source"]["fps"] is None
    assert s["header"]["frames"]["processed"] == len(images)
    assert all(face["seconds_seen"] is None and face["frames"] == 1 for face in s["faces"])
    # Each person's portrait is one of their rows, on an image (no time).
    assert s["people"]
    for person in s["people"]:
        where = person["portrait"]
        assert where is not None and where["time_ms"] is None, person
        [row] = [r for r in rows if r["frame"] == str(where["frame"]) and r["person_id"] == str(person["id"])]
        assert [int(row[k]) for k in "xywh"] == where["box"]
