"""The study both batch measurements use (scripts/bench-batch.py,
scripts/measure-batch-kill.py): the clips of ../shared/videos (or
$EMOSCOPE_SHARED_DIR), `copies` copies each, in <work>/in/copy1 .. copyN."""
import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = str(REPO / "build/release/app/emoscope-cli")


def make_study(work: Path, copies: int) -> Path:
    """The input folder, filled; SystemExit with a message when there are no clips."""
    shared = Path(os.environ.get("EMOSCOPE_SHARED_DIR", REPO.parent / "shared"))
    clips = sorted((shared / "videos").glob("*"))
    if not clips:
        raise SystemExit(f"no clips in {shared / 'videos'}")
    inputs = work / "in"
    for c in range(1, copies + 1):
        (inputs / f"copy{c}").mkdir(parents=True, exist_ok=True)
        for clip in clips:
            shutil.copy(clip, inputs / f"copy{c}" / clip.name)
    return inputs
