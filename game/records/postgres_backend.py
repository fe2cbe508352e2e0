"""The class-wide journal backend: a PostgreSQL database (psycopg 3).

Hotline keeps its tables in their own schema (namespace), ``hotline``, so a
class store may share a database with other applications; a ``hotline``
schema that Hotline did not make is refused and left alone. The table
``hotline.store_info`` marks the store as Hotline's and carries the schema
version; migrations run under an advisory lock, one :mod:`.schema` step each.

Durability: every connection sets ``synchronous_commit = on``, so a commit
returns only once the server has flushed it to its write-ahead log, whatever
the server's default. Appends to one session are serialised by a row lock
on the session (taken by the journal and again by the insert trigger).

A connection lost mid-call (a server restart) is reported as
:class:`StoreUnavailableError`; the next call reconnects.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from .backend import DuplicateKeyError, Row
from .errors import (
    DamagedStoreError,
    ForeignStoreError,
    JournalError,
    ReadOnlyStoreError,
    StoreError,
    StoreLockedError,
    StoreUnavailableError,
)
from .schema import MIGRATIONS, PG_SCHEMA, SCHEMA_VERSION
from .stores import StoreLocation

if TYPE_CHECKING:
    import psycopg

__all__ = ["CONNECT_TIMEOUT_S", "NOTIFY_CHANNEL", "PostgresBackend"]

#: Seconds to wait for the server to answer a connection attempt.
CONNECT_TIMEOUT_S: Final = 10
#: The channel the insert trigger notifies (payload: ``session_id seq``).
NOTIFY_CHANNEL: Final = "hotline_inputs"
# Key of the advisory lock that serialises migrations ("HOTL" in ASCII).
_MIGRATION_LOCK: Final = 0x484F544C
# The triggers that keep inputs append-only; a store missing one is not trusted.
_GUARD_TRIGGERS: Final = ("inputs_in_order", "inputs_no_truncate", "inputs_no_update")


@lru_cache(maxsize=256)
def _pg_sql(sql: str) -> str:
    """The journal writes ``?`` placeholders; psycopg wants ``%s`` (and ``%%``)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        raise StoreError(
            "a PostgreSQL store needs the psycopg package, which is not installed "
            f"({exc}); run the setup command from the README"
        ) from exc
    return psycopg


class PostgresBackend:
    """An open PostgreSQL journal."""

    newest_first: Final[str] = "s.created_at DESC, s.created_order DESC"
    lock_row: Final[str] = " FOR UPDATE"
    # clock_timestamp(), not now(): the time of the statement, not of the
    # transaction's start.
    epoch_sql: Final[str] = "EXTRACT(EPOCH FROM clock_timestamp())::float8"

    def __init__(self, location: StoreLocation, *, read_only: bool = False) -> None:
        """Connect, identify the store and migrate it (unless ``read_only``).

        Args:
            location: A ``postgresql`` store location.
            read_only: Never create, migrate or write (the server enforces it).

        Raises:
            StoreError: The server cannot be reached, the login or database is
                wrong, the ``hotline`` schema is someone else's, or the store
                is from a newer Hotline.
        """
        self.location = location
        self.read_only = read_only
        self.damage: tuple[str, ...] = ()
        self.schema_version = SCHEMA_VERSION
        self._pg = _import_psycopg()
        self._conn: psycopg.Connection[Any] | None = None
        self._listener: psycopg.Connection[Any] | None = None
        self._conn = self._connect()
        try:
            self._identify_and_migrate()
            problems = self.integrity_problems(full=False)
        except BaseException:
            self.close()
            raise
        if problems:
            if not read_only:
                self.close()
                raise DamagedStoreError(self._damage_message(problems), tuple(problems))
            self.damage = tuple(problems)

    # -- connecting ----------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        pg = self._pg
        try:
            conn: psycopg.Connection[Any] = pg.connect(
                self.location.target,
                autocommit=True,  # transactions are explicit (conn.transaction())
                connect_timeout=CONNECT_TIMEOUT_S,
                application_name="hotline",
            )
        except pg.Error as exc:
            raise self._connect_error(exc) from exc
        try:
            conn.execute("SET synchronous_commit = on")
            conn.execute(f"SET search_path = {PG_SCHEMA}")
            if self.read_only:
                conn.execute("SET default_transaction_read_only = on")
        except pg.Error as exc:
            conn.close()
            raise self._connect_error(exc) from exc
        return conn

    def _connect_error(self, exc: Exception) -> StoreError:
        text = " ".join(str(exc).split())
        shown = self.location.display
        if "password authentication failed" in text or "no password supplied" in text:
            return StoreError(
                f"the PostgreSQL server refused the login for {shown} ({text}). Check the user "
                "name and password (in the URL, or in ~/.pgpass or PGPASSWORD)."
            )
        if "does not exist" in text and "database" in text:
            return StoreError(
                f"the database named in {shown} does not exist ({text}). Create it first "
                "(e.g. `createdb NAME` on the server) or fix the URL."
            )
        if "invalid" in text and ("option" in text or "URI" in text or "dsn" in text.lower()):
            return StoreError(f"the store URL {shown} is not a valid PostgreSQL URL ({text}).")
        return StoreUnavailableError(
            f"cannot reach the PostgreSQL server for {shown} ({text}). Check that the server "
            "is running and that the URL's host, port and database are right; nothing was "
            "changed."
        )

    def _identify_and_migrate(self) -> None:
        pg = self._pg
        conn = self.conn
        shown = self.location.display
        try:
            with conn.transaction():
                if not self.read_only:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                (marker,) = conn.execute(
                    "SELECT to_regclass(%s) IS NOT NULL", (f"{PG_SCHEMA}.store_info",)
                ).fetchone() or (False,)
                if not marker:
                    version = self._initialise(conn)
                else:
                    row = conn.execute(
                        "SELECT application, schema_version FROM store_info"
                    ).fetchone()
                    if row is None or row[0] != "hotline":
                        raise ForeignStoreError(
                            f"the schema '{PG_SCHEMA}' in {shown} is not a Hotline journal "
                            "(its store_info table does not say so). Nothing was changed; "
                            "use another database, or pass --store with another URL."
                        )
                    version = int(row[1])
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"the journal {shown} was written by a newer Hotline (schema v{version}; "
                        f"this build knows up to v{SCHEMA_VERSION}). Upgrade Hotline."
                    )
                self.schema_version = version
                if version < SCHEMA_VERSION:
                    if self.read_only:
                        if version == 0:
                            raise StoreError(f"there is no Hotline journal in {shown} yet")
                        return
                    for step in range(version, SCHEMA_VERSION):
                        for statement in MIGRATIONS[step].postgresql:
                            conn.execute(statement)
                    conn.execute("UPDATE store_info SET schema_version = %s", (SCHEMA_VERSION,))
                    self.schema_version = SCHEMA_VERSION
        except pg.errors.InsufficientPrivilege as exc:
            raise StoreError(
                f"the database user in {shown} may not create Hotline's tables ({exc}). Ask "
                "the database's administrator to run `GRANT CREATE ON DATABASE ... TO ...` "
                "for it, or to open the store once as the database's owner."
            ) from exc
        except pg.Error as exc:
            raise self.translate(exc) from exc

    def _initialise(self, conn: psycopg.Connection[Any]) -> int:
        """Create the ``hotline`` schema and its marker, or refuse a foreign one."""
        shown = self.location.display
        (tables,) = conn.execute(
            "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s",
            (PG_SCHEMA,),
        ).fetchone() or (0,)
        if tables:
            raise ForeignStoreError(
                f"the database in {shown} already has a schema '{PG_SCHEMA}' that is not a "
                "Hotline journal. Nothing was changed; use another database."
            )
        if self.read_only:
            raise StoreError(f"there is no Hotline journal in {shown} yet")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}")
        conn.execute(
            f"""
            CREATE TABLE {PG_SCHEMA}.store_info (
                only_row       BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
                application    TEXT NOT NULL CHECK (application = 'hotline'),
                schema_version INTEGER NOT NULL,
                created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """
        )
        conn.execute(
            f"INSERT INTO {PG_SCHEMA}.store_info (application, schema_version) "
            "VALUES ('hotline', 0)"
        )
        return 0

    # -- errors --------------------------------------------------------------

    def _damage_message(self, problems: Sequence[str]) -> str:
        more = f"; and {len(problems) - 1} more problem(s)" if len(problems) > 1 else ""
        return (
            f"the journal {self.location.display} cannot be trusted: {problems[0]}{more}. "
            "Hotline will not write to it. Ask the database's administrator to restore the "
            "journal's triggers (run `hotline --store URL store check` to see the list), or "
            "copy the sessions into a new store with `hotline --store URL store recover OUT`."
        )

    def translate(self, exc: Exception) -> JournalError:
        """Turn a psycopg error into the journal error a user can act on."""
        pg = self._pg
        text = " ".join(str(exc).split())
        shown = self.location.display
        if isinstance(exc, pg.errors.UniqueViolation):
            return DuplicateKeyError(f"the journal refused the change: {text}")
        if isinstance(exc, pg.errors.ReadOnlySqlTransaction):
            return ReadOnlyStoreError(f"the journal {shown} was opened read-only ({text})")
        if isinstance(exc, pg.errors.InsufficientPrivilege):
            return ReadOnlyStoreError(
                f"the database user in {shown} may not change the journal ({text}); ask the "
                "database's administrator for write access."
            )
        if isinstance(exc, (pg.errors.LockNotAvailable, pg.errors.DeadlockDetected)):
            return StoreLockedError(
                f"the journal {shown} is locked by another program ({text}); nothing was "
                "changed. Try again."
            )
        if isinstance(exc, (pg.errors.IntegrityError, pg.errors.DataError)):
            return JournalError(f"the journal refused the change: {text}")
        if isinstance(exc, pg.errors.DiskFull):
            return StoreError(
                f"the database server for {shown} is out of disk space ({text}); this change "
                "was not saved."
            )
        if isinstance(exc, pg.OperationalError) or self._lost():
            return StoreUnavailableError(
                f"lost the connection to the PostgreSQL server for {shown} ({text}). The last "
                "change may not have been saved; Hotline reconnects on the next action, so "
                "look at the session again once the server is back."
            )
        return JournalError(f"journal {shown}: {text}")

    def _lost(self) -> bool:
        conn = self._conn
        return conn is None or bool(conn.closed) or bool(getattr(conn, "broken", False))

    # -- the Backend protocol ------------------------------------------------

    @property
    def conn(self) -> psycopg.Connection[Any]:
        """The open connection, reconnecting once if the server dropped it."""
        if self._conn is None:
            raise JournalError(f"the journal {self.location.display} is closed")
        if self._conn.closed or getattr(self._conn, "broken", False):
            with suppress(Exception):
                self._conn.close()
            self._conn = self._connect()
        return self._conn

    @contextmanager
    def read(self) -> Iterator[_PgTx]:
        """Run reads (autocommit); psycopg errors become journal errors."""
        pg = self._pg
        try:
            yield _PgTx(self.conn)
        except pg.Error as exc:
            raise self.translate(exc) from exc

    @contextmanager
    def write(self) -> Iterator[_PgTx]:
        """Run one transaction; COMMIT returns once the server has flushed it."""
        if self.read_only:
            if self.damage:
                raise DamagedStoreError(self._damage_message(self.damage), self.damage)
            raise ReadOnlyStoreError(f"the journal {self.location.display} was opened read-only")
        pg = self._pg
        conn = self.conn
        try:
            with conn.transaction():
                yield _PgTx(conn)
        except pg.Error as exc:
            raise self.translate(exc) from exc

    def integrity_problems(self, *, full: bool) -> list[str]:
        """Check the guard triggers exist and are enabled (``full``: read every row too)."""
        pg = self._pg
        problems: list[str] = []
        try:
            rows = self.conn.execute(
                "SELECT t.tgname, t.tgenabled FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = 'inputs' AND NOT t.tgisinternal",
                (PG_SCHEMA,),
            ).fetchall()
            state = {str(name): str(enabled) for name, enabled in rows}
            for name in _GUARD_TRIGGERS:
                if name not in state:
                    problems.append(f"the trigger {PG_SCHEMA}.inputs.{name} is missing")
                elif state[name] == "D":
                    problems.append(f"the trigger {PG_SCHEMA}.inputs.{name} is disabled")
            if full:
                for table in ("sessions", "inputs"):
                    self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        except pg.Error as exc:
            problems.append(" ".join(str(exc).split()))
        return problems

    def prepare_wait(self) -> None:
        """LISTEN on the notification channel (a second connection, kept open)."""
        self.listen()

    def wait_for_inputs(self, session_id: str, after_seq: int, timeout: float) -> bool:
        """Wait for the insert trigger's NOTIFY about ``session_id`` (or timeout).

        Call :meth:`prepare_wait` before the last read, so that no
        notification can fall between that read and this wait.

        Returns:
            True if a notification came (False: time ran out, or the
            connection was lost and the caller should look again).
        """
        pg = self._pg
        listener = self.listen()
        deadline = time.monotonic() + max(0.0, timeout)
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                for note in listener.notifies(timeout=remaining, stop_after=1):
                    sid, _, seq = note.payload.partition(" ")
                    if sid == session_id and (not seq.isdigit() or int(seq) > after_seq):
                        return True
        except pg.Error:
            with suppress(Exception):
                listener.close()
            self._listener = None  # reconnect (and LISTEN again) on the next wait
        return False

    def listen(self) -> psycopg.Connection[Any]:
        """The LISTENing connection (opened on first use)."""
        pg = self._pg
        if self._listener is None or self._listener.closed:
            try:
                listener = pg.connect(
                    self.location.target, autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT_S, application_name="hotline-listen",
                )
                listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
            except pg.Error as exc:
                raise self._connect_error(exc) from exc
            self._listener = listener
        return self._listener

    def close(self) -> None:
        """Close both connections."""
        for conn in (self._conn, self._listener):
            if conn is not None:
                with suppress(Exception):
                    conn.close()
        self._conn = None
        self._listener = None


class _PgTx:
    """Statements on one psycopg connection (``?`` placeholders)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self._conn.execute(_pg_sql(sql), params).fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self._conn.execute(_pg_sql(sql), params).fetchone()
        return None if row is None else tuple(row)

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._conn.execute(_pg_sql(sql), params)
