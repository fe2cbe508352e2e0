"""``hotline debrief ID``: print or export a session's debrief."""

from __future__ import annotations

import argparse

from .common import open_journal, scenario_ref

NAME = "debrief"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help="print or export a session's debrief")
    parser.add_argument("session_id", metavar="ID", help="session id or a unique prefix")
    parser.add_argument("--export", metavar="FILE", help="write .pdf, .html or .json")
    parser.add_argument("--handout", action="store_true",
                        help="for the trainees: leave out facilitator-only meters and notes")
    parser.add_argument("--paper", choices=("letter", "a4"),
                        help="paper for a PDF (default: from your locale; Letter in the US)")
    parser.add_argument("--scenario", metavar="PATH", type=scenario_ref,
                        help="scenario file to use instead of the recorded path")
    return parser


def run(args: argparse.Namespace) -> int:
    from game.debrief.commands import debrief_command

    with open_journal(args.store, for_reading=True) as journal:
        return int(debrief_command(journal, args.session_id, args.export,
                                   scenario_path=args.scenario, handout=args.handout,
                                   paper=args.paper))
