"""The append-only session journal.

A session's *truth* is small: the scenario it was played on (id, version and
content hash), the random seed, the roles, and the ordered list of inputs
(trainee choices with their rationale, facilitator actions). Everything else
(events, meters, the debrief) is derived by replaying those inputs through
the engine. This module stores exactly that truth, plus a few derived
conveniences (ending, score) and a free-form ``meta`` object for things that
are not replayed (after-action edits, observer notes).

The store is a SQLite file (the embedded default) or a PostgreSQL database
named by a ``postgresql://`` URL (a class across machines). Every query is
written once, here; a backend (:mod:`.sqlite_backend`, :mod:`.postgres_backend`)
opens the store and runs them. Both keep one contract:

* inputs are appended in order and never changed, and the database itself
  enforces it (constraints and triggers, :mod:`.schema`);
* :meth:`Journal.append_input` commits the input durably (SQLite
  ``synchronous=FULL``, PostgreSQL ``synchronous_commit=on``) *before* it
  returns, so a caller shows the engine's answer only once the input is safe;
  a process killed at any point (even ``kill -9``) loses nothing it was told
  was saved;
* the schema carries a version and migrates forward, one step per version;
* a store that is damaged, foreign or empty is reported and never written.

All SQL in Hotline lives in this package. It never imports PySide6.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

from .backend import Backend, DuplicateKeyError, Row, Tx
from .errors import (
    AlreadyDecidedError,
    AmbiguousSessionError,
    BadRecordError,
    DamagedStoreError,
    ForeignStoreError,
    JournalError,
    ReadOnlyStoreError,
    SessionEndedError,
    SessionMovedOnError,
    SessionNotFoundError,
    StoreError,
    StoreLockedError,
    StoreUnavailableError,
)
from .schema import MIGRATIONS, SCHEMA_VERSION
from .sqlite_backend import BUSY_TIMEOUT_S
from .stores import STORE_ENV, StoreLocation, default_store_path, parse_store

__all__ = [
    "BUSY_TIMEOUT_S",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STATUSES",
    "STORE_ENV",
    "ARCHIVE_KEY",
    "AdminEvent",
    "AlreadyDecidedError",
    "AmbiguousSessionError",
    "BadRecordError",
    "DamagedStoreError",
    "ForeignStoreError",
    "InputRecord",
    "Journal",
    "JournalError",
    "ReadOnlyStoreError",
    "RowProblem",
    "SessionEndedError",
    "SessionListing",
    "SessionNotFoundError",
    "SessionRecord",
    "StoreError",
    "StoreLockedError",
    "StoreUnavailableError",
    "canonical_json",
    "default_store_path",
    "open_backend",
    "snapshot_hash",
]

#: Statuses a session can have.
STATUSES: Final = ("active", "ended")

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
_log = logging.getLogger("game.records")


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRecord:
    """One session's header as stored in the journal.

    Attributes:
        id: The session id (time-sortable, e.g. ``251123-164012-3fa9c1``).
        scenario_id: Id of the scenario played.
        scenario_version: Version string of the scenario.
        content_hash: Hash of the scenario content the session was played on.
        scenario_title: Human title of the scenario (for listings).
        scenario_path: Where the scenario file was loaded from, if known.
        seed: The session's random seed.
        roles: Roles taking part (e.g. ``("secdef", "nsa")``).
        trainee: Trainee name or team label (may be empty).
        mode: How the session is played (``"trainee"``, ``"facilitator"``...).
        meta: Free-form JSON object (AAR edits, observer notes...). A fresh
            copy: mutating it does not change the store; use
            :meth:`Journal.set_meta`.
        created_at: UTC ISO-8601 timestamp of creation.
        updated_at: UTC ISO-8601 timestamp of the last change.
        status: ``"active"`` or ``"ended"``.
        ending_id: Id of the ending reached, once ended.
        ending_title: Title of the ending reached, once ended.
        score: Final score, once ended.
        n_inputs: Number of inputs recorded.
        ended_at: UTC ISO-8601 timestamp of :meth:`Journal.finish`, if ended.
        app_version: Hotline version that created the session.
    """

    id: str
    scenario_id: str
    scenario_version: str
    content_hash: str
    scenario_title: str
    scenario_path: str | None
    seed: int
    roles: tuple[str, ...]
    trainee: str
    mode: str
    meta: dict[str, Any]
    created_at: str
    updated_at: str
    status: str
    ending_id: str | None
    ending_title: str | None
    score: float | None
    n_inputs: int
    ended_at: str | None = None
    app_version: str = ""

    @property
    def ended(self) -> bool:
        """Whether the session has ended."""
        return self.status == "ended"


@dataclass(frozen=True)
class InputRecord:
    """One stored input with its bookkeeping.

    Attributes:
        seq: 1-based position in the session (``inputs(sid)[seq - 1]``).
        data: The input as given to :meth:`Journal.append_input`.
        recorded_at: UTC ISO-8601 timestamp of the commit.
        decision: The decision key it confirmed, if any (see
            :meth:`Journal.append_input`).
    """

    seq: int
    data: dict[str, Any]
    recorded_at: str
    decision: str | None = None


@dataclass(frozen=True)
class RowProblem:
    """A stored row that could not be read back, and why.

    Attributes:
        session_id: The session the row belongs to (as stored; may be odd).
        message: What is wrong, in words.
    """

    session_id: str
    message: str


@dataclass(frozen=True)
class SessionListing:
    """The readable sessions of a store, and the rows that were skipped.

    Attributes:
        records: The sessions that read back cleanly, newest first.
        problems: One entry per session row that was skipped.
    """

    records: list[SessionRecord]
    problems: list[RowProblem] = field(default_factory=list)


#: The ``meta`` key that marks a session archived (see :meth:`Journal.archive_session`).
ARCHIVE_KEY: Final = "archived"


@dataclass(frozen=True)
class AdminEvent:
    """One entry of the store's admin log (what was done to a session, by whom).

    Attributes:
        id: Its number in the log (increasing).
        at: UTC ISO-8601 time.
        action: ``delete``, ``archive``, ``unarchive`` or ``restore``.
        session_id: The session concerned.
        actor: Who did it (as they named themselves; may be empty).
        details: ``reason``; for a deletion, the session's header (``session``,
            the stored row) and its ``inputs``, so it can be restored.
    """

    id: int
    at: str
    action: str
    session_id: str | None
    actor: str
    details: dict[str, Any]

    @property
    def reason(self) -> str:
        """Why, as given."""
        return str(self.details.get("reason") or "")


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def canonical_json(data: Any) -> str:
    """Serialise a value as canonical JSON (sorted keys, compact, UTF-8 text).

    Args:
        data: A JSON-able value.

    Returns:
        The canonical text.

    Raises:
        JournalError: If the value is not JSON-able (NaN and infinities
            included) or would not come back equal after a round trip
            (tuples, non-string keys).
    """
    try:
        text = json.dumps(
            data,
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
    except (TypeError, ValueError) as exc:
        raise JournalError(f"value is not JSON-able: {exc}") from exc
    if json.loads(text) != data:
        raise JournalError(
            "value does not survive a JSON round trip (use lists, not tuples, "
            "and string keys only): " + _short(repr(data))
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise JournalError(
            f"value contains text that is not valid UTF-8 (lone surrogate?): {exc}"
        ) from exc
    return text


def snapshot_hash(text: str) -> str:
    """The content hash a scenario snapshot's canonical text stands for.

    The scenario package hashes the same canonical JSON the same way
    (``game.scenario.compile.content_hash``); a test keeps the two together.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _new_session_id(moment: datetime) -> str:
    """Make a short, time-sortable, random-suffixed session id.

    Args:
        moment: Creation time (UTC).

    Returns:
        An id like ``251123-164012-3fa9c1``.
    """
    return f"{moment:%y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def _app_version() -> str:
    try:
        from game import __version__
    except ImportError:  # pragma: no cover - the package always has it
        return ""
    return str(__version__)


def _check_text(name: str, value: object) -> None:
    """Refuse a text field that is not a str or holds NUL (PostgreSQL cannot store it)."""
    if not isinstance(value, str):
        raise JournalError(f"{name} must be a string, not {type(value).__name__}")
    if "\x00" in value:
        raise JournalError(f"{name} must not contain a NUL character")


# --------------------------------------------------------------------------
# Reading rows back (a store may hold rows another program wrote)
# --------------------------------------------------------------------------

_SESSION_COLUMNS: Final = (
    "s.id, s.scenario_id, s.scenario_version, s.content_hash, s.scenario_title, "
    "s.scenario_path, s.seed, s.roles, s.trainee, s.mode, s.meta, s.created_at, "
    "s.updated_at, s.status, s.ending_id, s.ending_title, s.score, "
    "(SELECT COUNT(*) FROM inputs i WHERE i.session_id = s.id), "
    "s.ended_at, s.app_version"
)


class _Bad(Exception):
    """One field of a row is not what the schema promises."""


def _text(value: Any, what: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _Bad(f"{what} is {_short(repr(value), 40)}, not text")
    return value


def _json(value: Any, what: str, kind: type) -> Any:
    try:
        parsed = json.loads(_text(value, what))
    except ValueError as exc:
        raise _Bad(f"{what} is not valid JSON ({exc})") from None
    if not isinstance(parsed, kind):
        expected = "an object" if kind is dict else "a list"
        raise _Bad(f"{what} is {_short(repr(parsed), 40)}, not {expected}")
    return parsed


def _session_from_row(row: Row) -> SessionRecord:
    """Build a record from a row, or raise :class:`BadRecordError` naming the bad field."""
    sid = row[0] if isinstance(row[0], str) else repr(row[0])
    try:
        seed = row[6]
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise _Bad(f"its seed is {_short(repr(seed), 40)}, not a whole number")
        roles = _json(row[7], "its roles", list)
        if not all(isinstance(r, str) for r in roles):
            raise _Bad(f"its roles {_short(repr(roles), 40)} are not all text")
        status = row[13]
        if status not in STATUSES:
            raise _Bad(f"its status is {_short(repr(status), 40)}")
        score = row[16]
        if score is not None and (
            isinstance(score, bool)
            or not isinstance(score, (int, float))
            or not math.isfinite(score)
        ):
            raise _Bad(f"its score is {_short(repr(score), 40)}, not a number")
        return SessionRecord(
            id=_text(row[0], "its id"),
            scenario_id=_text(row[1], "its scenario id"),
            scenario_version=_text(row[2], "its scenario version"),
            content_hash=_text(row[3], "its content hash"),
            scenario_title=_text(row[4], "its scenario title"),
            scenario_path=_text(row[5], "its scenario path", optional=True),
            seed=seed,
            roles=tuple(roles),
            trainee=_text(row[8], "its trainee"),
            mode=_text(row[9], "its mode"),
            meta=_json(row[10], "its meta", dict),
            created_at=_text(row[11], "its creation time"),
            updated_at=_text(row[12], "its update time"),
            status=status,
            ending_id=_text(row[14], "its ending id", optional=True),
            ending_title=_text(row[15], "its ending title", optional=True),
            score=None if score is None else float(score),
            n_inputs=int(row[17]),
            ended_at=_text(row[18], "its end time", optional=True),
            app_version=_text(row[19], "its app version"),
        )
    except _Bad as exc:
        raise BadRecordError(
            f"session {sid} cannot be read: {exc}. The journal row was changed by something "
            "other than Hotline; `hotline store check` lists every such row",
            session_id=sid,
        ) from None


def _row_copy(row: Row | None) -> list[Any]:
    """A session row as JSON-able values (kept whole in a deletion event)."""
    return [] if row is None else [v if isinstance(v, (str, int, float)) or v is None else str(v)
                                   for v in row]


def _input_copy(row: Row) -> dict[str, Any]:
    """An input row as kept in a deletion event (its data parsed when it can be)."""
    seq, text, at, decision = row if len(row) == 4 else (*row, None)
    try:
        data: Any = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        data = {"unreadable": str(text)}
    return {"seq": int(seq), "data": data, "recorded_at": str(at), "decision": decision}


def _input_from_row(sid: str, row: Row) -> InputRecord:
    seq, text, at, decision = row if len(row) == 4 else (*row, None)
    try:
        data = _json(text, f"input {seq}", dict)
        recorded_at = _text(at, f"the time of input {seq}")
        decision = _text(decision, f"the decision of input {seq}", optional=True)
    except _Bad as exc:
        raise BadRecordError(
            f"session {sid} cannot be replayed: {exc}. The journal row was changed by "
            "something other than Hotline; `hotline store check` lists every such row",
            session_id=sid,
        ) from None
    return InputRecord(int(seq), data, recorded_at, decision)


def _decided_by(data: dict[str, Any]) -> str:
    """Who recorded an input: its ``seat``, else its ``role``, else nobody known."""
    for key in ("seat", "role"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


# --------------------------------------------------------------------------
# Opening a store
# --------------------------------------------------------------------------


def open_backend(
    store: Path | str | PathLike[str] | None,
    *,
    read_only: bool = False,
    busy_timeout: float | None = None,
) -> Backend:
    """Open the backend a store spec names (a file path or a ``postgresql://`` URL).

    Args:
        store: ``--store``'s value; None for ``$HOTLINE_STORE`` or the default file.
        read_only: Open for reading only (never create, migrate or write).
        busy_timeout: Seconds to wait for another program's lock (SQLite;
            default :data:`BUSY_TIMEOUT_S`).

    Returns:
        The open backend.

    Raises:
        StoreError: An unknown URL scheme, or a store that cannot be used.
    """
    location: StoreLocation = parse_store(store)
    if location.kind == "postgresql":
        from .postgres_backend import PostgresBackend

        return PostgresBackend(location, read_only=read_only)
    from . import sqlite_backend

    return sqlite_backend.SqliteBackend(
        location,
        read_only=read_only,
        busy_timeout=sqlite_backend.BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout,
    )


# --------------------------------------------------------------------------
# The journal
# --------------------------------------------------------------------------


class Journal:
    """The session store: an append-only journal of session inputs.

    Several ``Journal`` objects (in one process or several, on one machine or,
    with PostgreSQL, on many) may use the same store at once: writers wait for
    each other (up to :data:`BUSY_TIMEOUT_S` on SQLite). One object may be
    shared between threads (calls are serialised).

    Every method that takes a ``session_id`` also accepts a unique prefix of
    one, like git does for commits.

    Example:
        >>> with Journal(tmp / "j.sqlite3") as journal:  # doctest: +SKIP
        ...     sid = journal.create_session(scenario_id="s", ...)
        ...     journal.append_input(sid, {"type": "choose", "option": "call"})
    """

    def __init__(
        self,
        store: Path | str | PathLike[str] | None = None,
        *,
        read_only: bool = False,
        busy_timeout: float | None = None,
    ) -> None:
        """Open (creating if needed) the journal a store spec names.

        Args:
            store: A SQLite file path (missing folders are created) or a
                ``postgresql://user@host/db`` URL; ``None`` means
                ``$HOTLINE_STORE``, else the file in the user data folder.
            read_only: Open for reading only: nothing is created, migrated or
                written, and a damaged store still opens (see :attr:`damage`)
                so what is readable can be listed or copied.
            busy_timeout: Seconds to wait for another program's lock (SQLite;
                default :data:`BUSY_TIMEOUT_S`).

        Raises:
            StoreError: If the store cannot be used (unknown URL scheme, empty
                or foreign file, damage, read-only folder, held lock, server
                unreachable...); the message names the store and how to fix it.
        """
        self._lock = threading.RLock()
        self._backend: Backend | None = open_backend(
            store, read_only=read_only, busy_timeout=busy_timeout
        )
        self._location = self._backend.location

    # -- plumbing ---------------------------------------------------------

    @property
    def location(self) -> StoreLocation:
        """Where the store is (kind, target, and a display form without passwords)."""
        return self._location

    @property
    def path(self) -> Path:
        """The store file of a SQLite journal.

        Raises:
            JournalError: For a PostgreSQL journal (use :attr:`location`).
        """
        path = self._location.path
        if path is None:
            raise JournalError(f"the journal {self._location.display} is not a file")
        return path

    @property
    def kind(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._location.kind

    @property
    def read_only(self) -> bool:
        """Whether the journal was opened read-only."""
        return self._backend is not None and self._backend.read_only

    @property
    def damage(self) -> tuple[str, ...]:
        """What the integrity check found, for a damaged store opened read-only."""
        return () if self._backend is None else self._backend.damage

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._backend is None

    def __str__(self) -> str:
        """The store's display form (a path, or a URL without its password)."""
        return self._location.display

    def __repr__(self) -> str:
        """Return a debugging representation."""
        state = "closed" if self.closed else "open"
        return f"Journal({self._location.display!r}, {state})"

    def __enter__(self) -> Self:
        """Return self; the journal closes on exit."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the journal."""
        self.close()

    def close(self) -> None:
        """Close the connection. Safe to call more than once."""
        with self._lock:
            if self._backend is not None:
                try:
                    self._backend.close()
                finally:
                    self._backend = None

    @property
    def backend(self) -> Backend:
        """The open backend (for :mod:`game.records.recovery`)."""
        if self._backend is None:
            raise JournalError(f"the journal {self._location.display} is closed")
        return self._backend

    @contextmanager
    def _read(self) -> Iterator[Tx]:
        """Hold the lock and run reads."""
        with self._lock, self.backend.read() as tx:
            yield tx

    @contextmanager
    def _write(self) -> Iterator[Tx]:
        """Hold the lock and run one durable write transaction."""
        with self._lock, self.backend.write() as tx:
            yield tx

    def _resolve(self, tx: Tx, session_id: str) -> str:
        """Turn a session id or unique id prefix into a full id.

        Args:
            tx: The open transaction.
            session_id: A full id or a prefix of one.

        Returns:
            The full session id.

        Raises:
            SessionNotFoundError: If nothing matches.
            AmbiguousSessionError: If the prefix matches several sessions.
        """
        if not isinstance(session_id, str) or not session_id.strip():
            raise SessionNotFoundError("no session id given; run `hotline sessions` to list them")
        key = session_id.strip()
        if "\x00" in key:
            raise SessionNotFoundError(f"no session matches {key!r}")
        if tx.one("SELECT 1 FROM sessions WHERE id = ?", (key,)):
            return key
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = tx.all(
            "SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 11",
            (escaped + "%",),
        )
        if not rows:
            raise SessionNotFoundError(
                f"no session matches {key!r}; run `hotline sessions` to list them"
            )
        if len(rows) > 1:
            ids = [str(r[0]) for r in rows]
            shown = ", ".join(ids[:10]) + (", …" if len(ids) > 10 else "")
            raise AmbiguousSessionError(
                f"{key!r} matches several sessions ({shown}); type more of the id",
                ids,
            )
        return str(rows[0][0])

    def _status_for_write(self, tx: Tx, sid: str) -> Row:
        """Read (and, on PostgreSQL, lock) a session's status row inside a write."""
        row = tx.one(
            "SELECT status, ending_id, ending_title, score FROM sessions WHERE id = ?"
            + self.backend.lock_row,
            (sid,),
        )
        if row is None:  # deleted by another program between resolve and lock
            raise SessionNotFoundError(f"session {sid} was deleted meanwhile")
        return row

    # -- sessions ---------------------------------------------------------

    def create_session(
        self,
        *,
        scenario_id: str,
        scenario_version: str,
        content_hash: str,
        scenario_title: str,
        scenario_path: str | None,
        seed: int,
        roles: list[str],
        trainee: str = "",
        mode: str = "trainee",
        meta: dict[str, Any] | None = None,
    ) -> str:
        """Start a new session and return its id.

        Args:
            scenario_id: Id of the scenario.
            scenario_version: Version of the scenario.
            content_hash: Hash of the scenario content (replay needs the same).
            scenario_title: Human title, for listings.
            scenario_path: Where the scenario file came from, if known.
            seed: Random seed (must fit in a signed 64-bit integer).
            roles: The roles taking part.
            trainee: Trainee name or team label.
            mode: How the session is played (e.g. ``"trainee"``).
            meta: Initial free-form JSON object.

        Returns:
            The new session id, e.g. ``251123-164012-3fa9c1`` (sorts by
            creation time).

        Raises:
            JournalError: On invalid arguments or a storage failure.
        """
        for name, value in (
            ("scenario_id", scenario_id),
            ("scenario_version", scenario_version),
            ("content_hash", content_hash),
            ("scenario_title", scenario_title),
            ("trainee", trainee),
            ("mode", mode),
        ):
            _check_text(name, value)
        if not scenario_id:
            raise JournalError("scenario_id must not be empty")
        if not mode:
            raise JournalError("mode must not be empty")
        if scenario_path is not None:
            _check_text("scenario_path", scenario_path)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise JournalError(f"seed must be an int, not {type(seed).__name__}")
        if not _INT64_MIN <= seed <= _INT64_MAX:
            raise JournalError(f"seed {seed} does not fit in a signed 64-bit integer")
        if isinstance(roles, str) or not all(isinstance(r, str) for r in roles):
            raise JournalError("roles must be a list of strings")
        if meta is not None and not isinstance(meta, dict):
            raise JournalError("meta must be a dict (a JSON object) or None")
        roles_text = canonical_json(list(roles))
        meta_text = canonical_json(dict(meta or {}))
        app_version = _app_version()
        for _attempt in range(20):
            moment = _now()
            sid = _new_session_id(moment)
            stamp = _iso(moment)
            try:
                with self._write() as tx:
                    tx.run(
                        "INSERT INTO sessions (id, scenario_id, scenario_version, "
                        "content_hash, scenario_title, scenario_path, seed, roles, "
                        "trainee, mode, meta, app_version, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            sid, scenario_id, scenario_version, content_hash,
                            scenario_title, scenario_path, seed, roles_text, trainee,
                            mode, meta_text, app_version, stamp, stamp,
                        ),
                    )
            except DuplicateKeyError:
                continue  # id collision in the same second: draw again
            return sid
        raise JournalError("could not allocate a unique session id")  # pragma: no cover

    def session(self, session_id: str) -> SessionRecord:
        """Return one session's record.

        Args:
            session_id: A session id or a unique prefix of one.

        Returns:
            The session record.

        Raises:
            SessionNotFoundError: If nothing matches.
            AmbiguousSessionError: If the prefix matches several sessions.
            BadRecordError: If the stored row cannot be read back.
        """
        with self._read() as tx:
            sid = self._resolve(tx, session_id)
            row = tx.one(f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", (sid,))
        if row is None:  # deleted by another program between resolve and read
            raise SessionNotFoundError(f"no session matches {session_id!r}")
        return _session_from_row(row)

    def resolve(self, session_id: str) -> str:
        """Return the full id for a session id or unique prefix.

        Args:
            session_id: A session id or a unique prefix of one.

        Returns:
            The full session id.

        Raises:
            SessionNotFoundError: If nothing matches.
            AmbiguousSessionError: If the prefix matches several sessions.
        """
        with self._read() as tx:
            return self._resolve(tx, session_id)

    def sessions(
        self, scenario_id: str | None = None, status: str | None = None
    ) -> list[SessionRecord]:
        """List sessions, newest first, skipping rows that cannot be read.

        A skipped row is logged as a warning on the ``game.records`` logger;
        :meth:`list_sessions` returns the skipped rows too.

        Args:
            scenario_id: Only sessions of this scenario.
            status: Only sessions with this status (``"active"``/``"ended"``).

        Returns:
            The matching, readable session records, newest first.

        Raises:
            JournalError: On an unknown status or a storage failure.
        """
        listing = self.list_sessions(scenario_id=scenario_id, status=status)
        for problem in listing.problems:
            _log.warning("%s: skipped a session: %s", self._location.display, problem.message)
        return listing.records

    def list_sessions(
        self, scenario_id: str | None = None, status: str | None = None
    ) -> SessionListing:
        """List sessions newest first, with the rows that had to be skipped.

        One bad row (a seed that is not a number, meta that is not an object,
        written by some other program) does not hide the others.

        Args:
            scenario_id: Only sessions of this scenario.
            status: Only sessions with this status (``"active"``/``"ended"``).

        Returns:
            The readable records and a problem for each skipped row.

        Raises:
            JournalError: On an unknown status or a storage failure.
        """
        if status is not None and status not in STATUSES:
            raise JournalError(
                f"unknown session status {status!r}; use one of {', '.join(STATUSES)}"
            )
        where: list[str] = []
        params: list[Any] = []
        if scenario_id is not None:
            where.append("s.scenario_id = ?")
            params.append(scenario_id)
        if status is not None:
            where.append("s.status = ?")
            params.append(status)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._read() as tx:
            rows = tx.all(
                f"SELECT {_SESSION_COLUMNS} FROM sessions s{clause} "
                f"ORDER BY {self.backend.newest_first}",
                params,
            )
        listing = SessionListing([])
        for row in rows:
            try:
                listing.records.append(_session_from_row(row))
            except BadRecordError as exc:
                listing.problems.append(RowProblem(exc.session_id or "?", str(exc)))
        return listing

    def finish(self, session_id: str, *, ending_id: str, ending_title: str, score: float) -> None:
        """Mark a session ended with its ending and score.

        Idempotent: finishing an ended session again with the same ending and
        score does nothing. A *different* ending or score is refused, since
        the recorded outcome must match what the inputs replay to.

        Args:
            session_id: A session id or a unique prefix of one.
            ending_id: Id of the ending reached.
            ending_title: Title of the ending reached.
            score: The final score.

        Raises:
            JournalError: If the session is unknown, already ended
                differently, or the score is not a finite number.
        """
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise JournalError(f"score must be a number, not {type(score).__name__}")
        if not math.isfinite(score):
            raise JournalError(f"score must be finite, not {score!r}")
        _check_text("ending_id", ending_id)
        _check_text("ending_title", ending_title)
        score = float(score)
        with self._write() as tx:
            sid = self._resolve(tx, session_id)
            row = self._status_for_write(tx, sid)
            if row[0] == "ended":
                if (row[1], row[2], row[3]) == (ending_id, ending_title, score):
                    return
                raise SessionEndedError(
                    f"session {sid} already ended with {row[1]!r} "
                    f"(score {row[3]}); it cannot be finished again as "
                    f"{ending_id!r} (score {score})"
                )
            now = _iso(_now())
            tx.run(
                "UPDATE sessions SET status = 'ended', ending_id = ?, "
                "ending_title = ?, score = ?, ended_at = ?, updated_at = ? "
                "WHERE id = ?",
                (ending_id, ending_title, score, now, now, sid),
            )

    def set_meta(self, session_id: str, key: str, value: Any) -> None:
        """Set one key of a session's ``meta`` object (atomic read-modify-write).

        Allowed on ended sessions too (after-action edits, observer notes).

        Args:
            session_id: A session id or a unique prefix of one.
            key: The key to set.
            value: Any JSON-able value.

        Raises:
            JournalError: If the session is unknown or the value not JSON-able.
        """
        self.update_meta(session_id, {key: value})

    def update_meta(
        self,
        session_id: str,
        changes: Mapping[str, Any],
        *,
        remove: tuple[str, ...] | list[str] = (),
    ) -> dict[str, Any]:
        """Merge several keys into (and optionally remove keys from) ``meta``.

        The read-modify-write happens under the store's write lock, so two
        programs editing different keys at once both keep their edits.

        Args:
            session_id: A session id or a unique prefix of one.
            changes: Keys to set.
            remove: Keys to delete (missing keys are ignored).

        Returns:
            The new ``meta`` object.

        Raises:
            JournalError: If the session is unknown or a value not JSON-able.
        """
        for key in list(changes) + list(remove):
            if not isinstance(key, str):
                raise JournalError(f"meta keys must be strings, not {key!r}")
        canonical_json(dict(changes))  # validate before taking the lock
        with self._write() as tx:
            sid = self._resolve(tx, session_id)
            self._status_for_write(tx, sid)
            (text,) = tx.one("SELECT meta FROM sessions WHERE id = ?", (sid,)) or ("{}",)
            try:
                meta: dict[str, Any] = _json(text, "its meta", dict)
            except _Bad as exc:
                raise BadRecordError(
                    f"session {sid} cannot be changed: {exc}", session_id=sid
                ) from None
            meta.update(changes)
            for key in remove:
                meta.pop(key, None)
            tx.run(
                "UPDATE sessions SET meta = ?, updated_at = ? WHERE id = ?",
                (canonical_json(meta), _iso(_now()), sid),
            )
        return meta

    def delete_session(self, session_id: str, *, actor: str = "", reason: str = "") -> AdminEvent:
        """Delete a session and all its inputs, keeping a copy in the admin log.

        The deletion is an admin event written in the same transaction: its
        details hold the session's header and every input, so a deletion is
        never lost silently (:meth:`restore_session` brings the session back).

        Args:
            session_id: A session id or a unique prefix of one.
            actor: Who deleted it (a name, for the log).
            reason: Why (for the log).

        Returns:
            The admin event that records the deletion.

        Raises:
            JournalError: If the session is unknown or ambiguous, or the store
                is read-only.
        """
        _check_text("actor", actor)
        _check_text("reason", reason)
        with self._write() as tx:
            sid = self._resolve(tx, session_id)
            row = tx.one(f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", (sid,))
            inputs = tx.all(
                f"SELECT seq, data, recorded_at, {self._decision_column} FROM inputs "
                "WHERE session_id = ? ORDER BY seq",
                (sid,),
            )
            details: dict[str, Any] = {"reason": reason, "session": _row_copy(row),
                                       "inputs": [_input_copy(r) for r in inputs]}
            event = self._admin_event(tx, "delete", sid, actor, details)
            tx.run("DELETE FROM sessions WHERE id = ?", (sid,))
        return event

    def archive_session(self, session_id: str, archived: bool = True, *, actor: str = "",
                        reason: str = "") -> AdminEvent | None:
        """Archive a session (hidden from everyday lists, kept whole) or bring it back.

        The mark is the session's ``meta[ARCHIVE_KEY]`` (``{"at", "by", "reason"}``);
        each change is an admin event, written in the same transaction.

        Args:
            session_id: A session id or a unique prefix of one.
            archived: True to archive, False to unarchive.
            actor: Who did it (for the log).
            reason: Why (for the log).

        Returns:
            The admin event, or None when the session already was in that state.

        Raises:
            JournalError: If the session is unknown or the store is read-only.
        """
        _check_text("actor", actor)
        _check_text("reason", reason)
        with self._write() as tx:
            sid = self._resolve(tx, session_id)
            self._status_for_write(tx, sid)
            (text,) = tx.one("SELECT meta FROM sessions WHERE id = ?", (sid,)) or ("{}",)
            try:
                meta: dict[str, Any] = _json(text, "its meta", dict)
            except _Bad as exc:
                raise BadRecordError(
                    f"session {sid} cannot be changed: {exc}", session_id=sid
                ) from None
            if (ARCHIVE_KEY in meta) == archived:
                return None
            now = _iso(_now())
            if archived:
                meta[ARCHIVE_KEY] = {"at": now, "by": actor, "reason": reason}
            else:
                meta.pop(ARCHIVE_KEY, None)
            tx.run("UPDATE sessions SET meta = ?, updated_at = ? WHERE id = ?",
                   (canonical_json(meta), now, sid))
            return self._admin_event(tx, "archive" if archived else "unarchive", sid, actor,
                                     {"reason": reason})

    def restore_session(self, session_id: str, *, actor: str = "") -> SessionRecord:
        """Bring back a deleted session from the copy its deletion event keeps.

        Args:
            session_id: The deleted session's full id (or a unique prefix of
                the ids deleted).
            actor: Who restored it (for the log).

        Returns:
            The restored session's record.

        Raises:
            SessionNotFoundError: If no deletion of such a session is logged.
            JournalError: If the id is in use again, or the copy cannot be read.
        """
        key = session_id.strip()
        deleted = [e for e in self.admin_events(action="delete")
                   if e.session_id and e.session_id.startswith(key)]
        ids = sorted({e.session_id for e in deleted if e.session_id})
        if not ids:
            raise SessionNotFoundError(
                f"no deleted session matches {key!r}; `hotline sessions --deleted` lists them")
        if len(ids) > 1:
            raise AmbiguousSessionError(f"{key!r} matches several deleted sessions "
                                        f"({', '.join(ids[:10])}); type more of the id", ids)
        event = [e for e in deleted if e.session_id == ids[0]][-1]
        try:
            record = _session_from_row(tuple(event.details["session"]))
            inputs = [InputRecord(int(i["seq"]), dict(i["data"]), str(i["recorded_at"]),
                                  i.get("decision")) for i in event.details["inputs"]]
        except (KeyError, TypeError, ValueError, BadRecordError) as exc:
            raise BadRecordError(f"the copy of deleted session {ids[0]} cannot be read "
                                 f"({exc})", session_id=ids[0]) from None
        self.import_session(record, inputs)
        with self._write() as tx:
            self._admin_event(tx, "restore", record.id, actor, {"deleted": event.id})
        return self.session(record.id)

    def _admin_event(self, tx: Tx, action: str, session_id: str | None, actor: str,
                     details: dict[str, Any]) -> AdminEvent:
        at = _iso(_now())
        tx.run("INSERT INTO admin_events (at, action, session_id, actor, details) "
               "VALUES (?, ?, ?, ?, ?)",
               (at, action, session_id, actor, canonical_json(details)))
        row = tx.one("SELECT MAX(id) FROM admin_events")
        return AdminEvent(int(row[0]) if row else 0, at, action, session_id, actor, details)

    def import_admin_event(self, event: AdminEvent) -> None:
        """Append an event copied from another store's log (its time and actor kept)."""
        _check_text("actor", event.actor)
        with self._write() as tx:
            tx.run("INSERT INTO admin_events (at, action, session_id, actor, details) "
                   "VALUES (?, ?, ?, ?, ?)",
                   (event.at, event.action, event.session_id, event.actor,
                    canonical_json(event.details)))

    def admin_events(self, session_id: str | None = None,
                     action: str | None = None) -> list[AdminEvent]:
        """The admin log, oldest first (empty for a store from before it existed).

        Args:
            session_id: Only events about this session (full id).
            action: Only this action (``delete``, ``archive``, ``unarchive``, ``restore``).
        """
        if self.backend.schema_version < 4:
            return []
        where, params = [], []
        if session_id is not None:
            where.append("session_id = ?")
            params.append(session_id)
        if action is not None:
            where.append("action = ?")
            params.append(action)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._read() as tx:
            rows = tx.all("SELECT id, at, action, session_id, actor, details FROM admin_events"
                          f"{clause} ORDER BY id", params)
        events = []
        for event_id, at, action_, sid, actor, text in rows:
            try:
                details = _json(text, "its details", dict)
            except _Bad:
                details = {}
            events.append(AdminEvent(int(event_id), str(at), str(action_),
                                     None if sid is None else str(sid), str(actor), details))
        return events

    def import_session(self, record: SessionRecord, inputs: list[InputRecord]) -> None:
        """Copy a session from another store, keeping its id, times and input numbers.

        Used by ``hotline store recover`` (and to move sessions between
        stores). The session and its inputs are written in one transaction,
        through the same triggers as any append.

        Args:
            record: The session's header (``n_inputs`` is ignored).
            inputs: Its inputs, numbered 1, 2, 3... in order.

        Raises:
            JournalError: If the id is taken, the inputs are not numbered from
                1 without gaps, or a value is not valid.
        """
        if [r.seq for r in inputs] != list(range(1, len(inputs) + 1)):
            raise JournalError(f"the inputs of session {record.id} are not numbered 1..n")
        for name in ("id", "scenario_id", "scenario_version", "content_hash", "scenario_title",
                     "trainee", "mode", "created_at", "updated_at", "app_version"):
            _check_text(name, getattr(record, name))
        texts = [canonical_json(r.data) for r in inputs]
        try:
            with self._write() as tx:
                tx.run(
                    "INSERT INTO sessions (id, scenario_id, scenario_version, content_hash, "
                    "scenario_title, scenario_path, seed, roles, trainee, mode, meta, "
                    "app_version, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.id, record.scenario_id, record.scenario_version,
                        record.content_hash, record.scenario_title, record.scenario_path,
                        record.seed, canonical_json(list(record.roles)), record.trainee,
                        record.mode, canonical_json(dict(record.meta)), record.app_version,
                        record.created_at, record.updated_at,
                    ),
                )
                for item, text in zip(inputs, texts, strict=True):
                    tx.run(
                        "INSERT INTO inputs (session_id, seq, data, recorded_at, decision) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (record.id, item.seq, text, item.recorded_at, item.decision),
                    )
                if record.status == "ended":
                    tx.run(
                        "UPDATE sessions SET status = 'ended', ending_id = ?, ending_title = ?, "
                        "score = ?, ended_at = ?, updated_at = ? WHERE id = ?",
                        (record.ending_id, record.ending_title, record.score, record.ended_at,
                         record.updated_at, record.id),
                    )
        except DuplicateKeyError:
            raise JournalError(
                f"session {record.id} is already in {self._location.display}"
            ) from None

    # -- inputs -----------------------------------------------------------

    def append_input(
        self,
        session_id: str,
        data: dict[str, Any],
        *,
        decision: str | None = None,
        after: int | None = None,
        then: Callable[[Tx, str], None] | None = None,
    ) -> int:
        """Append one input to an active session; committed before returning.

        The input is stored as canonical JSON in its own durable transaction,
        so once this returns the input survives a crash or ``kill -9`` of the
        process (and, on PostgreSQL, a restart of the server).

        Args:
            session_id: A session id or a unique prefix of one.
            data: A JSON object, e.g. ``{"type": "choose", "option": "call-dtl",
                "rationale": "...", "role": "secdef", "seconds": 12.5}``. Give
                it a ``seat`` (or ``role``) to say who decided.
            decision: A key naming the decision this input confirms (e.g.
                ``"turn-3/node-7"``). The database keeps one input per key and
                session: when two seats confirm the same decision, the second
                gets :class:`AlreadyDecidedError` saying who decided.
            after: The last sequence number the caller has applied. When
                given, the input is recorded only if it comes right after
                that one; if another writer recorded an input meanwhile,
                :class:`SessionMovedOnError` says so (seats and consoles on
                other machines pass it, so no input is journaled on a state
                its writer had not seen).
            then: More statements to run in the same transaction, given the
                transaction and the full session id (the seating module
                pauses the decision clocks with a pause input this way).

        Returns:
            The input's 1-based sequence number in the session.

        Raises:
            SessionNotFoundError: If the session is unknown.
            SessionEndedError: If the session has ended.
            AlreadyDecidedError: If ``decision`` was already recorded.
            SessionMovedOnError: If ``after`` is not the last input recorded.
            JournalError: If ``data`` is not a JSON-able dict, or on storage
                failure.
        """
        if not isinstance(data, dict):
            raise JournalError(f"an input must be a dict, not {type(data).__name__}")
        if decision is not None:
            _check_text("decision", decision)
            if not decision:
                raise JournalError("a decision key must not be empty")
        text = canonical_json(data)
        sid = session_id
        try:
            with self._write() as tx:
                sid = self._resolve(tx, session_id)
                (status, *_rest) = self._status_for_write(tx, sid)
                if decision is not None:
                    # First: a seat that lost the race for the last decision hears who
                    # won it, not only that the session has ended.
                    self._refuse_decided(tx, sid, decision)
                if status != "active":
                    raise SessionEndedError(
                        f"session {sid} has ended; no more inputs can be recorded "
                        "(start a new session or fork this one)"
                    )
                (seq,) = tx.one(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM inputs WHERE session_id = ?", (sid,)
                ) or (1,)
                if after is not None and int(seq) - 1 != after:
                    raise SessionMovedOnError(sid, after, int(seq) - 1)
                now = _iso(_now())
                if decision is None:
                    tx.run(
                        "INSERT INTO inputs (session_id, seq, data, recorded_at) "
                        "VALUES (?, ?, ?, ?)",
                        (sid, seq, text, now),
                    )
                else:
                    tx.run(
                        "INSERT INTO inputs (session_id, seq, data, recorded_at, decision) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (sid, seq, text, now, decision),
                    )
                tx.run("UPDATE sessions SET updated_at = ? WHERE id = ?", (now, sid))
                if then is not None:
                    then(tx, sid)
        except DuplicateKeyError:
            if decision is None:
                raise
            # Another writer got there between our check and our insert, and
            # the database's unique index turned us away: say who it was.
            with self._read() as tx:
                self._refuse_decided(tx, sid, decision)
            raise
        return int(seq)

    def _refuse_decided(self, tx: Tx, sid: str, decision: str) -> None:
        row = tx.one(
            "SELECT seq, data FROM inputs WHERE session_id = ? AND decision = ?", (sid, decision)
        )
        if row is not None:
            winner = _input_from_row(sid, (row[0], row[1], "", decision))
            raise AlreadyDecidedError(
                sid, decision, winner.seq, _decided_by(winner.data), winner.data
            )

    def decision(self, session_id: str, decision: str) -> InputRecord | None:
        """The input that confirmed a decision key, or None if it is still open.

        Args:
            session_id: A session id or a unique prefix of one.
            decision: The decision key.

        Returns:
            The winning input record, or None.
        """
        with self._read() as tx:
            sid = self._resolve(tx, session_id)
            row = tx.one(
                f"SELECT seq, data, recorded_at, {self._decision_column} FROM inputs "
                "WHERE session_id = ? AND decision = ?",
                (sid, decision),
            ) if self.backend.schema_version >= 2 else None
        return None if row is None else _input_from_row(sid, row)

    @property
    def _decision_column(self) -> str:
        # A store opened read-only is not migrated; before v2 it has no decisions.
        return "decision" if self.backend.schema_version >= 2 else "NULL"

    def wait_for_inputs(
        self, session_id: str, after_seq: int, timeout: float
    ) -> list[InputRecord]:
        """Wait until session ``session_id`` has inputs after ``after_seq``; return them.

        For seats and watchers on other machines. On PostgreSQL this sleeps on
        the insert trigger's ``NOTIFY`` (no polling of the tables); on SQLite it
        polls a change counter every 50 ms and reads the inputs only when some
        program committed.

        Args:
            session_id: A session id or a unique prefix of one.
            after_seq: The last sequence number the caller has seen (0 for none).
            timeout: Seconds to wait at most.

        Returns:
            The new input records in order (empty when the time ran out).

        Raises:
            SessionNotFoundError: If the session is unknown.
        """
        sid = self.resolve(session_id)
        deadline = time.monotonic() + max(0.0, timeout)
        with self._lock:
            self.backend.prepare_wait()  # before the read, so no commit slips between
        while True:
            records = self.input_records(sid, after=after_seq)
            remaining = deadline - time.monotonic()
            if records or remaining <= 0:
                return records
            self.backend.wait_for_inputs(sid, after_seq, remaining)

    def prepare_wait(self) -> None:
        """Start listening for other writers' commits; call it before reading what to wait on.

        A seat calls this, reads the session (inputs, votes, clock), and only
        then :meth:`wait_for_activity`, so a commit between the read and the
        wait still wakes it.
        """
        with self._lock:
            self.backend.prepare_wait()

    def wait_for_activity(self, session_id: str, timeout: float) -> bool:
        """Sleep until another writer may have changed session ``session_id``, or timeout.

        Anything a seat must see wakes it: an input, a vote, a decision clock
        changed. On PostgreSQL this is the triggers' ``NOTIFY`` (no polling); on
        SQLite a change counter read every 50 ms. It may return early; the
        caller reads the session again either way. Call :meth:`prepare_wait`
        before that read.

        Args:
            session_id: The full session id.
            timeout: Seconds to wait at most.

        Returns:
            True when another writer's commit woke it, False when time ran out.
        """
        # -1: any notification about the session wakes us, whatever its payload.
        return self.backend.wait_for_inputs(session_id, -1, max(0.0, timeout))

    def server_time(self) -> float:
        """The database's clock in seconds since the epoch (seats share it)."""
        with self._read() as tx:
            row = tx.one(f"SELECT {self.backend.epoch_sql}")
        return float(row[0]) if row is not None else time.time()

    def inputs(self, session_id: str) -> list[dict[str, Any]]:
        """Return a session's inputs in order.

        Args:
            session_id: A session id or a unique prefix of one.

        Returns:
            The input dicts, ``result[seq - 1]`` being input ``seq``.

        Raises:
            SessionNotFoundError: If the session is unknown.
            BadRecordError: If a stored input is not a JSON object.
        """
        return [r.data for r in self.input_records(session_id)]

    def input_records(self, session_id: str, *, after: int = 0) -> list[InputRecord]:
        """Return a session's inputs in order, with seq and commit time.

        Args:
            session_id: A session id or a unique prefix of one.
            after: Only inputs with a sequence number above this.

        Returns:
            The input records in sequence order.

        Raises:
            SessionNotFoundError: If the session is unknown.
            BadRecordError: If a stored input is not a JSON object.
        """
        with self._read() as tx:
            sid = self._resolve(tx, session_id)
            rows = tx.all(
                f"SELECT seq, data, recorded_at, {self._decision_column} FROM inputs "
                "WHERE session_id = ? AND seq > ? ORDER BY seq",
                (sid, after),
            )
        return [_input_from_row(sid, row) for row in rows]

    def inputs_of(self, session_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The inputs of many sessions at once (full ids), in order; a class view's read.

        Sessions that do not exist are missing from the result.

        Raises:
            BadRecordError: If a stored input is not a JSON object.
        """
        out: dict[str, list[dict[str, Any]]] = {}
        with self._read() as tx:
            for start in range(0, len(session_ids), 500):
                chunk = session_ids[start:start + 500]
                marks = ", ".join("?" for _ in chunk)
                rows = tx.all(
                    f"SELECT session_id, seq, data, recorded_at FROM inputs "
                    f"WHERE session_id IN ({marks}) ORDER BY session_id, seq", chunk)
                for sid, seq, text, at in rows:
                    out.setdefault(str(sid), []).append(
                        _input_from_row(str(sid), (seq, text, at)).data)
        return out

    # -- scenario snapshots -------------------------------------------------

    @property
    def _has_snapshots(self) -> bool:
        # A store opened read-only is not migrated; before v3 it has no snapshots.
        return self.backend.schema_version >= 3

    def put_scenario(self, content_hash: str, text: str, *, scenario_id: str, version: str,
                     title: str) -> bool:
        """Keep a scenario's canonical text, once per content hash.

        Args:
            content_hash: The scenario's content hash.
            text: Its canonical text: the JSON whose SHA-256 (first 16 hex
                digits) is ``content_hash`` (``game.sessions.snapshots``).
            scenario_id: The scenario's id.
            version: The scenario's version string.
            title: The scenario's title.

        Returns:
            True if the snapshot was stored now, False if it already was.

        Raises:
            JournalError: If the text does not hash to ``content_hash``, the
                store is read-only, or on a storage failure.
        """
        for name, value in (("scenario_id", scenario_id), ("version", version),
                            ("title", title)):
            _check_text(name, value)
        if snapshot_hash(text) != content_hash:
            raise JournalError(
                f"the scenario text given for content {content_hash!r} hashes to "
                f"{snapshot_hash(text)!r}; a snapshot must be the scenario's canonical text")
        if not self._has_snapshots:
            raise ReadOnlyStoreError(f"{self._location.display} is open read-only (schema "
                                     f"v{self.backend.schema_version}); no snapshot was kept")
        with self._write() as tx:
            if tx.one("SELECT 1 FROM scenarios WHERE content_hash = ?", (content_hash,)):
                return False
            tx.run(
                "INSERT INTO scenarios (content_hash, scenario_id, version, title, text, "
                "stored_at) VALUES (?, ?, ?, ?, ?, ?)",
                (content_hash, scenario_id, version, title, text, _iso(_now())),
            )
            return True

    def scenario_text(self, content_hash: str) -> str | None:
        """A scenario's canonical text by content hash (None if not kept).

        Raises:
            BadRecordError: If the stored text no longer hashes to its key.
        """
        if not self._has_snapshots:
            return None
        with self._read() as tx:
            row = tx.one("SELECT text FROM scenarios WHERE content_hash = ?", (content_hash,))
        if row is None:
            return None
        text = str(row[0])
        if snapshot_hash(text) != content_hash:
            raise BadRecordError(f"{self._location.display}: the scenario snapshot "
                                 f"{content_hash} is damaged (its text hashes differently)")
        return text

    def scenario_snapshots(self) -> list[tuple[str, str, str, str, str]]:
        """Every kept snapshot as ``(content_hash, scenario_id, version, title, text)``."""
        if not self._has_snapshots:
            return []
        with self._read() as tx:
            rows = tx.all("SELECT content_hash, scenario_id, version, title, text "
                          "FROM scenarios ORDER BY stored_at, content_hash")
        return [(str(a), str(b), str(c), str(d), str(e)) for a, b, c, d, e in rows]

    def missing_snapshots(self) -> list[tuple[str, str | None]]:
        """Sessions' scenarios the journal has no snapshot of.

        Returns:
            Distinct ``(content_hash, scenario_path)`` pairs, newest session first.
        """
        with self._read() as tx:
            if not self._has_snapshots:
                rows = tx.all("SELECT content_hash, scenario_path, MAX(created_at) FROM sessions "
                              "GROUP BY content_hash, scenario_path ORDER BY 3 DESC")
            else:
                rows = tx.all(
                    "SELECT s.content_hash, s.scenario_path, MAX(s.created_at) FROM sessions s "
                    "WHERE NOT EXISTS (SELECT 1 FROM scenarios c "
                    "WHERE c.content_hash = s.content_hash) "
                    "GROUP BY s.content_hash, s.scenario_path ORDER BY 3 DESC"
                )
        return [(str(h), None if p is None else str(p)) for h, p, _ in rows]
