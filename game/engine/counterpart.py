"""The counterpart model: will the other side pick up?

The other side is a model, not only a script. A call on a channel first needs
its leadership's go-ahead for the channel's level (:mod:`.leadership`): on a
withheld level nobody answers, whatever the dice, and the reason names the
missing decision. A refusal the counterpart decided stands until its
leadership state changes, so asking again gets the same answer (and reads as
pressure) instead of a new roll. Below that, the chance of accepting starts
from the scenario's base, shifts with channel openness, drops after kinetic
or humiliating acts, public demands and pressure, rises after political-level
contact (all through the author's modifiers, some only for calls on a given
subject), and is gated by hard preconditions per channel. An accepted call
may still take turns to be answered while the decision goes up the chain.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from game.scenario.compile import CompiledModifier, CompiledScenario
from game.scenario.models import Delay, Node

from . import leadership
from .leadership import LeadershipState


class CallResult(NamedTuple):
    """How a call was resolved.

    Attributes:
        status: ``answered``, ``ringing``, ``declined`` or ``unanswered``.
        acceptance: The chance of acceptance that was rolled against (0–1).
        delay: Turns until a ringing call is answered (0 otherwise).
        reason: Why, in words: a precondition, a suspension, the missing
            leadership decision, a standing refusal, or the signal.
        factors: The modifiers that applied, as (reason, delta) pairs.
        level: The leadership level the channel needs (None: no gate).
        gate: What decided: ``facilitator``, ``precondition``, ``suspended``,
            ``withheld`` (the level is not authorised), ``standing`` (an
            earlier refusal stands) or ``roll``.
    """

    status: str
    acceptance: float
    delay: int
    reason: str
    factors: tuple[tuple[str, float], ...]
    level: str | None = None
    gate: str = "roll"


def signal(scenario: CompiledScenario, channel: str, status: str) -> str:
    """What an answer, a consultation, a refusal or silence says on ``channel``.

    The channel's own ``signals`` win, then the counterpart's ``level_signals``
    for the channel's leadership level, then the counterpart's ``signals``.
    """
    try:
        text: str = scenario.runtime["signals"][(channel, status)]  # type: ignore[index]
    except KeyError:
        cache = scenario.runtime.setdefault("signals", {})
        assert isinstance(cache, dict)
        text = cache[(channel, status)] = _signal(scenario, channel, status)
    return text


def _signal(scenario: CompiledScenario, channel: str, status: str) -> str:
    spec = scenario.channels[channel]
    own = spec.signals
    if own is not None and getattr(own, status, None):
        return str(getattr(own, status))
    profile = scenario.model.counterpart
    level = scenario.authority.get(channel)
    by_level = profile.level_signals.get(level) if level is not None else None  # type: ignore[call-overload]
    if by_level is not None and getattr(by_level, status, None):
        return str(getattr(by_level, status))
    return str(getattr(profile.signals, status))


def acceptance(
    scenario: CompiledScenario,
    node: Node,
    channel: str,
    state: LeadershipState,
    subject: str | None = None,
) -> tuple[float, tuple[tuple[str, float], ...]]:
    """The chance the counterpart accepts a call on ``channel`` now, and why."""
    profile = scenario.model.counterpart
    override = node.counterpart
    base = profile.base_acceptance
    if override is not None and override.base_acceptance is not None:
        base = override.base_acceptance
    factors: list[tuple[str, float]] = [("base", base)]
    chance = base
    channel_bonus = scenario.channels[channel].acceptance
    if channel_bonus:
        factors.append((f"{scenario.channels[channel].label} channel", channel_bonus))
        chance += channel_bonus
    if profile.openness_meter is not None:
        shift = profile.openness_weight * (state.meters[profile.openness_meter] - 50.0) / 100.0
        factors.append(("channel openness", shift))
        chance += shift
    for modifier in _modifiers(scenario, subject):
        if modifier.when(state):
            factors.append((modifier.reason, modifier.delta))
            chance += modifier.delta
    level = scenario.authority.get(channel)
    if level is not None and state.pressure[level]:
        shift = -profile.pressure_weight * state.pressure[level]
        factors.append((f"{state.pressure[level]} repeated request(s) read as pressure", shift))
        chance += shift
    return min(1.0, max(0.0, chance)), tuple(factors)


def _modifiers(scenario: CompiledScenario, subject: str | None) -> tuple[CompiledModifier, ...]:
    """The modifiers that weigh on a call about ``subject`` (those for any subject, and
    its own), worked out once per scenario and subject."""
    table = scenario.runtime.get("modifiers_by_subject")
    if not isinstance(table, dict):
        table = scenario.runtime["modifiers_by_subject"] = {}
    found: tuple[CompiledModifier, ...] | None = table.get(subject)
    if found is None:
        found = table[subject] = tuple(m for m in scenario.modifiers
                                       if m.subject is None or m.subject == subject)
    return found


def _delay(scenario: CompiledScenario, node: Node, channel: str) -> Delay:
    own = scenario.channels[channel].delay
    if own is not None:
        return own
    if node.counterpart is not None and node.counterpart.delay is not None:
        return node.counterpart.delay
    return scenario.model.counterpart.delay


def resolve_call(
    scenario: CompiledScenario,
    node: Node,
    channel: str,
    state: LeadershipState,
    rng: random.Random,
    forced: str | None = None,
    prior_status: str | None = None,
    subject: str | None = None,
) -> CallResult:
    """Decide what happens to a call, drawing from ``rng`` in a fixed order.

    ``prior_status`` is the channel's status before this request (the caller
    has already marked it ``requested``); it defaults to the current one.
    ``subject`` is what the call is about (the option's ``subject``).

    Two numbers are always drawn (accept, then decline-or-silence) plus one for
    the delay, so a forced answer, a precondition or a withheld level does not
    shift the random stream of later turns.

    The order of the gates: a facilitator's forced answer; a precondition; a
    suspended line; a level the leadership has not authorised; a refusal the
    counterpart decided that still stands; then the roll.
    """
    profile = scenario.model.counterpart
    chance, factors = acceptance(scenario, node, channel, state, subject)
    roll_accept = rng.random()
    roll_refuse = rng.random()
    window = _delay(scenario, node, channel)
    delay = rng.randint(window.min, window.max) if window.max > window.min else window.min
    decline_share = profile.decline_share
    if node.counterpart is not None and node.counterpart.decline_share is not None:
        decline_share = node.counterpart.decline_share

    level = scenario.authority.get(channel)

    if forced in ("answered", "declined", "unanswered"):
        return CallResult(forced, chance, 0, signal(scenario, channel, forced),
                          (*factors, ("facilitator", 0.0)), level, "facilitator")
    for requirement, why in scenario.preconditions.get(channel, ()):
        if not requirement(state):
            return CallResult("declined", 0.0, 0, why, factors, level, "precondition")
    status_before = prior_status if prior_status is not None else state.channels[channel]
    if status_before == "suspended":
        return CallResult(
            "unanswered", 0.0, 0, "The channel is suspended; nobody is on the other end.",
            factors, level, "suspended",
        )
    refused = "declined" if roll_refuse < decline_share else "unanswered"
    if level is not None and not state.leadership[level]:
        return CallResult(refused, 0.0, 0, leadership.withheld_reason(state, level), factors,
                          level, "withheld")
    if level is not None:
        stands = state.decided[level]
        if stands and state.turn - state.decided_turn[level] < state.recent_turns:
            return CallResult(stands, 0.0, 0, leadership.standing_reason(level), factors, level,
                              "standing")
    if roll_accept < chance:
        if delay > 0:
            return CallResult("ringing", chance, delay, signal(scenario, channel, "ringing"),
                              factors, level)
        return CallResult("answered", chance, 0, signal(scenario, channel, "answered"), factors,
                          level)
    return CallResult(refused, chance, 0, signal(scenario, channel, refused), factors, level)
