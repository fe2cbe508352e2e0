"""``hotline sessions``: list the sessions in the journal."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import Any

from game import strictjson
from game.records import SessionRecord
from game.textsafe import escape

from .common import EXIT_OK, err, open_journal, store_flag

NAME = "sessions"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    sessions = sub.add_parser(NAME, help="list recorded sessions")
    sessions.add_argument("--json", action="store_true", help="print JSON")
    sessions.add_argument("--scenario", metavar="ID", help="only sessions of this scenario id")
    sessions.add_argument("--status", choices=("active", "ended"), help="only this status")
    return sessions


def _record_json(record: SessionRecord) -> dict[str, Any]:
    data = asdict(record)
    data["roles"] = list(record.roles)
    return data


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def run(args: argparse.Namespace) -> int:
    with open_journal(args.store, for_reading=True) as journal:
        listing = journal.list_sessions(scenario_id=args.scenario, status=args.status)
        records = listing.records
        for problem in listing.problems:
            err(f"warning: skipped a session: {problem.message}")
        if listing.problems:
            err(f"warning: {len(listing.problems)} session(s) skipped; run "
                f"`hotline {store_flag(args.store)}store check` for the details")
        if args.json:
            strictjson.dump([_record_json(r) for r in records], sys.stdout,
                            ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return EXIT_OK
        if not records:
            print(f"No sessions in {journal}.")
            return EXIT_OK
        header = ("ID", "SCENARIO", "TRAINEE", "STATUS", "ENDING", "SCORE", "INPUTS", "UPDATED")
        rows = [
            (r.id, r.scenario_id, r.trainee or "-", r.status, r.ending_id or "-",
             "-" if r.score is None else f"{r.score:.1f}", str(r.n_inputs), _when(r.updated_at))
            for r in records
        ]
        # Names and ids are people's text: one line each, controls shown, never obeyed.
        shown = [[escape(cell, one_line=True) for cell in row] for row in rows]
        widths = [max(len(row[i]) for row in (header, *shown)) for i in range(len(header))]
        for row in (header, *shown):
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        print(f"{len(records)} session(s) in {journal}")
    return EXIT_OK
