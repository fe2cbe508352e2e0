"""A seat at a separate desk (or the facilitator's console) as a SessionController.

:class:`SeatController` lets the app's screens (the play, consequences and
end pages, the facilitator console) run on a class session joined with its
code. It keeps their signals and adds the seat's rules, all from
:class:`~game.sessions.ClassSession`:

* ``choose`` confirms this seat's decision, or casts its vote on a team
  vote (the tally is confirmed by whichever desk sees the votes complete);
  a choice another desk confirmed first is reported with ``notice`` as
  "already decided by …", never as an error box;
* the decision clock shows the decision's shared deadline, and on running
  out records the time-out (once, whoever is first);
* other desks' inputs arrive through a :class:`SeatWatcher` thread that
  sleeps on the store's notifications (its own connection), and are applied
  here on the GUI thread;
* a lost server is shown with ``connectionChanged`` and ridden out.

The console's inputs (inject, pause, jump, the clock...) go through the same
class session, so they reach every desk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from .controller import DecisionClock, SessionController

if TYPE_CHECKING:
    from game.engine import TurnResult
    from game.engine.events import DecisionTaken
    from game.records import InputRecord, Journal
    from game.sessions import ClassSession, SeatTurn


class SeatWatcher(QThread):
    """Sleeps on the store's notifications about one session; says when to look again.

    Runs on its own connection (a :class:`Journal` opened in the thread), so
    the GUI thread never blocks on the network while waiting.

    Signals:
        activity(): Another desk recorded something (or the watcher started).
        lost(str): The server cannot be reached (the message says so).
        back(): The server answers again.
    """

    activity = Signal()
    lost = Signal(str)
    back = Signal()

    def __init__(self, store: str, session_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session_id = session_id
        self._running = True

    def stop(self) -> None:
        self._running = False
        self.wait(5000)

    def run(self) -> None:
        from game.records import Journal, JournalError

        journal: Journal | None = None
        down = False
        while self._running:
            try:
                if journal is None:
                    journal = Journal(self.store)
                    journal.prepare_wait()
                    if down:
                        down = False
                        self.back.emit()
                    self.activity.emit()  # look once now that nothing can be missed
                if journal.wait_for_activity(self.session_id, 0.5):
                    self.activity.emit()
            except JournalError as exc:
                if journal is not None:
                    journal.close()
                journal = None
                if not down:
                    down = True
                    self.lost.emit(str(exc))
                for _ in range(10):
                    if not self._running:
                        break
                    self.msleep(100)
        if journal is not None:
            journal.close()


class SeatController(SessionController):
    """The app's controller for a seat (a role) or the console (no role) of a class session.

    Args:
        desk: The joined class session.
        store: The store spec, for the watcher's own connection.
        own_journal: Close this journal with the controller (a store other
            than the app's was joined).
        clock: The decision clock (tests pass one with a fake time source).

    Signals (beyond :class:`SessionController`'s):
        seatChanged(SeatTurn): What this desk sees of the decision changed.
        notice(str): Something to tell this desk in passing ("already
            decided by …", a vote cast).
        connectionChanged(bool): The server went away (False) or came back.
    """

    seatChanged = Signal(object)
    notice = Signal(str)
    connectionChanged = Signal(bool)

    def __init__(self, desk: ClassSession, store: str, *, own_journal: bool = False,
                 clock: DecisionClock | None = None, parent: QObject | None = None,
                 watch: bool = True) -> None:
        super().__init__(desk.journal, clock=clock, parent=parent)
        self.desk = desk
        self.store = store
        self.own_journal = own_journal
        self.connected = True
        self._shown_decision = ""
        self._clock_key: tuple[object, ...] | None = None
        self.recorded = desk.recorded
        self.last_result = desk.recorded.last_result
        self._deadline_timer = QTimer(self)
        self._deadline_timer.setSingleShot(True)
        self._deadline_timer.timeout.connect(self.look)
        self.watcher: SeatWatcher | None = None
        if watch:
            self.watcher = SeatWatcher(store, desk.id, self)
            self.watcher.activity.connect(self.look)
            self.watcher.lost.connect(self._lost)
            self.watcher.back.connect(self._back)

    # -- starting ------------------------------------------------------------------

    def begin(self) -> None:
        """Show the session (as resuming does) and start following the other desks."""
        self._adopt(self.desk.recorded)
        self.seatChanged.emit(self.desk.turn)
        if self.watcher is not None:
            self.watcher.start()

    # -- what this desk is -------------------------------------------------------------

    @property
    def role(self) -> str | None:
        return self.desk.role

    def chose_here(self, decision: DecisionTaken) -> bool:
        # A desk took a decision that was its role's own; a vote was the team's, and the
        # console (no role) takes none.
        return not decision.votes and self.desk.role is not None and (
            decision.role in (None, self.desk.role))

    @property
    def seat_turn(self) -> SeatTurn:
        return self.desk.turn

    @property
    def stage(self) -> str:
        """A seat reads at its own pace; the console follows the class: the decision on the
        table (or the end), whatever its own room view shows."""
        if self.desk.role is None and self.session is not None:
            return "ended" if self.session.ended else "deciding"
        return super().stage

    @property
    def team(self) -> bool:
        """Not hot-seat team play: each role has its own desk (no hand-over cover)."""
        return False

    def viewer_roles(self) -> tuple[str, ...]:
        """A seat sees its role's messages; the console sees everyone's."""
        return (self.desk.role,) if self.desk.role else ()

    def current_role(self) -> str | None:
        return self.desk.role

    def vote_rule(self) -> str | None:
        return self.desk.turn.rule

    def may_decide(self) -> bool:
        """Whether this desk has something to confirm now (its decision or its vote)."""
        return self.connected and self.desk.turn.kind in ("decide", "vote")

    # -- following the other desks ---------------------------------------------------------

    def look(self) -> None:
        """Apply what the other desks recorded; do what falls to any desk (tally, time-out)."""
        from game.engine import EngineError
        from game.records import JournalError, StoreUnavailableError

        if self.recorded is None:
            return
        try:
            news = self.desk.refresh(listen=False)  # the watcher listens
            self._take(news)
            self._after_change()
        except StoreUnavailableError as exc:
            self._lost(str(exc))
        except (JournalError, EngineError) as exc:
            self.errorRaised.emit(f"The class session cannot be followed: {exc}")

    def _take(self, news: list[tuple[InputRecord, TurnResult]]) -> None:
        for record, result in news:
            kind = record.data.get("type")
            if kind == "choose":
                self.last_result = result
                self.clock.stop()
                self.resultReady.emit(result)
                self.stateChanged.emit()
                if result.ended:
                    self.ended.emit(self.session.outcome if self.session else None)
            else:
                self.stateChanged.emit()
                if kind in ("pause", "resume"):
                    self.clock.set_paused(kind == "pause")
                    self.pausedChanged.emit(kind == "pause")
                elif kind == "jump" and self.session is not None and not self.session.ended:
                    self._show_turn()
                self.facilitated.emit(result)

    def _after_change(self) -> None:
        """Auto-steps any desk may take, then show what changed."""
        desk = self.desk
        turn = desk.turn
        if turn.rule is not None and not turn.waiting_for and turn.kind != "paused":
            self._confirmed(desk.confirm_votes(), "tally")
        elif turn.clock is not None and turn.clock.expired(desk.now()) and turn.kind != "paused":
            self._confirmed(desk.time_out(), "time-out")
        self._sync_clock()
        self._sync_time_limit()
        self.votes = {r: v.option for r, v in desk.turn.votes.items()}
        self.votesChanged.emit(dict(self.votes))
        self.seatChanged.emit(desk.turn)
        self._look_at_deadline()

    def _look_at_deadline(self) -> None:
        """Look again just after the shared deadline (this desk's clock may run early)."""
        clock = self.desk.turn.clock
        self._deadline_timer.stop()
        if clock is None or clock.deadline is None or self.desk.turn.kind in ("paused", "ended"):
            return
        left = clock.remaining(self.desk.now()) or 0.0
        self._deadline_timer.start(int(max(0.0, left) * 1000) + 150)

    def _confirmed(self, result: TurnResult | None, what: str) -> None:
        if result is None:
            # Another desk was first: its input is news on the next look.
            self.look_soon()
            return
        self.last_result = result
        self.clock.stop()
        self.resultReady.emit(result)
        self.stateChanged.emit()
        if result.ended:
            self.ended.emit(self.session.outcome if self.session else None)
        self.desk.refresh(listen=False)

    def look_soon(self) -> None:
        QTimer.singleShot(0, self.look)

    def _sync_clock(self) -> None:
        """Run the on-screen countdown to the decision's shared deadline."""
        desk = self.desk
        clock = desk.turn.clock
        key = (desk.turn.decision, None if clock is None else clock.deadline,
               None if clock is None else clock.paused_left)
        if key == self._clock_key or self.stage != "deciding":
            return
        self._clock_key = key
        if clock is None or clock.deadline is None:
            self.clock.start(None, 0.0)
            return
        limit = clock.deadline - clock.opened_at
        left = clock.remaining(desk.now()) or 0.0
        self.clock.start(limit, max(0.0, limit - left))

    def _sync_time_limit(self) -> None:
        """The facilitator's every-decision limit, as the journal's notes say (all desks)."""
        limit: int | None = None
        for data in reversed(self.desk.session.inputs):
            if data.get("type") == "note" and data.get("every") and "time_limit" in data:
                limit = int(data.get("time_limit") or 0)
                break
        self.default_time_limit = limit

    def _restart_clock(self, spent: float, limit: int | None = None) -> None:
        self._clock_key = None
        self._sync_clock()

    def _lost(self, message: str) -> None:
        if self.connected:
            self.connected = False
            self.connectionChanged.emit(False)
            self.notice.emit("The connection to the class server is lost; Hotline keeps "
                             "trying. Nothing you confirmed is lost.")

    def _back(self) -> None:
        self.connected = True
        self.connectionChanged.emit(True)
        self.notice.emit("Reconnected to the class server.")
        self.look()

    # -- acting ------------------------------------------------------------------------

    def choose(self, option_id: str, rationale: str = "", *, seconds: float | None = None,
               timed_out: bool = False, votes: dict[str, str] | None = None
               ) -> TurnResult | None:
        """Confirm this seat's decision or cast its vote (see the module docstring)."""
        from game.engine import EngineError
        from game.records import AlreadyDecidedError, JournalError, StoreUnavailableError
        from game.records.seating import AlreadyVotedError
        from game.sessions import NotYourTurnError

        desk = self.desk
        if timed_out:
            self._time_out()
            return None
        try:
            if desk.turn.kind == "vote":
                result = desk.vote(option_id, rationale)
                if result is None:
                    self.look()
                    return None
            else:
                result = desk.decide(option_id, rationale)
        except AlreadyDecidedError as exc:
            self.notice.emit(f"Already decided by {exc.decided_by or 'another desk'}; your "
                             "choice was not recorded.")
            self.look()
            return None
        except (NotYourTurnError, AlreadyVotedError, EngineError) as exc:
            self.notice.emit(f"Not recorded: {exc}.")
            self.look()
            return None
        except StoreUnavailableError as exc:
            self._lost(str(exc))
            return None
        except JournalError as exc:
            self.errorRaised.emit(f"Your choice could not be saved, so it was not applied: {exc}")
            self.look()
            return None
        self.last_result = result
        self.clock.stop()
        self.resultReady.emit(result)
        self.stateChanged.emit()
        if result.ended:
            self.ended.emit(self.session.outcome if self.session else None)
        self.look()
        return result

    def _time_out(self) -> None:
        """The on-screen clock ran out: look, and record the time-out if it is really due."""
        self.look()

    def set_paused(self, paused: bool) -> None:
        """Only the console pauses a class (for every desk)."""
        if self.desk.role is not None:
            self.notice.emit("Only the facilitator can pause a class session.")
            return
        if self.facilitate({"type": "pause" if paused else "resume"}) is None:
            return

    def _input(self, data: dict[str, Any], errors: Any = None) -> TurnResult | None:
        """The console's inputs, through the class session (the pause stops every clock)."""
        from game.engine import EngineError
        from game.records import JournalError

        errors = errors if errors is not None else self.errorRaised
        try:
            result = self.desk.facilitate(data)
        except EngineError as exc:
            errors.emit(str(exc))
            return None
        except JournalError as exc:
            errors.emit(f"Your action could not be saved, so it was not applied: {exc}")
            return None
        self.stateChanged.emit()
        self.look_soon()
        return result

    def set_decision_time(self, seconds: int | None, *, every: bool = False) -> bool:
        """The console: give the decision on the table ``seconds`` from now, on every desk."""
        from game.engine import EngineError
        from game.records import JournalError

        if self.session is None or self.session.ended:
            return False
        try:
            result = self.desk.set_decision_time(seconds, every=every)
        except (EngineError, JournalError) as exc:
            self.facilitatorError.emit(str(exc))
            return False
        self.facilitated.emit(result)
        self.look()
        return True

    def close(self) -> None:
        self._deadline_timer.stop()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        super().close()
        if self.own_journal:
            self.desk.journal.close()


def open_class_journal(store: str | None, app_journal: Journal) -> tuple[Journal, bool]:
    """The journal a join uses: the app's when it names the same store, else a new one.

    Returns:
        ``(journal, owned)``: ``owned`` when the caller must close it.
    """
    from game.records import Journal, parse_store

    if not store or not store.strip():
        return app_journal, False
    location = parse_store(store)
    if location.target == app_journal.location.target or \
            location.display == app_journal.location.display and store == location.display:
        return app_journal, False
    return Journal(store), True
