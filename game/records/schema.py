"""The journal's schema, one migration step per version, for every backend.

``MIGRATIONS[i]`` takes a store from schema version ``i`` to ``i + 1`` and
holds the statements for each backend side by side, so a schema change is
one entry in one table. Add new steps at the end; never edit a released one.

Both backends enforce the same contract *in the database*, whoever writes:
inputs are appended in sequence, never updated, and never added to an
ended session. PostgreSQL also refuses ``TRUNCATE`` of the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "HOTLINE_APPLICATION_ID",
    "MIGRATIONS",
    "PG_SCHEMA",
    "SCHEMA_VERSION",
    "Migration",
]

#: SQLite ``PRAGMA application_id`` of a Hotline journal: "HOTL" in ASCII.
HOTLINE_APPLICATION_ID: Final = 0x484F544C
#: The PostgreSQL schema (namespace) that holds Hotline's tables, so a class
#: store can share a database with other applications.
PG_SCHEMA: Final = "hotline"


@dataclass(frozen=True)
class Migration:
    """One schema step.

    Attributes:
        summary: What the step changes, in a few words.
        sqlite: Statements for SQLite, run in one write transaction.
        postgresql: Statements for PostgreSQL, run in one transaction.
    """

    summary: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]


_SQLITE_V1: Final = (
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

# JSON columns stay TEXT holding canonical JSON (jsonb would reorder keys);
# a cast in a CHECK proves they parse, and json_typeof pins their shape.
_PG_V1: Final = (
    """
    CREATE TABLE hotline.sessions (
        id               TEXT COLLATE "C" PRIMARY KEY,
        scenario_id      TEXT NOT NULL,
        scenario_version TEXT NOT NULL,
        content_hash     TEXT NOT NULL,
        scenario_title   TEXT NOT NULL,
        scenario_path    TEXT,
        seed             BIGINT NOT NULL,
        roles            TEXT NOT NULL CHECK (json_typeof(roles::json) = 'array'),
        trainee          TEXT NOT NULL DEFAULT '',
        mode             TEXT NOT NULL,
        meta             TEXT NOT NULL DEFAULT '{}'
                         CHECK (json_typeof(meta::json) = 'object'),
        app_version      TEXT NOT NULL DEFAULT '',
        created_at       TEXT COLLATE "C" NOT NULL,
        updated_at       TEXT NOT NULL,
        status           TEXT NOT NULL DEFAULT 'active'
                         CHECK (status IN ('active', 'ended')),
        ending_id        TEXT,
        ending_title     TEXT,
        score            DOUBLE PRECISION,
        ended_at         TEXT,
        created_order    BIGINT GENERATED ALWAYS AS IDENTITY
    )
    """,
    "CREATE INDEX sessions_by_created ON hotline.sessions (created_at)",
    "CREATE INDEX sessions_by_scenario ON hotline.sessions (scenario_id, created_at)",
    """
    CREATE TABLE hotline.inputs (
        session_id  TEXT COLLATE "C" NOT NULL
                    REFERENCES hotline.sessions (id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL CHECK (seq >= 1),
        data        TEXT NOT NULL CHECK (json_typeof(data::json) = 'object'),
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
    )
    """,
    """
    CREATE FUNCTION hotline.inputs_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'journal inputs are append-only' USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    # Locking the session row serialises appends to one session, so the
    # sequence check below sees every committed input, whoever inserts.
    """
    CREATE FUNCTION hotline.inputs_in_order() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        session_status TEXT;
    BEGIN
        SELECT status INTO session_status FROM hotline.sessions
            WHERE id = NEW.session_id FOR UPDATE;
        IF session_status = 'ended' THEN
            RAISE EXCEPTION 'cannot append to an ended session'
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM hotline.inputs
                       WHERE session_id = NEW.session_id) THEN
            RAISE EXCEPTION 'journal inputs must be appended in sequence'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER inputs_no_update BEFORE UPDATE ON hotline.inputs
    FOR EACH ROW EXECUTE FUNCTION hotline.inputs_append_only()
    """,
    """
    CREATE TRIGGER inputs_no_truncate BEFORE TRUNCATE ON hotline.inputs
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.inputs_append_only()
    """,
    """
    CREATE TRIGGER inputs_in_order BEFORE INSERT ON hotline.inputs
    FOR EACH ROW EXECUTE FUNCTION hotline.inputs_in_order()
    """,
    # Live updates: every committed input wakes the seats LISTENing on the
    # channel (payload "session_id seq"), whoever inserted it.
    """
    CREATE FUNCTION hotline.inputs_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('hotline_inputs', NEW.session_id || ' ' || NEW.seq);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER inputs_notify AFTER INSERT ON hotline.inputs
    FOR EACH ROW EXECUTE FUNCTION hotline.inputs_notify()
    """,
)

# Seats at separate desks: an input may carry a decision key, and the database
# lets only one input per session hold each key, so two seats cannot both
# confirm the same decision (the second insert fails, whoever wrote it).
_DECISIONS_V2: Final = (
    "ALTER TABLE {inputs} ADD COLUMN decision TEXT",
    "CREATE UNIQUE INDEX inputs_one_decision ON {inputs} (session_id, decision) "
    "WHERE decision IS NOT NULL",
)

# Scenario snapshots: the canonical text of every scenario a session was
# played on, once per content hash, so a session can be rebuilt from the
# journal alone after its file is edited or deleted. Immutable once written.
# (Stores from before this step are filled by the recorded-session service
# from files whose content hash still matches: only it can read scenarios.)
_SQLITE_SNAPSHOTS_V3: Final = (
    """
    CREATE TABLE scenarios (
        content_hash TEXT PRIMARY KEY,
        scenario_id  TEXT NOT NULL,
        version      TEXT NOT NULL,
        title        TEXT NOT NULL,
        text         TEXT NOT NULL CHECK (json_valid(text)),
        stored_at    TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    """
    CREATE TRIGGER scenarios_no_update BEFORE UPDATE ON scenarios
    BEGIN
        SELECT RAISE(ABORT, 'scenario snapshots are immutable');
    END
    """,
)
_PG_SNAPSHOTS_V3: Final = (
    """
    CREATE TABLE hotline.scenarios (
        content_hash TEXT COLLATE "C" PRIMARY KEY,
        scenario_id  TEXT NOT NULL,
        version      TEXT NOT NULL,
        title        TEXT NOT NULL,
        text         TEXT NOT NULL CHECK (json_typeof(text::json) = 'object'),
        stored_at    TEXT NOT NULL
    )
    """,
    """
    CREATE FUNCTION hotline.scenarios_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'scenario snapshots are immutable' USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER scenarios_no_update BEFORE UPDATE ON hotline.scenarios
    FOR EACH ROW EXECUTE FUNCTION hotline.scenarios_immutable()
    """,
)

# The store's own log: what an administrator did to sessions (archived one,
# deleted one). A deletion keeps the whole session (header and inputs) in the
# event's details, so nothing is ever lost silently. Append-only like the inputs
# (so plain INTEGER PRIMARY KEY ids only grow); a short log needs no index.
_SQLITE_ADMIN_V4: Final = (
    """
    CREATE TABLE admin_events (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        action     TEXT NOT NULL,
        session_id TEXT,
        actor      TEXT NOT NULL DEFAULT '',
        details    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
    )
    """,
    """
    CREATE TRIGGER admin_events_no_update BEFORE UPDATE ON admin_events
    BEGIN
        SELECT RAISE(ABORT, 'admin events are append-only');
    END
    """,
    """
    CREATE TRIGGER admin_events_no_delete BEFORE DELETE ON admin_events
    BEGIN
        SELECT RAISE(ABORT, 'admin events are append-only');
    END
    """,
)
_PG_ADMIN_V4: Final = (
    """
    CREATE TABLE hotline.admin_events (
        id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at         TEXT NOT NULL,
        action     TEXT NOT NULL,
        session_id TEXT COLLATE "C",
        actor      TEXT NOT NULL DEFAULT '',
        details    TEXT NOT NULL DEFAULT '{}' CHECK (json_typeof(details::json) = 'object')
    )
    """,
    """
    CREATE FUNCTION hotline.admin_events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'admin events are append-only' USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER admin_events_no_change BEFORE UPDATE OR DELETE ON hotline.admin_events
    FOR EACH ROW EXECUTE FUNCTION hotline.admin_events_append_only()
    """,
    """
    CREATE TRIGGER admin_events_no_truncate BEFORE TRUNCATE ON hotline.admin_events
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.admin_events_append_only()
    """,
)

# Seats at separate desks (a class across machines):
# * join codes: a short code per session that seats and the facilitator's
#   console type to join it (the code is the table's key, so two sessions
#   can never share one);
# * votes: each role's ballot on a team decision, one per role and decision,
#   never changed once cast; the tally is then confirmed once as an input;
# * clocks: one decision clock per decision, shared by every seat. Times are
#   seconds since the epoch on the *database's* clock, so seats on machines
#   whose clocks differ still agree on the deadline; ``paused_left`` holds the
#   seconds left while the facilitator has the session paused.
_SQLITE_SEATS_V5: Final = (
    """
    CREATE TABLE join_codes (
        code       TEXT PRIMARY KEY,
        session_id TEXT NOT NULL UNIQUE REFERENCES sessions (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE votes (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        decision   TEXT NOT NULL,
        role       TEXT NOT NULL,
        option     TEXT NOT NULL,
        rationale  TEXT NOT NULL DEFAULT '',
        seat       TEXT NOT NULL DEFAULT '',
        cast_at    TEXT NOT NULL,
        PRIMARY KEY (session_id, decision, role)
    ) WITHOUT ROWID
    """,
    """
    CREATE TRIGGER votes_no_update BEFORE UPDATE ON votes
    BEGIN
        SELECT RAISE(ABORT, 'votes cannot be changed once cast');
    END
    """,
    """
    CREATE TABLE clocks (
        session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        decision    TEXT NOT NULL,
        opened_at   REAL NOT NULL,
        deadline    REAL,
        paused_left REAL,
        PRIMARY KEY (session_id, decision)
    ) WITHOUT ROWID
    """,
)
_PG_SEATS_V5: Final = (
    """
    CREATE TABLE hotline.join_codes (
        code       TEXT COLLATE "C" PRIMARY KEY,
        session_id TEXT COLLATE "C" NOT NULL UNIQUE
                   REFERENCES hotline.sessions (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE hotline.votes (
        session_id TEXT COLLATE "C" NOT NULL
                   REFERENCES hotline.sessions (id) ON DELETE CASCADE,
        decision   TEXT NOT NULL,
        role       TEXT NOT NULL,
        option     TEXT NOT NULL,
        rationale  TEXT NOT NULL DEFAULT '',
        seat       TEXT NOT NULL DEFAULT '',
        cast_at    TEXT NOT NULL,
        PRIMARY KEY (session_id, decision, role)
    )
    """,
    """
    CREATE FUNCTION hotline.votes_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'votes cannot be changed once cast' USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER votes_no_update BEFORE UPDATE ON hotline.votes
    FOR EACH ROW EXECUTE FUNCTION hotline.votes_immutable()
    """,
    """
    CREATE TABLE hotline.clocks (
        session_id  TEXT COLLATE "C" NOT NULL
                    REFERENCES hotline.sessions (id) ON DELETE CASCADE,
        decision    TEXT NOT NULL,
        opened_at   DOUBLE PRECISION NOT NULL,
        deadline    DOUBLE PRECISION,
        paused_left DOUBLE PRECISION,
        PRIMARY KEY (session_id, decision)
    )
    """,
    # Live updates for seats: a vote cast or a clock changed wakes the seats
    # LISTENing, like an input does (payload "session_id vote" / "session_id clock").
    """
    CREATE FUNCTION hotline.seats_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('hotline_inputs', NEW.session_id || ' ' || TG_ARGV[0]);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER votes_notify AFTER INSERT ON hotline.votes
    FOR EACH ROW EXECUTE FUNCTION hotline.seats_notify('vote')
    """,
    """
    CREATE TRIGGER clocks_notify AFTER INSERT OR UPDATE ON hotline.clocks
    FOR EACH ROW EXECUTE FUNCTION hotline.seats_notify('clock')
    """,
)


MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration("sessions and append-only inputs", _SQLITE_V1, _PG_V1),
    Migration(
        "one input per decision",
        tuple(s.format(inputs="inputs") for s in _DECISIONS_V2),
        tuple(s.format(inputs="hotline.inputs") for s in _DECISIONS_V2),
    ),
    Migration("scenario snapshots", _SQLITE_SNAPSHOTS_V3, _PG_SNAPSHOTS_V3),
    Migration("admin events (archive, delete)", _SQLITE_ADMIN_V4, _PG_ADMIN_V4),
    Migration("seats: join codes, votes, decision clocks", _SQLITE_SEATS_V5, _PG_SEATS_V5),
)
#: The schema version this build writes.
SCHEMA_VERSION: Final = len(MIGRATIONS)
