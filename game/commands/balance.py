"""``hotline balance SCENARIO``: every policy on a scenario, per-decision outcomes.

The report is computed by :mod:`game.analysis.balance` and drawn as HTML by
:mod:`game.analysis.balance_html`; this module is the terminal glue between
them (so neither of the two imports the other's consumer).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from game import strictjson
from game.analysis.balance import (
    DEFAULT_GAMES,
    ProgressCallback,
    balance_report,
    format_text,
)
from game.analysis.balance_html import render_html

from .common import CliError, scenario_ref

NAME = "balance"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help="balance report: every policy on a scenario")
    parser.add_argument("scenario", metavar="SCENARIO", type=scenario_ref,
                        help="scenario file or id (e.g. balloon-2023)")
    parser.add_argument("-n", type=int, default=None, metavar="N",
                        help="games per policy (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument("--workers", type=int, metavar="W", help="processes (default: all)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--html", metavar="FILE", help="also write an HTML report")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise CliError("--workers must be at least 1")
    return int(balance_command(args.scenario, DEFAULT_GAMES if args.n is None else args.n,
                               args.seed, bool(args.json), getattr(args, "html", None),
                               workers=args.workers))


def balance_command(path: str, n: int = DEFAULT_GAMES, seed: int = 0, as_json: bool = False,
                    html_out: str | None = None, *, workers: int | None = None,
                    out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``hotline simulate FILE --balance`` (or ``hotline balance FILE``).

    Args:
        path: Scenario file.
        n: Games per policy.
        seed: Base seed.
        as_json: Print JSON instead of text.
        html_out: Also write a self-contained HTML report to this path.
        workers: Processes (default: every core).
        out: Where the report goes (default stdout).
        err: Where problems and progress go (default stderr).

    Returns:
        0 on success, 2 if the scenario does not load or arguments are wrong.
    """
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    if n < 1:
        stderr.write("error: the number of games must be at least 1\n")
        return 2
    from game.scenario.loader import check_scenario_file

    scenario, diagnostics = check_scenario_file(path)
    if scenario is None:
        for d in diagnostics:
            stderr.write(d.format() + "\n")
        return 2
    progress = _terminal_progress(stderr) if stderr.isatty() else None
    report = balance_report(scenario, n, seed, workers=workers, progress=progress)
    if progress is not None:
        stderr.write("\r" + " " * 60 + "\r")
    if as_json:
        stdout.write(strictjson.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        stdout.write(format_text(report))
    if html_out:
        Path(html_out).write_text(render_html(report), encoding="utf-8")
        stderr.write(f"wrote {html_out}\n")
    return 0


def _terminal_progress(stream: TextIO) -> ProgressCallback:
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent != last[0]:
            last[0] = percent
            stream.write(f"\rplaying {done:,}/{total:,} games ({percent}%)")
            stream.flush()

    return progress
