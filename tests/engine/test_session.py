from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import EngineError, Session
from game.engine.events import (
    CallResolved,
    Cause,
    DecisionTaken,
    InjectShown,
    LateAnswer,
    MeterChanged,
    ScoreGiven,
)
from game.scenario.compile import CompiledScenario


def play(scenario: CompiledScenario, seed: int, choices: list[str], **kw: object) -> Session:
    session = Session.start(scenario, seed=seed)
    for choice in choices:
        session.choose(choice, **kw)  # type: ignore[arg-type]
    return session


def test_first_view_shows_brief_injects_and_options(tiny: CompiledScenario) -> None:
    session = Session.start(tiny, seed=1)
    view = session.current()
    assert (view.node, view.title, view.turn, view.phase) == (
        "first",
        "Something in the sky",
        0,
        "briefing",
    )
    assert [o.id for o in view.options] == ["shoot", "call", "wait"]
    assert view.options[1].channel_label == "Defense telephone link"
    assert [i.text for i in view.injects] == ["It is big."]


def test_lifecycle_moves_through_phases(tiny: CompiledScenario) -> None:
    session = Session.start(tiny, seed=1)
    session.choose("wait")
    assert session.phase == "consequences" and session.node == "second"
    session.apply({"type": "pause"})
    assert session.phase == "paused"
    with pytest.raises(EngineError, match="paused"):
        session.choose("wait")
    session.apply({"type": "resume"})
    assert session.phase == "consequences"
    session.choose("wait")
    session.choose("allies")
    assert session.phase == "ended" and session.ended


def test_shootdown_closes_the_defense_link_by_precondition(tiny: CompiledScenario) -> None:
    for seed in range(20):
        session = play(tiny, seed, ["shoot"])
        session.choose("back")  # political channel: not gated
        calls = [e for e in session.events if isinstance(e, CallResolved)]
        assert calls[0].channel == "political"
    session = Session.start(tiny, seed=0)
    session.apply({"type": "set_flag", "flag": "shot", "value": True})
    result = session.choose("call")
    call = result.of(CallResolved)[0]
    assert call.result == "declined"
    assert call.reason == "The atmosphere is not right."
    assert session.channels["dtl"] == "declined"
    assert result.of_type("signal")[0].text == "The atmosphere is not right."  # type: ignore[attr-defined]


def test_calls_can_ring_and_be_answered_turns_later(tiny: CompiledScenario) -> None:
    late = None
    for seed in range(200):
        session = play(tiny, seed, ["call"])
        if session.channels["dtl"] == "ringing":
            session.choose("wait")
            late = [e for e in session.events if isinstance(e, LateAnswer)]
            if late:
                assert session.channels["dtl"] == "answered"
                assert "dtl" in session.contact and "military" in session.contact
                break
    assert late, "some seed should give a delayed answer"


def test_answer_effects_apply_with_their_cause(tiny: CompiledScenario) -> None:
    for seed in range(100):
        session = play(tiny, seed, ["wait", "back"])
        if session.channels["political"] == "answered":
            changes = [
                e for e in session.events
                if isinstance(e, MeterChanged) and e.cause.type == "answer"
            ]
            assert {c.meter for c in changes} == {"openness", "escalation"}
            assert all(c.cause.text == "Political back-channel answered" for c in changes)
            return
    pytest.fail("political channel never answered")


def test_meter_changes_carry_their_cause_and_are_clamped(tiny: CompiledScenario) -> None:
    session = play(tiny, 1, ["shoot"])
    change = next(e for e in session.events
                  if isinstance(e, MeterChanged) and e.meter == "escalation")
    assert change.cause == Cause("option", "shoot", "Shoot it down", "escalation += 30")
    assert change.to_dict()["cause"] == {
        "type": "option",
        "ref": "shoot",
        "text": "Shoot it down",
        "rule": "escalation += 30",
    }
    session.apply({"type": "adjust", "meter": "openness", "delta": 500, "reason": "test"})
    assert session.meters["openness"] == 100


def test_early_ending_fires_after_the_turn(tiny: CompiledScenario) -> None:
    session = play(tiny, 1, ["wait", "war"])
    assert session.ended
    assert session.outcome is not None and session.outcome.ending_id == "war"
    assert session.outcome.tone == "bad"
    assert session.peaks["escalation"] == 100


def test_fallback_ending_and_score_breakdown(tiny: CompiledScenario) -> None:
    session = play(tiny, 1, ["shoot", "wait", "concede"])
    assert session.outcome is not None
    assert session.outcome.ending_id == "freeze"
    parts = {p.key: p for p in session.outcome.parts}
    assert parts["contact"].points == 0
    assert parts["peak_escalation"].detail == "peak escalation risk 50"
    # By hand, with the default weights: escalation went 20 -> 50 (shoot) -> 40 (concede),
    # standing 50 -> 45, allies 50, no contact, nobody died:
    #   peak 30 * (1 - .50) = 15, final 10 * (1 - .40) = 6, no loss of life 15,
    #   standing 15 * (.45 + .50) / 2 = 7.125, contact, follow-up and early contact 0.
    points = {p.key: p.points for p in session.outcome.parts}
    assert points == pytest.approx({"peak_escalation": 15, "final_escalation": 6,
                                    "contact": 0, "channel_open": 0, "no_loss_of_life": 15,
                                    "standing": 7.125, "time_to_contact": 0})
    assert session.outcome.score == 43.1
    assert session.outcome.ratings == {"contact": "U"}
    score_event = session.events[-1]
    assert isinstance(score_event, ScoreGiven) and score_event.total == 43.1
    assert score_event.severity_total == 28 + 0 - 2


def test_invalid_choice_is_refused_and_not_recorded(tiny: CompiledScenario) -> None:
    session = Session.start(tiny, seed=1)
    with pytest.raises(EngineError, match="choose one of: shoot, call, wait"):
        session.choose("nope")
    assert session.inputs == []


def test_ended_session_refuses_choices(tiny: CompiledScenario) -> None:
    session = play(tiny, 1, ["wait", "war"])
    with pytest.raises(EngineError, match="ended"):
        session.choose("wait")


def test_facilitator_inputs_replay(tiny: CompiledScenario) -> None:
    session = Session.start(tiny, seed=5)
    session.apply(
        {"type": "inject", "sender": "Facilitator", "text": "A reporter calls.", "kind": "press"}
    )
    session.apply({"type": "force_answer", "channel": "dtl", "result": "answered"})
    result = session.choose("call", "test the line")
    assert result.of(CallResolved)[0].result == "answered"
    session.apply({"type": "jump", "node": "third"})
    assert session.current().node == "third"
    session.apply({"type": "note", "text": "good call"})
    session.choose("allies")
    again = Session.replay(tiny, 5, session.inputs)
    assert again.events_json() == session.events_json()
    assert any(isinstance(e, InjectShown) and e.facilitator for e in session.events)


def test_forced_answer_settles_a_ringing_call(tiny: CompiledScenario) -> None:
    for seed in range(200):
        session = play(tiny, seed, ["call"])
        if session.channels["dtl"] == "ringing":
            session.apply({"type": "force_answer", "channel": "dtl", "result": "declined"})
            assert session.channels["dtl"] == "declined"
            session.choose("wait")
            assert not [e for e in session.events if isinstance(e, LateAnswer)]
            return
    pytest.fail("no ringing call found")


def test_timeout_option_prefers_the_scenario_rule_then_wait(tiny: CompiledScenario) -> None:
    # tiny's second node has a time limit but no on_timeout rule: the wait option is taken.
    session = play(tiny, 1, ["wait"])
    assert session.current().time_limit == 60
    assert tiny.nodes["second"].decision.on_timeout is None
    assert session.timeout_option() == "wait"
    # With a rule naming another option, the rule wins over waiting.
    ruled = _tiny_with("      time_limit: 60\n", "      time_limit: 60\n      on_timeout: back\n")
    session = play(ruled, 1, ["wait"])
    assert session.timeout_option() == "back"
    # The third node offers no wait: without a rule the first option is taken, with one
    # the rule's option.
    session = play(tiny, 1, ["wait", "wait"])
    assert session.timeout_option() == "concede"
    third = _tiny_with("      vote: majority\n",
                       "      vote: majority\n      time_limit: 30\n      on_timeout: allies\n")
    session = play(third, 1, ["wait", "wait"])
    assert session.timeout_option() == "allies"


def _tiny_with(old: str, new: str) -> CompiledScenario:
    """tiny.yaml with one piece of text replaced (to give a node a time-out rule)."""
    from pathlib import Path

    from game.scenario.loader import load_scenario_text

    text = Path(__file__).with_name("tiny.yaml").read_text(encoding="utf-8")
    assert old in text
    return load_scenario_text(text.replace(old, new, 1), "tiny.yaml")


def test_restart_gives_the_same_game_as_a_fresh_session(tiny: CompiledScenario) -> None:
    reused = Session(tiny, 0, batch=True)
    for seed in range(10):
        reused.restart(seed)
        fresh = Session.start(tiny, seed=seed)
        for choice in ["call", "back", "allies"]:
            reused.choose(choice)
            fresh.choose(choice)
        assert reused.events_json() == fresh.events_json()


def _random_play(scenario: CompiledScenario, seed: int, choice_seed: int, batch: bool) -> Session:
    session = Session(scenario, seed, batch=batch)
    rng = random.Random(choice_seed)
    for _ in range(50):
        if session.ended:
            break
        session.choose(rng.choice(session.available()).id, rationale=str(rng.random()))
    return session


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), choice_seed=st.integers(0, 2**16))
def test_random_play_is_deterministic_bounded_and_ends(
    tiny: CompiledScenario, seed: int, choice_seed: int
) -> None:
    first = _random_play(tiny, seed, choice_seed, batch=False)
    assert first.ended
    for meter, spec in tiny.meters.items():
        values = [e.after for e in first.events if isinstance(e, MeterChanged) and e.meter == meter]
        assert all(spec.min <= v <= spec.max for v in values)
    replayed = Session.replay(tiny, seed, first.inputs)
    assert replayed.events_json() == first.events_json()
    batch = Session.replay(tiny, seed, first.inputs, batch=True)
    assert batch.events_json() == first.events_json()


def test_team_vote_majority_with_lead_tie_break(tiny: CompiledScenario) -> None:
    session = play(tiny, 1, ["wait", "wait"])
    assert session.team_roles() == ("lead", "deputy", "adviser")
    assert session.tally({"lead": "concede", "deputy": "allies", "adviser": "allies"}) == "allies"
    two = Session.start(tiny, seed=1, roles=["lead", "deputy"])
    two.choose("wait")
    two.choose("wait")
    assert two.tally({"lead": "concede", "deputy": "allies"}) == "concede"
    with pytest.raises(EngineError, match="waiting for the vote of: deputy"):
        two.tally({"lead": "concede"})
    with pytest.raises(EngineError, match="votes decide 'concede'"):
        two.choose("allies", votes={"lead": "concede", "deputy": "allies"})
    result = two.choose("concede", votes={"lead": "concede", "deputy": "allies"}, role="lead")
    decision = result.of(DecisionTaken)[0]
    assert dict(decision.votes or ()) == {"lead": "concede", "deputy": "allies"}
    assert decision.to_dict()["votes"] == {"lead": "concede", "deputy": "allies"}
    assert decision.vote_rule == "majority"


def test_a_suspended_channel_stays_suspended_when_called(tiny: CompiledScenario) -> None:
    for seed in range(30):
        session = Session.start(tiny, seed=seed)
        session.choose("wait")
        session.channels["political"] = "suspended"  # as a scenario effect would set it
        result = session.choose("back")
        call = result.of(CallResolved)[0]
        assert call.result == "unanswered"
        assert "suspended" in call.reason
        assert session.channels["political"] == "suspended"
        assert "political" not in session.contact


@pytest.mark.parametrize("batch", [True, False])
def test_snapshot_and_restore_fork_exactly(tiny: CompiledScenario, batch: bool) -> None:
    for seed in range(15):
        session = Session(tiny, seed, batch=batch)
        session.choose("call")
        fork = session.snapshot()
        before = session.events_json()
        session.choose("back")
        session.choose("allies")
        session.restore(fork)
        assert session.events_json() == before and not session.ended
        session.choose("wait")
        session.choose("concede")
        fresh = Session.replay(tiny, seed, [{"type": "choose", "option": o}
                                            for o in ("call", "wait", "concede")])
        assert session.events_json() == fresh.events_json()
        assert session.outcome == fresh.outcome


def test_detach_lets_go_of_the_machine(tiny: CompiledScenario) -> None:
    from game.engine.machines import attached_models, flow_machine

    session = Session.start(tiny, seed=1)
    assert session in flow_machine(tiny).models and session in attached_models()
    session.detach()
    assert session not in flow_machine(tiny).models and session not in attached_models()
    assert session.batch


def test_a_session_built_detached_can_be_attached_where_it_stands(
        tiny: CompiledScenario) -> None:
    from game.engine.machines import flow_machine

    session = Session.replay(tiny, 3, [{"type": "choose", "option": "call"}], batch=True)
    assert session not in flow_machine(tiny).models and session.node == "second"
    session.attach()
    assert session in flow_machine(tiny).models
    assert session.node == "second", "attaching must not reset the node to the start"
    session.choose("wait")
    live = Session.replay(tiny, 3, session.inputs)
    assert session.events_json() == live.events_json()
    session.detach()
    live.detach()
