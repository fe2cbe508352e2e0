"""What seats at separate desks share besides the inputs: join codes, votes, decision clocks.

A class session is one journal session played from several machines. The
inputs stay the session's truth (:class:`~game.records.journal.Journal`);
this module keeps the three things the seats coordinate through:

* a **join code** per session, short and typed by people, so it uses an
  alphabet without look-alikes (no 0/O, 1/I/L, no U);
* **votes**: each role's ballot on a team decision, at most one per role and
  decision (the primary key), never changed once cast (a trigger). The seat
  that sees the votes complete confirms the tally as an input with the
  decision's key, so the database lets exactly one seat confirm it;
* **decision clocks**: one per decision, with the deadline stored in the
  database on the database's clock, so every seat counts down to the same
  moment whatever its own clock says, and the facilitator's pause stops it
  for everyone.

All SQL stays in :mod:`game.records`; the rules (whose decision it is, the
tally) are the engine's and :mod:`game.sessions.seats`'s.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from .backend import DuplicateKeyError, Tx
from .errors import JournalError, SessionEndedError, SessionNotFoundError
from .journal import Journal, _check_text

__all__ = [
    "JOIN_ALPHABET",
    "JOIN_LENGTH",
    "AlreadyVotedError",
    "ClockNotExpiredError",
    "DecisionClock",
    "SeatRows",
    "Seating",
    "UnknownJoinCodeError",
    "Vote",
    "format_join_code",
    "normalise_join_code",
]

#: Letters and digits a join code is made of: none that reads like another.
JOIN_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Characters in a join code (30**6: about 729 million codes).
JOIN_LENGTH: Final = 6
# Typed look-alikes that cannot be meant as themselves in a code.
_LOOK_ALIKES: Final = {"0": "O", "O": "0", "1": "I", "I": "1", "L": "1", "U": "V"}


class UnknownJoinCodeError(SessionNotFoundError):
    """No session in the store has this join code (or the text is not one)."""


class ClockNotExpiredError(JournalError):
    """A time-out was refused: the database's clock says time has not run out."""


class AlreadyVotedError(JournalError):
    """This role already voted on this decision; votes are not changed once cast.

    Attributes:
        vote: The vote that stands.
    """

    def __init__(self, message: str, vote: Vote) -> None:
        super().__init__(message)
        self.vote = vote


@dataclass(frozen=True)
class Vote:
    """One role's ballot on a team decision.

    Attributes:
        role: The role that voted.
        option: The option it voted for.
        rationale: Its "why?" (may be empty).
        seat: Who cast it (a seat's name).
        cast_at: UTC ISO-8601 time it was committed.
    """

    role: str
    option: str
    rationale: str
    seat: str
    cast_at: str


@dataclass(frozen=True)
class DecisionClock:
    """The shared clock of one decision (times on the database's clock, epoch seconds).

    Attributes:
        decision: The decision key.
        opened_at: When the first seat or console saw the decision.
        deadline: When time runs out (None: no time limit).
        paused_left: Seconds left while the session is paused (None: running).
    """

    decision: str
    opened_at: float
    deadline: float | None
    paused_left: float | None

    @property
    def limited(self) -> bool:
        """Whether the decision has a time limit."""
        return self.deadline is not None

    @property
    def paused(self) -> bool:
        """Whether the clock is stopped (the facilitator paused the session)."""
        return self.paused_left is not None

    def remaining(self, now: float) -> float | None:
        """Seconds left at ``now`` (the database's clock); None without a limit."""
        if self.deadline is None:
            return None
        if self.paused_left is not None:
            return max(0.0, self.paused_left)
        return max(0.0, self.deadline - now)

    def expired(self, now: float) -> bool:
        """Whether time has run out (never while paused or without a limit)."""
        left = self.remaining(now)
        return left is not None and left <= 0 and not self.paused


def normalise_join_code(text: str) -> str:
    """Turn what someone typed (``abc-def``, ``ABC DEF``) into a code, or explain why not.

    Raises:
        UnknownJoinCodeError: The text cannot be a join code; the message
            says which character is wrong and what it may have been.
    """
    if not isinstance(text, str):
        raise UnknownJoinCodeError("a join code is text, like 7KQ-M2X")
    code = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-_.")
    if not code:
        raise UnknownJoinCodeError("no join code given; it looks like 7KQ-M2X (ask the "
                                   "facilitator, who got it from `hotline session new`)")
    for ch in code:
        if ch not in JOIN_ALPHABET:
            hint = (f" (join codes never use {ch!r}; did you mean {_LOOK_ALIKES[ch]!r}?)"
                    if ch in _LOOK_ALIKES else "")
            raise UnknownJoinCodeError(
                f"{text.strip()!r} is not a join code: {ch!r} cannot be in one{hint}. A join "
                f"code has {JOIN_LENGTH} letters and digits, like 7KQ-M2X")
    if len(code) != JOIN_LENGTH:
        raise UnknownJoinCodeError(
            f"{text.strip()!r} is not a join code: it has {len(code)} letters and digits, a "
            f"join code has {JOIN_LENGTH} (like 7KQ-M2X)")
    return code


def format_join_code(code: str) -> str:
    """``7KQM2X`` → ``7KQ-M2X`` (easier to read out to a room)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class SeatRows:
    """One session's join code, votes and decision clocks as stored (for ``store recover``).

    Attributes:
        code: The join code and when it was made, or None.
        votes: ``(decision, role, option, rationale, seat, cast_at)`` rows.
        clocks: ``(decision, opened_at, deadline, paused_left)`` rows.
    """

    code: tuple[str, str] | None
    votes: tuple[tuple[str, str, str, str, str, str], ...]
    clocks: tuple[tuple[str, float, float | None, float | None], ...]


class Seating:
    """Join codes, votes and decision clocks in one journal's store.

    Args:
        journal: The open journal (SQLite or PostgreSQL).
    """

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    # -- copying (store recover) ----------------------------------------------------

    def export_rows(self, session_id: str) -> SeatRows:
        """The session's seat rows as stored; empty on a store older than the seats (v5)."""
        journal = self.journal
        if journal.backend.schema_version < 5:
            return SeatRows(None, (), ())
        with journal._read() as tx:
            code = tx.one("SELECT code, created_at FROM join_codes WHERE session_id = ?",
                          (session_id,))
            votes = tx.all("SELECT decision, role, option, rationale, seat, cast_at FROM votes "
                           "WHERE session_id = ? ORDER BY cast_at, decision, role", (session_id,))
            clocks = tx.all("SELECT decision, opened_at, deadline, paused_left FROM clocks "
                            "WHERE session_id = ? ORDER BY decision", (session_id,))
        return SeatRows(
            None if code is None else (str(code[0]), str(code[1])),
            tuple((str(a), str(b), str(c), str(d), str(e), str(f)) for a, b, c, d, e, f in votes),
            tuple((str(a), float(b), None if c is None else float(c),
                   None if d is None else float(d)) for a, b, c, d in clocks))

    def import_rows(self, session_id: str, rows: SeatRows) -> None:
        """Write rows read by :meth:`export_rows` into this store, values kept as they were."""
        with self.journal._write() as tx:
            if rows.code is not None:
                tx.run("INSERT INTO join_codes (code, session_id, created_at) VALUES (?, ?, ?)",
                       (rows.code[0], session_id, rows.code[1]))
            for decision, role, option, rationale, seat, cast_at in rows.votes:
                tx.run("INSERT INTO votes (session_id, decision, role, option, rationale, seat, "
                       "cast_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (session_id, decision, role, option, rationale, seat, cast_at))
            for decision, opened_at, deadline, paused_left in rows.clocks:
                tx.run("INSERT INTO clocks (session_id, decision, opened_at, deadline, "
                       "paused_left) VALUES (?, ?, ?, ?, ?)",
                       (session_id, decision, opened_at, deadline, paused_left))

    # -- join codes -----------------------------------------------------------

    def new_join_code(self, session_id: str) -> str:
        """The session's join code (``7KQM2X``), made now if it has none.

        Raises:
            SessionNotFoundError: Unknown session.
            SessionEndedError: The session has ended (nobody can join it).
        """
        journal = self.journal
        for _attempt in range(50):
            code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))
            try:
                with journal._write() as tx:
                    sid = journal._resolve(tx, session_id)
                    (status, *_rest) = journal._status_for_write(tx, sid)
                    row = tx.one("SELECT code FROM join_codes WHERE session_id = ?", (sid,))
                    if row is not None:
                        return str(row[0])
                    if status != "active":
                        raise SessionEndedError(f"session {sid} has ended; nobody can join it")
                    tx.run("INSERT INTO join_codes (code, session_id, created_at) "
                           "VALUES (?, ?, ?)", (code, sid, _now_iso()))
                return code
            except DuplicateKeyError:
                continue  # the code is another session's: draw again
        raise JournalError("could not find a free join code")  # pragma: no cover

    def join_code(self, session_id: str) -> str | None:
        """The session's join code, or None if it was never given one."""
        journal = self.journal
        with journal._read() as tx:
            sid = journal._resolve(tx, session_id)
            row = tx.one("SELECT code FROM join_codes WHERE session_id = ?", (sid,))
        return None if row is None else str(row[0])

    def session_for_code(self, text: str) -> str:
        """The id of the session a join code belongs to.

        Raises:
            UnknownJoinCodeError: The text is not a code, or no session here has it.
        """
        code = normalise_join_code(text)
        with self.journal._read() as tx:
            row = tx.one("SELECT session_id FROM join_codes WHERE code = ?", (code,))
        if row is None:
            raise UnknownJoinCodeError(
                f"no session in {self.journal.location.display} has the join code "
                f"{format_join_code(code)}. Check the code with the facilitator, and that you "
                "joined the class's store (--store URL)")
        return str(row[0])

    # -- votes ------------------------------------------------------------------

    def cast_vote(self, session_id: str, decision: str, role: str, option: str, *,
                  rationale: str = "", seat: str = "") -> dict[str, Vote]:
        """Record one role's vote on a decision; return every vote cast on it so far.

        Raises:
            AlreadyVotedError: The role has voted on this decision already.
            AlreadyDecidedError: The decision was confirmed meanwhile (a tally,
                or the clock ran out).
            SessionEndedError: The session has ended.
        """
        for name, value in (("decision", decision), ("role", role), ("option", option),
                            ("rationale", rationale), ("seat", seat)):
            _check_text(name, value)
        journal = self.journal
        try:
            with journal._write() as tx:
                sid = journal._resolve(tx, session_id)
                (status, *_rest) = journal._status_for_write(tx, sid)
                if status != "active":
                    raise SessionEndedError(f"session {sid} has ended; the vote was not cast")
                journal._refuse_decided(tx, sid, decision)
                tx.run(
                    "INSERT INTO votes (session_id, decision, role, option, rationale, seat, "
                    "cast_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (sid, decision, role, option, rationale, seat, _now_iso()),
                )
                return self._votes(tx, sid, decision)
        except DuplicateKeyError:
            standing = self.votes(session_id, decision)[role]
            raise AlreadyVotedError(
                f"the {role} has already voted on this decision (for {standing.option!r}, "
                f"from {standing.seat or 'another seat'}); a vote is not changed once cast",
                standing) from None

    def votes(self, session_id: str, decision: str) -> dict[str, Vote]:
        """The votes cast on a decision, by role."""
        journal = self.journal
        with journal._read() as tx:
            sid = journal._resolve(tx, session_id)
            return self._votes(tx, sid, decision)

    @staticmethod
    def _votes(tx: Tx, sid: str, decision: str) -> dict[str, Vote]:
        rows = tx.all("SELECT role, option, rationale, seat, cast_at FROM votes "
                      "WHERE session_id = ? AND decision = ? ORDER BY cast_at, role",
                      (sid, decision))
        return {str(r[0]): Vote(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]))
                for r in rows}

    # -- decision clocks ---------------------------------------------------------

    def now(self) -> float:
        """The database's clock (epoch seconds)."""
        return self.journal.server_time()

    def open_clock(self, session_id: str, decision: str, limit: float | None, *,
                   paused: bool = False) -> DecisionClock:
        """The decision's clock, started now with ``limit`` seconds if no seat started it yet.

        The first seat (or console) to see a decision starts its clock; the
        others get that same clock, so everyone shares one deadline.

        Args:
            session_id: The full session id.
            decision: The decision key.
            limit: Seconds allowed (None: no limit).
            paused: The session is paused: the clock starts stopped.
        """
        found = self.clock(session_id, decision)
        if found is not None:
            return found
        journal = self.journal
        epoch = journal.backend.epoch_sql
        try:
            with journal._write() as tx:
                if tx.one("SELECT 1 FROM clocks WHERE session_id = ? AND decision = ?",
                          (session_id, decision)) is None:
                    row = tx.one(f"SELECT {epoch}")
                    now = float(row[0]) if row is not None else 0.0
                    deadline = None if limit is None else now + float(limit)
                    left = float(limit) if paused and limit is not None else None
                    tx.run("INSERT INTO clocks (session_id, decision, opened_at, deadline, "
                           "paused_left) VALUES (?, ?, ?, ?, ?)",
                           (session_id, decision, now, deadline, left))
        except DuplicateKeyError:
            pass  # another seat started it at the same moment: use theirs
        clock = self.clock(session_id, decision)
        assert clock is not None
        return clock

    def clock(self, session_id: str, decision: str) -> DecisionClock | None:
        """The decision's clock, or None if nobody has started it."""
        with self.journal._read() as tx:
            row = tx.one("SELECT opened_at, deadline, paused_left FROM clocks "
                         "WHERE session_id = ? AND decision = ?", (session_id, decision))
        if row is None:
            return None
        return DecisionClock(decision, float(row[0]),
                             None if row[1] is None else float(row[1]),
                             None if row[2] is None else float(row[2]))

    def set_clock(self, session_id: str, decision: str, seconds: float | None, *,
                  paused: bool = False) -> DecisionClock:
        """The facilitator gives a decision ``seconds`` from now (None: no limit), for everyone."""
        journal = self.journal
        epoch = journal.backend.epoch_sql
        with journal._write() as tx:
            row = tx.one(f"SELECT {epoch}")
            now = float(row[0]) if row is not None else 0.0
            deadline = None if seconds is None else now + float(seconds)
            left = float(seconds) if paused and seconds is not None else None
            if tx.one("SELECT 1 FROM clocks WHERE session_id = ? AND decision = ?",
                      (session_id, decision)) is None:
                tx.run("INSERT INTO clocks (session_id, decision, opened_at, deadline, "
                       "paused_left) VALUES (?, ?, ?, ?, ?)",
                       (session_id, decision, now, deadline, left))
            else:
                tx.run("UPDATE clocks SET deadline = ?, paused_left = ? "
                       "WHERE session_id = ? AND decision = ?",
                       (deadline, left, session_id, decision))
        clock = self.clock(session_id, decision)
        assert clock is not None
        return clock

    def pause_clocks(self, tx: Tx, session_id: str) -> None:
        """Stop the clocks of the session's open decisions (inside a write; idempotent)."""
        row = tx.one(f"SELECT {self.journal.backend.epoch_sql}")
        now = float(row[0]) if row is not None else 0.0
        for decision, deadline in tx.all(
            "SELECT c.decision, c.deadline FROM clocks c WHERE c.session_id = ? "
            "AND c.deadline IS NOT NULL AND c.paused_left IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM inputs i WHERE i.session_id = c.session_id "
            "AND i.decision = c.decision)", (session_id,)):
            tx.run("UPDATE clocks SET paused_left = ? WHERE session_id = ? AND decision = ?",
                   (max(0.0, float(deadline) - now), session_id, decision))

    def resume_clocks(self, tx: Tx, session_id: str) -> None:
        """Start the stopped clocks again with the time they had left (inside a write)."""
        row = tx.one(f"SELECT {self.journal.backend.epoch_sql}")
        now = float(row[0]) if row is not None else 0.0
        tx.run("UPDATE clocks SET deadline = ? + paused_left, paused_left = NULL "
               "WHERE session_id = ? AND paused_left IS NOT NULL", (now, session_id))

    def require_expired(self, decision: str) -> Callable[[Tx, str], None]:
        """A statement for a time-out's transaction: refuse it unless time is up.

        Passed as ``append_input(..., then=...)``, so the database's clock,
        read in the same transaction as the time-out is written, has the last
        word (the facilitator may have given more time a moment ago).
        """
        epoch = self.journal.backend.epoch_sql

        def check(tx: Tx, session_id: str) -> None:
            row = tx.one(f"SELECT deadline, paused_left, {epoch} FROM clocks "
                         "WHERE session_id = ? AND decision = ?", (session_id, decision))
            if (row is None or row[0] is None or row[1] is not None
                    or float(row[0]) > float(row[2])):
                raise ClockNotExpiredError(
                    "the decision clock has not run out (the facilitator gave more time or "
                    "paused); nothing was recorded")

        return check

    def set_paused(self, session_id: str, paused: bool) -> None:
        """Stop or restart the session's open clocks on their own (idempotent).

        Seats call this when a clock disagrees with the journal's pause inputs
        (a clock started by a seat that had not yet seen the pause).
        """
        with self.journal._write() as tx:
            (self.pause_clocks if paused else self.resume_clocks)(tx, session_id)
