"""Automatic players for batch play.

A *policy* is a callable ``(session, rng) -> option_id`` that picks one of the
options currently available in ``session`` (``session.available()``). It may
draw from ``rng`` (a :class:`random.Random` seeded per game by the caller) and
must not touch the session's own random stream, so a game is fully determined
by the game seed and the policy.

Named policies (see :func:`get_policy`):

``random``
    A uniformly random available option.
``expert``
    The scenario's expert path (``expert:``); at a node the path does not
    cover, or when its option is not available, the :func:`prudent_choice`
    heuristic.
``historical``
    The scenario's historical path (``historical.steps``), with the same
    fallback.
``always-KIND``
    For each option kind (``always-call``, ``always-escalate``, …): a random
    option of that kind when one is available, else a random option.
``retry``
    The reflex the game must not reward: after a call on a military line
    (one that needs a leadership decision) is refused, call that line again
    at every chance; otherwise a random option. The calibration checks use
    it to show that persistence does not stand in for the counterpart's
    decision.
``greedy``
    One-step lookahead: every available option is tried from the live
    session's state (:meth:`Session.snapshot`), and the option whose immediate
    result scores best (:func:`position_value`) is taken. The tries run in the
    batch kernel (:mod:`game.analysis.kernel`), which plays a turn exactly as
    the engine does; ``GreedyPolicy(kernel=False)`` tries them in a scratch
    engine session instead (the reference). The snapshot includes the random
    stream, so it sees the dice of the very next turn: ``greedy`` is an
    optimistic, myopic player rather than a fair one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from game.engine import Session
from game.scenario import OPTION_KINDS, CompiledOption, CompiledScenario
from game.vocabulary import prudence_order

from .errors import PolicyError

__all__ = [
    "KIND_PREFERENCE",
    "Policy",
    "PolicyError",
    "get_policy",
    "policy_names",
    "position_value",
    "prudent_choice",
]

Policy = Callable[[Session, random.Random], str]
"""``(session, rng) -> option_id``: picks one of ``session.available()``."""

#: Fallback order of option kinds for ``expert`` and ``historical`` off their
#: path: talk before acting, act before waiting, wait before going public, and
#: escalate only when nothing else is offered (the ``prudence`` column of
#: :data:`game.vocabulary.OPTION_KINDS`).
KIND_PREFERENCE: tuple[str, ...] = prudence_order()


def _available(session: Session) -> list[CompiledOption]:
    options = session.available()
    if not options:
        raise PolicyError("no option is available: the session has ended")
    return options


def prudent_choice(options: Sequence[CompiledOption]) -> str:
    """Pick the most prudent option, deterministically.

    The option whose kind comes first in :data:`KIND_PREFERENCE` wins; ties go
    to the lower severity weight, then to the option listed first.

    Args:
        options: The available options (not empty).

    Returns:
        The id of the chosen option.
    """
    rank = {kind: i for i, kind in enumerate(KIND_PREFERENCE)}
    best = min(
        options,
        key=lambda o: (rank.get(o.option.kind, len(rank)), o.severity_weight, o.index),
    )
    return best.id


def _random(session: Session, rng: random.Random) -> str:
    return rng.choice(_available(session)).id


def _path_policy(attribute: str) -> Policy:
    def policy(session: Session, rng: random.Random) -> str:
        options = _available(session)
        path: dict[str, str] = getattr(session.scenario, attribute)
        wanted = path.get(session.node)
        if wanted is not None and any(o.id == wanted for o in options):
            return wanted
        return prudent_choice(options)

    policy.__name__ = f"{attribute}_policy"
    return policy


def _always(kind: str) -> Policy:
    def policy(session: Session, rng: random.Random) -> str:
        options = _available(session)
        matching = [o for o in options if o.option.kind == kind]
        return rng.choice(matching or options).id

    policy.__name__ = f"always_{kind}"
    return policy


_REFUSED = ("declined", "unanswered")


def _retry(session: Session, rng: random.Random) -> str:
    options = _available(session)
    channels = session.scenario.channels
    authority = session.scenario.authority
    refused = {c for c, status in session.channels.items()
               if status in _REFUSED and channels[c].level == "military"
               and authority.get(c) is not None}
    again = [o for o in options if o.option.kind in ("call", "back_channel")
             and o.option.channel in refused]
    if again:
        return rng.choice(again).id
    return rng.choice(options).id


def _norm(scenario: CompiledScenario, meter: str, value: float) -> float:
    spec = scenario.meters[meter]
    return (value - spec.min) / (spec.max - spec.min)


def position_value(session: Session) -> float:
    """How good a session's position looks right now, roughly on the score's 0–100 scale.

    A finished session is worth its final score. An unfinished one is valued
    from its meters with the score's own weights: low peak and current
    escalation, the standing meters, and contact with the counterpart.

    Args:
        session: Any session (finished or not).

    Returns:
        The value; higher is better.
    """
    if session.outcome is not None:
        return session.outcome.score
    scenario = session.scenario
    scoring = scenario.model.scoring
    weights = scoring.weights
    esc = scoring.escalation_meter
    value = weights.peak_escalation * (1 - _norm(scenario, esc, session.peaks[esc]))
    value += weights.final_escalation * (1 - _norm(scenario, esc, session.meters[esc]))
    standing = [m for m in scoring.standing_meters if m in session.meters]
    if standing:
        mean = sum(_norm(scenario, m, session.meters[m]) for m in standing) / len(standing)
        value += weights.standing * mean
    if session.contact:
        value += weights.contact + weights.channel_open / 2
    flag = scoring.loss_of_life_flag
    if flag is None or flag not in session.flags:
        value += weights.no_loss_of_life
    return value


class GreedyPolicy:
    """One-step lookahead (see the module docstring)."""

    __name__ = "greedy"

    def __init__(self, kernel: bool = True) -> None:
        """Create the policy; its scratch state is made on first use.

        Args:
            kernel: Try the options in the batch kernel (the default), or in a
                scratch engine session (the reference; the choices are the same).
        """
        self.kernel = kernel
        self._scratch: Session | None = None
        self._fast: Any = None  # the kernel's greedy policy, for one scenario

    def _scratch_for(self, session: Session) -> Session:
        scratch = self._scratch
        if scratch is None or scratch.scenario is not session.scenario:
            scratch = Session(session.scenario, session.seed, session.roles, batch=True,
                              record=False)
            self._scratch = scratch
        return scratch

    def __call__(self, session: Session, rng: random.Random) -> str:
        """Pick the option with the best immediate result.

        Args:
            session: The session to move in (not modified).
            rng: Unused; greedy play is deterministic.

        Returns:
            The chosen option id (ties go to the option listed first).
        """
        options = _available(session)
        if len(options) == 1:
            return options[0].id
        if self.kernel:
            from .kernel import GreedyPolicy as KernelGreedy
            from .kernel import kernel_for

            fast = self._fast
            if fast is None or fast.kernel.scenario is not session.scenario:
                fast = self._fast = KernelGreedy(kernel_for(session.scenario))
            return str(fast.choose_for(session))
        scratch = self._scratch_for(session)
        here = session.snapshot()
        best_id, best_value = options[0].id, float("-inf")
        for option in options:
            scratch.restore(here)
            scratch.apply({"type": "choose", "option": option.id})
            value = position_value(scratch)
            if value > best_value:
                best_id, best_value = option.id, value
        return best_id


def policy_names() -> list[str]:
    """Every name :func:`get_policy` accepts.

    Returns:
        The names, in a stable order.
    """
    return ["random", "expert", "historical", "greedy", "retry",
            *(f"always-{k}" for k in OPTION_KINDS)]


def get_policy(name: str) -> Policy:
    """Make a fresh policy by name.

    Args:
        name: One of :func:`policy_names` (``always-back_channel`` may also be
            written ``always-back-channel``).

    Returns:
        A new policy callable (stateful ones, like ``greedy``, are not shared).

    Raises:
        PolicyError: If the name is unknown; the message lists the valid names.
    """
    key = name.strip().lower()
    if key == "random":
        return _random
    if key == "expert":
        return _path_policy("expert")
    if key == "historical":
        return _path_policy("historical")
    if key == "greedy":
        return GreedyPolicy()
    if key == "retry":
        return _retry
    if key.startswith("always-"):
        kind = key[len("always-"):].replace("-", "_")
        if kind in OPTION_KINDS:
            return _always(kind)
    raise PolicyError(f"unknown policy '{name}'; valid policies: {', '.join(policy_names())}")
