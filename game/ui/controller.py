"""SessionController: the only bridge between the widgets and the engine.

The controller is a thin Qt skin over the recorded-session service
(:mod:`game.sessions`): it holds one :class:`~game.sessions.RecordedSession`
and turns what it does into signals. Every input goes the same way::

    RecordedSession.apply: validate → journal (committed) → engine  →  signals

so a choice is safe on disk before its consequences are shown, and quitting
or crashing at any point loses nothing: :meth:`resume` rebuilds the session
by replaying the journal's inputs on the scenario it was played on. The
session's phase (``session.phase``) is the one lifecycle; :attr:`stage` is
only its reading for the screens.

Widgets never call the engine; they connect to the signals, which carry the
engine's change records (``TurnView``, ``TurnResult``, ``Outcome``), and read
state through :attr:`session` (``meters``, ``channels``, ``events``).

The decision clock (:class:`DecisionClock`) counts the seconds a trainee
takes and, when the node sets a ``time_limit``, counts down; on time-out the
controller takes the scenario's time-out option. The clock's time source is
injected, so tests never wait in real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from .workers import run_in_background

if TYPE_CHECKING:
    from game.engine import Outcome, Session, TurnResult, TurnView
    from game.engine.events import DecisionTaken
    from game.records.journal import Journal
    from game.scenario.compile import CompiledScenario
    from game.sessions import RecordedSession
    from game.sessions.table import Table

#: How each phase of the session reads on screen.
_STAGES = {"briefing": "deciding", "deciding": "deciding", "consequences": "consequences",
           "ended": "ended"}


class DecisionClock(QObject):
    """Time spent on the current decision; a countdown when there is a limit.

    Args:
        now: Monotonic seconds (``time.monotonic``); tests pass a fake.
        interval_ms: How often the Qt timer polls; ``0`` disables the timer
            altogether (tests call :meth:`poll` after moving the fake time).

    Signals:
        ticked(remaining): Whole seconds left (-1 when there is no limit).
        expired: The limit ran out (emitted once per decision).
        pausedChanged(bool)
    """

    ticked = Signal(int)
    expired = Signal()
    pausedChanged = Signal(bool)

    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        interval_ms: int = 200,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self.limit: float | None = None
        self._spent = 0.0
        self._since: float | None = None
        self._fired = False
        self._last_shown: int | None = None
        self._paused = False
        self._held = False  # team play: the hand-over cover is up (not a journaled pause)
        self._timer: QTimer | None = None
        if interval_ms > 0:
            self._timer = QTimer(self)
            self._timer.setInterval(interval_ms)
            self._timer.timeout.connect(self.poll)

    # -- control --
    def start(self, limit: float | None, spent: float = 0.0) -> None:
        """Start timing a decision (``limit`` seconds or None; ``spent`` already used)."""
        self.limit = float(limit) if limit else None
        self._spent = spent
        self._fired = False
        self._last_shown = None
        self._since = None if self._paused or self._held else self._now()
        if self._timer is not None:
            self._timer.start()
        self.poll()

    def stop(self) -> float:
        """Stop timing; return the seconds spent (pauses excluded)."""
        spent = self.elapsed()
        self._since = None
        self._spent = spent
        self.limit = None
        if self._timer is not None:
            self._timer.stop()
        return spent

    def set_paused(self, paused: bool) -> None:
        if paused == self._paused:
            return
        if paused:
            self._spent = self.elapsed()
            self._since = None
        elif not self._held and (self.limit is not None or self._timer is None
                                 or self._timer.isActive()):
            self._since = self._now()
        self._paused = paused
        self.pausedChanged.emit(paused)
        self.poll()

    def set_held(self, held: bool) -> None:
        """Hold the count while nobody can see the decision (the team's hand-over cover).

        Unlike a pause this is not an input: nothing is journaled, and the
        scenario clock is not touched. Time held does not count as time spent.
        """
        if held == self._held:
            return
        if held:
            self._spent = self.elapsed()
            self._since = None
        elif not self._paused and (self.limit is not None or self._timer is None
                                   or self._timer.isActive()):
            self._since = self._now()
        self._held = held
        self.poll()

    @property
    def held(self) -> bool:
        return self._held

    # -- reading --
    @property
    def paused(self) -> bool:
        return self._paused

    def elapsed(self) -> float:
        running = self._now() - self._since if self._since is not None else 0.0
        return self._spent + running

    def remaining(self) -> float | None:
        if self.limit is None:
            return None
        return max(0.0, self.limit - self.elapsed())

    def poll(self) -> None:
        """Emit ``ticked`` when the shown second changes, ``expired`` at zero."""
        left = self.remaining()
        shown = -1 if left is None else int(left + 0.999)
        if shown != self._last_shown:
            self._last_shown = shown
            self.ticked.emit(shown)
        if left is not None and left <= 0 and not self._fired and not self._paused \
                and not self._held:
            self._fired = True
            if self._timer is not None:
                self._timer.stop()
            self.expired.emit()


class SessionController(QObject):
    """Runs one session for the UI: journal first, engine second, then signals.

    Args:
        journal: Where inputs are recorded (shared with the rest of the app).
        clock: The decision clock; tests pass one with a fake time source.

    Signals:
        sessionStarted(session_id): A session was started or resumed.
        turnReady(TurnView): A decision to show (after start, resume or Continue).
        resultReady(TurnResult): The consequences of the input just applied.
        stateChanged(): Meters, channels or events changed; re-read :attr:`session`.
        ended(Outcome): The session reached an ending (after ``resultReady``).
        pausedChanged(bool)
        errorRaised(str): Something the user should be told (input refused, disk full).
        busyChanged(bool): Replaying a long session on a worker thread.
        facilitated(TurnResult): A facilitator input was journaled and applied.
        facilitatorError(str): A facilitator input was refused (for the console, not the
            trainee's screen).
        activeRoleChanged(str): Team play: the role at the keyboard changed ('' for none).
        votesChanged(dict): Team play: the votes cast so far on the current decision.
        closed(): The controller let go of its session (the window went home or quit).
    """

    sessionStarted = Signal(str)
    turnReady = Signal(object)
    resultReady = Signal(object)
    stateChanged = Signal()
    ended = Signal(object)
    pausedChanged = Signal(bool)
    errorRaised = Signal(str)
    busyChanged = Signal(bool)
    facilitated = Signal(object)
    facilitatorError = Signal(str)
    activeRoleChanged = Signal(str)
    votesChanged = Signal(dict)
    closed = Signal()

    def __init__(
        self,
        journal: Journal,
        clock: DecisionClock | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        from game.sessions import SessionService

        self.journal = journal
        self.service = SessionService(journal)
        self.clock = clock if clock is not None else DecisionClock(parent=self)
        if self.clock.parent() is None:
            self.clock.setParent(self)
        self.clock.expired.connect(self._time_out)
        self.recorded: RecordedSession | None = None
        self.last_result: TurnResult | None = None
        self.busy = False
        # Team play: votes cast on the current decision (journaled with the choice once
        # every role has voted) and the role whose screen is showing.
        self.votes: dict[str, str] = {}
        self.vote_rationales: dict[str, str] = {}
        self.shown_role: str | None = None
        # Facilitator: seconds per decision for every decision (None: the scenario's; 0: none).
        self.default_time_limit: int | None = None

    # -- reading ------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        """The engine session (read its state; never apply inputs to it directly)."""
        return self.recorded.session if self.recorded is not None else None

    @property
    def session_id(self) -> str | None:
        return self.recorded.id if self.recorded is not None else None

    @property
    def trainee(self) -> str:
        return self.recorded.record.trainee if self.recorded is not None else ""

    @property
    def stage(self) -> str:
        """What the screens show: ``idle``, ``deciding``, ``consequences`` or ``ended``.

        Read from the session's phase (a pause keeps the stage it interrupted).
        """
        session = self.session
        if session is None:
            return "idle"
        phase = session.paused_from if session.phase == "paused" else session.phase
        return _STAGES.get(phase, "deciding")

    @property
    def scenario(self) -> CompiledScenario:
        assert self.session is not None, "no session"
        return self.session.scenario

    @property
    def roles(self) -> tuple[str, ...]:
        return self.session.roles if self.session is not None else ()

    @property
    def table(self) -> Table | None:
        """Who is at the table, and who takes a decision whose role nobody plays."""
        from game.sessions.table import Table

        return Table.of(self.session) if self.session is not None else None

    @property
    def outcome(self) -> Outcome | None:
        return self.session.outcome if self.session is not None else None

    @property
    def paused(self) -> bool:
        return self.session is not None and self.session.phase == "paused"

    def current(self) -> TurnView | None:
        if self.session is None or self.session.ended:
            return None
        return self.session.current()

    # -- starting -----------------------------------------------------------
    def start(
        self,
        scenario: CompiledScenario,
        *,
        seed: int | None = None,
        roles: Sequence[str] = (),
        trainee: str = "",
        scenario_path: str | None = None,
        mode: str = "trainee",
    ) -> str:
        """Create a journaled session and show its first decision.

        Raises:
            JournalError: The journal refused (the caller says so and stays put).
        """
        recorded = self.service.create(scenario, seed=seed, roles=roles, trainee=trainee,
                                       mode=mode, scenario_path=scenario_path)
        self._adopt(recorded)
        return recorded.id

    def resume(self, session_id: str, scenario: CompiledScenario | None = None) -> None:
        """Rebuild a session from the journal on this thread (on the scenario it was played on).

        Args:
            session_id: The session.
            scenario: A loaded scenario to use when it has the recorded content.

        Raises:
            JournalError: Unknown session, or its scenario is unavailable
                (:class:`~game.sessions.ScenarioUnavailable`).
            EngineError: A recorded input no longer applies.
        """
        self._adopt(self.service.open(session_id, scenario=scenario, attach=True))

    def resume_in_background(self, session_id: str,
                             scenario: CompiledScenario | None = None) -> None:
        """Rebuild a session on a worker thread; signals follow as for :meth:`resume`.

        The worker builds the session detached; it is attached to the flow
        machine here, on the GUI thread, once it is handed over.
        """
        self._set_busy(True)
        service = self.service

        def done(recorded: RecordedSession) -> None:
            self._adopt(recorded.attach())
            self._set_busy(False)  # after the session is in place: busy=False with none = failed

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self.errorRaised.emit(f"Could not resume the session: {exc}")

        run_in_background(lambda: service.open(session_id, scenario=scenario), done, failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busyChanged.emit(busy)

    def _adopt(self, recorded: RecordedSession) -> None:
        if self.recorded is not None and self.recorded is not recorded:
            self.recorded.close()
        self.recorded = recorded
        self.last_result = recorded.last_result
        session = recorded.session
        self.sessionStarted.emit(recorded.id)
        self.stateChanged.emit()
        if session.ended:
            self._record_ending()
            if recorded.last_result is not None:
                self.resultReady.emit(recorded.last_result)
            self.ended.emit(session.outcome)
            return
        self.clock.set_paused(session.phase == "paused")
        self.pausedChanged.emit(self.paused)
        if self.stage == "consequences" and recorded.last_result is not None:
            self.resultReady.emit(recorded.last_result)
            return
        self._show_turn()

    # -- playing ------------------------------------------------------------
    def choose(
        self,
        option_id: str,
        rationale: str = "",
        *,
        seconds: float | None = None,
        timed_out: bool = False,
        votes: dict[str, str] | None = None,
    ) -> TurnResult | None:
        """Journal and apply a choice; emit the consequences. None if refused.

        In team play, when the decision is a team vote, each call casts the vote
        of the role at the keyboard (None is returned until every role has
        voted); the last vote tallies them by the scenario's rule and takes the
        decision with every role's vote recorded.
        """
        if self.session is None or self.session_id is None or self.stage != "deciding":
            self.errorRaised.emit("There is no decision to take right now.")
            return None
        if votes is None and not timed_out and self.vote_rule() is not None:
            return self._cast_vote(option_id, rationale)
        spent = self.clock.stop()
        data: dict[str, Any] = {"type": "choose", "option": option_id}
        if votes:
            data["votes"] = dict(votes)
        if rationale.strip():
            data["rationale"] = rationale.strip()
        if self.session.roles:
            view = self.current()
            role = (view.role if view is not None else None) if votes else self.current_role()
            if role:
                data["role"] = role
        data["seconds"] = round(float(seconds if seconds is not None else spent), 1)
        if timed_out:
            data["timed_out"] = True
        result = self._input(data)
        if result is None:
            self._restart_clock(spent)
            return None
        self.last_result = result
        # Consequences first (the screen switches), then the state: the play screen is
        # hidden by then and catches up only when it is shown again.
        self.resultReady.emit(result)
        self.stateChanged.emit()
        if result.ended:
            self.ended.emit(self.session.outcome)
        return result

    def proceed(self) -> None:
        """Leave the consequences and show the next decision (no engine input)."""
        if self.session is None or self.session.ended:
            return
        self.session.proceed()
        self._show_turn()

    def set_paused(self, paused: bool) -> None:
        """The trainees pause or resume the scenario (journaled) and the decision clock.

        A pause the facilitator made is the facilitator's to lift: the engine
        refuses the trainees' resume and ``errorRaised`` says so.
        """
        if self.session is None or self.session.ended or paused == self.paused:
            return
        if self._input({"type": "pause" if paused else "resume", "by": "trainee"}) is None:
            return
        self.clock.set_paused(paused)
        self.pausedChanged.emit(paused)

    def current_role(self) -> str | None:
        """Who takes the decision on the table: its role, or — when nobody plays that role —
        the first role at the table (:class:`~game.sessions.table.Table`)."""
        view = self.current()
        session = self.session
        if view is not None and view.role and session is not None:
            table = self.table
            return (table.decider(view.node) if table is not None else None) or view.role
        return session.roles[0] if session is not None and session.roles else None

    def close(self) -> None:
        """Stop the clock and let go of the session (the journal stays open)."""
        self.clock.stop()
        if self.recorded is not None:
            self.recorded.close()
        self.recorded = None
        self.closed.emit()

    # -- internals ----------------------------------------------------------
    def _input(self, data: dict[str, Any], errors: Any = None) -> TurnResult | None:
        """Validate, journal, apply; refusals go to ``errors`` (default ``errorRaised``)."""
        from game.engine import EngineError
        from game.records.journal import JournalError
        from game.sessions import EndingNotRecorded

        assert self.recorded is not None
        errors = errors if errors is not None else self.errorRaised
        try:
            result = self.recorded.apply(data)
        except EngineError as exc:
            errors.emit(str(exc))
            return None
        except EndingNotRecorded as exc:
            self.errorRaised.emit(f"The ending could not be recorded in the journal: {exc}")
            result = exc.result
        except JournalError as exc:
            what = "choice" if data.get("type") == "choose" else "action"
            errors.emit(f"Your {what} could not be saved, so it was not applied: {exc}")
            return None
        if data.get("type") != "choose":
            self.stateChanged.emit()
        return result

    def _show_turn(self) -> None:
        view = self.current()
        if view is None:
            return
        assert self.session is not None
        self.session.proceed()
        self.votes = {}
        self.vote_rationales = {}
        self._announce_role()
        self.turnReady.emit(view)
        self._restart_clock(0.0)

    def _restart_clock(self, spent: float, limit: int | None = None) -> None:
        view = self.current()
        self.clock.start(limit if limit is not None else self.time_limit_for(view), spent)

    def time_limit_for(self, view: TurnView | None) -> int | None:
        """Seconds allowed for a decision: the facilitator's setting, else the scenario's."""
        if self.default_time_limit is not None:
            return self.default_time_limit or None
        return view.time_limit if view is not None else None

    def _time_out(self) -> None:
        if self.session is None or self.stage != "deciding" or self.paused:
            return
        view = self.session.current()
        limit = self.clock.limit or view.time_limit or 0
        self.choose(self.session.timeout_option(), "", seconds=float(limit), timed_out=True)

    # -- team play (hot seat) -------------------------------------------------
    @property
    def team(self) -> bool:
        """Several roles take turns at this machine."""
        return self.session is not None and len(self.session.roles) > 1

    def vote_rule(self) -> str | None:
        """``majority`` or ``unanimous`` when the current decision is a team vote."""
        session = self.session
        if session is None or session.ended or not self.team:
            return None
        return session.scenario.nodes[session.node].decision.vote

    def voter(self) -> str | None:
        """The role whose vote is next (None when this is no team vote)."""
        if self.session is None or self.vote_rule() is None:
            return None
        return next((r for r in self.session.team_roles() if r not in self.votes), None)

    def active_role(self) -> str | None:
        """The role at the keyboard: the next voter, else the decision's role."""
        return self.voter() or self.current_role()

    def chose_here(self, decision: DecisionTaken) -> bool:
        """Whether this screen's player took the decision ("You chose"): at one
        keyboard, always; a class desk overrides it."""
        return True

    def viewer_roles(self) -> tuple[str, ...]:
        """Whose messages the trainee's screen shows: in team play, the active role only."""
        if self.team and self.shown_role:
            return (self.shown_role,)
        return self.roles

    def _announce_role(self) -> None:
        role = self.active_role() if self.team else None
        if role != self.shown_role:
            self.shown_role = role
            self.activeRoleChanged.emit(role or "")

    def _cast_vote(self, option_id: str, rationale: str) -> TurnResult | None:
        from game.engine import EngineError

        assert self.session is not None
        role = self.voter()
        if role is None:  # every vote is in but the choice was refused: vote again
            self.votes, self.vote_rationales = {}, {}
            role = self.voter()
        assert role is not None
        try:
            self.session.validate_input({"type": "choose", "option": option_id})
        except EngineError as exc:
            self.errorRaised.emit(str(exc))
            return None
        self.votes[role] = option_id
        if rationale.strip():
            self.vote_rationales[role] = rationale.strip()
        self.votesChanged.emit(dict(self.votes))
        if self.voter() is not None:
            self._announce_role()
            view = self.current()
            if view is not None:
                self.turnReady.emit(view)  # a clean decision panel for the next voter
            self.clock.start(self.clock.limit, self.clock.elapsed())  # same countdown
            return None
        votes = dict(self.votes)
        scenario = self.session.scenario
        # One line per role, so the debrief and the consequences can list them.
        why = "\n".join(
            f"{next((r.title for r in scenario.model.roles if r.id == role), role)}: {text}"
            for role, text in self.vote_rationales.items())
        return self.choose(self.session.tally(votes), why, votes=votes)

    # -- the facilitator ---------------------------------------------------------
    def facilitate(self, data: dict[str, Any]) -> TurnResult | None:
        """Journal, then apply, a facilitator input; None (and ``facilitatorError``) if refused.

        ``data`` is an engine input: ``inject``, ``adjust``, ``set_flag``, ``jump``,
        ``force_answer``, ``note``, ``pause`` or ``resume``. Pausing also stops the
        decision clock; a jump shows the new decision at once (with a fresh clock).
        """
        from game.engine import EngineError

        session = self.session
        if session is None or self.session_id is None:
            self.facilitatorError.emit("No session is running.")
            return None
        data = dict(data)
        kind = data.get("type")
        if kind in ("pause", "resume") and (kind == "pause") == self.paused:
            self.facilitatorError.emit(
                "The session is already paused." if self.paused else "The session is running.")
            return None
        if kind == "choose":
            self.facilitatorError.emit("Choices are the trainees' to make.")
            return None
        if kind in ("pause", "resume"):
            data["by"] = "facilitator"  # credited to whoever made it
        try:
            session.validate_input(data)
        except EngineError as exc:
            self.facilitatorError.emit(str(exc))
            return None
        result = self._input(data, self.facilitatorError)
        if result is None:
            return None
        if kind in ("pause", "resume"):
            self.clock.set_paused(kind == "pause")
            self.pausedChanged.emit(kind == "pause")
        elif kind == "jump" and not session.ended:
            self._show_turn()
        self.facilitated.emit(result)
        return result

    def set_decision_time(self, seconds: int | None, *, every: bool = False) -> bool:
        """Facilitator: give the current decision ``seconds`` from now (None or 0: no limit).

        With ``every``, later decisions get the same limit (overriding the
        scenario's). The change is journaled as a facilitator note.
        """
        if self.session is None or self.session.ended:
            return False
        seconds = int(seconds) if seconds else 0
        text = (f"Decision clock set to {seconds} s" if seconds else "Decision clock removed")
        text += " for this and every later decision" if every else " for this decision"
        note = {"type": "note", "text": text, "time_limit": seconds, "every": every}
        if self.facilitate(note) is None:
            return False
        if every:
            self.default_time_limit = seconds
        if self.stage == "deciding":
            spent = self.clock.elapsed()
            self.clock.start(spent + seconds if seconds else None, spent)
        return True

    def _record_ending(self) -> None:
        """A resumed session that had ended before it was closed: record its ending."""
        from game.records.journal import JournalError

        if self.recorded is None or not self.recorded.ended:
            return
        try:
            self.recorded.finish()
        except JournalError as exc:
            self.errorRaised.emit(f"The ending could not be recorded in the journal: {exc}")
