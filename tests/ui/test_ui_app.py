"""The app starts from run_app, themes and icons are complete, the GUI layer stays in game/ui."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.ui import theme


def test_run_app_opens_the_home_window_and_exits_cleanly(  # type: ignore[no-untyped-def]
        qapp, tmp_path: Path, tmp_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from game.ui.app import run_app
    from game.ui.main_window import MainWindow

    monkeypatch.setenv("HOTLINE_SETTINGS", str(tmp_path / "settings.ini"))
    seen: dict[str, object] = {}

    def look_then_close() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        seen["windows"] = len(windows)
        if not windows:
            QApplication.exit(3)
            return
        window = windows[0]
        if not window.library.loaded_once:  # wait for the worker thread
            QTimer.singleShot(20, look_then_close)
            return
        seen["page"] = window.page()
        seen["cards"] = [c.entry.title for c in window.home.cards]
        window.close()

    QTimer.singleShot(0, look_then_close)
    assert run_app(["--theme", "dark"]) == 0
    assert seen["windows"] == 1
    assert seen["page"] == "home"
    assert seen["cards"] and "Balloon" in str(seen["cards"][0])
    assert qapp.property("hotlineTheme") == "dark"
    theme.apply_theme(qapp, "light")


@pytest.mark.parametrize("name", theme.THEME_NAMES)
def test_every_theme_token_is_defined(name: str) -> None:
    sheet = re.sub(r"/\*.*?\*/", "", theme.stylesheet(name), flags=re.S)
    leftovers = re.findall(r"@[a-z_]+", sheet)
    assert not leftovers, f"{name}: undefined colour tokens {sorted(set(leftovers))}"
    assert set(theme.colors("light")) == set(theme.colors("dark"))


def test_every_icon_the_ui_names_exists() -> None:
    from game.ui.present import KIND_ORDER, STATUS_LABELS

    names = {*KIND_ORDER, *(f"status-{s}" for s in STATUS_LABELS), "app", "clock", "wait",
             "warning", "intel", "press", "allied", "counterpart", "staff", "domestic"}
    missing = [n for n in sorted(names) if not (theme.ICONS / f"{n}.svg").is_file()]
    assert not missing
    for path in theme.ICONS.glob("*.svg"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("<svg") and "<script" not in text, path.name


def test_icons_render_at_high_dpi(qapp) -> None:  # type: ignore[no-untyped-def]
    pixmap = theme.pixmap("call", "#112233", 18, 2.0)
    assert pixmap.width() == 36 and pixmap.devicePixelRatio() == 2.0
    image = pixmap.toImage()
    drawn = [image.pixelColor(x, y) for x in range(36) for y in range(36)
             if image.pixelColor(x, y).alpha() > 128]
    assert drawn and drawn[0].name() == "#112233"


def test_switching_theme_mid_session_keeps_the_session(qtbot, make_window, library, qapp) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.show_new_session(library.default_entry())
    window.new_session._begin()
    panel = window.session_view.play.decision
    panel.pick(0)
    window.theme_actions["dark"].trigger()
    assert qapp.property("hotlineTheme") == "dark"
    assert window.settings.value("theme") == "dark"
    assert panel.selected() is panel.buttons[0], "the pick survives a theme change"
    window.theme_actions["light"].trigger()
    assert qapp.property("hotlineTheme") == "light"
