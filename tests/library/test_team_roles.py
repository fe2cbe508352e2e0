"""Every role in every shipped scenario plays a real part in team play.

Issue 17: "Every role in a team scenario decides at several points spread
through it" (woodside-2023's INDOPACOM role used to decide once, at the last
of its decisions). Every shipped scenario declares roles, so the rule holds
library-wide: each role owns at least three decision points, at least one in
the first half of the scenario's decisions and one in the second. A vote is
every role's decision and counts for none of them here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.scenario.loader import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def positions_by_role(path: Path) -> dict[str, list[int]]:
    model = load_scenario(path).model
    owners = [node.decision.role for node in model.nodes]
    return {role.id: [i for i, owner in enumerate(owners) if owner == role.id]
            for role in model.roles}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_role_decides_at_several_points_spread_through_it(path: Path) -> None:
    model = load_scenario(path).model
    assert len(model.roles) >= 2  # every shipped scenario can be played as a team
    half = len(model.nodes) / 2
    for role, positions in positions_by_role(path).items():
        assert len(positions) >= 3, f"{role} decides only at {positions}"
        assert positions[0] < half <= positions[-1], f"{role} decides only at {positions}"


def test_the_rule_catches_a_walk_on_role(tmp_path: Path) -> None:
    # woodside before this rule: the commander decided once, at the very end.
    text = (SCENARIOS[0].parent / "woodside-2023.yaml").read_text(encoding="utf-8")
    text = text.replace("      role: commander", "      role: cell")
    broken = tmp_path / "woodside-2023.yaml"
    broken.write_text(text, encoding="utf-8")
    lines = broken.read_text(encoding="utf-8").split("\n")
    # Give the commander back only the last decision, as it was.
    last = max(i for i, line in enumerate(lines) if line == "      role: cell")
    lines[last] = "      role: commander"
    broken.write_text("\n".join(lines), encoding="utf-8")
    assert positions_by_role(broken)["commander"] == [11]
    with pytest.raises(AssertionError, match=r"commander decides only at \[11\]"):
        test_every_role_decides_at_several_points_spread_through_it(broken)
