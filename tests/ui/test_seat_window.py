"""The app's side of a class: Join a session, a seat's play window, the joined console.

The other desks are :class:`ClassSession` objects on their own journal
connections (as on other machines); the window follows them through its
watcher thread, as it would follow a real class.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from game.records import Journal
from game.records.seating import Seating
from game.scenario.loader import load_scenario
from game.sessions import ClassSession

DRILL = Path(__file__).resolve().parents[1] / "seats" / "class_drill.yaml"


@pytest.fixture(scope="module")
def drill() -> Any:
    return load_scenario(DRILL)


@pytest.fixture
def class_code(journal: Journal, drill: Any) -> str:
    """A class session of the three-desk drill in the app's own store; its join code."""
    _sid, code = ClassSession.create(journal, drill, roles=["state", "defense", "nsc"], seed=3)
    return code


@pytest.fixture
def other_desk(tmp_store: Path, class_code: str) -> Any:
    """A desk on another connection: ``other_desk("defense")``."""
    opened: list[Journal] = []

    def make(role: str | None) -> ClassSession:
        journal = Journal(tmp_store)
        opened.append(journal)
        return ClassSession.join(journal, class_code, role=role, seat=f"{role}-desk")

    yield make
    for journal in opened:
        journal.close()


def _join(qtbot: Any, window: Any, code: str, role: str) -> Any:
    dialog = window.show_join()
    qtbot.keyClicks(dialog.code, code.lower())
    assert dialog.code.text() == code.upper()  # typed lower case, shown upper case
    dialog.look_up()
    qtbot.waitUntil(lambda: bool(dialog.group.buttons()), timeout=10000)
    button = next(b for b in dialog.group.buttons() if b.property("value") == role)
    button.setChecked(True)
    assert dialog.join_button.isEnabled()
    dialog.join_session()
    qtbot.waitUntil(lambda: window.controller is not None
                    and type(window.controller).__name__ == "SeatController", timeout=10000)
    return window.controller


def test_a_wrong_code_is_explained_in_the_dialog(qtbot: Any, make_window: Any,
                                                 class_code: str) -> None:
    window = make_window()
    dialog = window.show_join()
    wrong = "ZZZ-ZZZ" if class_code != "ZZZZZZ" else "YYY-YYY"
    qtbot.keyClicks(dialog.code, wrong)
    dialog.look_up()
    qtbot.waitUntil(lambda: dialog.problem.isVisible() and "join code" in dialog.problem.text(),
                    timeout=10000)
    assert f"has the join code {wrong}" in dialog.problem.text()
    assert not dialog.join_button.isEnabled()
    assert window.dialogs == [dialog] and window.page() == "home"
    dialog.reject()


def test_the_dialog_lists_the_roles_and_the_console(qtbot: Any, make_window: Any,
                                                    class_code: str) -> None:
    window = make_window()
    dialog = window.show_join()
    dialog.code.setText(class_code)
    dialog.look_up()
    qtbot.waitUntil(lambda: bool(dialog.group.buttons()), timeout=10000)
    assert [b.text() for b in dialog.group.buttons()] == [
        "State", "Defense", "NSC", "Facilitator console — hidden state, injects and overrides"]
    assert "“Class drill” · code" in dialog.found.text()
    assert not dialog.join_button.isEnabled()  # nothing chosen yet
    dialog.reject()


def test_a_seat_sees_its_messages_waits_for_others_and_decides_its_own(
        qtbot: Any, make_window: Any, class_code: str, other_desk: Any, journal: Journal) -> None:
    window = make_window()
    controller = _join(qtbot, window, class_code, "state")
    view = window.session_view
    play = view.play
    assert window.page() == "play"
    assert play.waiting.isVisible() and not play.decision.isVisible()
    assert play.waiting.headline.text() == "The Defense is deciding"
    assert not play.clock_bar.pause.isVisible()  # only the facilitator pauses a class
    joined = " ".join(play.feed.texts())
    assert "For State only: the ambassador can be reached tonight." in joined
    assert "For Defense only" not in joined
    # The Defense decides at its desk; this window hears of it and shows the consequences.
    other_desk("defense").decide("call-dtl", "military line first")
    qtbot.waitUntil(lambda: window.page() == "consequences", timeout=10000)
    assert view.consequences.decided_at.text.text() == \
        "Decided by the Defense; confirmed at defense-desk."
    # Another desk's decision: not "You chose" at the State's desk.
    story = view.consequences.story.toPlainText()
    assert "The Defense chose: " in story and "Their reasoning: “military line first”" in story
    assert "You chose" not in story
    view.consequences.go_on()
    assert window.page() == "play"
    assert play.decision.isVisible() and not play.waiting.isVisible()
    assert play.decision.option_ids() == ["back", "statement", "silence"]
    minutes, seconds = play.clock_bar.timer.text().removesuffix(" left").split(":")
    assert 55 <= int(minutes) * 60 + int(seconds) <= 60  # the shared 60-second clock
    play.decision.pick(0)
    play.decision.confirm_choice()
    assert window.page() == "consequences"
    sid = controller.desk.id
    last = journal.input_records(sid)[-1]
    assert last.data["option"] == "back" and last.data["role"] == "state"
    assert last.decision == "1/message"
    assert "You chose: " in view.consequences.story.toPlainText()  # the State's own, here


def test_a_choice_another_desk_confirmed_first_is_a_notice_not_an_error(
        qtbot: Any, make_window: Any, class_code: str, other_desk: Any, journal: Journal) -> None:
    window = make_window()
    controller = _join(qtbot, window, class_code, "defense")
    play = window.session_view.play
    assert play.decision.isVisible()
    play.decision.pick(0)
    rival = other_desk("defense")
    rival.decide("hold")  # a second Defense desk was quicker
    play.decision.confirm_choice()
    assert play.seat_bar.notice.text() == ("Already decided by defense-desk; your choice was "
                                           "not recorded.")
    assert not [d for d in window.dialogs if d.objectName() == "error"]  # no error box
    assert [d["option"] for d in journal.inputs(controller.desk.id)] == ["hold"]
    qtbot.waitUntil(lambda: window.page() == "consequences", timeout=10000)


def test_votes_are_cast_at_each_desk_and_shown_as_chips(
        qtbot: Any, make_window: Any, class_code: str, other_desk: Any, journal: Journal) -> None:
    defense, state = other_desk("defense"), other_desk("state")
    defense.decide("hold")
    state.refresh()
    state.decide("silence")
    window = make_window()
    controller = _join(qtbot, window, class_code, "nsc")
    view = window.session_view
    if window.page() == "consequences":
        view.consequences.go_on()
    play = view.play
    assert controller.seat_turn.kind == "vote" and play.decision.isVisible()
    play.decision.pick(1)  # steady
    play.decision.confirm_choice()
    assert controller.seat_turn.kind == "voted"
    assert play.waiting.headline.text() == "You voted for “Keep the posture as it is”"
    chips = [play.seat_bar.chips_row.itemAt(i).widget().text()
             for i in range(play.seat_bar.chips_row.count())]
    assert chips == ["… State", "… Defense", "✓ NSC"]  # who voted, never how
    state.refresh()
    state.vote("surge")
    defense.refresh()
    defense.vote("surge")  # the last vote: that desk confirms the tally
    qtbot.waitUntil(lambda: window.page() == "consequences", timeout=10000)
    text = view.consequences.decided_at.text.text()
    assert text.startswith("Team vote (majority) — ") and "→  taken: Surge two destroyers" in text
    assert journal.input_records(controller.desk.id)[-1].data["votes"] == {
        "defense": "surge", "nsc": "steady", "state": "surge"}


def test_the_console_joins_with_the_code_and_pauses_every_desk(
        qtbot: Any, make_window: Any, class_code: str, other_desk: Any, journal: Journal) -> None:
    from game.ui.facilitator.hookup import find_console

    state = other_desk("state")
    window = make_window()
    controller = _join(qtbot, window, class_code, "")
    console = find_console(window)
    assert console is not None and console.isVisible()
    assert console.class_bar.who.text() == "Facilitator console"
    assert console.class_bar.status.full_text() == "· Decision for: Defense"
    console.toggle_pause()
    sid = controller.desk.id
    assert [d["type"] for d in journal.inputs(sid)] == ["pause"]
    state.refresh()
    assert state.turn.kind == "paused"
    # The facilitator gives the decision 90 seconds, on every desk.
    assert controller.set_decision_time(90)
    state.refresh()
    clock = Seating(journal).clock(sid, "0/contact")
    assert clock is not None and clock.paused and clock.paused_left == pytest.approx(90)
    assert state.turn.clock == clock
    console.close()


def test_joining_works_from_the_keyboard(qtbot: Any, make_window: Any, class_code: str) -> None:
    from PySide6.QtCore import Qt

    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.dialogs), timeout=5000)
    dialog = next(d for d in window.dialogs if d.objectName() == "join-dialog")
    assert dialog.focusWidget() is dialog.code  # the code field is where typing goes
    qtbot.keyClicks(dialog.code, class_code)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter finds the session
    qtbot.waitUntil(lambda: bool(dialog.group.buttons()), timeout=10000)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.group.buttons()[0], timeout=5000)
    qtbot.keyClick(dialog.group.buttons()[0], Qt.Key.Key_Space)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter joins
    qtbot.waitUntil(lambda: window.page() == "play", timeout=10000)
    assert window.controller.role == "state"


def test_the_shared_clock_runs_out_once_and_every_desk_shows_it(
        qtbot: Any, make_window: Any, class_code: str, other_desk: Any, journal: Journal) -> None:
    console = other_desk(None)
    other_desk("defense").decide("hold")
    window = make_window()
    controller = _join(qtbot, window, class_code, "state")
    view = window.session_view
    if window.page() == "consequences":
        view.consequences.go_on()
    assert controller.seat_turn.kind == "decide"
    console.refresh()
    console.set_decision_time(1)  # the facilitator: one second left, for every desk
    qtbot.waitUntil(lambda: window.page() == "consequences", timeout=15000)
    assert "Time ran out" in view.consequences.story.toPlainText()
    last = journal.input_records(controller.desk.id)[-1]
    assert last.data["timed_out"] and last.data["option"] == "silence"
    assert last.decision == "1/message" and last.data["seat"] == "the decision clock"


def test_a_lost_server_hides_the_options_until_it_is_back(
        qtbot: Any, make_window: Any, class_code: str) -> None:
    window = make_window()
    controller = _join(qtbot, window, class_code, "defense")
    play = window.session_view.play
    assert play.decision.isVisible()
    controller._lost("the server went away")
    assert play.seat_bar.link.text() == "● Reconnecting…"
    assert not play.decision.isVisible() and play.waiting.isVisible()
    assert play.seat_bar.notice.text().startswith("The connection to the class server is lost")
    controller._back()
    assert play.seat_bar.link.text() == "● Connected"
    assert play.decision.isVisible()


def test_resuming_a_class_session_from_the_list_joins_it(
        qtbot: Any, make_window: Any, class_code: str, journal: Journal) -> None:
    window = make_window()
    (record,) = [r for r in journal.sessions() if r.mode == "class"]
    window.resume_session(record.id)  # the home screen's Resume on a class session
    dialog = next(d for d in window.dialogs if d.objectName() == "join-dialog")
    qtbot.waitUntil(lambda: bool(dialog.group.buttons()), timeout=10000)
    assert dialog.code.text() == f"{class_code[:3]}-{class_code[3:]}"
    assert window.page() == "home"  # nothing was resumed in hot-seat play
    dialog.reject()
