"""Fixtures for the debrief tests: the tiny scenario and recorded sessions of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from debrief_fixtures import INPUTS, TINY, record

from game.records.journal import Journal
from game.scenario.compile import CompiledScenario
from game.scenario.loader import load_scenario


@pytest.fixture(scope="session")
def tiny() -> CompiledScenario:
    """The tiny scenario (the debrief's own copy)."""
    return load_scenario(TINY)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    """A fresh journal."""
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


@pytest.fixture
def recorded(journal: Journal, tiny: CompiledScenario) -> str:
    """The golden session, journaled; returns its id."""
    return record(journal, tiny, INPUTS)
