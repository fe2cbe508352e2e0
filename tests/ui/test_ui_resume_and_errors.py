"""Quit or crash mid-game and Resume from home; hidden meters never shown; bad files explained."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from game.engine import Session


def settle() -> None:
    QApplication.processEvents()


def begin(window, library, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.show_new_session(library.default_entry())
    window.new_session.name.setText("Crash Team")
    window.new_session._begin()
    settle()


def play_turn(window, index: int = 0) -> None:  # type: ignore[no-untyped-def]
    panel = window.session_view.play.decision
    assert panel.pick(index)
    panel.confirm_choice()
    settle()


def all_strings(root: QWidget) -> list[str]:
    """Everything a trainee (or a screen reader) could read in a widget tree."""
    out: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        out += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription(),
                widget.objectName(), widget.statusTip(), widget.whatsThis()]
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            out.append(widget.text())
        if isinstance(widget, QPlainTextEdit):
            out.append(widget.toPlainText())
        if hasattr(widget, "full_text"):
            out.append(widget.full_text())
    return [s for s in out if s]


def test_crash_mid_session_then_resume_from_home_loses_nothing(  # type: ignore[no-untyped-def]
        qtbot, make_window, library, journal, settings, clock_factory, flagship) -> None:
    window = make_window()
    begin(window, library, qtbot)
    sid = window.controller.session_id
    play_turn(window, 0)
    window.session_view.consequences.go_on()
    settle()
    play_turn(window, 1)
    before = window.controller.session
    events = before.events_json()
    meters = dict(before.meters)
    channels = dict(before.channels)
    # A crash: the window goes away without any orderly shutdown of the session.
    window.hide()
    window.controller.clock.stop()
    window.controller = None

    second = make_window()
    row = next(r for r in second.home.session_rows if r.record.id == sid)
    assert row.button.text() == "Resume" and row.button.isEnabled()
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.page() == "consequences", timeout=5000)
    ctrl = second.controller
    assert ctrl.session_id == sid
    assert ctrl.session.events_json() == events
    assert ctrl.session.meters == meters
    assert ctrl.session.channels == channels
    # What the trainee sees after resuming matches the engine.
    board = second.session_view.consequences.board
    for channel, status in channels.items():
        assert board.rows[channel].status.text() == status.title()
    qtbot.keyClick(second.session_view.consequences.continue_button, Qt.Key.Key_Return)
    settle()
    assert second.page() == "play"
    inputs = journal.inputs(sid)
    assert [i["type"] for i in inputs] == ["choose", "choose"]
    record = journal.session(sid)
    replayed = Session.replay(flagship, record.seed, inputs, roles=record.roles)
    assert replayed.events_json() == ctrl.session.events_json()


def test_hidden_meters_never_reach_the_trainee(qtbot, make_window, library, flagship) -> None:  # type: ignore[no-untyped-def]
    hidden = [m for m in flagship.model.meters if m.hidden]
    assert hidden, "the flagship should have a hidden meter for this test to mean anything"
    forbidden = {m.label for m in hidden} | {f"meter-{m.id}" for m in hidden}
    window = make_window()
    begin(window, library, qtbot)
    ctrl = window.controller
    seen_hidden_change = False
    turns = 0
    while ctrl.stage != "ended" and turns < 40:
        view = window.session_view
        for text in all_strings(view):
            for word in forbidden:
                assert word not in text, f"hidden meter shown: {text!r}"
        buttons = view.play.decision.buttons
        talk = next((i for i, b in enumerate(buttons) if b.option.kind in ("call", "back_channel")
                     and ctrl.session.channels[b.option.channel] != "suspended"), 0)
        play_turn(window, talk)
        turns += 1
        if ctrl.last_result and any(e.type == "meter" and e.meter in {m.id for m in hidden}
                                    for e in ctrl.last_result.events):
            seen_hidden_change = True
        for text in all_strings(view):
            for word in forbidden:
                assert word not in text, f"hidden meter shown after turn {turns}: {text!r}"
        view.consequences.go_on()
        settle()
    assert seen_hidden_change, "no hidden meter moved, so the check above proved little"
    for text in all_strings(window.session_view.end):
        for word in forbidden:
            assert word not in text


def test_a_bad_scenario_file_opens_a_readable_dialog(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from game.ui.error_dialog import ScenarioErrorDialog

    bad = tmp_path / "broken.yaml"
    bad.write_text("id: tiny\ntitle: Broken\nversion: '1'\nsummary: s\nperiod: p\n"
                   "objectives: [{id: a, text: t}]\nroles: [{id: r, title: R}]\n"
                   "meters: [{id: escalation, label: E, initial: 500}]\n", encoding="utf-8")
    window = make_window()
    window.open_scenario_file(bad)
    qtbot.waitUntil(lambda: any(isinstance(d, ScenarioErrorDialog) for d in window.dialogs),
                    timeout=5000)
    dialog = next(d for d in window.dialogs if isinstance(d, ScenarioErrorDialog))
    assert dialog.isVisible()
    text = dialog.text.toPlainText()
    assert f"{bad}:8:" in text  # file:line of the bad meter
    assert "initial" in text
    assert any("fix:" in line for line in dialog.problems)
    assert window.page() == "home", "nothing was started"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc closes it (and it deletes itself)
    qtbot.waitUntil(lambda: not window.dialogs, timeout=2000)


def test_a_broken_file_in_the_library_is_a_card_with_its_problems(  # type: ignore[no-untyped-def]
        qtbot, scenario_dir, journal, settings, clock_factory) -> None:
    from game.ui.error_dialog import ScenarioErrorDialog
    from game.ui.home_view import ProblemCard
    from game.ui.library import ScenarioLibrary
    from game.ui.main_window import MainWindow

    (scenario_dir / "zz-broken.yaml").write_text("id: [not, an, id]\n", encoding="utf-8")
    library = ScenarioLibrary([scenario_dir], default=scenario_dir / "balloon-2023.yaml")
    with qtbot.waitSignal(library.changed, timeout=10000):
        library.reload()  # on a worker thread
    window = MainWindow(journal, library, settings, clock_factory=clock_factory)
    qtbot.addWidget(window)
    window.show()
    cards = window.home.findChildren(ProblemCard)
    assert len(cards) == 1 and cards[0].entry.path.name == "zz-broken.yaml"
    assert window.home.cards[0].entry.is_default  # the flagship still leads
    qtbot.mouseClick(cards[0].details, Qt.MouseButton.LeftButton)
    dialog = next(d for d in window.dialogs if isinstance(d, ScenarioErrorDialog))
    assert "zz-broken.yaml:1:" in dialog.text.toPlainText()
    dialog.close()


def test_window_geometry_is_remembered(qtbot, make_window, tmp_path: Path,  # type: ignore[no-untyped-def]
                                       monkeypatch) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QMainWindow

    import game.ui.screen_fit as screen_fit

    # A screen with room for the default size (the offscreen one is 800×800).
    monkeypatch.setattr(screen_fit, "available_area", lambda _w: QRect(0, 0, 1920, 1080))
    settings = QSettings(str(tmp_path / "geometry.ini"), QSettings.Format.IniFormat)
    window = make_window(settings=settings, size=None)
    assert (window.width(), window.height()) == (1280, 800)  # the default size
    window.resize(1100, 720)
    settle()
    window.close()
    saved = settings.value("window/geometry")
    assert saved is not None
    # What restoring that geometry gives on this (offscreen) screen, which may clamp it.
    probe = QMainWindow()
    probe.setMinimumSize(window.minimumSize())
    probe.restoreGeometry(saved)
    again = make_window(settings=settings, size=None)
    assert again.size() == probe.size()
    assert again.size() != window.size().__class__(1280, 800)
    probe.deleteLater()


def test_timeline_stand_in_lists_the_session_from_the_journal(  # type: ignore[no-untyped-def]
        qtbot, make_window, library, journal, flagship) -> None:
    from game.ui.timeline_view import TimelineWindow

    window = make_window()
    begin(window, library, qtbot)
    play_turn(window, 0)
    sid = window.controller.session_id
    timeline = TimelineWindow(journal, sid, flagship)
    qtbot.addWidget(timeline)
    timeline.show()
    items = [timeline.tree.topLevelItem(i) for i in range(timeline.tree.topLevelItemCount())]
    kinds = [item.text(2) for item in items]
    assert "Decision" in kinds and "Situation" in kinds
    texts = [item.text(3) for item in items]
    assert not any("Channel openness" in t for t in texts)


def test_every_control_has_a_name(qtbot, make_window, library) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    begin(window, library, qtbot)
    for page in (window.session_view.play, window.home):
        for button in page.findChildren(QAbstractButton):
            if button.isVisibleTo(page):
                assert button.text().strip() or button.accessibleName().strip(), button


def test_home_opens_the_authoring_studio(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    from game.ui.studio.window import StudioWindow

    window = make_window()
    qtbot.mouseClick(window.home.studio_button, Qt.MouseButton.LeftButton)
    studios = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, StudioWindow) and w.isVisible()]
    assert len(studios) == 1
    studios[0].close()
    qtbot.waitUntil(lambda: not any(
        isinstance(w, StudioWindow) and w.isVisible() for w in QApplication.topLevelWidgets()))


def test_a_session_resumes_after_its_scenario_file_is_deleted(  # type: ignore[no-untyped-def]
        qtbot, make_window, library, scenario_dir) -> None:
    window = make_window()
    begin(window, library, qtbot)
    play_turn(window, 0)
    sid = window.controller.session_id
    events = window.controller.session.events_json()
    window.go_home()
    (scenario_dir / "balloon-2023.yaml").unlink()
    library.reload_now()
    settle()
    window.home.refresh_sessions()
    row = next(r for r in window.home.session_rows if r.record.id == sid)
    assert row.button.isEnabled(), "the journal keeps the scenario: the session can resume"
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.page() == "consequences", timeout=5000)
    assert window.controller.session.events_json() == events
    assert "its file is gone" in window.statusBar().currentMessage()
