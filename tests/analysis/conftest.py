"""Fixtures for analysis tests: the tiny engine scenario and every shipped scenario."""

from __future__ import annotations

import pytest
from analysis_scenarios import ALL_FILES, TINY, scenario_at

from game.scenario import CompiledScenario


@pytest.fixture(scope="session")
def tiny() -> CompiledScenario:
    """The three-node engine test scenario."""
    return scenario_at(TINY)


@pytest.fixture(scope="session", params=ALL_FILES, ids=lambda p: p.stem)
def any_scenario(request: pytest.FixtureRequest) -> CompiledScenario:
    """tiny.yaml and every scenarios/*.yaml."""
    return scenario_at(request.param)
