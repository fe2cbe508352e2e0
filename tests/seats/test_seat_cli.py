"""``hotline session new`` and ``hotline seat`` as separate processes on a real server.

Faults a class meets are played for real: a seat killed with SIGKILL in the
middle of a decision rejoins and carries on; the PostgreSQL server restarts
in the middle of a session and the seats reconnect with a clear message,
losing nothing that was confirmed; wrong codes and roles are refused with a
clear error and exit status 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from game.records import Journal
from game.records.seating import Seating
from game.sessions import SessionService

from .conftest import DRILL
from .desks import Desk, hotline

FOR_STATE = "For State only: the ambassador can be reached tonight."
FOR_DEFENSE = "For Defense only: our captain asks for rules of engagement."
FOR_NSC = "For the NSC only: a reporter has the story."


@pytest.fixture
def desks() -> Iterator[list[Desk]]:
    """Seat processes started by a test (killed if the test fails half-way)."""
    started: list[Desk] = []
    yield started
    for desk in started:
        desk.close()
        # Shown by pytest only when the test failed: what every desk said.
        print(f"--- {' '.join(desk.args)}\n{desk.out}\n--- stderr:\n{desk.err}")


def _new(home: Path, store: str, *extra: str) -> dict[str, Any]:
    done = hotline(home, "session", "new", str(DRILL), "--store", store, "--seed", "7",
                   "--json", *extra)
    assert done.returncode == 0, done.stderr
    info: dict[str, Any] = json.loads(done.stdout)
    return info


def _seat(desks: list[Desk], home: Path, store: str, code: str, role: str,
          *extra: str) -> Desk:
    desk = Desk(home, "--store", store, "seat", code, "--role", role, *extra)
    desks.append(desk)
    return desk


def test_session_new_prints_the_id_the_code_and_how_each_desk_joins(
        tmp_path: Path) -> None:
    store = str(tmp_path / "class.sqlite3")
    done = hotline(tmp_path, "session", "new", str(DRILL), "--roles", "state,nsc",
                   "--store", store)
    assert done.returncode == 0, done.stderr
    with Journal(store) as journal:
        (record,) = journal.sessions()
        code = Seating(journal).join_code(record.id)
    assert code is not None and record.roles == ("state", "nsc") and record.mode == "class"
    shown = f"{code[:3]}-{code[3:]}"
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"Session {record.id}: “Class drill” (class-drill v1), seed ")
    assert lines[1] == "Roles: state (State), nsc (NSC)"
    assert lines[2] == f"Join code: {shown}"
    assert f"  hotline --store {store} seat {shown} --role state" in lines
    assert f"  hotline --store {store} seat {shown} --role nsc" in lines
    again = hotline(tmp_path, "session", "code", record.id[:8], "--store", store)
    assert again.returncode == 0 and again.stdout.strip() == shown


def test_session_new_refuses_unknown_roles(tmp_path: Path) -> None:
    store = str(tmp_path / "class.sqlite3")
    done = hotline(tmp_path, "session", "new", str(DRILL), "--roles", "state,pilot",
                   "--store", store)
    assert done.returncode == 2
    assert "has no role 'pilot'; its roles are state, defense, nsc" in done.stderr
    assert not Path(store).exists() or not Journal(store).sessions()


def test_three_desks_play_a_whole_session_each_seeing_its_own_messages(
        pg_store: str, tmp_path: Path, desks: list[Desk]) -> None:
    code = _new(tmp_path, pg_store)["join_code"]
    seats = {role: _seat(desks, tmp_path, pg_store, code, role, "--policy", "random")
             for role in ("state", "nsc")}
    for desk in seats.values():  # both wait for Defense, whose desk is not there yet
        desk.wait_for("Waiting for the Defense to decide…")
    seats["defense"] = _seat(desks, tmp_path, pg_store, code, "defense", "--policy", "random")
    for role, desk in seats.items():
        assert desk.finish() == 0, f"{role}:\n{desk.out}\n{desk.err}"
    outs = {role: desk.out for role, desk in seats.items()}
    assert FOR_STATE in outs["state"] and FOR_STATE not in outs["defense"] + outs["nsc"]
    assert FOR_DEFENSE in outs["defense"] and FOR_DEFENSE not in outs["state"] + outs["nsc"]
    assert FOR_NSC in outs["nsc"] and FOR_NSC not in outs["state"] + outs["defense"]
    with Journal(pg_store) as journal:
        (record,) = journal.sessions()
        assert record.ended
        inputs = journal.input_records(record.id)
        replayed = SessionService(journal).open(record.id)
    assert [r.decision for r in inputs] == ["0/contact", "1/message", "2/posture", "3/close"]
    assert [r.data.get("seat", "").split(" ")[0] for r in inputs[:2]] == ["defense", "state"]
    ending = f"== Ending: {record.ending_title}"
    assert all(ending in out for out in outs.values())
    assert replayed.session.outcome is not None
    assert replayed.session.outcome.ending_id == record.ending_id


def test_bad_joins_get_a_clear_error(tmp_path: Path) -> None:
    store = str(tmp_path / "class.sqlite3")
    info = _new(tmp_path, store)
    code = info["join_code"]
    wrong = hotline(tmp_path, "--store", store, "seat", "ZZZ-ZZZ" if code != "ZZZ-ZZZ"
                    else "YYY-YYY", "--role", "state")
    assert wrong.returncode == 2
    assert "has the join code" in wrong.stderr and "Check the code with the facilitator" \
        in wrong.stderr
    typo = hotline(tmp_path, "--store", store, "seat", "7KQ-M0X", "--role", "state")
    assert typo.returncode == 2
    assert "'0' cannot be in one (join codes never use '0'; did you mean 'O'?)" in typo.stderr
    role = hotline(tmp_path, "--store", store, "seat", code, "--role", "pilot")
    assert role.returncode == 2
    assert "'pilot' is not one of them. Join with --role state|defense|nsc" in role.stderr
    assert "Traceback" not in wrong.stderr + typo.stderr + role.stderr
    with Journal(store) as journal:
        journal.finish(info["session"], ending_id="quiet", ending_title="An uneasy quiet",
                       score=40)
    ended = hotline(tmp_path, "--store", store, "seat", code, "--role", "state")
    assert ended.returncode == 2 and "has already ended" in ended.stderr
    nowhere = hotline(tmp_path, "--store", "postgresql://nobody@127.0.0.1:1/none", "seat",
                      code, "--role", "state")
    assert nowhere.returncode == 2 and "cannot reach the PostgreSQL server" in nowhere.stderr


def test_a_seat_killed_mid_decision_rejoins_and_carries_on(
        pg_store: str, tmp_path: Path, desks: list[Desk]) -> None:
    info = _new(tmp_path, pg_store)
    code, sid = info["join_code"], info["session"]
    # State answers its own decision from --choices, then is asked at the team vote.
    state = _seat(desks, tmp_path, pg_store, code, "state", "--choices", "back")
    defense = _seat(desks, tmp_path, pg_store, code, "defense", "--policy", "expert")
    nsc = _seat(desks, tmp_path, pg_store, code, "nsc", "--policy", "expert")
    state.wait_for("Your vote [1-3")
    defense.wait_for("Waiting for the votes of:")  # voted, waiting for State
    with Journal(pg_store) as journal:
        votes = Seating(journal).votes(sid, "2/posture")
    assert "defense" in votes and "state" not in votes
    # Mid-decision: State at its prompt, Defense waiting on the vote it cast.
    state.kill9()
    defense.kill9()
    assert nsc.proc.poll() is None  # the others wait on
    defense = _seat(desks, tmp_path, pg_store, code, "defense", "--policy", "expert")
    defense.wait_for("Waiting for the votes of: State")  # it knows its vote was cast
    state = _seat(desks, tmp_path, pg_store, code, "state", "--policy", "expert")
    for desk in (state, defense, nsc):
        assert desk.finish() == 0, f"{desk.out}\n{desk.err}"
    with Journal(pg_store) as journal:
        record = journal.session(sid)
        inputs = journal.input_records(sid)
        posture = Seating(journal).votes(sid, "2/posture")
    assert record.ended
    assert [r.decision for r in inputs] == ["0/contact", "1/message", "2/posture", "3/close"]
    assert posture["defense"] == votes["defense"]  # the vote cast before the kill stands
    assert inputs[1].data["option"] == "back"  # State's decision before the kill stands


def test_a_server_restart_mid_session_loses_nothing_confirmed(
        pg_server: Any, tmp_path: Path, desks: list[Desk]) -> None:
    store = pg_server.create_database()
    try:
        info = _new(tmp_path, store)
        code, sid = info["join_code"], info["session"]
        state = _seat(desks, tmp_path, store, code, "state")  # asks at its prompt
        defense = _seat(desks, tmp_path, store, code, "defense", "--policy", "expert",
                        "--reconnect-for", "120")
        nsc = _seat(desks, tmp_path, store, code, "nsc", "--policy", "expert",
                    "--reconnect-for", "120")
        state.wait_for("Your choice [1-3")  # Defense decided; State is deciding
        nsc.wait_for("Waiting for the State to decide")  # every desk has joined
        with Journal(store) as journal:
            before = journal.input_records(sid)
        assert [r.decision for r in before] == ["0/contact"]
        pg_server.stop("fast")  # every connection is cut
        pg_server.start()
        state.answer("1", "they asked for a minister")  # State's choice, after the restart
        state.wait_for("Your vote [1-3")
        state.answer("2", "")
        state.wait_for("Your vote [1-2")
        state.answer("1", "")
        for desk in (state, defense, nsc):
            assert desk.finish() == 0, f"{desk.out}\n{desk.err}"
        for desk in (state, defense, nsc):
            assert "Lost the connection to the class server" in desk.err, desk.err
            assert "Reconnected to the class server: all 1 input(s) confirmed before are " \
                   "there" in desk.err or "Reconnected to the class server: all 2 input(s)" \
                   in desk.err, desk.err
        with Journal(store) as journal:
            record = journal.session(sid)
            after = journal.input_records(sid)
        assert record.ended
        assert after[0] == before[0]  # confirmed before the restart, still there
        assert [r.decision for r in after] == ["0/contact", "1/message", "2/posture",
                                               "3/close"]
        assert after[1].data["option"] == "back"
        assert after[1].data["rationale"] == "they asked for a minister"
    finally:
        pg_server.drop_database(store)
