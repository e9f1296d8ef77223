"""Fixtures for the emoscope-cli end-to-end and bad-input tests (pytest)."""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]  # tests/support/ -> the repository


def load_script(name: str, filename: str):
    """A module from scripts/ (whose file names are not importable: make-identity-clips.py)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / filename)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def shared_dir() -> Path:
    return Path(os.environ.get("EMOSCOPE_SHARED_DIR")
                or os.environ.get("EMOSCOPE_DEFAULT_SHARED_DIR")
                or REPO.parent / "shared")


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("EMOSCOPE_CLI", str(REPO / "build/release/app/emoscope-cli"))
    if not Path(path).exists():
        pytest.fail(f"emoscope-cli not built at {path}")

    def run(*args, timeout=300, **kwargs):
        return subprocess.run([path, *map(str, args)], capture_output=True, text=True, timeout=timeout, **kwargs)

    run.path = path
    return run


@pytest.fixture(scope="session")
def test_models() -> Path:
    return Path(os.environ.get("EMOSCOPE_TEST_MODEL_DIR", REPO / "build/release/tests/test-models"))


@pytest.fixture(scope="session")
def model() -> Path:
    """The shipped happy/sad model."""
    path = REPO / "models" / "happy_sad.pt"
    if not path.exists():
        pytest.fail("models/happy_sad.pt is missing")
    return path


@pytest.fixture(scope="session")
def shared() -> Path:
    d = shared_dir()
    if not (d / "videos").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the shared data is missing at {d}")
        pytest.skip(f"shared data not found at {d} (set EMOSCOPE_SHARED_DIR)")
    return d


ASTRONAUT = Path("/usr/lib/python3/dist-packages/skimage/data/astronaut.png")
MESSI = Path("/usr/share/doc/opencv-doc/examples/data/messi5.jpg")


def pytest_collection_modifyitems(config, items):
    """EMOSCOPE_TEST_SHARD=I/N keeps every Nth test from the I-th (0-based), so
    that ctest can run one long file as N tests side by side (tests/CMakeLists.txt)."""
    shard = os.environ.get("EMOSCOPE_TEST_SHARD")
    if not shard:
        return
    index, count = (int(v) for v in shard.split("/"))
    kept = [item for n, item in enumerate(items) if n % count == index]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept
