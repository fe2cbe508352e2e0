"""Start the desktop app: ``hotline`` with no subcommand calls :func:`run_app`.

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
    parser.add_argument("--scenario", type=Path, default=None,
                        help="open this scenario file on the new-session screen")
    parser.add_argument("--scenarios", type=Path, action="append", default=[],
                        help="also look for scenarios in this folder (repeatable)")
    parser.add_argument("--theme", choices=("light", "dark", "high-contrast"), default=None,
                        help="colour theme (remembered)")
    known, _qt = parser.parse_known_args(list(args))  # leave Qt's own options to Qt
    return known


def run_app(args: list[str]) -> int:
    """Open the home window and run the event loop; return the exit code."""
    options = parse_args(args)
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

    from . import theme
    from .library import ScenarioLibrary, default_dirs
    from .main_window import MainWindow

    # HOTLINE_SETTINGS names an .ini file instead of the platform's settings store
    # (tests and screenshot runs use it to leave the user's settings alone).
    settings_file = os.environ.get("HOTLINE_SETTINGS", "").strip()
    settings = (QSettings(settings_file, QSettings.Format.IniFormat) if settings_file
                else QSettings())
    if options.theme:
        settings.setValue("theme", options.theme)
    theme.apply_theme(app, str(settings.value("theme", "light")))
    app.setWindowIcon(theme.app_icon())

    from game.records.journal import Journal, JournalError

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
    elif options.scenario:
        QTimer.singleShot(0, lambda: window.open_scenario_file(options.scenario.resolve()))
    try:
        return int(app.exec())
    finally:
        journal.close()


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
        QTimer.singleShot(0, lambda: QApplication.exit(0))

    QTimer.singleShot(0, ready)
    library.changed.connect(cards)  # type: ignore[attr-defined]


def main() -> int:  # python -m game.ui.app
    return run_app(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
