"""The kernel's own reading of common condition shapes agrees with the
scenario's compiled closures (game.scenario.names), on real game states."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from analysis_scenarios import ALL_FILES, ROOT, scenario_at

from game.analysis import kernel as kernel_module
from game.analysis.kernel import kernel_for, make_policy
from game.scenario import CompiledScenario

FEATURES = ROOT / "tests" / "analysis" / "kernel_features.yaml"


def _conditions(scenario: CompiledScenario) -> list[tuple[str, Any]]:
    """Every (text, compiled closure) the kernel tests with its own state."""
    model = scenario.model
    found: list[tuple[str, Any]] = []
    found += [(spec.when, m.when) for spec, m in zip(model.counterpart.modifiers,
                                                     scenario.modifiers)]
    found += [(spec.when, p.when) for spec, p in zip(model.counterpart.prices, scenario.prices)
              if spec.when is not None]
    found += [(model.counterpart.leadership.events[e.index].when, e.when)
              for e in scenario.leadership_events]
    found += [(e.ending.when, e.when) for e in scenario.endings if e.when is not None]
    for options in scenario.options.values():
        for option in options:
            spec = option.option.next
            if isinstance(spec, str):
                continue
            found += [(b.when, when) for b, (when, _dest) in zip(spec, option.branches)
                      if b.when is not None]
    return found


@pytest.mark.parametrize("path", [*ALL_FILES, FEATURES], ids=lambda p: Path(p).stem)
def test_the_kernels_reading_of_a_condition_agrees_with_its_closure(path: Path) -> None:
    scenario = scenario_at(path)
    conditions = _conditions(scenario)
    own = [(text, closure, kernel_module._test_of(text, closure))
           for text, closure in conditions]
    read_here = [row for row in own if row[2] is not row[1]]
    kernel = kernel_for(scenario)
    policy = make_policy(kernel, "random")
    assert policy is not None
    st = kernel.new_state()
    checked = 0
    for seed in range(60):
        kernel.reset(st, seed)
        policy.start(st, seed)
        while st.ending is None:
            for text, closure, mine in read_here:
                assert bool(mine(st)) == bool(closure(st)), (text, seed, st.turn)
                checked += 1
            kernel.step(st, policy.choose(st))
    if read_here:
        assert checked > 0


def test_the_flagships_common_shapes_are_read_by_the_kernel() -> None:
    # a name, 'not' a name and a meter against a number: read without the closure
    scenario = scenario_at(ROOT / "scenarios" / "balloon-2023.yaml")
    by_text = dict(_conditions(scenario))
    for text in ("escalation >= 85", "not leadership.military", "contact.political",
                 "recent.kinetic", "prices.li-sanctions.paid", "flags.shot_down"):
        assert text in by_text, text
        assert kernel_module._test_of(text, by_text[text]) is not by_text[text], text


def test_other_shapes_keep_their_closure() -> None:
    scenario = scenario_at(ROOT / "scenarios" / "balloon-2023.yaml")
    closure = next(iter(_conditions(scenario)))[1]
    for text in ("escalation + trust > 80", "turn >= 3", "escalation == 50", "peak.escalation > 70",
                 "a and b and c", "asked_at.defense-link < 4"):
        assert kernel_module._test_of(text, closure) is closure, text
    assert kernel_module._test_of(None, closure) is closure
