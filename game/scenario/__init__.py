"""The scenario file format: models, loader, condition language and checks.

Never imports Qt.
"""

from .compile import CompiledOption, CompiledScenario, Problem, compile_scenario, content_hash
from .models import END, OPTION_KINDS, Scenario

__all__ = [
    "END",
    "OPTION_KINDS",
    "CompiledOption",
    "CompiledScenario",
    "Problem",
    "Scenario",
    "compile_scenario",
    "content_hash",
]

from .diagnostics import Diagnostic, ScenarioLoadError  # noqa: E402
from .loader import (  # noqa: E402
    check_scenario_file,
    check_scenario_text,
    load_scenario,
    load_scenario_text,
)

__all__ += [
    "Diagnostic",
    "ScenarioLoadError",
    "check_scenario_file",
    "check_scenario_text",
    "load_scenario",
    "load_scenario_text",
]
