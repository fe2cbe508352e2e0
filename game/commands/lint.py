"""``hotline lint FILE...``: validate, then look for design problems."""

from __future__ import annotations

import argparse

from .common import scenario_ref

NAME = "lint"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help="validate, then look for design problems "
                            "(unreachable nodes, dead options, unreached endings...)")
    parser.add_argument("files", nargs="+", metavar="FILE", type=scenario_ref,
                        help="scenario file or id (e.g. balloon-2023)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 2)")
    return parser


def run(args: argparse.Namespace) -> int:
    from game.scenario.lint import lint_command

    return int(lint_command(list(args.files), bool(args.json), strict=bool(args.strict)))
