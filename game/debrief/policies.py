"""Choice policies used to play the rest of a session headlessly.

A policy maps a session (at a decision point) to an option id. The expert and
historical policies follow the scenario's paths and fall back to a cautious
default where the path says nothing or its option is not available.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

from game.engine.session import Session

Policy = Callable[[Session], str]


def fallback_option(session: Session) -> str:
    """The option a cautious player takes where a path is silent.

    Args:
        session: A session at a decision point.

    Returns:
        The first ``wait`` option, else the first available option.
    """
    available = session.available()
    for option in available:
        if option.option.kind == "wait":
            return option.id
    return available[0].id


def path_policy(path: Mapping[str, str]) -> Policy:
    """A policy that follows a node → option map (expert or historical).

    Args:
        path: Option id to take at each node.

    Returns:
        The policy.
    """

    def choose(session: Session) -> str:
        wanted = path.get(session.node)
        if wanted is not None and any(o.id == wanted for o in session.available()):
            return wanted
        return fallback_option(session)

    return choose


def random_policy(rng: random.Random) -> Policy:
    """A policy that picks uniformly among the available options.

    Args:
        rng: The policy's own random source (never the session's).

    Returns:
        The policy.
    """

    def choose(session: Session) -> str:
        available = session.available()
        return available[rng.randrange(len(available))].id

    return choose


def play_out(session: Session, policy: Policy, max_turns: int = 500) -> list[str]:
    """Play a session to its end with a policy.

    Args:
        session: The session (batch mode recommended).
        policy: Chooses each option.
        max_turns: Safety stop for scenarios that loop.

    Returns:
        The option ids chosen, in order.
    """
    chosen: list[str] = []
    while not session.ended and len(chosen) < max_turns:
        option = policy(session)
        session.apply({"type": "choose", "option": option})
        chosen.append(option)
    return chosen
