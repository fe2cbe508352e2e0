"""Shared helpers of the debrief tests: the tiny scenario's path, the golden inputs, recording."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game.engine.session import Session
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario
from game.scenario.loader import load_scenario_text

HERE = Path(__file__).parent
TINY = HERE / "tiny.yaml"
SEED = 3

#: The recorded session of the golden test: a call that rings, a facilitator
#: note, a declined back-channel with a hostile rationale, allies at the end.
INPUTS: list[dict[str, Any]] = [
    {"type": "choose", "option": "call", "rationale": "Ring them first.", "seconds": 12.5},
    {"type": "note", "text": "Trainee hesitated over the press line."},
    {"type": "choose", "option": "back", "rationale": "<script>alert('why')</script> & more",
     "seconds": 31.0},
    {"type": "choose", "option": "allies", "seconds": 8.0, "timed_out": True},
]


def hostile_scenario(tmp_path: Path) -> Path:
    """A copy of tiny.yaml with markup in its title, an inject and an ending text."""
    text = TINY.read_text(encoding="utf-8")
    text = text.replace("title: Tiny test crisis",
                        "title: \"Tiny <script>alert('title')</script> crisis\"")
    text = text.replace("text: It is big.", "text: \"<script>alert('inject')</script> big\"")
    text = text.replace("text: Lines are open.", "text: \"<img src=x onerror=alert(1)>\"")
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    load_scenario_text(text, str(path))  # fail early if the edit broke the file
    return path


def record(journal: Journal, scenario: CompiledScenario, inputs: Sequence[dict[str, Any]],
           seed: int = SEED, trainee: str = "Trainee A", path: str | None = None,
           finish: bool = True, snapshot: bool = True) -> str:
    """Journal a session like the app does: create, append each input, finish.

    With ``snapshot`` (the default) the session goes through the recorded-session
    service, which keeps the scenario's snapshot in the journal. Without it the
    session is written the way journals were before snapshots existed.
    """
    if snapshot:
        from game.sessions import SessionService

        recorded = SessionService(journal).create(
            scenario, seed=seed, trainee=trainee,
            scenario_path=path or scenario.source_path or str(TINY), attach=False)
        for data in inputs:
            if finish or not recorded.ended:
                journal.append_input(recorded.id, dict(data))
                recorded.session.apply(data)
        if finish and recorded.outcome is not None:
            recorded.finish()
        return recorded.id
    sid = journal.create_session(
        scenario_id=scenario.id, scenario_version=scenario.model.version,
        content_hash=scenario.content_hash, scenario_title=scenario.model.title,
        scenario_path=path or scenario.source_path or str(TINY), seed=seed, roles=[],
        trainee=trainee)
    session = Session(scenario, seed, batch=True)
    for data in inputs:
        journal.append_input(sid, dict(data))
        session.apply(data)
    if finish and session.outcome is not None:
        journal.finish(sid, ending_id=session.outcome.ending_id,
                       ending_title=session.outcome.title, score=session.outcome.score)
    return sid
