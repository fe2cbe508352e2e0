"""Choose → consequences: how long from Confirm until the consequences screen is painted.

Plays the flagship several times in a 1280×800 main window (offscreen unless
a display is set) and times, for every decision, ``confirm_choice()`` →
the journal write → the engine → the signals → the consequences screen and
the refreshed channel board, meters and feed laid out and painted
(``repaint()``). The journal write (an fsync'd SQLite commit) is timed
separately, since it depends on the disk, not on the UI.

    .venv/bin/python bench/render.py [-n 5]

Target: under 50 ms. Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description="choose → consequences render time")
    parser.add_argument("-n", type=int, default=5, help="sessions to play (default 5)")
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "balloon-2023.yaml")
    options = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = Path(tempfile.mkdtemp(prefix="hotline-render-"))

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    from game.records.journal import Journal
    from game.ui import theme
    from game.ui.library import ScenarioLibrary
    from game.ui.main_window import MainWindow

    theme.apply_theme(app, "light")
    journal = Journal(tmp / "journal.sqlite3")
    library = ScenarioLibrary([options.scenario.parent], default=options.scenario)
    library.reload_now()
    entry = library.default_entry()
    assert entry is not None
    window = MainWindow(journal, library, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.resize(1280, 800)
    window.show()
    app.processEvents()

    append = journal.append_input
    journal_ms: list[float] = []

    def timed_append(session_id: str, data: dict) -> int:  # type: ignore[type-arg]
        start = time.perf_counter()
        try:
            return append(session_id, data)
        finally:
            journal_ms.append((time.perf_counter() - start) * 1000)

    journal.append_input = timed_append  # type: ignore[method-assign]
    total_ms: list[float] = []
    total_cpu: list[float] = []
    continue_ms: list[float] = []
    continue_cpu: list[float] = []
    for game in range(options.n):
        window.show_new_session(entry)
        assert window.new_session is not None
        window.new_session.advanced.setChecked(True)
        window.new_session.seed.setValue(game + 1)
        window.new_session._begin()
        app.processEvents()
        view = window.session_view
        controller = window.controller
        assert view is not None and controller is not None
        turn = 0
        while controller.stage != "ended":
            panel = view.play.decision
            panel.pick((turn + game) % len(panel.buttons))
            app.processEvents()
            start, cpu = time.perf_counter(), time.process_time()
            panel.confirm_choice()
            app.processEvents()
            window.repaint()
            total_ms.append((time.perf_counter() - start) * 1000)
            total_cpu.append((time.process_time() - cpu) * 1000)
            assert window.page() == "consequences"
            start, cpu = time.perf_counter(), time.process_time()
            view.consequences.go_on()
            app.processEvents()
            window.repaint()
            continue_ms.append((time.perf_counter() - start) * 1000)
            continue_cpu.append((time.process_time() - cpu) * 1000)
            turn += 1
    window.close()
    journal.close()

    def show(name: str, values: list[float]) -> None:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        print(f"{name:<46} median {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   "
              f"max {max(values):6.1f} ms")

    platform = os.environ.get("QT_QPA_PLATFORM") or "xcb/wayland"
    print(f"platform: {platform}; {options.n} sessions of {entry.title!r}, "
          f"{len(total_ms)} decisions, window 1280×800")
    show("Confirm → consequences painted (target < 50)", total_ms)
    show("  of which the journal write (fsync)", journal_ms)
    ui = [t - j for t, j in zip(total_ms, journal_ms, strict=False)]
    show("  the rest: engine + widgets + paint", ui)
    show("  CPU time of this process (less noisy)", total_cpu)
    show("Continue → next decision painted", continue_ms)
    show("  CPU time of this process", continue_cpu)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
