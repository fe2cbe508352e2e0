"""The class view: every trainee of one scenario side by side.

A trainee-by-objective grid of HSEEP ratings (P/S/M/U; an evaluator's rating
counts over the rules'), the score distribution, each decision's choice shares
with the expert's and the historical choice marked, and the rationales side by
side. Sessions a policy, a script or an author's playtest played are left out
unless asked for (:func:`game.sessions.browse.player_kind`).

Each session replays on the scenario version it was played on (the journal's
snapshot, through the recorded-session service); one reusable batch session per
version keeps 500 sessions well under a second. :func:`load_class` reads any
store the :class:`~game.records.journal.Journal` opens (SQLite or PostgreSQL).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from game.engine.session import EngineError, Session
from game.records.journal import Journal, SessionRecord
from game.scenario.compile import CompiledScenario
from game.sessions import ScenarioUnavailable, SessionService
from game.sessions.browse import is_archived, local_day, player_kind

from .aar import AAR, AAR_KEY
from .model import RATING_CODES

#: Score bins of the distribution: 0–9.9, 10–19.9, … 90–100.
BINS = 10


@dataclass(frozen=True)
class ClassSession:
    """One trainee's session in the class.

    Attributes:
        id: Session id.
        trainee: Trainee or team name.
        created_at: When it started (journal time).
        status: ``active`` or ``ended``.
        player: Who played it (``human``, ``policy``, ``scripted``, ``playtest``).
        score: Final score (None while running).
        ending_title: The ending reached.
        ratings: Objective id → effective rating (the evaluator's if given).
        rated_by_evaluator: Objective ids an evaluator rated.
        choices: Node id → option id chosen there.
        rationales: Node id → the trainee's rationale there.
        replayed: Whether the session replayed (False: no copy of its scenario).
    """

    id: str
    trainee: str
    created_at: str
    status: str
    player: str
    score: float | None
    ending_title: str
    ratings: dict[str, str | None] = field(default_factory=dict)
    rated_by_evaluator: frozenset[str] = frozenset()
    choices: dict[str, str] = field(default_factory=dict)
    rationales: dict[str, str] = field(default_factory=dict)
    replayed: bool = True


@dataclass(frozen=True)
class ChoiceShare:
    """One option at a decision point: how many chose it, and whose choice it is."""

    option: str
    label: str
    count: int
    share: float
    expert: bool = False
    historical: bool = False


@dataclass(frozen=True)
class DecisionShares:
    """Choice shares at one decision point, with the rationales given there."""

    node: str
    title: str
    total: int
    options: tuple[ChoiceShare, ...]
    rationales: tuple[tuple[str, str, str, str], ...] = ()
    """(session id, trainee, option label, rationale) of everyone who decided here."""


@dataclass
class ClassView:
    """A class of one scenario.

    Attributes:
        scenario_id: Scenario id.
        title: Scenario title.
        objectives: (id, text, capability name) in the scenario's order.
        sessions: The sessions counted, newest first.
        decisions: Choice shares per decision point, in scenario order.
        histogram: Ended sessions per score bin (``BINS`` bins of 10 points).
        left_out: Why sessions were not counted → how many.
        notices: Things to know (no copy of a version…).
    """

    scenario_id: str
    title: str
    objectives: list[tuple[str, str, str]] = field(default_factory=list)
    sessions: list[ClassSession] = field(default_factory=list)
    decisions: list[DecisionShares] = field(default_factory=list)
    histogram: list[int] = field(default_factory=lambda: [0] * BINS)
    left_out: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    @property
    def scores(self) -> list[float]:
        return [s.score for s in self.sessions if s.score is not None]

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None

    def rating_counts(self, objective: str) -> dict[str, int]:
        """How many sessions got each rating on one objective."""
        counts = Counter(s.ratings.get(objective) for s in self.sessions)
        return {code: counts.get(code, 0) for code in RATING_CODES}


def score_ticks(counts: Sequence[int], most: int = 8) -> tuple[int, int]:
    """A count axis that reads right: ``(top, step)`` with whole-number ticks.

    The step is 1, 2 or 5 times a power of ten, at most ``most`` steps reach
    the top, and the top is a multiple of the step at or above the largest count.
    """
    peak = max(counts, default=0)
    if peak <= 0:
        return 1, 1
    step = 1
    for magnitude in (1, 10, 100, 1000, 10_000, 100_000):
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(peak / step) <= most:
                return step * math.ceil(peak / step), step
    return step * math.ceil(peak / step), step


def bin_labels() -> list[str]:
    """``0–9``, ``10–19``, … ``90–100``: what each bar counts."""
    return [f"{10 * i}–{10 * i + 9}" if i < BINS - 1 else "90–100" for i in range(BINS)]


def _bin(score: float) -> int:
    return min(BINS - 1, max(0, int(score // 10)))


def _evaluator_ratings(record: SessionRecord) -> dict[str, str]:
    aar = AAR.from_json(record.meta.get(AAR_KEY))
    return {k: v.rating for k, v in aar.ratings.items() if v.rating is not None}


def select(records: Iterable[SessionRecord], scenario_id: str, *, since: date | None = None,
           trainees: Sequence[str] = (), policies: bool = False,
           archived: bool = False) -> tuple[list[SessionRecord], dict[str, int]]:
    """The sessions of a class, and why the others of the scenario were left out.

    Args:
        records: Sessions (newest first).
        scenario_id: The scenario.
        since: Only sessions started that day or later (local time).
        trainees: Only these trainees (names, any case); empty: everyone.
        policies: Count sessions played by a policy, a script or a playtest too.
        archived: Count archived sessions too.
    """
    wanted = {t.strip().casefold() for t in trainees if t.strip()}
    kept: list[SessionRecord] = []
    left: Counter[str] = Counter()
    for record in records:
        if record.scenario_id != scenario_id:
            continue
        kind = player_kind(record)
        day = local_day(record.created_at)
        if not policies and kind != "human":
            left[f"played by {'a policy' if kind == 'policy' else 'a ' + kind}"] += 1
        elif not archived and is_archived(record):
            left["archived"] += 1
        elif since is not None and (day is None or day < since):
            left[f"before {since}"] += 1
        elif wanted and record.trainee.strip().casefold() not in wanted:
            left["other trainees"] += 1
        else:
            kept.append(record)
    return kept, dict(left)


def build_class(records: Sequence[SessionRecord], inputs: Sequence[Sequence[dict[str, Any]]],
                scenario: CompiledScenario | None,
                played_on: Sequence[CompiledScenario | None],
                left_out: dict[str, int] | None = None) -> ClassView:
    """Put a class together (pure: the caller reads the journal).

    Args:
        records: The sessions counted.
        inputs: Each session's inputs.
        scenario: The scenario's current version (for titles, expert and
            historical choices); None: the newest version played.
        played_on: The version each session replays on (None: no copy).
        left_out: Why other sessions were not counted.
    """
    reference = scenario or next((v for v in played_on if v is not None), None)
    first = records[0] if records else None
    view = ClassView(
        scenario_id=reference.id if reference else str(getattr(first, "scenario_id", "")),
        title=reference.model.title if reference else str(getattr(first, "scenario_title", "")),
        left_out=dict(left_out or {}))
    if reference is not None:
        names = {c.id: c.name for c in reference.model.capabilities}
        view.objectives = [(o.id, o.text, names.get(o.capability or "", ""))
                           for o in reference.model.objectives]
    replayers: dict[str, Session] = {}
    broken = 0
    counts: dict[str, Counter[str]] = {}
    said: dict[str, list[tuple[str, str, str, str]]] = {}
    for record, data, version in zip(records, inputs, played_on, strict=True):
        ratings: dict[str, str | None] = {}
        choices: dict[str, str] = {}
        rationales: dict[str, str] = {}
        replayed = False
        if version is not None:
            replayer = replayers.get(version.content_hash)
            if replayer is None:
                replayer = replayers[version.content_hash] = Session(version, 0, batch=True,
                                                                     record=False)
            try:
                replayer.roles = tuple(record.roles)
                replayer.restart(record.seed)
                for item in data:
                    if item.get("type") == "choose":
                        node = replayer.node
                        choices[node] = str(item.get("option"))
                        if item.get("rationale"):
                            rationales[node] = str(item["rationale"])
                    replayer.apply(item)
                if replayer.outcome is not None:
                    ratings = dict(replayer.outcome.ratings)
                replayed = True
            except (EngineError, KeyError):
                broken += 1
        else:
            broken += 1
        by_evaluator = _evaluator_ratings(record)
        ratings.update(by_evaluator)
        session = ClassSession(
            id=record.id, trainee=record.trainee, created_at=record.created_at,
            status=record.status, player=player_kind(record), score=record.score,
            ending_title=record.ending_title or "", ratings=ratings,
            rated_by_evaluator=frozenset(by_evaluator), choices=choices,
            rationales=rationales, replayed=replayed)
        view.sessions.append(session)
        if record.score is not None:
            view.histogram[_bin(record.score)] += 1
        for node, option in choices.items():
            counts.setdefault(node, Counter())[option] += 1
            said.setdefault(node, []).append((record.id, record.trainee, option,
                                              rationales.get(node, "")))
    if reference is not None:
        for node_id, spec in reference.nodes.items():
            if node_id not in counts:
                continue
            tally = counts[node_id]
            total = sum(tally.values())
            labels = {o.id: o.option.label for o in reference.options[node_id]}
            options = tuple(
                ChoiceShare(o.id, o.option.label, tally.get(o.id, 0),
                            tally.get(o.id, 0) / total if total else 0.0,
                            reference.expert.get(node_id) == o.id,
                            reference.historical.get(node_id) == o.id)
                for o in reference.options[node_id])
            others = [k for k in tally if k not in labels]  # options of other versions
            options += tuple(ChoiceShare(k, k, tally[k], tally[k] / total) for k in others)
            rationales_here = tuple((sid, who, labels.get(opt, opt), why)
                                    for sid, who, opt, why in said[node_id])
            view.decisions.append(DecisionShares(node_id, spec.title, total, options,
                                                 rationales_here))
    if broken:
        view.notices.append(f"{broken} session(s) cannot be replayed (no copy of the version "
                            "they were played on): their scores count, their choices and the "
                            "rules' ratings do not.")
    return view


def load_class(journal: Journal, scenario_id: str, scenario: CompiledScenario | None = None, *,
               since: date | None = None, trainees: Sequence[str] = (),
               policies: bool = False, archived: bool = False,
               progress: Callable[[int, int], None] | None = None,
               listing: Sequence[SessionRecord] | None = None) -> ClassView:
    """Read a class from the journal and put it together.

    Args:
        journal: The store (SQLite or PostgreSQL).
        scenario_id: The scenario id.
        scenario: Its current version, if loaded.
        since: Only sessions started that day or later.
        trainees: Only these trainees.
        policies: Count policy-played (and scripted, playtest) sessions too.
        archived: Count archived sessions too.
        progress: ``progress(done, total)`` while sessions are read.
        listing: The store's sessions, if the caller has just read them (saves a read).
    """
    records, left = select(listing if listing is not None else
                           journal.sessions(scenario_id=scenario_id), scenario_id,
                           since=since, trainees=trainees, policies=policies,
                           archived=archived)
    service = SessionService(journal)
    versions: dict[str, CompiledScenario | None] = {}
    played_on: list[CompiledScenario | None] = []
    for record in records:
        if record.content_hash not in versions:
            try:
                versions[record.content_hash] = service.recorded_scenario(record, scenario)
            except ScenarioUnavailable:
                versions[record.content_hash] = None
        played_on.append(versions[record.content_hash])
    every = journal.inputs_of([r.id for r in records])  # one query, not one per session
    if progress is not None:
        progress(len(records), len(records))
    return build_class(records, [every.get(r.id, []) for r in records], scenario, played_on,
                       left)
