"""Whose pause it is: only the facilitator lifts the facilitator's pause; each is credited."""

from __future__ import annotations

import pytest

from game.engine import EngineError, Session
from game.engine.events import FacilitatorAction
from game.scenario.compile import CompiledScenario


def facilitator_events(session: Session) -> list[tuple[str, str | None]]:
    return [(e.action, e.get("by")) for e in session.events
            if isinstance(e, FacilitatorAction) and e.action in ("pause", "resume")]


def test_the_trainees_cannot_resume_a_facilitators_pause(tiny: CompiledScenario) -> None:
    session = Session.start(tiny, seed=1)
    session.apply({"type": "pause", "by": "facilitator"})
    assert session.phase == "paused" and session.paused_by == "facilitator"
    with pytest.raises(EngineError, match="only the facilitator can resume"):
        session.validate_input({"type": "resume", "by": "trainee"})
    with pytest.raises(EngineError):
        session.apply({"type": "resume", "by": "trainee"})
    assert session.phase == "paused"
    session.apply({"type": "resume", "by": "facilitator"})
    assert session.phase != "paused" and session.paused_by is None


def test_a_trainees_pause_may_be_lifted_by_either(tiny: CompiledScenario) -> None:
    session = Session.start(tiny, seed=1)
    session.apply({"type": "pause", "by": "trainee"})
    assert session.paused_by == "trainee"
    session.apply({"type": "resume", "by": "trainee"})
    session.apply({"type": "pause", "by": "trainee"})
    session.apply({"type": "resume", "by": "facilitator"})
    assert facilitator_events(session) == [("pause", "trainee"), ("resume", "trainee"),
                                           ("pause", "trainee"), ("resume", "facilitator")]


def test_pauses_journaled_before_they_said_who_still_replay(tiny: CompiledScenario) -> None:
    inputs = [{"type": "pause"}, {"type": "resume"}, {"type": "pause"},
              {"type": "resume", "by": "trainee"}]
    session = Session.replay(tiny, 1, inputs)
    assert session.phase != "paused"
    assert facilitator_events(session)[-1] == ("resume", "trainee")


def test_only_trainee_or_facilitator_may_pause(tiny: CompiledScenario) -> None:
    session = Session.start(tiny, seed=1)
    with pytest.raises(EngineError, match="trainee or facilitator"):
        session.validate_input({"type": "pause", "by": "observer"})
