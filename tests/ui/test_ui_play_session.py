"""A trainee plays the flagship from the home screen to an ending with clicks and keys only.

Asserts on what is on screen: the channel board against the engine's channel
statuses, the meter read-outs against the meters, the consequences screen,
and the ending's title and score.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from game.ui.present import STATUS_LABELS


def press(qtbot, window, key, text: str = "", modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """Type a key where the keyboard focus is, as a user would."""
    # The window's focus widget gets the keys while the window is active; the
    # offscreen platform sometimes drops activation, so ask the window itself.
    target = window.focusWidget()
    assert target is not None and target.isVisible(), f"nothing has the focus ({target})"
    qtbot.keyClick(target, key, modifier)
    settle()


def settle() -> None:
    """Let queued work run, as the event loop would between two key presses."""
    QApplication.processEvents()


def visible_texts(root: QWidget) -> list[str]:
    return [w.text() for w in root.findChildren(QLabel) if w.isVisibleTo(root) and w.text()]


def check_board_and_meters(view, session) -> None:  # type: ignore[no-untyped-def]
    board = view.board
    for channel, status in session.channels.items():
        row = board.rows[channel]
        assert row.status.text() == STATUS_LABELS[status], channel
        assert row.isVisibleTo(board)
    meters = view.meters.meters
    visible = [m.id for m in session.scenario.model.meters if not m.hidden]
    assert list(meters) == sorted(visible, key=lambda m: m != "escalation")
    for meter_id, widget in meters.items():
        shown = widget.value.text().split()[0]
        assert shown == f"{session.meters[meter_id]:.0f}", meter_id


def test_play_the_flagship_to_an_ending_with_mouse_and_keyboard(  # type: ignore[no-untyped-def]
        qtbot, make_window, journal, fake_time) -> None:
    window = make_window()
    assert window.page() == "home"
    featured = window.home.cards[0]
    assert featured.property("card") == "default"
    assert "Balloon" in featured.entry.title
    qtbot.mouseClick(featured.start, Qt.MouseButton.LeftButton)
    settle()
    assert window.page() == "new-session"
    setup = window.new_session
    setup.name.setFocus()
    qtbot.keyClicks(setup.name, "Blue Team")
    assert not setup.seed_row.isVisible(), "the seed is hidden until Advanced is ticked"
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.page() == "play"
    controller = window.controller
    view = window.session_view
    session = controller.session
    assert journal.session(controller.session_id).trainee == "Blue Team"

    turns = 0
    saw_call_answer = False
    while controller.stage != "ended":
        assert window.page() == "play"
        play = view.play
        turn = controller.current()
        assert play.clock_bar.title.text() == turn.title
        assert play.decision.prompt.text() == turn.prompt
        assert play.brief.text() == turn.brief.strip()
        check_board_and_meters(play, session)
        buttons = play.decision.buttons
        assert [b.option.id for b in buttons] == sorted(
            (o.id for o in turn.options), key=[b.option.id for b in buttons].index)
        assert {b.option.id for b in buttons} == {o.id for o in turn.options}
        # Prefer talking: the first call or back-channel, else the first option.
        index = next((i for i, b in enumerate(buttons)
                      if b.option.kind in ("back_channel", "call")
                      and session.channels.get(b.option.channel or "") != "suspended"), 0)
        fake_time.advance(7)
        if turns % 2 == 0:  # keyboard: number, a rationale, Enter from the why box
            press(qtbot, window, Qt.Key.Key_1 + index if index < 9 else Qt.Key.Key_0)
            assert play.decision.selected() is buttons[index]
            play.decision.rationale.setFocus()
            qtbot.keyClicks(play.decision.rationale, f"turn {turns}")
            press(qtbot, window, Qt.Key.Key_Return)
        else:  # mouse: click the option, click Confirm
            qtbot.mouseClick(buttons[index], Qt.MouseButton.LeftButton)
            assert play.decision.confirm.isEnabled()
            qtbot.mouseClick(play.decision.confirm, Qt.MouseButton.LeftButton)
            settle()
        turns += 1
        assert window.page() == "consequences"
        consequences = view.consequences
        shown = consequences.texts()
        chosen = buttons[index].option
        assert any(chosen.label in t for t in shown)
        if consequences.view.calls:
            saw_call_answer = True
            call = consequences.view.calls[0]
            assert call.status_label in shown
        check_board_and_meters(consequences, session)
        for change in consequences.view.meter_changes:
            assert change.label in shown
        press(qtbot, window, Qt.Key.Key_Return)
        assert turns < 40, "the session never ended"

    assert saw_call_answer
    assert window.page() == "end"
    outcome = controller.outcome
    end = view.end
    assert end.ending_title.text() == outcome.title
    # one decimal, as every screen shows a score (an integral one too: "68.0")
    assert re.fullmatch(r"\d{1,3}\.\d", end.score.text()), end.score.text()
    assert float(end.score.text()) == outcome.score
    texts = visible_texts(end)
    for part in outcome.parts:
        assert part.label in texts
    for objective in session.scenario.model.objectives:
        assert objective.text in texts
    record = journal.session(controller.session_id)
    assert record.ended and record.ending_id == outcome.ending_id
    inputs = journal.inputs(controller.session_id)
    assert [i["rationale"] for i in inputs[::2] if i["type"] == "choose"][:2] == \
        ["turn 0", "turn 2"]
    # Enter on the end screen opens the debrief (or its timeline stand-in).
    opened_before = len(window.windows)
    press(qtbot, window, Qt.Key.Key_Return)
    assert len(window.windows) == opened_before + 1
    window.windows[-1].close()


def test_keyboard_picks_clears_and_confirms(qtbot, make_window, library) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.show_new_session(library.default_entry())
    window.new_session._begin()
    settle()
    play = window.session_view.play
    panel = play.decision
    panel.setFocus()
    press(qtbot, window, Qt.Key.Key_2)
    assert panel.selected() is panel.buttons[1]
    assert panel.confirm.isEnabled()
    press(qtbot, window, Qt.Key.Key_Escape)
    assert panel.selected() is None
    assert not panel.confirm.isEnabled()
    press(qtbot, window, Qt.Key.Key_Return)  # nothing picked: nothing happens
    assert window.page() == "play"
    press(qtbot, window, Qt.Key.Key_P)
    assert window.controller.paused
    assert play.paused_banner.isVisible()
    press(qtbot, window, Qt.Key.Key_1)
    assert panel.selected() is None, "no picking while paused"
    press(qtbot, window, Qt.Key.Key_P)
    assert not window.controller.paused
    press(qtbot, window, Qt.Key.Key_1)
    panel.rationale.setFocus()
    qtbot.keyClicks(panel.rationale, "first line")
    qtbot.keyClick(panel.rationale, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(panel.rationale, "second 3")  # digits type text here
    assert panel.selected() is panel.buttons[0]
    assert panel.rationale.toPlainText() == "first line\nsecond 3"
    qtbot.keyClick(panel.rationale, Qt.Key.Key_Return)
    assert window.page() == "consequences"
    inputs = window.journal.inputs(window.controller.session_id)
    assert inputs[-1]["rationale"] == "first line\nsecond 3"


def test_new_session_escape_goes_back_and_advanced_shows_the_seed(qtbot, make_window, library):  # type: ignore[no-untyped-def]
    window = make_window()
    window.show_new_session(library.default_entry())
    setup = window.new_session
    assert not setup.seed_row.isVisible()
    qtbot.mouseClick(setup.advanced, Qt.MouseButton.LeftButton)
    assert setup.seed_row.isVisible()
    setup.seed.setValue(42)
    assert setup.choices()["seed"] == 42
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.page() == "home"


def test_fixed_seed_gives_the_same_session(qtbot, make_window, library, journal):  # type: ignore[no-untyped-def]
    window = make_window()
    ids = []
    for _ in range(2):
        window.show_new_session(library.default_entry())
        window.new_session.advanced.setChecked(True)
        window.new_session.seed.setValue(1234)
        window.new_session._begin()
        ids.append(window.controller.session_id)
    assert journal.session(ids[0]).seed == journal.session(ids[1]).seed == 1234
