"""``hotline play SCENARIO``: play one recorded session on the terminal."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any

from game import strictjson
from game.analysis import policy_names
from game.sessions import RecordedSession, SessionService

from .common import EXIT_OK, CliError, load_or_report, open_journal, scenario_ref
from .driving import (
    InputSource,
    chain,
    check_choices,
    from_list,
    from_policy,
    interactive,
    play_session,
    policy_or_error,
    session_json,
)
from .transcript import Transcript

NAME = "play"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    play = sub.add_parser(
        NAME, help="play a scenario on the terminal",
        description="Play a scenario to an ending. With neither --choices nor --policy it is "
        "interactive. Every play is recorded in the journal and can be resumed.",
    )
    play.add_argument("scenario", metavar="SCENARIO", type=scenario_ref,
                      help="scenario file or id (e.g. balloon-2023)")
    play.add_argument("--seed", type=int, help="random seed (default: a new random one)")
    play.add_argument("--choices", metavar="ID,ID,...",
                      help="option ids to take, in order (then --policy or interactive)")
    play.add_argument("--policy", metavar="POLICY",
                      help=f"automatic player: {', '.join(policy_names())}")
    play.add_argument("--json", action="store_true", help="print the session as JSON")
    play.add_argument("--trainee", default="", metavar="NAME", help="trainee or team name")
    play.add_argument("--role", action="append", default=[], metavar="ROLE",
                      help="role being played (repeatable; default: every role)")
    return play


def run(args: argparse.Namespace) -> int:
    choices = [c.strip() for c in (args.choices or "").split(",") if c.strip()]
    policy = policy_or_error(args.policy) if args.policy else None
    is_interactive = not choices and policy is None
    if args.json and policy is None and not choices:
        raise CliError("--json needs --choices or --policy (interactive play prints text)")
    scenario = load_or_report(args.scenario)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    if not -(2**63) <= seed < 2**63:
        raise CliError(f"--seed {seed} is too large; use a number that fits in 64 bits")
    roles: list[str] = list(args.role)
    known_roles = {r.id for r in scenario.model.roles}
    for role in roles:
        if role not in known_roles:
            raise CliError(f"unknown role '{role}'; roles: {', '.join(sorted(known_roles))}")
    if choices:
        check_choices(scenario, seed, roles, choices,
                       open_end=policy is not None or not args.json)
    path = str(Path(args.scenario).resolve())
    meta: dict[str, Any] = {"source": "cli"}
    if choices:
        meta["choices"] = choices
    if policy:
        meta["policy"] = policy
    with open_journal(args.store) as journal:
        recorded = SessionService(journal).create(
            scenario, seed=seed, roles=roles, trainee=args.trainee,
            mode="trainee" if is_interactive else "headless", scenario_path=path, meta=meta,
        )
        with recorded:
            return _play(args, recorded, choices, policy, str(journal))


def _play(args: argparse.Namespace, recorded: RecordedSession, choices: list[str],
          policy: str | None, store: str) -> int:
    scenario, session, sid = recorded.scenario, recorded.session, recorded.id
    transcript = None if args.json else Transcript(scenario, sys.stdout,
                                                   show_hidden=policy is not None or
                                                   bool(choices))
    if transcript is not None:
        transcript.events(session.events[:1])
        trainee = f", trainee {args.trainee}" if args.trainee else ""
        transcript.write(f"Session {sid}{trainee}")
        transcript.events(session.events[1:])
    sources: list[InputSource] = []
    if choices:
        sources.append(from_list(choices))
    if policy:
        sources.append(from_policy(policy, session.seed))
    elif not args.json and transcript is not None:
        sources.append(interactive(Transcript(scenario, sys.stdout, show_hidden=False)))
    status = play_session(recorded=recorded, source=chain(*sources), transcript=transcript,
                          store=args.store)
    if status == EXIT_OK and args.json:
        strictjson.dump(session_json(recorded), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif session.ended and transcript is not None:
        transcript.write(f"\n(session {sid} recorded in {store})")
    return status
