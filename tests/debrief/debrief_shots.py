"""Screenshot every tab of the Debrief window and render the PDF report's pages.

Run under a virtual X server::

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tests/debrief/debrief_shots.py

Plays the flagship scenario with fixed choices (a throw-away journal), opens
the Debrief window in the light and dark themes, runs the what-ifs of one
decision, fills in the after-action report, and writes
``out/screenshots/debrief/debrief-*.png`` plus ``debrief-report.pdf`` and its pages
(``debrief-report-N.png``, with ``pdftoppm`` when installed). Look at every
picture before calling a screen done.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Choices for the flagship scenario: a plausible trainee, not the expert.
BALLOON_CHOICES = (
    ("aleutians", "track-quietly", "Too early to tell what it is; keep watching quietly."),
    ("montana", "hold-and-track", "Debris over land is a risk; we can down it over water."),
    ("disclosure", "demand-answer", "They need to explain this <b>now</b> — <script>x</script>"),
    ("postponement", "postpone-tell-wang", "Keep the door open while we postpone the trip."),
    ("carolina", "shoot-over-water", ""),
)


def record_session(journal: Any, scenario: Any, seed: int = 7,
                   choices: tuple[tuple[str, str, str], ...] = BALLOON_CHOICES,
                   trainee: str = "Cohort A — Team 2") -> str:
    """Play a session through the engine, journaling every input like the app does.

    Where ``choices`` has nothing for the current node (or the option is not
    available), the expert's option is taken, else the first one.

    Returns:
        The session id.
    """
    from game.engine.session import Session

    sid = journal.create_session(
        scenario_id=scenario.id, scenario_version=scenario.model.version,
        content_hash=scenario.content_hash, scenario_title=scenario.model.title,
        scenario_path=scenario.source_path, seed=seed, roles=[], trainee=trainee)
    session = Session(scenario, seed, batch=True)
    planned = {node: (option, why) for node, option, why in choices}
    step = 0
    while not session.ended:
        available = [o.id for o in session.available()]
        option, why = planned.get(session.node, (scenario.expert.get(session.node, ""), ""))
        if option not in available:
            option = available[0]
        data: dict[str, Any] = {"type": "choose", "option": option, "seconds": 20.0 + 7 * step}
        if why:
            data["rationale"] = why
        if step == 2:
            note = {"type": "note", "text": "Team argued for 3 minutes before deciding."}
            journal.append_input(sid, note)
            session.apply(note)
        journal.append_input(sid, data)
        session.apply(data)
        step += 1
    assert session.outcome is not None
    journal.finish(sid, ending_id=session.outcome.ending_id, ending_title=session.outcome.title,
                   score=session.outcome.score)
    return sid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots" / "debrief")
    parser.add_argument("--scenario", type=Path,
                        default=ROOT / "scenarios" / "balloon-2023.yaml")
    parser.add_argument("--size", default="1360x880")
    parser.add_argument("--theme", choices=("light", "dark", "both"), default="both")
    options = parser.parse_args(argv)
    width, height = (int(x) for x in options.size.split("x"))
    options.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    from game.debrief.aar import AAR, PlanItem, RatingOverride, save_aar
    from game.records.journal import Journal
    from game.scenario.loader import load_scenario
    from game.ui.debrief_window import DebriefWindow

    try:
        from game.ui import theme
    except ImportError:  # the play window's theme module is optional here
        theme = None  # type: ignore[assignment]

    tmp = Path(tempfile.mkdtemp(prefix="hotline-debrief-shots-"))
    journal = Journal(tmp / "journal.sqlite3")
    scenario = load_scenario(options.scenario)
    sid = record_session(journal, scenario)
    for seed in (3, 11, 19, 23):  # a small class for the cohort tab
        record_session(journal, scenario, seed, choices=(), trainee=f"Cohort A — seed {seed}")
    objectives = scenario.model.objectives
    save_aar(journal, sid, AAR(
        ratings={objectives[0].id: RatingOverride("S", "Made contact, but only on day 3.",
                                                  "Maj. Ng")},
        plan=[PlanItem(issue="Hotline not tried before the shoot-down",
                       action="Drill: request a DTL call within the first hour of an incident",
                       organisation="J3 training cell", element="training",
                       completion="2026-12-15"),
              PlanItem(issue="Public demand for a call closed the channel",
                       action="Keep call requests private until answered",
                       organisation="PA office", element="planning")],
        notes="Good restraint over Montana; the public demand cost two days of silence."))

    written: list[Path] = []

    def settle(seconds: float = 0.15) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    themes = ("light", "dark") if options.theme == "both" else (options.theme,)
    for name in themes:
        if theme is not None:
            theme.apply_theme(app, name)
        window = DebriefWindow(journal, sid, scenario)
        window.resize(width, height)
        window.show()
        settle(0.3)
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            tab = window.tabs.tabText(index).replace("&&", "and")
            if tab == "What-ifs":
                window.whatifs.decision.setCurrentIndex(min(4, window.whatifs.decision.count() - 1))
                window.whatifs.run()
                while window.whatifs.job is not None:
                    settle(0.05)
            if tab == "Cohort":
                while window.cohort.cohort is None:
                    settle(0.05)
            if tab == "Replay":
                window.replay.show_turn(4)
            if tab == "Timeline":
                window.timeline.selectRow(4)
            settle(0.25)
            slug = tab.lower().replace(" ", "-")
            path = options.out / f"debrief-{slug}-{name}.png"
            window.grab().save(str(path))
            written.append(path)
        if name == themes[0]:
            job = window.export_to(options.out / "debrief-report.pdf")
            while window.export_job is not None:
                settle(0.05)
            job.wait(10)
        window.close()
        window.deleteLater()
        settle(0.1)

    pdf = options.out / "debrief-report.pdf"
    if pdf.is_file() and shutil.which("pdftoppm"):
        for old in options.out.glob("debrief-report-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf),
                        str(options.out / "debrief-report")], check=True)
        written += sorted(options.out.glob("debrief-report-*.png"))
    journal.close()
    shutil.rmtree(tmp, ignore_errors=True)  # the scratch journal: leave no temp folder behind
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
