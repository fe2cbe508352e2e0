"""Fixtures for the class (seats at separate desks) tests: a store of each backend,
the three-desk drill scenario, and a session made on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from game.records import Journal
from game.scenario import CompiledScenario
from game.scenario.loader import load_scenario

HERE = Path(__file__).resolve().parent
DRILL = HERE / "class_drill.yaml"
ROLES = ["state", "defense", "nsc"]


@pytest.fixture(scope="session")
def drill() -> CompiledScenario:
    """The three-desk drill: Defense, then State (60 s), a majority vote, a unanimous one."""
    return load_scenario(DRILL)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store of each backend: a SQLite file path, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "class.sqlite3")
    return str(request.getfixturevalue("pg_store"))


@pytest.fixture
def journals(store_spec: str) -> Iterator[list[Journal]]:
    """Four connections to one store: three desks and the facilitator's console."""
    opened = [Journal(store_spec) for _ in range(4)]
    try:
        yield opened
    finally:
        for journal in opened:
            journal.close()
