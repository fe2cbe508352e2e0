"""`store recover` keeps a class session joinable: its join code, votes and clocks go with it."""

from __future__ import annotations

from pathlib import Path

from game.records import Journal
from game.records.recovery import recover_store
from game.records.seating import Seating
from game.scenario import CompiledScenario
from game.sessions import ClassSession, SessionService

from .conftest import ROLES


def test_recover_copies_join_codes_votes_and_clocks(
        store_spec: str, drill: CompiledScenario, tmp_path: Path) -> None:
    with Journal(store_spec) as journal:
        sid, code = ClassSession.create(journal, drill, roles=ROLES, seed=3)
        seating = Seating(journal)
        seating.cast_vote(sid, "k7", "state", "hold", rationale="wait for Beijing", seat="desk 1")
        seating.cast_vote(sid, "k7", "nsc", "call", seat="desk 3")
        opened = seating.open_clock(sid, "k7", 90.0)
        votes = seating.votes(sid, "k7")
    out = tmp_path / "recovered.sqlite3"
    report = recover_store(store_spec, out)
    assert report.healthy, list(report.unlisted)
    with Journal(out) as recovered:
        seating = Seating(recovered)
        # The desks rejoin with the code they were given, and the votes cast stand.
        assert seating.session_for_code(code) == sid
        assert seating.votes(sid, "k7") == votes
        assert set(votes) == {"state", "nsc"} and votes["state"].rationale == "wait for Beijing"
        clock = seating.clock(sid, "k7")
        assert clock is not None and clock.deadline == opened.deadline


def test_recover_of_a_session_without_seats_copies_no_seat_rows(
        tmp_path: Path, drill: CompiledScenario) -> None:
    source = tmp_path / "solo.sqlite3"
    with Journal(source) as journal:
        sid = SessionService(journal).create(drill, seed=1, attach=False).record.id
    recover_store(source, tmp_path / "out.sqlite3")
    with Journal(tmp_path / "out.sqlite3") as recovered:
        rows = Seating(recovered).export_rows(sid)
        assert rows.code is None and rows.votes == () and rows.clocks == ()
