"""The decision clock in a facilitated team session: countdown, warnings, the time-out rule.

The clock reads a fake time source the test moves by hand; nothing waits.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def tick(controller, fake_time, seconds: float) -> None:  # type: ignore[no-untyped-def]
    fake_time.advance(seconds)
    controller.clock.poll()
    settle()


def to_second_decision(window) -> None:  # type: ignore[no-untyped-def]
    """The lead calls; the deputy is at the keyboard for the timed decision."""
    play = window.session_view.play
    play.handover.dismiss()
    play.decision.pick_id("call")
    play.decision.confirm_choice()
    settle()
    window.session_view.consequences.go_on()
    settle()
    play.handover.dismiss()


def test_the_time_out_rule_fires_with_warnings_first(facilitated, journal, fake_time) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(roles=["lead", "deputy"], seed=0)
    to_second_decision(window)
    play = window.session_view.play
    warning = play.time_warning
    assert controller.current().time_limit == 60
    assert play.clock_bar.timer.text() == "1:00 left"
    assert console.timer.text() == "1:00 left"
    assert "on time-out: “Hold and watch”" in console.timeout.text()
    tick(controller, fake_time, 25)
    assert not warning.isVisibleTo(play)
    tick(controller, fake_time, 6)  # 29 s left
    assert warning.isVisibleTo(play)
    assert warning.text.text() == ("29 seconds left. When time runs out, the scenario takes "
                                   "“Hold and watch”.")
    assert warning.text.property("tone") == "waiting"
    assert play.clock_bar.timer.property("timer") == "warning"
    assert console.timer.property("timer") == "warning"
    # A pause from the console stops the countdown (and hides the warning).
    console.toggle_pause()
    assert not warning.isVisibleTo(play)
    tick(controller, fake_time, 500)
    assert controller.stage == "deciding"
    console.toggle_pause()
    tick(controller, fake_time, 20)  # 9 s left
    assert warning.text.property("tone") == "bad"
    assert play.clock_bar.timer.property("timer") == "urgent"
    tick(controller, fake_time, 9)
    assert controller.stage == "consequences"
    decision = [e for e in controller.session.events if e.type == "decision"][-1]
    assert decision.option == "hold"  # the scenario's on_timeout
    assert decision.timed_out is True and decision.seconds == 60
    assert decision.role == "deputy"
    assert not warning.isVisibleTo(play)
    last = [d for d in journal.inputs(controller.session_id) if d["type"] == "choose"][-1]
    assert last["timed_out"] is True and last["option"] == "hold"


def test_a_time_out_during_a_team_vote_drops_the_votes(facilitated, journal, fake_time) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(roles=["lead", "deputy"], seed=0)
    to_second_decision(window)
    play = window.session_view.play
    play.decision.pick_id("hold")
    play.decision.confirm_choice()
    settle()
    window.session_view.consequences.go_on()
    settle()
    play.handover.dismiss()
    assert controller.vote_rule() == "majority"
    assert controller.current().time_limit is None
    # The facilitator gives the team 30 seconds for this vote.
    clock = console.clock_control
    clock.seconds.setValue(30)
    clock.set.click()
    settle()
    assert controller.clock.remaining() == 30
    play.decision.pick_id("allies")
    play.decision.confirm_choice()  # the lead votes
    settle()
    assert controller.votes == {"lead": "allies"}
    assert controller.clock.remaining() == 30, "a vote does not restart the countdown"
    play.handover.dismiss()
    tick(controller, fake_time, 25)
    assert "the votes cast so far are dropped" in play.time_warning.text.text()
    tick(controller, fake_time, 5)
    assert controller.stage in ("consequences", "ended")
    decision = [e for e in controller.session.events if e.type == "decision"][-1]
    assert decision.timed_out is True
    assert decision.votes is None
    assert decision.option == controller.scenario.nodes["third"].decision.options[0].id
    notes = [d for d in journal.inputs(controller.session_id) if d["type"] == "note"]
    assert notes and notes[0]["time_limit"] == 30


def test_a_limit_for_every_decision_overrides_the_scenario(facilitated, fake_time) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(roles=["lead", "deputy"], seed=0)
    clock = console.clock_control
    clock.seconds.setValue(45)
    clock.every.setChecked(True)
    clock.set.click()
    settle()
    assert controller.default_time_limit == 45
    assert controller.clock.remaining() == 45
    assert not clock.scenario_default.isHidden()
    to_second_decision(window)
    assert controller.current().time_limit == 60  # the scenario's
    assert controller.clock.remaining() == 45  # the facilitator's
    clock.scenario_default.click()
    settle()
    assert controller.default_time_limit is None
