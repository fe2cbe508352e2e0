"""The authoring guide's examples: the complete one validates and plays to an ending; the
counterpart one lints clean, is calibrated and behaves as the guide says."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from game.analysis.calibration import Games, calibrate
from game.engine import Session
from game.scenario.compile import CompiledScenario, compile_scenario
from game.scenario.lint import lint_text
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



def counterpart_example() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r"<!-- counterpart-example -->\s*```yaml\n(.*?)\n```", text, re.S)
    assert match, "docs/authoring.md lost its <!-- counterpart-example --> yaml block"
    return match.group(1)


def _counterpart_scenario() -> CompiledScenario:
    data = YAML(typ="safe").load(counterpart_example())
    compiled, problems = compile_scenario(Scenario.model_validate(data))
    assert compiled is not None, problems
    return compiled


def test_counterpart_example_lints_clean_and_is_calibrated() -> None:
    result = lint_text(counterpart_example(), "reef-freeze.yaml")
    assert [d.format() for d in result.diagnostics] == []
    report = calibrate(_counterpart_scenario(), Games(random=300, paths=60, always=100,
                                                      retry=100, mistake=60))
    assert report.ok, report.checks


def test_counterpart_example_does_what_the_guide_says() -> None:
    scenario = _counterpart_scenario()
    why = "The other side had not decided to let its navy talk after the collision."
    for seed in range(20):
        # The historical path: refused twice, the second time as pressure; ends frozen.
        history = Session(scenario, seed, batch=True)
        history.choose("navy-again")
        history.choose("protest")
        calls = [e for e in (x.to_dict() for x in history.events) if e["type"] == "call"]
        assert [c["gate"] for c in calls] == ["withheld", "withheld"]
        assert calls[0]["reason"] == why
        assert calls[1]["reason"] == why[:-1] + "; the repeated request read as pressure."
        assert history.outcome is not None and history.outcome.ending_id == "frozen"
        # The price authorises the level, and costs what it says.
        paid = Session(scenario, seed, batch=True)
        paid.choose("suspend-patrols")
        assert paid.leadership["military"] and paid.meters["standing"] == 55 - 12
        # The inverse case: the surge makes them fear attack, and the reassurance is taken.
        scared = Session(scenario, seed, batch=True)
        scared.choose("envoy")
        scared.choose("surge")
        scared.choose("reassure")
        reassure = [e for e in (x.to_dict() for x in scared.events) if e["type"] == "call"][-1]
        assert ["They fear a strike and want to hear that none is coming.", 0.3] in \
            reassure["factors"]
    # After the envoy is heard, a protest about the patrol is still the hardest call.
    heard = Session(scenario, 0, batch=True)
    heard.choose("envoy")
    if heard.leadership["military"]:
        heard.choose("protest")
        protest = [e for e in (x.to_dict() for x in heard.events) if e["type"] == "call"][-1]
        assert protest["gate"] == "roll"
        assert ["Answering a protest about the patrol would accept the patrol.", -0.4] in \
            protest["factors"]


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
