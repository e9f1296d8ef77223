"""Known people (emoscope-cli people add / list / remove) and predict --people: the gallery
file is written only by 'people add' / 'people remove', user-only, and names faces later."""
import json
import os
import stat

import cv2

from conftest import ASTRONAUT, MESSI

OK, USAGE, UNREADABLE = 0, 2, 3


def test_people_add_list_remove_and_naming(cli, tmp_path):
    gallery = tmp_path / "g" / "people.json"
    r = cli("people", "--gallery", gallery, "add", "Eileen", ASTRONAUT)
    assert r.returncode == OK, r.stderr
    assert "biometric" in r.stdout
    assert stat.S_IMODE(os.stat(gallery).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(gallery.parent).st_mode) == 0o700
    r = cli("people", "--gallery", gallery, "list")
    assert r.returncode == OK, r.stderr
    assert r.stdout.startswith("Eileen\t1 views")

    # The same face, mirrored and darker, is named; a stranger (Messi) is not.
    img = cv2.imread(str(ASTRONAUT))
    cv2.imwrite(str(tmp_path / "a.png"), cv2.convertScaleAbs(cv2.flip(img, 1), alpha=0.7))
    r = cli("predict", "--people", "--people-gallery", gallery, tmp_path / "a.png", MESSI)
    assert r.returncode == OK, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert lines[0]["faces"][0]["person"] == "Eileen"
    assert all(f["person"] is None for f in lines[1]["faces"])
    assert lines[0]["faces"][0]["person_id"] not in {f["person_id"] for f in lines[1]["faces"]}

    r = cli("people", "--gallery", gallery, "remove", "Eileen")
    assert r.returncode == OK, r.stderr
    r = cli("people", "--gallery", gallery, "remove", "Eileen")
    assert r.returncode == USAGE
    assert "no person named 'Eileen'" in r.stderr


def test_people_add_counts_photos_and_warns_when_a_photo_looks_like_someone_else(cli, tmp_path):
    gallery = tmp_path / "people.json"
    img = cv2.imread(str(ASTRONAUT))
    cv2.imwrite(str(tmp_path / "mirror.png"), cv2.flip(img, 1))
    r = cli("people", "--gallery", gallery, "add", "Eileen", ASTRONAUT)
    assert r.returncode == OK, r.stderr
    assert "1 in all" in r.stdout and "more photos" in r.stdout
    assert "looks like" not in r.stderr
    r = cli("people", "--gallery", gallery, "add", "Eileen", tmp_path / "mirror.png")
    assert r.returncode == OK, r.stderr
    assert "2 in all" in r.stdout
    assert "looks like" not in r.stderr and "does not look like" not in r.stderr
    # The same face under another name: the user is warned (and the photo is still added, as asked).
    r = cli("people", "--gallery", gallery, "add", "Lionel", tmp_path / "mirror.png")
    assert r.returncode == OK, r.stderr
    assert "looks like Eileen" in r.stderr
    # A stranger's photo added to Eileen: it does not look like her other photos.
    r = cli("people", "--gallery", gallery, "add", "Eileen", MESSI)
    assert r.returncode == OK, r.stderr
    assert "does not look like Eileen's other photos" in r.stderr


def test_people_add_refuses_a_photo_without_a_face_and_writes_nothing(cli, tmp_path):
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), 128 * (cv2.imread(str(ASTRONAUT)) * 0 + 1))
    gallery = tmp_path / "people.json"
    r = cli("people", "--gallery", gallery, "add", "Nobody", ASTRONAUT, blank)
    assert r.returncode == UNREADABLE
    assert "no face found" in r.stderr
    assert not gallery.exists()


def test_a_corrupt_or_foreign_gallery_is_a_clear_error(cli, tmp_path):
    bad = tmp_path / "people.json"
    bad.write_text('{"format": "emoscope-people/1", "embedder": {"name": "other", "version": "9"}, "people": []}')
    r = cli("predict", "--people", "--people-gallery", bad, ASTRONAUT)
    assert r.returncode == UNREADABLE
    assert "made with face embedder other 9" in r.stderr
    bad.write_text("{not json")
    r = cli("people", "--gallery", bad, "list")
    assert r.returncode == UNREADABLE
    assert "corrupt" in r.stderr


def test_runs_write_no_gallery_by_default(cli, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME="")
    r = cli("predict", "--people", ASTRONAUT, env=env)
    assert r.returncode == OK, r.stderr
    assert list(home.rglob("*")) == []
