"""Open a recorded session's debrief through the recorded-session service.

A session's truth is the journal's inputs plus the scenario they were played
on, which the journal keeps as a snapshot. :func:`open_debrief` asks the
service (:mod:`game.sessions`) to replay the session on exactly that
scenario, whatever happened to its file since, and builds the debrief. When
the file was edited since, the debrief says "played on version X (edited
since)" and lists what changed. Only when no copy of the scenario exists
(an old journal, a file edited or deleted before snapshots were kept) does
it fall back to what the journal alone holds, and says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from game.engine.events import Event
from game.engine.session import EngineError, Session
from game.records.journal import Journal, SessionRecord
from game.scenario.compile import CompiledScenario
from game.sessions import (
    ScenarioFileError,
    ScenarioUnavailable,
    ScenarioVersion,
    SessionService,
    load_file,
    scenario_changes,
)

from .lessons import decision_roads
from .model import Debrief, OptionSeen, build_debrief, recorded_debrief

#: Kept for callers that load a scenario file for a debrief.
ScenarioLoadError = ScenarioFileError
load_scenario_file = load_file


def replay_with_views(
    scenario: CompiledScenario, seed: int, inputs: Sequence[Mapping[str, Any]],
    roles: Sequence[str] = (),
) -> tuple[Session, list[list[OptionSeen]]]:
    """Replay inputs (detached), noting the options on offer before each choice.

    Raises:
        EngineError: If an input no longer applies to this scenario.
    """
    session = Session(scenario, seed, roles, batch=True)
    seen: list[list[OptionSeen]] = []
    for data in inputs:
        if data.get("type") == "choose":
            seen.append([OptionSeen(o.id, o.label, o.kind) for o in session.options()])
        session.apply(data)
    return session, seen


@dataclass
class OpenedDebrief:
    """A debrief with what it was built from.

    Attributes:
        debrief: The debrief.
        scenario: The scenario the session was replayed on (None: journal only).
        inputs: The session's inputs.
        events: The replayed event log (empty when not replayed).
        record: The journal's session record.
        version: The scenario it was played on and how its file compares now
            (None when the journal alone was read).
    """

    debrief: Debrief
    scenario: CompiledScenario | None
    inputs: list[dict[str, Any]]
    events: list[Event] = field(default_factory=list)
    record: SessionRecord | None = None
    version: ScenarioVersion | None = None

    @property
    def hash_matches(self) -> bool:
        """The session's scenario file still has the content it was played on."""
        return self.version is not None and not self.version.edited and not self.version.missing


def open_debrief(journal: Journal, session_id: str, scenario: CompiledScenario | None = None,
                 *, references: bool = True) -> OpenedDebrief:
    """Build the debrief of a recorded session.

    Args:
        journal: The journal.
        session_id: Session id or unique prefix.
        scenario: A scenario the caller has loaded; used when its content is
            the one the session was played on (saves compiling it again).
        references: Also play the expert and historical paths.

    Returns:
        The debrief and what it was built from. Problems (edited or missing
        scenario, no copy in the journal) are explained in ``debrief.notices``;
        this function only raises for journal errors.
    """
    service = SessionService(journal)
    record = journal.session(session_id)
    try:
        opened = service.open(record.id, scenario=scenario, offered=True)
    except ScenarioUnavailable as exc:
        return _journal_only(journal, record, f"{exc} Only what the journal holds is shown: "
                             "the choices, rationales, timings, ending and score.",
                             exc.version)
    except EngineError as exc:
        return _journal_only(journal, record, f"The recorded inputs no longer replay ({exc}), "
                             "so only what the journal holds is shown: the choices, "
                             "rationales, timings, ending and score.", service.version(record))
    inputs = [r.data for r in opened.input_records]
    seen = [[OptionSeen(o.id, o.label, o.kind) for o in views] for views in opened.offered]
    debrief = build_debrief(opened.scenario, opened.session.events, inputs, record, seen=seen,
                            recorded_at=[r.recorded_at for r in opened.input_records],
                            references=references)
    debrief.roads = decision_roads(opened.scenario, debrief.seed, inputs, debrief.roles)
    version = opened.version
    debrief.played_on = version.describe()
    if version.edited:
        current = service.current_scenario(record)
        if current is not None:
            debrief.scenario_changes = scenario_changes(opened.scenario, current)
        debrief.notices.insert(0, (
            f"This session was {version.describe()}. The debrief replays it on the version "
            "it was played on, which the journal keeps; the comparison below lists what "
            "changed in the file since."))
    elif version.continued_on_edit:
        debrief.notices.insert(0, f"This session was {version.describe()}.")
    return OpenedDebrief(debrief, opened.scenario, inputs, list(opened.session.events),
                         record, version)


def _journal_only(journal: Journal, record: SessionRecord, notice: str,
                  version: ScenarioVersion | None) -> OpenedDebrief:
    input_records = journal.input_records(record.id)
    inputs = [r.data for r in input_records]
    debrief = recorded_debrief(record, inputs, [r.recorded_at for r in input_records], notice)
    if version is not None:
        debrief.played_on = version.describe()
    return OpenedDebrief(debrief, None, inputs, record=record, version=version)
