"""Benchmark: a class of 30 seats in 10 concurrent team sessions, PostgreSQL beside SQLite.

Every seat is a thread with its own connections, joined with its session's
code and playing the three-desk drill (tests/seats/class_drill.yaml) by
policy, as ``tests/seats/test_class_load.py`` does; the test checks that
nothing is lost, this prints how long it takes. PostgreSQL runs in a
throwaway local server (initdb + pg_ctl, fsync on) unless ``--pg URL`` names
one; the same run on one SQLite file is the reference (a class on one
machine). Also prints what one seat's steps cost on each store: a decision
with its key, a vote, a clock read. Prints figures; asserts nothing.

Usage::

    python bench/class_seats.py [--sessions 10] [--repeat 3] [--pg URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from seats.class_load import run_class  # noqa: E402

from game.records import Journal  # noqa: E402
from game.records.seating import Seating  # noqa: E402
from game.scenario.loader import load_scenario  # noqa: E402
from game.sessions import ClassSession  # noqa: E402

DRILL = ROOT / "tests" / "seats" / "class_drill.yaml"


def _class_runs(store: str, sessions: int, repeat: int) -> dict[str, str]:
    scenario = load_scenario(DRILL)
    walls: list[float] = []
    inputs = 0
    for n in range(repeat):
        run = run_class(store, scenario, sessions=sessions, seed=1000 * (n + 1))
        if run.stuck or run.errors:
            raise SystemExit(f"the run failed: stuck={run.stuck} errors={run.errors[:2]}")
        walls.append(run.wall_s)
        with Journal(store) as journal:
            inputs += sum(len(journal.input_records(sid)) for sid in run.sessions)
    return {
        "seats": str(len(run.seats)),
        "wall s (median)": f"{statistics.median(walls):.2f}",
        "wall s (min-max)": f"{min(walls):.2f}-{max(walls):.2f}",
        "decisions/s": f"{inputs / sum(walls):,.0f}",
    }


def _steps(store: str, n: int) -> dict[str, str]:
    """One desk's costs: confirm a decision (key + after=), cast a vote, read the clock."""
    scenario = load_scenario(DRILL)
    decide: list[float] = []
    vote: list[float] = []
    look: list[float] = []
    with Journal(store) as journal:
        seating = Seating(journal)
        for _ in range(n):
            _sid, code = ClassSession.create(journal, scenario, roles=["state", "defense", "nsc"],
                                             seed=1)
            desk = ClassSession.join(journal, code, role="defense", seat="bench")
            t0 = time.perf_counter()
            desk.decide("hold")
            decide.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            desk.refresh()
            look.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            seating.cast_vote(desk.id, "2/posture", "defense", "steady", seat="bench")
            vote.append(time.perf_counter() - t0)
            desk.recorded.close()

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.2f}"

    return {"decide ms": ms(decide), "vote ms": ms(vote), "refresh ms": ms(look)}


def _table(rows: dict[str, dict[str, str]]) -> None:
    keys = list(next(iter(rows.values())))
    width = max(len(k) for k in keys)
    print(f"{'':<{width}}  " + "  ".join(f"{name:>12}" for name in rows))
    for key in keys:
        print(f"{key:<{width}}  " + "  ".join(f"{row[key]:>12}" for row in rows.values()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10,
                        help="concurrent sessions (3 seats each)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the whole class")
    parser.add_argument("--steps", type=int, default=20, help="samples of one desk's steps")
    parser.add_argument("--pg", metavar="URL", help="an existing PostgreSQL database")
    options = parser.parse_args()
    server = None
    pg_url = options.pg
    if pg_url is None:
        from pgserver import start_server

        server = start_server()
        pg_url = server.create_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sqlite = str(Path(tmp) / "class.sqlite3")
            print(f"{options.sessions} sessions x 3 seats (threads, own connections each), "
                  f"{options.repeat} run(s); the three-desk drill, random policy")
            _table({"PostgreSQL": _class_runs(pg_url, options.sessions, options.repeat),
                    "SQLite": _class_runs(sqlite, options.sessions, options.repeat)})
            print()
            print(f"one desk's steps, median of {options.steps}")
            _table({"PostgreSQL": _steps(pg_url, options.steps),
                    "SQLite": _steps(sqlite, options.steps)})
    finally:
        if server is not None:
            server.destroy()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
