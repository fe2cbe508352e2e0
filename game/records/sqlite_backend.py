"""The embedded journal backend: one SQLite file in WAL mode.

Opening protects what the file holds. Before anything is written the file is
identified from a read-only connection: a zero-byte file, a file that is not
SQLite, or another application's database is reported and left exactly as it
was (never switched to WAL). A Hotline journal then gets a quick integrity
check; a damaged one is refused for writing (:class:`DamagedStoreError` says
how to recover) but can still be opened read-only to list or copy what is
readable. A new journal is built in a temporary file and linked into place
complete, so a crash while creating one never leaves an empty file behind.
"""

from __future__ import annotations

import os
import secrets
import shlex
import sqlite3
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from .backend import DuplicateKeyError, Row
from .errors import (
    DamagedStoreError,
    ForeignStoreError,
    JournalError,
    ReadOnlyStoreError,
    StoreError,
    StoreLockedError,
)
from .schema import HOTLINE_APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from .stores import StoreLocation

__all__ = ["BUSY_TIMEOUT_S", "SqliteBackend", "recovery_advice"]

#: How long a connection waits for another writer before giving up.
BUSY_TIMEOUT_S: Final = 5.0
#: How often a waiting reader looks for other writers' commits.
POLL_S: Final = 0.05

_MAGIC: Final = b"SQLite format 3\x00"
# Tables and a trigger every Hotline journal has had since schema v1; a store
# made before journals carried an application id is recognised by them.
_HOTLINE_MARKS: Final = frozenset({"sessions", "inputs", "inputs_no_update"})


def _q(path: Path | str) -> str:
    return shlex.quote(str(path))


def recovery_advice(path: Path | str) -> str:
    """How to get a damaged journal's sessions back, as commands to run."""
    return (
        f"Hotline will not write to it, so nothing more is lost. "
        f"`hotline --store {_q(path)} store check` lists what is wrong; "
        f"`hotline --store {_q(path)} store recover NEW.sqlite3` copies every readable "
        "session into a new journal, which you then use with --store NEW.sqlite3 "
        "(or move into place once the damaged file is moved aside)."
    )


def _elsewhere() -> str:
    return "pass --store PATH (or set HOTLINE_STORE) to use another journal"


def _summary(problems: Sequence[str]) -> str:
    more = len(problems) - 1
    return problems[0] + (f"; and {more} more problem(s)" if more else "")


def _error_name(exc: sqlite3.Error) -> str:
    return str(getattr(exc, "sqlite_errorname", "") or "")


class SqliteBackend:
    """An open SQLite journal (see the module docstring for what opening checks)."""

    newest_first: Final[str] = "s.created_at DESC, s.rowid DESC"
    lock_row: Final[str] = ""  # BEGIN IMMEDIATE already excludes other writers
    # Milliseconds; every writer of a SQLite store shares this machine's clock.
    epoch_sql: Final[str] = "((julianday('now') - 2440587.5) * 86400.0)"

    def __init__(
        self,
        location: StoreLocation,
        *,
        read_only: bool = False,
        busy_timeout: float = BUSY_TIMEOUT_S,
    ) -> None:
        """Open (creating if needed, unless ``read_only``) the journal file.

        Args:
            location: A ``sqlite`` store location.
            read_only: Open for reading only: never create, migrate or write;
                a damaged store opens anyway, with :attr:`damage` set.
            busy_timeout: Seconds to wait for another program's lock.

        Raises:
            StoreError: The file cannot be used; the message names it and
                says what to do (a subclass tells which problem it is).
        """
        self.location = location
        self.read_only = read_only
        self.damage: tuple[str, ...] = ()
        self.schema_version = SCHEMA_VERSION
        self._path = Path(location.target)
        self._busy = busy_timeout
        self._conn: sqlite3.Connection | None = None
        self._waiter: sqlite3.Connection | None = None
        if not os.path.lexists(self._path):
            if read_only:
                raise StoreError(f"there is no journal at {self._path}")
            self._create()
        self._check_file()
        ro = self._connect_read_only()
        try:
            self._identify(ro)
            problems = self.integrity_problems_of(ro, full=False)
        except BaseException:
            ro.close()
            raise
        if problems:
            if not read_only:
                ro.close()
                raise DamagedStoreError(
                    f"the journal {self._path} is damaged ({_summary(problems)}). "
                    + recovery_advice(self._path),
                    tuple(problems),
                )
            self.damage = tuple(problems)
        if read_only:
            self._conn = ro
            return
        ro.close()
        self._conn = self._connect_read_write()

    # -- opening -------------------------------------------------------------

    def _check_file(self) -> None:
        """Refuse what is not a non-empty SQLite file, without changing it."""
        path = self._path
        try:
            info = path.stat()
        except OSError as exc:
            raise StoreError(f"cannot use the journal {path}: {exc.strerror}; {_elsewhere()}") \
                from exc
        if stat.S_ISDIR(info.st_mode):
            raise StoreError(
                f"the journal path {path} is a folder, not a file; "
                "pass --store PATH (or set HOTLINE_STORE) naming a file."
            )
        if not stat.S_ISREG(info.st_mode):
            raise ForeignStoreError(
                f"the journal path {path} is not a regular file (a pipe, device or socket?); "
                f"nothing was read from or written to it; {_elsewhere()}."
            )
        if info.st_size == 0:
            raise ForeignStoreError(
                f"the journal {path} is empty (0 bytes). A Hotline journal is never empty, so "
                "this one was probably cut short (a full disk, an interrupted copy or sync); "
                "the sessions it held are not in it. Nothing was changed. Restore it from a "
                "backup if you have one; to start a new journal there, delete the empty "
                f"file (`rm {_q(path)}`), or {_elsewhere()}."
            )
        try:
            with open(path, "rb") as handle:
                header = handle.read(100)
        except OSError as exc:
            raise ReadOnlyStoreError(
                f"cannot read the journal {path}: {exc.strerror}. Check its permissions, "
                f"or {_elsewhere()}."
            ) from exc
        if not header.startswith(_MAGIC):
            raise ForeignStoreError(
                f"{path} is not a Hotline journal: it is not an SQLite database at all "
                f"(it starts with {header[:16]!r}). Nothing was changed; {_elsewhere()}."
            )
        app_id = int.from_bytes(header[68:72], "big", signed=True)
        if len(header) == 100 and app_id not in (0, HOTLINE_APPLICATION_ID):
            raise self._foreign(f"its application id is {app_id:#010x}, not Hotline's")

    def _foreign(self, why: str) -> ForeignStoreError:
        return ForeignStoreError(
            f"{self._path} is an SQLite database but not a Hotline journal ({why}). "
            f"Nothing was changed in it; {_elsewhere()}."
        )

    def _connect_read_only(self) -> sqlite3.Connection:
        """A connection that cannot change the file (``mode=ro``).

        In a folder that cannot be written, SQLite cannot make the ``-shm``
        file a WAL reader needs; then the file is opened ``immutable``
        (which only misses commits still in a ``-wal`` file, and there is
        none when the last writer closed cleanly).
        """
        uri = "file:" + quote(str(self._path.resolve()))
        last: sqlite3.Error | None = None
        for flags in ("?mode=ro", "?mode=ro&immutable=1"):
            conn: sqlite3.Connection | None = None
            try:
                conn = sqlite3.connect(
                    uri + flags, uri=True, timeout=self._busy, isolation_level=None,
                    check_same_thread=False,
                )
                conn.execute(f"PRAGMA busy_timeout = {int(self._busy * 1000)}")
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return conn
            except sqlite3.Error as exc:
                if conn is not None:
                    conn.close()
                last = exc
                if not _error_name(exc).startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")):
                    break
        assert last is not None
        raise self.translate(last, opening=True) from last

    def _identify(self, conn: sqlite3.Connection) -> None:
        """Refuse a database that is not Hotline's or is from a newer Hotline."""
        try:
            (app_id,) = conn.execute("PRAGMA application_id").fetchone()
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            names = {
                str(row[0])
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                )
            }
        except sqlite3.Error as exc:
            if _error_name(exc).startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
                raise DamagedStoreError(
                    f"the journal {self._path} is damaged: its table of contents cannot be "
                    f"read ({exc}). " + recovery_advice(self._path),
                    (str(exc),),
                ) from exc
            raise self.translate(exc, opening=True) from exc
        ours = app_id == HOTLINE_APPLICATION_ID or (
            app_id == 0
            and ((not names and version == 0) or (_HOTLINE_MARKS <= names and version >= 1))
        )
        if not ours:
            if app_id != 0:
                raise self._foreign(f"its application id is {app_id:#010x}, not Hotline's")
            shown = sorted(names - _HOTLINE_MARKS) or sorted(names)
            raise self._foreign(
                f"it has a table or index named {shown[0]!r}" if shown else "it has no journal"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the journal {self._path} was written by a newer Hotline (schema "
                f"v{version}; this build knows up to v{SCHEMA_VERSION}). "
                f"Upgrade Hotline, or {_elsewhere()}."
            )
        if self.read_only and version == 0:
            raise StoreError(f"{self._path} holds no journal yet (it is an empty database)")
        self.schema_version = int(version)

    def _connect_read_write(self) -> sqlite3.Connection:
        folder = self._path.parent
        if not os.access(folder, os.W_OK | os.X_OK):
            raise self._read_only_error(f"its folder {folder} cannot be written")
        if not os.access(self._path, os.W_OK):
            raise self._read_only_error("the file is read-only")
        try:
            conn = sqlite3.connect(
                str(self._path),
                timeout=self._busy,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,  # the journal serialises calls
            )
        except sqlite3.Error as exc:
            raise self.translate(exc, opening=True) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise self.translate(exc, opening=True) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the schema to :data:`SCHEMA_VERSION` and stamp the application id.

        The version is read first without a lock, so opening an up-to-date
        journal never waits for a writer; a migration re-reads it under the
        write lock, so two programs opening a new store do not both migrate.
        """

        def current() -> tuple[int, int]:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            (app_id,) = conn.execute("PRAGMA application_id").fetchone()
            return int(version), int(app_id)

        if current() == (SCHEMA_VERSION, HOTLINE_APPLICATION_ID):
            self.schema_version = SCHEMA_VERSION
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            version, app_id = current()
            if version > SCHEMA_VERSION:  # another program upgraded it meanwhile
                raise StoreError(
                    f"the journal {self._path} was written by a newer Hotline (schema "
                    f"v{version}; this build knows up to v{SCHEMA_VERSION}). "
                    f"Upgrade Hotline, or {_elsewhere()}."
                )
            migrate_sqlite(conn, version)
            if app_id != HOTLINE_APPLICATION_ID:
                conn.execute(f"PRAGMA application_id = {HOTLINE_APPLICATION_ID}")
            conn.execute("COMMIT")
            self.schema_version = SCHEMA_VERSION
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _create(self) -> None:
        """Build a new journal beside the target and link it into place complete."""
        path = self._path
        folder = path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReadOnlyStoreError(
                f"cannot create the folder for the journal {path}: {exc.strerror}. "
                f"Choose a folder you can write: {_elsewhere()}."
            ) from exc
        if not os.access(folder, os.W_OK | os.X_OK):
            raise self._read_only_error(f"its folder {folder} cannot be written", new=True)
        tmp = folder / f".{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            conn = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute(f"PRAGMA application_id = {HOTLINE_APPLICATION_ID}")
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
                conn.execute("BEGIN IMMEDIATE")
                migrate_sqlite(conn, 0)
                conn.execute("COMMIT")
            finally:
                conn.close()  # checkpoints the WAL into the file and removes it
            _fsync(tmp)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another program created it first: use theirs
            except OSError:
                # A file system without hard links: rename, unless one appeared.
                if not os.path.lexists(path):
                    os.replace(tmp, path)
            _fsync(folder)
        except sqlite3.Error as exc:
            raise self.translate(exc, opening=True) from exc
        except OSError as exc:
            raise StoreError(f"cannot create the journal {path}: {exc}; {_elsewhere()}.") \
                from exc
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                with suppress(OSError):
                    leftover.unlink()

    # -- errors --------------------------------------------------------------

    def _read_only_error(self, why: str, *, new: bool = False) -> ReadOnlyStoreError:
        folder = self._path.parent
        what = "create" if new else "write to"
        return ReadOnlyStoreError(
            f"Hotline cannot {what} the journal {self._path}: {why}. A journal needs its "
            f"folder to be writable too (SQLite keeps '-wal' and '-shm' files beside it). "
            f"Make the folder and file writable by you (e.g. `chmod u+w {_q(folder)}`"
            + ("" if new else f" {_q(self._path)}")
            + "), or copy the journal to a folder you can write and pass --store with the "
            "copy."
            + ("" if new else " Reading still works: `hotline sessions` and "
               "`hotline store check` open it read-only.")
        )

    def translate(self, exc: sqlite3.Error, *, opening: bool = False) -> JournalError:
        """Turn an SQLite error into the journal error a user can act on."""
        name = _error_name(exc)
        text = str(exc)
        path = self._path
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return StoreLockedError(
                f"the journal {path} is locked by another program (another Hotline window or "
                f"command, or a database tool with an open transaction) and stayed locked for "
                f"more than {self._busy:g} s. Nothing was changed and nothing is lost: close "
                "that program or let it finish, then try again."
            )
        if isinstance(exc, sqlite3.IntegrityError):
            if name == "SQLITE_CONSTRAINT_PRIMARYKEY" or "UNIQUE" in text:
                return DuplicateKeyError(f"the journal refused the change: {text}")
            return JournalError(f"the journal refused the change: {text}")
        if name.startswith("SQLITE_READONLY") or name in ("SQLITE_PERM", "SQLITE_AUTH"):
            return self._read_only_error(f"SQLite says: {text}")
        if name.startswith("SQLITE_CANTOPEN"):
            folder = path.parent
            if not os.access(folder, os.W_OK | os.X_OK) or not os.access(path, os.R_OK):
                return self._read_only_error(f"SQLite says: {text}")
            return StoreError(f"cannot open the journal {path} ({text}); {_elsewhere()}.")
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return DamagedStoreError(
                f"the journal {path} is damaged (SQLite says: {text}). " + recovery_advice(path),
                (text,),
            )
        if name == "SQLITE_FULL":
            return StoreError(
                f"the disk holding the journal {path} is full ({text}); nothing was lost, but "
                "this change was not saved. Free some space and try again."
            )
        if name.startswith("SQLITE_IOERR"):
            return StoreError(
                f"the disk reported an error while using the journal {path} ({text}). Check "
                f"the disk, then run `hotline --store {_q(path)} store check`."
            )
        if opening:
            return StoreError(f"cannot use the journal {path} (SQLite says: {text}); "
                              f"{_elsewhere()}.")
        return JournalError(f"journal {path}: {text}")

    # -- the Backend protocol ------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """The open connection."""
        if self._conn is None:
            raise JournalError(f"the journal {self._path} is closed")
        return self._conn

    @contextmanager
    def read(self) -> Iterator[_SqliteTx]:
        """Run reads; SQLite errors become journal errors."""
        conn = self.conn
        try:
            yield _SqliteTx(conn)
        except sqlite3.Error as exc:
            raise self.translate(exc) from exc

    @contextmanager
    def write(self) -> Iterator[_SqliteTx]:
        """Run a ``BEGIN IMMEDIATE`` transaction, committed (``synchronous=FULL``) on exit."""
        if self.read_only:
            raise self._refuse_write()
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(conn)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise self.translate(exc) from exc

    def _refuse_write(self) -> StoreError:
        if self.damage:
            return DamagedStoreError(
                f"the journal {self._path} is damaged ({_summary(self.damage)}). "
                + recovery_advice(self._path),
                self.damage,
            )
        return ReadOnlyStoreError(f"the journal {self._path} was opened read-only")

    def integrity_problems(self, *, full: bool) -> list[str]:
        """SQLite's ``quick_check`` (or ``integrity_check`` when ``full``)."""
        return self.integrity_problems_of(self.conn, full=full)

    @staticmethod
    def integrity_problems_of(conn: sqlite3.Connection, *, full: bool) -> list[str]:
        """Run SQLite's structural check on a connection and return its complaints."""
        pragma = "integrity_check" if full else "quick_check"
        try:
            rows = conn.execute(f"PRAGMA {pragma}(20)").fetchall()
        except sqlite3.DatabaseError as exc:
            if _error_name(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                raise
            return [str(exc)]
        problems: list[str] = []
        for (text,) in rows:
            for line in str(text).splitlines():
                line = line.strip()
                if line and line != "ok" and not line.startswith("***"):
                    problems.append(line)
        return problems

    def prepare_wait(self) -> None:
        """Open the waiter's own connection (its ``data_version`` sees every commit)."""
        if self._waiter is None:
            self._waiter = self._connect_read_only()
            self._waiter.execute("PRAGMA data_version").fetchone()

    def wait_for_inputs(self, session_id: str, after_seq: int, timeout: float) -> bool:
        """Poll ``PRAGMA data_version`` until some connection commits, or timeout.

        SQLite has no notifications; a change counter read every
        :data:`POLL_S` seconds on a connection of its own is the cheap
        fallback (no query of the tables until something changed).

        Returns:
            True if some connection committed (False: time ran out).
        """
        self.prepare_wait()
        waiter = self._waiter
        assert waiter is not None
        deadline = time.monotonic() + max(0.0, timeout)
        (start,) = waiter.execute("PRAGMA data_version").fetchone()
        while time.monotonic() < deadline:
            time.sleep(min(POLL_S, max(0.0, deadline - time.monotonic())))
            (now,) = waiter.execute("PRAGMA data_version").fetchone()
            if now != start:
                return True
        return False

    def close(self) -> None:
        """Close the connection (and the waiter's)."""
        if self._waiter is not None:
            with suppress(sqlite3.Error):
                self._waiter.close()
            self._waiter = None
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


class _SqliteTx:
    """Statements on one SQLite connection."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self._conn.execute(sql, params).fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else tuple(row)

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._conn.execute(sql, params)


def migrate_sqlite(conn: sqlite3.Connection, version: int) -> None:
    """Apply the SQLite steps from ``version`` to :data:`SCHEMA_VERSION`.

    Args:
        conn: A connection inside a write transaction.
        version: The store's current ``user_version``.
    """
    for step in range(version, SCHEMA_VERSION):
        for statement in MIGRATIONS[step].sqlite:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {step + 1}")


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk (folders: so a new link survives a crash)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
