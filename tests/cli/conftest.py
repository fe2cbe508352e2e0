"""Fixtures for CLI tests: a private journal and paths of test scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tiny_path() -> str:
    """Path of the three-node engine test scenario."""
    return str(ROOT / "tests" / "engine" / "tiny.yaml")


@pytest.fixture
def store(tmp_store: Path) -> str:
    """A fresh journal file for this test (also exported as HOTLINE_STORE)."""
    return str(tmp_store)
