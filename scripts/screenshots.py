"""Open every screen of the desktop app in a real window and save PNGs.

Run under a virtual X server::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshots.py

Writes ``out/screenshots/*.png`` (window size 1280×800 unless ``--size``),
playing the default scenario with a fixed seed and a throw-away journal, in
the light theme and the dark one. Look at every picture before calling a
screen done.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots")
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "balloon-2023.yaml")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--theme", choices=("light", "dark", "both"), default="both")
    options = parser.parse_args()
    width, height = (int(x) for x in options.size.split("x"))
    options.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="hotline-shots-"))
    os.environ["HOTLINE_STORE"] = str(tmp / "journal.sqlite3")

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setApplicationName("Hotline")
    from game.records.journal import Journal
    from game.ui import theme
    from game.ui.controller import DecisionClock
    from game.ui.library import ScenarioLibrary
    from game.ui.main_window import MainWindow

    fake_now = [0.0]

    class ShotClock(DecisionClock):
        def __init__(self) -> None:
            super().__init__(now=lambda: fake_now[0], interval_ms=0)

    written: list[Path] = []

    def settle(ms: int = 120) -> None:
        # A local loop: QApplication.quit() would close every window (Qt 6).
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        app.processEvents()

    def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        settle()
        path = options.out / f"{name}.png"
        widget.grab().save(str(path))
        written.append(path)
        print(path)

    themes = ["light", "dark"] if options.theme == "both" else [options.theme]
    for theme_name in themes:
        theme.apply_theme(app, theme_name)
        journal = Journal(tmp / f"journal-{theme_name}.sqlite3")
        settings = QSettings(str(tmp / f"settings-{theme_name}.ini"), QSettings.Format.IniFormat)
        settings.setValue("theme", theme_name)
        library = ScenarioLibrary([ROOT / "scenarios", tmp / "user-scenarios"],
                                  default=options.scenario)
        library.reload_now()
        window = MainWindow(journal, library, settings, clock_factory=ShotClock)
        window.resize(width, height)
        window.show()
        window.activateWindow()  # Xvfb has no window manager to do it
        prefix = f"{theme_name}-"
        shot(window, prefix + "01-home")
        entry = library.default_entry()
        assert entry is not None, "no default scenario"
        window.show_new_session(entry)
        view = window.new_session
        assert view is not None
        view.name.setText("Blue Team")
        shot(window, prefix + "02-new-session")
        view.advanced.setChecked(True)
        view.seed.setValue(options.seed)
        shot(window, prefix + "03-new-session-advanced")
        view._begin()
        settle()
        focus = app.focusWidget()
        print(f"  keyboard focus on the play screen: {type(focus).__name__ if focus else None}"
              f", window active: {window.isActiveWindow()}")
        session_view = window.session_view
        controller = window.controller
        assert session_view is not None and controller is not None
        shot(window, prefix + "04-play-first-decision")
        panel = session_view.play.decision
        # Prefer a call so the consequences show the counterpart.
        kinds = [b.option.kind for b in panel.buttons]
        index = kinds.index("call") if "call" in kinds else 0
        panel.pick(index)
        panel.rationale.setPlainText("Open the military line early and privately, before the "
                                     "story breaks.")
        shot(window, prefix + "05-play-option-picked")
        panel.confirm_choice()
        shot(window, prefix + "06-consequences")
        step = 0
        timed_shot = paused_shot = False
        while controller.stage != "ended" and step < 40:
            session_view.consequences.go_on()
            settle(30)
            if controller.stage != "deciding":
                break
            step += 1
            view_now = controller.current()
            if view_now is not None and view_now.time_limit and not timed_shot:
                fake_now[0] += max(0, view_now.time_limit - 8)
                controller.clock.poll()
                shot(window, prefix + "07-play-timer")
                timed_shot = True
                fake_now[0] += 10  # let it run out: the scenario's time-out rule applies
                controller.clock.poll()
                shot(window, prefix + "07b-consequences-timed-out")
                continue
            if step == 3 and not paused_shot:
                controller.set_paused(True)
                shot(window, prefix + "08-play-paused")
                controller.set_paused(False)
                paused_shot = True
            if step == 5:
                shot(window, prefix + "09-play-later")
            kinds = [b.option.kind for b in panel.buttons]
            preferred = next((k for k in ("back_channel", "call", "de_escalate", "allies")
                              if k in kinds), kinds[0])
            panel.pick(kinds.index(preferred))
            panel.confirm_choice()
            if step == 5:
                shot(window, prefix + "10-consequences-later")
        session_view.consequences.go_on()
        shot(window, prefix + "11-end")
        debrief = window.open_debrief(controller.session_id or "")
        if debrief is not None:
            debrief.resize(1100, 720)
            shot(debrief, prefix + "12-debrief")
            debrief.close()
        # Leave a second session half-played so home offers Resume.
        window.show_new_session(entry)
        assert window.new_session is not None
        window.new_session.name.setText("Red Team")
        window.new_session._begin()
        settle()
        assert window.session_view is not None
        window.session_view.play.decision.pick(0)
        window.session_view.play.decision.confirm_choice()
        settle()
        window.go_home()
        shot(window, prefix + "13-home-with-sessions")
        bad = tmp / "broken.yaml"
        bad.write_text("id: Broken Scenario\ntitle: 12\nversion: 1\nnodes:\n  - id: a\n"
                       "    next: nowhere\n", encoding="utf-8")
        window.show_problems(bad, _problems(bad))
        settle()
        dialog = window.dialogs[-1]
        shot(dialog, prefix + "14-scenario-error")
        dialog.close()
        window.close()
        journal.close()
    print(f"{len(written)} screenshots in {options.out}")
    return 0


def _problems(path: Path) -> list[str]:
    from game.ui.library import load_entry

    return load_entry(path).problems


if __name__ == "__main__":
    sys.exit(main())
