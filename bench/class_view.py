"""What the class view costs for a big class, beside the cohort view in the same run.

Builds a store of N sessions of the flagship scenario (default 500) played by
people-like players (the expert's choice or another, with rationales), then
times, best and median of a few runs:

* reading and building the class (``load_class``), and the Class window
  opening on it (offscreen) — target under 1 s;
* writing the class as CSV, HTML and PDF — target under 3 s each;
* the Debrief window's cohort (``load_cohort``) over the same sessions, as a
  reference for what replaying every session costs.

    .venv/bin/python bench/class_view.py [N] [--repeat R] [--store PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from game.analysis.batch import policy_rng  # noqa: E402
from game.analysis.policies import get_policy  # noqa: E402
from game.engine.session import Session  # noqa: E402
from game.records import InputRecord, Journal, SessionRecord  # noqa: E402
from game.scenario.loader import load_scenario  # noqa: E402
from game.sessions import SessionService  # noqa: E402

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios" / "balloon-2023.yaml"
NAMES = ("Ana", "Ben", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai",
         "Lea", "Mo", "Nia", "Omar", "Pia", "Quin", "Rui", "Sam", "Tia", "Uma", "Vik")
WHY = ("Political contact first; the military line after.", "They need a way out.",
       "Allies must hear it from us.", "Waiting costs nothing today.",
       "Show resolve without shooting.", "The press will ask; answer first.")


def build_store(path: Path, n: int) -> None:
    """N finished sessions of the flagship, each by a trainee with rationales."""
    scenario = load_scenario(FLAGSHIP)
    expert, rand = get_policy("expert"), get_policy("random")
    with Journal(path) as journal:
        first = SessionService(journal).create(scenario, seed=0, trainee="Seed", attach=False)
        first.close()
        journal.delete_session(first.id)  # the snapshot stays: it is what sessions replay on
        session = Session(scenario, 0, batch=True, record=False)
        for k in range(n):
            rng = random.Random(k)
            session.restart(1000 + k)
            prng = policy_rng(1000 + k)
            inputs: list[InputRecord] = []
            while not session.ended:
                option = (expert if rng.random() < 0.6 else rand)(session, prng)
                data = {"type": "choose", "option": option, "rationale": rng.choice(WHY),
                        "seconds": round(rng.uniform(8, 90), 1)}
                session.apply(data)
                inputs.append(InputRecord(len(inputs) + 1, data, "2026-03-02T10:00:00+00:00"))
            outcome = session.outcome
            assert outcome is not None
            stamp = f"2026-03-{1 + k % 28:02d}T{8 + k % 10:02d}:00:00+00:00"
            journal.import_session(SessionRecord(
                id=f"2603{1 + k % 28:02d}-{k:06d}-bench", scenario_id=scenario.id,
                scenario_version=scenario.model.version, content_hash=scenario.content_hash,
                scenario_title=scenario.model.title, scenario_path=str(FLAGSHIP), seed=1000 + k,
                roles=(), trainee=f"{NAMES[k % len(NAMES)]} {k // len(NAMES)}",
                mode="trainee", meta={}, created_at=stamp, updated_at=stamp, status="ended",
                ending_id=outcome.ending_id, ending_title=outcome.title, score=outcome.score,
                n_inputs=len(inputs), ended_at=stamp), inputs)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return min(runs), statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", nargs="?", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, help="reuse (or create) this store")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hotline-bench-class-"))
    store = options.store or folder / "class.sqlite3"
    if not store.exists():
        start = time.perf_counter()
        build_store(store, options.n)
        print(f"built {options.n} sessions in {time.perf_counter() - start:.1f} s ({store})")

    from PySide6.QtWidgets import QApplication

    from game.debrief.class_export import export_class
    from game.debrief.classview import load_class
    from game.debrief.cohort import load_cohort
    from game.ui.class_window import ClassWindow

    app = QApplication.instance() or QApplication(["bench"])
    scenario = load_scenario(FLAGSHIP)
    rows: list[tuple[str, float, float, str]] = []
    with Journal(store) as journal:
        count = len(journal.sessions())
        view = load_class(journal, scenario.id, scenario)
        best, median = timed(lambda: load_class(journal, scenario.id, scenario), options.repeat)
        rows.append(("class view: read and build", best, median, "< 1 s"))

        def open_window() -> None:
            window = ClassWindow(journal, None, scenario.id)
            deadline = time.perf_counter() + 30
            while window.view is None and time.perf_counter() < deadline:
                app.processEvents()
            window.tabs.setCurrentIndex(0)
            app.processEvents()
            window.close()
            window.deleteLater()
            app.processEvents()

        best, median = timed(open_window, options.repeat)
        rows.append(("Class window: open until filled", best, median, "< 1 s"))
        for suffix in (".csv", ".html", ".pdf"):
            target = folder / f"class{suffix}"
            best, median = timed(lambda t=target: export_class(t, view, "a4"), options.repeat)
            rows.append((f"class export {suffix}", best, median, "< 3 s"))
        best, median = timed(lambda: load_cohort(journal, scenario.id, scenario),
                             options.repeat)
        rows.append(("reference: cohort (Debrief tab)", best, median, ""))
    print(f"{count} sessions of {scenario.model.title}; {options.repeat} runs each "
          f"(best / median)")
    for name, best, median, target in rows:
        print(f"  {name:<36} {best:7.3f} s  {median:7.3f} s   {target}")
    pdf = folder / "class.pdf"
    print(f"  PDF: {pdf.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
