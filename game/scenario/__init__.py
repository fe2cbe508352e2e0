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
