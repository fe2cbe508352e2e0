"""Time the balance report: N games per policy for a scenario, on every core.

Prints the wall time of the whole report (policies run in parallel worker
processes), the time each policy's run took inside its worker, and games
per second. Default: the flagship ``scenarios/balloon-2023.yaml``, 10,000
games per policy, 2 workers.

Run:  .venv/bin/python bench/balance.py [--games N] [--workers W] [FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from game.analysis.balance import balance_report  # noqa: E402
from game.scenario.loader import load_scenario  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(REPO / "scenarios" / "balloon-2023.yaml"))
    parser.add_argument("--games", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    scenario = load_scenario(args.file)
    print(f"{scenario.model.id}: {len(scenario.nodes)} nodes, {args.games:,} games per policy, "
          f"{args.workers} worker(s), {os.cpu_count()} core(s); load average "
          f"{os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    report = balance_report(scenario, args.games, args.seed, workers=args.workers)
    wall = time.perf_counter() - started
    busy = 0.0
    print(f"\n{'policy':<24} {'games':>8} {'seconds':>8} {'games/s':>9} {'turns/game':>11}")
    for name, sim in report.policies.items():
        busy += sim.elapsed
        rate = sim.games / sim.elapsed if sim.elapsed else 0.0
        print(f"{name:<24} {sim.games:>8,} {sim.elapsed:>8.2f} {rate:>9,.0f} "
              f"{sim.turns_mean:>11.1f}")
    played = report.games_played
    print(f"\nwhole report: {played:,} games in {wall:.2f} s wall "
          f"({played / wall:,.0f} games/s; {busy:.1f} s of worker time, "
          f"{busy / wall:.2f} cores busy on average)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
