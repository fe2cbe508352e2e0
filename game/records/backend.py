"""The small protocol the journal speaks to a database through.

:class:`game.records.journal.Journal` holds every query (written once, with
``?`` placeholders); a backend opens the store, runs statements in read or
write transactions, and turns its driver's exceptions into
:mod:`game.records.errors`. Two backends exist: :mod:`.sqlite_backend` and
:mod:`.postgres_backend`.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from .errors import JournalError
from .stores import StoreLocation

__all__ = ["Backend", "DuplicateKeyError", "Tx"]

Row = tuple[Any, ...]


class DuplicateKeyError(JournalError):
    """A unique key was already taken (an id collision, a decision already made).

    Raised by a backend inside a write; the journal turns it into the error
    the user sees.
    """


class Tx(Protocol):
    """Statements inside one transaction (or one autocommit read)."""

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a query and return every row."""
        ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Run a query and return its first row, or None."""
        ...

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement that returns no rows."""
        ...


class Backend(Protocol):
    """An open store.

    Attributes:
        location: Where the store is.
        read_only: Opened for reading only (writes raise a StoreError).
        damage: What the integrity check found when the store was opened
            read-only although damaged (empty when healthy).
        schema_version: The store's schema version (below the current one
            only for a store opened read-only, which is never migrated).
        newest_first: ``ORDER BY`` terms listing sessions (alias ``s``) newest first.
        lock_row: Suffix of a ``SELECT`` that locks the selected session row
            for the rest of a write (``" FOR UPDATE"``), or ``""`` where the
            write transaction already excludes other writers.
        epoch_sql: An SQL expression for the database's clock (epoch seconds).
    """

    location: StoreLocation
    read_only: bool
    damage: tuple[str, ...]
    schema_version: int

    @property
    def newest_first(self) -> str:
        """``ORDER BY`` terms listing sessions (alias ``s``) newest first."""
        ...

    @property
    def lock_row(self) -> str:
        """Suffix of a ``SELECT`` that locks the session row for the rest of a write."""
        ...

    @property
    def epoch_sql(self) -> str:
        """An SQL expression for the database's clock, in seconds since the epoch.

        Seats on several machines time decisions by the one clock they share.
        """
        ...

    def read(self) -> AbstractContextManager[Tx]:
        """Run statements that only read; driver errors become JournalErrors."""
        ...

    def write(self) -> AbstractContextManager[Tx]:
        """Run statements in one durable write transaction, committed on exit."""
        ...

    def integrity_problems(self, *, full: bool) -> list[str]:
        """Check the store's structure; return what is wrong (empty when sound).

        Args:
            full: A thorough check (``hotline store check``) rather than the
                quick one done when the store is opened.
        """
        ...

    def prepare_wait(self) -> None:
        """Start listening for other writers' commits (before the caller's last read)."""
        ...

    def wait_for_inputs(self, session_id: str, after_seq: int, timeout: float) -> bool:
        """Block until ``session_id`` may have an input after ``after_seq``, or timeout.

        May return early (spuriously); the caller re-reads the inputs.
        ``after_seq=-1`` wakes on anything about the session (votes, clocks).

        Returns:
            True when woken by another writer's commit, False on timeout.
        """
        ...

    def close(self) -> None:
        """Close the connection(s). Safe to call twice."""
        ...
