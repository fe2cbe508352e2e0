"""``hotline balance SCENARIO``: every policy on a scenario, per-decision outcomes."""

from __future__ import annotations

import argparse

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
    from game.analysis.balance import DEFAULT_GAMES, balance_command

    if args.workers is not None and args.workers < 1:
        raise CliError("--workers must be at least 1")
    return int(balance_command(args.scenario, DEFAULT_GAMES if args.n is None else args.n,
                               args.seed, bool(args.json), getattr(args, "html", None),
                               workers=args.workers))
