"""Playing the rest of a session headlessly, with the analysis package's policies.

The debrief uses the same players as batch analysis
(:mod:`game.analysis.policies`): ``expert`` and ``historical`` follow the
scenario's paths and fall back to the prudent choice where a path is silent;
``random`` picks uniformly. A policy draws only from its own generator
(:func:`game.analysis.batch.policy_rng`), never from the session's dice.
"""

from __future__ import annotations

import random

from game.analysis.batch import policy_rng
from game.analysis.policies import Policy, get_policy
from game.engine.session import Session

__all__ = ["MAX_TURNS", "Policy", "get_policy", "play_out", "policy_rng"]

#: Safety stop for scenarios that loop.
MAX_TURNS = 500


def play_out(session: Session, policy: Policy, rng: random.Random,
             max_turns: int = MAX_TURNS) -> list[str]:
    """Play a session to its end with a policy.

    Args:
        session: The session (batch mode recommended).
        policy: ``(session, rng) -> option id``.
        rng: The policy's own random stream.
        max_turns: Safety stop for scenarios that loop.

    Returns:
        The option ids chosen, in order.
    """
    chosen: list[str] = []
    while not session.ended and len(chosen) < max_turns:
        option = policy(session, rng)
        session.apply({"type": "choose", "option": option})
        chosen.append(option)
    return chosen
