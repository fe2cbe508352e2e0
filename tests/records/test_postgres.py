"""The PostgreSQL journal against a real server (tests/pgserver.py; never a mock).

The contract tests shared with SQLite run on both backends in test_journal.py;
here are the ones that need a server: the database's own guards, migrations,
foreign schemas, concurrency across connections, kill -9 and server restarts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest

from game.commands import main
from game.records import (
    SCHEMA_VERSION,
    DamagedStoreError,
    ForeignStoreError,
    Journal,
    JournalError,
    ReadOnlyStoreError,
    StoreError,
    StoreUnavailableError,
    parse_store,
    redact_url,
)

REPO = Path(__file__).resolve().parents[2]
TINY = str(REPO / "tests" / "engine" / "tiny.yaml")


def _new(journal: Journal, **overrides: Any) -> str:
    kwargs: dict[str, Any] = {
        "scenario_id": "strait", "scenario_version": "1", "content_hash": "sha256:abc",
        "scenario_title": "Strait", "scenario_path": None, "seed": 42, "roles": ["secdef"],
    }
    kwargs.update(overrides)
    return journal.create_session(**kwargs)


INSERT_PG = "INSERT INTO hotline.inputs (session_id, seq, data, recorded_at) VALUES "


def _raw(url: str) -> psycopg.Connection[Any]:
    """A plain connection, as another program (or a careless admin) would use."""
    return psycopg.connect(url, autocommit=True)


# -- choosing the backend --------------------------------------------------------


def test_store_urls_select_the_backend_and_hide_passwords() -> None:
    pg = parse_store("postgresql://class:s3cret@db.example:5433/hotline?sslmode=require")
    assert pg.kind == "postgresql"
    assert pg.display == "postgresql://class@db.example:5433/hotline?sslmode=require"
    assert parse_store("postgres://db/x").kind == "postgresql"
    assert parse_store("~/j.sqlite3").kind == "sqlite"
    assert parse_store("C:/hotline/j.sqlite3").kind == "sqlite"  # a drive letter is no scheme
    assert redact_url("postgresql://u@h/d?password=x&sslmode=disable") == (
        "postgresql://u@h/d?sslmode=disable")
    with pytest.raises(StoreError, match="unknown store URL scheme 'sqlite'"):
        parse_store("sqlite:///tmp/x")


def test_env_selects_postgresql(
    pg_store: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOTLINE_STORE", pg_store)
    code = main(["play", TINY, "--seed", "3", "--policy", "expert", "--json"])
    assert code == 0
    capsys.readouterr()
    with Journal() as journal:
        assert journal.kind == "postgresql"
        (record,) = journal.sessions()
        assert record.ended and record.n_inputs == len(journal.inputs(record.id)) > 0
    assert main(["sessions"]) == 0
    out = capsys.readouterr().out
    assert record.id in out and redact_url(pg_store) in out


# -- the database enforces the contract ----------------------------------------


def test_append_only_enforced_by_the_database(pg_store: str) -> None:
    with Journal(pg_store) as journal:
        sid = _new(journal)
        journal.append_input(sid, {"i": 1})
        other = _new(journal)
        journal.finish(other, ending_id="e", ending_title="E", score=1)
    with _raw(pg_store) as conn:
        with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
            conn.execute("UPDATE hotline.inputs SET data = '{}'")
        with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
            conn.execute("TRUNCATE hotline.inputs CASCADE")
        with pytest.raises(psycopg.errors.RestrictViolation, match="in sequence"):
            conn.execute(INSERT_PG + "(%s, 5, '{}', 'x')", (sid,))
        with pytest.raises(psycopg.errors.RestrictViolation, match="ended session"):
            conn.execute(INSERT_PG + "(%s, 1, '{}', 'x')", (other,))
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(INSERT_PG + "(%s, 2, '[1]', 'x')", (sid,))
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            conn.execute(INSERT_PG + "(%s, 2, 'not json', 'x')", (sid,))
        with pytest.raises(psycopg.errors.RestrictViolation, match="in sequence"):
            conn.execute(INSERT_PG + "(%s, 1, '{}', 'x')", (sid,))
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE hotline.sessions SET meta = '[]' WHERE id = %s", (sid,))
    with Journal(pg_store) as journal:
        assert journal.inputs(sid) == [{"i": 1}]


def test_schema_version_and_marker(pg_store: str) -> None:
    Journal(pg_store).close()
    with _raw(pg_store) as conn:
        row = conn.execute("SELECT application, schema_version FROM hotline.store_info").fetchone()
    assert row == ("hotline", SCHEMA_VERSION)
    Journal(pg_store).close()  # reopening migrates nothing and keeps one row
    with _raw(pg_store) as conn:
        (n,) = conn.execute("SELECT COUNT(*) FROM hotline.store_info").fetchone() or (0,)
    assert n == 1


def test_newer_schema_refused(pg_store: str) -> None:
    Journal(pg_store).close()
    with _raw(pg_store) as conn:
        conn.execute("UPDATE hotline.store_info SET schema_version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer Hotline"):
        Journal(pg_store)


def test_foreign_hotline_schema_refused_and_left_alone(pg_store: str) -> None:
    with _raw(pg_store) as conn:
        conn.execute("CREATE SCHEMA hotline")
        conn.execute("CREATE TABLE hotline.customers (id int)")
    with pytest.raises(ForeignStoreError, match="not a Hotline journal"):
        Journal(pg_store)
    with _raw(pg_store) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'hotline'").fetchall()
    assert tables == [("customers",)]


def test_other_applications_tables_in_public_are_fine(pg_store: str) -> None:
    with _raw(pg_store) as conn:
        conn.execute("CREATE TABLE public.sessions (id int)")  # someone else's
    with Journal(pg_store) as journal:
        sid = _new(journal)
        assert journal.session(sid).id == sid
    with _raw(pg_store) as conn:
        (n,) = conn.execute("SELECT COUNT(*) FROM public.sessions").fetchone() or (1,)
    assert n == 0


def test_disabled_guard_trigger_refuses_writes(pg_store: str) -> None:
    with Journal(pg_store) as journal:
        sid = _new(journal)
    with _raw(pg_store) as conn:
        conn.execute("ALTER TABLE hotline.inputs DISABLE TRIGGER inputs_no_update")
    with pytest.raises(DamagedStoreError, match="inputs_no_update is disabled"):
        Journal(pg_store)
    with Journal(pg_store, read_only=True) as journal:
        assert journal.session(sid).id == sid
        with pytest.raises(DamagedStoreError):
            journal.append_input(sid, {"i": 1})


def test_read_only_journal_cannot_write(pg_store: str) -> None:
    with Journal(pg_store) as journal:
        sid = _new(journal)
    with Journal(pg_store, read_only=True) as journal:
        assert [r.id for r in journal.sessions()] == [sid]
        with pytest.raises(ReadOnlyStoreError):
            journal.append_input(sid, {"i": 1})


def test_missing_database_and_bad_login_are_clear(pg_server: Any) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Journal(pg_server.url("no_such_db"))
    with pytest.raises(StoreError, match="cannot reach|refused the login"):
        Journal(f"postgresql://nobody@127.0.0.1:{pg_server.port}/postgres?connect_timeout=2"
                "&password=x&user=no_such_role")


# -- concurrency and crashes -------------------------------------------------------


def test_concurrent_appends_from_many_connections(pg_store: str) -> None:
    with Journal(pg_store) as journal:
        sid = _new(journal)
    got: list[int] = []
    lock = threading.Lock()
    shared = Journal(pg_store)

    def worker(n: int, own: bool) -> None:
        journal = Journal(pg_store) if own else shared
        try:
            for i in range(25):
                seq = journal.append_input(sid, {"w": n, "i": i})
                with lock:
                    got.append(seq)
        finally:
            if own:
                journal.close()

    threads = [threading.Thread(target=worker, args=(n, n % 2 == 0)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shared.close()
    assert sorted(got) == list(range(1, 151))
    with Journal(pg_store) as journal:
        data = journal.inputs(sid)
    for n in range(6):
        assert [d["i"] for d in data if d["w"] == n] == list(range(25))


def test_concurrent_meta_writers_keep_all_keys(pg_store: str) -> None:
    with Journal(pg_store) as journal:
        sid = _new(journal)

    def writer(tag: str) -> None:
        with Journal(pg_store) as mine:
            for i in range(20):
                mine.set_meta(sid, f"{tag}{i}", i)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Journal(pg_store) as journal:
        assert len(journal.session(sid).meta) == 60


_KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    from game.records import Journal

    j = Journal(sys.argv[1])
    sid = j.create_session(
        scenario_id="s", scenario_version="1", content_hash="h",
        scenario_title="T", scenario_path=None, seed=7, roles=["secdef"],
    )
    print("SID", sid, flush=True)
    i = 0
    while True:
        i += 1
        seq = j.append_input(sid, {"type": "choose", "option": f"opt-{i}", "n": i})
        print(seq, flush=True)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_loses_nothing_acknowledged(pg_store: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, pg_store], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, cwd=REPO, env=env, text=True,
    )
    assert proc.stdout is not None
    printed: list[int] = []
    try:
        first = proc.stdout.readline()
        assert first.startswith("SID "), first + (proc.stderr.read() if proc.stderr else "")
        sid = first.split()[1]
        while len(printed) < 100:
            line = proc.stdout.readline()
            assert line, "child died early: " + (proc.stderr.read() if proc.stderr else "")
            printed.append(int(line))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    printed.extend(int(line) for line in rest.split("\n")[:-1])
    with Journal(pg_store) as journal:
        records = journal.input_records(sid)
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert len(records) >= len(printed)
    for record in records:
        assert record.data == {"type": "choose", "option": f"opt-{record.seq}", "n": record.seq}


def test_server_restart_keeps_committed_inputs_and_reconnects(pg_server: Any) -> None:
    url = pg_server.create_database()
    try:
        journal = Journal(url)
        sid = _new(journal)
        for i in range(5):
            journal.append_input(sid, {"i": i})
        pg_server.stop("immediate")  # a crash: no clean shutdown, WAL replay on start
        with pytest.raises(StoreUnavailableError, match="lost the connection|cannot reach"):
            journal.append_input(sid, {"i": 5})
        pg_server.start()
        assert journal.append_input(sid, {"i": 5}) == 6  # reconnected by itself
        assert journal.inputs(sid) == [{"i": i} for i in range(6)]
        journal.close()
    finally:
        pg_server.drop_database(url)


def test_recover_sqlite_into_postgresql(tmp_path: Path, pg_store: str) -> None:
    from game.records.recovery import recover_store

    source = tmp_path / "j.sqlite3"
    with Journal(source) as journal:
        a = _new(journal, trainee="A")
        journal.append_input(a, {"i": 1})
        journal.finish(a, ending_id="e", ending_title="E", score=70.5)
        b = _new(journal, trainee="B")
        journal.append_input(b, {"i": 2})
    report = recover_store(source, pg_store)
    assert report.healthy
    with Journal(source) as src, Journal(pg_store) as dst:
        assert dst.sessions() == src.sessions()
        assert dst.input_records(a) == src.input_records(a)
        # The copy is a live store: the active session goes on.
        assert dst.append_input(b, {"i": 3}) == 2
    with pytest.raises(StoreError, match="already holds sessions"):
        recover_store(source, pg_store)


def test_journal_error_for_nul_text(pg_store: str) -> None:
    with Journal(pg_store) as journal:
        with pytest.raises(JournalError, match="NUL"):
            _new(journal, trainee="a\x00b")
        sid = _new(journal)
        journal.append_input(sid, {"text": "a\x00b"})  # JSON escapes it: stored fine
        assert journal.inputs(sid) == [{"text": "a\x00b"}]


def test_commits_are_durable_even_if_the_server_default_is_not(pg_store: str) -> None:
    dbname = pg_store.rsplit("/", 1)[1]
    with _raw(pg_store) as conn:
        conn.execute(f'ALTER DATABASE "{dbname}" SET synchronous_commit = off')
    with _raw(pg_store) as conn:
        assert conn.execute("SHOW synchronous_commit").fetchone() == ("off",)
    with Journal(pg_store) as journal:
        backend: Any = journal.backend
        assert backend.conn.execute("SHOW synchronous_commit").fetchone() == ("on",)
