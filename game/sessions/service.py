"""The recorded-session service: one protocol for every session that is journaled.

Every front end (the Qt controller, the terminal commands, the Studio's
playtest, the timeline, the debrief and the cohort view) records and reopens
sessions through :class:`SessionService`, so there is one way to do it:

create
    :meth:`SessionService.create` keeps the scenario's canonical text in the
    journal (once per content hash), opens the session record and returns a
    :class:`RecordedSession`.
input
    :meth:`RecordedSession.apply` validates the input, commits it to the
    journal, and only then applies it to the engine; when the input ends the
    session, the ending and score are recorded too.
reopen
    :meth:`SessionService.open` rebuilds a session by replaying its inputs.
detach
    :meth:`RecordedSession.close` lets go of the engine's flow machine; it is
    the only code that detaches sessions.

The policy for a scenario that changed after a session was recorded
---------------------------------------------------------------------
A session always replays on the scenario it was played on: the journal's
snapshot with the recorded content hash (or a file or loaded scenario with
exactly that content). :class:`ScenarioVersion` says how the file compares now
("played on version 3 (edited since)"), and :func:`compare` lists what
changed. Replaying on the current, edited file is explicit
(``on="current"``); a session continued that way is marked in its ``meta``
(``played_on``) and replays on that content from then on.

Thread safety: :meth:`SessionService.open` builds a detached session (it walks
the flow machine's table), so it may run on a worker thread; call
:meth:`RecordedSession.attach` on the thread that plays it live.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self

from game.engine import EngineError, OptionView, Outcome, Session, TurnResult
from game.records.backend import Tx
from game.records.journal import InputRecord, Journal, JournalError, SessionRecord
from game.scenario import CompiledScenario

from . import snapshots
from .snapshots import ScenarioFileError, SnapshotError, canonical_text

__all__ = [
    "EndingNotRecorded",
    "RecordedSession",
    "ScenarioUnavailable",
    "ScenarioVersion",
    "SessionService",
]

#: Which scenario a reopened session replays on.
On = Literal["recorded", "current"]

#: ``meta`` key naming the content a session was continued on (``on="current"``).
PLAYED_ON = "played_on"


class ScenarioUnavailable(JournalError):
    """The scenario a session was played on cannot be found or compiled.

    Attributes:
        version: What is known about the recorded and current scenario.
    """

    def __init__(self, message: str, version: ScenarioVersion) -> None:
        super().__init__(message)
        self.version = version


class EndingNotRecorded(JournalError):
    """The input was saved and applied, but the ending could not be recorded.

    Attributes:
        result: The input's result (the session has ended in the engine).
    """

    def __init__(self, message: str, result: TurnResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class ScenarioVersion:
    """The scenario a session was played on, and how its file compares now.

    Attributes:
        content_hash: The content the session replays on.
        version: That content's version string.
        title: The scenario's title.
        path: The file the session was played from (as recorded).
        snapshot: Whether the journal holds that content's text.
        current_hash: The content hash of the file now (None: missing or unreadable).
        current_version: The file's version string now.
        file_problem: Why the file cannot be read, if it cannot.
        recorded_hash: The content the session was created on (differs from
            ``content_hash`` when it was continued on an edited file).
    """

    content_hash: str
    version: str
    title: str
    path: str | None
    snapshot: bool
    current_hash: str | None = None
    current_version: str | None = None
    file_problem: str = ""
    recorded_hash: str = ""

    @property
    def edited(self) -> bool:
        """The file exists and has other content now."""
        return self.current_hash is not None and self.current_hash != self.content_hash

    @property
    def missing(self) -> bool:
        """The file cannot be read now."""
        return self.current_hash is None

    @property
    def continued_on_edit(self) -> bool:
        """The session was continued on a file edited after it started."""
        return bool(self.recorded_hash) and self.recorded_hash != self.content_hash

    def describe(self) -> str:
        """``played on version 3 (edited since; the file is now version 4)``."""
        text = f"played on version {self.version}"
        if self.edited:
            now = (f"the file is now version {self.current_version}"
                   if self.current_version and self.current_version != self.version
                   else "same version number, other content")
            text += f" (edited since; {now})"
        elif self.missing and self.path:
            text += " (its file is gone or unreadable)"
        if self.continued_on_edit:
            text += f"; continued on content {self.content_hash} after an edit"
        return text


@dataclass
class RecordedSession:
    """A journaled session and its engine state.

    Attributes:
        service: The service it came from.
        record: The journal's record (as when it was opened or created).
        scenario: The scenario it replays on.
        session: The engine session (detached unless :meth:`attach` was called).
        version: The scenario it was played on, and the file now.
        last_result: When reopened, the result of the last choice (its
            consequences can be shown again); None for a new session.
        input_records: The journal's inputs with their commit times.
        offered: When opened with ``offered=True``, the options on offer
            before each choice.
    """

    service: SessionService
    record: SessionRecord
    scenario: CompiledScenario
    session: Session
    version: ScenarioVersion
    last_result: TurnResult | None = None
    input_records: list[InputRecord] = field(default_factory=list)
    offered: list[list[OptionView]] = field(default_factory=list)
    #: Opened on other content than it was played on: noted in the journal
    #: with the first input recorded on it (a look is not a continuation).
    _continues_on: str | None = None

    # -- reading ----------------------------------------------------------

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def journal(self) -> Journal:
        return self.service.journal

    @property
    def ended(self) -> bool:
        return self.session.ended

    @property
    def outcome(self) -> Outcome | None:
        return self.session.outcome

    @property
    def inputs(self) -> list[dict[str, Any]]:
        """Every input applied so far, in order."""
        return self.session.inputs

    # -- playing ------------------------------------------------------------

    def validate(self, data: Mapping[str, Any]) -> None:
        """Raise :class:`~game.engine.EngineError` if ``data`` cannot be applied now."""
        self.session.validate_input(data)

    def apply(self, data: Mapping[str, Any], *, decision: str | None = None,
              then: Callable[[Tx, str], None] | None = None) -> TurnResult:
        """Validate, journal (committed), then apply one input; record the ending.

        The input is journaled only right after the inputs this session has
        applied: if another writer (a seat at another desk, the facilitator's
        console) recorded one meanwhile, nothing is recorded and
        :class:`~game.records.SessionMovedOnError` says so; :meth:`catch_up`
        and decide again.

        Args:
            data: The input.
            decision: The decision key it confirms (seats: the database keeps
                one input per key, see :meth:`Journal.append_input`).
            then: More statements for the same journal transaction.

        Raises:
            EngineError: The engine refuses the input (nothing was recorded).
            JournalError: It could not be saved (so it was not applied);
                :class:`~game.records.AlreadyDecidedError` and
                :class:`~game.records.SessionMovedOnError` among them.
            EndingNotRecorded: It was saved and applied and ended the session,
                but the ending could not be recorded (``exc.result`` has it).
        """
        self.session.validate_input(data)
        if self._continues_on is not None:
            self.service.keep_snapshot(self.scenario)
            self.journal.update_meta(self.id, {PLAYED_ON: self._continues_on})
            self._continues_on = None
        self.journal.append_input(self.id, dict(data), decision=decision,
                                  after=len(self.session.inputs), then=then)
        result = self.session.apply(data)
        if result.ended:
            try:
                self.finish()
            except JournalError as exc:
                raise EndingNotRecorded(
                    f"the ending could not be recorded in the journal: {exc}", result) from exc
        return result

    def catch_up(self) -> list[tuple[InputRecord, TurnResult]]:
        """Apply the inputs other writers journaled since this session's last one.

        For seats and consoles on other machines: the journal's order is the
        session's order, and every input in it was validated on the state it
        follows, so it applies here too.

        Returns:
            Each new input record with its result, in order.

        Raises:
            EngineError: A journaled input does not apply (the journal and this
                copy disagree: reopen the session).
        """
        records = self.journal.input_records(self.id, after=len(self.session.inputs))
        done: list[tuple[InputRecord, TurnResult]] = []
        for record in records:
            if record.seq != len(self.session.inputs) + 1:
                break  # read between two commits of another writer: the rest next time
            try:
                result = self.session.apply(record.data)
            except (EngineError, KeyError) as exc:
                raise EngineError(
                    f"input {record.seq} of session {self.id} does not apply to this copy of "
                    f"the session ({str(exc).strip(chr(39))}); join the session again") from None
            done.append((record, result))
        return done

    def finish(self) -> None:
        """Record the ending and score of an ended session (idempotent)."""
        outcome = self.session.outcome
        if outcome is None:
            raise EngineError("the session has not ended")
        self.journal.finish(self.id, ending_id=outcome.ending_id, ending_title=outcome.title,
                            score=outcome.score)

    # -- the flow machine ---------------------------------------------------

    def attach(self) -> Self:
        """Play live: attach the session to the flow machine (on the playing thread)."""
        self.session.attach()
        return self

    def close(self) -> None:
        """Let go of the flow machine (the journal stays open). Safe to repeat."""
        self.session.detach()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class SessionService:
    """Creates, records and reopens sessions in one journal.

    Args:
        journal: The session store.
    """

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    # -- creating -----------------------------------------------------------

    def create(
        self,
        scenario: CompiledScenario,
        *,
        seed: int | None = None,
        roles: Sequence[str] = (),
        trainee: str = "",
        mode: str = "trainee",
        scenario_path: str | None = None,
        meta: dict[str, Any] | None = None,
        attach: bool = True,
    ) -> RecordedSession:
        """Record a new session (its scenario's snapshot first) and start it.

        Args:
            scenario: The compiled scenario.
            seed: The seed (a fresh random one if None).
            roles: Roles at the table (empty: every role).
            trainee: Trainee or team name.
            mode: ``trainee``, ``facilitator``, ``headless``, ``playtest``…
            scenario_path: The file it came from (default: its ``source_path``).
            meta: Initial free-form meta.
            attach: Play live on this thread (attached to the flow machine).

        Raises:
            JournalError: The journal refused (the message says why).
        """
        if seed is None:
            seed = secrets.randbelow(2**31)
        self.keep_snapshot(scenario)
        model = scenario.model
        path = scenario_path if scenario_path is not None else scenario.source_path
        session_id = self.journal.create_session(
            scenario_id=model.id, scenario_version=model.version,
            content_hash=scenario.content_hash, scenario_title=model.title,
            scenario_path=path, seed=seed, roles=list(roles), trainee=trainee, mode=mode,
            meta=meta,
        )
        record = self.journal.session(session_id)
        session = Session(scenario, seed, roles, batch=not attach)
        version = ScenarioVersion(scenario.content_hash, model.version, model.title, path,
                                  True, scenario.content_hash, model.version,
                                  recorded_hash=scenario.content_hash)
        return RecordedSession(self, record, scenario, session, version)

    def keep_snapshot(self, scenario: CompiledScenario) -> bool:
        """Keep a scenario's canonical text in the journal (True if new)."""
        model = scenario.model
        stored = self.journal.put_scenario(scenario.content_hash, canonical_text(scenario),
                                           scenario_id=model.id, version=model.version,
                                           title=model.title)
        snapshots.remember(scenario)
        return stored

    # -- reopening ------------------------------------------------------------

    def open(
        self,
        session_id: str,
        *,
        on: On = "recorded",
        scenario: CompiledScenario | None = None,
        offered: bool = False,
        attach: bool = False,
    ) -> RecordedSession:
        """Rebuild a recorded session by replaying its inputs.

        Args:
            session_id: A session id or unique prefix.
            on: ``recorded`` (the default): replay on the content the session
                was played on, from the journal's snapshot, a matching
                ``scenario``, or its file if that still matches.
                ``current``: replay on ``scenario`` (or the current file)
                even if it changed; a session continued that way is marked
                and replays on the new content from then on.
            scenario: A scenario the caller has loaded (used when its content
                matches, or always with ``on="current"``).
            offered: Also note the options on offer before each choice.
            attach: Attach the session to the flow machine (live play, on
                this thread). Leave False on a worker thread.

        Raises:
            JournalError: The session is unknown (SessionNotFoundError…).
            ScenarioUnavailable: The scenario cannot be found or compiled.
            EngineError: A recorded input no longer applies (only possible
                with ``on="current"``, or with a snapshot written by an
                older Hotline that reads differently).
        """
        record = self.journal.session(session_id)
        chosen, version = self._scenario_for(record, on, scenario)
        records = self.journal.input_records(record.id)
        session = Session(chosen, record.seed, record.roles, batch=True)
        seen: list[list[OptionView]] = []
        inputs = [r.data for r in records]
        last = max((i for i, d in enumerate(inputs) if d.get("type") == "choose"), default=-1)
        last_result: TurnResult | None = None
        for index, data in enumerate(inputs):
            if offered and data.get("type") == "choose":
                seen.append(session.options())
            try:
                result = session.apply(data)
            except (EngineError, KeyError) as exc:
                raise EngineError(
                    f"recorded input {index + 1} of {len(inputs)} no longer applies to "
                    f"the scenario it is replayed on: {str(exc).strip(chr(39))}") from None
            if index == last:
                last_result = result
        opened = RecordedSession(self, record, chosen, session, version, last_result, records,
                                 seen)
        if chosen.content_hash != self._played_on(record):
            opened._continues_on = chosen.content_hash
        if attach:
            opened.attach()
        return opened

    def version(self, session_id: str | SessionRecord) -> ScenarioVersion:
        """How the scenario a session was played on compares with its file now."""
        record = (session_id if isinstance(session_id, SessionRecord)
                  else self.journal.session(session_id))
        return self._version(record, self._played_on(record))

    def recorded_scenario(self, record: SessionRecord,
                          scenario: CompiledScenario | None = None) -> CompiledScenario:
        """The scenario a session replays on (see :meth:`open`, ``on="recorded"``).

        Raises:
            ScenarioUnavailable: Neither the journal nor a file has it.
        """
        return self._scenario_for(record, "recorded", scenario)[0]

    def current_scenario(self, record: SessionRecord) -> CompiledScenario | None:
        """The scenario in the session's file now (None if missing or broken)."""
        if not record.scenario_path:
            return None
        try:
            return snapshots.load_file(record.scenario_path)
        except ScenarioFileError:
            return None

    # -- the migration's data step -------------------------------------------

    def fill_snapshots(self) -> int:
        """Keep snapshots for recorded sessions whose file still has their content.

        Stores written before snapshots existed hold none; this reads each
        session's file once and keeps its text when the content hash still
        matches. Sessions whose file changed or is gone stay without one
        (they replay only on a file with their exact content).

        Returns:
            How many snapshots were stored.
        """
        stored = 0
        for content_hash, path in self.journal.missing_snapshots():
            if not path:
                continue
            try:
                scenario = snapshots.load_file(path)
            except ScenarioFileError:
                continue
            if scenario.content_hash == content_hash and self._try_keep_snapshot(scenario):
                stored += 1
        return stored

    def _try_keep_snapshot(self, scenario: CompiledScenario) -> bool:
        """Keep a snapshot if the journal can take it (a read-only one cannot)."""
        try:
            return self.keep_snapshot(scenario)
        except JournalError:
            return False

    # -- internals ------------------------------------------------------------

    @staticmethod
    def _played_on(record: SessionRecord) -> str:
        played_on = record.meta.get(PLAYED_ON)
        return played_on if isinstance(played_on, str) and played_on else record.content_hash

    def _version(self, record: SessionRecord, content_hash: str,
                 current: CompiledScenario | None = None,
                 problem: str = "") -> ScenarioVersion:
        text = self.journal.scenario_text(content_hash)
        version = record.scenario_version
        if content_hash != record.content_hash:  # continued on an edited file
            version = str(json.loads(text).get("version", "?")) if text is not None else "?"
        if current is None and not problem and record.scenario_path:
            try:
                current = snapshots.load_file(record.scenario_path)
            except ScenarioFileError as exc:
                problem = str(exc)
        return ScenarioVersion(
            content_hash=content_hash, version=version, title=record.scenario_title,
            path=record.scenario_path, snapshot=text is not None,
            current_hash=current.content_hash if current is not None else None,
            current_version=current.model.version if current is not None else None,
            file_problem=problem if current is None else "",
            recorded_hash=record.content_hash,
        )

    def _scenario_for(self, record: SessionRecord, on: On,
                      given: CompiledScenario | None) -> tuple[CompiledScenario, ScenarioVersion]:
        wanted = self._played_on(record)
        current = given
        problem = ""
        if current is None and record.scenario_path:
            try:
                current = snapshots.load_file(record.scenario_path)
            except ScenarioFileError as exc:
                problem = str(exc)
        if on == "current":
            if current is None:
                version = self._version(record, wanted, None, problem)
                raise ScenarioUnavailable(
                    f"session {record.id}: there is no current scenario file to replay it on"
                    + (f" ({problem})" if problem else ""), version)
            version = self._version(record, current.content_hash, current)
            return current, version
        version = self._version(record, wanted, current, problem)
        if current is not None and current.content_hash == wanted:
            if not version.snapshot and self._try_keep_snapshot(current):
                version = self._version(record, wanted, current)
            return current, version
        text = self.journal.scenario_text(wanted)
        if text is not None:
            try:
                return snapshots.scenario_from_text(text, record.scenario_path), version
            except SnapshotError as exc:
                raise ScenarioUnavailable(f"session {record.id}: {exc}", version) from exc
        where = (f"its file {record.scenario_path} " + ("has other content now"
                 if current is not None else f"cannot be read ({problem})")
                 if record.scenario_path else "the journal does not say which file it was")
        raise ScenarioUnavailable(
            f"session {record.id} was {version.describe()} of “{record.scenario_title}” "
            f"(content {wanted}); the journal holds no copy of that scenario and {where}. "
            "Put the original file back, or replay it on the current file explicitly.",
            version)
