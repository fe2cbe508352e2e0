"""``hotline session new SCENARIO --roles ...``: start a class session and print its join code.

A class session is played from separate desks (``hotline seat CODE`` or the
app's *Join a session*), usually on a shared PostgreSQL store
(``--store postgresql://...``). ``hotline session code ID`` prints the code
of a session that already exists.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shlex
import sys
from pathlib import Path

from game.records.seating import Seating, format_join_code
from game.sessions import ClassSession, JoinError

from .common import EXIT_OK, CliError, load_or_report, open_journal, scenario_ref

NAME = "session"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    session = sub.add_parser(
        NAME, help="start a class session played from separate desks",
        description="Start a session that several desks join with a short code: each role's "
        "seat (`hotline seat CODE --role ROLE`, or the app's Join a session) and the "
        "facilitator's console. Use a store every desk can reach: --store postgresql://...")
    actions = session.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = actions.add_parser("new", help="start a class session; print its id and join code")
    new.add_argument("scenario", metavar="SCENARIO", type=scenario_ref,
                     help="scenario file or id (e.g. balloon-2023)")
    new.add_argument("--roles", metavar="R1,R2,...",
                     help="the roles at the table, one desk each (default: every role)")
    new.add_argument("--seed", type=int, help="random seed (default: a new random one)")
    new.add_argument("--trainee", default="", metavar="NAME", help="team or class name")
    new.add_argument("--json", action="store_true", help="print the session as JSON")
    code = actions.add_parser("code", help="print the join code of a session (making one)")
    code.add_argument("session_id", metavar="ID", help="session id or a unique prefix")
    for parser in (new, code):
        parser.add_argument("--store", metavar="PATH|URL", default=argparse.SUPPRESS,
                            help="session journal (as before the command)")
    return session


def run(args: argparse.Namespace) -> int:
    if args.action == "code":
        return _code(args)
    return _new(args)


def _new(args: argparse.Namespace) -> int:
    scenario = load_or_report(args.scenario)
    known = [r.id for r in scenario.model.roles]
    roles = ([r.strip() for r in args.roles.split(",") if r.strip()] if args.roles
             else list(known))
    if not roles:
        raise CliError(f"--roles names no role; the scenario's roles are {', '.join(known)}")
    if len(set(roles)) != len(roles):
        raise CliError(f"--roles names a role twice ({args.roles}); one desk per role")
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    if not -(2**63) <= seed < 2**63:
        raise CliError(f"--seed {seed} is too large; use a number that fits in 64 bits")
    with open_journal(args.store) as journal:
        try:
            session_id, join = ClassSession.create(
                journal, scenario, roles=roles, seed=seed, trainee=args.trainee,
                scenario_path=str(Path(args.scenario).resolve()))
        except JoinError as exc:
            raise CliError(str(exc)) from None
        shown = format_join_code(join)
        store = journal.location.display
    titles = {r.id: r.title for r in scenario.model.roles}
    if args.json:
        json.dump({"session": session_id, "join_code": shown, "scenario": scenario.model.id,
                   "seed": seed, "roles": roles, "store": store}, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    flag = f"--store {shlex.quote(store)} " if args.store else ""
    print(f"Session {session_id}: “{scenario.model.title}” ({scenario.model.id} "
          f"v{scenario.model.version}), seed {seed}")
    print("Roles: " + ", ".join(f"{r} ({titles.get(r, r)})" for r in roles))
    print(f"Join code: {shown}")
    print()
    print("Each desk joins with its role:")
    for role in roles:
        print(f"  hotline {flag}seat {shown} --role {role}")
    print(f"or in the app: Join a session, code {shown}"
          + (f", store {store}" if args.store else "") + ".")
    print("The facilitator's console joins the same way in the app, as the facilitator.")
    return EXIT_OK


def _code(args: argparse.Namespace) -> int:
    with open_journal(args.store) as journal:
        record = journal.session(args.session_id)
        code = Seating(journal).new_join_code(record.id)
    print(format_join_code(code))
    return EXIT_OK
