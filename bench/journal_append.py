"""Benchmark: durable append latency of the journal, SQLite against PostgreSQL.

Each append is its own durable transaction (the journal's contract: the input
is safe before the engine answers), so the figures are mostly commit (fsync)
latency. Both stores run on this machine in the same run: SQLite in a temp
folder, PostgreSQL in a throwaway server (initdb + pg_ctl, fsync on) unless
``--pg URL`` names one. Prints figures; asserts nothing.

Usage::

    python bench/journal_append.py [N] [--dir DIR] [--pg URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from game.records import Journal  # noqa: E402


def _run(store: str, n: int) -> dict[str, Any]:
    with Journal(store) as journal:
        sid = journal.create_session(
            scenario_id="bench", scenario_version="1", content_hash="sha256:0",
            scenario_title="Bench", scenario_path=None, seed=1, roles=["secdef"],
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
        t0 = time.perf_counter()
        Journal(store).close()
        reopen = time.perf_counter() - t0
    ms = sorted(x * 1000 for x in lat)
    return {
        "appends/s": f"{n / total:,.0f}",
        "median ms": f"{statistics.median(ms):.3f}",
        "p95 ms": f"{ms[int(0.95 * (n - 1))]:.3f}",
        "p99 ms": f"{ms[int(0.99 * (n - 1))]:.3f}",
        "max ms": f"{ms[-1]:.3f}",
        f"read {n} ms": f"{read * 1000:.1f}",
        "open ms": f"{reopen * 1000:.1f}",
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures.

    Args:
        argv: Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns:
        The process exit code.
    """
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000, help="appends (default 2000)")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the SQLite store")
    parser.add_argument("--pg", metavar="URL", help="an existing PostgreSQL database to use")
    args = parser.parse_args(argv)
    n: int = args.n

    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        results["SQLite (WAL, synchronous=FULL)"] = _run(str(Path(tmp) / "bench.sqlite3"), n)
    if args.pg:
        results["PostgreSQL (synchronous_commit=on)"] = _run(args.pg, n)
    else:
        from pgserver import find_pg_bin, start_server

        if find_pg_bin() is None:
            print("PostgreSQL binaries not found: install Debian's postgresql package "
                  "(or pass --pg URL); showing SQLite only")
        else:
            server = start_server()
            try:
                url = server.create_database()
                results["PostgreSQL (local server, fsync on)"] = _run(url, n)
            finally:
                server.destroy()

    names = list(results)
    rows = list(next(iter(results.values())))
    width = max(len(r) for r in rows)
    cols = [max(len(name), 12) for name in names]
    print(f"journal append: {n} durable appends to one session, same machine, same run")
    print(" " * width + "  " + "  ".join(name.rjust(c) for name, c in zip(names, cols)))
    for row in rows:
        cells = "  ".join(results[name][row].rjust(c) for name, c in zip(names, cols))
        print(f"{row.ljust(width)}  {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
