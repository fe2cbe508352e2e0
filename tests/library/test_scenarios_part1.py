"""Quality checks for three library scenarios: EP-3 (2001), Pelosi (2022), Shangri-La (2023).

Every check is seeded and deterministic:

* the file loads, validates and lints with no errors or warnings, and carries
  what the library promises (decision points, option kinds, endings with a
  fallback, objectives with rating rules, sources, expert and historical paths);
* calibration: the historical path ends in the historical ending for every seed;
* fairness: the expert path's median score is at or above the 75th percentile
  of random play, and "always escalate" does clearly worse than the expert;
* reachability: every node and every ending is reached by seeded random play;
* each counterpart is true to its period (no defense link in 2001, military
  channels suspended after 5 August 2022, the minister gated by sanctions in 2023).

About 1,300 games per scenario in total.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from game.analysis.batch import SimulationReport, play_one, simulate
from game.engine import Session
from game.scenario.compile import CompiledScenario
from game.scenario.lint import lint_file
from game.scenario.loader import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
IDS = ("ep3-hainan-2001", "pelosi-2022", "shangri-la-2023")

RANDOM_GAMES = 1000  # percentiles and reachability
PATH_GAMES = 100  # expert and historical paths
ESCALATE_GAMES = 200
ESCALATE_MARGIN = 20.0  # "clearly worse": at least this many points below the expert mean


def path_of(scenario_id: str) -> Path:
    return SCENARIOS / f"{scenario_id}.yaml"


@cache
def scenario(scenario_id: str) -> CompiledScenario:
    return load_scenario(path_of(scenario_id))


@cache
def random_report(scenario_id: str) -> SimulationReport:
    return simulate(scenario(scenario_id), RANDOM_GAMES, "random", seed=0, workers=1)


@cache
def path_report(scenario_id: str, policy: str) -> SimulationReport:
    return simulate(scenario(scenario_id), PATH_GAMES, policy, seed=0, workers=1)


def off_path(report: SimulationReport, path: dict[str, str]) -> list[tuple[str, str]]:
    """Decisions a path policy took that are not on its path (fallback choices)."""
    return [(node, option) for node, options in report.decisions.items()
            for option, endings in options.items() if endings and path.get(node) != option]


# --- the file itself ----------------------------------------------------------


@pytest.mark.parametrize("scenario_id", IDS)
def test_loads_and_lints_clean(scenario_id: str) -> None:
    compiled = scenario(scenario_id)
    assert compiled.id == scenario_id
    assert not compiled.warnings, compiled.warnings
    result = lint_file(path_of(scenario_id))
    assert [str(d) for d in result.diagnostics] == []


@pytest.mark.parametrize("scenario_id", IDS)
def test_has_what_the_library_promises(scenario_id: str) -> None:
    model = scenario(scenario_id).model
    assert not model.fiction
    assert len(model.nodes) >= 8
    kinds = {o.kind for n in model.nodes for o in n.decision.options}
    assert {"call", "escalate", "back_channel"} <= kinds
    assert len(kinds) >= 6, kinds
    for node in model.nodes:
        assert len(node.decision.options) >= 3, node.id
        for option in node.decision.options:
            assert option.description.strip(), (node.id, option.id)
            assert option.doctrine.strip(), (node.id, option.id)
    assert len(model.endings) >= 3
    assert model.endings[-1].when is None, "the last ending is the fallback"
    assert 3 <= len(model.objectives) <= 5
    for objective in model.objectives:
        assert objective.rating.performed and objective.rating.some and objective.rating.major
    assert model.sources
    for source in model.sources:
        assert source.title and source.publisher and source.date
    assert {m.id for m in model.meters} >= {"escalation", "openness", "standing", "allies", "info"}
    assert [b.label for b in model.meters[0].bands], "escalation has Kahn bands"
    # The expert path covers every node, with a reason for each step.
    assert {step.node for step in model.expert} == {n.id for n in model.nodes}
    assert all(step.reason.strip() for step in model.expert)
    assert model.historical is not None and model.historical.outcome.strip()


@pytest.mark.parametrize("scenario_id", IDS)
def test_choices_matter_at_eight_or_more_decision_points(scenario_id: str) -> None:
    compiled = scenario(scenario_id)
    for seed in range(10):
        for policy in ("expert", "historical", "random"):
            game = play_one(compiled, seed, policy)
            early = any(e.ending.early and e.ending.id == game.ending for e in compiled.endings)
            assert early or game.turns >= 8, (policy, seed, game.path)
    # The expert departs from what the real actors did in several decisions.
    differing = {node for node, option in scenario(scenario_id).historical.items()
                 if scenario(scenario_id).expert.get(node) != option}
    assert len(differing) >= 3


# --- calibration ----------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", IDS)
def test_historical_path_ends_in_the_historical_ending(scenario_id: str) -> None:
    compiled = scenario(scenario_id)
    assert compiled.model.historical is not None
    wanted = compiled.model.historical.ending
    report = path_report(scenario_id, "historical")
    assert off_path(report, compiled.historical) == []
    assert report.endings[wanted] == report.games == PATH_GAMES, report.endings


# --- fairness -------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", IDS)
def test_expert_scores_at_or_above_random_p75(scenario_id: str) -> None:
    compiled = scenario(scenario_id)
    report = path_report(scenario_id, "expert")
    assert off_path(report, compiled.expert) == []
    expert, rand = report.score, random_report(scenario_id).score
    assert expert is not None and rand is not None
    assert expert.p50 >= rand.p75, (expert, rand)
    assert expert.mean >= rand.p75, (expert, rand)


@pytest.mark.parametrize("scenario_id", IDS)
def test_always_escalate_does_clearly_worse_than_expert(scenario_id: str) -> None:
    compiled = scenario(scenario_id)
    escalate = simulate(compiled, ESCALATE_GAMES, "always-escalate", seed=0, workers=1).score
    expert = path_report(scenario_id, "expert").score
    assert escalate is not None and expert is not None
    assert escalate.mean <= expert.mean - ESCALATE_MARGIN, (escalate, expert)


# --- reachability ---------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", IDS)
def test_random_play_reaches_every_node_and_ending(scenario_id: str) -> None:
    report = random_report(scenario_id)
    assert report.games == RANDOM_GAMES
    assert [n for n, c in report.node_visits.items() if c == 0] == []
    assert [e for e, c in report.endings.items() if c == 0] == []


# --- counterparts true to their period --------------------------------------------


def _play_until(
    compiled: CompiledScenario, seed: int, stop_at: str, path: dict[str, str]
) -> Session:
    session = Session(compiled, seed, batch=True)
    while not session.ended and session.node != stop_at:
        session.choose(path[session.node])
    return session


def test_2001_has_no_defense_link_and_the_leaders_line_goes_unanswered() -> None:
    compiled = scenario("ep3-hainan-2001")
    assert "dtl" not in compiled.channels
    assert not any("defense telephone link" in c.label.lower() for c in compiled.model.channels)
    for seed in range(50):
        session = Session(compiled, seed, batch=True)
        while not session.ended:
            session.choose(compiled.historical[session.node])
        leaders = [e.result for e in session.events
                   if e.type == "call" and e.channel == "leaders"]
        assert leaders and "answered" not in leaders
    # The wording ladder: regret, sorry, apology are concessions with a standing cost.
    options = {o.id: o for n in compiled.model.nodes for o in n.decision.options}
    for rung in ("regret", "say-sorry", "apologise"):
        assert options[rung].kind == "concede"
        assert any(e.startswith("standing -=") for e in options[rung].effects)


def test_2022_military_channels_are_suspended_after_the_countermeasures() -> None:
    compiled = scenario("pelosi-2022")
    for seed in range(20):
        session = _play_until(compiled, seed, "countermeasures", compiled.historical)
        for channel in ("dtl", "cjcs", "theater", "mmca"):
            assert session.channels[channel] == "suspended"
        assert session.channels["nsa"] != "suspended"
        session.choose("attache-ask")
        session.choose("dtl-again")
        calls = [e for e in session.events if e.type == "call" and e.channel == "dtl"]
        assert calls[-1].result == "unanswered"
        assert session.channels["dtl"] == "suspended"
        assert "dtl" not in session.contact


def test_2023_the_minister_is_gated_by_sanctions() -> None:
    compiled = scenario("shangri-la-2023")
    for seed in range(20):
        session = Session(compiled, seed, batch=True)
        session.choose("request-meeting")
        call = next(e for e in session.events if e.type == "call")
        assert call.result == "declined" and "sanctions" in call.reason
    # Waiving opens the gate (the call is then decided by the counterpart model).
    results = set()
    for seed in range(40):
        session = Session(compiled, seed, batch=True)
        session.choose("waive")
        session.choose("release-video")
        session.choose("disclose-refusal")
        session.choose("minister-aside")
        call = [e for e in session.events if e.type == "call"][-1]
        assert "sanctions" not in call.reason
        results.add(call.result)
    assert len(results) >= 2
