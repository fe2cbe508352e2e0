"""Every window fits every screen from 1024×700 up: nothing larger than the screen, nothing cut.

The screen's free area is what :func:`game.ui.screen_fit.available_area`
returns; the tests set it (the offscreen platform has one 800×800 screen).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from layout_checks import clipped_labels, isolate_home
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QWidget

REPO = Path(__file__).resolve().parent.parent.parent
SCREENS = [(1024, 700), (1280, 800), (2560, 1440)]


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, themed) -> Path:  # type: ignore[no-untyped-def]
    return isolate_home(tmp_path, monkeypatch)


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> Callable[[int, int], QRect]:
    """Pretend the screen's free area is ``width``×``height``."""
    import game.ui.screen_fit as screen_fit

    def set_screen(width: int, height: int) -> QRect:
        area = QRect(0, 0, width, height)
        monkeypatch.setattr(screen_fit, "available_area", lambda _window: QRect(area))
        return area

    return set_screen


def assert_fits(window: QWidget, area: QRect) -> None:
    """The window lies inside the screen's free area, and its content does not need more."""
    name = type(window).__name__
    assert window.width() <= area.width() and window.height() <= area.height(), \
        f"{name} is {window.width()}×{window.height()} on a {area.width()}×{area.height()} screen"
    assert area.contains(window.frameGeometry()), f"{name} at {window.frameGeometry()}"
    need = window.minimumSizeHint()
    assert need.width() <= area.width() and need.height() <= area.height(), \
        f"{name}'s layout needs {need.width()}×{need.height()}"


def play_to_end(controller: Any) -> None:
    while not controller.session.ended:
        if controller.stage == "consequences":
            controller.proceed()
            continue
        controller.choose(controller.current().options[0].id, "")


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_window_opens_larger_than_the_screen(qtbot, screen, journal, library, settings,  # type: ignore[no-untyped-def]
                                                 clock_factory, tmp_path, size) -> None:
    from game.ui.facilitator.console import FacilitatorConsole
    from game.ui.main_window import MainWindow
    from game.ui.studio.window import StudioWindow

    area = screen(*size)
    # A geometry saved on a 2560×1440 monitor last time.
    big = MainWindow(journal, library, settings, clock_factory=clock_factory)
    big.resize(2500, 1400)
    settings.setValue("window/geometry", big.saveGeometry())
    big.deleteLater()
    window = MainWindow(journal, library, settings, clock_factory=clock_factory)
    qtbot.addWidget(window)
    window.show()
    settle()
    assert_fits(window, area)
    entry = library.default_entry()
    controller = window._new_controller()
    controller.start(entry.scenario, seed=3, scenario_path=str(entry.path))
    settle()
    assert_fits(window, area)
    console = FacilitatorConsole(controller, trainee_window=window)
    qtbot.addWidget(console)
    console.show()
    settle()
    assert_fits(console, area)
    play_to_end(controller)
    debrief = window.open_debrief(controller.session_id)
    settle()
    assert debrief is not None
    assert_fits(debrief, area)
    debrief.close()
    window.show_problems(tmp_path / "broken.yaml", ["broken.yaml:1:1: a problem " * 8])
    settle()
    assert_fits(window.dialogs[-1], area)
    window.dialogs[-1].close()
    studio = StudioWindow(REPO / "tests" / "engine" / "tiny.yaml", balance_workers=1)
    studio.show()
    settle()
    try:
        assert_fits(studio, area)
    finally:
        studio.editor.document().setModified(False)
        studio.close()
        studio.deleteLater()


def test_a_window_saved_off_screen_comes_back_on_screen(qtbot, screen, journal, library,  # type: ignore[no-untyped-def]
                                                        settings, clock_factory) -> None:
    from game.ui.main_window import MainWindow

    area = screen(1024, 700)
    moved = MainWindow(journal, library, settings, clock_factory=clock_factory)
    moved.setGeometry(1800, 900, 1000, 650)  # where a second monitor used to be
    settings.setValue("window/geometry", moved.saveGeometry())
    moved.deleteLater()
    window = MainWindow(journal, library, settings, clock_factory=clock_factory)
    qtbot.addWidget(window)
    window.show()
    assert area.contains(window.frameGeometry())


@pytest.fixture
def every_scenario(qapp) -> Any:  # type: ignore[no-untyped-def]
    """The library as shipped: every scenario in the repository."""
    from game.ui.library import ScenarioLibrary

    library = ScenarioLibrary([REPO / "scenarios"],
                              default=REPO / "scenarios" / "balloon-2023.yaml")
    library.reload_now()
    return library


def test_home_library_scrolls_and_nothing_is_cut_at_1024x700(screen, make_window,  # type: ignore[no-untyped-def]
                                                             every_scenario) -> None:
    screen(1024, 700)
    window = make_window(size=(1024, 700), library=every_scenario)
    settle()
    home = window.home
    scroll = home.scenarios
    assert len(home.grid_cards) >= 3
    assert scroll.widget().width() <= scroll.viewport().width(), "the library is wider than "\
        "its pane"
    assert home.grid_columns() == 1, "two columns of cards do not fit beside the sessions"
    for card in home.cards:
        right = card.mapTo(scroll.viewport(), card.rect().topRight()).x()
        assert right <= scroll.viewport().width(), f"{card.entry.title} is cut on the right"
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0, "the library is taller than the pane: it must scroll"
    bar.setValue(bar.maximum())
    settle()
    last = home.grid_cards[-1]
    bottom = last.mapTo(scroll.viewport(), last.rect().bottomLeft()).y()
    assert bottom <= scroll.viewport().height(), "the last card cannot be scrolled into view"
    assert clipped_labels(window) == []


def test_home_shows_two_columns_of_cards_on_a_wide_screen(screen, make_window,  # type: ignore[no-untyped-def]
                                                          every_scenario) -> None:
    screen(1920, 1080)
    window = make_window(size=(1920, 1080), library=every_scenario)
    settle()
    assert window.home.grid_columns() == 2
    assert clipped_labels(window) == []


def fully_visible(widget: QWidget, viewport: QWidget) -> bool:
    top_left = widget.mapTo(viewport, widget.rect().topLeft())
    return viewport.rect().contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_decision_screen_shows_the_options_and_the_chosen_description(  # type: ignore[no-untyped-def]
        screen, make_window, size) -> None:
    screen(*size)
    window = make_window(size=size)
    entry = window.library.default_entry()
    window.show_new_session(entry)
    window.new_session._begin()
    settle()
    panel = window.session_view.play.decision
    viewport = panel.list_area.viewport()
    shown = [b for b in panel.buttons if fully_visible(b, viewport)]
    assert len(shown) >= 3, f"only {len(shown)} whole options in view at {size}"
    for button in panel.buttons:
        # Every description is there in full, before any option is picked.
        assert button.option.description in button.meta.text()
        assert button.meta.isVisibleTo(button)
    for index in range(len(panel.buttons)):
        assert panel.pick(index)
        settle()
        chosen = panel.buttons[index]
        assert fully_visible(chosen, viewport), f"option {index + 1} is cut off when chosen"
        assert panel.confirm.isVisible() and panel.rationale.isVisible()
    assert clipped_labels(window.session_view.play) == []


def test_the_last_option_is_not_cut_off_at_the_bottom_of_the_list(screen, make_window) -> None:  # type: ignore[no-untyped-def]
    screen(1024, 700)
    window = make_window(size=(1024, 700))
    window.show_new_session(window.library.default_entry())
    window.new_session._begin()
    settle()
    panel = window.session_view.play.decision
    body = panel.list_area.widget()
    last = panel.buttons[-1]
    # The body holds the last option whole, at the width the scroll bar leaves.
    assert body.height() >= last.geometry().bottom()
    assert last.height() >= last.heightForWidth(last.width())
    assert body.width() <= panel.list_area.viewport().width()


def test_fit_window_clamps_size_and_minimum_to_the_screen(qtbot, screen) -> None:  # type: ignore[no-untyped-def]
    from game.ui.screen_fit import FRAME_ALLOWANCE, fit_window

    area = screen(1024, 700)
    widget = QWidget()
    qtbot.addWidget(widget)
    fit_window(widget, 1440, 900, min_width=1200, min_height=800)
    # The free area less what a window frame will take (title bar, borders).
    assert widget.width() <= 1024 - FRAME_ALLOWANCE[0] and widget.width() > 1000
    assert widget.height() <= 700 - FRAME_ALLOWANCE[1] and widget.height() > 640
    assert widget.minimumSize() == widget.size()
    widget.show()
    assert area.contains(widget.frameGeometry())
    small = QWidget()
    qtbot.addWidget(small)
    fit_window(small, 600, 400)
    assert small.size() == QSize(600, 400), "a window smaller than the screen keeps its size"


def test_the_clipping_check_sees_a_cut_label(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    cut = QLabel("A label far too long for the narrow window it was put in")
    cut.setMinimumWidth(10)
    cut.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    layout.addWidget(cut)
    root.resize(120, 60)
    root.show()
    settle()
    assert clipped_labels(root) and "needs" in clipped_labels(root)[0]
    cut.setWordWrap(True)
    root.resize(400, 200)
    settle()
    assert clipped_labels(root) == []
