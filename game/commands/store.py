"""``hotline store check|recover``: look after the session journal itself.

``check`` reads the whole store read-only and says what is wrong;
``recover OUT`` copies every readable session into a new store. Neither
changes the store it reads, so both work on a journal that the other
commands refuse to write to.
"""

from __future__ import annotations

import argparse
import sys

from game.records.recovery import SessionCopy, check_store, iter_lines, recover_store

from .common import EXIT_INVALID, EXIT_OK, err, store_flag

NAME = "store"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        NAME, help="check the session journal, or recover its sessions into a new one",
        description="Look after the session journal (--store, $HOTLINE_STORE or the default "
        "file). Both actions only read it.",
    )
    actions = parser.add_subparsers(dest="store_action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="check the journal's structure and read back every session",
        description="Exit 0 when the journal is sound, 2 when something is wrong.",
    )
    check.set_defaults(store_run=_check)
    recover = actions.add_parser(
        "recover", help="copy every readable session into a new journal",
        description="Copies each session whose header can be read, with every input up to "
        "the first unreadable one, into OUT (a new file, or an empty postgresql:// store).",
    )
    recover.add_argument("out", metavar="OUT", help="the new journal (a file that does not exist)")
    recover.set_defaults(store_run=_recover)
    for action in (check, recover):
        action.add_argument("--store", metavar="PATH|URL", default=argparse.SUPPRESS,
                            help="the journal to read (as before the command)")
    return parser


def run(args: argparse.Namespace) -> int:
    status: int = args.store_run(args)
    return status


def _check(args: argparse.Namespace) -> int:
    report = check_store(args.store)
    complete = [s for s in report.sessions if s.complete]
    inputs = sum(len(s.inputs) for s in complete)
    print(f"Journal {report.display} ({'PostgreSQL' if report.kind == 'postgresql' else 'SQLite'})")
    print(f"{len(complete)} session(s) read back whole, {inputs} input(s)")
    if report.healthy:
        print("No problems found.")
        return EXIT_OK
    for line in iter_lines(report):
        print(f"  problem: {line}", file=sys.stdout)
    readable = len(report.readable)
    err(f"hotline: the journal {report.display} has problems (listed above). "
        f"`hotline {store_flag(args.store)}store recover NEW.sqlite3` copies the {readable} "
        "readable session(s) into a new journal.")
    return EXIT_INVALID


def _recover(args: argparse.Namespace) -> int:
    def progress(copy: SessionCopy) -> None:
        if copy.record is None:
            print(f"  lost     {copy.session_id}: {copy.problem}")
        elif not copy.complete:
            print(f"  partial  {copy.session_id}: {len(copy.inputs)} input(s) copied; "
                  f"{copy.problem} (the copy is reopened so it can be resumed)")

    report = recover_store(args.store, args.out, progress=progress)
    whole = sum(1 for s in report.sessions if s.complete)
    partial = sum(1 for s in report.sessions if s.record is not None and not s.complete)
    lost = sum(1 for s in report.sessions if s.record is None)
    print(f"Recovered {whole + partial} of {len(report.sessions)} session(s) from "
          f"{report.display} into {args.out}: {whole} whole, {partial} partly, {lost} lost.")
    for line in report.unlisted:
        print(f"  warning: {line}")
    if report.structure and whole + partial == len(report.sessions) and not report.unlisted:
        print("  (the damage did not touch any session's rows)")
    print(f"Use it with: hotline --store {args.out} sessions")
    return EXIT_OK
