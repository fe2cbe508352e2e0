"""Calibration against the record: every historical scenario, the same checks as `hotline check`.

The checks live in :mod:`game.analysis.calibration`, so an author who runs
``hotline check FILE`` on a new scenario gets exactly these. For each
historical scenario:

* the historical path ends in the historical ending;
* the expert beats the random policy's 75th percentile;
* calling at every chance ("always-call") is at least 15 points below the expert;
* no single habit matches the expert: every always-KIND policy is at least
  10 points below it (issue 17's bar);
* repeating a refused military call, with no change in the counterpart's
  leadership state, is answered in at most 10% of the games where it happens;
* the historical mistake a scenario marks costs at least 8 points against
  the expert continuation.

And for the balloon, under every policy, the defense link is answered within
30 days of the shootdown in at most 10% of games (the first senior military
call came about ten months later).

Every figure is seeded; about 20,000 short games in all.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from game.analysis.calibration import (
    ALWAYS_CALL_GAP,
    ALWAYS_KIND_GAP,
    HISTORICAL_MIN,
    MISTAKE_MIN,
    RETRY_MAX,
    WINDOW_MAX,
    CalibrationReport,
    Games,
    answered_within,
    calibrate,
)
from game.analysis.policies import policy_names
from game.scenario.compile import CompiledScenario
from game.scenario.loader import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
HISTORICAL = ("balloon-2023", "ep3-hainan-2001", "pelosi-2022", "shangri-la-2023",
              "close-encounters-2023", "woodside-2023", "strait-1996", "reassurance-2020",
              "glider-2016")
#: Scenarios whose historical path marks the mistake the scenario teaches against.
#: EP-3, the close encounters and the glider mark none: their actors chose as the
#: expert would at every step that costs points (the scenario files say why).
MARKED = ("balloon-2023", "pelosi-2022", "shangri-la-2023", "woodside-2023", "strait-1996",
          "reassurance-2020")


@cache
def scenario(name: str) -> CompiledScenario:
    return load_scenario(SCENARIOS / f"{name}.yaml")


@cache
def report(name: str) -> CalibrationReport:
    return calibrate(scenario(name), Games())


def test_the_library_is_what_these_tests_cover() -> None:
    shipped = {p.stem for p in SCENARIOS.glob("*.yaml")}
    historical = {name for name in shipped if not scenario(name).model.fiction}
    assert historical == set(HISTORICAL)
    for name in HISTORICAL:
        marked = [s for s in scenario(name).model.historical.steps if s.mistake]  # type: ignore[union-attr]
        assert len(marked) == (1 if name in MARKED else 0), name


@pytest.mark.parametrize("name", HISTORICAL)
def test_historical_policy_ends_in_the_historical_ending(name: str) -> None:
    check = report(name).check("historical-ending")
    assert check.value is not None and check.value >= HISTORICAL_MIN, check


@pytest.mark.parametrize("name", HISTORICAL)
def test_expert_beats_random_p75(name: str) -> None:
    check = report(name).check("expert-vs-random")
    assert check.passed, check


@pytest.mark.parametrize("name", HISTORICAL)
def test_always_call_is_clearly_below_the_expert(name: str) -> None:
    check = report(name).check("always-call")
    assert check.value is not None and check.value >= ALWAYS_CALL_GAP, check


@pytest.mark.parametrize("name", HISTORICAL)
def test_no_single_habit_matches_the_expert(name: str) -> None:
    check = report(name).check("always-kind")
    assert check.value is not None and check.value >= ALWAYS_KIND_GAP, check


@pytest.mark.parametrize("name", HISTORICAL)
def test_retrying_a_refused_military_call_rarely_gets_an_answer(name: str) -> None:
    check = report(name).check("retry")
    # Every historical scenario has military lines, and the retry policy meets refusals.
    assert check.passed is not None, check
    assert check.value is not None and check.value <= RETRY_MAX, check


@pytest.mark.parametrize("name", MARKED)
def test_the_historical_mistake_costs_points(name: str) -> None:
    check = report(name).check("mistake")
    assert check.value is not None and check.value >= MISTAKE_MIN, check


@pytest.mark.parametrize("policy", policy_names())
def test_balloon_defense_link_is_not_answered_within_30_days_of_the_shootdown(
    policy: str,
) -> None:
    games = 100 if policy == "greedy" else 300
    rate, shot = answered_within(scenario("balloon-2023"), "dtl", "shot_down", 30 * 24,
                                 policy, games)
    # A policy that never shoots (greedy avoids the kinetic act) meets the check trivially.
    assert rate <= WINDOW_MAX, (policy, rate, shot)
    if policy in ("historical", "expert", "random", "retry", "always-call"):
        assert shot > 0, f"no {policy} game shot the balloon down"


def test_balloon_defense_link_is_answered_when_nothing_was_shot_down() -> None:
    """The window check can fail: without a shootdown the link can be answered."""
    compiled = scenario("balloon-2023")
    rate, flagged = answered_within(compiled, "dtl", "private_first", 30 * 24, "random", 300)
    assert flagged > 0 and rate > 0.0


@pytest.mark.parametrize("name", ["balloon-2023", "close-encounters-2023"])
def test_the_kernel_gives_the_engines_figures(name: str) -> None:
    """hotline check plays its games in the batch kernel; the engine playing them
    gives every figure the same (retry, mistake and the simulations)."""
    games = Games(random=200, paths=60, always=60, retry=150, mistake=60, seed=3)
    assert calibrate(scenario(name), games) == calibrate(scenario(name), games, engine=True)
