"""Across the whole library, no single habit wins.

Per scenario tests check each crisis on its own; this one looks across all
shipped scenarios: for every option kind, playing that kind whenever it is
offered must fall clearly short of the expert somewhere, and the best single
habit must not be the same kind in every scenario.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from game.analysis.batch import simulate
from game.scenario import OPTION_KINDS
from game.scenario.loader import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
GAMES = 120
SEED = 7
MARGIN = 5.0


@lru_cache(maxsize=None)
def mean_score(path: Path, policy: str) -> float:
    report = simulate(load_scenario(path), GAMES, policy, seed=SEED, workers=1)
    assert report.score is not None
    return report.score.mean


@pytest.mark.skipif(len(SCENARIOS) < 2, reason="the library has fewer than two scenarios")
@pytest.mark.parametrize("kind", OPTION_KINDS)
def test_no_kind_matches_the_expert_everywhere(kind: str) -> None:
    gaps = {p.stem: mean_score(p, "expert") - mean_score(p, f"always-{kind}") for p in SCENARIOS}
    assert max(gaps.values()) >= MARGIN, (
        f"always-{kind} comes within {MARGIN} points of the expert in every scenario: {gaps}"
    )


@pytest.mark.skipif(len(SCENARIOS) < 2, reason="the library has fewer than two scenarios")
def test_the_best_single_habit_differs_between_scenarios() -> None:
    best = {
        p.stem: max(OPTION_KINDS, key=lambda k, p=p: mean_score(p, f"always-{k}"))
        for p in SCENARIOS
    }
    assert len(set(best.values())) > 1, f"one kind is the best habit everywhere: {best}"
