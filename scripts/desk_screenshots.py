"""Screenshots of the instructor's desk: the session browser, the HSEEP after-action
report, lessons and what-ifs, the Charts tab (light and dark), the Class window.

Run under a real X server so the windows are drawn as a user sees them::

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/desk_screenshots.py OUT

Each view is saved at 1024x700 and 1920x1080 (``OUT/<view>-<size>.png``).
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = ((1024, 700), (1920, 1080))
NAMES = ("Ana Diaz", "Ben Okafor", "Chen Wu", "Dara Kim", "Eli Stone", "Femi Ade", "Gus Berg",
         "Hana Sato")
WHY = ("Political contact first; the military line after.", "They need a way out.",
       "Allies must hear it from us before the press does.", "Waiting costs nothing today.",
       "Show resolve without shooting.", "The press will ask; answer first.")


def build(store: Path) -> str:
    """A class of the flagship (people, one bot), one session with a full AAR and a what-if."""
    from game.analysis.batch import policy_rng
    from game.analysis.policies import get_policy
    from game.debrief.aar import (
        AAR,
        Finding,
        Overview,
        Participant,
        PlanItem,
        RatingOverride,
        save_aar,
    )
    from game.debrief.luck import add_dice
    from game.debrief.whatif import what_if
    from game.debrief.whatif_store import save_whatif
    from game.records import Journal
    from game.scenario.loader import load_scenario
    from game.sessions import SessionService

    scenario = load_scenario(ROOT / "scenarios" / "balloon-2023.yaml")
    expert, rand = get_policy("expert"), get_policy("random")
    with Journal(store) as journal:
        service = SessionService(journal)
        ids = []
        for k in range(24):
            bot = k == 23
            recorded = service.create(scenario, seed=100 + k, trainee="" if bot else
                                      NAMES[k % len(NAMES)], mode="headless" if bot else
                                      "trainee", meta={"policy": "random"} if bot else None,
                                      attach=False)
            rng, prng = random.Random(k), policy_rng(100 + k)
            while not recorded.ended:
                option = (expert if rng.random() < 0.55 else rand)(recorded.session, prng)
                recorded.apply({"type": "choose", "option": option,
                                "rationale": rng.choice(WHY), "seconds": rng.randint(8, 90)})
                if k == 0 and len(recorded.session.path) == 2:
                    recorded.apply({"type": "note", "text": "Team argued over the press line."})
                    recorded.apply({"type": "pause", "by": "trainee"})
                    recorded.apply({"type": "resume", "by": "trainee"})
            recorded.finish()
            ids.append(recorded.id)
        unfinished = service.create(scenario, seed=7, trainee="Iris Lund", attach=False)
        unfinished.apply({"type": "choose", "option": expert(unfinished.session,
                                                              policy_rng(7))})
        unfinished.close()
        sid = ids[0]
        objectives = scenario.model.objectives
        save_aar(journal, sid, AAR(
            ratings={objectives[1].id: RatingOverride(
                "S", "Went political first, but asked for the defense chiefs too early.",
                "Maj. Ng")},
            plan=[PlanItem(issue="The defense-chief request came on the heels of the shot",
                           action="Drill the sequence: a political note first, then the DTL "
                           "request", capability="op-comms", element="training",
                           organisation="J3", contact="Maj. Ng", start="2026-04-01",
                           completion="2026-06-30"),
                  PlanItem(issue="No public line ready when the story broke",
                           action="Pre-clear a holding statement", capability="public-info",
                           element="planning", organisation="OSD Public Affairs",
                           contact="Ms. Reyes", start="2026-04-01", completion="2026-05-15")],
            notes="Calm under pressure. Work on sequencing the channels.",
            overview=Overview(name="Balloon TTX, spring class", start="2026-03-02",
                              end="2026-03-02",
                              participants=(Participant("Ana Diaz", "Trainee, all roles"),),
                              facilitator="Col. Hart", evaluators=("Maj. Ng", "Capt. Ito"),
                              organisation="Crisis Communication Course"),
            findings=[Finding(kind="strength", capability="interdiction",
                              title="Waited for the sea", observation="The balloon came down "
                              "off the coast.", analysis="Nobody on the ground was at risk.",
                              references="Scenario brief, NORTHCOM"),
                      Finding(kind="improvement", capability="op-comms",
                              title="Military line too early", observation="The DTL request "
                              "came an hour after the shot.", analysis="Beijing could not take a "
                              "call that would look like accepting the shootdown.",
                              recommendation="Send a political note first.",
                              references="crisis-facts, 2023-02-04")],
            hot_wash="Players felt rushed at the shootdown; they wanted a political line."))
        inputs = journal.inputs(sid)
        w = what_if(scenario, 100, inputs, 0, n=60)
        add_dice(w, scenario, inputs, m=60)
        save_whatif(journal, sid, w)
    return sid


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots/desk")
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="hotline-desk-shots-"))
    store = folder / "class.sqlite3"
    sid = build(store)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from game.records import Journal
    from game.ui import theme
    from game.ui.class_window import ClassWindow
    from game.ui.debrief_window import DebriefWindow
    from game.ui.library import ScenarioLibrary
    from game.ui.main_window import MainWindow
    from game.ui.session_browser import SessionBrowser

    app = QApplication.instance() or QApplication(["hotline-shots"])
    theme.apply_theme(app, "light")

    def settle(ms: int = 300) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def shot(widget: object, name: str, size: tuple[int, int]) -> None:
        widget.resize(*size)  # type: ignore[attr-defined]
        settle()
        path = out / f"{name}-{size[0]}x{size[1]}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        print(path)

    with Journal(store) as journal:
        library = ScenarioLibrary([ROOT / "scenarios"], default=ROOT / "scenarios" /
                                  "balloon-2023.yaml")
        library.reload_now()
        settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        for size in SIZES:
            main_window = MainWindow(journal, library, settings)
            main_window.show()
            shot(main_window, "home", size)
            main_window.close()

            browser = SessionBrowser(journal, actor="Instructor Ng")
            browser.show()
            settle(800)
            browser.select(sid)
            shot(browser, "browser", size)
            dialog = browser.ask_delete()
            settle()
            if dialog is not None:
                dialog.reason.setText("a duplicate run")
                settle()
                dialog.grab().save(str(out / f"browser-delete-{size[0]}x{size[1]}.png"))
                print(out / f"browser-delete-{size[0]}x{size[1]}.png")
                dialog.reject()
            browser.close()

            window = DebriefWindow(journal, sid)
            window.show()
            shot(window, "debrief-overview", size)
            window.show_tab("Expert && history")
            shot(window, "debrief-expert-lessons", size)
            window.show_tab("What-ifs")
            shot(window, "debrief-whatifs", size)
            window.show_tab("Charts")
            shot(window, "debrief-charts", size)
            panel = window.show_tab("After-action report")
            for index, name in enumerate(("aar-overview", "aar-ratings", "aar-findings",
                                          "aar-hotwash", "aar-plan")):
                panel.pages.setCurrentIndex(index)  # type: ignore[attr-defined]
                if name == "aar-findings":
                    panel.finding_list.setCurrentRow(1)  # type: ignore[attr-defined]
                shot(window, name, size)
            panel.hot_wash.setPlainText(panel.hot_wash.toPlainText() + " Edited.")  # type: ignore[attr-defined]
            window.close()  # unsaved: the question
            settle()
            box = window.close_box
            if box is not None:
                shot(window, "aar-unsaved-title", size)
                box.grab().save(str(out / f"aar-unsaved-question-{size[0]}x{size[1]}.png"))
                print(out / f"aar-unsaved-question-{size[0]}x{size[1]}.png")
                window.discard_close.click()
            settle()

            klass = ClassWindow(journal, library, "balloon-2023")
            klass.show()
            settle(1500)
            for index, name in enumerate(("class-ratings", "class-scores", "class-choices",
                                          "class-rationales")):
                klass.tabs.setCurrentIndex(index)
                shot(klass, name, size)
            klass.close()

        theme.apply_theme(app, "dark")
        window = DebriefWindow(journal, sid)
        window.show()
        window.show_tab("Charts")
        shot(window, "debrief-charts-dark", SIZES[1])
        window.close()
        klass = ClassWindow(journal, library, "balloon-2023")
        klass.show()
        settle(1500)
        klass.tabs.setCurrentIndex(1)
        shot(klass, "class-scores-dark", SIZES[1])
        klass.close()
        settle()


if __name__ == "__main__":
    main()
