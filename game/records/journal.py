"""The append-only session journal (SQLite).

A session's *truth* is small: the scenario it was played on (id, version and
content hash), the random seed, the roles, and the ordered list of inputs
(trainee choices with their rationale, facilitator actions). Everything else
(events, meters, the debrief) is derived by replaying those inputs through
the engine. This module stores exactly that truth, plus a few derived
conveniences (ending, score) and a free-form ``meta`` object for things that
are not replayed (after-action edits, observer notes).

Durability contract: :meth:`Journal.append_input` commits the input in its
own ``synchronous=FULL`` transaction *before* it returns, so the caller may
show the engine's answer only after the input is safe on disk. A process
killed at any point (even ``kill -9``) loses nothing it was told was saved.

All SQL in Hotline lives in this package. It never imports PySide6.
"""

from __future__ import annotations

import json
import math
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

# The store's default location is one of the user's folders, all named in game.paths.
from game.paths import STORE_ENV, default_store_path

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STATUSES",
    "STORE_ENV",
    "AmbiguousSessionError",
    "InputRecord",
    "Journal",
    "JournalError",
    "SessionEndedError",
    "SessionNotFoundError",
    "SessionRecord",
    "StoreError",
    "canonical_json",
    "default_store_path",
    "migrate",
]

#: Statuses a session can have.
STATUSES: Final = ("active", "ended")
#: How long a connection waits for another writer before giving up.
BUSY_TIMEOUT_S: Final = 5.0

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
_STORE_HINT: Final = (
    "move the file aside together with any '-wal' and '-shm' files next to it "
    "(e.g. `mv '{path}' '{path}.broken'`) to start a fresh journal, or pass "
    "--store PATH (or set HOTLINE_STORE) to use another one"
)


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class JournalError(Exception):
    """Any failure of the journal, with a message fit to show a user."""


class StoreError(JournalError):
    """The store file cannot be opened or is not a (readable) Hotline journal."""


class SessionNotFoundError(JournalError):
    """No session matches the given id or id prefix."""


class AmbiguousSessionError(JournalError):
    """An id prefix matches more than one session."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        """Create the error.

        Args:
            message: The user-facing message.
            candidates: The full ids that matched the prefix.
        """
        super().__init__(message)
        self.candidates = candidates


class SessionEndedError(JournalError):
    """An input was appended to a session that has already ended."""


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
    """

    seq: int
    data: dict[str, Any]
    recorded_at: str


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


# --------------------------------------------------------------------------
# Schema and migrations
# --------------------------------------------------------------------------

_SCHEMA_V1: Final = (
    """
    CREATE TABLE sessions (
        id               TEXT PRIMARY KEY,
        scenario_id      TEXT NOT NULL,
        scenario_version TEXT NOT NULL,
        content_hash     TEXT NOT NULL,
        scenario_title   TEXT NOT NULL,
        scenario_path    TEXT,
        seed             INTEGER NOT NULL,
        roles            TEXT NOT NULL CHECK (json_valid(roles)),
        trainee          TEXT NOT NULL DEFAULT '',
        mode             TEXT NOT NULL,
        meta             TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta)),
        app_version      TEXT NOT NULL DEFAULT '',
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        status           TEXT NOT NULL DEFAULT 'active'
                         CHECK (status IN ('active', 'ended')),
        ending_id        TEXT,
        ending_title     TEXT,
        score            REAL,
        ended_at         TEXT
    )
    """,
    "CREATE INDEX sessions_by_created ON sessions (created_at)",
    "CREATE INDEX sessions_by_scenario ON sessions (scenario_id, created_at)",
    """
    CREATE TABLE inputs (
        session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL CHECK (seq >= 1),
        data        TEXT NOT NULL CHECK (json_valid(data)),
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID
    """,
    # The database itself guards the append-only invariants, whoever writes.
    """
    CREATE TRIGGER inputs_no_update BEFORE UPDATE ON inputs
    BEGIN
        SELECT RAISE(ABORT, 'journal inputs are append-only');
    END
    """,
    """
    CREATE TRIGGER inputs_in_order BEFORE INSERT ON inputs
    WHEN NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM inputs
                     WHERE session_id = NEW.session_id)
    BEGIN
        SELECT RAISE(ABORT, 'journal inputs must be appended in sequence');
    END
    """,
    """
    CREATE TRIGGER inputs_session_active BEFORE INSERT ON inputs
    WHEN (SELECT status FROM sessions WHERE id = NEW.session_id) = 'ended'
    BEGIN
        SELECT RAISE(ABORT, 'cannot append to an ended session');
    END
    """,
)


def _migrate_to_v1(conn: sqlite3.Connection) -> None:
    """Create the initial schema (sessions, inputs, guard triggers).

    Args:
        conn: A connection inside a write transaction.
    """
    for statement in _SCHEMA_V1:
        conn.execute(statement)


#: ``MIGRATIONS[i]`` takes the schema from version ``i`` to ``i + 1``. Add new
#: steps at the end; never edit a released one.
MIGRATIONS: Final[tuple[Callable[[sqlite3.Connection], None], ...]] = (_migrate_to_v1,)
#: The schema version this build writes.
SCHEMA_VERSION: Final = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, path: str = "journal") -> int:
    """Bring a store's schema up to :data:`SCHEMA_VERSION`.

    Each step runs in its own ``BEGIN IMMEDIATE`` transaction and re-reads
    ``PRAGMA user_version`` under the write lock, so two processes opening a
    new store at once do not both migrate it.

    Args:
        conn: A connection in autocommit mode (``isolation_level=None``).
        path: The store path, for messages.

    Returns:
        The schema version after migration.

    Raises:
        StoreError: If the store was written by a newer Hotline, or is some
            other application's SQLite database.
    """
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the journal {path} was written by a newer Hotline (schema "
                    f"v{version}; this build knows up to v{SCHEMA_VERSION}). "
                    "Upgrade Hotline, or pass --store PATH to use another journal."
                )
            if version == SCHEMA_VERSION:
                conn.execute("COMMIT")
                return version
            if version == 0:
                foreign = conn.execute(
                    "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 1"
                ).fetchone()
                if foreign is not None:
                    raise StoreError(
                        f"{path} is an SQLite database but not a Hotline journal "
                        f"(it has a table or index named {foreign[0]!r}); to fix it, "
                        + _STORE_HINT.format(path=path)
                    )
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


# --------------------------------------------------------------------------
# The journal
# --------------------------------------------------------------------------

_SESSION_COLUMNS: Final = (
    "s.id, s.scenario_id, s.scenario_version, s.content_hash, s.scenario_title, "
    "s.scenario_path, s.seed, s.roles, s.trainee, s.mode, s.meta, s.created_at, "
    "s.updated_at, s.status, s.ending_id, s.ending_title, s.score, "
    "(SELECT COUNT(*) FROM inputs i WHERE i.session_id = s.id), "
    "s.ended_at, s.app_version"
)


def _session_from_row(row: tuple[Any, ...]) -> SessionRecord:
    return SessionRecord(
        id=row[0],
        scenario_id=row[1],
        scenario_version=row[2],
        content_hash=row[3],
        scenario_title=row[4],
        scenario_path=row[5],
        seed=int(row[6]),
        roles=tuple(json.loads(row[7])),
        trainee=row[8],
        mode=row[9],
        meta=json.loads(row[10]),
        created_at=row[11],
        updated_at=row[12],
        status=row[13],
        ending_id=row[14],
        ending_title=row[15],
        score=None if row[16] is None else float(row[16]),
        n_inputs=int(row[17]),
        ended_at=row[18],
        app_version=row[19],
    )


class Journal:
    """The session store: an append-only SQLite journal of session inputs.

    Several ``Journal`` objects (in one process or several, e.g. the trainee
    window and a CLI) may use the same file at once: the store runs in WAL
    mode and writers wait up to :data:`BUSY_TIMEOUT_S` for each other. One
    object may be shared between threads (calls are serialised).

    Every method that takes a ``session_id`` also accepts a unique prefix of
    one, like git does for commits.

    Example:
        >>> with Journal(tmp / "j.sqlite3") as journal:  # doctest: +SKIP
        ...     sid = journal.create_session(scenario_id="s", ...)
        ...     journal.append_input(sid, {"type": "choose", "option": "call"})
    """

    def __init__(self, path: Path | str | None = None) -> None:
        """Open (creating if needed) the journal at ``path``.

        Args:
            path: The store file; ``None`` means :func:`default_store_path`.
                Missing parent directories are created.

        Raises:
            StoreError: If the file cannot be opened or is not a Hotline
                journal; the message names the path and how to fix it.
        """
        self._path = Path(path).expanduser() if path is not None else default_store_path()
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder for the journal {self._path}: {exc}. "
                "Pass --store PATH (or set HOTLINE_STORE) to put it elsewhere."
            ) from exc
        if self._path.is_dir():
            raise StoreError(
                f"the journal path {self._path} is a folder, not a file; "
                "pass --store PATH (or set HOTLINE_STORE) naming a file."
            )
        try:
            conn = sqlite3.connect(
                str(self._path),
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,  # guarded by self._lock
            )
        except sqlite3.Error as exc:
            raise self._store_error(exc) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn, str(self._path))
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise self._store_error(exc) from exc
        self._conn = conn

    # -- plumbing ---------------------------------------------------------

    @property
    def path(self) -> Path:
        """The store file."""
        return self._path

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._conn is None

    def __repr__(self) -> str:
        """Return a debugging representation."""
        state = "closed" if self.closed else "open"
        return f"Journal({str(self._path)!r}, {state})"

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
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None

    def _store_error(self, exc: sqlite3.Error) -> StoreError:
        path = str(self._path)
        return StoreError(
            f"cannot use the journal {path}: it is not a readable Hotline journal "
            f"(SQLite says: {exc}). To fix it, " + _STORE_HINT.format(path=path) + "."
        )

    def _translate(self, exc: sqlite3.Error) -> JournalError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return JournalError(
                f"the journal {self._path} is busy: another Hotline window or "
                f"command held it for more than {BUSY_TIMEOUT_S:g} s ({text}). "
                "Try again, or close the other program."
            )
        if isinstance(exc, sqlite3.IntegrityError):
            return JournalError(f"the journal refused the change: {text}")
        if "readonly" in text or "read-only" in text:
            return JournalError(
                f"the journal {self._path} is read-only ({text}); fix its permissions "
                "or pass --store PATH (or set HOTLINE_STORE) to use another one."
            )
        if isinstance(exc, sqlite3.DatabaseError) and (
            "malformed" in text or "not a database" in text or "corrupt" in text
        ):
            return self._store_error(exc)
        return JournalError(f"journal {self._path}: {text}")

    @contextmanager
    def _use(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock, check the journal is open, and translate SQLite errors.

        Yields:
            The open connection.

        Raises:
            JournalError: If the journal is closed or SQLite fails.
        """
        with self._lock:
            if self._conn is None:
                raise JournalError(f"the journal {self._path} is closed")
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise self._translate(exc) from exc

    @staticmethod
    @contextmanager
    def _write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """Run a block in a ``BEGIN IMMEDIATE`` transaction.

        Args:
            conn: The connection.

        Yields:
            The connection, inside the transaction.
        """
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _resolve(self, conn: sqlite3.Connection, session_id: str) -> str:
        """Turn a session id or unique id prefix into a full id.

        Args:
            conn: The connection.
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
        if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (key,)).fetchone():
            return key
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            "SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 11",
            (escaped + "%",),
        ).fetchall()
        if not rows:
            raise SessionNotFoundError(
                f"no session matches {key!r}; run `hotline sessions` to list them"
            )
        if len(rows) > 1:
            ids = [r[0] for r in rows]
            shown = ", ".join(ids[:10]) + (", …" if len(ids) > 10 else "")
            raise AmbiguousSessionError(
                f"{key!r} matches several sessions ({shown}); type more of the id",
                ids,
            )
        return str(rows[0][0])

    def _touch(self, conn: sqlite3.Connection, sid: str, now: str) -> None:
        conn.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (now, sid))

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
            if not isinstance(value, str):
                raise JournalError(f"{name} must be a string, not {type(value).__name__}")
        if not scenario_id:
            raise JournalError("scenario_id must not be empty")
        if not mode:
            raise JournalError("mode must not be empty")
        if scenario_path is not None and not isinstance(scenario_path, str):
            raise JournalError("scenario_path must be a string or None")
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
        with self._use() as conn:
            for _attempt in range(20):
                moment = _now()
                sid = _new_session_id(moment)
                stamp = _iso(moment)
                try:
                    with self._write(conn):
                        conn.execute(
                            "INSERT INTO sessions (id, scenario_id, scenario_version, "
                            "content_hash, scenario_title, scenario_path, seed, roles, "
                            "trainee, mode, meta, app_version, created_at, updated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (
                                sid,
                                scenario_id,
                                scenario_version,
                                content_hash,
                                scenario_title,
                                scenario_path,
                                seed,
                                roles_text,
                                trainee,
                                mode,
                                meta_text,
                                app_version,
                                stamp,
                                stamp,
                            ),
                        )
                except sqlite3.IntegrityError:
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
        """
        with self._use() as conn:
            sid = self._resolve(conn, session_id)
            row = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", (sid,)
            ).fetchone()
        if row is None:  # deleted between resolve and read: cannot happen under lock
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
        with self._use() as conn:
            return self._resolve(conn, session_id)

    def sessions(
        self, scenario_id: str | None = None, status: str | None = None
    ) -> list[SessionRecord]:
        """List sessions, newest first.

        Args:
            scenario_id: Only sessions of this scenario.
            status: Only sessions with this status (``"active"``/``"ended"``).

        Returns:
            The matching session records, newest first.

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
        with self._use() as conn:
            rows = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions s{clause} "
                "ORDER BY s.created_at DESC, s.rowid DESC",
                params,
            ).fetchall()
        return [_session_from_row(r) for r in rows]

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
        score = float(score)
        with self._use() as conn:
            sid = self._resolve(conn, session_id)
            with self._write(conn):
                row = conn.execute(
                    "SELECT status, ending_id, ending_title, score FROM sessions WHERE id = ?",
                    (sid,),
                ).fetchone()
                if row[0] == "ended":
                    if (row[1], row[2], row[3]) == (ending_id, ending_title, score):
                        return
                    raise SessionEndedError(
                        f"session {sid} already ended with {row[1]!r} "
                        f"(score {row[3]}); it cannot be finished again as "
                        f"{ending_id!r} (score {score})"
                    )
                now = _iso(_now())
                conn.execute(
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
        with self._use() as conn:
            sid = self._resolve(conn, session_id)
            with self._write(conn):
                (text,) = conn.execute("SELECT meta FROM sessions WHERE id = ?", (sid,)).fetchone()
                meta: dict[str, Any] = json.loads(text)
                meta.update(changes)
                for key in remove:
                    meta.pop(key, None)
                conn.execute(
                    "UPDATE sessions SET meta = ?, updated_at = ? WHERE id = ?",
                    (canonical_json(meta), _iso(_now()), sid),
                )
        return meta

    def delete_session(self, session_id: str) -> None:
        """Delete a session and all its inputs.

        Args:
            session_id: A session id or a unique prefix of one.

        Raises:
            JournalError: If the session is unknown or ambiguous.
        """
        with self._use() as conn:
            sid = self._resolve(conn, session_id)
            with self._write(conn):
                conn.execute("DELETE FROM sessions WHERE id = ?", (sid,))

    # -- inputs -----------------------------------------------------------

    def append_input(self, session_id: str, data: dict[str, Any]) -> int:
        """Append one input to an active session; committed before returning.

        The input is stored as canonical JSON in its own ``synchronous=FULL``
        transaction, so once this returns the input survives a crash or
        ``kill -9`` of the process.

        Args:
            session_id: A session id or a unique prefix of one.
            data: A JSON object, e.g. ``{"type": "choose", "option": "call-dtl",
                "rationale": "...", "role": "secdef", "seconds": 12.5}``.

        Returns:
            The input's 1-based sequence number in the session.

        Raises:
            SessionNotFoundError: If the session is unknown.
            SessionEndedError: If the session has ended.
            JournalError: If ``data`` is not a JSON-able dict, or on storage
                failure.
        """
        if not isinstance(data, dict):
            raise JournalError(f"an input must be a dict, not {type(data).__name__}")
        text = canonical_json(data)
        with self._use() as conn:
            sid = self._resolve(conn, session_id)
            with self._write(conn):
                (status,) = conn.execute(
                    "SELECT status FROM sessions WHERE id = ?", (sid,)
                ).fetchone()
                if status != "active":
                    raise SessionEndedError(
                        f"session {sid} has ended; no more inputs can be recorded "
                        "(start a new session or fork this one)"
                    )
                (seq,) = conn.execute(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM inputs WHERE session_id = ?",
                    (sid,),
                ).fetchone()
                now = _iso(_now())
                conn.execute(
                    "INSERT INTO inputs (session_id, seq, data, recorded_at) VALUES (?, ?, ?, ?)",
                    (sid, seq, text, now),
                )
                self._touch(conn, sid, now)
        return int(seq)

    def inputs(self, session_id: str) -> list[dict[str, Any]]:
        """Return a session's inputs in order.

        Args:
            session_id: A session id or a unique prefix of one.

        Returns:
            The input dicts, ``result[seq - 1]`` being input ``seq``.

        Raises:
            SessionNotFoundError: If the session is unknown.
        """
        return [r.data for r in self.input_records(session_id)]

    def input_records(self, session_id: str) -> list[InputRecord]:
        """Return a session's inputs in order, with seq and commit time.

        Args:
            session_id: A session id or a unique prefix of one.

        Returns:
            The input records in sequence order.

        Raises:
            SessionNotFoundError: If the session is unknown.
        """
        with self._use() as conn:
            sid = self._resolve(conn, session_id)
            rows = conn.execute(
                "SELECT seq, data, recorded_at FROM inputs WHERE session_id = ? ORDER BY seq",
                (sid,),
            ).fetchall()
        return [InputRecord(int(seq), json.loads(text), at) for seq, text, at in rows]
