"""Seats' plumbing on both backends: one decision per key, waiting for new inputs.

PostgreSQL wakes waiters with the insert trigger's NOTIFY; SQLite polls a
change counter. The database itself refuses a second input for a decision.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from game.records import (
    SCHEMA_VERSION,
    AlreadyDecidedError,
    Journal,
    JournalError,
    SessionEndedError,
)
from game.records.schema import MIGRATIONS


def _new(journal: Journal) -> str:
    return journal.create_session(
        scenario_id="strait", scenario_version="1", content_hash="sha256:abc",
        scenario_title="Strait", scenario_path=None, seed=1, roles=["state", "defense"],
    )


def test_second_seat_cannot_confirm_the_same_decision(store_spec: str) -> None:
    with Journal(store_spec) as state, Journal(store_spec) as defense:
        sid = _new(state)
        assert state.append_input(
            sid, {"type": "choose", "option": "call", "seat": "state"}, decision="t1") == 1
        with pytest.raises(AlreadyDecidedError) as info:
            defense.append_input(
                sid, {"type": "choose", "option": "wait", "seat": "defense"}, decision="t1")
        assert info.value.decided_by == "state" and info.value.seq == 1
        assert info.value.data["option"] == "call"
        assert "already decided by state" in str(info.value)
        assert defense.inputs(sid) == [{"type": "choose", "option": "call", "seat": "state"}]
        # Other decisions, and inputs without one, go on.
        assert defense.append_input(sid, {"type": "note", "seat": "defense"}) == 2
        assert defense.append_input(
            sid, {"type": "choose", "option": "wait", "role": "defense"}, decision="t2") == 3
        winner = state.decision(sid, "t2")
        assert winner is not None and winner.seq == 3 and winner.decision == "t2"
        assert state.decision(sid, "t3") is None
        assert [r.decision for r in state.input_records(sid)] == ["t1", None, "t2"]


def test_racing_seats_one_wins_the_loser_learns_who(store_spec: str) -> None:
    with Journal(store_spec) as journal:
        sid = _new(journal)
    seats = [f"seat-{n}" for n in range(6)]
    start = threading.Barrier(len(seats))
    won: list[str] = []
    lost: list[tuple[str, str]] = []
    lock = threading.Lock()

    def seat(name: str) -> None:
        with Journal(store_spec) as mine:
            start.wait()
            try:
                mine.append_input(sid, {"type": "choose", "seat": name}, decision="turn-1")
            except AlreadyDecidedError as exc:
                with lock:
                    lost.append((name, exc.decided_by))
            else:
                with lock:
                    won.append(name)

    threads = [threading.Thread(target=seat, args=(name,)) for name in seats]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
    assert sorted(name for name, _ in lost) == sorted(set(seats) - set(won))
    assert all(by == won[0] for _, by in lost)
    with Journal(store_spec) as journal:
        assert journal.inputs(sid) == [{"type": "choose", "seat": won[0]}]


def test_database_refuses_a_second_decision_from_any_writer(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        sid = _new(journal)
        journal.append_input(sid, {"seat": "state"}, decision="t1")
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(
            "INSERT INTO inputs (session_id, seq, data, recorded_at, decision) "
            "VALUES (?, 2, '{}', 'x', 't1')", (sid,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE inputs SET decision = NULL")
    conn.close()


def test_decision_key_checks(store_spec: str) -> None:
    with Journal(store_spec) as journal:
        sid = _new(journal)
        with pytest.raises(JournalError, match="must not be empty"):
            journal.append_input(sid, {}, decision="")
        journal.finish(sid, ending_id="e", ending_title="E", score=1)
        with pytest.raises(SessionEndedError):
            journal.append_input(sid, {}, decision="t9")


def test_wait_for_inputs_wakes_on_another_writers_append(store_spec: str) -> None:
    with Journal(store_spec) as watcher, Journal(store_spec) as writer:
        sid = _new(writer)
        writer.append_input(sid, {"i": 1})
        assert [r.data for r in watcher.wait_for_inputs(sid, 0, timeout=5)] == [{"i": 1}]
        assert watcher.wait_for_inputs(sid, 1, timeout=0.1) == []  # nothing new: times out
        waiting = threading.Event()
        got: list[Any] = []

        def watch() -> None:
            waiting.set()
            got.extend(watcher.wait_for_inputs(sid, 1, timeout=30))

        thread = threading.Thread(target=watch)
        thread.start()
        waiting.wait()
        other = _new(writer)
        writer.append_input(other, {"elsewhere": True})  # another session: no wake-up result
        writer.append_input(sid, {"i": 2})
        writer.append_input(sid, {"i": 3})
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert [r.seq for r in got][:1] == [2]
        assert all(r.data["i"] == r.seq for r in got)


def test_postgresql_waits_on_listen_notify(pg_store: str) -> None:
    import psycopg

    with Journal(pg_store) as watcher, Journal(pg_store) as writer:
        sid = _new(writer)
        waiting = threading.Event()
        got: list[Any] = []

        def watch() -> None:
            waiting.set()
            got.extend(watcher.wait_for_inputs(sid, 0, timeout=30))

        thread = threading.Thread(target=watch)
        thread.start()
        waiting.wait()
        with psycopg.connect(pg_store, autocommit=True) as conn:
            for _ in range(100):  # the watcher's LISTEN connection shows up
                row = conn.execute(
                    "SELECT query FROM pg_stat_activity WHERE application_name = "
                    "'hotline-listen' AND datname = current_database()").fetchone()
                if row is not None and row[0] == "LISTEN hotline_inputs":
                    break
                threading.Event().wait(0.05)
            assert row is not None and row[0] == "LISTEN hotline_inputs"
        writer.append_input(sid, {"i": 1})
        thread.join(timeout=30)
        assert [r.data for r in got] == [{"i": 1}]


def test_old_store_is_migrated_and_readable_before_migration(tmp_path: Path) -> None:
    """A journal written by the previous Hotline (schema v1, no application id)."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for statement in MIGRATIONS[0].sqlite:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO sessions (id, scenario_id, scenario_version, content_hash, scenario_title, "
        "seed, roles, mode, created_at, updated_at) VALUES "
        "('old-1', 's', '1', 'h', 'T', 5, '[\"secdef\"]', 'trainee', 'a', 'a')")
    conn.execute("INSERT INTO inputs VALUES ('old-1', 1, '{\"option\":\"wait\"}', 'a')")
    conn.close()
    with Journal(path, read_only=True) as journal:  # not migrated, still readable
        assert [(r.data, r.decision) for r in journal.input_records("old-1")] == [
            ({"option": "wait"}, None)]
        assert journal.decision("old-1", "t1") is None
    with Journal(path) as journal:
        journal.append_input("old-1", {"option": "call"}, decision="t2")
        assert [r.decision for r in journal.input_records("old-1")] == [None, "t2"]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
