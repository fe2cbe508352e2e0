"""The class session's rules on both backends: joining, whose decision, votes, one clock.

Each desk is its own :class:`Journal` connection (as on separate machines)
on one store; the drill scenario (``class_drill.yaml``) has a Defense
decision, a State decision with a 60-second limit, a majority vote and a
unanimous vote, and messages for one role only.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from game.engine.events import DecisionTaken, InjectShown
from game.records import AlreadyDecidedError, Journal, SessionMovedOnError
from game.records.seating import (
    AlreadyVotedError,
    ClockNotExpiredError,
    Seating,
    UnknownJoinCodeError,
    format_join_code,
    normalise_join_code,
)
from game.scenario import CompiledScenario
from game.sessions import (
    SEAT_CLOCK,
    ClassSession,
    JoinError,
    NotYourTurnError,
    SessionService,
)

from .conftest import ROLES


def _class(journal: Journal, drill: CompiledScenario, seed: int = 3) -> tuple[str, str]:
    return ClassSession.create(journal, drill, roles=list(ROLES), seed=seed)


def _desks(journals: list[Journal], code: str) -> tuple[ClassSession, ...]:
    state, defense, nsc, console = journals
    return (ClassSession.join(state, code, role="state", seat="state-desk"),
            ClassSession.join(defense, code, role="defense", seat="defense-desk"),
            ClassSession.join(nsc, code, role="nsc", seat="nsc-desk"),
            ClassSession.join(console, code, role=None, seat="console"))


def _refresh(*desks: ClassSession) -> None:
    for desk in desks:
        desk.refresh()


# -- join codes and bad joins -----------------------------------------------------------


def test_join_codes_are_short_unambiguous_and_forgiving_to_type() -> None:
    assert normalise_join_code(" 7kq-m2x ") == "7KQM2X"
    assert format_join_code("7KQM2X") == "7KQ-M2X"
    with pytest.raises(UnknownJoinCodeError, match=r"'O' cannot be in one \(join codes never "
                                                   r"use 'O'; did you mean '0'\?\)"):
        normalise_join_code("7KQ-MOX")
    with pytest.raises(UnknownJoinCodeError, match="it has 5 letters and digits, a join code "
                                                   "has 6"):
        normalise_join_code("7KQ-M2")
    with pytest.raises(UnknownJoinCodeError, match="no join code given"):
        normalise_join_code(" - ")


def test_create_gives_a_code_and_bad_joins_say_what_is_wrong(
        journals: list[Journal], drill: CompiledScenario) -> None:
    journal = journals[0]
    sid, code = _class(journal, drill)
    assert len(code) == 6 and set(code) <= set("23456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert Seating(journal).session_for_code(format_join_code(code).lower()) == sid
    assert Seating(journal).new_join_code(sid) == code  # one code per session
    record = journal.session(sid)
    assert record.mode == "class" and record.roles == tuple(ROLES)
    other = next(c for c in ("22222A", "33333B") if c != code)
    with pytest.raises(UnknownJoinCodeError) as info:
        ClassSession.join(journal, other, role="state")
    assert f"no session in {journal.location.display} has the join code " \
           f"{format_join_code(other)}" in str(info.value)
    with pytest.raises(JoinError) as wrong_role:
        ClassSession.join(journal, code, role="pilot")
    assert ("is played by state (State), defense (Defense), nsc (NSC); 'pilot' is not one of "
            "them. Join with --role state|defense|nsc") in str(wrong_role.value)


def test_an_ended_session_cannot_be_joined(journals: list[Journal],
                                           drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    journals[0].finish(sid, ending_id="quiet", ending_title="An uneasy quiet", score=40)
    with pytest.raises(JoinError, match="has already ended: An uneasy quiet, score 40"):
        ClassSession.join(journals[1], code, role="state")


# -- whose decision, what each desk sees -------------------------------------------------


def test_each_seat_decides_only_its_roles_decisions(journals: list[Journal],
                                                    drill: CompiledScenario) -> None:
    _sid, code = _class(journals[0], drill)
    state, defense, nsc, console = _desks(journals, code)
    assert [d.turn.kind for d in (state, defense, nsc, console)] == \
        ["waiting", "decide", "waiting", "watching"]
    assert state.turn.owner == "defense" and state.turn.waiting_for == ("defense",)
    with pytest.raises(NotYourTurnError, match="this decision is the Defense's; the State "
                                               "cannot confirm it"):
        state.decide("hold")
    with pytest.raises(NotYourTurnError, match="console does not decide"):
        console.decide("hold")
    defense.decide("call-dtl", "talk first")
    _refresh(state, defense, nsc, console)
    # The next decision is State's, on every desk alike.
    assert [d.turn.kind for d in (state, defense, nsc)] == ["decide", "waiting", "waiting"]
    assert {d.turn.decision for d in (state, defense, nsc, console)} == {"1/message"}
    taken = [e for e in nsc.session.events if isinstance(e, DecisionTaken)]
    assert [(e.option, e.role, e.rationale) for e in taken] == \
        [("call-dtl", "defense", "talk first")]


def test_each_seat_sees_only_its_roles_messages(journals: list[Journal],
                                                drill: CompiledScenario) -> None:
    _sid, code = _class(journals[0], drill)
    state, defense, nsc, console = _desks(journals, code)

    def texts(desk: ClassSession) -> list[str]:
        return [e.text for e in desk.session.events
                if isinstance(e, InjectShown) and desk.may_see(e)]

    common = "The ship has turned towards ours."
    assert texts(state) == [common, "For State only: the ambassador can be reached tonight."]
    assert texts(defense) == [common, "For Defense only: our captain asks for rules of "
                                      "engagement."]
    assert texts(nsc) == [common]
    assert len(texts(console)) == 3  # the facilitator sees every message


# -- no double decisions --------------------------------------------------------------------


def test_two_seats_of_one_role_cannot_both_decide(journals: list[Journal],
                                                   drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    first = ClassSession.join(journals[1], code, role="defense", seat="desk 1")
    second = ClassSession.join(journals[2], code, role="defense", seat="desk 2")
    first.decide("warn")
    with pytest.raises(AlreadyDecidedError) as info:
        second.decide("hold")
    assert info.value.decided_by == "desk 1"
    assert "already decided by desk 1" in str(info.value)
    assert [d["option"] for d in journals[0].inputs(sid)] == ["warn"]
    second.refresh()
    assert second.session.inputs == first.session.inputs


def test_a_racing_seat_is_turned_away_by_the_database(journals: list[Journal],
                                                      drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    desks = [ClassSession.join(journals[i], code, role="defense", seat=f"desk {i}")
             for i in range(1, 4)]
    start = threading.Barrier(len(desks))
    outcomes: dict[str, str] = {}

    def go(desk: ClassSession) -> None:
        start.wait()
        try:
            desk.decide("hold")
        except AlreadyDecidedError as exc:
            outcomes[desk.seat] = f"lost to {exc.decided_by}"
        else:
            outcomes[desk.seat] = "won"

    threads = [threading.Thread(target=go, args=(d,)) for d in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [seat for seat, what in outcomes.items() if what == "won"]
    assert len(winners) == 1, outcomes
    assert sorted(outcomes.values()) == ["lost to " + winners[0]] * 2 + ["won"]
    assert len(journals[0].inputs(sid)) == 1


def test_an_input_is_not_recorded_on_a_state_its_desk_had_not_seen(
        journals: list[Journal], drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    _state, defense, _nsc, console = _desks(journals, code)
    # The console jumps the session to the vote; the Defense desk has not seen it.
    console.facilitate({"type": "jump", "node": "posture", "reason": "skip ahead"})
    with pytest.raises(SessionMovedOnError):
        defense.decide("hold")  # its decision is gone: nothing recorded
    assert [d["type"] for d in journals[0].inputs(sid)] == ["jump"]
    defense.refresh()
    assert defense.turn.kind == "vote" and defense.turn.node == "posture"
    # An inject meanwhile does not take the decision away: the desk catches up and records.
    console.facilitate({"type": "inject", "text": "A message for everyone."})
    defense.vote("steady")
    assert [d["type"] for d in journals[0].inputs(sid)] == ["jump", "inject"]
    assert Seating(journals[0]).votes(sid, defense.turn.decision)["defense"].option == "steady"


# -- votes -------------------------------------------------------------------------------------


def _to_the_vote(desks: tuple[ClassSession, ...]) -> None:
    state, defense, nsc, console = desks
    defense.decide("hold")
    _refresh(*desks)
    state.decide("silence")
    _refresh(*desks)


def test_votes_are_counted_across_seats_and_the_tally_confirmed_once(
        journals: list[Journal], drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    desks = _desks(journals, code)
    state, defense, nsc, console = desks
    _to_the_vote(desks)
    assert [d.turn.kind for d in desks] == ["vote", "vote", "vote", "watching"]
    assert state.vote("surge", "show strength") is None
    _refresh(*desks)
    assert state.turn.kind == "voted" and state.turn.waiting_for == ("defense", "nsc")
    assert defense.turn.kind == "vote" and set(defense.turn.votes) == {"state"}
    with pytest.raises(NotYourTurnError, match="has voted"):
        state.vote("ease")
    with pytest.raises(AlreadyVotedError, match="the state has already voted on this decision "
                                                "\\(for 'surge', from state-desk\\)"):
        Seating(journals[0]).cast_vote(sid, "2/posture", "state", "ease")
    assert defense.vote("steady") is None
    tally = nsc.vote("steady", "no more ships")
    assert tally is not None  # the last voter saw them complete and confirmed
    decided = tally.of(DecisionTaken)[0]
    assert decided.option == "steady" and dict(decided.votes or ()) == {
        "state": "surge", "defense": "steady", "nsc": "steady"}
    # Nobody else can confirm it again; everybody follows.
    _refresh(*desks)
    assert defense.confirm_votes() is None
    inputs = journals[0].input_records(sid)
    assert [r.decision for r in inputs] == ["0/contact", "1/message", "2/posture"]
    assert inputs[-1].data["rationale"] == "State: show strength; NSC: no more ships"
    assert {d.session.events_json() for d in desks} == {nsc.session.events_json()}


def test_when_the_last_votes_race_exactly_one_desk_confirms(
        journals: list[Journal], drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    desks = _desks(journals, code)
    _to_the_vote(desks)
    desks[0].vote("ease")
    start = threading.Barrier(3)
    results: list[Any] = []

    def go(desk: ClassSession, option: str | None) -> None:
        start.wait()
        if option is not None:
            desk.vote(option)
        # Whoever sees them complete tries to confirm, as a seat's loop does.
        for _ in range(50):
            desk.refresh()
            if desk.turn.decision != "2/posture":
                return
            results.append(desk.confirm_votes())
            if desk.turn.waiting_for:
                desk.wait(0.2)

    threads = [threading.Thread(target=go, args=args) for args in
               ((desks[1], "ease"), (desks[2], "surge"), (desks[3], None))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r is not None for r in results) <= 1
    inputs = journals[0].input_records(sid)
    assert [r.decision for r in inputs] == ["0/contact", "1/message", "2/posture"]
    assert inputs[-1].data["votes"] == {"state": "ease", "defense": "ease", "nsc": "surge"}


# -- one decision clock --------------------------------------------------------------------------


def test_every_desk_counts_down_to_one_deadline_kept_in_the_database(
        journals: list[Journal], drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    desks = _desks(journals, code)
    state, defense, nsc, console = desks
    defense.decide("hold")
    _refresh(*desks)
    clocks = {d.turn.clock for d in desks}
    assert len(clocks) == 1  # the first desk started it; the others got the same one
    clock = clocks.pop()
    assert clock is not None and clock.deadline is not None
    assert clock.deadline - clock.opened_at == pytest.approx(60.0)  # the node's time_limit
    assert 55 < (state.remaining() or 0) <= 60
    # A desk whose clock runs ahead may not time the decision out: the database says no.
    nsc._offset += 120
    assert nsc.turn.clock is not None and nsc.turn.clock.expired(nsc.now())
    assert nsc.time_out() is None
    assert journals[0].inputs(sid)[-1]["option"] == "hold"
    with pytest.raises(ClockNotExpiredError):
        journals[0].append_input(sid, {"type": "choose", "option": "silence"},
                                 decision="1/message",
                                 then=Seating(journals[0]).require_expired("1/message"))


def test_the_clock_runs_out_once_for_everyone(journals: list[Journal],
                                              drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    desks = _desks(journals, code)
    state, defense, nsc, console = desks
    defense.decide("hold")
    _refresh(*desks)
    console.set_decision_time(1)  # the facilitator: one second, for everyone
    _refresh(*desks)
    assert {d.turn.clock for d in desks} and len({d.turn.clock for d in desks}) == 1
    time.sleep(1.2)
    _refresh(*desks)
    first = nsc.time_out()
    assert first is not None
    assert [d.time_out() for d in (state, defense, console)] == [None, None, None]
    taken = first.of(DecisionTaken)[0]
    assert taken.timed_out and taken.option == "silence"  # the node's on_timeout rule
    last = journals[0].input_records(sid)[-1]
    assert last.data["seat"] == SEAT_CLOCK and last.decision == "1/message"
    with pytest.raises(AlreadyDecidedError, match="already decided by the decision clock"):
        state.decide("back")


def test_the_facilitators_pause_stops_the_clock_for_everyone(
        journals: list[Journal], drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    desks = _desks(journals, code)
    state, defense, nsc, console = desks
    defense.decide("hold")
    _refresh(*desks)
    console.set_decision_time(2)
    console.facilitate({"type": "pause"})
    _refresh(*desks)
    assert [d.turn.kind for d in desks] == ["paused"] * 4
    assert state.turn.paused_kind == "decide"
    clock = state.turn.clock
    assert clock is not None and clock.paused and 1.0 < (clock.paused_left or 0) <= 2.0
    time.sleep(2.2)  # longer than the time that was left
    _refresh(*desks)
    assert state.time_out() is None and nsc.time_out() is None
    with pytest.raises(NotYourTurnError, match="paused"):
        state.decide("back")
    console.facilitate({"type": "resume"})
    _refresh(*desks)
    assert state.turn.kind == "decide"
    left = state.remaining()
    assert left is not None and 0.8 < left <= 2.0  # what was left when paused
    state.decide("back")
    assert [d["type"] for d in journals[0].inputs(sid)] == \
        ["choose", "note", "pause", "resume", "choose"]


def test_a_clock_started_by_a_desk_that_missed_the_pause_is_stopped(
        journals: list[Journal], drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill)
    state, defense, nsc, console = _desks(journals, code)
    defense.decide("hold")  # the next decision (State's, 60 s) has no clock yet
    console.facilitate({"type": "pause"})
    # The Defense desk starts the new decision's clock from what it saw before the pause.
    Seating(journals[1]).open_clock(sid, "1/message", 60, paused=False)
    clock = Seating(journals[0]).clock(sid, "1/message")
    assert clock is not None and not clock.paused
    state.refresh()  # State's desk sees the pause and a running clock: it stops the clock
    clock = Seating(journals[0]).clock(sid, "1/message")
    assert clock is not None and clock.paused and 55 < (clock.paused_left or 0) <= 60
    assert state.turn.kind == "paused" and state.turn.clock == clock


# -- live updates -------------------------------------------------------------------------------


def test_a_waiting_desk_wakes_when_another_desk_votes(journals: list[Journal],
                                                     drill: CompiledScenario) -> None:
    _sid, code = _class(journals[0], drill)
    desks = _desks(journals, code)
    _to_the_vote(desks)
    state, defense, _nsc, _console = desks
    state.vote("ease")
    state.refresh()  # listens from here on
    woke: list[float] = []

    def watch() -> None:
        started = time.monotonic()
        state.wait(20)
        woke.append(time.monotonic() - started)

    thread = threading.Thread(target=watch)
    thread.start()
    time.sleep(0.3)
    defense.vote("surge")
    thread.join(timeout=30)
    assert woke and woke[0] < 10
    state.refresh()
    assert state.turn.waiting_for == ("nsc",)


def test_every_desk_replays_to_the_journals_events(journals: list[Journal],
                                                   drill: CompiledScenario) -> None:
    sid, code = _class(journals[0], drill, seed=11)
    desks = _desks(journals, code)
    state, defense, nsc, console = desks
    defense.decide("call-dtl")
    _refresh(*desks)
    console.facilitate({"type": "inject", "text": "For State.", "to": ["state"]})
    state.decide("back", "they asked for a minister")
    _refresh(*desks)
    for desk, option in ((state, "steady"), (defense, "surge"), (nsc, "steady")):
        desk.vote(option)
        _refresh(*desks)
    for desk in (state, defense, nsc):
        desk.refresh()
        desk.vote("joint")
    _refresh(*desks)
    assert all(d.ended for d in desks)
    fresh = SessionService(journals[0]).open(sid)
    assert {d.session.events_json() for d in desks} == {fresh.session.events_json()}
    assert journals[0].session(sid).ending_id == fresh.session.outcome.ending_id  # type: ignore[union-attr]
