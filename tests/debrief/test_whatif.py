"""What-if forks: deterministic, and every road is a real session."""

from __future__ import annotations

import pytest
from debrief_fixtures import INPUTS, SEED

from game.debrief.whatif import decision_inputs, fork_prefix, road_inputs, what_if
from game.engine.session import Session
from game.scenario.compile import CompiledScenario


def test_fork_prefix_keeps_facilitator_inputs() -> None:
    assert decision_inputs(INPUTS) == [0, 2, 3]
    assert fork_prefix(INPUTS, 0) == []
    assert [d["type"] for d in fork_prefix(INPUTS, 1)] == ["choose", "note"]
    with pytest.raises(IndexError, match="decision 4 does not exist"):
        fork_prefix(INPUTS, 3)


def test_every_alternative_is_played(tiny: CompiledScenario) -> None:
    result = what_if(tiny, SEED, INPUTS, 0, n=50)
    assert [b.option for b in result.branches] == ["shoot", "call", "wait"]
    chosen = [b.option for b in result.branches if b.chosen]
    assert chosen == ["call"]
    assert [b.option for b in result.branches if b.expert_pick] == ["call"]
    for branch in result.branches:
        assert branch.expert is not None and branch.random is not None
        assert branch.random.n == 50
        assert sum(c for _e, c in branch.random.endings) == 50
        assert branch.random.min_score <= branch.random.mean_score <= branch.random.max_score
    # Shooting first closes the military line: no contact on any random road.
    assert result.branch("shoot").random.contact_rate == 0.0  # type: ignore[union-attr]


def test_what_ifs_are_deterministic(tiny: CompiledScenario) -> None:
    a = what_if(tiny, SEED, INPUTS, 1, n=40, keep_roads=True)
    b = what_if(tiny, SEED, INPUTS, 1, n=40, keep_roads=True)
    assert a == b
    reused = Session(tiny, 999, batch=True)  # a reused batch session gives the same answer
    c = what_if(tiny, SEED, INPUTS, 1, n=40, keep_roads=True, session=reused)
    assert c == a


@pytest.mark.parametrize("decision", [0, 1, 2])
def test_roads_equal_a_fresh_play_of_the_same_inputs(tiny: CompiledScenario,
                                                     decision: int) -> None:
    result = what_if(tiny, SEED, INPUTS, decision, n=25, keep_roads=True)
    prefix = fork_prefix(INPUTS, decision)
    for branch in result.branches:
        roads = [branch.expert, *branch.roads] if branch.expert else list(branch.roads)
        for road in roads:
            assert road is not None
            fresh = Session.replay(tiny, SEED, road_inputs(prefix, road))
            assert fresh.outcome is not None
            assert fresh.outcome.ending_id == road.ending
            assert fresh.outcome.score == road.score
            assert fresh.peaks["escalation"] == road.peak_escalation


def test_the_chosen_branch_with_the_recorded_continuation_is_the_session(
        tiny: CompiledScenario) -> None:
    # The expert made the same choices as this trainee, so the expert road from
    # the trainee's own option at decision 1 is the recorded session itself.
    recorded = Session.replay(tiny, SEED, INPUTS, batch=True)
    result = what_if(tiny, SEED, INPUTS, 0, n=5)
    expert = result.branch("call").expert
    assert expert is not None and recorded.outcome is not None
    assert expert.ending == recorded.outcome.ending_id
    assert expert.score == recorded.outcome.score


def test_progress_and_cancel(tiny: CompiledScenario) -> None:
    seen: list[tuple[int, int]] = []
    what_if(tiny, SEED, INPUTS, 0, n=30, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (93, 93)  # 3 alternatives × (1 expert + 30 random)
    assert all(a <= b for (a, _), (b, _) in zip(seen, seen[1:], strict=False))
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 40

    partial = what_if(tiny, SEED, INPUTS, 0, n=30, cancel=cancel)
    assert partial.cancelled
    assert len(partial.branches) == 2
    assert partial.branches[0].random is not None and partial.branches[0].random.n == 30


@pytest.mark.parametrize("decision", [1, 2])
def test_snapshot_at_the_fork_equals_replaying_the_prefix(tiny: CompiledScenario,
                                                         decision: int) -> None:
    fast = what_if(tiny, SEED, INPUTS, decision, n=30, keep_roads=True)
    slow = what_if(tiny, SEED, INPUTS, decision, n=30, keep_roads=True, snapshot=False)
    assert fast == slow


def test_worker_processes_give_the_same_answer(tiny: CompiledScenario) -> None:
    alone = what_if(tiny, SEED, INPUTS, 1, n=60, keep_roads=True)
    shared = what_if(tiny, SEED, INPUTS, 1, n=60, keep_roads=True, workers=2)
    assert shared == alone


@pytest.mark.parametrize("decision", [0, 1, 2])
def test_the_kernel_plays_the_roads_as_the_engine_does(tiny: CompiledScenario,
                                                       decision: int) -> None:
    """Roads are played by the batch kernel from the engine's state at the fork;
    the engine playing them gives the very same what-ifs."""
    kernel = what_if(tiny, SEED, INPUTS, decision, n=30, keep_roads=True)
    engine = what_if(tiny, SEED, INPUTS, decision, n=30, keep_roads=True, engine=True)
    assert kernel == engine
    # the last decision ends the game; before it the roads play on
    assert any(road.choices for branch in kernel.branches
               for road in branch.roads) == (decision < 2)


def test_the_kernel_roads_match_on_a_long_scenario() -> None:
    """The flagship, forked after facilitator inputs (a forced answer, an adjustment)."""
    from pathlib import Path

    from game.scenario.loader import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios"
                             / "balloon-2023.yaml")
    session = Session(scenario, 31, batch=True)
    session.choose(session.available()[1].id)
    session.apply({"type": "force_answer", "channel": "dtl", "result": "answered"})
    session.apply({"type": "adjust", "meter": "escalation", "delta": 12})
    while not session.ended:
        session.choose(session.available()[0].id)
    inputs = session.inputs
    for decision in (1, 4):
        assert what_if(scenario, 31, inputs, decision, n=20, keep_roads=True) == what_if(
            scenario, 31, inputs, decision, n=20, keep_roads=True, engine=True)


@pytest.mark.parametrize("decision", [0, 1])
def test_other_rolls_of_the_dice_are_the_engines(tiny: CompiledScenario, decision: int) -> None:
    """luck.add_dice plays the expert on from each alternative over other dice in
    the batch kernel; the engine playing them gives the same distributions."""
    from game.debrief.luck import add_dice

    kernel = add_dice(what_if(tiny, SEED, INPUTS, decision, n=10), tiny, INPUTS, m=40)
    engine = add_dice(what_if(tiny, SEED, INPUTS, decision, n=10), tiny, INPUTS, m=40,
                      engine=True)
    assert kernel == engine
    assert all(branch.dice is not None and branch.dice.n == 40 for branch in kernel.branches)
    # other dice, other games: the distributions are not all one road's
    assert any(branch.dice is not None and branch.dice.min_score < branch.dice.max_score
               for branch in kernel.branches)
