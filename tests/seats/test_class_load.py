"""Load: 30 seats in 10 concurrent team sessions on a real PostgreSQL server, bounded in time.

Every seat is a thread with its own connections, playing a whole scenario by
policy against the others. The run must lose nothing (every input a seat saw
confirmed is in the journal at its place; every seat's copy replays to the
journal's events), decide every decision exactly once, and never deadlock
(every seat is done well before the time bound). The wall time is a figure
for ``bench/class_seats.py``, never asserted here.
"""

from __future__ import annotations

from collections import Counter

from game.paths import find_scenario
from game.records import Journal
from game.records.seating import Seating
from game.sessions import SessionService

from .class_load import ClassRun, run_class
from .conftest import DRILL

TIME_BOUND_S = 240.0


def _check(run: ClassRun, store: str) -> None:
    assert not run.stuck, f"seats still running at the {TIME_BOUND_S:g} s bound: {run.stuck}"
    assert not run.errors, "\n".join(run.errors)
    assert all(seat.ended for seat in run.seats)
    with Journal(store) as journal:
        service = SessionService(journal)
        seating = Seating(journal)
        for sid in run.sessions:
            record = journal.session(sid)
            assert record.ended, sid
            inputs = journal.input_records(sid)
            keys = [r.decision for r in inputs if r.data.get("type") == "choose"]
            assert all(keys) and len(keys) == len(set(keys))  # each decision exactly once
            fresh = service.open(sid)
            seats = [s for s in run.seats if s.session_id == sid]
            assert {s.events_json for s in seats} == {fresh.session.events_json()}
            for seat in seats:
                assert seat.stats is not None
                for seq, data in seat.stats.confirmed:  # nothing a seat saw confirmed is lost
                    assert inputs[seq - 1].data == data, (sid, seat.role, seq)
            for item in inputs:  # a tally is the votes the seats cast, no other
                if "votes" in item.data:
                    cast = seating.votes(sid, item.decision or "")
                    assert item.data["votes"] == {r: v.option for r, v in cast.items()}
        counts = Counter(s.stats.decisions + s.stats.tallies + s.stats.time_outs
                         for s in run.seats if s.stats is not None)
        assert sum(n * c for n, c in counts.items()) == sum(
            len(journal.input_records(sid)) for sid in run.sessions)


def test_thirty_seats_in_ten_sessions_lose_nothing_and_never_deadlock(pg_store: str) -> None:
    run = run_class(pg_store, DRILL, sessions=10, policy="random", seed=100,
                    time_bound=TIME_BOUND_S)
    assert len(run.seats) == 30 and len(run.sessions) == 10
    _check(run, pg_store)


def test_a_shipped_scenario_plays_from_separate_desks(pg_store: str) -> None:
    """Seats work with any scenario: a bundled one (one role decides each turn, no votes)."""
    run = run_class(pg_store, find_scenario("balloon-2023"), sessions=2, policy="expert",
                    seed=7, time_bound=TIME_BOUND_S)
    assert len(run.seats) == 6
    _check(run, pg_store)


def test_a_class_on_one_machine_shares_a_sqlite_store(tmp_path: object) -> None:
    store = str(tmp_path) + "/class.sqlite3"
    run = run_class(store, DRILL, sessions=3, policy="random", seed=5,
                    time_bound=TIME_BOUND_S)
    _check(run, store)
