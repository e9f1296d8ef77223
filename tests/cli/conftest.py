"""Fixtures for the emoscope-cli end-to-end tests: shared with tests/badinput (tests/support/cli_fixtures.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from cli_fixtures import *  # noqa: E402,F401,F403  (pytest finds the fixtures here)
