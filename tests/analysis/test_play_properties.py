"""Properties of random play on tiny.yaml and every scenarios/*.yaml.

* Determinism: replaying a session's seed and inputs gives byte-identical events.
* The batch fast path gives the same events as interactive play.
* Meters (and their peaks) stay within their declared range.
* Every game reaches an ending within a bound of decisions.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from analysis_scenarios import ALL_FILES, scenario_at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.analysis.batch import MAX_TURNS
from game.engine import Session
from game.engine.events import EndingReached, MeterChanged, ScoreGiven
from game.scenario import END, CompiledScenario

SEEDS = st.integers(min_value=0, max_value=2**63 - 1)
RATIONALES = st.one_of(st.none(), st.text(max_size=40))
PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _acyclic(scenario: CompiledScenario) -> bool:
    graph = {node: {d for o in opts for d in o.targets if d != END}
             for node, opts in scenario.options.items()}
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1 or (nxt not in state and not visit(nxt)):
                return False
        state[node] = 2
        return True

    return all(visit(n) for n in graph if n not in state)


def _turn_bound(scenario: CompiledScenario) -> int:
    return len(scenario.nodes) if _acyclic(scenario) else MAX_TURNS


def _random_play(
    scenario: CompiledScenario, seed: int, pick_seed: int, rationales: list[str | None]
) -> Session:
    session = Session.start(scenario, seed=seed)
    pick = random.Random(pick_seed)
    bound = _turn_bound(scenario)
    while not session.ended:
        assert session.turn < bound, f"no ending after {bound} decisions (seed {seed})"
        option = pick.choice(session.options()).id
        why = rationales[session.turn % len(rationales)] if rationales else None
        session.choose(option, rationale=why)
    return session


def _assert_meters_in_range(scenario: CompiledScenario, session: Session) -> None:
    for meter_id, spec in scenario.meters.items():
        assert spec.min <= session.meters[meter_id] <= spec.max
        assert spec.min <= session.peaks[meter_id] <= spec.max
    for event in session.events:
        if isinstance(event, MeterChanged):
            spec = scenario.meters[event.meter]
            assert spec.min <= event.after <= spec.max, event


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
@PROPERTY_SETTINGS
@given(seed=SEEDS, pick_seed=SEEDS, rationales=st.lists(RATIONALES, max_size=4))
def test_random_play_is_deterministic_bounded_and_in_range(
    path: Path, seed: int, pick_seed: int, rationales: list[str | None]
) -> None:
    scenario = scenario_at(path)
    session = _random_play(scenario, seed, pick_seed, rationales)
    assert session.ended and session.outcome is not None
    assert isinstance(session.events[-2], EndingReached)
    assert isinstance(session.events[-1], ScoreGiven)
    assert 0 <= session.outcome.score <= 100
    _assert_meters_in_range(scenario, session)

    again = Session.replay(scenario, seed, session.inputs)
    assert again.events_json() == session.events_json()
    batch = Session.replay(scenario, seed, session.inputs, batch=True)
    assert batch.events_json() == session.events_json()
    assert batch.outcome == session.outcome


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
@PROPERTY_SETTINGS
@given(seeds=st.lists(SEEDS, min_size=2, max_size=5))
def test_a_restarted_batch_session_plays_like_a_fresh_one(path: Path, seeds: list[int]) -> None:
    scenario = scenario_at(path)
    reused = Session(scenario, 0, batch=True)
    for seed in seeds:
        reused.restart(seed)
        fresh = Session(scenario, seed, batch=True)
        pick_a, pick_b = random.Random(seed), random.Random(seed)
        while not fresh.ended:
            fresh.choose(pick_a.choice(fresh.available()).id)
            reused.choose(pick_b.choice(reused.available()).id)
        assert reused.ended
        assert reused.events_json() == fresh.events_json()
