"""Typed events: what they cost, beside a reference checkout in the same run.

Plays the flagship scenario (random policy, one process) three ways and
prints games per CPU-second for each: batch play keeping no events
(``record=False``, what Monte Carlo uses), batch play keeping the typed
event log, and the same plus ``events_json()`` (the canonical JSON the
determinism tests compare). With ``--reference PATH`` (a checkout of another
commit, e.g. made with ``git worktree add /tmp/ref <commit>``) the same
figures are measured for that code in turns, in the same run, so a busy
machine affects both alike.

Usage: .venv/bin/python bench/events.py [--games N] [--rounds R] [--reference PATH]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PROBE = r"""
import random, sys, time
sys.path.insert(0, sys.argv[1])
from game.engine import Session
from game.scenario.loader import load_scenario
scenario = load_scenario(sys.argv[1] + "/scenarios/balloon-2023.yaml")
games = int(sys.argv[2])

def play(record, as_json):
    session = Session(scenario, 0, batch=True, record=record)
    start = time.process_time()
    for seed in range(games):
        session.restart(seed)
        pick = random.Random(seed)
        while not session.ended:
            session.choose(pick.choice(session.available()).id)
        if as_json:
            session.events_json()
    return games / (time.process_time() - start)

play(False, False)  # warm-up
print(play(False, False), play(True, False), play(True, True))
"""

LABELS = ("record=False", "typed events kept", "events kept + events_json")


def measure(checkout: Path, games: int) -> list[float]:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(checkout), str(games)],
                         capture_output=True, text=True, check=True).stdout
    return [float(x) for x in out.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reference", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    checkouts = {"this checkout": ROOT}
    if args.reference is not None:
        checkouts["reference"] = args.reference.resolve()
    runs: dict[str, list[list[float]]] = {name: [] for name in checkouts}
    for _ in range(args.rounds):  # interleaved, so load spikes hit both
        for name, path in checkouts.items():
            runs[name].append(measure(path, args.games))
    print(f"balloon-2023, random policy, {args.games} games x {args.rounds} rounds, "
          "games per CPU-second (median, best):")
    for name, rows in runs.items():
        print(f"  {name} ({checkouts[name]})")
        for i, label in enumerate(LABELS):
            column = [row[i] for row in rows]
            print(f"    {label:<28} {statistics.median(column):8,.0f}  {max(column):8,.0f}")


if __name__ == "__main__":
    main()
