"""Batch play: policies, Monte Carlo simulation and outcome reports.

Built on the engine's public API only; never imports Qt.
"""

from .batch import (
    GameSummary,
    ScoreStats,
    SimulationError,
    SimulationReport,
    play_one,
    policy_rng,
    simulate,
)
from .loading import scenario_data, scenario_from_data
from .policies import Policy, PolicyError, get_policy, policy_names, position_value, prudent_choice

__all__ = [
    "GameSummary",
    "Policy",
    "PolicyError",
    "ScoreStats",
    "SimulationError",
    "SimulationReport",
    "get_policy",
    "play_one",
    "policy_names",
    "policy_rng",
    "position_value",
    "prudent_choice",
    "scenario_data",
    "scenario_from_data",
    "simulate",
]
