"""Fixtures for the play-window tests: a real journal in tmp, real scenarios, a fake clock.

Nothing here waits in real time: the decision clock reads a fake time source
that a test moves forward, and polls only when told to.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent.parent

FLAGSHIP = REPO_ROOT / "scenarios" / "balloon-2023.yaml"
TINY = REPO_ROOT / "tests" / "engine" / "tiny.yaml"


class FakeTime:
    """A monotonic clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def clock_factory(fake_time: FakeTime) -> Callable[[], object]:
    from game.ui.controller import DecisionClock

    def make() -> DecisionClock:
        return DecisionClock(now=fake_time, interval_ms=0)

    return make


@pytest.fixture
def journal(tmp_store: Path) -> Iterator[object]:
    from game.records.journal import Journal

    with Journal(tmp_store) as j:
        yield j


@pytest.fixture(scope="session")
def flagship() -> object:
    from game.scenario.loader import load_scenario

    return load_scenario(FLAGSHIP)


@pytest.fixture(scope="session")
def tiny() -> object:
    from game.scenario.loader import load_scenario

    return load_scenario(TINY)


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A scenarios folder holding the flagship and the tiny test scenario."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(FLAGSHIP, folder / FLAGSHIP.name)
    shutil.copy(TINY, folder / TINY.name)
    return folder


@pytest.fixture
def library(scenario_dir: Path, qapp: object) -> object:
    from game.ui.library import ScenarioLibrary

    lib = ScenarioLibrary([scenario_dir], default=scenario_dir / FLAGSHIP.name)
    lib.reload_now()
    return lib


@pytest.fixture
def settings(tmp_path: Path, qapp: object) -> object:
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, journal, library, settings, clock_factory):  # type: ignore[no-untyped-def]
    """Build a MainWindow on the test's journal and library, closed at teardown."""
    from game.ui.main_window import MainWindow

    def make(**overrides):  # type: ignore[no-untyped-def]
        window = MainWindow(overrides.get("journal", journal), overrides.get("library", library),
                            overrides.get("settings", settings),
                            clock_factory=overrides.get("clock_factory", clock_factory))
        qtbot.addWidget(window)
        size = overrides.get("size", (1280, 800))
        if size:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def themed(qapp):  # type: ignore[no-untyped-def]
    """The app in its light theme (style sheet, fonts) as users see it; undone afterwards."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from game.ui import theme

    # An application style sheet re-polishes every widget alive, and earlier tests leave
    # hidden windows behind (signal connections keep them): let those go first, or each
    # switch costs seconds.
    for widget in QApplication.topLevelWidgets():
        if not widget.isVisible() and widget.parent() is None:
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    before = (qapp.styleSheet(), qapp.palette(), qapp.property("hotlineTheme"))
    theme.apply_theme(qapp, "light")
    yield qapp
    qapp.setStyleSheet(before[0])
    qapp.setPalette(before[1])
    qapp.setProperty("hotlineTheme", before[2])
