"""Everyday details a class runs into: the name field, F1, scores, resume, discard, Esc, timing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from layout_checks import isolate_home
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

REPO = Path(__file__).resolve().parent.parent.parent
TINY = REPO / "tests" / "engine" / "tiny.yaml"


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_home(tmp_path, monkeypatch)


def start(window, role: str | None = None, seed: int = 7):  # type: ignore[no-untyped-def]
    window.show_new_session(window.library.default_entry())
    setup = window.new_session
    if role is not None:
        setup.role.setCurrentIndex(setup.role.findData(role))
    setup.advanced.setChecked(True)
    setup.seed.setValue(seed)
    setup.fixed_seed.setChecked(True)
    setup._begin()
    settle()
    return window.controller


def play_to_end(window) -> None:  # type: ignore[no-untyped-def]
    controller = window.controller
    while controller.stage != "ended":
        if controller.stage == "consequences":
            window.session_view.consequences.go_on()
        else:
            window.session_view.play.decision.pick(0)
            window.session_view.play.decision.confirm_choice()
        settle()
    window.session_view.consequences.go_on()
    settle()


# --- a fresh name ------------------------------------------------------------------------


def test_a_new_session_starts_with_an_empty_name(qtbot, make_window, settings) -> None:  # type: ignore[no-untyped-def]
    settings.setValue("trainee", "Red Team")  # the last trainee's name
    window = make_window()
    start(window)
    window.go_home()
    window.show_new_session(window.library.default_entry())
    settle()
    name = window.new_session.name
    assert name.text() == ""
    assert window.focusWidget() is name
    qtbot.keyClicks(name, "Blue Cell")
    assert name.text() == "Blue Cell", "typing added to the last trainee's name"


def test_play_again_keeps_the_same_trainees_name_selected(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.show_new_session(window.library.default_entry())
    window.new_session.name.setText("Green Team")
    window.new_session._begin()
    settle()
    play_to_end(window)
    window.session_view.end.again_button.click()
    name = window.new_session.name
    assert name.text() == "Green Team"
    assert name.selectedText() == "Green Team"


# --- F1 --------------------------------------------------------------------------------------


def shortcut_texts(root: QWidget) -> set[str]:
    from PySide6.QtGui import QAction

    found = set()
    for action in root.findChildren(QAction):
        for sequence in action.shortcuts():
            text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            if text:
                found.add(text)
    return found


def listed_keys() -> set[str]:
    from game.ui.main_window import SHORTCUTS

    keys: set[str] = set()
    for _section, rows in SHORTCUTS:
        for key, _what in rows:
            span = re.fullmatch(r"(\w+\+)(\d) … \1(\d)", key)  # "Alt+1 … Alt+5"
            if span:
                first, last = int(span.group(2)), int(span.group(3))
                keys.update(f"{span.group(1)}{n}" for n in range(first, last + 1))
                continue
            for part in re.split(r",\s*", key):
                keys.add(part.strip())
    return keys


def test_f1_lists_every_shortcut_of_the_menus_aligned_in_a_table(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    listed = listed_keys()
    missing = shortcut_texts(window) - listed
    assert not missing, f"shortcuts in the menus but not in F1: {sorted(missing)}"
    for key in ("Ctrl+Shift+C", "Ctrl+E", "Ctrl+Shift+L", "Ctrl+W"):
        assert key in listed
    window.show_shortcuts()
    settle()
    dialog = next(d for d in window.dialogs if d.objectName() == "shortcuts")
    html = dialog.text.toHtml()
    assert html.count("<tr>") >= len(listed) - 2, "one row per shortcut: keys line up"
    assert "Ctrl+Shift+C" in dialog.text.toPlainText()
    dialog.close()


def test_f1_covers_the_console_and_the_studio(qtbot, make_window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from game.ui.facilitator.console import FacilitatorConsole
    from game.ui.studio.window import StudioWindow

    window = make_window()
    controller = start(window)
    console = FacilitatorConsole(controller, trainee_window=window)
    qtbot.addWidget(console)
    listed = listed_keys()
    missing = shortcut_texts(console) - listed
    assert not missing, f"console shortcuts not in F1: {sorted(missing)}"
    path = tmp_path / "tiny.yaml"
    shutil.copy(TINY, path)
    studio = StudioWindow(path, balance_workers=1)
    try:
        missing = shortcut_texts(studio) - listed
        assert not missing, f"Studio shortcuts not in F1: {sorted(missing)}"
    finally:
        studio.editor.document().setModified(False)
        studio.close()
        studio.deleteLater()


# --- playing alone -------------------------------------------------------------------------


def test_playing_alone_the_trainee_is_told_they_play_every_role(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    controller = start(window, role="defense")
    panel = window.session_view.play.decision
    assert controller.current().role == "crisis-lead"
    text = panel.role.text()
    assert panel.role.isVisibleTo(panel)
    assert text.startswith("Decision for: Deputy National Security Adviser")
    assert "You are playing every role" in text
    assert "Under Secretary of Defense for Policy" in text
    window.go_home()
    start(window, role="crisis-lead")
    assert window.session_view.play.decision.role.text().endswith("(your role)")


# --- scores ---------------------------------------------------------------------------------


ONE_DECIMAL = re.compile(r"score (\d+\.\d)\b")


def test_scores_show_one_decimal_on_the_end_screen_home_and_debrief(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    start(window)
    play_to_end(window)
    end = window.session_view.end
    score = window.controller.outcome.score
    assert re.fullmatch(r"\d+\.\d", end.score.text()), end.score.text()
    assert end.score.text() == f"{score:.1f}"
    session_id = window.controller.session_id
    window.go_home()
    settle()
    rows = [r for r in window.home.session_rows if r.record.id == session_id]
    texts = " ".join(w.text() for w in rows[0].findChildren(type(end.score)))
    assert ONE_DECIMAL.search(texts) and ONE_DECIMAL.search(texts).group(1) == f"{score:.1f}"
    debrief = window.open_debrief(session_id)
    title = debrief.findChild(type(end.score), "debriefTitle").text()
    assert f"score {score:.1f}</b>" in title
    debrief.close()


# --- resuming a session played from any file ----------------------------------------------------


def test_a_session_started_from_open_scenario_file_can_be_resumed(qtbot, make_window,  # type: ignore[no-untyped-def]
                                                                  tmp_path) -> None:
    outside = tmp_path / "elsewhere" / "my-drill.yaml"
    outside.parent.mkdir()
    shutil.copy(TINY, outside)
    window = make_window()
    window.open_scenario_file(outside)
    qtbot.waitUntil(lambda: window.page() == "new-session", timeout=10_000)
    window.new_session._begin()
    settle()
    window.session_view.play.decision.pick(0)
    window.session_view.play.decision.confirm_choice()
    settle()
    session_id = window.controller.session_id
    window.go_home()
    settle()
    row = next(r for r in window.home.session_rows if r.record.id == session_id)
    assert row.button.text() == "Resume" and row.button.isEnabled()
    # As after a restart, and the file moved away since: the journal keeps the scenario.
    outside.unlink()
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.page() in ("play", "consequences"), timeout=10_000)
    assert window.controller.session_id == session_id
    assert not window.dialogs, [d.objectName() for d in window.dialogs]


# --- discarding ------------------------------------------------------------------------------


def test_an_unfinished_session_can_be_discarded_from_home_after_a_question(  # type: ignore[no-untyped-def]
        qtbot, make_window, journal) -> None:
    window = make_window()
    start(window)
    window.session_view.play.decision.pick(0)
    window.session_view.play.decision.confirm_choice()
    settle()
    session_id = window.controller.session_id
    window.go_home()
    settle()
    row = next(r for r in window.home.session_rows if r.record.id == session_id)
    assert row.discard is not None and row.discard.isVisibleTo(window)
    qtbot.mouseClick(row.discard, Qt.MouseButton.LeftButton)
    box = next(d for d in window.dialogs if d.objectName() == "discard-confirm")
    assert "deleted from the journal" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    settle()
    assert journal.session(session_id).id == session_id, "Cancel discarded the session"
    row = next(r for r in window.home.session_rows if r.record.id == session_id)
    qtbot.mouseClick(row.discard, Qt.MouseButton.LeftButton)
    box = next(d for d in window.dialogs if d.objectName() == "discard-confirm")
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    settle()
    assert session_id not in [r.id for r in journal.sessions()]
    assert session_id not in [r.record.id for r in window.home.session_rows]


def test_finished_sessions_offer_no_discard(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    start(window)
    play_to_end(window)
    window.go_home()
    settle()
    finished = [r for r in window.home.session_rows if r.record.ended]
    assert finished and all(r.discard is None for r in finished)


# --- Esc ------------------------------------------------------------------------------------


def test_esc_leaves_no_highlight_on_the_option_it_cleared(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    start(window)
    panel = window.session_view.play.decision
    button = panel.buttons[0]
    settle()
    untouched = button.grab().toImage()
    qtbot.keyClick(panel, Qt.Key.Key_1)
    settle()
    assert button.isChecked() and button.grab().toImage() != untouched
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    settle()
    assert panel.selected() is None
    assert not button.hasFocus()
    assert window.focusWidget() is panel, "the keys stay with the decision"
    assert button.grab().toImage() == untouched, "the cleared option still looks picked"


# --- presentation type ---------------------------------------------------------------------


def test_presentation_type_ends_with_the_facilitator_session(make_window) -> None:  # type: ignore[no-untyped-def]
    from game.ui.facilitator.presentation import is_presentation

    window = make_window()
    window.show_new_session(window.library.default_entry())
    window.new_session.facilitator.setChecked(True)
    window.new_session._begin()
    settle()
    assert is_presentation(window), "facilitator mode puts the trainees' window in large type"
    window.go_home()
    settle()
    assert not is_presentation(window)
    assert not window.presentation_action.isChecked()
    # Larger type the user chose themselves (View menu) is theirs to turn off.
    window.presentation_action.setChecked(True)
    start(window)
    window.go_home()
    assert is_presentation(window)
    window.presentation_action.setChecked(False)


# --- answer timing --------------------------------------------------------------------------------


def test_the_consequences_count_channel_time_from_the_moment_of_the_answer(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    controller = start(window, seed=7)
    panel = window.session_view.play.decision
    assert panel.pick_id("raise-privately") or panel.pick(
        [b.option.channel for b in panel.buttons].index("embassy"))
    panel.confirm_choice()
    settle()
    answered = [c for c, s in controller.session.channels.items() if s == "answered"]
    assert answered, "seed 7 has the embassy answer the first call"
    board = window.session_view.consequences.board
    assert "Answered just now" in board.status_text(answered[0])
    window.session_view.consequences.go_on()
    settle()
    later = window.session_view.play.board.status_text(answered[0])
    assert re.search(r"Answered \d+ (days|h)", later), later
