"""Section 508 / WCAG 2.1 AA: names and descriptions, keyboard-only use with a visible focus,
contrast computed from the theme palettes, a high-contrast theme, type up to 200%."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from layout_checks import clipped_labels, isolate_home
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from game.ui import theme
from game.ui.a11y import missing

REPO = Path(__file__).resolve().parent.parent.parent
TINY = REPO / "tests" / "engine" / "tiny.yaml"
TEAM = REPO / "tests" / "ui" / "facilitator" / "team.yaml"


def settle(times: int = 3) -> None:
    for _ in range(times):
        QApplication.processEvents()


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_home(tmp_path, monkeypatch)


def begin(window, facilitator: bool = False, team: bool = False, entry: Any = None):  # type: ignore[no-untyped-def]
    window.show_new_session(entry or window.library.default_entry())
    setup = window.new_session
    setup.facilitator.setChecked(facilitator)
    setup.team.setChecked(team)
    setup.advanced.setChecked(True)
    setup.seed.setValue(7)
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
            handover = getattr(window.session_view.play, "handover", None)
            if handover is not None:
                handover.dismiss()
            window.session_view.play.decision.pick(0)
            window.session_view.play.decision.confirm_choice()
        settle(1)
    window.session_view.consequences.go_on()
    settle()


# --- names and descriptions ---------------------------------------------------------------------


def test_every_control_of_the_trainee_windows_has_a_name_and_a_description(  # type: ignore[no-untyped-def]
        themed, make_window) -> None:
    window = make_window()
    assert missing(window) == [], "home"
    window.show_new_session(window.library.default_entry())
    settle()
    assert missing(window) == [], "new session"
    controller = begin(window)
    assert missing(window) == [], "play"
    window.session_view.play.decision.pick(0)
    settle()
    assert missing(window) == [], "an option picked"
    window.session_view.play.decision.confirm_choice()
    settle()
    assert missing(window) == [], "consequences"
    play_to_end(window)
    assert missing(window) == [], "ending"
    debrief = window.open_debrief(controller.session_id)
    for index in range(debrief.tabs.count()):
        debrief.tabs.setCurrentIndex(index)
        settle()
        assert missing(debrief) == [], f"debrief: {debrief.tabs.tabText(index)}"
    debrief.close()
    window.go_home()
    settle()
    assert missing(window) == [], "home with sessions"
    window.show_shortcuts()
    settle()
    assert missing(window.dialogs[-1]) == [], "F1"
    window.dialogs[-1].close()
    row = next(r for r in window.home.session_rows if r.discard is not None) \
        if any(r.discard is not None for r in window.home.session_rows) else None
    if row is not None:
        box = window.confirm_discard(row.record.id)
        settle()
        assert missing(box) == [], "discard question"
        box.close()


def test_every_control_of_the_console_and_a_team_session_has_a_name_and_a_description(  # type: ignore[no-untyped-def]
        themed, make_window, library, tmp_path) -> None:
    from game.ui.facilitator.hookup import find_console
    from game.ui.library import load_entry

    shutil.copy(TEAM, tmp_path / "team.yaml")
    window = make_window()
    begin(window, facilitator=True, team=True, entry=load_entry(tmp_path / "team.yaml"))
    console = find_console(window)
    assert console is not None
    assert missing(window) == [], "the hand-over cover"
    window.session_view.play.handover.dismiss()
    settle()
    assert missing(window) == [], "team play"
    for index in range(console.tabs.count()):
        console.tabs.setCurrentIndex(index)
        settle()
        assert missing(console) == [], f"console: {console.tabs.tabText(index)}"


def test_every_control_of_the_studio_has_a_name_and_a_description(themed, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from game.ui.studio.window import StudioWindow

    path = tmp_path / "tiny.yaml"
    shutil.copy(TINY, path)
    studio = StudioWindow(path, balance_workers=1)
    studio.show()
    try:
        qtbot.waitUntil(lambda: studio.scenario is not None, timeout=20_000)
        for index in range(studio.side.count()):
            studio.side.setCurrentIndex(index)
            settle()
            assert missing(studio) == [], f"Studio: {studio.side.tabText(index)}"
        studio.start_playtest(studio.playtest.current_setup())
        settle()
        assert missing(studio.playtest_window) == [], "playtest"
        studio.playtest_window.close()
    finally:
        studio.editor.document().setModified(False)
        studio.close()
        studio.deleteLater()


def test_the_audit_sees_an_unnamed_control(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    QVBoxLayout(root).addWidget(QLineEdit())
    root.show()
    assert any("no name" in p for p in missing(root))


# --- keyboard alone ---------------------------------------------------------------------------


def focused(window: QWidget) -> QWidget:
    """Where the keyboard focus is (the offscreen platform sometimes drops activation)."""
    target = QApplication.focusWidget() or window.focusWidget()
    assert target is not None and target.isVisible(), "nothing has the keyboard focus"
    return target


def press(window: QWidget, key: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    """A key where the keyboard focus is, as a user would press it."""
    QTest.keyClick(focused(window), key, modifier)
    settle()


def test_the_whole_trainee_flow_works_by_keyboard_alone(themed, qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    assert window.focusWidget() is window.home.cards[0].start
    press(window, Qt.Key.Key_Return)
    assert window.page() == "new-session"
    assert focused(window) is window.new_session.name
    QTest.keyClicks(focused(window), "Keyboard Team")
    press(window, Qt.Key.Key_Return)
    assert window.page() == "play"
    controller = window.controller
    turns = 0
    while controller.stage != "ended" and turns < 40:
        assert window.page() == "play"
        press(window, Qt.Key.Key_1)
        assert window.session_view.play.decision.selected() is not None
        press(window, Qt.Key.Key_Return)
        assert window.page() == "consequences"
        press(window, Qt.Key.Key_Return)
        turns += 1
    assert window.page() == "end"
    before = len(window.windows)
    press(window, Qt.Key.Key_Return)
    assert len(window.windows) == before + 1, "Enter on the ending opens the debrief"
    debrief = window.windows[-1]
    debrief.activateWindow()
    qtbot.waitUntil(debrief.isActiveWindow, timeout=5000)
    tabs = debrief.tabs
    tabs.setFocus()
    QTest.keyClick(tabs.tabBar(), Qt.Key.Key_Right)
    settle()
    assert tabs.currentIndex() == 1
    QTest.keyClick(debrief, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert debrief not in window.windows, "Ctrl+W closes the debrief"


def test_the_console_works_by_keyboard_alone(themed, qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    from game.ui.facilitator.hookup import find_console

    window = make_window()
    controller = begin(window, facilitator=True)
    console = find_console(window)
    console.activateWindow()
    qtbot.waitUntil(console.isActiveWindow, timeout=5000)
    for index in range(5):
        QTest.keyClick(console, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.AltModifier)
        settle()
        assert console.tabs.currentIndex() == index
    QTest.keyClick(console, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert controller.paused
    QTest.keyClick(console, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert not controller.paused
    QTest.keyClick(console, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert console.focusWidget() is console.notes.text
    QTest.keyClicks(console.notes.text, "Typed without a mouse")
    QTest.keyClick(console.notes.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert any(e.get("text") == "Typed without a mouse" for e in controller.session.events
               if e.type == "facilitator")
    # Inject: the tab by Alt+1, then Tab through the form to the text, type, Ctrl+Enter.
    QTest.keyClick(console, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    console.inject.text.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClicks(console.inject.text, "A keyboard inject")
    QTest.keyClick(console.inject.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert any(e.text == "A keyboard inject" for e in controller.session.events
               if e.type == "inject")


def test_the_studio_works_by_keyboard_alone(themed, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from game.ui.studio.window import StudioWindow

    path = tmp_path / "tiny.yaml"
    shutil.copy(TINY, path)
    studio = StudioWindow(path, balance_workers=1)
    studio.show()
    try:
        studio.activateWindow()
        qtbot.waitUntil(studio.isActiveWindow, timeout=5000)
        qtbot.waitUntil(lambda: studio.scenario is not None, timeout=20_000)
        studio.browser.setFocus()
        QTest.keyClick(studio, Qt.Key.Key_F6)
        settle()
        assert studio.focusWidget() is studio.editor
        QTest.keyClick(studio.editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(studio.editor, "# typed at the keyboard")
        QTest.keyClick(studio.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        settle()
        assert "# typed at the keyboard" in path.read_text(encoding="utf-8")
        studio.editor.go_to(1)
        QTest.keyClick(studio.editor, Qt.Key.Key_F5)
        settle()
        playtest = studio.playtest_window
        assert playtest is not None and playtest.isVisible()
        assert playtest.focusWidget() is not None
        QTest.keyClick(playtest.focusWidget(), "1")
        assert playtest.focusWidget() is not None
        QTest.keyClick(playtest.focusWidget(), Qt.Key.Key_Return)
        settle()
        assert studio.runner.controller.stage in ("consequences", "ended")
        playtest.close()
    finally:
        studio.editor.document().setModified(False)
        studio.close()
        studio.deleteLater()


# --- a visible focus --------------------------------------------------------------------------


@pytest.mark.parametrize("name", theme.THEME_NAMES)
def test_the_keyboard_focus_is_visible_on_every_kind_of_control(qtbot, qapp, name) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import (
        QCheckBox,
        QComboBox,
        QLineEdit,
        QListWidget,
        QPlainTextEdit,
        QPushButton,
        QSpinBox,
        QVBoxLayout,
    )

    before = (qapp.styleSheet(), qapp.palette(), qapp.property("hotlineTheme"))
    theme.apply_theme(qapp, name)
    try:
        root = QWidget()
        qtbot.addWidget(root)
        layout = QVBoxLayout(root)
        primary = QPushButton("Primary")
        primary.setProperty("primary", True)
        controls = [QPushButton("Button"), primary, QCheckBox("Check"), QLineEdit("text"),
                    QComboBox(), QSpinBox(), QPlainTextEdit("text"), QListWidget()]
        controls[4].addItems(["one", "two"])
        controls[7].addItems(["one", "two"])
        sink = QPushButton("elsewhere")
        for widget in [*controls, sink]:
            layout.addWidget(widget)
        root.show()
        root.activateWindow()
        qtbot.waitUntil(root.isActiveWindow, timeout=5000)
        for widget in controls:
            sink.setFocus(Qt.FocusReason.TabFocusReason)
            settle()
            plain = widget.grab().toImage()
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            settle()
            assert widget.hasFocus()
            assert widget.grab().toImage() != plain, \
                f"{type(widget).__name__} looks the same with and without the focus ({name})"
    finally:
        qapp.setStyleSheet(before[0])
        qapp.setPalette(before[1])
        qapp.setProperty("hotlineTheme", before[2])


# --- contrast -----------------------------------------------------------------------------------


def luminance(color: str) -> float:
    value = color.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


PAGES = ("bg", "surface", "surface2")  # where text sits: the page, cards and panels, headers


def text_pairs(name: str) -> list[tuple[str, str, str]]:
    """(foreground token, background token, where) for every text colour the theme draws."""
    sheet = re.sub(r"/\*.*?\*/", "", (theme.THEMES / "base.qss").read_text(), flags=re.S)
    pairs: list[tuple[str, str, str]] = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", sheet):
        where = " ".join(selector.split())
        fg = re.search(r"(?<![-\w])color\s*:\s*@(\w+)", body)
        bg = re.search(r"background(?:-color)?\s*:\s*@(\w+)", body)
        if fg is None or ":disabled" in where:  # disabled controls are exempt (WCAG 1.4.3)
            continue
        if bg is not None:
            pairs.append((fg.group(1), bg.group(1), where))
        else:
            pairs.extend((fg.group(1), page, where) for page in PAGES)
    # Painted, not styled: feed edges and kinds, tones on the channel board and the story.
    for token in ("intel", "press", "allied", "counterpart", "staff", "domestic", "good", "warn",
                  "bad", "muted", "text", "accent"):
        pairs.extend((token, page, "painted") for page in PAGES)
    pairs += [("accent_text", "accent", "primary button"),
              ("accent_text", "accent_hover", "primary button, hovered"),
              ("good", "good_soft", "pill"), ("warn", "warn_soft", "pill"),
              ("bad", "bad_soft", "pill"), ("muted", "neutral_soft", "pill"),
              ("accent", "accent_soft", "pill"), ("text", "warn_soft", "paused banner"),
              ("text", "accent_soft", "team banner")]
    return pairs


@pytest.mark.parametrize("name", theme.THEME_NAMES)
def test_text_keeps_4_5_to_1_in_every_theme(name: str) -> None:
    colors = theme.colors(name)
    pairs = text_pairs(name)
    assert len(pairs) > 60
    low = [(f, b, where, round(contrast(colors[f], colors[b]), 2)) for f, b, where in pairs
           if contrast(colors[f], colors[b]) < 4.5]
    assert low == [], f"below 4.5:1 in the {name} theme"


@pytest.mark.parametrize("name", theme.THEME_NAMES)
def test_the_focus_ring_and_borders_stand_out(name: str) -> None:
    colors = theme.colors(name)
    for page in PAGES:  # WCAG 1.4.11: 3:1 for what a control needs to be seen
        assert contrast(colors["focus"], colors[page]) >= 3.0, (name, page)


def test_the_high_contrast_theme_reaches_7_to_1() -> None:
    colors = theme.colors("high-contrast")
    assert set(colors) == set(theme.colors("light"))
    low = [(f, b, round(contrast(colors[f], colors[b]), 2)) for f, b, _ in
           text_pairs("high-contrast") if contrast(colors[f], colors[b]) < 7.0]
    assert low == []
    for page in PAGES:
        assert contrast(colors["border"], colors[page]) >= 3.0
        assert contrast(colors["focus"], colors[page]) >= 7.0


@pytest.mark.parametrize("name", theme.THEME_NAMES)
def test_the_editor_colours_keep_4_5_to_1(name: str) -> None:
    from game.ui.studio.highlighter import _PALETTES

    palette = _PALETTES[name]
    surface = theme.colors(name)["surface"]
    for role, color in palette.items():
        if role.startswith("todo"):
            continue
        assert contrast(color, surface) >= 4.5, (name, role)
    assert contrast(palette["todo_fg"], palette["todo_bg"]) >= 4.5


def test_the_contrast_check_fails_a_pale_colour() -> None:
    assert contrast("#777777", "#ffffff") < 4.5 < contrast("#595959", "#ffffff")


def test_the_high_contrast_theme_can_be_chosen(make_window, qapp) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    action = window.theme_actions["high-contrast"]
    assert action.text() == "High contrast theme"
    before = (qapp.styleSheet(), qapp.palette(), qapp.property("hotlineTheme"))
    try:
        action.trigger()
        assert theme.current_theme() == "high-contrast"
        assert window.settings.value("theme") == "high-contrast"
        assert theme.colors("high-contrast")["bg"] in qapp.styleSheet()
    finally:
        qapp.setStyleSheet(before[0])
        qapp.setPalette(before[1])
        qapp.setProperty("hotlineTheme", before[2])


# --- type size up to 200% ---------------------------------------------------------------------


def test_the_type_follows_the_system_font_size(monkeypatch, qapp) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("HOTLINE_FONT_SCALE", raising=False)
    monkeypatch.setattr(theme, "_system_point_size", [20.0])
    qapp.setProperty("hotlineFontScale", None)
    assert theme.font_scale() == 2.0
    sheet = theme.stylesheet("light")
    assert "font-size: 20.0pt" in sheet  # QWidget's 10 pt, doubled
    monkeypatch.setattr(theme, "_system_point_size", [9.0])
    assert theme.font_scale() == 1.0, "a small desktop default never shrinks the type"
    monkeypatch.setenv("HOTLINE_FONT_SCALE", "1.5")
    assert theme.font_scale() == 1.5


@pytest.mark.parametrize("scale,size", [(2.0, (1920, 1080)), (1.5, (1280, 800))],
                         ids=["200%-1920x1080", "150%-1280x800"])
def test_large_type_clips_nothing_from_home_to_the_ending(make_window, qapp, scale, size) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    before = (qapp.styleSheet(), qapp.palette(), qapp.property("hotlineTheme"))
    theme.apply_theme(qapp, "light", font_scale=scale)
    try:
        window = make_window(size=size)
        settle()
        heading = next(w for w in window.findChildren(QLabel) if w.property("role") == "h1")
        assert heading.font().pointSizeF() == pytest.approx(20.0 * scale, abs=0.2)
        assert clipped_labels(window) == [], "home"
        window.show_new_session(window.library.default_entry())
        settle()
        assert clipped_labels(window) == [], "new session"
        begin(window)
        settle(6)
        assert clipped_labels(window) == [], "play"
        window.session_view.play.decision.pick(0)
        window.session_view.play.decision.confirm_choice()
        settle(6)
        assert clipped_labels(window) == [], "consequences"
        play_to_end(window)
        settle(6)
        assert clipped_labels(window) == [], "ending"
    finally:
        qapp.setStyleSheet(before[0])
        qapp.setPalette(before[1])
        qapp.setProperty("hotlineTheme", before[2])
        qapp.setProperty("hotlineFontScale", None)
