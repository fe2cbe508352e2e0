"""Benchmark: what the integrity check costs when a journal is opened.

Builds a SQLite journal of S sessions with I inputs each (one transaction per
session, to build it fast), then times, side by side in one run, a bare
``sqlite3.connect`` + one query (the floor), ``Journal(path)`` (identify +
``PRAGMA quick_check`` + migrations check), and ``hotline store check``'s full
``integrity_check`` with every row read back. Prints figures; asserts nothing.

Usage::

    python bench/journal_open.py [SESSIONS] [INPUTS]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from game.records import InputRecord, Journal, SessionRecord  # noqa: E402
from game.records.recovery import check_store  # noqa: E402


def _build(path: Path, sessions: int, inputs: int) -> None:
    with Journal(path) as journal:
        for k in range(sessions):
            record = SessionRecord(
                id=f"bench-{k:06d}", scenario_id="bench", scenario_version="1",
                content_hash="sha256:0", scenario_title="Bench", scenario_path=None, seed=k,
                roles=("secdef",), trainee="", mode="headless", meta={},
                created_at=f"2025-01-01T00:00:00.{k:06d}+00:00",
                updated_at="2025-01-01T00:00:00+00:00", status="active", ending_id=None,
                ending_title=None, score=None, n_inputs=inputs,
            )
            rows = [
                InputRecord(i + 1, {"type": "choose", "option": f"opt-{i % 5}",
                                    "rationale": "hold the line " * 4}, "2025-01-01")
                for i in range(inputs)
            ]
            journal.import_session(record, rows)


def _time(action: Callable[[], object], repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        action()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) * 1000


def main(argv: list[str] | None = None) -> int:
    """Build the store, time the three ways of opening it, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sessions", nargs="?", type=int, default=1000)
    parser.add_argument("inputs", nargs="?", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        _build(path, args.sessions, args.inputs)
        size = path.stat().st_size / 1e6

        def bare() -> None:
            conn = sqlite3.connect(path)
            conn.execute("SELECT COUNT(*) FROM sessions").fetchone()
            conn.close()

        floor = _time(bare)
        journal = _time(lambda: Journal(path).close())
        full = _time(lambda: check_store(path), repeat=1)
    print(f"store: {args.sessions} sessions x {args.inputs} inputs, {size:.1f} MB")
    print(f"bare sqlite3 open + query     {floor:8.1f} ms")
    print(f"Journal(path) (quick_check)   {journal:8.1f} ms")
    print(f"hotline store check (full)    {full:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
