"""The balance report: does the scenario reward good judgement?

Plays the scenario many times with each automatic policy — random, expert,
historical, greedy, and "always KIND" for each option kind the scenario
offers — on :func:`game.analysis.batch.simulate`, and answers an author's
questions:

* per policy: how games end, the score (mean and percentiles), peak escalation;
* per decision point: how often each option leads to each ending (random play);
* which option kinds dominate (as policies, and decision by decision);
* node and ending coverage over all games;
* plain-English *findings* (the expert path does not beat random play, one
  kind wins everywhere, an ending is never reached …).

Policies run in parallel worker processes (one task per policy, longest
first), each worker reusing one loaded scenario; progress and cancellation
cross the process boundary through a shared counter and event. The report is
the same for any number of workers.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from game.scenario import OPTION_KINDS, CompiledScenario

from .batch import SimulationReport, simulate
from .loading import scenario_data, scenario_from_data

__all__ = [
    "DEFAULT_GAMES",
    "BalanceReport",
    "DecisionRow",
    "balance_policies",
    "balance_report",
    "format_text",
]

#: Games per policy when nothing else is asked for.
DEFAULT_GAMES = 10_000
#: The greedy policy looks one step ahead by replaying the game so far for
#: every option, so one greedy game costs about as much as 30–40 ordinary
#: ones; it plays at most this many games (its figures settle long before).
GREEDY_GAMES = 1_000

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

POLICY_LABELS: dict[str, str] = {
    "random": "Random play",
    "expert": "Expert path",
    "historical": "Historical path",
    "greedy": "Greedy (one-step lookahead)",
    **{f"always-{k}": f"Always {k.replace('_', '-')}" for k in OPTION_KINDS},
}


def balance_policies(scenario: CompiledScenario) -> list[str]:
    """The policies a balance report plays for this scenario.

    ``expert`` and ``historical`` only when the scenario has those paths,
    ``always-KIND`` only for kinds some option has (the others would repeat
    random play).

    Args:
        scenario: The compiled scenario.

    Returns:
        Policy names in report order.
    """
    names = ["random"]
    if scenario.model.expert:
        names.append("expert")
    if scenario.model.historical is not None:
        names.append("historical")
    names.append("greedy")
    kinds = {o.option.kind for options in scenario.options.values() for o in options}
    names.extend(f"always-{k}" for k in OPTION_KINDS if k in kinds)
    return names


@dataclass(frozen=True)
class DecisionRow:
    """What one option at one decision point led to (in random play).

    Attributes:
        node: Node id.
        option: Option id.
        kind: The option's kind.
        label: The option's label.
        games: Games that took the option.
        endings: Ending id -> games that took the option and ended there.
        good: Share of those games that ended in a ``good`` ending.
        bad: Share that ended in a ``bad`` ending.
    """

    node: str
    option: str
    kind: str
    label: str
    games: int
    endings: dict[str, int]
    good: float
    bad: float

    @property
    def value(self) -> float:
        """Good share minus bad share (-1..1): how well the option tends to end."""
        return self.good - self.bad


@dataclass(frozen=True)
class BalanceReport:
    """Every policy's simulation of one scenario, and what they add up to.

    Attributes:
        scenario_id: Scenario id.
        title: Scenario title.
        version: Scenario version.
        content_hash: Content hash of the scenario.
        seed: Base seed of every policy's run.
        games: Games asked for per policy.
        policies: Policy name -> its simulation report (report order).
        endings: (id, title, tone) of each ending, in scenario order.
        nodes: (id, title) of each node, in scenario order.
        options: Node id -> (option id, kind, label) of each option.
        historical_ending: The ending the historical path should reach, if any.
        cancelled: Whether the run was stopped before every game was played.
        workers: Processes used.
        elapsed: Wall-clock seconds.
    """

    scenario_id: str
    title: str
    version: str
    content_hash: str
    seed: int
    games: int
    policies: dict[str, SimulationReport]
    endings: tuple[tuple[str, str, str], ...]
    nodes: tuple[tuple[str, str], ...]
    options: dict[str, tuple[tuple[str, str, str], ...]]
    historical_ending: str | None = None
    cancelled: bool = False
    workers: int = field(default=1, compare=False)
    elapsed: float = field(default=0.0, compare=False)

    # --- derived views ------------------------------------------------------
    @property
    def tones(self) -> dict[str, str]:
        """Ending id -> tone (good, mixed, bad)."""
        return {e: tone for e, _, tone in self.endings}

    @property
    def games_requested(self) -> int:
        """Games asked for over all policies (greedy may be asked for fewer)."""
        return sum(r.requested for r in self.policies.values())

    @property
    def per_policy_note(self) -> str:
        """``10,000 games per policy`` (with the exceptions, e.g. greedy's)."""
        others = {name: r.requested for name, r in self.policies.items()
                  if r.requested != self.games}
        text = f"{self.games:,} games per policy"
        if others:
            text += " (" + ", ".join(f"{name} {count:,}" for name, count in others.items()) + ")"
        return text

    @property
    def games_played(self) -> int:
        """Games played over all policies."""
        return sum(r.games for r in self.policies.values())

    def tone_shares(self, policy: str) -> dict[str, float]:
        """Share of a policy's games ending good / mixed / bad."""
        report = self.policies[policy]
        shares = {"good": 0.0, "mixed": 0.0, "bad": 0.0}
        tones = self.tones
        for ending, count in report.endings.items():
            shares[tones.get(ending, "mixed")] += report.share(ending)
        return shares

    def decision_rows(self, policy: str = "random") -> list[DecisionRow]:
        """Per decision point and option, the endings its games reached."""
        report = self.policies.get(policy)
        if report is None:
            return []
        tones = self.tones
        rows: list[DecisionRow] = []
        for node, _title in self.nodes:
            for option, kind, label in self.options.get(node, ()):
                counts = dict(report.decisions.get(node, {}).get(option, {}))
                games = sum(counts.values())
                good = sum(c for e, c in counts.items() if tones.get(e) == "good")
                bad = sum(c for e, c in counts.items() if tones.get(e) == "bad")
                rows.append(DecisionRow(node, option, kind, label, games, counts,
                                        good / games if games else 0.0,
                                        bad / games if games else 0.0))
        return rows

    def kind_ranking(self) -> list[tuple[str, float]]:
        """Mean score of each ``always-KIND`` policy, best first."""
        ranked = [(name[len("always-"):], r.score.mean) for name, r in self.policies.items()
                  if name.startswith("always-") and r.score is not None]
        return sorted(ranked, key=lambda kv: -kv[1])

    def kind_wins(self, policy: str = "random") -> dict[str, int]:
        """Per option kind, the decision points where that kind's best option ends best.

        A decision point counts only when its options have different kinds and
        every option was taken in at least a few games.
        """
        wins: dict[str, int] = {}
        rows = self.decision_rows(policy)
        by_node: dict[str, list[DecisionRow]] = {}
        for row in rows:
            by_node.setdefault(row.node, []).append(row)
        for node_rows in by_node.values():
            played = [r for r in node_rows if r.games >= 20]
            if len(played) < 2 or len({r.kind for r in played}) < 2:
                continue
            best = max(played, key=lambda r: (r.value, -played.index(r)))
            wins[best.kind] = wins.get(best.kind, 0) + 1
        return dict(sorted(wins.items(), key=lambda kv: -kv[1]))

    def node_coverage(self) -> dict[str, int]:
        """Node id -> games (over all policies) that entered it."""
        return {node: sum(r.node_visits.get(node, 0) for r in self.policies.values())
                for node, _ in self.nodes}

    def ending_coverage(self) -> dict[str, int]:
        """Ending id -> games (over all policies) that reached it."""
        return {ending: sum(r.endings.get(ending, 0) for r in self.policies.values())
                for ending, _, _ in self.endings}

    def findings(self) -> list[str]:
        """What an author should look at, in plain words (empty when balanced)."""
        notes: list[str] = []
        pol = self.policies
        random_r = pol.get("random")
        expert_r = pol.get("expert")
        if random_r is not None and expert_r is not None and random_r.score and expert_r.score:
            if expert_r.score.mean < random_r.score.p75:
                notes.append(
                    f"The expert path scores {expert_r.score.mean:.1f} on average, below the 75th "
                    f"percentile of random play ({random_r.score.p75:.1f}): the scenario does not "
                    "clearly reward expert judgement.")
        esc = pol.get("always-escalate")
        if esc is not None and expert_r is not None and esc.score and expert_r.score:
            if esc.score.mean >= expert_r.score.mean - 5:
                notes.append(
                    f"Always escalating ({esc.score.mean:.1f}) does about as well as the expert "
                    f"path ({expert_r.score.mean:.1f}): escalation is not costly enough.")
        ranking = self.kind_ranking()
        if expert_r is not None and expert_r.score and ranking:
            kind, mean = ranking[0]
            if mean > expert_r.score.mean + 1:
                notes.append(
                    f"Always choosing '{kind}' ({mean:.1f}) beats the expert path "
                    f"({expert_r.score.mean:.1f}): a single habit outscores judgement.")
        wins = self.kind_wins()
        contested = sum(wins.values())
        if contested >= 3:
            kind, count = next(iter(wins.items()))
            if count == contested:
                notes.append(
                    f"Options of kind '{kind}' end best at every one of the {contested} decision "
                    "points with a real choice: the scenario rewards one habit everywhere.")
        for ending, count in self.ending_coverage().items():
            if count == 0 and not self.cancelled:
                title = next(t for e, t, _ in self.endings if e == ending)
                notes.append(f"The ending '{title}' ({ending}) was never reached in "
                             f"{self.games_played:,} games.")
        for node, count in self.node_coverage().items():
            if count == 0 and not self.cancelled:
                notes.append(f"Node '{node}' was never entered in {self.games_played:,} games.")
        historical = self.policies.get("historical")
        if historical is not None and historical.games:
            model_ending = self.historical_ending
            if model_ending and historical.share(model_ending) < 0.5:
                notes.append(
                    f"The historical path reaches its historical ending '{model_ending}' in only "
                    f"{historical.share(model_ending):.0%} of games.")
        return notes

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-able data."""
        return {
            "scenario": self.scenario_id,
            "title": self.title,
            "version": self.version,
            "content_hash": self.content_hash,
            "seed": self.seed,
            "games_per_policy": self.games,
            "games_played": self.games_played,
            "cancelled": self.cancelled,
            "workers": self.workers,
            "elapsed": round(self.elapsed, 3),
            "endings": [{"id": e, "title": t, "tone": tone} for e, t, tone in self.endings],
            "policies": [
                {"name": name, "label": POLICY_LABELS.get(name, name),
                 "tones": {k: round(v, 6) for k, v in self.tone_shares(name).items()},
                 **_policy_dict(report)}
                for name, report in self.policies.items()
            ],
            "decisions": [
                {"node": r.node, "option": r.option, "kind": r.kind, "label": r.label,
                 "games": r.games, "endings": r.endings, "good": round(r.good, 6),
                 "bad": round(r.bad, 6)}
                for r in self.decision_rows()
            ],
            "kinds": {
                "ranking": [{"kind": k, "score_mean": m} for k, m in self.kind_ranking()],
                "decision_wins": self.kind_wins(),
            },
            "coverage": {
                "nodes": self.node_coverage(),
                "endings": self.ending_coverage(),
            },
            "findings": self.findings(),
        }


def _policy_dict(report: SimulationReport) -> dict[str, Any]:
    data = report.to_dict()
    for key in ("scenario", "content_hash", "policy", "decisions", "elapsed", "workers"):
        data.pop(key, None)
    return data


# --- running -------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(data: dict[str, Any], source_path: str | None, counter: Any, stop: Any) -> None:
    _WORKER["scenario"] = scenario_from_data(data, source_path)
    _WORKER["counter"] = counter
    _WORKER["stop"] = stop


def _policy_task(policy: str, n: int, seed: int) -> SimulationReport:
    counter = _WORKER["counter"]
    stop = _WORKER["stop"]
    last = [0]

    def progress(done: int, total: int) -> None:
        with counter.get_lock():
            counter.value += done - last[0]
        last[0] = done

    return simulate(_WORKER["scenario"], n, policy, seed, workers=1, progress=progress,
                    cancel=stop.is_set)


def _context() -> multiprocessing.context.BaseContext:
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _cost(policy: str) -> int:
    """Rough relative cost, to start the longest runs first."""
    return 35 if policy == "greedy" else 1


def balance_report(
    scenario: CompiledScenario,
    n: int = DEFAULT_GAMES,
    seed: int = 0,
    *,
    policies: list[str] | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    greedy_games: int | None = GREEDY_GAMES,
) -> BalanceReport:
    """Play ``n`` games with each policy and put the results side by side.

    Safe to call from a worker thread: ``progress`` and ``cancel`` are called
    from the calling thread.

    Args:
        scenario: The compiled scenario.
        n: Games per policy.
        seed: Base seed (the same for every policy, so they face the same dice).
        policies: Policy names; default :func:`balance_policies`.
        workers: Processes; default every core (1 plays in this process).
        progress: Called as ``progress(done, total)`` with games over all policies.
        cancel: Polled a few times a second; True stops every run after its
            current chunk and the report covers the games finished so far.
        greedy_games: Most games the (costly) greedy policy plays; None: ``n``.

    Returns:
        The report.

    Raises:
        ValueError: If ``n`` < 1.
        PolicyError: If a policy name is unknown.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    names = policies if policies is not None else balance_policies(scenario)
    games = {name: (min(n, greedy_games) if name == "greedy" and greedy_games else n)
             for name in names}
    total = sum(games.values())
    workers = max(1, min(workers or os.cpu_count() or 1, len(names)))
    started = time.perf_counter()
    results: dict[str, SimulationReport] = {}
    if workers == 1:
        done_before = 0
        for name in names:
            if cancel is not None and cancel():
                break

            def step(done: int, _total: int, base: int = done_before) -> None:
                if progress is not None:
                    progress(base + done, total)

            results[name] = simulate(scenario, games[name], name, seed, workers=1,
                                     progress=step, cancel=cancel)
            done_before += games[name]
    else:
        results = _run_parallel(scenario, games, seed, workers, total, progress, cancel)
    ordered = {name: results[name] for name in names if name in results}
    cancelled = len(ordered) < len(names) or any(r.cancelled for r in ordered.values())
    return _assemble(scenario, ordered, n, seed, cancelled, workers,
                     time.perf_counter() - started)


def _run_parallel(
    scenario: CompiledScenario, games: dict[str, int], seed: int, workers: int, total: int,
    progress: ProgressCallback | None, cancel: CancelCheck | None,
) -> dict[str, SimulationReport]:
    ctx = _context()
    counter = ctx.Value("q", 0)
    stop = ctx.Event()
    results: dict[str, SimulationReport] = {}
    order = sorted(games, key=lambda name: -_cost(name) * games[name])
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(scenario_data(scenario), scenario.source_path, counter,
                                       stop)) as pool:
        pending: dict[Future[SimulationReport], str] = {
            pool.submit(_policy_task, name, games[name], seed): name for name in order
        }
        try:
            while pending:
                finished, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = pending.pop(future)
                    if not future.cancelled():
                        results[name] = future.result()
                if progress is not None:
                    progress(min(int(counter.value), total), total)
                if cancel is not None and not stop.is_set() and cancel():
                    stop.set()
                    for future in pending:
                        future.cancel()
        finally:
            stop.set()
            for future in pending:
                future.cancel()
    return results


def _assemble(
    scenario: CompiledScenario, results: dict[str, SimulationReport], n: int, seed: int,
    cancelled: bool, workers: int, elapsed: float,
) -> BalanceReport:
    model = scenario.model
    return BalanceReport(
        scenario_id=model.id,
        title=model.title,
        version=model.version,
        content_hash=scenario.content_hash,
        seed=seed,
        games=n,
        policies=results,
        endings=tuple((e.id, e.title, e.tone) for e in model.endings),
        nodes=tuple((node.id, node.title) for node in model.nodes),
        options={node.id: tuple((o.id, o.kind, o.label) for o in node.decision.options)
                 for node in model.nodes},
        historical_ending=model.historical.ending if model.historical is not None else None,
        cancelled=cancelled,
        workers=workers,
        elapsed=elapsed,
    )


# --- text ------------------------------------------------------------------------


def _bar(share: float, width: int = 20) -> str:
    filled = int(round(share * width))
    return "█" * filled + "·" * (width - filled)


def format_text(report: BalanceReport) -> str:
    """The report as plain text for a terminal."""
    lines: list[str] = []
    add = lines.append
    add(f"Balance report — {report.title} ({report.scenario_id} v{report.version}, "
        f"{report.content_hash})")
    status = " — CANCELLED, partial results" if report.cancelled else ""
    add(f"{report.per_policy_note}, seed {report.seed}, {report.workers} worker(s), "
        f"{report.elapsed:.1f} s{status}")
    add("")
    add("Scores and endings by policy")
    head = f"  {'policy':<28} {'games':>7} {'mean':>6} {'p10':>6} {'p50':>6} {'p90':>6} " \
           f"{'peak esc':>8}  good / mixed / bad"
    add(head)
    for name, r in report.policies.items():
        if r.score is None:
            add(f"  {POLICY_LABELS.get(name, name):<28} {0:>7}")
            continue
        tones = report.tone_shares(name)
        add(f"  {POLICY_LABELS.get(name, name):<28} {r.games:>7,} {r.score.mean:>6.1f} "
            f"{r.score.p10:>6.1f} {r.score.p50:>6.1f} {r.score.p90:>6.1f} "
            f"{r.peak_escalation_mean:>8.1f}  {tones['good']:>4.0%} / {tones['mixed']:>4.0%} / "
            f"{tones['bad']:>4.0%}")
    add("")
    add("Endings by policy (share of games)")
    for ending, title, tone in report.endings:
        add(f"  {title} [{ending}, {tone}]")
        for name, r in report.policies.items():
            add(f"    {POLICY_LABELS.get(name, name):<28} {_bar(r.share(ending))} "
                f"{r.share(ending):>6.1%}")
    add("")
    add("Decision points (random play): share of games that took the option and ended …")
    titles = dict(report.nodes)
    current = None
    ending_ids = [e for e, _, _ in report.endings]
    for row in report.decision_rows():
        if row.node != current:
            current = row.node
            add(f"  {titles.get(row.node, row.node)} [{row.node}]")
        if not row.games:
            add(f"    {row.option:<22} {row.kind:<13} never taken")
            continue
        parts = ", ".join(f"{e} {row.endings.get(e, 0) / row.games:.0%}" for e in ending_ids
                          if row.endings.get(e))
        add(f"    {row.option:<22} {row.kind:<13} {row.games:>6,} games: {parts}")
    add("")
    ranking = report.kind_ranking()
    if ranking:
        add("Option kinds as policies (mean score, best first)")
        for kind, mean in ranking:
            add(f"  always {kind:<14} {mean:6.1f}")
    wins = report.kind_wins()
    if wins:
        add("Decision points where each kind's best option ends best (random play): "
            + ", ".join(f"{k} {c}" for k, c in wins.items()))
    add("")
    nodes = report.node_coverage()
    endings = report.ending_coverage()
    reached_nodes = sum(1 for c in nodes.values() if c)
    reached_endings = sum(1 for c in endings.values() if c)
    add(f"Coverage over {report.games_played:,} games: nodes {reached_nodes}/{len(nodes)}, "
        f"endings {reached_endings}/{len(endings)}")
    findings = report.findings()
    add("")
    if findings:
        add("Findings")
        for note in findings:
            add(f"  ! {note}")
    else:
        add("Findings: none — the expert path beats random play and no single habit wins.")
    return "\n".join(lines) + "\n"


# --- the command ------------------------------------------------------------------


def percent(value: float) -> str:
    """``0.256`` -> ``'26%'`` (used by the HTML report)."""
    return f"{value:.0%}" if not math.isnan(value) else "–"


def shares(counts: Mapping[str, int]) -> dict[str, float]:
    """Counts -> shares of their total."""
    total = sum(counts.values())
    return {k: (v / total if total else 0.0) for k, v in counts.items()}
