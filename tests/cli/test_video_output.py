"""The annotated video (issue 12, item 6): H.264 in MP4 or Matroska, the source's
audio copied in, real timestamps (--every keeps the duration), size against the
source, and what a kill -9 during a live recording leaves."""
import csv
import json
import signal
import subprocess
import time

import pytest

OK = 0


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))

HAMILTON = "ageitgey_face_recognition_short_hamilton_clip.mp4"
JUSTIN = "justinshenk_fer_test.mp4"


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def codecs(path, kind):
    return [s["codec_name"] for s in probe(path)["streams"] if s["codec_type"] == kind]


def duration(path, kind):
    """The first `kind` stream's duration in seconds, as a finished file states it (MP4: the
    stream's duration; Matroska: its DURATION tag), from its start."""
    [s] = [s for s in probe(path)["streams"] if s["codec_type"] == kind][:1]
    start = float(s.get("start_time", 0))
    if "duration" in s:
        return start + float(s["duration"])
    h, m, sec = s["tags"]["DURATION"].split(":")
    return start + int(h) * 3600 + int(m) * 60 + float(sec)


def decoded_frame_times(path):
    """Presentation times of the frames that really decode (what a player can show)."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "frame=pts_time", "-of", "csv=p=0", str(path)], capture_output=True, text=True)
    times = [line.split(",")[0] for line in out.stdout.split()]
    return [float(t) for t in times if t not in ("", "N/A")]


def frame_rate(path):
    [v] = [s for s in probe(path)["streams"] if s["codec_type"] == "video"]
    num, den = v["r_frame_rate"].split("/")
    return int(num) / int(den)


@pytest.mark.parametrize("audio,ext,kept", [("aac", "mp4", True), ("libmp3lame", "mkv", True),
                                            ("libopus", "mkv", True), ("pcm_s16le", "mp4", False)],
                         ids=["aac-mp4", "mp3-mkv", "opus-mkv", "pcm-mp4-left-out"])
def test_annotated_video_keeps_the_sources_audio(cli, model, shared, tmp_path, audio, ext, kept):
    """A clip with a tone: the output has H.264 and the audio, as long as the video (0.1 s)."""
    clip = tmp_path / ("clip.mp4" if audio == "aac" else "clip.mkv")
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(shared / "videos" / JUSTIN),
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-map", "0:v", "-map", "1:a",
                    "-c:v", "copy", "-c:a", audio, "-shortest", str(clip)], check=True)
    assert codecs(clip, "audio")
    out = tmp_path / f"out.{ext}"
    r = cli("analyze", clip, "--model", model, "--out-video", out)
    assert r.returncode == OK, r.stderr
    assert codecs(out, "video") == ["h264"]
    video_end = duration(out, "video")
    # Every frame at its own time: the clip's are 40 ms apart although its average rate
    # says 24.7 fps (115 frames at that rate would last 54 ms, 1.2 %, too long). The video
    # spans the clip's frames plus one frame, within half a frame.
    clip_times, out_times = decoded_frame_times(clip), decoded_frame_times(out)
    step = clip_times[1] - clip_times[0]
    assert len(out_times) == 115
    assert abs((video_end - out_times[0]) - (clip_times[-1] - clip_times[0] + step)) < step / 2
    if not kept:
        assert codecs(out, "audio") == []
        assert "audio" in r.stderr and "without it" in r.stderr  # the warning says why
        return
    assert codecs(out, "audio") == [codecs(clip, "audio")[0]]
    audio_end = duration(out, "audio")
    print(f"{audio} in .{ext}: video ends at {video_end:.3f} s, audio at {audio_end:.3f} s")
    assert abs(audio_end - video_end) <= 0.1


def test_annotated_hamilton_clip_is_at_most_twice_the_source(cli, model, shared, tmp_path):
    src = shared / "videos" / HAMILTON
    out = tmp_path / "hamilton.mp4"
    r = cli("analyze", src, "--model", model, "--out-video", out)
    assert r.returncode == OK, r.stderr
    ratio = out.stat().st_size / src.stat().st_size
    print(f"annotated hamilton clip: {out.stat().st_size} bytes, {ratio:.2f}x the source ({src.stat().st_size})")
    assert ratio <= 2.0
    assert codecs(out, "video") == ["h264"] and codecs(out, "audio") == ["aac"]  # the clip has AAC audio
    assert len(decoded_frame_times(out)) == 275


def test_mjpeg_stays_selectable(cli, model, shared, tmp_path):
    out = tmp_path / "mjpeg.mkv"
    r = cli("analyze", shared / "videos" / JUSTIN, "--model", model, "--out-video", out, "--video-codec", "mjpeg")
    assert r.returncode == OK, r.stderr
    assert codecs(out, "video") == ["mjpeg"]
    assert len(decoded_frame_times(out)) == 115
    r = cli("analyze", shared / "videos" / JUSTIN, "--model", model, "--out-video", tmp_path / "x.mkv",
            "--video-codec", "vp9")
    assert r.returncode == 2


@pytest.mark.parametrize("ext", ["mp4", "mkv"])
def test_every_3_keeps_the_source_duration(cli, model, shared, tmp_path, ext):
    """Every source frame is written (those --every skips with the newest overlay before
    them): the video is as long as the source, within one frame."""
    src = shared / "videos" / HAMILTON
    fps = frame_rate(src)
    length = float(next(s for s in probe(src)["streams"] if s["codec_type"] == "video")["duration"])
    out = tmp_path / f"every3.{ext}"
    r = cli("analyze", src, "--model", model, "--out-video", out, "--every", "3")
    assert r.returncode == OK, r.stderr
    times = decoded_frame_times(out)
    assert len(times) == 275  # every frame of the source, 92 of them processed
    assert times[1] - times[0] == pytest.approx(1 / fps, abs=0.002)
    end = duration(out, "video")
    print(f"--every 3 (.{ext}): video {end:.3f} s, source {length:.3f} s")
    assert abs(end - length) <= 1 / fps
    assert abs(duration(out, "audio") - end) <= 0.1  # the audio stays in step


def test_kill_9_during_live_recording_loses_at_most_2_seconds(cli, model, shared, tmp_path):
    """live plays the file at its real rate, like a camera; SIGKILL after ~4 s of recording."""
    rec = tmp_path / "rec"
    proc = subprocess.Popen([cli.path, "live", "--source", shared / "videos" / HAMILTON, "--model", model,
                             "--record", rec], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def recording(suffix):  # session-YYYYMMDD-HHMMSS<suffix>, once it exists
        found = sorted(rec.glob("session-*" + suffix)) if rec.exists() else []
        return found[0] if found else rec / ("session" + suffix)

    def last_time():  # source time of the last complete CSV row
        table = recording(".csv")
        text = table.read_text() if table.exists() else ""
        rows = text[:text.rfind("\n")].split("\n")[1:]
        return float(rows[-1].split(",")[1]) if rows else -1.0  # time_ms,time_s,...

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and last_time() < 4.0:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the recording ended before it could be killed"
    table = recording(".csv")
    rows = read_csv(table)
    assert table.read_text().endswith("\n"), "the CSV ends mid-row"
    first, last = float(rows[0]["time_s"]), float(rows[-1]["time_s"])
    assert last >= 4.0
    times = decoded_frame_times(recording(".mkv"))
    assert times, "no playable frame"
    video_covers = first + times[-1]  # video time 0 is the first recorded frame's time
    print(f"killed at {last:.2f} s of CSV; the video plays to {video_covers:.2f} s ({len(times)} frames), "
          f"{last - video_covers:.2f} s lost")
    assert last - video_covers <= 2.0
    assert times == sorted(times)
