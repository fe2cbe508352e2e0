"""The counterpart's leadership: who on the other side may pick up, and why not.

The record's central lesson is that the other side's military (and often its
diplomats) answer only once the political leadership has decided they may:
contact is withheld as leverage and granted as a reward, and the persistence
of the caller reads as pressure. This module holds that part of the model.

The state is flat and explicit, so batch kernels can replicate it exactly:

* ``leadership[level] -> bool`` — contact authorised at ``political``,
  ``military`` or ``working`` level;
* ``leader_why[level] -> str`` — why it stands so, in words;
* ``fired: set[int]`` — leadership events already taken (each fires once);
* ``refusals[level] -> str`` — the outstanding refusal (``declined`` or
  ``unanswered``) on the level: given since its leadership state last
  changed, for any reason, and not followed by an answer ('' when none);
* ``decided[level] -> str`` and ``decided_turn[level] -> int`` — the last
  refusal that was the counterpart's own decision (a withheld level, a failed
  roll, or a request turned down again because such a refusal stood), and the
  turn it was given. Within the counterpart's ``recent_turns`` of that turn,
  a new request on the level gets the same answer without a new roll (and
  restarts the count): asking again at once never changes the answer; left
  alone for a while, the counterpart decides afresh;
* ``pressure[level] -> int`` — requests repeated on the level while a
  refusal there was outstanding.

Only the events a scenario names change ``leadership`` (a leaders' call, a
political contact answered, a price paid, time); a retry never does. They are
checked on entering a node and when the session ends. A
leadership event touching a level clears its ``refusals`` and ``decided``.
Pressure is never cleared: it lowers acceptance on the level for the rest of
the session (``counterpart.pressure_weight`` per request, the repeated
request itself included) and applies ``counterpart.pressure_effects``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Protocol

from game.scenario.compile import CompiledLeadershipEvent, CompiledScenario
from game.scenario.expr import Reader
from game.scenario.models import AUTHORITY_LEVELS

LEVEL_WORDS: dict[str, str] = {
    "political": "political",
    "military": "military",
    "working": "working-level",
}
PRESSURE_WORDS = "the repeated request read as pressure"


class LeadershipState(Reader, Protocol):
    """The session attributes this module reads and changes."""

    leader_why: dict[str, str]
    fired: set[int]
    refusals: dict[str, str]
    decided: dict[str, str]
    decided_turn: dict[str, int]


class LevelChange(NamedTuple):
    """One level's state after a leadership event (``before`` may equal ``after``).

    A NamedTuple: batch play takes thousands of decisions and keeps no events.
    """

    level: str
    before: bool
    after: bool


def initial(scenario: CompiledScenario) -> tuple[dict[str, bool], dict[str, str]]:
    """The leadership state at the start: authorised per level, and why (fresh dicts)."""
    cached = scenario.runtime.get("leadership_initial")
    if not isinstance(cached, tuple):
        cached = scenario.runtime["leadership_initial"] = _initial(scenario)
    return dict(cached[0]), dict(cached[1])


def _initial(scenario: CompiledScenario) -> tuple[dict[str, bool], dict[str, str]]:
    spec = scenario.model.counterpart.leadership
    authorised: dict[str, bool] = {}
    why: dict[str, str] = {}
    for level in AUTHORITY_LEVELS:
        entry = getattr(spec, level)
        authorised[level] = entry.initial == "authorised"
        why[level] = (f"{_counterpart(scenario)} allows {LEVEL_WORDS[level]} contact."
                      if authorised[level] else entry.why)
    return authorised, why


def due(scenario: CompiledScenario, state: LeadershipState) -> Iterator[CompiledLeadershipEvent]:
    """Leadership events not taken yet whose condition holds now, in file order.

    Each one is marked taken before the next is tested, so a later event can
    read the state an earlier one left.
    """
    for event in scenario.leadership_events:
        if event.index in state.fired or not event.when(state):
            continue
        yield event


def take(event: CompiledLeadershipEvent, state: LeadershipState) -> list[LevelChange]:
    """Apply one leadership event; returns each touched level's change."""
    state.fired.add(event.index)
    changes: list[LevelChange] = []
    for levels, value in ((event.authorise, True), (event.withhold, False)):
        for level in levels:
            before = state.leadership[level]
            state.leadership[level] = value
            state.leader_why[level] = event.text
            # A new decision: earlier refusals on this level no longer stand.
            state.refusals[level] = ""
            state.decided[level] = ""
            changes.append(LevelChange(level, before, value))
    return changes


def withheld_reason(state: LeadershipState, level: str) -> str:
    """Why a call on a withheld level is not taken, in words."""
    return state.leader_why[level]


def standing(state: LeadershipState, level: str) -> str:
    """The refusal that still stands on ``level`` ('' when none does)."""
    status = state.decided[level]
    if status and state.turn - state.decided_turn[level] < state.recent_turns:
        return status
    return ""


def standing_reason(level: str) -> str:
    """Why a repeated request gets the answer the last one got."""
    return (f"The answer on {LEVEL_WORDS[level]} contact stands: nothing the leadership "
            "weighs has changed since the last request")


def with_pressure(reason: str) -> str:
    """A refusal's reason, adding that the repeated request read as pressure."""
    text = reason.rstrip().rstrip(".")
    return f"{text}; {PRESSURE_WORDS}."


def press(state: LeadershipState, level: str) -> bool:
    """A request on ``level`` is about to be decided; True when it is a repeated one.

    A request made while an earlier refusal on the level is outstanding (no
    answer and no leadership event since) is a repeated request: it adds one
    to the level's pressure before the counterpart decides, so the pressure
    already weighs on its own answer.
    """
    if not state.refusals[level]:
        return False
    state.pressure[level] += 1
    return True


def settle(state: LeadershipState, level: str, status: str, decision: bool) -> None:
    """Record how a request on ``level`` was answered.

    A refusal becomes the outstanding one (and, when it was the
    counterpart's own decision, the standing answer); a call answered or put
    through clears the outstanding refusal.
    """
    if status in ("answered", "ringing"):
        state.refusals[level] = ""
        return
    state.refusals[level] = status
    if decision:
        state.decided[level] = status
        state.decided_turn[level] = state.turn


def summary(state: LeadershipState) -> list[tuple[str, bool, str, int]]:
    """``(level, authorised, why, pressure)`` for every level, for displays."""
    return [(level, state.leadership[level], state.leader_why[level], state.pressure[level])
            for level in AUTHORITY_LEVELS]


def _counterpart(scenario: CompiledScenario) -> str:
    return "The leadership"
