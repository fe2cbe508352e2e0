"""SessionController: journal first, engine second, signals last; the decision clock."""

from __future__ import annotations

from typing import Any

import pytest

from game.engine import Session


@pytest.fixture
def controller(qtbot, journal, clock_factory):  # type: ignore[no-untyped-def]
    from game.ui.controller import SessionController

    ctrl = SessionController(journal, clock=clock_factory())
    yield ctrl
    ctrl.close()
    ctrl.deleteLater()


def test_every_choice_is_journaled_before_it_is_applied(controller, journal, tiny) -> None:  # type: ignore[no-untyped-def]
    sid = controller.start(tiny, seed=3, trainee="Blue")
    seen: list[tuple[int, int]] = []
    append = journal.append_input

    def spy(session_id: str, data: dict[str, Any], **how: Any) -> int:
        events_before = len(controller.session.events)
        seq = append(session_id, data, **how)
        seen.append((events_before, len(controller.session.events)))
        return seq

    journal.append_input = spy  # type: ignore[method-assign]
    results = []
    controller.resultReady.connect(results.append)
    controller.choose("call", "open a line")
    assert seen and seen[0][0] == seen[0][1], "events changed before the input was saved"
    assert results and results[0].events[0].type == "decision"
    stored = journal.inputs(sid)
    assert stored[0]["option"] == "call"
    assert stored[0]["rationale"] == "open a line"
    assert "seconds" in stored[0]


def test_a_refused_choice_is_neither_saved_nor_applied(controller, journal, tiny) -> None:  # type: ignore[no-untyped-def]
    sid = controller.start(tiny, seed=3)
    errors: list[str] = []
    controller.errorRaised.connect(errors.append)
    events = len(controller.session.events)
    assert controller.choose("no-such-option") is None
    assert errors and "not an option" in errors[0]
    assert journal.inputs(sid) == []
    assert len(controller.session.events) == events


def test_time_out_takes_the_scenario_rule(controller, journal, tiny, fake_time) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from game.scenario.loader import load_scenario_text

    tiny_yaml = Path(__file__).resolve().parent.parent / "engine" / "tiny.yaml"
    # tiny's second node with a time-out rule that is not "wait": the rule must win.
    ruled = load_scenario_text(tiny_yaml.read_text(encoding="utf-8").replace(
        "      time_limit: 60\n", "      time_limit: 60\n      on_timeout: back\n", 1), "tiny.yaml")
    assert ruled.nodes["second"].decision.on_timeout == "back"
    sid = controller.start(ruled, seed=3)
    ticks: list[int] = []
    controller.clock.ticked.connect(ticks.append)
    controller.choose("wait")
    controller.proceed()  # node "second" has a 60 s limit
    assert controller.current().time_limit == 60
    fake_time.advance(45)
    controller.clock.poll()
    assert ticks[-1] == 15
    # Paused time does not count.
    controller.set_paused(True)
    fake_time.advance(500)
    controller.clock.poll()
    assert controller.stage == "deciding"
    controller.set_paused(False)
    fake_time.advance(15)
    controller.clock.poll()
    assert controller.stage == "consequences"
    last = journal.inputs(sid)[-1]
    assert last["timed_out"] is True and last["seconds"] == 60
    assert last["option"] == "back"  # the scenario's on_timeout, not the wait option
    types = [d["type"] for d in journal.inputs(sid)]
    assert types == ["choose", "pause", "resume", "choose"]


def test_time_out_without_a_rule_waits(controller, journal, tiny, fake_time) -> None:  # type: ignore[no-untyped-def]
    assert tiny.nodes["second"].decision.on_timeout is None
    sid = controller.start(tiny, seed=3)
    controller.choose("wait")
    controller.proceed()
    fake_time.advance(61)
    controller.clock.poll()
    last = journal.inputs(sid)[-1]
    assert last["timed_out"] is True and last["option"] == "wait"


def test_seconds_to_decide_are_recorded(controller, journal, tiny, fake_time) -> None:  # type: ignore[no-untyped-def]
    sid = controller.start(tiny, seed=3)
    fake_time.advance(12.34)
    controller.choose("wait")
    assert journal.inputs(sid)[0]["seconds"] == 12.3


def test_killed_mid_session_resumes_from_the_journal_with_nothing_lost(  # type: ignore[no-untyped-def]
        qtbot, journal, tiny, clock_factory) -> None:
    from game.ui.controller import SessionController

    first = SessionController(journal, clock=clock_factory())
    sid = first.start(tiny, seed=11, trainee="Red")
    first.choose("call", "talk first")
    first.proceed()
    first.choose("back")
    before_events = first.session.events_json()
    before_meters = dict(first.session.meters)
    before_channels = dict(first.session.channels)
    del first  # the process "dies": no close, no finish

    second = SessionController(journal, clock=clock_factory())
    results = []
    second.resultReady.connect(results.append)
    with qtbot.waitSignal(second.sessionStarted, timeout=5000):
        second.resume_in_background(sid, tiny)
    assert second.session.events_json() == before_events
    assert second.session.meters == before_meters
    assert second.session.channels == before_channels
    assert second.trainee == "Red"
    # The last choice's consequences are shown again, then play goes on.
    assert second.stage == "consequences"
    assert results and results[-1].events[0].option == "back"
    second.proceed()
    assert second.current().node == "third"
    second.choose("allies")
    assert second.stage == "ended"
    assert journal.session(sid).ended
    replayed = Session.replay(tiny, 11, journal.inputs(sid))
    assert replayed.events_json() == second.session.events_json()
    second.close()


def test_resume_replays_on_the_recorded_scenario_not_a_loaded_other(  # type: ignore[no-untyped-def]
        controller, journal, tiny, flagship, clock_factory) -> None:
    from game.ui.controller import SessionController

    sid = controller.start(tiny, seed=1)
    controller.choose("call", "ring")
    again = SessionController(journal, clock=clock_factory())
    again.resume(sid, flagship)  # another scenario's content is not used to replay
    assert again.scenario.content_hash == tiny.content_hash
    assert again.session.events_json() == controller.session.events_json()
    again.close()


def test_resume_says_why_when_no_copy_of_the_scenario_exists(  # type: ignore[no-untyped-def]
        qtbot, controller, journal, tiny, tmp_path) -> None:
    from game.sessions import ScenarioUnavailable

    # A journal from before snapshots: the session names a file that is gone.
    sid = journal.create_session(
        scenario_id=tiny.id, scenario_version=tiny.model.version,
        content_hash=tiny.content_hash, scenario_title=tiny.model.title,
        scenario_path=str(tmp_path / "gone.yaml"), seed=1, roles=[])
    with pytest.raises(ScenarioUnavailable, match="holds no copy"):
        controller.resume(sid)
    errors: list[str] = []
    controller.errorRaised.connect(errors.append)
    controller.resume_in_background(sid)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "Could not resume" in errors[0] and "gone.yaml" in errors[0]
    assert controller.session is None and not controller.busy
