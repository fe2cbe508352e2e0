from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from game.scenario.compile import CompiledScenario, compile_scenario
from game.scenario.models import Scenario

TINY = Path(__file__).with_name("tiny.yaml")


def compile_file(path: Path) -> CompiledScenario:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    compiled, problems = compile_scenario(Scenario.model_validate(data), str(path))
    assert compiled is not None, problems
    return compiled


@pytest.fixture(scope="session")
def tiny() -> CompiledScenario:
    return compile_file(TINY)
