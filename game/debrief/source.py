"""Open a recorded session's debrief: find the scenario, replay, fall back.

A session's truth is the journal's inputs plus the scenario they were played
on. :func:`open_debrief` loads the scenario (given, or from the path the
journal remembers), checks its content hash against the session's, replays
the inputs and builds the debrief. When the scenario has changed it says so;
when it is missing or no longer replays (an option was renamed, say), it
falls back to what the journal alone holds and explains why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.engine.session import EngineError, Session
from game.scenario.compile import CompiledScenario

from .model import Debrief, OptionSeen, build_debrief, recorded_debrief

#: Scenarios loaded from files, by (path, modification time, size): opening
#: several debriefs of one scenario parses the file once.
_LOADED: dict[tuple[str, int, int], CompiledScenario] = {}


class ScenarioLoadError(Exception):
    """The scenario file could not be loaded (missing or invalid)."""


def load_scenario_file(path: str | Path) -> CompiledScenario:
    """Load and compile a scenario file.

    Args:
        path: The scenario file.

    Returns:
        The compiled scenario.

    Raises:
        ScenarioLoadError: If the file is missing or invalid; the message
            gives the loader's first error with its line.
    """
    from game.scenario.diagnostics import ScenarioLoadError as LoaderError
    from game.scenario.loader import load_scenario

    file = Path(path)
    if not file.is_file():
        raise ScenarioLoadError(f"the scenario file {file} is not there any more")
    stat = file.stat()
    key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _LOADED.get(key)
    if cached is not None:
        return cached
    try:
        compiled = load_scenario(file)
    except LoaderError as exc:
        errors = exc.errors or exc.diagnostics
        first = errors[0].format() if errors else "unknown error"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ScenarioLoadError(f"the scenario file {file} has errors: {first}{more}") from exc
    if len(_LOADED) >= 16:
        _LOADED.pop(next(iter(_LOADED)))
    _LOADED[key] = compiled
    return compiled


def replay_with_views(
    scenario: CompiledScenario, seed: int, inputs: Sequence[Mapping[str, Any]],
    roles: Sequence[str] = (),
) -> tuple[Session, list[list[OptionSeen]]]:
    """Replay inputs, noting the options on offer before each choice.

    Args:
        scenario: The compiled scenario.
        seed: The session's seed.
        inputs: The recorded inputs.
        roles: The session's roles.

    Returns:
        The replayed (batch) session and, per decision, the options seen.

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
        scenario: The scenario used for the replay (None: journal only).
        inputs: The session's inputs.
        events: The replayed event log (empty when not replayed).
        record: The journal's session record.
        hash_matches: Whether the scenario's hash equals the session's.
    """

    debrief: Debrief
    scenario: CompiledScenario | None
    inputs: list[dict[str, Any]]
    events: list[dict[str, Any]] = field(default_factory=list)
    record: Any = None
    hash_matches: bool = True


def open_debrief(journal: Any, session_id: str, scenario: CompiledScenario | None = None,
                 *, references: bool = True) -> OpenedDebrief:
    """Build the debrief of a recorded session.

    Args:
        journal: A :class:`game.records.journal.Journal`.
        session_id: Session id or unique prefix.
        scenario: The scenario, if the caller has it loaded; otherwise it is
            loaded from the path the journal recorded.
        references: Also play the expert and historical paths.

    Returns:
        The debrief and what it was built from. Problems (changed scenario,
        missing file, inputs that no longer replay) are explained in
        ``debrief.notices``; this function only raises for journal errors.
    """
    record = journal.session(session_id)
    input_records = journal.input_records(record.id)
    inputs = [r.data for r in input_records]
    times = [r.recorded_at for r in input_records]
    notices: list[str] = []
    if scenario is None:
        if not record.scenario_path:
            return OpenedDebrief(recorded_debrief(
                record, inputs, times,
                "The journal does not say where the scenario file is, so only the recorded "
                "choices, rationales, ending and score can be shown."), None, inputs,
                record=record, hash_matches=False)
        try:
            scenario = load_scenario_file(record.scenario_path)
        except ScenarioLoadError as exc:
            return OpenedDebrief(recorded_debrief(
                record, inputs, times,
                f"Only the recorded debrief can be shown: {exc}."), None, inputs,
                record=record, hash_matches=False)
    matches = scenario.content_hash == record.content_hash
    if not matches:
        notices.append(
            f"The scenario has changed since this session was played (played on version "
            f"{record.scenario_version}, content {record.content_hash}; the file is now "
            f"version {scenario.model.version}, content {scenario.content_hash}). The debrief "
            "below is rebuilt by replaying the recorded choices on the current file; texts, "
            "effects and chances may differ from what the trainee saw.")
    try:
        session, seen = replay_with_views(scenario, record.seed, inputs, record.roles)
    except (EngineError, KeyError) as exc:
        why = str(exc).strip("'\"")
        return OpenedDebrief(recorded_debrief(
            record, inputs, times,
            " ".join(notices + [
                f"The recorded inputs no longer replay on the current scenario ({why}), so only "
                "what the journal holds is shown: the choices, rationales, timings, ending and "
                "score."])), scenario, inputs, record=record, hash_matches=matches)
    debrief = build_debrief(scenario, session.events, inputs, record, seen=seen,
                            recorded_at=times, references=references)
    debrief.notices[:0] = notices
    return OpenedDebrief(debrief, scenario, inputs, session.events, record, matches)
