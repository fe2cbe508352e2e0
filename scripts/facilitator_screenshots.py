"""Screenshots of a facilitated team session: the trainees' window and the console side by side.

Run under a virtual X server with two screens (the console should open on
the one the trainees' window is not on)::

    xvfb-run -a -s "-screen 0 1280x800x24 -screen 1 1280x800x24" \\
        .venv/bin/python scripts/facilitator_screenshots.py

Writes ``out/screenshots/facilitator-NN-<step>.png`` (both windows side by
side, trainees on the left) and ``facilitator-NN-<step>-console.png`` /
``-trainees.png`` at full size. Plays the flagship scenario as a team of every
role in facilitator mode with a fixed seed and a throw-away journal, then the
small team drill (tests/ui/facilitator/team.yaml) for a team vote. Look at
every picture before calling a screen done.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEAM_DRILL = ROOT / "tests" / "ui" / "facilitator" / "team.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots")
    parser.add_argument("--size", default="1280x800", help="size of each window")
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "balloon-2023.yaml")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    options = parser.parse_args()
    width, height = (int(x) for x in options.size.split("x"))
    options.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="hotline-fac-shots-"))
    os.environ["HOTLINE_STORE"] = str(tmp / "journal.sqlite3")

    from PySide6.QtCore import QEventLoop, QPoint, QSettings, QTimer
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setApplicationName("Hotline")
    from game.records.journal import Journal
    from game.ui import theme
    from game.ui.controller import DecisionClock
    from game.ui.facilitator.hookup import find_console
    from game.ui.library import ScenarioLibrary, load_entry
    from game.ui.main_window import MainWindow

    fake_now = [0.0]

    class ShotClock(DecisionClock):
        def __init__(self) -> None:
            super().__init__(now=lambda: fake_now[0], interval_ms=0)

    written: list[Path] = []

    def settle(ms: int = 150) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        app.processEvents()

    def shot(window, console, name: str) -> None:  # type: ignore[no-untyped-def]
        settle()
        left = window.grab()
        right = console.grab() if console is not None else QPixmap()
        gap = 16
        both = QPixmap(left.width() + gap + right.width(), max(left.height(), right.height()))
        both.fill(QColor("#444a55"))
        painter = QPainter(both)
        painter.drawPixmap(QPoint(0, 0), left)
        if not right.isNull():
            painter.drawPixmap(QPoint(left.width() + gap, 0), right)
        painter.end()
        for suffix, image in (("", both), ("-trainees", left), ("-console", right)):
            if image.isNull():
                continue
            path = options.out / f"facilitator-{name}{suffix}.png"
            image.save(str(path))
            written.append(path)
        screens = app.screens()

        def where(widget) -> str:  # type: ignore[no-untyped-def]
            return f"screen {screens.index(widget.screen())}" if widget is not None else "-"

        print(_show(options.out / f"facilitator-{name}.png"),
              f"(trainees on {where(window)}, console on {where(console)} "
              f"of {len(screens)})")

    theme.apply_theme(app, options.theme)
    journal = Journal(tmp / "journal.sqlite3")
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("theme", options.theme)
    library = ScenarioLibrary([ROOT / "scenarios"], default=options.scenario)
    library.reload_now()
    window = MainWindow(journal, library, settings, clock_factory=ShotClock)
    window.resize(width, height)
    window.show()

    # -- the flagship, as a team, in facilitator mode -----------------------------------
    entry = library.default_entry()
    assert entry is not None, "no default scenario"
    window.show_new_session(entry)
    setup = window.new_session
    assert setup is not None
    setup.name.setText("Blue Cell")
    setup.team.setChecked(True)
    setup.facilitator.setChecked(True)
    setup.advanced.setChecked(True)
    setup.seed.setValue(options.seed)
    shot(window, None, "01-new-session")
    setup._begin()
    settle()
    console = find_console(window)
    assert console is not None, "facilitator mode opened no console"
    console.resize(width, height)
    controller = window.controller
    view = window.session_view
    assert controller is not None and view is not None
    play = view.play
    shot(window, console, "02-handover")
    play.handover.dismiss()
    shot(window, console, "03-first-decision")

    # An ad-hoc inject, typed by the facilitator, to the crisis lead only.
    console.tabs.setCurrentWidget(console.inject)
    inject = console.inject
    inject.sender_name.setCurrentText("White House press office")
    inject.kind.setCurrentIndex(inject.kind.findData("press"))
    first_role = next(iter(inject.roles))
    inject.roles[first_role].setChecked(True)
    inject.text.setPlainText("A Montana newspaper photographer has pictures of a large white "
                             "balloon over Billings and is calling for comment.")
    shot(window, console, "04-inject-typed")
    inject.send_inject()
    shot(window, console, "05-inject-delivered")

    # Play on: pick a call where there is one; look at the counterpart tab.
    panel = play.decision

    def choose(prefer: tuple[str, ...]) -> None:
        kinds = [b.option.kind for b in panel.buttons]
        kind = next((k for k in prefer if k in kinds), kinds[0])
        panel.pick(kinds.index(kind))
        panel.rationale.setPlainText("Keep a private line open before anything public.")
        panel.confirm_choice()
        settle(40)

    choose(("call", "back_channel"))
    shot(window, console, "06-consequences")
    view.consequences.go_on()
    settle()
    play.handover.dismiss()
    console.tabs.setCurrentWidget(console.counterpart)
    ringing = next((p.channel for p in controller.session.pending), None)
    if ringing:
        console.select_channel(ringing)
    shot(window, console, "07-counterpart")
    console.tabs.setCurrentWidget(console.meters)
    console.meters.meter.setCurrentIndex(console.meters.meter.findData("openness"))
    console.meters.delta.setValue(-10)
    console.meters.reason.setText("Beijing's foreign ministry hardens its line")
    console.meters.adjust()
    console.notes.text.setPlainText("The cell argued for 4 minutes about whether to call "
                                    "before the press has the story.")
    console.notes.add_note()
    console.toggle_pause()
    shot(window, console, "08-paused-adjusted-noted")
    console.toggle_pause()
    view_now = controller.current()
    if view_now is not None and view_now.time_limit:
        fake_now[0] += max(0, view_now.time_limit - 20)
        controller.clock.poll()
    console.tabs.setCurrentWidget(console.clock_control)
    shot(window, console, "09-timer-warning")
    steps = 0
    while controller.stage != "ended" and steps < 30:
        choose(("back_channel", "call", "de_escalate", "allies"))
        if controller.stage == "ended":
            break
        view.consequences.go_on()
        settle(30)
        play.handover.dismiss()
        steps += 1
    view.consequences.go_on()
    settle()
    shot(window, console, "10-end")
    debrief = window.open_debrief(controller.session_id or "")
    if debrief is not None:
        debrief.resize(width, height)
        shot(debrief, console, "11-debrief")
        debrief.close()

    # -- the team drill: a majority vote, role-only injects -------------------------------
    drill = load_entry(TEAM_DRILL)
    assert drill.ok, drill.problems
    window.show_new_session(drill)
    setup = window.new_session
    assert setup is not None
    setup.name.setText("Drill team")
    setup.team.setChecked(True)
    setup.facilitator.setChecked(True)
    setup._begin()
    settle()
    console = find_console(window)
    assert console is not None
    console.resize(width, height)
    controller = window.controller
    view = window.session_view
    assert controller is not None and view is not None
    play = view.play
    panel = play.decision
    for option in ("call", "hold"):
        play.handover.dismiss()
        panel.pick_id(option)
        panel.confirm_choice()
        settle(30)
        view.consequences.go_on()
        settle(30)
    shot(window, console, "12-vote-handover")
    play.handover.dismiss()
    panel.pick_id("allies")
    panel.rationale.setPlainText("Allies first.")
    panel.confirm_choice()
    settle()
    play.handover.dismiss()
    shot(window, console, "13-vote-second-role")
    panel.pick_id("concede")
    panel.confirm_choice()
    settle()
    play.handover.dismiss()
    panel.pick_id("allies")
    panel.confirm_choice()
    shot(window, console, "14-vote-result")
    window.close()
    journal.close()
    print(f"{len(written)} images in {_show(options.out)}")
    return 0


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
