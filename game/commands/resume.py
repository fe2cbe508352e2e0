"""``hotline resume ID``: continue a recorded session on the terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.engine import EngineError, Session
from game.records import JournalError, SessionNotFoundError

from .common import EXIT_OK, CliError, err, load_or_report, num, open_journal, scenario_ref
from .driving import from_policy, interactive, last_node_start, play_session, policy_or_error
from .transcript import Transcript

NAME = "resume"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    resume = sub.add_parser(NAME, help="continue a recorded session")
    resume.add_argument("session_id", metavar="ID", help="session id or a unique prefix")
    resume.add_argument("--force", action="store_true",
                        help="continue even if the scenario file changed since")
    resume.add_argument("--scenario", metavar="PATH", type=scenario_ref,
                        help="scenario file to use instead of the recorded path")
    resume.add_argument("--policy", metavar="POLICY",
                        help="finish the session with an automatic player")
    return resume


def run(args: argparse.Namespace) -> int:
    policy = policy_or_error(args.policy) if args.policy else None
    with open_journal(args.store) as journal:
        try:
            record = journal.session(args.session_id)
        except SessionNotFoundError as exc:
            raise CliError(str(exc)) from None
        except JournalError as exc:  # ambiguous prefix and the like
            raise CliError(str(exc)) from None
        if record.ended:
            raise CliError(f"session {record.id} has already ended: {record.ending_title} "
                           f"(score {num(record.score or 0)}); nothing to resume")
        path = args.scenario or record.scenario_path
        if not path:
            raise CliError(f"session {record.id} has no scenario path recorded; "
                           "pass --scenario PATH")
        if not Path(path).is_file():
            raise CliError(f"the scenario file of session {record.id} is missing: {path} "
                           "(moved or deleted?); pass --scenario PATH to point at it")
        scenario = load_or_report(path)
        if scenario.content_hash != record.content_hash or scenario.id != record.scenario_id:
            what = (f"scenario '{scenario.id}' is not '{record.scenario_id}'"
                    if scenario.id != record.scenario_id else
                    f"the scenario changed since session {record.id} was recorded "
                    f"(recorded version {record.scenario_version}, hash {record.content_hash}; "
                    f"the file {path} is now version {scenario.model.version}, hash "
                    f"{scenario.content_hash})")
            if not args.force:
                raise CliError(f"{what}. Replaying the recorded answers on it may not "
                               "reproduce the session; re-run with --force to continue anyway")
            err(f"warning: {what}; continuing because of --force")
            journal.update_meta(record.id, {"forced_resume_hash": scenario.content_hash})
        inputs = journal.inputs(record.id)
        session = Session(scenario, record.seed, list(record.roles))
        for n, data in enumerate(inputs, 1):
            try:
                session.apply(data)
            except EngineError as exc:
                raise CliError(f"recorded input {n} of {len(inputs)} no longer applies: {exc}"
                               ) from None
        transcript = Transcript(scenario, sys.stdout, show_hidden=policy is not None)
        transcript.write(f"Resuming session {record.id}: {record.scenario_title}, seed "
                         f"{record.seed}, {len(inputs)} input(s) replayed"
                         + (f", trainee {record.trainee}" if record.trainee else ""))
        if session.ended:
            # Killed after the last input was saved but before the session was closed.
            transcript.events(session.events[last_node_start(session.events):])
            outcome = session.outcome
            assert outcome is not None
            journal.finish(record.id, ending_id=outcome.ending_id,
                           ending_title=outcome.title, score=outcome.score)
            return EXIT_OK
        transcript.events(session.events[last_node_start(session.events):])
        source = (from_policy(policy, record.seed) if policy else
                  interactive(Transcript(scenario, sys.stdout, show_hidden=False)))
        status = play_session(journal=journal, sid=record.id, session=session, source=source,
                               transcript=transcript, store=args.store)
        if session.ended:
            transcript.write(f"\n(session {record.id} recorded in {journal})")
        return status
