"""Cohorts: every recorded session of a scenario, compared.

A class plays the same scenario; the instructor wants the score distribution,
how often each option was chosen at each decision point, and the endings —
and to open any one session from there.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from game.engine.session import EngineError, Session
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario
from game.sessions import ScenarioUnavailable, SessionService


@dataclass(frozen=True)
class CohortSession:
    """One session in the cohort.

    Attributes:
        id: Session id.
        trainee: Trainee or team.
        created_at: When it started.
        status: ``active`` or ``ended``.
        ending: Ending id.
        ending_title: Ending title.
        score: Final score (None while active).
        hash_matches: Whether it was played on the current scenario content.
        path: (node, option) of each decision, when it replays.
        replayed: Whether the inputs replay on the current scenario.
    """

    id: str
    trainee: str
    created_at: str
    status: str
    ending: str | None
    ending_title: str | None
    score: float | None
    hash_matches: bool
    path: tuple[tuple[str, str], ...] = ()
    replayed: bool = True


@dataclass(frozen=True)
class OptionCount:
    """How often one option was chosen at a decision point."""

    option: str
    label: str
    count: int
    expert: bool = False
    historical: bool = False


@dataclass(frozen=True)
class DecisionPoint:
    """Choice frequencies at one node."""

    node: str
    title: str
    total: int
    options: tuple[OptionCount, ...]


@dataclass
class Cohort:
    """All recorded sessions of one scenario.

    Attributes:
        scenario_id: Scenario id.
        title: Scenario title.
        sessions: The sessions, newest first.
        endings: Ending id → (title, count) over ended sessions, most frequent first.
        decision_points: Choice frequencies, in scenario node order.
        histogram: Score histogram: ten bins (0–10, …, 90–100) of ended sessions.
        notices: Things to know (sessions on older scenario versions...).
    """

    scenario_id: str
    title: str
    sessions: list[CohortSession] = field(default_factory=list)
    endings: list[tuple[str, str, int]] = field(default_factory=list)
    decision_points: list[DecisionPoint] = field(default_factory=list)
    histogram: list[int] = field(default_factory=lambda: [0] * 10)
    notices: list[str] = field(default_factory=list)

    @property
    def scores(self) -> list[float]:
        """Scores of ended sessions."""
        return [s.score for s in self.sessions if s.score is not None]

    @property
    def mean(self) -> float | None:
        """Mean score (None without ended sessions)."""
        return round(statistics.fmean(self.scores), 1) if self.scores else None

    @property
    def median(self) -> float | None:
        """Median score (None without ended sessions)."""
        return round(statistics.median(self.scores), 1) if self.scores else None


def build_cohort(
    records: Sequence[Any],
    inputs: Sequence[Sequence[dict[str, Any]]],
    scenario: CompiledScenario | None,
    played_on: Sequence[CompiledScenario | None] | None = None,
) -> Cohort:
    """Compare sessions of one scenario (pure: the caller reads the journal).

    Args:
        records: The sessions' ``SessionRecord`` objects.
        inputs: Each session's inputs, in the same order.
        scenario: The current scenario (None: no choice frequencies).
        played_on: For each session, the scenario it was played on (None where
            no copy exists); by default every session replays on ``scenario``.

    Returns:
        The cohort.
    """
    first = records[0] if records else None
    cohort = Cohort(
        scenario_id=scenario.id if scenario else str(getattr(first, "scenario_id", "")),
        title=scenario.model.title if scenario else str(getattr(first, "scenario_title", "")),
    )
    versions = list(played_on) if played_on is not None else [scenario] * len(records)
    counts: dict[str, Counter[str]] = {}
    replayers: dict[str, Session] = {}
    stale = broken = 0
    for record, data, version in zip(records, inputs, versions, strict=True):
        path: tuple[tuple[str, str], ...] = ()
        replayed = False
        matches = scenario is not None and record.content_hash == scenario.content_hash
        if version is not None:
            # One reusable batch session per version (restart() is cheap).
            replayer = replayers.setdefault(version.content_hash, Session(version, 0, batch=True))
            try:
                replayer.roles = tuple(record.roles)
                replayer.restart(record.seed)
                for item in data:
                    replayer.apply(item)
                path = tuple(replayer.path)
                replayed = True
            except (EngineError, KeyError):
                broken += 1
        else:
            broken += 1
        if not matches:
            stale += 1
        for step_node, option in path:
            counts.setdefault(step_node, Counter())[option] += 1
        cohort.sessions.append(CohortSession(
            id=record.id, trainee=record.trainee, created_at=record.created_at,
            status=record.status, ending=record.ending_id, ending_title=record.ending_title,
            score=record.score, hash_matches=matches, path=path, replayed=replayed))
        if record.score is not None:
            cohort.histogram[min(9, max(0, int(record.score // 10)))] += 1
    ending_counts = Counter((s.ending, s.ending_title) for s in cohort.sessions if s.ending)
    cohort.endings = [(e, t or e, c) for (e, t), c in
                      sorted(ending_counts.items(), key=lambda kv: (-kv[1], kv[0][0] or ""))]
    if scenario is not None:
        for node_id, node in scenario.nodes.items():
            if node_id not in counts:
                continue
            tally = counts[node_id]
            options = tuple(
                OptionCount(o.id, o.option.label, tally.get(o.id, 0),
                            scenario.expert.get(node_id) == o.id,
                            scenario.historical.get(node_id) == o.id)
                for o in scenario.options[node_id])
            cohort.decision_points.append(
                DecisionPoint(node_id, node.title, sum(tally.values()), options))
    if stale:
        cohort.notices.append(f"{stale} session(s) were played on another version of the "
                              "scenario; their choices are counted as played, on that version, "
                              "where the current version still has the same options.")
    if broken:
        cohort.notices.append(f"{broken} session(s) cannot be replayed (no copy of the version "
                              "they were played on); their scores and endings are counted, "
                              "their choices are not.")
    return cohort


def load_cohort(journal: Journal, scenario_id: str, scenario: CompiledScenario | None) -> Cohort:
    """Read every session of a scenario from the journal and compare them.

    Each session replays on the version it was played on (the journal's
    snapshot, through the recorded-session service).

    Args:
        journal: The journal.
        scenario_id: The scenario id.
        scenario: The current scenario, if loaded.

    Returns:
        The cohort.
    """
    service = SessionService(journal)
    records = journal.sessions(scenario_id=scenario_id)
    played_on: list[CompiledScenario | None] = []
    for record in records:
        try:
            played_on.append(service.recorded_scenario(record, scenario))
        except ScenarioUnavailable:
            played_on.append(None)
    return build_cohort(records, [journal.inputs(r.id) for r in records], scenario, played_on)
