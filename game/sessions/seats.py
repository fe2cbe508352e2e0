"""A class across machines: one role's seat, or the facilitator's console, on a shared session.

A class session is an ordinary journaled session whose store (usually a
PostgreSQL server) several machines share. :meth:`ClassSession.create` records
it and gives it a join code; each desk then :meth:`ClassSession.join`\\ s it
with that code, as one role's seat or as the facilitator's console, and keeps
its own copy of the session by replaying the journal.

The rules, all decided by the database rather than by any one desk:

* **Whose decision.** A decision with a ``role`` belongs to that role's
  seat (a role not at the table: the first role's, the team lead's, as in
  hot-seat play, :class:`~game.sessions.table.Table`); only that seat
  confirms it. A team vote (``vote:``) is
  voted on by every seat, each vote journaled on its own
  (:class:`~game.records.seating.Seating`); when they are all in, the
  tally is confirmed once, by whichever seat sees them complete first.
* **One confirmation per decision.** Every confirmation carries the
  decision's key (turn and node); the journal keeps one input per key, so a
  second seat gets :class:`~game.records.AlreadyDecidedError` naming who
  decided. An input is also journaled only right after the inputs its
  writer has applied (``after=``), so nobody records a choice on a state
  they had not seen.
* **One decision clock.** The first desk to see a decision starts its
  clock in the database, with the deadline on the database's clock; every
  desk counts down to that moment, and any of them may record the time-out
  once it has passed (the database checks that it has, in the same
  transaction). The facilitator's pause stops it for everyone.
* **Live updates.** :meth:`ClassSession.wait` sleeps until another desk
  records something (PostgreSQL ``LISTEN``/``NOTIFY``), then
  :meth:`ClassSession.refresh` applies what is new.

What a seat may see is the trainee's view (:mod:`game.engine.describe`)
narrowed to the messages addressed to its role (and, at a decision it takes
for a role not at the table, that role's messages there); the console sees
everything.
Never imports PySide6.
"""

from __future__ import annotations

import getpass
import json
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from game.engine import EngineError, Event, Phase, Session, TurnResult
from game.engine.describe import role_title, trainee_may_see
from game.engine.events import InjectShown
from game.records import (
    AlreadyDecidedError,
    InputRecord,
    Journal,
    SessionMovedOnError,
    canonical_json,
)
from game.records.backend import Tx
from game.records.errors import JournalError, SessionNotFoundError
from game.records.seating import (
    AlreadyVotedError,
    ClockNotExpiredError,
    DecisionClock,
    Seating,
    Vote,
    format_join_code,
)
from game.scenario import CompiledScenario

from .service import EndingNotRecorded, RecordedSession, SessionService
from .table import Table

__all__ = [
    "CLASS_MODE",
    "SEAT_CLOCK",
    "ClassInfo",
    "ClassSession",
    "ClockNotExpiredError",
    "JoinError",
    "NotYourTurnError",
    "SeatTurn",
    "decision_key",
    "default_seat_name",
]

#: The journal's ``mode`` of a session played from separate desks.
CLASS_MODE: Final = "class"
#: Who "decided" when the decision clock ran out (``already decided by …``).
SEAT_CLOCK: Final = "the decision clock"
# How many times an action is tried again after another desk moved the session on.
_RETRIES: Final = 5

Kind = Literal["decide", "vote", "voted", "waiting", "watching", "paused", "ended"]


class JoinError(SessionNotFoundError):
    """Nothing to join: a wrong role, or a session that has ended (the message says which)."""


class NotYourTurnError(EngineError):
    """The seat tried to decide a decision that is not its role's (or to vote twice)."""


def decision_key(session: Session) -> str:
    """The key of the decision on the table: its turn and node (``"3/strait"``)."""
    return f"{session.turn}/{session.node}"


def default_seat_name(role: str | None) -> str:
    """``deputy@desk-3`` (``facilitator@…`` for the console): who confirmed, for the others."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        user = ""
    host = socket.gethostname() or "localhost"
    who = role or "facilitator"
    return f"{who} ({user}@{host})" if user else f"{who}@{host}"


@dataclass(frozen=True)
class ClassInfo:
    """What a join code leads to, before joining (the app's Join dialog shows it).

    Attributes:
        session_id: The session.
        code: Its join code as people read it (``7KQ-M2X``).
        title: The scenario's title.
        roles: The roles at the table, ``(id, title)``, one desk each.
        created_at: When the session was created (UTC ISO-8601).
        ended: Whether it has ended (nothing to join then).
        inputs: Inputs recorded so far.
    """

    session_id: str
    code: str
    title: str
    roles: tuple[tuple[str, str], ...]
    created_at: str
    ended: bool
    inputs: int


@dataclass(frozen=True)
class SeatTurn:
    """What one desk sees of the decision on the table, and what it must do.

    Attributes:
        kind: ``decide`` (this seat's decision), ``vote`` (a team vote this
            seat has not voted in), ``voted`` (waiting for the other votes),
            ``waiting`` (another role's decision), ``watching`` (the
            console), ``paused`` (the facilitator paused the session) or
            ``ended``.
        decision: The decision's key ('' once ended).
        node: The node of the decision.
        owner: The role whose decision it is (None for a team vote).
        rule: ``majority`` or ``unanimous`` for a team vote, else None.
        votes: The votes cast so far, by role (seats show only who voted).
        waiting_for: The roles the decision waits for (the owner, or the
            roles still to vote).
        clock: The decision's shared clock.
        paused_kind: While paused, what the seat would do otherwise.
    """

    kind: Kind
    decision: str = ""
    node: str = ""
    owner: str | None = None
    rule: str | None = None
    votes: Mapping[str, Vote] = field(default_factory=dict)
    waiting_for: tuple[str, ...] = ()
    clock: DecisionClock | None = None
    paused_kind: Kind | None = None


class ClassSession:
    """A shared session seen from one desk: a role's seat, or the console (``role=None``).

    Made by :meth:`join` (or :meth:`create` + :meth:`join`). Not thread-safe:
    use it from one thread (a second desk in the same process makes its own).

    Attributes:
        recorded: This desk's copy of the session (replayed from the journal).
        role: The seat's role, or None for the facilitator's console.
        seat: The seat's name, journaled with what it confirms.
        turn: What the desk sees of the decision on the table (after :meth:`refresh`).
    """

    def __init__(self, recorded: RecordedSession, role: str | None, seat: str) -> None:
        self.recorded = recorded
        self.role = role
        self.seat = seat
        self.seating = Seating(recorded.journal)
        self.turn = SeatTurn("ended" if recorded.ended else "waiting")
        self._offset = 0.0  # the database's clock minus ours
        self._news: list[tuple[InputRecord, TurnResult]] = []

    # -- making and joining ------------------------------------------------------

    @classmethod
    def create(cls, journal: Journal, scenario: CompiledScenario, *, roles: list[str],
               seed: int | None = None, trainee: str = "",
               scenario_path: str | None = None) -> tuple[str, str]:
        """Record a new class session (its scenario kept in the store) and give it a join code.

        Returns:
            ``(session id, join code)``.

        Raises:
            JoinError: A role the scenario does not have.
            JournalError: The store refused.
        """
        known = [r.id for r in scenario.model.roles]
        unknown = [r for r in roles if r not in known]
        if unknown:
            raise JoinError(f"the scenario “{scenario.model.title}” has no role "
                            f"{', '.join(repr(r) for r in unknown)}; its roles are "
                            f"{', '.join(known) or 'none'}")
        recorded = SessionService(journal).create(
            scenario, seed=seed, roles=roles, trainee=trainee, mode=CLASS_MODE,
            scenario_path=scenario_path, meta={"source": "class"}, attach=False)
        with recorded:
            code = Seating(journal).new_join_code(recorded.id)
        return recorded.id, code

    @staticmethod
    def look_up(journal: Journal, code: str) -> ClassInfo:
        """What session a join code leads to, and its roles (without replaying it).

        Raises:
            UnknownJoinCodeError: No session here has the code (or it is no code).
        """
        seating = Seating(journal)
        session_id = seating.session_for_code(code)
        record = journal.session(session_id)
        titles: dict[str, str] = {}
        text = journal.scenario_text(record.content_hash)
        if text is not None:
            model = json.loads(text)
            titles = {str(r.get("id")): str(r.get("title", r.get("id")))
                      for r in model.get("roles", []) if isinstance(r, dict)}
        roles = record.roles or tuple(titles)
        return ClassInfo(session_id, format_join_code(seating.join_code(session_id) or ""),
                         record.scenario_title, tuple((r, titles.get(r, r)) for r in roles),
                         record.created_at, record.ended, record.n_inputs)

    @classmethod
    def join(cls, journal: Journal, code: str, *, role: str | None,
             seat: str | None = None, scenario: CompiledScenario | None = None) -> ClassSession:
        """Join the session with this code, as ``role``'s seat or (None) as the console.

        The session replays on the scenario it was created on, from the store's
        copy, so the desk needs no scenario file.

        Raises:
            UnknownJoinCodeError: No session here has the code (or it is no code).
            JoinError: The role is not one of the session's, or the session has ended.
            ScenarioUnavailable: The store has no copy of the scenario.
        """
        session_id = Seating(journal).session_for_code(code)
        record = journal.session(session_id)
        shown = format_join_code(Seating(journal).join_code(session_id) or "")
        if record.ended:
            raise JoinError(
                f"the session with the code {shown} (“{record.scenario_title}”, {record.id}) "
                f"has already ended: {record.ending_title}, score {record.score:g}. Nothing to "
                f"join; its debrief: hotline debrief {record.id}")
        recorded = SessionService(journal).open(record.id, scenario=scenario)
        roles = recorded.session.team_roles()
        if role is not None and role not in roles:
            titles = {r.id: r.title for r in recorded.scenario.model.roles}
            listed = ", ".join(f"{r} ({titles.get(r, r)})" for r in roles)
            recorded.close()
            raise JoinError(
                f"the session with the code {shown} (“{record.scenario_title}”) is played by "
                f"{listed}; {role!r} is not one of them. Join with --role "
                + "|".join(roles))
        joined = cls(recorded, role, seat or default_seat_name(role))
        joined.refresh(listen=False)  # the desk listens when it first waits
        return joined

    # -- reading -----------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.recorded.id

    @property
    def journal(self) -> Journal:
        return self.recorded.journal

    @property
    def session(self) -> Session:
        return self.recorded.session

    @property
    def scenario(self) -> CompiledScenario:
        return self.recorded.scenario

    @property
    def facilitator(self) -> bool:
        """The facilitator's console (sees everything, decides nothing)."""
        return self.role is None

    @property
    def ended(self) -> bool:
        return self.session.ended

    @property
    def team_roles(self) -> tuple[str, ...]:
        return self.session.team_roles()

    @property
    def table(self) -> Table:
        """Who is at the table, and who takes an absent role's decisions."""
        return Table.of(self.session)

    def join_code(self) -> str:
        """The session's join code as people read it (``7KQ-M2X``)."""
        code = self.seating.join_code(self.id)
        return format_join_code(code) if code else ""

    def role_title(self, role: str | None) -> str:
        return "Facilitator" if role is None else role_title(self.scenario, role)

    def now(self) -> float:
        """The database's clock now, as estimated at the last :meth:`refresh`."""
        return time.time() + self._offset

    def remaining(self) -> float | None:
        """Seconds left on the decision's shared clock (None: no limit or no decision)."""
        clock = self.turn.clock
        return None if clock is None else clock.remaining(self.now())

    def may_see(self, event: Event) -> bool:
        """Whether this desk's screen shows an event (a seat: its role's messages only)."""
        if self.role is None:
            return True
        if not trainee_may_see(event, self.scenario):
            return False
        return not isinstance(event, InjectShown) or self.table.reaches(event, (self.role,))

    def time_limit(self) -> float | None:
        """Seconds for the decision on the table: the facilitator's every-decision setting
        (the last such note in the journal), else the scenario's."""
        for data in reversed(self.session.inputs):
            if data.get("type") == "note" and data.get("every") and "time_limit" in data:
                seconds = data.get("time_limit") or 0
                return float(seconds) if seconds else None
        if self.session.ended:
            return None
        limit = self.scenario.nodes[self.session.node].decision.time_limit
        return float(limit) if limit else None

    # -- following the others -------------------------------------------------------

    def refresh(self, *, listen: bool = True) -> list[tuple[InputRecord, TurnResult]]:
        """Apply what the other desks recorded; read the votes and the clock.

        Starts listening first (see :meth:`wait`), so nothing recorded after
        this read is missed. ``listen=False`` for a desk whose waiting is done
        by another connection (the app's watcher thread).

        Returns:
            The inputs other desks recorded since the last refresh (with their
            results, in order), including any applied while an action of this
            desk was retried.

        Raises:
            StoreUnavailableError: The server cannot be reached (try again).
        """
        if listen:
            self.journal.prepare_wait()
        while True:
            self._news += self.recorded.catch_up()
            turn, clock_state = self._read_turn()
            more = self.recorded.catch_up()
            if not more:
                break
            self._news += more
        self.turn = turn
        if clock_state is not None:
            self._follow_pause(clock_state)
        if self.session.ended and not self.recorded.record.ended:
            self._record_ending()
        news, self._news = self._news, []
        return news

    def wait(self, timeout: float) -> bool:
        """Sleep until another desk records something (or ``timeout`` seconds pass).

        Call :meth:`refresh` first (it starts the listening) and after.

        Returns:
            True when woken by another desk, False when time ran out.
        """
        return self.journal.wait_for_activity(self.id, max(0.0, timeout))

    def _read_turn(self) -> tuple[SeatTurn, DecisionClock | None]:
        session = self.session
        if session.ended:
            return SeatTurn("ended"), None
        key = decision_key(session)
        paused = session.phase == Phase.PAUSED
        clock = self.seating.open_clock(self.id, key, self.time_limit(), paused=paused)
        self._offset = self.seating.now() - time.time()
        roles = self.team_roles
        node = session.scenario.nodes[session.node]
        rule = node.decision.vote if len(roles) > 1 else None
        votes: dict[str, Vote] = {}
        owner: str | None = None
        if rule is not None:
            votes = self.seating.votes(self.id, key)
            waiting = tuple(r for r in roles if r not in votes)
            if self.role is None:
                kind: Kind = "watching"
            else:
                kind = "voted" if self.role in votes else "vote"
        else:
            owner = self.table.decider(node.id) or roles[0]
            waiting = (owner,)
            kind = "watching" if self.role is None else "decide" if owner == self.role \
                else "waiting"
        turn = SeatTurn(kind, key, session.node, owner, rule, votes, waiting, clock)
        if paused:
            turn = SeatTurn("paused", key, session.node, owner, rule, votes, waiting, clock,
                            paused_kind=kind)
        return turn, clock

    def _follow_pause(self, clock: DecisionClock) -> None:
        """Bring a clock into line with the journal's pause (a clock started by a desk
        that had not yet seen the pause). Idempotent, so a stale view does no harm."""
        paused = self.session.phase == Phase.PAUSED
        if clock.limited and clock.paused != paused:
            self.seating.set_paused(self.id, paused)
            fresh = self.seating.clock(self.id, clock.decision)
            if fresh is not None:
                self.turn = _with_clock(self.turn, fresh)

    def _record_ending(self) -> None:
        try:
            self.recorded.finish()  # idempotent; the desk that ended it may have died first
        except JournalError:
            pass
        else:
            self.recorded.record = self.journal.session(self.id)

    # -- acting ---------------------------------------------------------------------

    def decide(self, option: str, rationale: str = "") -> TurnResult:
        """Confirm this seat's decision.

        Raises:
            NotYourTurnError: It is not this seat's decision now.
            EngineError: The option is not available.
            AlreadyDecidedError: Another desk decided first (or the clock ran out).
            SessionMovedOnError: The session kept moving; refresh and decide again.
        """
        turn = self.turn
        if turn.kind != "decide":
            raise NotYourTurnError(self.why_not(turn))
        data: dict[str, Any] = {"type": "choose", "option": option}
        if rationale.strip():
            data["rationale"] = rationale.strip()
        data["role"] = self.role
        data["seat"] = self.seat
        data["seconds"] = self._seconds(turn)
        return self._record(data, turn.decision)

    def vote(self, option: str, rationale: str = "") -> TurnResult | None:
        """Cast this seat's vote; confirm the tally if it was the last one.

        Returns:
            The tally's result if this seat confirmed it, else None.

        Raises:
            NotYourTurnError: No vote is open for this seat.
            EngineError: The option is not available.
            AlreadyDecidedError: The decision was confirmed meanwhile.
        """
        turn = self.turn
        if turn.kind != "vote" or self.role is None:
            raise NotYourTurnError(self.why_not(turn))
        self.session.validate_input({"type": "choose", "option": option})
        try:
            votes = self.seating.cast_vote(self.id, turn.decision, self.role, option,
                                           rationale=rationale.strip(), seat=self.seat)
        except AlreadyVotedError as exc:
            if exc.vote.option != option:
                raise
            votes = self.seating.votes(self.id, turn.decision)  # our own vote, retried
        return self._confirm(turn, votes)

    def confirm_votes(self) -> TurnResult | None:
        """Confirm a team vote whose votes are all in (any desk may; one succeeds).

        Returns:
            The tally's result if this desk confirmed it, else None.
        """
        turn = self.turn
        if turn.rule is None or turn.waiting_for or turn.kind == "paused":
            return None
        return self._confirm(turn, dict(turn.votes))

    def time_out(self) -> TurnResult | None:
        """Record the time-out if the shared clock has run out (any desk may; one succeeds).

        Returns:
            The result if this desk recorded it, else None (not due, or
            another desk did).
        """
        turn = self.turn
        clock = turn.clock
        if (clock is None or turn.kind in ("ended", "paused") or clock.deadline is None
                or not clock.expired(self.now())):
            return None
        data: dict[str, Any] = {"type": "choose", "option": self.session.timeout_option(),
                                "timed_out": True}
        if turn.owner is not None:
            data["role"] = turn.owner
        data["seat"] = SEAT_CLOCK
        data["seconds"] = round(max(0.0, clock.deadline - clock.opened_at), 1)
        try:
            return self._record(data, turn.decision,
                                then=self.seating.require_expired(turn.decision))
        except (AlreadyDecidedError, SessionMovedOnError, ClockNotExpiredError):
            return None

    def facilitate(self, data: Mapping[str, Any]) -> TurnResult:
        """Record a facilitator input (the console): inject, adjust, jump, pause…

        Raises:
            EngineError: The engine refuses it.
            JournalError: It could not be saved.
        """
        kind = data.get("type")
        then = (self.seating.pause_clocks if kind == "pause" else
                self.seating.resume_clocks if kind == "resume" else None)
        return self._record(dict(data), None, then=then)

    def set_decision_time(self, seconds: int | None, *, every: bool = False) -> TurnResult:
        """The facilitator gives the decision on the table ``seconds`` from now, for every desk.

        With ``every``, later decisions get the same limit (the note in the
        journal says so, and every desk reads it from there).
        """
        seconds = int(seconds) if seconds else 0
        text = f"Decision clock set to {seconds} s" if seconds else "Decision clock removed"
        text += " for this and every later decision" if every else " for this decision"
        result = self.facilitate({"type": "note", "text": text, "time_limit": seconds,
                                  "every": every})
        if not self.session.ended:
            self.seating.set_clock(self.id, decision_key(self.session), seconds or None,
                                   paused=self.session.phase == Phase.PAUSED)
        return result

    def why_not(self, turn: SeatTurn | None = None) -> str:
        """Why this desk cannot decide now, in words."""
        turn = turn or self.turn
        if turn.kind == "ended":
            return "the session has ended"
        if turn.kind == "paused":
            return "the facilitator has paused the session"
        if self.role is None:
            return "the facilitator's console does not decide; the trainees do"
        if turn.kind == "voted":
            mine = turn.votes.get(self.role)
            voted = f" (for “{self.option_label(mine.option)}”)" if mine else ""
            return (f"the {self.role_title(self.role)} has voted{voted}; waiting for "
                    + ", ".join(self.role_title(r) for r in turn.waiting_for))
        if turn.kind == "waiting":
            return (f"this decision is the {self.role_title(turn.owner)}'s; the "
                    f"{self.role_title(self.role)} cannot confirm it")
        if turn.kind == "vote":
            return "this is a team vote: vote, do not decide"
        return "it is this seat's decision"

    # -- internals ---------------------------------------------------------------------

    def option_label(self, option: str, node: str | None = None) -> str:
        """An option's label at ``node`` (default: the decision on the table)."""
        try:
            return self.scenario.option(node or self.session.node, option).option.label
        except KeyError:
            return option

    def _seconds(self, turn: SeatTurn) -> float:
        clock = turn.clock
        if clock is None:
            return 0.0
        spent = self.now() - clock.opened_at
        if clock.paused_left is not None and clock.deadline is not None:
            spent = clock.deadline - clock.opened_at - clock.paused_left
        return round(max(0.0, spent), 1)

    def _confirm(self, turn: SeatTurn, votes: Mapping[str, Vote]) -> TurnResult | None:
        roles = self.team_roles
        if any(r not in votes for r in roles):
            return None
        ballots = {r: votes[r].option for r in roles}
        data: dict[str, Any] = {"type": "choose", "option": self.session.tally(ballots),
                                "votes": ballots}
        why = "; ".join(f"{self.role_title(r)}: {votes[r].rationale}" for r in roles
                        if votes[r].rationale)
        if why:
            data["rationale"] = why
        view_role = self.scenario.nodes[self.session.node].decision.role
        if view_role:
            data["role"] = view_role
        data["seat"] = self.seat
        data["seconds"] = self._seconds(turn)
        try:
            return self._record(data, turn.decision)
        except AlreadyDecidedError:
            return None  # another desk confirmed the same tally first

    def _record(self, data: dict[str, Any], decision: str | None,
                then: Callable[[Tx, str], None] | None = None) -> TurnResult:
        """Journal and apply; after another desk moved the session on, catch up and retry
        while the decision is still the one on the table."""
        # Apply what the journal will hold (canonical JSON: keys sorted), so this
        # desk's copy is the one every other desk replays, to the byte.
        data = json.loads(canonical_json(data))
        for attempt in range(_RETRIES):
            try:
                return self.recorded.apply(data, decision=decision, then=then)
            except EndingNotRecorded as exc:
                return exc.result  # saved and applied; the next refresh records the ending
            except SessionMovedOnError:
                self._news += self.recorded.catch_up()
                still = decision is None or (not self.session.ended
                                             and decision_key(self.session) == decision)
                if not still or attempt == _RETRIES - 1:
                    raise
                self.session.validate_input(data)  # still an option after what happened?
        raise AssertionError("unreachable")  # pragma: no cover


def _with_clock(turn: SeatTurn, clock: DecisionClock) -> SeatTurn:
    return SeatTurn(turn.kind, turn.decision, turn.node, turn.owner, turn.rule, turn.votes,
                    turn.waiting_for, clock, turn.paused_kind)
