"""Start the desktop app: ``hotline`` with no subcommand calls :func:`run_app`.

``hotline studio [FILE]`` starts the same way but opens only the Authoring
Studio (``--studio``).

Start-up stays light: the home window appears first, then the scenario
library loads on a worker thread (that is where pydantic, the YAML loader and
the engine get imported), so the window is interactive at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

APP_NAME = "Hotline"


def parse_args(args: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hotline", description="Open the Hotline desktop app.")
    parser.add_argument("--store", type=Path, default=None,
                        help="session journal file (default: $HOTLINE_STORE or the user data dir)")
    parser.add_argument("--resume", metavar="SESSION", default=None,
                        help="reopen this saved session (id or unique prefix)")
    parser.add_argument("--scenario", default=None, metavar="FILE_OR_ID",
                        help="open this scenario (a file or a scenario id) on the new-session "
                        "screen")
    parser.add_argument("--scenarios", type=Path, action="append", default=[],
                        help="also look for scenarios in this folder (repeatable)")
    parser.add_argument("--theme", choices=("light", "dark", "high-contrast"), default=None,
                        help="colour theme (remembered)")
    parser.add_argument("--studio", nargs="?", const="", default=None, metavar="FILE_OR_ID",
                        help="open only the Authoring Studio, on this scenario if given")
    known, _qt = parser.parse_known_args(list(args))  # leave Qt's own options to Qt
    return known


def _scenario_path(ref: str) -> Path | None:
    """The file a ``--scenario``/``--studio`` value names; None (after saying why) if none."""
    from game.paths import ScenarioNotFound, find_scenario

    try:
        path = find_scenario(ref)
    except ScenarioNotFound as exc:
        print(f"hotline: {exc}", file=sys.stderr)
        return None
    if not path.is_file():
        print(f"hotline: {path}: no such scenario file", file=sys.stderr)
        return None
    return path.resolve()


def run_app(args: list[str]) -> int:
    """Open the home window (or only the Studio) and run the event loop; return the exit code."""
    options = parse_args(args)
    scenario: Path | None = None
    studio_file: Path | None = None
    if options.scenario and (scenario := _scenario_path(options.scenario)) is None:
        return 2
    if options.studio and (studio_file := _scenario_path(options.studio)) is None:
        return 2
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "hotline",
                                                   *args])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("hotline")

    from game.paths import settings_file

    from . import theme

    # One settings file in the user's config folder (or $HOTLINE_SETTINGS, which
    # tests and screenshot runs use to leave the user's settings alone).
    settings = QSettings(str(settings_file()), QSettings.Format.IniFormat)
    if options.theme:
        settings.setValue("theme", options.theme)
    theme.apply_theme(app, str(settings.value("theme", "light")))
    app.setWindowIcon(theme.app_icon())
    if options.studio is not None:
        return _run_studio(app, studio_file)

    from game.records.journal import Journal, JournalError

    from .library import ScenarioLibrary, default_dirs
    from .main_window import MainWindow

    try:
        journal = Journal(options.store)
    except JournalError as exc:
        QMessageBox.critical(None, "Hotline cannot open its session journal", str(exc))
        return 1
    library = ScenarioLibrary([*default_dirs(), *options.scenarios])
    window = MainWindow(journal, library, settings)
    window.show()
    window.raise_()
    window.activateWindow()  # keyboard play starts at once, even without a window manager
    if os.environ.get("HOTLINE_BENCH_STARTUP"):  # bench/startup.py: report, then quit
        _report_startup(app, window, library)
    # Load the library once the window has painted: the worker's imports (pydantic,
    # the YAML loader) would otherwise compete with the first paint for the GIL.
    QTimer.singleShot(30, library.reload)
    if options.resume:
        QTimer.singleShot(0, lambda: window.resume_session(options.resume))
    elif scenario is not None:
        QTimer.singleShot(0, lambda: window.open_scenario_file(scenario))
    try:
        return int(app.exec())
    finally:
        journal.close()


def _run_studio(app: object, path: Path | None) -> int:
    """Only the Authoring Studio (``hotline studio [FILE]``); the app ends when it closes."""
    from PySide6.QtWidgets import QApplication

    from .studio.window import StudioWindow

    studio = StudioWindow(path)
    studio.show()
    studio.raise_()
    studio.activateWindow()
    assert isinstance(app, QApplication)
    return int(app.exec())


def _report_startup(app: object, window: object, library: object) -> None:
    """Print when the home window is up and the event loop turning, then when cards are in."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def ready() -> None:
        print(f"hotline-ready {time.time():.6f}", flush=True)

    def cards() -> None:
        window.repaint()  # type: ignore[attr-defined]
        print(f"hotline-cards {time.time():.6f}", flush=True)
        entries = library.entries  # type: ignore[attr-defined]
        # What was loaded (tests/test_install.py checks an installed wheel finds them all).
        print(f"hotline-scenarios {sum(1 for e in entries if e.ok)} loaded, "
              f"{sum(1 for e in entries if not e.ok)} with problems", flush=True)
        QTimer.singleShot(0, lambda: QApplication.exit(0))

    QTimer.singleShot(0, ready)
    library.changed.connect(cards)  # type: ignore[attr-defined]


def main() -> int:  # python -m game.ui.app
    return run_app(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
