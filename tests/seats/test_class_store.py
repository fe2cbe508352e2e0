"""A class's shared PostgreSQL store serves the rest of Hotline like any journal.

After a class session has been played from separate desks, the session
listing, the debrief, the store check and the recorded-session service all
read it from the server (the instructor's desk, issue 12, reads the same
store).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from game.commands import main
from game.records import Journal
from game.sessions import ClassSession, SessionService

from .class_load import run_class
from .conftest import DRILL


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def played(pg_store: str) -> dict[str, str]:
    """Two class sessions played to the end from three desks each; id → join code."""
    run = run_class(pg_store, DRILL, sessions=2, policy="expert", seed=21, time_bound=120)
    assert not run.errors and not run.stuck
    return run.sessions


def test_the_session_list_and_the_debrief_read_the_class_store(
        pg_store: str, played: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "--store", pg_store, "sessions", "--json")
    assert code == 0, err
    listed: list[dict[str, Any]] = json.loads(out)
    ours = {row["id"]: row for row in listed}
    assert set(ours) == set(played)
    assert all(row["mode"] == "class" and row["status"] == "ended" for row in ours.values())
    assert all(row["roles"] == ["state", "defense", "nsc"] for row in ours.values())
    sid = next(iter(played))
    code, out, err = _cli(capsys, "--store", pg_store, "debrief", sid)
    assert code == 0, err
    with Journal(pg_store) as journal:
        record = journal.session(sid)
        replayed = SessionService(journal).open(sid)
    assert record.ending_title is not None and record.ending_title in out
    assert replayed.session.outcome is not None
    assert replayed.session.outcome.ending_id == record.ending_id


def test_the_store_check_reads_every_class_session(
        pg_store: str, played: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "--store", pg_store, "store", "check")
    assert code == 0, out + err
    assert "2 session(s) read back whole, 8 input(s)" in out  # 4 decisions each
    assert "No problems found." in out


def test_a_class_store_recovers_into_a_sqlite_file(
        pg_store: str, played: dict[str, str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "copy.sqlite3"
    code, _out, err = _cli(capsys, "--store", pg_store, "store", "recover", str(target))
    assert code == 0, err
    with Journal(pg_store) as source, Journal(target) as copy:
        for sid in played:
            assert copy.inputs(sid) == source.inputs(sid)
            assert [r.decision for r in copy.input_records(sid)] == \
                [r.decision for r in source.input_records(sid)]
        # The copy keeps the join codes: the desks rejoin the copy with the codes they have.
        for sid, code in played.items():
            assert ClassSession.look_up(source, code).session_id == sid
            assert ClassSession.look_up(copy, code).session_id == sid


def test_the_class_view_reads_the_class_store(
        pg_store: str, played: dict[str, str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The instructor's class view (issue 12) over sessions played from separate desks."""
    code, out, err = _cli(capsys, "--store", pg_store, "class", "class-drill")
    assert code == 0, err
    assert "2 session(s)" in out
    target = tmp_path / "class.csv"
    code, _out, err = _cli(capsys, "--store", pg_store, "class", "class-drill",
                           "--export", str(target))
    assert code == 0, err
    rows = target.read_text(encoding="utf-8").splitlines()
    assert sum(1 for row in rows if any(sid in row for sid in played)) == 2
