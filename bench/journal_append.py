"""Benchmark: how many inputs per second the journal can durably append.

Each append is its own ``synchronous=FULL`` transaction (the durability
contract), so this mostly measures fsync latency of the disk under the
store. Prints figures; asserts nothing.

Usage::

    python bench/journal_append.py [N] [--dir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from game.records import Journal  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures.

    Args:
        argv: Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns:
        The process exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000, help="appends (default 2000)")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the temp store")
    args = parser.parse_args(argv)
    n: int = args.n

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "bench.sqlite3"
        with Journal(path) as journal:
            sid = journal.create_session(
                scenario_id="bench",
                scenario_version="1",
                content_hash="sha256:0",
                scenario_title="Bench",
                scenario_path=None,
                seed=1,
                roles=["secdef"],
            )
            lat: list[float] = []
            start = time.perf_counter()
            for i in range(n):
                data = {
                    "type": "choose",
                    "option": f"call-dtl-{i % 7}",
                    "rationale": "Keep the line open; signal restraint — 保持沟通",
                    "role": "secdef",
                    "seconds": 12.5 + i,
                }
                t0 = time.perf_counter()
                journal.append_input(sid, data)
                lat.append(time.perf_counter() - t0)
            total = time.perf_counter() - start

            t0 = time.perf_counter()
            back = journal.inputs(sid)
            read = time.perf_counter() - t0
            assert len(back) == n  # sanity, not a timing assertion

        lat_ms = sorted(x * 1000 for x in lat)
        print(f"store: {path.parent} (synchronous=FULL, WAL)")
        print(f"appends: {n} in {total:.3f} s -> {n / total:,.0f} inputs/s")
        print(
            "latency ms: median {:.3f}  p95 {:.3f}  p99 {:.3f}  max {:.3f}".format(
                statistics.median(lat_ms),
                lat_ms[int(0.95 * (n - 1))],
                lat_ms[int(0.99 * (n - 1))],
                lat_ms[-1],
            )
        )
        print(f"read back {n} inputs in {read * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
