"""Monte Carlo batch play: many headless games, one outcome report.

Game ``i`` of a simulation with base seed ``s`` is played with the session
seed ``s + i`` and a policy random stream seeded from that same number (see
:func:`policy_rng`), so a report depends only on the scenario, ``n``, the
policy and ``s`` — never on how many worker processes played it or how the
games were split between them.

Named policies are played by the batch kernel (:mod:`game.analysis.kernel`),
which gives exactly the engine's outcome for each seed and policy at a
fraction of the cost; ``engine=True`` plays them with the reference engine
instead (one batch :class:`~game.engine.Session` reused through
``restart(seed)``), and policy callables always are. Either way the report is
the same. Large runs use a process pool (``fork`` on Linux); workers rebuild
the scenario from plain data, so no compiled closure is ever sent between
processes.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from game.engine import Session
from game.scenario import CompiledScenario

from .errors import SimulationError
from .kernel import Kernel, KernelPolicy, KernelState, kernel_for, make_policy, play_games
from .loading import scenario_data, scenario_from_data
from .policies import Policy, get_policy

__all__ = [
    "MAX_TURNS",
    "PARALLEL_THRESHOLD",
    "GameSummary",
    "ScoreStats",
    "SimulationError",
    "SimulationReport",
    "play_one",
    "policy_rng",
    "simulate",
]

#: A game still running after this many decisions is reported as a fault
#: (the flow probably loops without a way out).
MAX_TURNS = 500
#: From this many games on, ``simulate(workers=None)`` uses every core.
PARALLEL_THRESHOLD = 2000

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def policy_rng(seed: int) -> random.Random:
    """The policy's random stream for the game played with ``seed``.

    Kept apart from the session's own stream (``random.Random(seed)``) so the
    policy's draws do not mirror the engine's dice.

    Args:
        seed: The game's session seed.

    Returns:
        A freshly seeded generator (string seeding is stable across processes).
    """
    return random.Random(f"hotline-policy:{seed}")


@dataclass(frozen=True)
class GameSummary:
    """How one batch game went.

    Attributes:
        seed: The session seed.
        ending: Id of the ending reached.
        score: Final score (0–100).
        peak_escalation: Peak of the scenario's escalation meter.
        turns: Decisions taken.
        path: ``(node, option)`` for every decision, in order.
        visited: Nodes entered, in the order first entered.
    """

    seed: int
    ending: str
    score: float
    peak_escalation: float
    turns: int
    path: tuple[tuple[str, str], ...]
    visited: tuple[str, ...]


def _play(session: Session, seed: int, policy: Policy, max_turns: int) -> None:
    """Play one game to its ending in ``session`` (restarted with ``seed``)."""
    session.restart(seed)
    rng = policy_rng(seed)
    while session.outcome is None:
        if session.turn >= max_turns:
            raise SimulationError(
                f"the game with seed {seed} had no ending after {max_turns} decisions "
                f"(now at node '{session.node}'); check the flow for a loop without an exit"
            )
        session.apply({"type": "choose", "option": policy(session, rng)})


def _visited_in_order(session: Session) -> tuple[str, ...]:
    # Every node entered is decided on (batch play has no facilitator jumps).
    return tuple(dict.fromkeys(node for node, _ in session.path))


def _kernel_policy(scenario: CompiledScenario, policy: Policy | str
                   ) -> tuple[Kernel, KernelPolicy] | None:
    """The kernel and its policy for a policy name it plays (None: the engine plays it)."""
    if not isinstance(policy, str):
        return None
    kernel = kernel_for(scenario)
    chosen = make_policy(kernel, policy)
    return None if chosen is None else (kernel, chosen)


def play_one(
    scenario: CompiledScenario, seed: int, policy: Policy | str, *, max_turns: int = MAX_TURNS,
    engine: bool = False,
) -> GameSummary:
    """Play one headless game to its ending.

    Args:
        scenario: The compiled scenario.
        seed: The session seed (the policy's stream is :func:`policy_rng` of it).
        policy: A policy or a policy name.
        max_turns: Give up (``SimulationError``) after this many decisions.
        engine: Play with the reference engine rather than the batch kernel (the
            summary is the same).

    Returns:
        The game's summary.

    Raises:
        SimulationError: If the game does not end within ``max_turns``.
        PolicyError: If ``policy`` is an unknown name.
    """
    chosen = get_policy(policy) if isinstance(policy, str) else policy
    esc = scenario.model.scoring.escalation_meter
    fast = _kernel_policy(scenario, policy) if not engine else None
    if fast is not None:
        kernel, kernel_policy = fast
        st = kernel_policy.play(kernel.new_state(seed), seed, max_turns)
        assert st.ending is not None
        return GameSummary(seed=seed, ending=st.ending.ending.id, score=st.score,
                           peak_escalation=float(st.peaks[esc]), turns=st.turn,
                           path=tuple(st.path),
                           visited=tuple(dict.fromkeys(node for node, _ in st.path)))
    session = Session(scenario, seed, batch=True, record=False)  # the summary needs no events
    _play(session, seed, chosen, max_turns)
    outcome = session.outcome
    assert outcome is not None
    return GameSummary(
        seed=seed,
        ending=outcome.ending_id,
        score=outcome.score,
        peak_escalation=float(session.peaks[esc]),
        turns=session.turn,
        path=tuple(session.path),
        visited=_visited_in_order(session),
    )


# --------------------------------------------------------------------------
# Tallies: what a run of games adds up to (mergeable, plain data)
# --------------------------------------------------------------------------


@dataclass
class _Tally:
    scores: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    turns: list[int] = field(default_factory=list)
    endings: Counter[str] = field(default_factory=Counter)
    nodes: Counter[str] = field(default_factory=Counter)
    # ending -> (node, option) -> games that took the option and ended there
    decisions: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)

    def add(self, session: Session | KernelState, esc: str) -> None:
        """Count a finished game (an engine session or a kernel state: the same
        attributes)."""
        if isinstance(session, KernelState):
            assert session.ending is not None
            ending, score = session.ending.ending.id, session.score
        else:
            outcome = session.outcome
            assert outcome is not None
            ending, score = outcome.ending_id, outcome.score
        self.scores.append(score)
        self.peaks.append(float(session.peaks[esc]))
        self.turns.append(session.turn)
        self.endings[ending] += 1
        self.nodes.update(session.visited)
        taken = self.decisions.get(ending)
        if taken is None:
            taken = self.decisions[ending] = Counter()
        taken.update(set(session.path))

    def count(self, node: str, option: str, ending: str) -> int:
        """Games that took ``option`` at ``node`` and ended in ``ending``."""
        taken = self.decisions.get(ending)
        return taken[(node, option)] if taken is not None else 0

    def to_data(self) -> dict[str, Any]:
        return {
            "scores": self.scores, "peaks": self.peaks, "turns": self.turns,
            "endings": dict(self.endings), "nodes": dict(self.nodes),
            "decisions": {e: dict(taken) for e, taken in self.decisions.items()},
        }

    def merge(self, data: dict[str, Any]) -> None:
        self.scores.extend(data["scores"])
        self.peaks.extend(data["peaks"])
        self.turns.extend(data["turns"])
        self.endings.update(data["endings"])
        self.nodes.update(data["nodes"])
        for ending, counts in data["decisions"].items():
            taken = self.decisions.get(ending)
            if taken is None:
                self.decisions[ending] = Counter(counts)
            else:
                taken.update(counts)


def _run_games(
    session: Session, policy: Policy, seeds: range, max_turns: int
) -> dict[str, Any]:
    tally = _Tally()
    esc = session.scenario.model.scoring.escalation_meter
    for seed in seeds:
        _play(session, seed, policy, max_turns)
        tally.add(session, esc)
    return tally.to_data()


def _run_kernel_games(
    st: KernelState, policy: KernelPolicy, seeds: range, max_turns: int
) -> dict[str, Any]:
    """_run_games for the kernel: what _Tally.add counts. The kernel's play_games
    plays the chunk and keeps each game's path and visited nodes (fresh
    containers each game: Kernel.reset), counted here in a few C-level passes.
    When no node can be entered twice (Kernel.acyclic) a path holds no option
    twice and the nodes a game visited are those of its path: the counts are
    taken from the paths."""
    kernel = policy.kernel
    acyclic = kernel.acyclic
    played = play_games(policy, st, seeds, max_turns,
                        kernel.scenario.model.scoring.escalation_meter, not acyclic)
    groups = played.by_ending
    endings = Counter(played.endings)
    if not acyclic:
        tally = _Tally(played.scores, played.peaks, played.turns, endings,
                       Counter(chain.from_iterable(played.visits)),
                       {e: Counter(chain.from_iterable(map(set, group)))
                        for e, group in groups.items()})
        return tally.to_data()
    decisions = {e: Counter(chain.from_iterable(group)) for e, group in groups.items()}
    nodes: Counter[str] = Counter()
    for taken in decisions.values():
        for (node, _option), count in taken.items():
            nodes[node] += count
    return _Tally(played.scores, played.peaks, played.turns, endings, nodes,
                  decisions).to_data()


class _Runner:
    """Plays chunks of games with one policy, by the kernel or the engine."""

    def __init__(self, scenario: CompiledScenario, policy: str | Policy, engine: bool) -> None:
        fast = None if engine else _kernel_policy(scenario, policy)
        self.kernel_policy: KernelPolicy | None = None
        if fast is not None:
            kernel, self.kernel_policy = fast
            self.state = kernel.new_state()
            self.state.final_check = False  # the tally reads nothing it changes
        else:
            self.policy = get_policy(policy) if isinstance(policy, str) else policy
            self.session = Session(scenario, 0, batch=True, record=False)

    def run(self, seeds: range, max_turns: int) -> dict[str, Any]:
        if self.kernel_policy is not None:
            return _run_kernel_games(self.state, self.kernel_policy, seeds, max_turns)
        return _run_games(self.session, self.policy, seeds, max_turns)


# Per-process state of pool workers (set by _init_worker).
_WORKER: dict[str, Any] = {}


def _init_worker(data: dict[str, Any], source_path: str | None) -> None:
    _WORKER["scenario"] = scenario_from_data(data, source_path)
    _WORKER["runners"] = {}


def _worker_chunk(start: int, count: int, policy_name: str, max_turns: int,
                  engine: bool = False) -> dict[str, Any]:
    runners: dict[tuple[str, bool], _Runner] = _WORKER["runners"]
    runner = runners.get((policy_name, engine))
    if runner is None:
        runner = runners[(policy_name, engine)] = _Runner(_WORKER["scenario"], policy_name,
                                                          engine)
    return runner.run(range(start, start + count), max_turns)


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


def _quantile(ordered: list[float], q: float) -> float:
    """Linear-interpolation quantile of an ascending list (like numpy's default)."""
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class ScoreStats:
    """Distribution of final scores.

    Attributes:
        mean: Arithmetic mean.
        p10: 10th percentile (linear interpolation), and so on.
        p25: 25th percentile.
        p50: Median.
        p75: 75th percentile.
        p90: 90th percentile.
        min: Lowest score.
        max: Highest score.
    """

    mean: float
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float
    min: float
    max: float

    @classmethod
    def of(cls, values: list[float]) -> ScoreStats:
        """Summarise a non-empty list of scores.

        Args:
            values: The scores.

        Returns:
            Their statistics (rounded to 3 decimals).
        """
        ordered = sorted(values)

        def r(x: float) -> float:
            return round(x, 3)

        return cls(
            mean=r(math.fsum(ordered) / len(ordered)),
            p10=r(_quantile(ordered, 0.10)), p25=r(_quantile(ordered, 0.25)),
            p50=r(_quantile(ordered, 0.50)), p75=r(_quantile(ordered, 0.75)),
            p90=r(_quantile(ordered, 0.90)), min=r(ordered[0]), max=r(ordered[-1]),
        )


@dataclass(frozen=True)
class SimulationReport:
    """The outcome distribution of a batch of games.

    Attributes:
        scenario_id: Id of the scenario.
        content_hash: Content hash of the scenario.
        policy: Name of the policy played.
        seed: Base seed (game ``i`` used ``seed + i``).
        requested: Games asked for.
        games: Games actually played (fewer than ``requested`` if cancelled).
        cancelled: Whether the run was cancelled before the end.
        endings: Games per ending id, every ending of the scenario listed in
            scenario order (zero if never reached).
        ending_titles: Ending id -> title.
        score: Score distribution; ``None`` if no game was played.
        peak_escalation_mean: Mean peak of the escalation meter.
        peak_escalation_max: Highest peak of the escalation meter.
        turns_total: Decisions taken over all games.
        turns_max: Longest game, in decisions.
        node_visits: Games that entered each node (every node listed).
        decisions: ``node -> option -> ending -> games`` that took ``option``
            at ``node`` and ended in ``ending``.
        workers: Processes used.
        elapsed: Wall-clock seconds (not part of equality).
    """

    scenario_id: str
    content_hash: str
    policy: str
    seed: int
    requested: int
    games: int
    cancelled: bool
    endings: dict[str, int]
    ending_titles: dict[str, str]
    score: ScoreStats | None
    peak_escalation_mean: float
    peak_escalation_max: float
    turns_total: int
    turns_max: int
    node_visits: dict[str, int]
    decisions: dict[str, dict[str, dict[str, int]]]
    workers: int = field(default=1, compare=False)
    elapsed: float = field(default=0.0, compare=False)

    @property
    def turns_mean(self) -> float:
        """Mean decisions per game."""
        return self.turns_total / self.games if self.games else 0.0

    @property
    def unvisited_nodes(self) -> list[str]:
        """Nodes no game entered."""
        return [node for node, count in self.node_visits.items() if count == 0]

    @property
    def unreached_endings(self) -> list[str]:
        """Endings no game reached."""
        return [ending for ending, count in self.endings.items() if count == 0]

    @property
    def node_coverage(self) -> float:
        """Share of nodes entered by at least one game (0–1)."""
        total = len(self.node_visits)
        return (total - len(self.unvisited_nodes)) / total if total else 0.0

    @property
    def ending_coverage(self) -> float:
        """Share of endings reached by at least one game (0–1)."""
        total = len(self.endings)
        return (total - len(self.unreached_endings)) / total if total else 0.0

    def share(self, ending: str) -> float:
        """Share of games that reached ``ending`` (0–1).

        Args:
            ending: An ending id.

        Returns:
            The share (0 when no game was played).
        """
        return self.endings.get(ending, 0) / self.games if self.games else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-able data (including derived coverage figures).

        Returns:
            A dict; ``elapsed`` and ``workers`` are included for information.
        """
        return {
            "scenario": self.scenario_id,
            "content_hash": self.content_hash,
            "policy": self.policy,
            "seed": self.seed,
            "requested": self.requested,
            "games": self.games,
            "cancelled": self.cancelled,
            "endings": [
                {"id": e, "title": self.ending_titles.get(e, e), "games": c,
                 "share": round(self.share(e), 6)}
                for e, c in self.endings.items()
            ],
            "score": None if self.score is None else vars(self.score).copy(),
            "peak_escalation": {"mean": self.peak_escalation_mean,
                                "max": self.peak_escalation_max},
            "turns": {"total": self.turns_total, "mean": round(self.turns_mean, 3),
                      "max": self.turns_max},
            "coverage": {
                "nodes": round(self.node_coverage, 6),
                "endings": round(self.ending_coverage, 6),
                "unvisited_nodes": self.unvisited_nodes,
                "unreached_endings": self.unreached_endings,
            },
            "node_visits": self.node_visits,
            "decisions": self.decisions,
            "workers": self.workers,
            "elapsed": round(self.elapsed, 4),
        }


def _report(
    scenario: CompiledScenario, tally: _Tally, *, policy: str, seed: int, requested: int,
    cancelled: bool, workers: int, elapsed: float,
) -> SimulationReport:
    model = scenario.model
    endings = {e.id: tally.endings.get(e.id, 0) for e in model.endings}
    decisions: dict[str, dict[str, dict[str, int]]] = {}
    for node_id, options in scenario.options.items():
        per_node: dict[str, dict[str, int]] = {}
        for option in options:
            counts = {e: tally.count(node_id, option.id, e) for e in endings
                      if tally.count(node_id, option.id, e)}
            per_node[option.id] = counts
        decisions[node_id] = per_node
    games = len(tally.scores)
    return SimulationReport(
        scenario_id=model.id,
        content_hash=scenario.content_hash,
        policy=policy,
        seed=seed,
        requested=requested,
        games=games,
        cancelled=cancelled,
        endings=endings,
        ending_titles={e.id: e.title for e in model.endings},
        score=ScoreStats.of(tally.scores) if games else None,
        peak_escalation_mean=round(math.fsum(tally.peaks) / games, 3) if games else 0.0,
        peak_escalation_max=max(tally.peaks) if games else 0.0,
        turns_total=sum(tally.turns),
        turns_max=max(tally.turns) if games else 0,
        node_visits={node: tally.nodes.get(node, 0) for node in scenario.nodes},
        decisions=decisions,
        workers=workers,
        elapsed=elapsed,
    )


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(size, n - start)


def _pool_context() -> multiprocessing.context.BaseContext:
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def simulate(
    scenario: CompiledScenario,
    n: int,
    policy: str | Policy,
    seed: int = 0,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    *,
    chunk_size: int | None = None,
    max_turns: int = MAX_TURNS,
    engine: bool = False,
) -> SimulationReport:
    """Play ``n`` headless games and report the outcome distribution.

    Safe to call from a worker thread (the UI does): ``progress`` and
    ``cancel`` are called from the calling thread, between chunks of games.

    Args:
        scenario: The compiled scenario.
        n: Number of games (at least 1).
        policy: A policy name (see :func:`~game.analysis.policies.get_policy`)
            or a policy callable; callables always run in this process.
        seed: Base seed; game ``i`` is played with ``seed + i``.
        workers: Processes to use; ``None`` uses every core when ``n`` is at
            least :data:`PARALLEL_THRESHOLD`, else 1.
        progress: Called as ``progress(done, total)`` after each chunk.
        cancel: Polled between chunks; when it returns True the run stops and
            the report covers the games finished so far (``cancelled=True``).
        chunk_size: Games per chunk (default: about 1% of ``n``, 50–1000).
        max_turns: A game longer than this raises ``SimulationError``.
        engine: Play with the reference engine rather than the batch kernel
            (for comparisons and benchmarks: the report is the same).

    Returns:
        The report; identical for any ``workers``, ``chunk_size`` and ``engine``.

    Raises:
        ValueError: If ``n`` < 1 or ``workers`` < 1.
        PolicyError: If ``policy`` is an unknown name.
        SimulationError: If a game does not end within ``max_turns``.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    if workers is not None and workers < 1:
        raise ValueError("workers must be at least 1")
    if isinstance(policy, str):
        policy_name = policy
        policy_fn = get_policy(policy)  # validates the name before any work
    else:
        policy_name = getattr(policy, "__name__", "custom")
        policy_fn = policy
    cores = os.cpu_count() or 1
    if workers is None:
        workers = cores if n >= PARALLEL_THRESHOLD else 1
    if not isinstance(policy, str):
        workers = 1
    workers = max(1, min(workers, n))
    size = chunk_size or max(50, min(1000, n // 100))
    chunks = [(seed + start, count) for start, count in _chunks(n, size)]
    started = time.perf_counter()
    tally = _Tally()
    cancelled = False
    done = 0

    if workers == 1:
        runner = _Runner(scenario, policy if isinstance(policy, str) else policy_fn, engine)
        for start, count in chunks:
            if cancel is not None and cancel():
                cancelled = True
                break
            tally.merge(runner.run(range(start, start + count), max_turns))
            done += count
            if progress is not None:
                progress(done, n)
    else:
        results: dict[int, dict[str, Any]] = {}
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=_pool_context(), initializer=_init_worker,
            initargs=(scenario_data(scenario), scenario.source_path),
        ) as pool:
            pending: dict[Future[dict[str, Any]], int] = {}
            queue = iter(enumerate(chunks))
            in_flight = workers * 2
            try:
                while True:
                    while len(pending) < in_flight and not cancelled:
                        item = next(queue, None)
                        if item is None:
                            break
                        index, (start, count) = item
                        future = pool.submit(_worker_chunk, start, count, policy_name, max_turns,
                                             engine)
                        pending[future] = index
                    if not pending:
                        break
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        index = pending.pop(future)
                        results[index] = future.result()
                        done += chunks[index][1]
                        if progress is not None:
                            progress(done, n)
                    if cancel is not None and not cancelled and cancel():
                        cancelled = True
                        for future in pending:
                            future.cancel()
            finally:
                for future in pending:
                    future.cancel()
        for index in sorted(results):
            tally.merge(results[index])
        cancelled = cancelled and len(tally.scores) < n
    return _report(
        scenario, tally, policy=policy_name, seed=seed, requested=n, cancelled=cancelled,
        workers=workers, elapsed=time.perf_counter() - started,
    )
