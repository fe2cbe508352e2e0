"""``hotline seat CODE --role ROLE``: play one role of a class session from this terminal.

The seat joins the session with its code, shows what its role may see (its
own messages, never another role's), and waits for the others live; at its
role's decisions and at team votes it asks (or lets ``--choices`` and
``--policy`` answer). The database decides who confirms: a choice another
seat (or the decision clock) got in first is reported as "already decided
by …". A lost server is ridden out with a clear message.
"""

from __future__ import annotations

import argparse
import os
import select
import shlex
import sys
import threading
import time
import zlib
from collections.abc import Sequence
from typing import TextIO

from game.analysis import get_policy, policy_rng
from game.engine import Event, TurnResult
from game.records import InputRecord, Journal, JournalError, StoreUnavailableError
from game.sessions import ClassSession, JoinError, SeatTurn
from game.sessions.seat_driver import (
    RECONNECT_EVERY_S,
    LookAgain,
    LostInputsError,
    Pick,
    SeatDriver,
)

from .common import EXIT_INTERRUPTED, EXIT_OK, CliError, err, open_journal
from .driving import Quit, named_option, policy_or_error
from .transcript import Transcript

NAME = "seat"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    seat = sub.add_parser(
        NAME, help="play one role of a class session (joined with its code)",
        description="Join a class session (`hotline session new`) with its code and play one "
        "role from this terminal. Without --choices or --policy it asks at each of the role's "
        "decisions and votes. The other desks' moves appear as they are confirmed.")
    seat.add_argument("code", metavar="CODE", help="the session's join code (e.g. 7KQ-M2X)")
    seat.add_argument("--role", required=True, metavar="ROLE", help="the role this seat plays")
    seat.add_argument("--choices", metavar="ID,ID,...",
                      help="option ids for this role's decisions and votes, in order "
                      "(then --policy, or the prompt)")
    seat.add_argument("--policy", metavar="POLICY",
                      help="automatic player (random, expert, greedy, …)")
    seat.add_argument("--name", metavar="NAME",
                      help="this seat's name, shown to the others (default: role (user@host))")
    seat.add_argument("--reconnect-for", type=float, default=300.0, metavar="SECONDS",
                      help="how long to keep trying a class server that went away (default 300)")
    return seat


def run(args: argparse.Namespace) -> int:
    choices = [c.strip() for c in (args.choices or "").split(",") if c.strip()]
    policy = policy_or_error(args.policy) if args.policy else None
    with open_journal(args.store) as journal:
        desk = _join(journal, args)
        rejoin = (f"hotline {_store_flag(journal, args.store)}seat {desk.join_code()} "
                  f"--role {args.role}")
        with desk.recorded:
            out = SeatScreen(desk, sys.stdout)
            out.welcome()
            prompt = None if policy else Prompt(desk, out, args.store)
            pick = _pick(desk, choices, policy, prompt)
            driver = SeatDriver(desk, pick, out, reconnect_for=args.reconnect_for)
            try:
                ended = driver.run()
            except (Quit, KeyboardInterrupt) as quit_:
                err("")
                err(f"You left the seat; the session goes on. Rejoin with: {rejoin}")
                interrupted = not isinstance(quit_, Quit) or quit_.interrupted
                return EXIT_INTERRUPTED if interrupted else EXIT_OK
            except StoreUnavailableError as exc:
                raise CliError(f"{exc}\nThe class server stayed away for "
                               f"{args.reconnect_for:g} s. Rejoin once it is back: "
                               f"{rejoin}") from None
            except LostInputsError as exc:
                raise CliError(str(exc)) from None
            finally:
                if prompt is not None:
                    prompt.close()
            if not ended:
                err(f"The choices ran out before the end; the session goes on. Rejoin with: "
                    f"{rejoin}")
                raise CliError("the choices ran out before an ending")
            out.goodbye(str(journal))
    return EXIT_OK


def _join(journal: Journal, args: argparse.Namespace) -> ClassSession:
    """Join; a server lost half-way through (it answered once) is waited for, as in play."""
    give_up = time.monotonic() + args.reconnect_for
    said = False
    while True:
        try:
            return ClassSession.join(journal, args.code, role=args.role, seat=args.name)
        except JoinError as exc:
            raise CliError(str(exc)) from None
        except StoreUnavailableError:
            if time.monotonic() > give_up:
                raise
            if not said:
                err(f"Lost the connection to the class server {journal.location.display} "
                    f"while joining. Trying again every {RECONNECT_EVERY_S:g} s.")
                said = True
            time.sleep(RECONNECT_EVERY_S)


def _store_flag(journal: Journal, store: str | None) -> str:
    return f"--store {shlex.quote(journal.location.display)} " if store else ""


def _pick(desk: ClassSession, choices: list[str], policy: str | None,
          prompt: Prompt | None) -> Pick:
    queue = list(choices)
    chooser = get_policy(policy) if policy else None
    # Each seat draws its own stream, so seats with one policy do not all vote alike.
    rng = policy_rng(desk.session.seed + zlib.crc32((desk.role or "").encode()))

    def pick(desk: ClassSession, turn: SeatTurn) -> tuple[str, str] | None:
        if queue:
            option = queue.pop(0)
            if option not in {o.id for o in desk.session.available()}:
                ids = ", ".join(o.id for o in desk.session.available())
                raise CliError(f"--choices: '{option}' is not an option at "
                               f"'{desk.scenario.nodes[desk.session.node].title}'; "
                               f"the options there: {ids}")
            return option, ""
        if chooser is not None:
            return chooser(desk.session, rng), f"{policy} policy"
        if prompt is not None:
            return prompt.ask(turn)
        return None

    return pick


class SeatScreen:
    """What the seat prints: its role's view of the events, who decides, votes, the clock."""

    def __init__(self, desk: ClassSession, out: TextIO) -> None:
        self.desk = desk
        self.out = out
        self.transcript = Transcript(desk.scenario, out, show_hidden=desk.facilitator)
        self.transcript.table = desk.table

    def write(self, line: str = "") -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def welcome(self) -> None:
        desk = self.desk
        record = desk.recorded.record
        self.write(f"Joined session {desk.id}: “{record.scenario_title}” — code "
                   f"{desk.join_code()}")
        self.write(f"You are the {desk.role_title(desk.role)} (seat {desk.seat}). At the table: "
                   + ", ".join(desk.role_title(r) for r in desk.team_roles) + ".")
        brief = next((r.brief for r in desk.scenario.model.roles if r.id == desk.role), "")
        if brief:
            self.write(f"Your brief: {' '.join(brief.split())}")
        for text in desk.table.summary()[1:]:  # the roles nobody plays, and who stands in
            self.write(text)
        events = desk.session.events
        start = max((i for i, e in enumerate(events) if e.type == "node_entered"), default=0)
        self._events(events[start:])

    def _events(self, events: Sequence[Event]) -> None:
        self.transcript.events([e for e in events if self.desk.may_see(e)])

    def options(self) -> None:
        """The decision's prompt and numbered options (the seat's own decision or vote)."""
        view = self.desk.session.current()
        self.write()
        self.write(view.prompt)
        describer = self.transcript.describer
        for i, option in enumerate(view.options, 1):
            channel = f", {option.channel_label}" if option.channel_label else ""
            kind = describer.option_kind_label(option.kind).lower()
            self.write(f"  {i}) {option.label}  [{kind}{channel}]")
            if option.description:
                self.write(f"       {option.description.strip()}")

    # -- SeatEvents ------------------------------------------------------------------

    def news(self, items: list[tuple[InputRecord, TurnResult]]) -> None:
        for record, result in items:
            who = record.data.get("seat")
            if record.data.get("type") == "choose" and isinstance(who, str):
                self.write(f"  (confirmed by {who})")
            self._events(list(result.events))

    def acted(self, result: TurnResult, what: str) -> None:
        if what == "tally":
            self.write("  (all votes are in; this seat confirmed the tally)")
        elif what == "time-out":
            self.write("  (time ran out; this seat recorded it)")
        self._events(list(result.events))

    def voted(self, option: str, label: str) -> None:
        self.write(f"  Your vote for “{label}” is cast (secret until all have voted).")

    def turn(self, turn: SeatTurn) -> None:
        desk = self.desk
        left = desk.remaining()
        clock = "" if left is None else f" ({_mmss(left)} left)"
        title = desk.role_title
        absent = desk.table.stands_in_for(turn.node) if turn.node else None
        if turn.kind == "waiting" and absent:
            self.write(f"Waiting for the {title(turn.owner)} to decide, for the "
                       f"{title(absent)} (not at the table){clock}…")
        elif turn.kind == "waiting":
            self.write(f"Waiting for the {title(turn.owner)} to decide{clock}…")
        elif turn.kind == "voted":
            self.write("Waiting for the votes of: "
                       + ", ".join(title(r) for r in turn.waiting_for) + f"{clock}…")
        elif turn.kind == "paused":
            self.write("The facilitator has paused the session; the decision clock is stopped.")
        elif turn.kind == "vote":
            rule = "most votes win" if turn.rule == "majority" else "all must agree"
            self.write(f"Team vote ({turn.rule}: {rule}){clock}.")

    def refused(self, message: str) -> None:
        self.write(f"  Not recorded: {message}.")

    def lost(self, message: str) -> None:
        err(message)

    def reconnected(self, message: str) -> None:
        err(message)

    def goodbye(self, store: str) -> None:
        outcome = self.desk.session.outcome
        if outcome is not None:
            self.write(f"\n(session {self.desk.id} recorded in {store})")


class Prompt:
    """Asks the person at this terminal, while still hearing the other desks.

    A watcher thread (its own connection) sleeps on the store's notifications
    and wakes the prompt through a pipe, so a decision taken elsewhere, or a
    clock that ran out, ends the question at once.
    """

    def __init__(self, desk: ClassSession, screen: SeatScreen, store: str | None) -> None:
        self.desk = desk
        self.screen = screen
        self.store = store
        self._read, self._write = os.pipe()
        self._stdin = sys.stdin.fileno()
        self._pending = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="seat-watcher", daemon=True)
        self._thread.start()

    def _typed(self) -> str | None:
        """The next whole line typed (read unbuffered, so select() never misses one)."""
        if b"\n" not in self._pending:
            return None
        line, self._pending = self._pending.split(b"\n", 1)
        return line.decode("utf-8", "replace").strip()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for fd in (self._read, self._write):
            try:
                os.close(fd)
            except OSError:
                pass

    def _watch(self) -> None:
        journal: Journal | None = None
        while not self._stop.is_set():
            try:
                if journal is None:
                    journal = Journal(self.store)
                    journal.prepare_wait()
                if journal.wait_for_activity(self.desk.id, 1.0):
                    os.write(self._write, b".")
            except (JournalError, OSError):
                if journal is not None:
                    journal.close()
                journal = None
                self._stop.wait(1.0)
        if journal is not None:
            journal.close()

    def ask(self, turn: SeatTurn) -> tuple[str, str]:
        desk = self.desk
        view = desk.session.current()
        self.screen.options()
        ids = [o.id for o in view.options]
        verb = "vote" if turn.kind == "vote" else "choice"
        while True:
            left = desk.remaining()
            clock = "" if left is None else f" ({_mmss(left)} left)"
            answer = self._line(f"Your {verb} [1-{len(ids)}, q to stop]{clock}: ", turn, left)
            if (option := named_option(answer, ids)) is not None:
                break
            self.screen.write(f"  Please type a number from 1 to {len(ids)} (or q to stop).")
        why = self._line("why? (Enter to skip): ", turn, desk.remaining())
        return option, why

    def _line(self, prompt: str, turn: SeatTurn, left: float | None) -> str:
        """Read a line, or raise LookAgain when the decision changed or time ran out."""
        self.screen.out.write(prompt)
        self.screen.out.flush()
        while True:
            line = self._typed()
            if line is not None:
                return line
            try:
                ready, _, _ = select.select([self._stdin, self._read], [], [],
                                           None if left is None else left + 0.1)
            except KeyboardInterrupt:
                raise Quit(interrupted=True) from None
            if self._stdin in ready:
                try:
                    chunk = os.read(self._stdin, 4096)
                except KeyboardInterrupt:
                    raise Quit(interrupted=True) from None
                if not chunk:
                    if self._pending:
                        rest, self._pending = self._pending, b""
                        return rest.decode("utf-8", "replace").strip()
                    raise Quit(interrupted=False)
                self._pending += chunk
                continue
            if self._read in ready:
                os.read(self._read, 1024)
            news = self.desk.refresh()
            if news:
                self.screen.write("")
                self.screen.news(news)
            now = self.desk.turn
            if now.decision != turn.decision or now.kind != turn.kind or (
                    now.clock is not None and now.clock.expired(self.desk.now())):
                self.screen.write("")
                raise LookAgain
            left = self.desk.remaining()


def _mmss(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.999), 60)
    return f"{minutes}:{secs:02d}"
