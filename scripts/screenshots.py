"""Open every screen of the desktop app in a real window, sized to the screen, and save PNGs.

Run it and it starts a virtual X server per screen size by itself::

    .venv/bin/python scripts/screenshots.py                    # 1024x700 and 1920x1080
    .venv/bin/python scripts/screenshots.py --sizes 1280x800 --theme dark

(``--no-xvfb`` uses the display you already have.) Writes
``out/screenshots/<size>/<theme>-NN-<screen>.png``: home, new session, play,
consequences, ending, a facilitated team session with its console, the
debrief's tabs and the Authoring Studio with its graph and a playtest. Every
window is opened the way the app opens it (fitted to the screen), playing the
default scenario with a fixed seed on a throw-away journal, backups folder and
settings file. Look at every picture before calling a screen done.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEAM_DRILL = ROOT / "tests" / "ui" / "facilitator" / "team.yaml"
DEFAULT_SIZES = "1024x700,1920x1080"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots")
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help="screen sizes, comma-separated (default %(default)s)")
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "balloon-2023.yaml")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--theme", choices=("light", "dark", "high-contrast", "all"),
                        default="light")
    parser.add_argument("--only", default="",
                        help="comma-separated parts: trainee, facilitator, debrief, studio")
    parser.add_argument("--no-xvfb", action="store_true",
                        help="use the current display (one size: the screen's own)")
    options = parser.parse_args()
    if options.no_xvfb or os.environ.get("HOTLINE_SHOTS_CHILD"):
        return shoot(options)
    if shutil.which("xvfb-run") is None:
        print("xvfb-run is not installed (apt-get install xvfb), or pass --no-xvfb",
              file=sys.stderr)
        return 2
    code = 0
    for size in options.sizes.split(","):
        size = size.strip()
        args = [sys.executable, __file__, "--out", str(options.out), "--scenario",
                str(options.scenario), "--seed", str(options.seed), "--theme", options.theme,
                "--only", options.only]
        env = dict(os.environ, HOTLINE_SHOTS_CHILD=size)
        env.pop("QT_QPA_PLATFORM", None)
        run = subprocess.run(["xvfb-run", "-a", "-s", f"-screen 0 {size}x24", *args], env=env,
                             check=False)
        code = code or run.returncode
    return code


def shoot(options: argparse.Namespace) -> int:
    """Take the pictures on the current display (one screen size)."""
    tmp = Path(tempfile.mkdtemp(prefix="hotline-shots-"))
    os.environ["HOTLINE_STORE"] = str(tmp / "journal.sqlite3")
    os.environ["HOTLINE_BACKUPS"] = str(tmp / "backups")
    os.environ["HOTLINE_SETTINGS"] = str(tmp / "settings.ini")

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setApplicationName("Hotline-screenshots")
    app.setOrganizationName("Hotline-screenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    from game.records.journal import Journal
    from game.ui import theme
    from game.ui.controller import DecisionClock
    from game.ui.facilitator.hookup import find_console
    from game.ui.library import ScenarioLibrary, load_entry
    from game.ui.main_window import MainWindow

    screen = QGuiApplication.primaryScreen().availableGeometry()
    size = f"{screen.width()}x{screen.height()}"
    out = options.out / size
    out.mkdir(parents=True, exist_ok=True)
    parts = {p.strip() for p in options.only.split(",") if p.strip()} or {
        "trainee", "facilitator", "debrief", "studio"}
    fake_now = [0.0]

    class ShotClock(DecisionClock):
        def __init__(self) -> None:
            super().__init__(now=lambda: fake_now[0], interval_ms=0)

    written: list[Path] = []

    def settle(ms: int = 150) -> None:
        # A local loop: QApplication.quit() would close every window (Qt 6).
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        app.processEvents()

    def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        settle()
        path = out / f"{prefix}{name}.png"
        widget.grab().save(str(path))
        written.append(path)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path,
              f"{widget.width()}x{widget.height()}")

    def maximise(window) -> None:  # type: ignore[no-untyped-def]
        """As a user on this screen would: the whole free area."""
        window.resize(screen.width(), screen.height())
        window.move(screen.topLeft())

    themes = ["light", "dark", "high-contrast"] if options.theme == "all" else [options.theme]
    for theme_name in themes:
        prefix = f"{theme_name}-"
        theme.apply_theme(app, theme_name)
        journal = Journal(tmp / f"journal-{theme_name}.sqlite3")
        settings = QSettings(str(tmp / f"settings-{theme_name}.ini"), QSettings.Format.IniFormat)
        settings.setValue("theme", theme_name)
        library = ScenarioLibrary([ROOT / "scenarios"], default=options.scenario)
        library.reload_now()
        window = MainWindow(journal, library, settings, clock_factory=ShotClock)
        maximise(window)
        window.show()
        window.activateWindow()  # Xvfb has no window manager to do it
        entry = library.default_entry()
        assert entry is not None, "no default scenario"
        session_id = ""
        if parts & {"trainee", "debrief"}:
            shot(window, "01-home")
            window.show_new_session(entry)
            setup = window.new_session
            assert setup is not None
            setup.name.setText("Blue Team")
            setup.advanced.setChecked(True)
            setup.seed.setValue(options.seed)
            shot(window, "02-new-session")
            setup._begin()
            settle()
            session_view, controller = window.session_view, window.controller
            assert session_view is not None and controller is not None
            shot(window, "03-play-first-decision")
            panel = session_view.play.decision
            kinds = [b.option.kind for b in panel.buttons]
            panel.pick(len(kinds) - 1)  # the last option: is it all there?
            shot(window, "04-play-last-option-picked")
            panel.pick(kinds.index("call") if "call" in kinds else 0)
            panel.rationale.setPlainText("Open the military line early and privately, before "
                                         "the story breaks.")
            shot(window, "05-play-call-picked")
            panel.confirm_choice()
            shot(window, "06-consequences")
            step = 0
            timed = paused = False
            while controller.stage != "ended" and step < 40:
                session_view.consequences.go_on()
                settle(30)
                if controller.stage != "deciding":
                    break
                step += 1
                now = controller.current()
                if now is not None and now.time_limit and not timed:
                    fake_now[0] += max(0, now.time_limit - 8)
                    controller.clock.poll()
                    shot(window, "07-play-timer")
                    timed = True
                if step == 3 and not paused:
                    controller.set_paused(True)
                    shot(window, "08-play-paused")
                    controller.set_paused(False)
                    paused = True
                kinds = [b.option.kind for b in panel.buttons]
                preferred = next((k for k in ("back_channel", "call", "de_escalate", "allies")
                                  if k in kinds), kinds[0])
                panel.pick(kinds.index(preferred))
                panel.confirm_choice()
                if step == 4:
                    shot(window, "09-consequences-later")
            session_view.consequences.go_on()
            shot(window, "10-end")
            session_id = controller.session_id or ""
            # A second session, left half-played, so home offers Resume and Discard.
            window.show_new_session(entry)
            assert window.new_session is not None
            window.new_session._begin()
            settle()
            assert window.session_view is not None
            window.session_view.play.decision.pick(0)
            window.session_view.play.decision.confirm_choice()
            settle()
            window.go_home()
            shot(window, "11-home-with-sessions")
            window.show_shortcuts()
            settle()
            shot(window.dialogs[-1], "12-shortcuts")
            window.dialogs[-1].close()
        if "debrief" in parts and session_id:
            debrief = window.open_debrief(session_id)
            assert debrief is not None
            debrief.showMaximized() if False else maximise(debrief)
            for index, name in ((0, "overview"), (1, "timeline"), (2, "charts"), (3, "score"),
                                (6, "aar")):
                debrief.tabs.setCurrentIndex(index)
                shot(debrief, f"13-debrief-{name}")
            debrief.tabs.setCurrentWidget(debrief.whatifs_page)
            debrief.whatifs.runs.setValue(20)
            debrief.whatifs.run()
            for _ in range(400):
                if debrief.whatifs.job is None:
                    break
                settle(50)
            shot(debrief, "13-debrief-whatifs")
            debrief.close()
        if "facilitator" in parts:
            _facilitated(window, library, settle, shot, maximise, load_entry, find_console,
                         options.seed)
        if "studio" in parts:
            studio = window.open_studio(options.scenario)
            maximise(studio)
            settle(600)
            shot(studio, "20-studio")
            studio.graph.fit_all()
            shot(studio, "21-studio-graph-all")
            studio.side.setCurrentWidget(studio.playtest)
            shot(studio, "22-studio-playtest-panel")
            studio.start_playtest(studio.playtest.current_setup())
            settle()
            if studio.playtest_window is not None:
                shot(studio.playtest_window, "23-studio-playtest")
                studio.playtest_window.close()
            studio.editor.document().setModified(False)
            studio.close()
        window.close()
        journal.close()
    print(f"{len(written)} screenshots in {out}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _facilitated(window, library, settle, shot, maximise, load_entry, find_console,  # type: ignore[no-untyped-def]
                 seed: int) -> None:
    """A facilitated team session: hand-over, the console, a vote."""
    drill = load_entry(TEAM_DRILL)
    assert drill.ok, drill.problems
    window.show_new_session(drill)
    setup = window.new_session
    assert setup is not None
    setup.name.setText("Drill team")
    setup.team.setChecked(True)
    setup.facilitator.setChecked(True)
    setup.advanced.setChecked(True)
    setup.seed.setValue(seed)
    setup._begin()
    settle()
    console = find_console(window)
    assert console is not None, "facilitator mode opened no console"
    maximise(console)
    view, controller = window.session_view, window.controller
    play = view.play
    panel = play.decision
    shot(window, "30-team-handover")
    play.handover.dismiss()
    shot(window, "31-team-first-decision")
    console.tabs.setCurrentWidget(console.inject)
    console.inject.text.setPlainText("A reporter is asking the deputy's office about fighters.")
    shot(console, "32-console-inject")
    console.tabs.setCurrentWidget(console.meters)
    console.meters.delta.setValue(5)  # no reason yet: the console says why Apply is off
    console.toggle_pause()
    shot(console, "35-console-paused-adjust")
    shot(window, "36-trainees-paused-by-facilitator")
    console.toggle_pause()
    for option in ("call", "hold"):
        play.handover.dismiss()
        panel.pick_id(option)
        panel.confirm_choice()
        settle(30)
        view.consequences.go_on()
        settle(30)
    play.handover.dismiss()
    shot(window, "33-team-vote")
    reasons = iter(("Allies first: they will hear of it anyway.",
                    "Give a little now to keep the line open.",
                    "Allies, then the press."))
    picks = iter(("allies", "concede", "allies"))
    while controller.stage == "deciding":
        play.handover.dismiss()
        panel.pick_id(next(picks, "allies"))
        panel.rationale.setPlainText(next(reasons, ""))
        panel.confirm_choice()
        settle()
    shot(window, "34-team-vote-result")
    console.close()
    window.go_home()


if __name__ == "__main__":
    sys.exit(main())
