"""``hotline sessions``: find recorded sessions; archive, delete and restore them.

Listing filters are the session browser's (:mod:`game.sessions.browse`), so
``--trainee``, ``--scenario``, ``--since`` … mean the same in the window and
here. A deletion asks first (or takes ``--yes``) and is written to the
store's admin log with the whole session, so ``--restore`` can bring it back.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from game import strictjson
from game.records import AdminEvent, Journal, SessionRecord
from game.sessions.browse import (
    SORT_KEYS,
    SessionFilter,
    browse,
    is_archived,
    parse_day,
    player_kind,
)
from game.textsafe import escape

from .common import EXIT_OK, CliError, err, open_journal, store_flag

NAME = "sessions"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    sessions = sub.add_parser(
        NAME, help="find recorded sessions; archive, delete or restore one",
        description="List the sessions in the journal, newest first, filtered and sorted. "
        "Archived sessions are left out unless --archived is given. With --archive, "
        "--unarchive, --delete or --restore, change one session instead.")
    sessions.add_argument("--json", action="store_true", help="print JSON")
    sessions.add_argument("--trainee", metavar="T", default="",
                          help="only sessions whose trainee or team name contains T")
    sessions.add_argument("--scenario", metavar="S", default="",
                          help="only sessions of this scenario id (or with S in the title)")
    sessions.add_argument("--since", metavar="YYYY-MM-DD", help="started on or after this day")
    sessions.add_argument("--until", metavar="YYYY-MM-DD", help="started on or before this day")
    sessions.add_argument("--status", choices=("active", "ended"), help="only this status")
    sessions.add_argument("--humans", action="store_true",
                          help="only sessions a person played (no policy, script or playtest)")
    sessions.add_argument("--archived", action="store_true",
                          help="include archived sessions (marked A)")
    sessions.add_argument("--sort", choices=tuple(SORT_KEYS), default="started",
                          help="sort order (default: started, newest first)")
    sessions.add_argument("--ascending", action="store_true", help="oldest / lowest first")
    change = sessions.add_mutually_exclusive_group()
    change.add_argument("--archive", metavar="ID", help="archive a session (kept whole)")
    change.add_argument("--unarchive", metavar="ID", help="bring an archived session back")
    change.add_argument("--delete", metavar="ID",
                        help="delete a session (asks first; kept in the admin log)")
    change.add_argument("--restore", metavar="ID", help="restore a deleted session")
    change.add_argument("--deleted", action="store_true", help="list the deleted sessions")
    sessions.add_argument("--yes", action="store_true", help="delete without asking")
    sessions.add_argument("--by", metavar="NAME", default="",
                          help="your name, for the admin log")
    sessions.add_argument("--reason", metavar="TEXT", default="", help="why, for the admin log")
    return sessions


def _record_json(record: SessionRecord) -> dict[str, Any]:
    data = asdict(record)
    data["roles"] = list(record.roles)
    data["player"] = player_kind(record)
    data["archived"] = is_archived(record)
    return data


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def _filter(args: argparse.Namespace) -> SessionFilter:
    try:
        since = parse_day(args.since, "--since") if args.since else None
        until = parse_day(args.until, "--until") if args.until else None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if since is not None and until is not None and since > until:
        raise CliError(f"--since {since} is after --until {until}; swap them")
    return SessionFilter(trainee=args.trainee, scenario=args.scenario, since=since,
                         until=until, status=args.status, humans=args.humans,
                         archived="include" if args.archived else "hide")


def _table(rows: Sequence[tuple[str, ...]]) -> None:
    # Names and ids are people's text: one line each, controls shown, never obeyed.
    rows = [tuple(escape(cell, one_line=True) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def run(args: argparse.Namespace) -> int:
    changing = args.archive or args.unarchive or args.delete or args.restore
    if args.yes and not args.delete:
        raise CliError("--yes goes with --delete")
    with open_journal(args.store, for_reading=not changing) as journal:
        if changing:
            return _change(args, journal)
        if args.deleted:
            return _list_deleted(args, journal)
        listing = journal.list_sessions()
        for problem in listing.problems:
            err(f"warning: skipped a session: {problem.message}")
        if listing.problems:
            err(f"warning: {len(listing.problems)} session(s) skipped; run "
                f"`hotline {store_flag(args.store)}store check` for the details")
        records = browse(listing.records, _filter(args), args.sort, not args.ascending)
        if args.json:
            strictjson.dump([_record_json(r) for r in records], sys.stdout,
                            ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return EXIT_OK
        if not records:
            print(f"No sessions match in {journal}." if listing.records
                  else f"No sessions in {journal}.")
            return EXIT_OK
        header = ("ID", "SCENARIO", "TRAINEE", "PLAYER", "STATUS", "ENDING", "SCORE", "INPUTS",
                  "STARTED", "")
        rows = [header] + [
            (r.id, r.scenario_id, r.trainee or "-", player_kind(r), r.status,
             r.ending_id or "-", "-" if r.score is None else f"{r.score:.1f}", str(r.n_inputs),
             _when(r.created_at), "A" if is_archived(r) else "")
            for r in records
        ]
        _table(rows)
        hidden = len(listing.records) - len(records)
        print(f"{len(records)} session(s) in {journal}"
              + (f" ({hidden} more do not match the filter)" if hidden else ""))
    return EXIT_OK


def _list_deleted(args: argparse.Namespace, journal: Journal) -> int:
    events = journal.admin_events(action="delete")
    if args.json:
        strictjson.dump([{"event": e.id, "at": e.at, "session_id": e.session_id, "by": e.actor,
                          "reason": e.reason} for e in events], sys.stdout, ensure_ascii=False,
                        indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    if not events:
        print(f"No deleted sessions in {journal}.")
        return EXIT_OK
    _table([("SESSION", "DELETED", "BY", "REASON")] + [
        (e.session_id or "?", _when(e.at), e.actor or "-", e.reason or "-") for e in events])
    print(f"{len(events)} deletion(s); `hotline {store_flag(args.store)}sessions --restore ID` "
          "brings one back")
    return EXIT_OK


def _confirm(record: SessionRecord) -> bool:
    who = record.trainee or "no trainee name"
    prompt = escape(f"Delete session {record.id} ({record.scenario_title}, {who}, "
              f"{record.n_inputs} input(s), {record.status})? It stays in the admin log and "
              "can be restored with --restore. [y/N] ", one_line=True)
    if not sys.stdin.isatty():
        raise CliError(f"deleting {record.id} needs a yes: run it in a terminal to be asked, "
                       "or add --yes")
    try:
        answer = input(prompt)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _change(args: argparse.Namespace, journal: Journal) -> int:
    event: AdminEvent | None
    if args.restore:
        record = journal.restore_session(args.restore, actor=args.by)
        print(escape(f"restored session {record.id} ({record.scenario_title}, "
                     f"{record.trainee or 'no trainee name'})", one_line=True))
        return EXIT_OK
    target = args.archive or args.unarchive or args.delete
    record = journal.session(target)
    if args.delete:
        if not args.yes and not _confirm(record):
            print("not deleted")
            return EXIT_OK
        journal.delete_session(record.id, actor=args.by, reason=args.reason)
        print(f"deleted session {record.id}; it is kept in the admin log "
              f"(`hotline {store_flag(args.store)}sessions --restore {record.id}`)")
        return EXIT_OK
    event = journal.archive_session(record.id, bool(args.archive), actor=args.by,
                                    reason=args.reason)
    word = "archived" if args.archive else "unarchived"
    if event is None:
        print(f"session {record.id} was already {word}")
    else:
        print(f"{word} session {record.id}")
    return EXIT_OK
