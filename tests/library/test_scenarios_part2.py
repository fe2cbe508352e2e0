"""Quality checks for three library scenarios: close encounters, Woodside, the 2027 strait.

Each scenario must validate and lint clean, be built to the library's rules
(decision points, option kinds, endings, objectives, sources, expert and
historical paths), and play fairly under seeded batch play:

* calibration — the historical path ends in the historical ending;
* fairness — the expert path scores at or above the 75th percentile of
  random play, "always escalate" does clearly worse, and no single option
  kind played every turn matches the expert;
* reachability — random play reaches every node and every ending.

All games are played with :func:`game.analysis.batch.simulate` (the engine
behind ``hotline simulate``) in one process, with fixed seeds, so the figures
are deterministic. About seven thousand short games are played in total.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from game.analysis.batch import SimulationReport, simulate
from game.scenario import CompiledScenario
from game.scenario.lint import lint_file
from game.scenario.loader import load_scenario
from game.scenario.models import END

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"

#: Scenario id -> the ending that matches what really happened (None: fiction).
SCENARIOS: dict[str, str | None] = {
    "close-encounters-2023": "documented",
    "woodside-2023": "restored-fragile",
    "strait-2027": None,
}
HISTORICAL = [name for name, ending in SCENARIOS.items() if ending is not None]

RANDOM_GAMES = 1500
PATH_GAMES = 100
HISTORICAL_GAMES = 200
KIND_GAMES = 60
BASE_SEED = 20240409
KINDS = ("call", "escalate", "back_channel", "public", "concede", "wait", "allies", "de_escalate")


def _path(name: str) -> Path:
    return SCENARIO_DIR / f"{name}.yaml"


@lru_cache(maxsize=None)
def _scenario(name: str) -> CompiledScenario:
    return load_scenario(_path(name))


@lru_cache(maxsize=None)
def _report(name: str, policy: str, games: int) -> SimulationReport:
    return simulate(_scenario(name), games, policy, seed=BASE_SEED, workers=1)


def _decision_count(scenario: CompiledScenario, path: dict[str, str]) -> int:
    """Decisions along a path that follows its own choices (first branch that can apply)."""
    node, count, seen = scenario.start, 0, set()
    while node != END and node in path and node not in seen:
        seen.add(node)
        count += 1
        option = scenario.option(node, path[node])
        node = option.branches[-1][1] if len(option.branches) > 1 else option.branches[0][1]
    return count


# --- validation and construction --------------------------------------------------


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_validates_and_lints_clean(name: str) -> None:
    result = lint_file(_path(name))
    assert result.scenario is not None, [str(d) for d in result.diagnostics]
    assert result.diagnostics == [], [str(d) for d in result.diagnostics]
    assert result.scenario.id == name


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_built_to_library_rules(name: str) -> None:
    scenario = _scenario(name)
    model = scenario.model
    assert len(model.nodes) >= 8
    kinds = {o.option.kind for opts in scenario.options.values() for o in opts}
    assert {"call", "escalate", "back_channel"} <= kinds
    assert len(kinds) >= 6, kinds
    for node in model.nodes:
        assert len(node.decision.options) >= 3, node.id
        for option in node.decision.options:
            assert option.description.strip(), (node.id, option.id)
            assert option.doctrine.strip(), (node.id, option.id)
    assert len(model.endings) >= 3
    assert model.endings[-1].when is None  # the fallback comes last
    assert 3 <= len(model.objectives) <= 5
    for objective in model.objectives:
        rating = objective.rating
        assert rating.performed and rating.some and rating.major, objective.id
    assert model.sources
    assert {m.id for m in model.meters} >= {"escalation", "openness", "standing", "allies", "info"}
    labels = [band.label for band in scenario.meters["escalation"].bands]
    assert labels[:3] == ["Subcrisis manoeuvring", "Traditional crisis", "Intense crisis"]
    # The expert path covers every node, with a reason for each step.
    assert set(scenario.expert) == set(scenario.nodes)
    assert all(step.reason.strip() for step in model.expert)
    assert _decision_count(scenario, scenario.expert) >= 8


@pytest.mark.parametrize("name", HISTORICAL)
def test_historical_path_is_declared(name: str) -> None:
    scenario = _scenario(name)
    historical = scenario.model.historical
    assert historical is not None
    assert historical.ending == SCENARIOS[name]
    assert historical.outcome.strip()
    assert _decision_count(scenario, scenario.historical) >= 8
    assert not scenario.model.fiction


def test_strait_2027_is_marked_fiction() -> None:
    scenario = _scenario("strait-2027")
    model = scenario.model
    assert model.fiction
    assert model.historical is None
    assert "fiction" in model.summary.lower()
    assert "fictional scenario" in scenario.nodes[scenario.start].brief.lower()
    assert model.scoring.loss_of_life_flag == "casualties"


def test_close_encounters_theater_line_can_be_discovered() -> None:
    """Asking for a theater-commander call in 2023 is declined with the reason why."""
    from game.engine import Session

    scenario = _scenario("close-encounters-2023")
    session = Session(scenario, seed=3, batch=True)
    session.choose("stabilise-record")
    session.choose("private-protest")
    result = session.choose("theater-request")
    calls = result.of_type("call")
    assert calls and calls[0].channel == "theater"
    assert calls[0].result == "declined"
    assert "no such line" in calls[0].reason.lower()
    assert "theater_asked" in session.flags


def test_woodside_channels_start_suspended() -> None:
    scenario = _scenario("woodside-2023")
    initial = {c.id: c.initial for c in scenario.model.channels}
    assert initial["cjcs"] == initial["dtl"] == initial["mmca"] == "suspended"


def test_woodside_lines_stay_off_without_political_go_ahead() -> None:
    """Without the leaders' agreement, a call on a military line is refused, with the reason."""
    from game.engine import Session

    scenario = _scenario("woodside-2023")
    for seed in range(20):
        session = Session(scenario, seed=seed, batch=True)
        for option in ("public-test", "leave-it-out", "parallel-tracks", "joint-credit"):
            session.choose(option)
        calls = session.choose("cjcs-call").of_type("call")
        assert calls[0].result == "declined"
        assert "switched off" in calls[0].reason
        assert "cjcs" not in session.contact


# --- calibration ------------------------------------------------------------------


@pytest.mark.parametrize("name", HISTORICAL)
def test_historical_path_ends_in_historical_ending(name: str) -> None:
    report = _report(name, "historical", HISTORICAL_GAMES)
    wanted = SCENARIOS[name]
    assert wanted is not None
    share = report.share(wanted)
    assert share >= 0.98, (name, report.endings)


# --- fairness ---------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_expert_beats_three_quarters_of_random_play(name: str) -> None:
    random_score = _report(name, "random", RANDOM_GAMES).score
    expert_score = _report(name, "expert", PATH_GAMES).score
    assert random_score is not None and expert_score is not None
    assert expert_score.mean >= random_score.p75, (expert_score, random_score)
    assert expert_score.p50 >= random_score.p75, (expert_score, random_score)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_always_escalate_is_clearly_worse_than_expert(name: str) -> None:
    escalate = _report(name, "always-escalate", PATH_GAMES).score
    expert = _report(name, "expert", PATH_GAMES).score
    random_score = _report(name, "random", RANDOM_GAMES).score
    assert escalate is not None and expert is not None and random_score is not None
    assert escalate.mean <= expert.mean - 30, (escalate, expert)
    assert escalate.mean < random_score.p50


@pytest.mark.parametrize("kind", KINDS)
def test_no_single_kind_matches_the_expert(kind: str) -> None:
    """Playing one kind of option every turn never does as well as the expert."""
    for name in SCENARIOS:
        always = _report(name, f"always-{kind}", KIND_GAMES).score
        expert = _report(name, "expert", PATH_GAMES).score
        assert always is not None and expert is not None
        assert always.mean < expert.mean - 3, (name, kind, always.mean, expert.mean)


# --- reachability -----------------------------------------------------------------


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_random_play_reaches_every_node_and_ending(name: str) -> None:
    report = _report(name, "random", RANDOM_GAMES)
    assert report.unvisited_nodes == [], report.node_visits
    assert report.unreached_endings == [], report.endings
    # Every ending is common enough to be met in practice, not only by a fluke.
    assert min(report.endings.values()) >= 5, report.endings


def test_batch_play_is_deterministic() -> None:
    scenario = _scenario("strait-2027")
    first = simulate(scenario, 50, "random", seed=7, workers=1)
    second = simulate(scenario, 50, "random", seed=7, workers=1)
    assert first == second
