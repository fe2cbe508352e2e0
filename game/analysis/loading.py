"""Scenario loading helpers for analysis and the command line.

Files are loaded by :mod:`game.scenario.loader`. This module adds the way
worker processes get their copy of a scenario: as plain data
(:func:`scenario_data`) rebuilt by :func:`scenario_from_data`, so no compiled
closure ever crosses a process boundary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from game.scenario import CompiledScenario, Scenario, compile_scenario

__all__ = ["scenario_data", "scenario_from_data"]


def scenario_data(scenario: CompiledScenario) -> dict[str, Any]:
    """The scenario as plain JSON-able data (what :func:`scenario_from_data` takes).

    Args:
        scenario: A compiled scenario.

    Returns:
        The model dumped in JSON mode, by alias.
    """
    return scenario.model.model_dump(mode="json", by_alias=True)


def scenario_from_data(
    data: Mapping[str, Any], source_path: str | None = None
) -> CompiledScenario:
    """Rebuild a compiled scenario from :func:`scenario_data` output.

    Args:
        data: Plain scenario data.
        source_path: Where it originally came from, kept for messages.

    Returns:
        The compiled scenario; its content hash equals the original's.

    Raises:
        ValueError: If the data does not validate or compile.
    """
    model = Scenario.model_validate(dict(data))
    compiled, problems = compile_scenario(model, source_path)
    if compiled is None:
        raise ValueError("; ".join(p.message for p in problems if p.severity == "error"))
    return compiled
