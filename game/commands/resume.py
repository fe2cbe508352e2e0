"""``hotline resume ID``: continue a recorded session on the terminal.

The session replays on the scenario it was played on (the journal's
snapshot), whatever happened to its file since; ``--on-current-file``
continues it on the file as it is now, explicitly.
"""

from __future__ import annotations

import argparse
import sys

from game.engine import EngineError
from game.records import JournalError
from game.sessions import RecordedSession, ScenarioUnavailable, SessionService, load_file
from game.sessions.snapshots import ScenarioFileError

from .common import EXIT_OK, CliError, err, load_or_report, num, open_journal, scenario_ref
from .driving import from_policy, interactive, last_node_start, play_session, policy_or_error
from .transcript import Transcript

NAME = "resume"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    resume = sub.add_parser(
        NAME, help="continue a recorded session",
        description="Continue a recorded session where it stopped. It replays on the scenario "
        "it was played on (kept in the journal), even if the file was edited or deleted since.")
    resume.add_argument("session_id", metavar="ID", help="session id or a unique prefix")
    resume.add_argument("--on-current-file", dest="on_current", action="store_true",
                        help="replay and continue on the scenario file as it is now, even if "
                        "it was edited since the session was recorded")
    resume.add_argument("--force", dest="on_current", action="store_true",
                        help=argparse.SUPPRESS)  # the flag's old name
    resume.add_argument("--scenario", metavar="PATH", type=scenario_ref,
                        help="scenario file or id to use (with --on-current-file: continue on it)")
    resume.add_argument("--policy", metavar="POLICY",
                        help="finish the session with an automatic player")
    return resume


def run(args: argparse.Namespace) -> int:
    policy = policy_or_error(args.policy) if args.policy else None
    with open_journal(args.store) as journal:
        service = SessionService(journal)
        try:
            record = journal.session(args.session_id)
        except JournalError as exc:  # unknown id, ambiguous prefix and the like
            raise CliError(str(exc)) from None
        if record.ended:
            raise CliError(f"session {record.id} has already ended: {record.ending_title} "
                           f"(score {num(record.score or 0)}); nothing to resume")
        given = load_or_report(args.scenario) if args.scenario else None
        if given is not None and given.id != record.scenario_id:
            raise CliError(f"scenario '{given.id}' is not '{record.scenario_id}', the scenario "
                           f"session {record.id} was played on")
        if args.on_current and given is None:
            try:
                given = load_file(record.scenario_path) if record.scenario_path else None
            except ScenarioFileError as exc:
                raise CliError(f"{exc}; pass --scenario PATH") from None
        try:
            recorded = service.open(record.id, on="current" if args.on_current else "recorded",
                                    scenario=given, attach=True)
        except ScenarioUnavailable as exc:
            raise CliError(f"{exc} With a copy of that file: --scenario PATH.") from None
        except EngineError as exc:
            raise CliError(f"{exc}; the session cannot be continued on this file") from None
        with recorded:
            version = recorded.version
            if args.on_current and version.content_hash != version.recorded_hash:
                err(f"warning: session {record.id} was played on content "
                    f"{version.recorded_hash}; continuing on the current file "
                    f"(content {version.content_hash}) as --on-current-file asks")
            elif version.edited:
                err(f"note: session {record.id} was {version.describe()}; it continues on the "
                    "version it was played on (kept in the journal)")
            return _continue(args, recorded, policy, str(journal))


def _continue(args: argparse.Namespace, recorded: RecordedSession, policy: str | None,
              store_path: str) -> int:
    session, record = recorded.session, recorded.record
    transcript = Transcript(recorded.scenario, sys.stdout, show_hidden=policy is not None)
    transcript.write(f"Resuming session {record.id}: {record.scenario_title}, seed "
                     f"{record.seed}, {len(session.inputs)} input(s) replayed"
                     + (f", trainee {record.trainee}" if record.trainee else ""))
    transcript.events(session.events[last_node_start(session.events):])
    if session.ended:
        # Killed after the last input was saved but before the session was closed.
        recorded.finish()
        return EXIT_OK
    source = (from_policy(policy, record.seed) if policy else
              interactive(Transcript(recorded.scenario, sys.stdout, show_hidden=False)))
    status = play_session(recorded=recorded, source=source, transcript=transcript,
                          store=args.store)
    if session.ended:
        transcript.write(f"\n(session {record.id} recorded in {store_path})")
    return status
