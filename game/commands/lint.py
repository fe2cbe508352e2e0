"""``hotline lint FILE...``: validate, then look for design problems.

Plain lint reads the file (abstract play over every possible value, no games
played), so it is fast enough for the Studio to run while the author types.
``--deep`` also plays games: for every decision it plays each alternative on
from real positions (the what-if machinery) and reports, as
``choice-never-matters``, a decision whose alternatives all end alike
(:mod:`game.debrief.impact`). That takes seconds, not milliseconds, which is
why it is a flag and not part of every lint.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import TYPE_CHECKING

from game.scenario import CompiledScenario
from game.scenario.compile import Problem

from .common import CliError, scenario_ref

if TYPE_CHECKING:
    from game.scenario.lint import ExtraFindings

NAME = "lint"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help="validate, then look for design problems "
                            "(unreachable nodes, dead options, unreached endings...)")
    parser.add_argument("files", nargs="+", metavar="FILE", type=scenario_ref,
                        help="scenario file or id (e.g. balloon-2023)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 2)")
    parser.add_argument("--deep", action="store_true",
                        help="also play games: report decisions whose alternatives all end "
                        "alike (choice-never-matters); takes a few seconds per file")
    parser.add_argument("--games", type=int, default=200, metavar="N",
                        help="with --deep: random continuations per alternative (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="with --deep: base seed (default 0)")
    return parser


def _deep(games: int, seed: int) -> ExtraFindings:
    from game.debrief.impact import decision_impact, impact_problems

    def findings(scenario: CompiledScenario) -> Iterable[Problem]:
        return impact_problems(decision_impact(scenario, games=games, seed=seed), scenario)

    return findings


def run(args: argparse.Namespace) -> int:
    from game.scenario.lint import lint_command

    if not args.deep and (args.games != 200 or args.seed != 0):
        raise CliError("--games and --seed only apply with --deep")
    if args.games < 10:
        raise CliError("--games must be at least 10")
    extra = _deep(int(args.games), int(args.seed)) if args.deep else None
    return int(lint_command(list(args.files), bool(args.json), strict=bool(args.strict),
                            extra=extra))
