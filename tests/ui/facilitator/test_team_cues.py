"""Team-play cues: NEW for each role's own messages, no clock behind the cover, whose pause.

Drives the team drill (``team.yaml``): the lead decides first, the deputy
second (60 s limit), then a majority vote. Messages for the deputy arrive at
the first decision, while the lead holds the keyboard.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel

DEPUTY_FIRST = "For the deputy only: fighters are on alert."
DEPUTY_SECOND = "For the deputy only: their attaché hints at a call."
LEAD_SECOND = "For the lead only: a reporter has the story."
EVERYONE_FIRST = "It is big."


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def new_texts(window) -> set[str]:  # type: ignore[no-untyped-def]
    """The messages the feed marks NEW for whoever is at the keyboard."""
    feed = window.session_view.play.feed
    feed.refresh()
    return {c.item.text for c in feed.cards if c.new_mark.isVisibleTo(c)}


def decide(window, option: str) -> None:  # type: ignore[no-untyped-def]
    play = window.session_view.play
    play.handover.dismiss()
    assert play.decision.pick_id(option), option
    play.decision.confirm_choice()
    settle()


def go_on(window) -> None:  # type: ignore[no-untyped-def]
    window.session_view.consequences.go_on()
    settle()


def test_a_message_for_one_role_is_new_when_that_role_sits_down(facilitated) -> None:  # type: ignore[no-untyped-def]
    window, _console, controller = facilitated(roles=["lead", "deputy"], seed=0)
    play = window.session_view.play
    play.handover.dismiss()
    assert controller.shown_role == "lead"
    assert EVERYONE_FIRST in new_texts(window)
    assert DEPUTY_FIRST not in new_texts(window), "the lead never sees the deputy's message"
    decide(window, "call")
    go_on(window)
    play.handover.dismiss()
    assert controller.shown_role == "deputy"
    fresh = new_texts(window)
    # Sent a decision ago, while the lead held the keyboard: the deputy has not seen it.
    assert DEPUTY_FIRST in fresh
    assert DEPUTY_SECOND in fresh
    # Everyone's message from decision 1 too: the deputy looked away while the lead read it.
    assert EVERYONE_FIRST in fresh
    heading = play.feed.heading.text()
    assert heading.endswith(f"{len(fresh)} NEW")
    decide(window, "hold")
    go_on(window)
    # The vote: the lead first. The lead's own message from decision 2 is new for them.
    play.handover.dismiss()
    assert controller.shown_role == "lead"
    assert LEAD_SECOND in new_texts(window)
    play.decision.pick_id("allies")
    play.decision.confirm_choice()
    settle()
    play.handover.dismiss()
    assert controller.shown_role == "deputy"
    # Seen once the deputy has decided: NEW is gone for the deputy now.
    assert DEPUTY_FIRST not in new_texts(window)
    assert DEPUTY_SECOND not in new_texts(window)


def test_new_survives_a_resume(facilitated, journal) -> None:  # type: ignore[no-untyped-def]
    """What a role has seen follows from the journal, so a resumed session marks the same."""
    window, _console, controller = facilitated(roles=["lead", "deputy"], seed=0)
    decide(window, "call")
    go_on(window)
    window.session_view.play.handover.dismiss()
    before = new_texts(window)
    session_id = controller.session_id
    scenario = controller.scenario
    window.go_home()
    again = window._new_controller()
    again.resume(session_id, scenario)
    settle()
    go_on(window)  # a resume shows the last consequences again first
    window.session_view.play.handover.dismiss()
    assert new_texts(window) == before
    assert DEPUTY_FIRST in before


def test_the_decision_clock_does_not_run_behind_the_hand_over_cover(  # type: ignore[no-untyped-def]
        facilitated, fake_time) -> None:
    window, _console, controller = facilitated(roles=["lead", "deputy"], seed=0)
    decide(window, "call")
    go_on(window)
    play = window.session_view.play
    cover = play.handover
    assert cover.covering and controller.current().time_limit == 60
    assert controller.clock.held
    fake_time.advance(300)  # the team argues over who sits down: five minutes
    controller.clock.poll()
    settle()
    assert controller.stage == "deciding", "time ran out while nobody could see the decision"
    assert controller.clock.remaining() == 60
    qtbot_free_click(cover)
    assert not cover.covering and not controller.clock.held
    fake_time.advance(20)
    controller.clock.poll()
    assert controller.clock.remaining() == 40
    assert play.clock_bar.timer.text() == "0:40 left"
    decide(window, "hold")
    decision = [e for e in controller.session.events if e.type == "decision"][-1]
    assert decision.seconds == 20.0, "time behind the cover is not time spent deciding"


def test_each_voter_gets_the_clock_only_once_their_cover_is_gone(  # type: ignore[no-untyped-def]
        facilitated, fake_time) -> None:
    window, console, controller = facilitated(roles=["lead", "deputy"], seed=0)
    decide(window, "call")
    go_on(window)
    decide(window, "hold")
    go_on(window)
    controller.set_decision_time(90)
    play = window.session_view.play
    assert play.handover.covering
    fake_time.advance(500)
    controller.clock.poll()
    play.handover.dismiss()
    fake_time.advance(30)
    controller.clock.poll()
    play.decision.pick_id("allies")
    play.decision.confirm_choice()
    settle()
    assert play.handover.covering and controller.clock.held
    fake_time.advance(500)
    controller.clock.poll()
    settle()
    assert controller.stage == "deciding" and controller.votes == {"lead": "allies"}
    assert controller.clock.remaining() == 60


def qtbot_free_click(cover) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtTest import QTest

    QTest.mouseClick(cover.ready, Qt.MouseButton.LeftButton)
    settle()


# --- whose pause ---------------------------------------------------------------------------


def press_p(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtTest import QTest

    QTest.keyClick(window.session_view.play, Qt.Key.Key_P)
    settle()


def test_the_trainees_cannot_lift_the_facilitators_pause(facilitated, journal) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(roles=["lead"], seed=0)
    play = window.session_view.play
    console.toggle_pause()
    settle()
    assert controller.paused
    assert controller.session.paused_by == "facilitator"
    assert play.clock_bar.pause.text() == "Paused by the facilitator"
    assert not play.clock_bar.pause.isEnabled()
    assert "until the facilitator resumes" in play.paused_text.text()
    press_p(window)
    assert controller.paused, "the trainee's P lifted the facilitator's pause"
    play.clock_bar.toggle_pause()
    assert controller.paused
    # Straight to the controller, as a stray input would: the engine refuses it too.
    controller.set_paused(False)
    assert controller.paused
    console.toggle_pause()
    settle()
    assert not controller.paused
    inputs = [d for d in journal.inputs(controller.session_id) if d["type"] in ("pause",
                                                                             "resume")]
    assert inputs == [{"type": "pause", "by": "facilitator"},
                      {"type": "resume", "by": "facilitator"}]


def test_each_pause_and_resume_is_credited_to_whoever_made_it(facilitated, journal) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(roles=["lead"], seed=0)
    play = window.session_view.play
    press_p(window)
    assert controller.paused and controller.session.paused_by == "trainee"
    assert play.clock_bar.pause.text() == "Resume" and play.clock_bar.pause.isEnabled()
    # The facilitator may lift the trainees' pause.
    console.toggle_pause()
    settle()
    assert not controller.paused
    press_p(window)
    press_p(window)
    assert not controller.paused
    inputs = [d for d in journal.inputs(controller.session_id) if d["type"] in ("pause",
                                                                             "resume")]
    assert [(d["type"], d["by"]) for d in inputs] == [
        ("pause", "trainee"), ("resume", "facilitator"), ("pause", "trainee"),
        ("resume", "trainee")]
    console.refresh()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the old lines go
    log = [w.text() for w in console.log_scroll.findChildren(QLabel)
           if w.objectName() == "console-log-line"]
    assert sum("Trainees paused" in t for t in log) == 2, log
    assert sum("Trainees resumed" in t for t in log) == 1
    assert sum(": Resume:" in t or "· Resume:" in t for t in log) == 1, log
    assert not any("· Pause:" in t for t in log), "the console took a trainee's pause for its own"
