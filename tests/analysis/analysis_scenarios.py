"""Scenario files the analysis tests run on (shared by conftest and test modules)."""

from __future__ import annotations

from pathlib import Path

from game.scenario import CompiledScenario
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "engine" / "tiny.yaml"
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.yaml"))
ALL_FILES = [TINY, *SCENARIO_FILES]


_CACHE: dict[Path, CompiledScenario] = {}


def scenario_at(path: Path) -> CompiledScenario:
    """Load a scenario once per test session."""
    if path not in _CACHE:
        _CACHE[path] = load_scenario(path)
    return _CACHE[path]
