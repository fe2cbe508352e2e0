"""Every decision matters, library-wide.

For every decision point of every shipped scenario, at least two of its
alternatives must lead to measurably different outcomes when the game is
played on at random from real positions: a different distribution of endings
(chi-square test at p < 0.001, rare endings pooled) or mean scores at least
3 points apart, over 200 random continuations per alternative from ten
forks per node. The check is :func:`game.debrief.impact.decision_impact`
(the what-if machinery, seeded, so the verdict never flakes); ``hotline lint
--deep`` reports the same decisions as ``choice-never-matters``.

Every node must also be reached by random play, so that no decision escapes
the check. About 40,000 short continuations per scenario.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from game.debrief.impact import ImpactReport, decision_impact
from game.scenario.loader import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@cache
def report(path: Path) -> ImpactReport:
    return decision_impact(load_scenario(path))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_decision_point_changes_how_the_crisis_can_end(path: Path) -> None:
    result = report(path)
    moot = [d.explain() for d in result.moot]
    assert not moot, "\n".join(moot)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_decision_point_was_judged(path: Path) -> None:
    result = report(path)
    assert [d.node for d in result.decisions if d.verdict == "unreached"] == []
    # Each decision offers a real choice and was judged from all ten forks.
    assert all(d.verdict != "single" and d.forks == result.forks for d in result.decisions)
