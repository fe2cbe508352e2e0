"""The admin log: archiving and deleting sessions leaves a record, on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from game.records import (
    ARCHIVE_KEY,
    Journal,
    JournalError,
    SessionNotFoundError,
)


def _new(journal: Journal, **overrides: Any) -> str:
    kwargs: dict[str, Any] = {
        "scenario_id": "strait", "scenario_version": "1", "content_hash": "sha256:abc",
        "scenario_title": "Strait", "scenario_path": None, "seed": 42, "roles": ["secdef"],
        "trainee": "Kim",
    }
    kwargs.update(overrides)
    return journal.create_session(**kwargs)


def test_delete_keeps_the_whole_session_in_the_log(any_journal: Journal) -> None:
    keep, drop = _new(any_journal), _new(any_journal, trainee="Lee", seed=7)
    any_journal.append_input(drop, {"type": "choose", "option": "call", "rationale": "first"})
    any_journal.append_input(drop, {"type": "note", "text": "hesitated"})
    any_journal.set_meta(drop, "aar", {"notes": "keep me"})
    event = any_journal.delete_session(drop, actor="Instructor Ng", reason="duplicate run")
    assert [r.id for r in any_journal.sessions()] == [keep]
    with pytest.raises(SessionNotFoundError):
        any_journal.inputs(drop)
    (logged,) = any_journal.admin_events(action="delete")
    assert logged == event
    assert (logged.session_id, logged.actor, logged.reason) == (drop, "Instructor Ng",
                                                                "duplicate run")
    assert [i["data"] for i in logged.details["inputs"]] == [
        {"type": "choose", "option": "call", "rationale": "first"},
        {"type": "note", "text": "hesitated"}]
    # ... so the session comes back whole, id, inputs and meta included.
    restored = any_journal.restore_session(drop[:-2], actor="Instructor Ng")
    assert (restored.id, restored.trainee, restored.seed) == (drop, "Lee", 7)
    assert restored.meta["aar"] == {"notes": "keep me"}
    assert any_journal.inputs(drop)[0]["rationale"] == "first"
    assert [e.action for e in any_journal.admin_events(session_id=drop)] == ["delete", "restore"]


def test_restore_refuses_what_was_never_deleted(any_journal: Journal) -> None:
    sid = _new(any_journal)
    with pytest.raises(SessionNotFoundError, match="no deleted session matches"):
        any_journal.restore_session(sid)


def test_archive_marks_meta_and_logs_each_change(any_journal: Journal) -> None:
    sid = _new(any_journal)
    first = any_journal.archive_session(sid, actor="Ng", reason="old class")
    assert first is not None and first.action == "archive"
    assert any_journal.session(sid).meta[ARCHIVE_KEY]["by"] == "Ng"
    assert any_journal.archive_session(sid) is None  # already archived: nothing to log
    back = any_journal.archive_session(sid, False, actor="Ng")
    assert back is not None and back.action == "unarchive"
    assert ARCHIVE_KEY not in any_journal.session(sid).meta
    assert [e.action for e in any_journal.admin_events(session_id=sid)] == [
        "archive", "unarchive"]


def test_the_log_is_append_only(tmp_path: Any) -> None:
    import sqlite3

    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        journal.delete_session(_new(journal))
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM admin_events")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE admin_events SET actor = 'x'")
    conn.close()


def test_unknown_session_is_a_clear_error(any_journal: Journal) -> None:
    with pytest.raises(JournalError, match="no session matches"):
        any_journal.delete_session("nope")


def test_recover_copies_the_admin_log(tmp_path: Any) -> None:
    from game.records.recovery import recover_store

    source = tmp_path / "old.sqlite3"
    with Journal(source) as journal:
        sid = _new(journal)
        journal.append_input(sid, {"type": "choose", "option": "call"})
        journal.delete_session(sid, actor="Ng", reason="test run")
    recover_store(source, tmp_path / "new.sqlite3")
    with Journal(tmp_path / "new.sqlite3") as journal:
        (event,) = journal.admin_events()
        assert (event.action, event.session_id, event.actor) == ("delete", sid, "Ng")
        assert journal.restore_session(sid).id == sid


def test_inputs_of_many_sessions_in_one_read(any_journal: Journal) -> None:
    a, b, c = _new(any_journal), _new(any_journal), _new(any_journal)
    for sid, n in ((a, 2), (b, 0), (c, 3)):
        for i in range(n):
            any_journal.append_input(sid, {"type": "note", "text": f"{sid[-3:]}-{i}"})
    got = any_journal.inputs_of([a, b, c, "missing"])
    assert got[a] == any_journal.inputs(a) and got[c] == any_journal.inputs(c)
    assert b not in got and "missing" not in got
