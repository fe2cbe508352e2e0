"""Playing one desk of a class session to its end: refresh, act, wait, and ride out a lost server.

:class:`SeatDriver` is the loop a terminal seat (``hotline seat``), a
benchmark or a test runs; the app runs the same steps from Qt signals
instead. Each pass it applies what the other desks recorded
(:meth:`ClassSession.refresh`), then does what this desk must:

* its own decision, or its vote: ask ``pick`` (a policy, a list of choices,
  a person at a prompt) and confirm. What it picked for a decision is kept,
  so a retry after a lost connection confirms the same thing;
* a team vote whose votes are all in: confirm the tally (one desk succeeds);
* a decision clock that ran out: record the time-out (one desk succeeds);
* otherwise wait for the others (``LISTEN``/``NOTIFY``), at most until the
  deadline.

When the server goes away (a restart, a network cut) every step raises
:class:`~game.records.StoreUnavailableError`; the driver says so, tries again
every few seconds, and once back checks that the journal still holds every
input this desk had seen confirmed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Protocol

from game.engine import EngineError, TurnResult
from game.records import (
    AlreadyDecidedError,
    InputRecord,
    JournalError,
    SessionEndedError,
    SessionMovedOnError,
    StoreUnavailableError,
)
from game.records.seating import AlreadyVotedError

from .seats import ClassSession, NotYourTurnError, SeatTurn

__all__ = ["LookAgain", "LostInputsError", "SeatDriver", "SeatEvents", "SeatStats"]

#: How long a wait lasts at most before the desk looks again anyway.
WAIT_STEP_S: Final = 30.0
#: How often a desk tries to reach a server that went away.
RECONNECT_EVERY_S: Final = 1.0

#: Picks this desk's option for the decision on the table: (option, rationale),
#: or None when it has nothing to offer (the driver then stops). It may raise
#: :class:`LookAgain` when the situation changed while it was asking.
Pick = Callable[[ClassSession, SeatTurn], "tuple[str, str] | None"]


class LookAgain(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a ``pick`` that noticed the decision changed (another desk, the clock)."""


class LostInputsError(JournalError):
    """After a reconnection the journal holds fewer inputs than this desk had seen confirmed."""


class SeatEvents(Protocol):
    """What a driver tells the desk's front end (a terminal, a test's log)."""

    def news(self, items: list[tuple[InputRecord, TurnResult]]) -> None:
        """Inputs the other desks recorded, applied here, in order."""

    def acted(self, result: TurnResult, what: str) -> None:
        """This desk confirmed something (``decision``, ``tally`` or ``time-out``)."""

    def voted(self, option: str, label: str) -> None:
        """This desk's vote was cast (``label``: the option's words)."""

    def turn(self, turn: SeatTurn) -> None:
        """What the desk sees changed (a new decision, a vote cast, a pause)."""

    def refused(self, message: str) -> None:
        """Something this desk tried was refused (already decided by …, not available)."""

    def lost(self, message: str) -> None:
        """The server cannot be reached; the driver keeps trying."""

    def reconnected(self, message: str) -> None:
        """The server is back and nothing confirmed was lost."""


@dataclass
class SeatStats:
    """What one desk did (for tests and benchmarks).

    Attributes:
        decisions: Decisions this desk confirmed.
        votes: Votes it cast.
        tallies: Team votes it confirmed.
        time_outs: Time-outs it recorded.
        refused: Actions the database turned away (another desk was first).
        reconnects: Times it got the server back.
        confirmed: Every input this desk saw confirmed: ``(seq, data)``.
    """

    decisions: int = 0
    votes: int = 0
    tallies: int = 0
    time_outs: int = 0
    refused: int = 0
    reconnects: int = 0
    confirmed: list[tuple[int, dict[str, object]]] = field(default_factory=list)


class SeatDriver:
    """Plays one desk until the session ends (see the module docstring).

    Args:
        desk: The joined class session.
        pick: Chooses this desk's option (None: stop).
        events: Told what happens.
        reconnect_for: Seconds to keep trying a server that went away.
        stop: Asked between steps; True ends the loop (e.g. a test's time bound).
    """

    def __init__(self, desk: ClassSession, pick: Pick, events: SeatEvents, *,
                 reconnect_for: float = 300.0, stop: Callable[[], bool] | None = None) -> None:
        self.desk = desk
        self.pick = pick
        self.events = events
        self.reconnect_for = reconnect_for
        self.stop = stop or (lambda: False)
        self.stats = SeatStats()
        self._planned: dict[str, tuple[str, str]] = {}
        self._shown: tuple[object, ...] | None = None

    def run(self) -> bool:
        """Play until the session ends (True), ``pick`` gives up or ``stop`` says so (False).

        Raises:
            StoreUnavailableError: The server stayed away for ``reconnect_for`` seconds.
            LostInputsError: The server came back without inputs it had confirmed.
        """
        while not self.stop():
            try:
                done = self.step()
            except StoreUnavailableError as exc:
                self._ride_out(exc)
                continue
            if done is not None:
                return done
        return False

    def step(self) -> bool | None:
        """One pass: refresh, act or wait. True: ended; False: ``pick`` gave up; None: go on."""
        desk = self.desk
        self._take(desk.refresh())
        turn = desk.turn
        self._show(turn)
        if turn.kind == "ended":
            return True
        if turn.kind in ("decide", "vote"):
            return self._act(turn)
        if turn.kind == "voted" or (turn.kind == "watching" and turn.rule is not None):
            result = desk.confirm_votes()
            if result is not None:
                self.stats.tallies += 1
                self._done(result, "tally")
                return None
        if turn.clock is not None and turn.clock.expired(desk.now()) and turn.kind != "paused":
            result = desk.time_out()
            if result is not None:
                self.stats.time_outs += 1
                self._done(result, "time-out")
            return None
        left = desk.remaining()
        timeout = WAIT_STEP_S if left is None or turn.kind == "paused" else min(
            WAIT_STEP_S, left + 0.05)
        desk.wait(timeout)
        return None

    # -- acting ---------------------------------------------------------------------

    def _act(self, turn: SeatTurn) -> bool | None:
        desk = self.desk
        planned = self._planned.get(turn.decision)
        if planned is None:
            try:
                picked = self.pick(desk, turn)
            except LookAgain:
                return None
            if picked is None:
                return False
            planned = self._planned[turn.decision] = picked
        option, rationale = planned
        try:
            if turn.kind == "decide":
                result = desk.decide(option, rationale)
                self.stats.decisions += 1
                self._done(result, "decision")
            else:
                label = desk.option_label(option)
                tally = desk.vote(option, rationale)
                self.stats.votes += 1
                self.events.voted(option, label)
                if tally is not None:
                    self.stats.tallies += 1
                    self._done(tally, "tally")
        except AlreadyDecidedError as exc:
            self.stats.refused += 1
            if exc.decided_by != desk.seat:  # our own input, saved before a lost connection
                self.events.refused(f"already decided by {exc.decided_by or 'another seat'}")
        except (SessionMovedOnError, SessionEndedError, AlreadyVotedError,
                NotYourTurnError) as exc:
            self.stats.refused += 1
            self.events.refused(str(exc))
        except EngineError as exc:  # the option is no longer on offer: pick again
            self._planned.pop(turn.decision, None)
            self.stats.refused += 1
            self.events.refused(str(exc))
        return None

    def _done(self, result: TurnResult, what: str) -> None:
        records = self.desk.recorded.session.inputs
        self.stats.confirmed.append((len(records), dict(records[-1])))
        self.events.acted(result, what)

    def _take(self, news: list[tuple[InputRecord, TurnResult]]) -> None:
        for record, _result in news:
            self.stats.confirmed.append((record.seq, dict(record.data)))
        if news:
            self.events.news(news)

    def _show(self, turn: SeatTurn) -> None:
        key = (turn.kind, turn.decision, tuple(sorted(turn.votes)),
               None if turn.clock is None else (turn.clock.deadline, turn.clock.paused_left))
        if key != self._shown:
            self._shown = key
            self.events.turn(turn)

    # -- a lost server ----------------------------------------------------------------

    def _ride_out(self, _first: StoreUnavailableError) -> None:
        desk = self.desk
        seen = len(desk.session.inputs)
        self.events.lost(
            f"Lost the connection to the class server {desk.journal.location.display}. "
            f"Trying again every {RECONNECT_EVERY_S:g} s; the {seen} input(s) confirmed so "
            "far are safe in the journal.")
        give_up = time.monotonic() + self.reconnect_for
        while True:
            time.sleep(RECONNECT_EVERY_S)
            try:
                stored = desk.journal.session(desk.id).n_inputs
            except StoreUnavailableError:
                if time.monotonic() > give_up or self.stop():
                    raise
                continue
            if stored < seen:
                raise LostInputsError(
                    f"the class server came back with {stored} input(s) for session {desk.id}, "
                    f"but {seen} had been confirmed; it lost confirmed inputs (restore the "
                    "server's database from its backup)")
            self.stats.reconnects += 1
            self.events.reconnected(
                f"Reconnected to the class server: all {seen} input(s) confirmed before are "
                f"there ({stored} now). Carrying on.")
            return
