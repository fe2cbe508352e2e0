"""Does every decision matter? Each decision's alternatives, played out by the what-ifs.

A decision matters when what the trainee picks there changes how the crisis
can end. For every decision point of a scenario this module forks real games
at that node and plays each alternative on with the what-if machinery
(:func:`game.debrief.whatif.what_if`: the same forks, the same random
continuations, the same dice for every alternative), then asks whether at
least two alternatives lead to measurably different outcomes:

* **a different distribution of endings** — a chi-square test of
  homogeneity on the two alternatives' ending counts, significant at
  :data:`ALPHA` (endings too rare for the test, an expected count under
  :data:`MIN_EXPECTED`, are pooled into one), or
* **mean scores at least** :data:`SCORE_GAP` **points apart**.

The forks are the first ``forks`` random games (seeds ``seed``,
``seed + 1``, …) that reach the node, cut just before their first decision
there, so a node is judged in states that real play produces, not in one
lucky state. Alternatives are compared only over the forks where both are
offered. Every game is seeded, so the verdict is deterministic; the
continuations share their random streams across alternatives (common random
numbers), which makes identical alternatives come out exactly identical and
the chi-square test conservative.

The games are played through the analysis entry points
(:func:`game.analysis.batch.play_one` and the what-ifs), so a faster batch
kernel behind them speeds this check up without any change here.

Used by ``hotline lint --deep`` (a ``choice-never-matters`` finding) and by
the library test that every shipped decision matters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from game.analysis.batch import play_one
from game.engine.session import Session
from game.scenario.compile import CompiledScenario, Problem

from .whatif import Road, what_if

__all__ = [
    "ALPHA",
    "MIN_EXPECTED",
    "SCORE_GAP",
    "Comparison",
    "DecisionImpact",
    "ImpactReport",
    "chi_square_sf",
    "decision_impact",
    "endings_differ",
    "impact_problems",
]

#: Significance level of the ending-distribution test.
ALPHA = 0.001
#: Mean scores this many points apart are a measurable difference on their own.
SCORE_GAP = 3.0
#: Endings expected fewer times than this (in either alternative) are pooled for the test.
MIN_EXPECTED = 5.0
#: Random continuations per alternative, over all forks (the issue's "200 random continuations").
DEFAULT_GAMES = 200
#: Forks per node: games that reach it, each cut just before its decision there.
DEFAULT_FORKS = 10
#: Random games played at most to find the forks.
DEFAULT_PROBE = 2000

Progress = Callable[[int, int], None]


# --- statistics -----------------------------------------------------------------------


def _lower_gamma_series(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x) by its series (x < a + 1)."""
    term = total = 1.0 / a
    n = a
    for _ in range(10_000):
        n += 1.0
        term *= x / n
        total += term
        if abs(term) < abs(total) * 1e-15:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_gamma_fraction(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) by its continued fraction (x >= a + 1)."""
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        step = d * c
        h *= step
        if abs(step - 1.0) < 1e-15:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def chi_square_sf(x: float, dof: int) -> float:
    """P(X >= x) for a chi-square variable with ``dof`` degrees of freedom."""
    if dof < 1:
        raise ValueError("a chi-square distribution needs at least one degree of freedom")
    if x <= 0.0:
        return 1.0
    a, half = dof / 2.0, x / 2.0
    if half < a + 1.0:
        return max(0.0, 1.0 - _lower_gamma_series(a, half))
    return min(1.0, _upper_gamma_fraction(a, half))


def endings_differ(first: Counter[str], second: Counter[str]) -> float:
    """The p-value of a chi-square test that two ending counts come from one distribution.

    Endings whose expected count is under :data:`MIN_EXPECTED` in either
    alternative are pooled into one category; with fewer than two categories
    left there is nothing to test and the p-value is 1.
    """
    n1, n2 = sum(first.values()), sum(second.values())
    if not n1 or not n2:
        return 1.0
    share1 = n1 / (n1 + n2)
    cells: list[tuple[int, int]] = []
    rare = [0, 0]
    for ending in sorted(set(first) | set(second)):
        a, b = first.get(ending, 0), second.get(ending, 0)
        total = a + b
        if min(total * share1, total * (1 - share1)) < MIN_EXPECTED:
            rare[0] += a
            rare[1] += b
        else:
            cells.append((a, b))
    if sum(rare):
        cells.append((rare[0], rare[1]))
    if len(cells) < 2:
        return 1.0
    statistic = 0.0
    for a, b in cells:
        total = a + b
        e1, e2 = total * share1, total * (1 - share1)
        statistic += (a - e1) ** 2 / e1 + (b - e2) ** 2 / e2
    return chi_square_sf(statistic, len(cells) - 1)


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Two alternatives of one decision, over the forks where both are offered.

    Attributes:
        first: The first option id.
        second: The second option id.
        games: Random continuations of each.
        p_value: Chi-square p-value of their ending distributions.
        score_gap: Absolute difference of their mean scores.
        identical: Every continuation ended in the same ending with the same score.
    """

    first: str
    second: str
    games: int
    p_value: float
    score_gap: float
    identical: bool

    @property
    def differs(self) -> bool:
        """Measurably different: endings at :data:`ALPHA`, or scores by :data:`SCORE_GAP`."""
        return self.p_value < ALPHA or self.score_gap >= SCORE_GAP


@dataclass(frozen=True)
class DecisionImpact:
    """How much one decision point's choice changes the outcome.

    Attributes:
        node: The node id.
        title: The node's title.
        forks: Games forked at the node (0: no random game reached it).
        games: Random continuations per alternative (over every fork).
        alternatives: Option ids offered at some fork, in the node's order.
        endings: Option id -> ending -> continuations (over every fork).
        mean_scores: Option id -> mean score of its continuations.
        comparisons: Every pair of alternatives.
    """

    node: str
    title: str
    forks: int
    games: int
    alternatives: tuple[str, ...]
    endings: dict[str, dict[str, int]] = field(default_factory=dict)
    mean_scores: dict[str, float] = field(default_factory=dict)
    comparisons: tuple[Comparison, ...] = ()

    @property
    def verdict(self) -> str:
        """``matters``, ``moot`` (no two alternatives differ), ``single`` (one
        alternative only) or ``unreached`` (no random game got here)."""
        if not self.forks:
            return "unreached"
        if len(self.alternatives) < 2:
            return "single"
        return "matters" if any(c.differs for c in self.comparisons) else "moot"

    @property
    def best_p(self) -> float:
        """The smallest p-value over the pairs (1 when there are none)."""
        return min((c.p_value for c in self.comparisons), default=1.0)

    @property
    def widest_gap(self) -> float:
        """The largest mean-score gap over the pairs (0 when there are none)."""
        return max((c.score_gap for c in self.comparisons), default=0.0)

    def identical_groups(self) -> list[list[str]]:
        """Groups of two or more alternatives whose continuations ended exactly alike."""
        groups: list[list[str]] = []
        for option in self.alternatives:
            for group in groups:
                if any(c.identical for c in self.comparisons
                       if {c.first, c.second} == {group[0], option}):
                    group.append(option)
                    break
            else:
                groups.append([option])
        return [g for g in groups if len(g) > 1]

    def explain(self) -> str:
        """The verdict in words."""
        if self.verdict == "unreached":
            return f"decision '{self.node}' was not reached by any random game"
        if self.verdict == "single":
            return f"decision '{self.node}' offers only one alternative"
        n = len(self.alternatives)
        if self.verdict == "matters":
            pair = min(self.comparisons, key=lambda c: (not c.differs, c.p_value, -c.score_gap))
            return (f"decision '{self.node}' matters: '{pair.first}' and '{pair.second}' end "
                    f"differently (endings p = {pair.p_value:.2g}, mean scores "
                    f"{pair.score_gap:.1f} points apart, {pair.games} games each)")
        text = (f"the choice at decision '{self.node}' makes no measurable difference: over "
                f"{self.games} random continuations of each of its {n} alternatives, the "
                f"endings are distributed alike (smallest p = {self.best_p:.2g}; a difference "
                f"needs p < {ALPHA:g}) and the mean scores lie within {self.widest_gap:.1f} "
                f"points (a difference needs {SCORE_GAP:g})")
        same = self.identical_groups()
        if same:
            text += "; " + "; ".join(
                ", ".join(f"'{o}'" for o in g[:-1]) + f" and '{g[-1]}' end exactly alike"
                for g in same)
        return text


@dataclass(frozen=True)
class ImpactReport:
    """Every decision point of one scenario.

    Attributes:
        scenario_id: The scenario.
        games: Random continuations per alternative asked for.
        forks: Forks per node asked for.
        seed: Base seed.
        decisions: One entry per node, in file order.
    """

    scenario_id: str
    games: int
    forks: int
    seed: int
    decisions: tuple[DecisionImpact, ...]

    @property
    def moot(self) -> list[DecisionImpact]:
        """The decisions whose choice makes no measurable difference."""
        return [d for d in self.decisions if d.verdict == "moot"]

    def decision(self, node: str) -> DecisionImpact:
        """The result for one node."""
        return next(d for d in self.decisions if d.node == node)


# --- the check ---------------------------------------------------------------------------


@dataclass
class _Fork:
    seed: int
    inputs: list[dict[str, str]]
    decision: int


def _find_forks(scenario: CompiledScenario, forks: int, probe: int,
                seed: int) -> dict[str, list[_Fork]]:
    """The first ``forks`` random games reaching each node, cut at their first decision there."""
    found: dict[str, list[_Fork]] = {node: [] for node in scenario.nodes}
    for game in range(seed, seed + probe):
        path = play_one(scenario, game, "random").path
        inputs = [{"type": "choose", "option": option} for _, option in path]
        seen: set[str] = set()
        for index, (node, _option) in enumerate(path):
            if node in seen or len(found[node]) >= forks:
                continue
            seen.add(node)
            found[node].append(_Fork(game, inputs[: index + 1], index))
        if all(len(f) >= forks for f in found.values()):
            break
    return found


def _compare(first: str, second: str,
             roads: Sequence[dict[str, list[Road]]]) -> Comparison | None:
    """Compare two alternatives over the forks that offer both (None: no such fork)."""
    both = [fork for fork in roads if first in fork and second in fork]
    if not both:
        return None
    a = [r for fork in both for r in fork[first]]
    b = [r for fork in both for r in fork[second]]
    gap = abs(math.fsum(r.score for r in a) / len(a) - math.fsum(r.score for r in b) / len(b))
    identical = all(x.ending == y.ending and x.score == y.score for x, y in zip(a, b, strict=True))
    p_value = endings_differ(Counter(r.ending for r in a), Counter(r.ending for r in b))
    return Comparison(first, second, len(a), p_value, round(gap, 3), identical)


def _judge(scenario: CompiledScenario, node: str, forks: list[_Fork], games: int,
           session: Session) -> DecisionImpact:
    title = scenario.nodes[node].title
    if not forks:
        return DecisionImpact(node, title, 0, 0, ())
    per_fork = math.ceil(games / len(forks))
    roads: list[dict[str, list[Road]]] = []
    for fork in forks:
        result = what_if(scenario, fork.seed, fork.inputs, fork.decision, n=per_fork,
                         keep_roads=True, session=session)
        roads.append({b.option: b.roads for b in result.branches})
    order = [o.id for o in scenario.options[node]]
    offered = tuple(o for o in order if any(o in fork for fork in roads))
    endings = {o: dict(Counter(r.ending for fork in roads for r in fork.get(o, ())))
               for o in offered}
    means = {}
    for o in offered:
        scores = [r.score for fork in roads for r in fork.get(o, ())]
        means[o] = round(math.fsum(scores) / len(scores), 3)
    comparisons = tuple(
        c for i, first in enumerate(offered) for second in offered[i + 1:]
        if (c := _compare(first, second, roads)) is not None)
    return DecisionImpact(node, title, len(forks), per_fork * len(forks), offered, endings,
                          means, comparisons)


def decision_impact(
    scenario: CompiledScenario,
    *,
    games: int = DEFAULT_GAMES,
    forks: int = DEFAULT_FORKS,
    probe: int = DEFAULT_PROBE,
    seed: int = 0,
    nodes: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> ImpactReport:
    """Judge every decision point of a scenario (see the module docstring).

    Args:
        scenario: The compiled scenario.
        games: Random continuations per alternative, over all forks of a node.
        forks: Games forked at each node.
        probe: Random games played at most to find the forks.
        seed: Base seed of the probe games (fork ``i`` replays its game's seed).
        nodes: Only these nodes (default: every node, in file order).
        progress: Called as ``progress(done, total)`` after each node.

    Returns:
        The report; the same for the same arguments.
    """
    if games < 1 or forks < 1 or probe < 1:
        raise ValueError("games, forks and probe must be at least 1")
    found = _find_forks(scenario, forks, probe, seed)
    wanted = list(nodes) if nodes is not None else list(scenario.nodes)
    session = Session(scenario, seed, batch=True, record=False)
    decisions: list[DecisionImpact] = []
    for done, node in enumerate(wanted, 1):
        decisions.append(_judge(scenario, node, found[node], games, session))
        if progress is not None:
            progress(done, len(wanted))
    return ImpactReport(scenario.id, games, forks, seed, tuple(decisions))


def impact_problems(report: ImpactReport, scenario: CompiledScenario) -> list[Problem]:
    """The moot decisions as lint findings (code ``choice-never-matters``), at each decision."""
    index = {node.id: i for i, node in enumerate(scenario.model.nodes)}
    return [
        Problem(("nodes", index[d.node], "decision"), d.explain(),
                "give at least one alternative a consequence that later decisions, the endings "
                "or the score read (a flag a later branch or ending checks, a meter the score "
                "counts, a call the counterpart answers), or merge the alternatives",
                "warning", "choice-never-matters")
        for d in report.moot
    ]
