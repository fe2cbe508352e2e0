"""Screenshots of a class session played from separate desks: the Join dialog, seats, the console.

Run under a virtual X server::

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/seat_screenshots.py \\
        --size 1024x700

Writes ``out/screenshots/seat-<size>-NN-<step>.png``. Three app windows join
one class session of the three-desk drill (tests/seats/class_drill.yaml) on a
throw-away journal (or ``--store postgresql://...``): the State's seat, the
NSC's seat and the facilitator's console; the Defense desk is played from
this script through the same class session. Look at every picture before
calling a screen done.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DRILL = ROOT / "tests" / "seats" / "class_drill.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots")
    parser.add_argument("--size", default="1280x800", help="size of each window")
    parser.add_argument("--store", help="a PostgreSQL URL (default: a temp SQLite file)")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    options = parser.parse_args()
    width, height = (int(x) for x in options.size.split("x"))
    options.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="hotline-seat-shots-"))
    store = options.store or str(tmp / "class.sqlite3")

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([sys.argv[0]])
    app.setApplicationName("Hotline")
    from game.records.journal import Journal
    from game.scenario.loader import load_scenario
    from game.sessions import ClassSession
    from game.ui import theme
    from game.ui.facilitator.hookup import find_console
    from game.ui.library import ScenarioLibrary
    from game.ui.main_window import MainWindow

    theme.apply_theme(app, options.theme)
    written: list[Path] = []
    tag = f"seat-{width}x{height}"

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        app.processEvents()

    def shot(widget: QWidget, name: str) -> None:
        settle()
        path = options.out / f"{tag}-{name}.png"
        widget.grab().save(str(path))
        written.append(path)
        print(path)

    scenario = load_scenario(DRILL)
    with Journal(store) as journal:
        _sid, code = ClassSession.create(journal, scenario, roles=["state", "defense", "nsc"],
                                         seed=3, trainee="Blue cell")
    library = ScenarioLibrary([ROOT / "scenarios"])
    library.reload_now()

    def window(name: str) -> MainWindow:
        settings = QSettings(str(tmp / f"{name}.ini"), QSettings.Format.IniFormat)
        settings.setValue("theme", options.theme)
        win = MainWindow(Journal(store), library, settings)
        win.resize(width, height)
        win.show()
        return win

    # The State's desk: the Join dialog, then its seat.
    state = window("state")
    dialog = state.show_join()
    dialog.code.setText(code.lower())
    shot(dialog, "01-join-typed")
    dialog.look_up()
    settle(800)
    buttons = dialog.group.buttons()
    buttons[0].setChecked(True)
    shot(dialog, "02-join-found")
    dialog.join_session()
    settle(1200)
    shot(state, "03-state-waits-for-defense")

    # The NSC's desk and the facilitator's console join the same way.
    nsc = window("nsc")
    nsc_dialog = nsc.show_join()
    nsc_dialog.code.setText(code)
    nsc_dialog.look_up()
    settle(800)
    next(b for b in nsc_dialog.group.buttons() if b.property("value") == "nsc").setChecked(True)
    nsc_dialog.join_session()
    settle(1200)
    host = window("facilitator")
    fac_dialog = host.show_join()
    fac_dialog.code.setText(code)
    fac_dialog.look_up()
    settle(800)
    next(b for b in fac_dialog.group.buttons() if b.property("value") == "").setChecked(True)
    fac_dialog.join_session()
    settle(1500)
    console = find_console(host)
    assert console is not None, "the console did not open"
    console.resize(width, height)
    shot(console, "04-console-joined")

    # The Defense desk (played from here) decides; State's turn comes.
    defense = ClassSession.join(Journal(store), code, role="defense", seat="defense (desk 2)")
    defense.decide("call-dtl", "Answer on the military line first.")
    settle(1500)
    shot(state, "05-state-sees-the-consequences")
    assert state.session_view is not None and state.controller is not None
    state.session_view.consequences.go_on()
    settle(600)
    shot(state, "06-state-decides")
    shot(nsc, "07-nsc-waits")
    panel = state.session_view.play.decision
    panel.pick(0)
    panel.rationale.setPlainText("They asked for a minister; give them one.")
    panel.confirm_choice()
    settle(1200)
    state.session_view.consequences.go_on()
    settle(600)
    shot(state, "08-state-votes")
    panel.pick(1)
    panel.confirm_choice()
    settle(1200)
    shot(state, "09-state-voted")
    shot(console, "10-console-votes")
    assert nsc.session_view is not None
    while nsc.page() == "consequences":  # the NSC reads on to the vote
        nsc.session_view.consequences.go_on()
        settle(300)
    console.toggle_pause()
    settle(1200)
    shot(nsc, "11-nsc-paused")
    console.toggle_pause()
    settle(600)
    for win in (state, nsc, host):
        win.close()
    print(f"{len(written)} screenshot(s) in {options.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
