"""Shared paths and the session-wide workflow runs (one per scenario)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
