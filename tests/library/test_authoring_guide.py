"""The authoring guide's complete example must validate and play to an ending."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from game.engine import Session
from game.scenario.compile import compile_scenario
from game.scenario.models import Scenario

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def complete_example() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r"<!-- complete-example -->\s*```yaml\n(.*?)\n```", text, re.S)
    assert match, "docs/authoring.md lost its <!-- complete-example --> yaml block"
    return match.group(1)


def test_guide_example_validates_and_plays_to_an_ending() -> None:
    data = YAML(typ="safe").load(complete_example())
    compiled, problems = compile_scenario(Scenario.model_validate(data))
    assert compiled is not None, problems
    for seed in range(50):
        session = Session.start(compiled, seed=seed)
        for _ in range(20):
            if session.ended:
                break
            session.choose(session.available()[seed % len(session.available())].id)
        assert session.ended and session.outcome is not None
    expert = Session.start(compiled, seed=1)
    while not expert.ended:
        expert.choose(compiled.expert[expert.node])
    assert expert.outcome is not None and expert.outcome.ending_id == "talking"



def historical_example() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r"<!-- historical-example -->\s*```yaml\n(.*?)\n```", text, re.S)
    assert match, "docs/authoring.md lost its <!-- historical-example --> yaml block"
    return match.group(1)


def test_guide_historical_path_loads_and_reaches_its_ending() -> None:
    """Section 7's historical path, added to the complete example, validates and replays."""
    data = YAML(typ="safe").load(complete_example())
    assert "historical" not in data
    data.update(YAML(typ="safe").load(historical_example()))
    compiled, problems = compile_scenario(Scenario.model_validate(data))
    assert compiled is not None, problems
    history = compiled.model.historical
    assert history is not None
    assert [s.node for s in history.steps] == ["collision", "rescue", "press-day"]
    assert history.first_contact is not None and history.first_contact.after_hours == 78
    for seed in range(30):
        session = Session.start(compiled, seed=seed)
        for step in history.steps:
            assert session.node == step.node, "the steps are a road through the flow"
            session.choose(step.option)
        assert session.ended and session.outcome is not None
        assert session.outcome.ending_id == history.ending


def test_a_broken_historical_path_is_refused() -> None:
    """The check above can fail: an unknown ending in the same block is an error."""
    data = YAML(typ="safe").load(complete_example())
    data.update(YAML(typ="safe").load(historical_example().replace("ending: cold",
                                                                    "ending: frozen")))
    compiled, problems = compile_scenario(Scenario.model_validate(data))
    assert compiled is None and any("frozen" in str(p) for p in problems)
