"""Monte Carlo simulation: determinism, parallelism, progress/cancel, reports."""

from __future__ import annotations

import json
from typing import Any

import pytest

from game.analysis import (
    SimulationError,
    SimulationReport,
    play_one,
    scenario_data,
    scenario_from_data,
    simulate,
)
from game.scenario import CompiledScenario


def test_play_one_summarises_a_game(tiny: CompiledScenario) -> None:
    summary = play_one(tiny, 4, "expert")
    assert summary.seed == 4
    assert summary.ending in {e.id for e in tiny.model.endings}
    assert 0 <= summary.score <= 100
    assert summary.turns == len(summary.path) == 3
    assert summary.visited == ("first", "second", "third")
    assert summary.peak_escalation >= 20
    assert play_one(tiny, 4, "expert") == summary


def test_same_seed_same_report(tiny: CompiledScenario) -> None:
    a = simulate(tiny, 400, "random", seed=7, workers=1)
    b = simulate(tiny, 400, "random", seed=7, workers=1, chunk_size=37)
    assert a == b
    assert a.games == 400 and not a.cancelled
    c = simulate(tiny, 400, "random", seed=8, workers=1)
    assert c != a


def test_report_independent_of_worker_count(tiny: CompiledScenario) -> None:
    one = simulate(tiny, 600, "random", seed=3, workers=1)
    two = simulate(tiny, 600, "random", seed=3, workers=2, chunk_size=50)
    assert two.workers == 2
    assert one == two
    assert one.to_dict() | {"elapsed": 0, "workers": 0} == two.to_dict() | {"elapsed": 0,
                                                                              "workers": 0}


def test_game_i_uses_seed_plus_i(tiny: CompiledScenario) -> None:
    report = simulate(tiny, 30, "random", seed=100, workers=1)
    games = [play_one(tiny, 100 + i, "random") for i in range(30)]
    endings: dict[str, int] = {}
    for game in games:
        endings[game.ending] = endings.get(game.ending, 0) + 1
    assert {k: v for k, v in report.endings.items() if v} == endings
    assert report.turns_total == sum(g.turns for g in games)
    assert report.peak_escalation_max == max(g.peak_escalation for g in games)


def test_report_contents(tiny: CompiledScenario) -> None:
    report = simulate(tiny, 500, "random", workers=1)
    assert list(report.endings) == ["war", "talk", "freeze"]
    assert sum(report.endings.values()) == report.games == 500
    score = report.score
    assert score is not None
    assert score.min <= score.p10 <= score.p25 <= score.p50 <= score.p75 <= score.p90 <= score.max
    assert report.node_visits["first"] == 500
    assert report.node_coverage == 1.0 and report.ending_coverage == 1.0
    # Per-decision counts: every game decided at 'first'.
    first = report.decisions["first"]
    assert sum(sum(by_end.values()) for by_end in first.values()) == 500
    assert set(first) == {"shoot", "call", "wait"}
    # The per-decision table and the endings tally are counted separately; they agree.
    for ending, count in report.endings.items():
        assert sum(by_end.get(ending, 0) for by_end in first.values()) == count, ending
    # Shooting first gates the defense link (its precondition): calling first ends in
    # talks far more often than shooting first does.
    def talk_share(option: str) -> float:
        return first[option].get("talk", 0) / sum(first[option].values())

    assert talk_share("call") > 2 * talk_share("shoot")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["games"] == 500 and data["coverage"]["unvisited_nodes"] == []


def test_expert_clearly_beats_random(any_scenario: CompiledScenario) -> None:
    if not any_scenario.expert:
        pytest.skip("scenario has no expert path")
    expert = simulate(any_scenario, 200, "expert", workers=1)
    rand = simulate(any_scenario, 200, "random", workers=1)
    assert expert.score is not None and rand.score is not None
    assert expert.score.mean > rand.score.p75
    assert expert.score.p50 > rand.score.p50


def test_historical_path_mostly_ends_historically(any_scenario: CompiledScenario) -> None:
    historical = any_scenario.model.historical
    if historical is None:
        pytest.skip("scenario has no historical path")
    report = simulate(any_scenario, 200, "historical", workers=1)
    assert max(report.endings, key=lambda e: report.endings[e]) == historical.ending


def test_progress_and_cancel(tiny: CompiledScenario) -> None:
    seen: list[tuple[int, int]] = []
    report = simulate(tiny, 250, "random", workers=1, chunk_size=50,
                      progress=lambda d, t: seen.append((d, t)))
    assert seen == [(50, 250), (100, 250), (150, 250), (200, 250), (250, 250)]
    assert not report.cancelled

    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    partial = simulate(tiny, 250, "random", workers=1, chunk_size=50, cancel=cancel)
    assert partial.cancelled and partial.games == 100 and partial.requested == 250
    assert sum(partial.endings.values()) == 100


def test_cancel_in_parallel(tiny: CompiledScenario) -> None:
    done: list[int] = []
    report = simulate(tiny, 2000, "random", workers=2, chunk_size=50,
                      progress=lambda d, t: done.append(d), cancel=lambda: len(done) >= 3)
    assert report.cancelled
    assert 0 < report.games < 2000
    assert report.games == sum(report.endings.values())


def test_nothing_played_before_cancel(tiny: CompiledScenario) -> None:
    report = simulate(tiny, 100, "random", workers=1, cancel=lambda: True)
    assert report.cancelled and report.games == 0 and report.score is None
    assert report.to_dict()["score"] is None


def test_bad_arguments(tiny: CompiledScenario) -> None:
    with pytest.raises(ValueError):
        simulate(tiny, 0, "random")
    with pytest.raises(ValueError):
        simulate(tiny, 10, "random", workers=0)
    with pytest.raises(ValueError, match="valid policies"):
        simulate(tiny, 10, "nope")


def test_custom_policy_callable_runs_in_process(tiny: CompiledScenario) -> None:
    def first_option(session: Any, rng: Any) -> str:
        return str(session.available()[0].id)

    report = simulate(tiny, 2500, first_option, workers=2)
    assert report.workers == 1 and report.policy == "first_option"
    assert sum(report.decisions["first"]["shoot"].values()) == 2500
    assert sum(report.decisions["second"]["back"].values()) == 2500


def _looping(tiny: CompiledScenario) -> CompiledScenario:
    """Tiny, where the first node only ever leads back to itself in play.

    The way on is guarded by a condition that cannot hold (escalation stays
    at most 100), so validation, which ignores conditions, lets it through.
    """
    data = scenario_data(tiny)
    for option in data["nodes"][0]["decision"]["options"]:
        option["next"] = [{"when": "escalation > 1000", "goto": "second"}, {"goto": "first"}]
    data["endings"] = [e for e in data["endings"] if not e.get("early")]
    data["historical"] = None
    return scenario_from_data(data)


def test_a_game_without_end_is_reported(tiny: CompiledScenario) -> None:
    looping = _looping(tiny)
    with pytest.raises(SimulationError, match="no ending after 40 decisions"):
        play_one(looping, 0, "random", max_turns=40)
    with pytest.raises(SimulationError, match="loop"):
        simulate(looping, 10, "random", workers=1, max_turns=40)
    with pytest.raises(SimulationError, match="loop"):
        simulate(looping, 10, "random", workers=2, max_turns=40)


def test_workers_rebuild_the_same_scenario(tiny: CompiledScenario) -> None:
    rebuilt = scenario_from_data(scenario_data(tiny), "x.yaml")
    assert rebuilt.content_hash == tiny.content_hash
    assert isinstance(simulate(rebuilt, 5, "random"), SimulationReport)
