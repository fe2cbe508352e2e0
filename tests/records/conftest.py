"""Fixtures for the journal tests: a store of each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from game.records import Journal


@pytest.fixture(params=["sqlite", "postgresql"])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store of each backend: a SQLite file path, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.sqlite3")
    return str(request.getfixturevalue("pg_store"))


@pytest.fixture
def any_journal(store_spec: str) -> Iterator[Journal]:
    """An open journal on each backend."""
    with Journal(store_spec) as journal:
        yield journal
