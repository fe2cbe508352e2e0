"""``hotline whatif ID --decision N``: where each alternative of a decision leads; kept."""

from __future__ import annotations

import argparse
import sys

from game import strictjson

from .common import EXIT_OK, CliError, err, open_journal

NAME = "whatif"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        NAME, help="play every alternative of one decision to the end; keep it with the session",
        description="Fork a recorded session at a decision (same seed, everything before it "
        "replayed), take each alternative and play on: once by the expert, N times at random, "
        "and the expert again over other rolls of the dice (luck or choice). The result is "
        "kept with the session, so the debrief and its exports show it.")
    parser.add_argument("session_id", metavar="ID", help="session id or a unique prefix")
    parser.add_argument("--decision", "-d", type=int, required=True, metavar="N",
                        help="the decision to fork at, counting from 1")
    parser.add_argument("-n", "--games", type=int, default=200, metavar="GAMES",
                        help="random games per alternative (default 200)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    from game.debrief.luck import DEFAULT_DICE, add_dice, luck_note
    from game.debrief.source import open_debrief
    from game.debrief.text import whatif_lines
    from game.debrief.whatif import what_if
    from game.debrief.whatif_store import save_whatif, whatif_to_json

    if not 1 <= args.games <= 100_000:
        raise CliError("-n must be between 1 and 100000 games")
    with open_journal(args.store) as journal:
        opened = open_debrief(journal, args.session_id, references=False)
        debrief = opened.debrief
        if opened.scenario is None:
            raise CliError(f"session {debrief.session_id} cannot be replayed, so it has no "
                           "what-ifs: " + " ".join(debrief.notices))
        decisions = len(debrief.decisions)
        if not 1 <= args.decision <= decisions:
            raise CliError(f"session {debrief.session_id} has {decisions} decision(s); "
                           f"--decision must be between 1 and {decisions}")
        k = args.decision - 1
        result = what_if(opened.scenario, debrief.seed, opened.inputs, k, n=args.games,
                         roles=debrief.roles)
        add_dice(result, opened.scenario, opened.inputs, m=min(args.games, DEFAULT_DICE),
                 roles=debrief.roles)
        save_whatif(journal, debrief.session_id, result)
    if args.json:
        strictjson.dump(whatif_to_json(result) | {"luck": luck_note(result)}, sys.stdout,
                        ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("\n".join(whatif_lines(result)).lstrip("\n") + "\n")
        err(f"kept with session {debrief.session_id}: `hotline debrief "
            f"{debrief.session_id}` and its exports show it")
    return EXIT_OK
