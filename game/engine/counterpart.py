"""The counterpart model: will the other side pick up?

The other side is a model, not only a script. Its chance of accepting a call
starts from the scenario's base, shifts with channel openness, drops after
kinetic or humiliating acts and public demands, rises after political-level
contact (all through the author's modifiers), and is gated by hard
preconditions per channel. An accepted call may still take turns to be
answered while the decision goes up the political chain.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from game.scenario.compile import CompiledScenario
from game.scenario.expr import Reader
from game.scenario.models import Delay, Node


@dataclass(frozen=True)
class CallResult:
    """How a call was resolved.

    Attributes:
        status: ``answered``, ``ringing``, ``declined`` or ``unanswered``.
        acceptance: The chance of acceptance that was rolled against (0–1).
        delay: Turns until a ringing call is answered (0 otherwise).
        reason: Why, in words: a precondition, a suspension, or the signal.
        factors: The modifiers that applied, as (reason, delta) pairs.
    """

    status: str
    acceptance: float
    delay: int
    reason: str
    factors: tuple[tuple[str, float], ...]


def acceptance(
    scenario: CompiledScenario, node: Node, channel: str, state: Reader
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
    for modifier in scenario.modifiers:
        if modifier.when(state):
            factors.append((modifier.reason, modifier.delta))
            chance += modifier.delta
    return min(1.0, max(0.0, chance)), tuple(factors)


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
    state: Reader,
    rng: random.Random,
    forced: str | None = None,
    prior_status: str | None = None,
) -> CallResult:
    """Decide what happens to a call, drawing from ``rng`` in a fixed order.

    ``prior_status`` is the channel's status before this request (the caller
    has already marked it ``requested``); it defaults to the current one.

    Two numbers are always drawn (accept, then decline-or-silence) plus one for
    the delay, so a forced answer or a precondition does not shift the random
    stream of later turns.
    """
    profile = scenario.model.counterpart
    signals = profile.signals
    chance, factors = acceptance(scenario, node, channel, state)
    roll_accept = rng.random()
    roll_refuse = rng.random()
    window = _delay(scenario, node, channel)
    delay = rng.randint(window.min, window.max) if window.max > window.min else window.min
    decline_share = profile.decline_share
    if node.counterpart is not None and node.counterpart.decline_share is not None:
        decline_share = node.counterpart.decline_share

    if forced in ("answered", "declined", "unanswered"):
        reason = {
            "answered": signals.answered,
            "declined": signals.declined,
            "unanswered": signals.unanswered,
        }[forced]
        return CallResult(forced, chance, 0, reason, (*factors, ("facilitator", 0.0)))
    for requirement, why in scenario.preconditions.get(channel, ()):
        if not requirement(state):
            return CallResult("declined", 0.0, 0, why, factors)
    status_before = prior_status if prior_status is not None else state.channels[channel]
    if status_before == "suspended":
        return CallResult(
            "unanswered", 0.0, 0, "The channel is suspended; nobody is on the other end.", factors
        )
    if roll_accept < chance:
        if delay > 0:
            return CallResult("ringing", chance, delay, signals.ringing, factors)
        return CallResult("answered", chance, 0, signals.answered, factors)
    if roll_refuse < decline_share:
        return CallResult("declined", chance, 0, signals.declined, factors)
    return CallResult("unanswered", chance, 0, signals.unanswered, factors)
