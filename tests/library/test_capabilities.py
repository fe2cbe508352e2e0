"""Every bundled scenario maps each learning objective to an HSEEP core capability."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.scenario.loader import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
#: The core capabilities of FEMA's National Preparedness Goal (2nd edition, 2015).
CORE_CAPABILITIES = {
    "Planning", "Public Information and Warning", "Operational Coordination",
    "Forensics and Attribution", "Intelligence and Information Sharing",
    "Interdiction and Disruption", "Screening, Search, and Detection",
    "Access Control and Identity Verification", "Cybersecurity",
    "Physical Protective Measures", "Risk Management for Protection Programs and Activities",
    "Supply Chain Integrity and Security", "Community Resilience",
    "Long-term Vulnerability Reduction", "Risk and Disaster Resilience Assessment",
    "Threats and Hazards Identification", "Critical Transportation",
    "Environmental Response/Health and Safety", "Fatality Management Services",
    "Fire Management and Suppression", "Infrastructure Systems",
    "Logistics and Supply Chain Management", "Mass Care Services",
    "Mass Search and Rescue Operations", "On-scene Security, Protection, and Law Enforcement",
    "Operational Communications", "Public Health, Healthcare, and Emergency Medical Services",
    "Situational Assessment", "Economic Recovery", "Health and Social Services", "Housing",
    "Natural and Cultural Resources",
}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_each_objective_names_a_core_capability(path: Path) -> None:
    model = load_scenario(path).model
    names = {c.id: c.name for c in model.capabilities}
    assert names, f"{path.name} lists no capabilities"
    assert set(names.values()) <= CORE_CAPABILITIES
    for objective in model.objectives:
        assert objective.capability in names, f"{path.name}: {objective.id} has no capability"
    # Every listed capability is exercised by some objective.
    assert {o.capability for o in model.objectives} == set(names)
