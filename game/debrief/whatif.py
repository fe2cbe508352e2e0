"""What-ifs: fork a recorded session at a decision and see where each road leads.

For decision ``k`` (0-based, counting only the trainee's choices) the session
is replayed up to just before that choice — facilitator actions included, same
seed — then every option available there is taken in turn, and the rest of the
game is played:

* once with the ``expert`` policy (the scenario's expert path, the prudent
  choice where it is silent), and
* ``n`` times with the ``random`` policy,

using the analysis package's policies and seed scheme: continuation ``i``'s
policy draws from :func:`game.analysis.batch.policy_rng` of ``seed + i`` (as
game ``i`` of a simulation with base seed ``seed`` does). Every alternative
uses the same ``n`` policy streams (common random numbers), so alternatives
are compared on equal terms and the whole result is deterministic.

The world's dice stay the recorded session's own (its seed), so every road is
a real session: ``Session.replay(scenario, seed, road_inputs(prefix, road))``
reproduces it event for event — the expert road is exactly what would have
happened with that one choice changed.

The prefix is replayed in a batch :class:`~game.engine.session.Session`
(facilitator actions included); the roads are played from the state at the
fork by the batch kernel (:mod:`game.analysis.kernel`), which gives exactly
the engine's outcome for the same state, dice and policy. ``engine=True``
plays them in the engine instead (the reference; the result is the same).
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from game.analysis.kernel import (
    KernelPolicy,
    PathPolicy,
    RandomPolicy,
    kernel_for,
)
from game.engine.describe import AUTHORITY_LABELS
from game.engine.session import EngineError, Session
from game.scenario.compile import CompiledScenario
from game.scenario.models import MAX_TURNS as SESSION_MAX_TURNS

from .policies import MAX_TURNS, Policy, get_policy, play_out, policy_rng

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

DEFAULT_CONTINUATIONS = 200


class Cancelled(Exception):
    """The caller asked to stop."""


@dataclass(frozen=True)
class Road:
    """One played-out road from the fork.

    Attributes:
        option: The alternative taken at the fork.
        policy: ``expert`` or ``random``.
        index: Continuation number (0 for the expert road).
        ending: Ending id.
        ending_title: Ending title.
        tone: Ending tone.
        score: Final score.
        peak_escalation: Highest escalation reached on the whole road.
        first_contact_turn: First answered non-public call (None: never).
        choices: Option ids chosen after the fork (the alternative not included).
        withheld: Leadership levels still withheld at the end, each with why
            (``(level, why)``): who on the other side could not pick up.
        prices: Each price's status at the end (``(price id, status)``).
        pressure: Requests repeated after a refusal, over all levels.
    """

    option: str
    policy: str
    index: int
    ending: str
    ending_title: str
    tone: str
    score: float
    peak_escalation: float
    first_contact_turn: int | None
    choices: tuple[str, ...] = ()
    withheld: tuple[tuple[str, str], ...] = ()
    prices: tuple[tuple[str, str], ...] = ()
    pressure: int = 0


@dataclass(frozen=True)
class Distribution:
    """The random continuations of one alternative, summarised.

    Attributes:
        n: Number of continuations played.
        endings: Ending id → count, most frequent first.
        mean_score: Mean final score.
        min_score: Lowest score.
        max_score: Highest score.
        mean_peak: Mean peak escalation.
        max_peak: Highest peak escalation.
        contact_rate: Share of roads with real contact.
        bad_rate: Share of roads ending in a ``bad`` ending.
        withheld: For each leadership level withheld at the end of some road,
            the share of roads where it was (``(level, share)``).
        paid: For each price paid on some road, the share of roads (``(price, share)``).
        pressed: Share of roads with at least one request read as pressure.
    """

    n: int
    endings: tuple[tuple[str, int], ...]
    mean_score: float
    min_score: float
    max_score: float
    mean_peak: float
    max_peak: float
    contact_rate: float
    bad_rate: float
    withheld: tuple[tuple[str, float], ...] = ()
    paid: tuple[tuple[str, float], ...] = ()
    pressed: float = 0.0


@dataclass
class Branch:
    """One alternative at the fork and where it leads.

    ``dice`` (see :mod:`game.debrief.luck`) is the expert playing on from this
    alternative over other rolls of the world's dice: what the choice is worth
    apart from this session's luck.
    """

    option: str
    label: str
    kind: str
    chosen: bool
    expert_pick: bool
    expert: Road | None = None
    random: Distribution | None = None
    roads: list[Road] = field(default_factory=list)
    dice: Distribution | None = None


@dataclass
class WhatIf:
    """The what-ifs of one decision.

    Attributes:
        decision: 0-based decision number.
        turn: Turn number of the decision.
        node: Node id.
        node_title: Node title.
        clock: Scenario clock of the node.
        seed: The session's seed.
        n: Random continuations per alternative.
        branches: Each alternative.
        ending_titles: Ending id → title (for display).
        cancelled: True if stopped early (the branches hold what was done).
        dice_n: Other rolls of the dice behind each branch's ``dice`` (0: none).
    """

    decision: int
    turn: int
    node: str
    node_title: str
    clock: str
    seed: int
    n: int
    branches: list[Branch]
    ending_titles: dict[str, str]
    cancelled: bool = False
    dice_n: int = 0

    def branch(self, option: str) -> Branch:
        """The branch of one option."""
        return next(b for b in self.branches if b.option == option)


def decision_inputs(inputs: Sequence[Mapping[str, Any]]) -> list[int]:
    """Positions of the trainee's choices in the input list."""
    return [i for i, data in enumerate(inputs) if data.get("type") == "choose"]


def fork_prefix(inputs: Sequence[Mapping[str, Any]], decision: int) -> list[dict[str, Any]]:
    """The inputs to replay before decision ``decision`` (facilitator actions included).

    Raises:
        IndexError: If the session has no such decision.
    """
    positions = decision_inputs(inputs)
    if not 0 <= decision < len(positions):
        raise IndexError(f"decision {decision + 1} does not exist "
                         f"(the session has {len(positions)})")
    return [dict(d) for d in inputs[: positions[decision]]]


def road_inputs(prefix: Sequence[Mapping[str, Any]], road: Road) -> list[dict[str, Any]]:
    """The full input list that replays a road as a fresh session."""
    return [dict(d) for d in prefix] + [{"type": "choose", "option": road.option}] + [
        {"type": "choose", "option": o} for o in road.choices]


def _first_contact(session: Session) -> int | None:
    return session.first_contact_turn


@dataclass
class _Plan:
    """Everything needed to play roads from the fork (shared with worker processes)."""

    scenario: CompiledScenario
    seed: int
    roles: tuple[str, ...]
    prefix: list[dict[str, Any]]
    snapshot: bool
    states: list[Any]
    esc: str
    engine: bool = False


#: The plan a forked worker process plays from (set in the parent before forking).
_WORKER_PLAN: _Plan | None = None


class _Player:
    """Plays roads from the fork in one reusable batch session."""

    def __init__(self, plan: _Plan, session: Session | None = None) -> None:
        self.plan = plan
        if session is None:
            session = Session(plan.scenario, plan.seed, plan.roles, batch=True, record=False)
        else:
            session.restart(plan.seed)
        for data in plan.prefix:
            session.apply(data)
        self.session = session
        self.fork = session.snapshot() if plan.snapshot and plan.prefix else None
        self.expert: Policy = get_policy("expert")
        self.random: Policy = get_policy("random")
        self.rng = random.Random()

    def play(self, option: str, index: int) -> Road:
        """Play one road: ``index`` -1 is the expert, else random continuation ``index``."""
        plan, session = self.plan, self.session
        if index < 0:
            name, policy, rng = "expert", self.expert, policy_rng(plan.seed)
        else:
            name, policy, rng = "random", self.random, self.rng
            rng.setstate(plan.states[index])
        if self.fork is not None:
            session.restore(self.fork)
        else:
            session.restart(plan.seed)
            for data in plan.prefix:
                session.apply(data)
        session.apply({"type": "choose", "option": option})
        choices = play_out(session, policy, rng, MAX_TURNS)
        outcome = session.outcome
        return Road(
            option=option, policy=name, index=max(index, 0),
            ending=outcome.ending_id if outcome else "",
            ending_title=outcome.title if outcome else "(did not end)",
            tone=outcome.tone if outcome else "mixed",
            score=outcome.score if outcome else 0.0,
            peak_escalation=float(session.peaks.get(plan.esc, 0.0)),
            first_contact_turn=_first_contact(session),
            choices=tuple(choices),
            withheld=tuple((level, session.leader_why[level])
                           for level, ok in session.leadership.items() if not ok),
            prices=tuple(sorted(session.prices.items())),
            pressure=sum(session.pressure.values()),
        )


class _KernelPlayer(_Player):
    """Plays roads from the fork in the batch kernel: the engine replays the prefix
    once, the kernel takes its state at the fork and plays every road from it."""

    def __init__(self, plan: _Plan, session: Session | None = None) -> None:
        super().__init__(plan, session)
        kernel = self.kernel = kernel_for(plan.scenario)
        self.fork_state = kernel.state_from_session(self.session)
        self.fork_dice = self.fork_state.rng.getstate()
        self.state = kernel.new_state(plan.seed)
        self.node = kernel.nodes[self.session.node]
        self.kernel_expert = PathPolicy(kernel, "expert")
        self.kernel_random = RandomPolicy(kernel)

    def play(self, option: str, index: int) -> Road:
        from game.analysis.kernel import _copy_state

        plan, kernel, st = self.plan, self.kernel, self.state
        policy: KernelPolicy
        if index < 0:
            name, policy = "expert", self.kernel_expert
        else:
            name, policy = "random", self.kernel_random
            policy.rng.setstate(plan.states[index])
        _copy_state(self.fork_state, st)
        st.rng.setstate(self.fork_dice)
        first = next(o for o in self.node.options if o.id == option)
        step, choose = kernel.step, policy.choose
        step(st, first)
        choices: list[str] = []
        while st.ending is None and len(choices) < MAX_TURNS:  # play_out's loop
            if st.turn >= SESSION_MAX_TURNS:
                raise EngineError(f"the session has taken {SESSION_MAX_TURNS} decisions "
                                  "without reaching an ending")
            chosen = choose(st)
            step(st, chosen)
            choices.append(chosen.id)
        ending = st.ending
        return Road(
            option=option, policy=name, index=max(index, 0),
            ending=ending.ending.id if ending else "",
            ending_title=ending.ending.title if ending else "(did not end)",
            tone=ending.ending.tone if ending else "mixed",
            score=st.score if ending else 0.0,
            peak_escalation=float(st.peaks.get(plan.esc, 0.0)),
            first_contact_turn=st.first_contact_turn,
            choices=tuple(choices),
            withheld=tuple((level, st.leader_why[level])
                           for level, ok in st.leadership.items() if not ok),
            prices=tuple(sorted(st.prices.items())),
            pressure=sum(st.pressure.values()),
        )


def _player(plan: _Plan, session: Session | None = None) -> _Player:
    return _Player(plan, session) if plan.engine else _KernelPlayer(plan, session)


def _play_chunk(tasks: list[tuple[str, int]]) -> list[Road]:
    """Worker process: play a chunk of roads from the inherited plan."""
    global _WORKER_PLAYER
    plan = _WORKER_PLAN
    assert plan is not None, "the plan is set before the pool forks"
    if _WORKER_PLAYER is None:
        _WORKER_PLAYER = _player(plan)
    return [_WORKER_PLAYER.play(option, index) for option, index in tasks]


_WORKER_PLAYER: _Player | None = None


def what_if(
    scenario: CompiledScenario,
    seed: int,
    inputs: Sequence[Mapping[str, Any]],
    decision: int,
    *,
    n: int = DEFAULT_CONTINUATIONS,
    roles: Sequence[str] = (),
    keep_roads: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    session: Session | None = None,
    snapshot: bool = True,
    workers: int = 1,
    engine: bool = False,
) -> WhatIf:
    """Fork a recorded session at one decision and play every alternative out.

    Args:
        scenario: The compiled scenario (the one the inputs replay on).
        seed: The session's seed.
        inputs: The session's recorded inputs.
        decision: 0-based number of the decision to fork at.
        n: Random continuations per alternative.
        roles: The session's roles.
        keep_roads: Keep every random road (for inspection and tests).
        progress: Called as ``progress(done, total)`` now and then.
        cancel: Polled between roads (between chunks with workers); returning
            True stops early.
        session: A batch session to reuse (one is made if None).
        snapshot: Keep the state at the fork and restore it for every road
            (:meth:`Session.snapshot`) instead of restarting and replaying the prefix;
            both give identical results, the snapshot is faster for late forks.
        workers: Processes to play in (Linux ``fork`` only; 1 plays in this
            thread). The result does not depend on it.
        engine: Play the roads in the engine rather than the batch kernel (the
            reference: the result is the same).

    Returns:
        The what-ifs. When cancelled, ``cancelled`` is True and the branches
        hold only the roads that were finished.

    Raises:
        IndexError: If the session has no such decision.
    """
    plan = _Plan(scenario, seed, tuple(roles), fork_prefix(inputs, decision), snapshot,
                 [policy_rng(seed + i).getstate() for i in range(n)],
                 scenario.model.scoring.escalation_meter, engine)
    player = _player(plan, session)
    at = player.session
    node = scenario.nodes[at.node]
    alternatives = [(o.id, o.option.label, o.option.kind) for o in at.available()]
    chosen = str(inputs[decision_inputs(inputs)[decision]].get("option"))
    expert_pick = scenario.expert.get(node.id)
    result = WhatIf(decision, at.turn, node.id, node.title, node.time, seed, n, [],
                    {e.ending.id: e.ending.title for e in scenario.endings})
    first = -1 if scenario.expert else 0
    tasks = [(option, i) for option, _label, _kind in alternatives for i in range(first, n)]
    if workers > 1 and len(tasks) >= 100 and "fork" in multiprocessing.get_all_start_methods():
        roads = _play_parallel(plan, tasks, workers, progress, cancel)
    else:
        roads = _play_here(player, tasks, progress, cancel)
    result.cancelled = len(roads) < len(tasks)
    for option, label, kind in alternatives:
        mine = [r for r in roads if r.option == option]
        if not mine:
            continue
        branch = Branch(option, label, kind, option == chosen, option == expert_pick)
        branch.expert = next((r for r in mine if r.policy == "expert"), None)
        randoms = [r for r in mine if r.policy == "random"]
        branch.random = _summarise(randoms) if randoms else None
        if keep_roads:
            branch.roads = randoms
        result.branches.append(branch)
    return result


def _play_here(player: _Player, tasks: Sequence[tuple[str, int]], progress: Progress | None,
               cancel: Cancel | None) -> list[Road]:
    roads: list[Road] = []
    total = len(tasks)
    step = max(1, total // 100)
    for option, index in tasks:
        if cancel is not None and cancel():
            break
        roads.append(player.play(option, index))
        if progress is not None and (len(roads) % step == 0 or len(roads) == total):
            progress(len(roads), total)
    return roads


def _play_parallel(plan: _Plan, tasks: Sequence[tuple[str, int]], workers: int,
                   progress: Progress | None, cancel: Cancel | None) -> list[Road]:
    global _WORKER_PLAN
    size = max(10, len(tasks) // (workers * 8))
    chunks = [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]
    roads: list[Road] = []
    _WORKER_PLAN = plan
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for chunk in pool.imap(_play_chunk, chunks):
                roads.extend(chunk)
                if progress is not None:
                    progress(len(roads), len(tasks))
                if cancel is not None and cancel():
                    pool.terminate()
                    break
    finally:
        _WORKER_PLAN = None
    return roads


def _summarise(roads: Sequence[Road]) -> Distribution:
    count = len(roads)
    endings = Counter(r.ending for r in roads)
    ordered = tuple(sorted(endings.items(), key=lambda kv: (-kv[1], kv[0])))
    scores = [r.score for r in roads]
    peaks = [r.peak_escalation for r in roads]
    return Distribution(
        n=count,
        endings=ordered,
        mean_score=round(sum(scores) / count, 2),
        min_score=min(scores),
        max_score=max(scores),
        mean_peak=round(sum(peaks) / count, 2),
        max_peak=max(peaks),
        contact_rate=round(sum(1 for r in roads if r.first_contact_turn is not None) / count, 4),
        bad_rate=round(sum(1 for r in roads if r.tone == "bad") / count, 4),
        withheld=_shares(Counter(level for r in roads for level, _why in r.withheld), count),
        paid=_shares(Counter(price for r in roads for price, status in r.prices
                             if status == "paid"), count),
        pressed=round(sum(1 for r in roads if r.pressure) / count, 4),
    )


def _shares(counts: Counter[str], total: int) -> tuple[tuple[str, float], ...]:
    return tuple((key, round(n / total, 4)) for key, n in sorted(counts.items()))


def who_could_pick_up(branch: Branch, *, why: bool = True) -> str:
    """The counterpart's leadership at the end of an alternative's roads, in words.

    ``Expert road: military withheld — <why>. Random games: military withheld in
    82%; price 'sanctions' paid in 4%; repeated requests read as pressure in 31%.``
    Without ``why`` the leadership's reasons are left out (a table cell; the
    full text goes in its tooltip). Empty when nothing was withheld, paid or
    pressed on any road.
    """
    parts: list[str] = []
    e, r = branch.expert, branch.random
    if e is not None and e.withheld:
        said = "; ".join(f"{AUTHORITY_LABELS.get(level, level)} withheld"
                         + (f" — {reason.rstrip().rstrip('.')}" if why else "")
                         for level, reason in e.withheld)
        parts.append(f"Expert road: {said}")
    elif e is not None and (branch.random is None or branch.random.withheld):
        parts.append("Expert road: every level authorised at the end")
    if r is not None:
        shares = [f"{AUTHORITY_LABELS.get(level, level)} withheld in {100 * share:.0f}%"
                  for level, share in r.withheld]
        shares += [f"price '{price}' paid in {100 * share:.0f}%" for price, share in r.paid]
        if r.pressed:
            shares.append(f"repeated requests read as pressure in {100 * r.pressed:.0f}%")
        if shares:
            parts.append("Random games: " + "; ".join(shares))
    return ". ".join(parts) + ("." if parts else "")
