"""Fixtures for the batch-mode tests: those of tests/cli (tests/support/cli_fixtures.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from cli_fixtures import *  # noqa: E402,F401,F403  (pytest finds the fixtures here)
