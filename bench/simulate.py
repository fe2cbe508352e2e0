"""Monte Carlo throughput: complete games per second and decisions per second.

Plays ``N`` games of the flagship scenario (``scenarios/balloon-2023.yaml``,
falling back to ``tests/engine/tiny.yaml``) with the random policy, first in
one process, then with two worker processes (pool start-up included), and
prints the figures (wall clock, and games per CPU-second, which stays
meaningful on a busy machine). Target: at least 5,000 games/s on two cores.

Usage: .venv/bin/python bench/simulate.py [N] [SCENARIO]
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.analysis import simulate  # noqa: E402
from game.scenario.loader import load_scenario  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    default = ROOT / "scenarios" / "balloon-2023.yaml"
    if not default.is_file():
        default = ROOT / "tests" / "engine" / "tiny.yaml"
    path = Path(sys.argv[2]) if len(sys.argv) > 2 else default
    started = time.perf_counter()
    scenario = load_scenario(path)
    load_ms = (time.perf_counter() - started) * 1000
    print(f"scenario {scenario.id} ({path.name}): {len(scenario.nodes)} nodes; "
          f"loaded in {load_ms:.0f} ms; {os.cpu_count()} CPU(s); n={n}; policy random")
    simulate(scenario, min(n, 500), "random", workers=1)  # warm-up
    for workers in (1, 2):
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        report = simulate(scenario, n, "random", seed=0, workers=workers)
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        print(f"  {workers} worker(s): {n / elapsed:9,.0f} games/s  "
              f"{report.turns_total / elapsed:10,.0f} decisions/s  "
              f"({elapsed:.2f} s wall, {report.turns_mean:.1f} decisions/game; "
              f"{n / cpu:,.0f} games per CPU-second)")


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
