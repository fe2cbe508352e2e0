"""The debrief model: the whole story of one session, as plain data.

:func:`build_debrief` is a pure function of the scenario, the engine's event
log and the journal's inputs (plus, optionally, the session record and what
the trainee saw at each decision). Everything a debrief screen, report or
export shows comes from the :class:`Debrief` it returns, so every view tells
the same story.

When the scenario is unavailable (or no longer replays), use
:func:`recorded_debrief` to build the reduced debrief the journal alone can
support: the choices, rationales, timings and the recorded ending and score.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from game.engine.describe import Describer
from game.engine.events import (
    CallResolved,
    ChannelChanged,
    CounterpartSignal,
    DecisionTaken,
    EndingReached,
    Event,
    FacilitatorAction,
    FlagChanged,
    InjectShown,
    LateAnswer,
    LeadershipDecided,
    MeterChanged,
    NodeEntered,
    OutcomeDrawn,
    PressureRead,
    PriceChanged,
    ScoreGiven,
    SessionStarted,
)
from game.engine.events import Cause as EngineCause
from game.engine.scoring import RATING_LABELS
from game.engine.session import Session
from game.scenario.compile import CompiledScenario
from game.scenario.models import Option
from game.vocabulary import CHANNEL_STATUSES

from .policies import get_policy, play_out, policy_rng

if TYPE_CHECKING:
    from .lessons import DecisionRoads

#: Words for a channel status, as an instructor reads them (the vocabulary's ``words``).
STATUS_WORDS: dict[str, str] = {s.id: s.words for s in CHANNEL_STATUSES.values()}
#: The debrief's describer without a scenario (cause words need none).
_DEBRIEF_WORDS = Describer(None, "debrief")

RATING_CODES: tuple[str, ...] = ("P", "S", "M", "U")


@dataclass(frozen=True)
class Cause:
    """Why something changed: a decision, an outcome, the counterpart, a rule.

    Attributes:
        type: ``option``, ``outcome``, ``counterpart``, ``answer`` or ``facilitator``.
        ref: The option, outcome, channel or facilitator action id.
        text: The cause in words.
        rule: The scenario rule (effect source text) that applied, if any.
        doctrine: The scenario's doctrine note for the decision behind it.
    """

    type: str
    ref: str
    text: str
    rule: str = ""
    doctrine: str = ""

    def describe(self) -> str:
        """The cause and its rule: ``decision: Shoot it down [escalation += 30]``."""
        return _DEBRIEF_WORDS.cause(EngineCause(self.type, self.ref, self.text, self.rule or None))


@dataclass(frozen=True)
class MeterChange:
    """One change of one meter, with its cause."""

    turn: int
    meter: str
    label: str
    before: float
    after: float
    delta: float
    cause: Cause
    hidden: bool = False


@dataclass(frozen=True)
class FlagChange:
    """A flag set or cleared."""

    turn: int
    flag: str
    value: bool
    cause: Cause


@dataclass(frozen=True)
class ChannelChange:
    """A channel's status changing."""

    turn: int
    channel: str
    label: str
    before: str
    after: str
    cause: Cause


@dataclass(frozen=True)
class InjectItem:
    """A message that arrived during a turn."""

    sender: str
    kind: str
    text: str
    channel: str | None = None
    facilitator: bool = False


@dataclass(frozen=True)
class CallItem:
    """A call placed (or answered late) and what the counterpart did."""

    channel: str
    label: str
    result: str
    reason: str
    acceptance: float | None = None
    delay: int = 0
    late: bool = False
    requested_turn: int | None = None
    factors: tuple[tuple[str, float], ...] = ()
    level: str | None = None
    gate: str = ""


#: Words for a leadership level.
LEVEL_WORDS: dict[str, str] = {"political": "Political", "military": "Military",
                               "working": "Working level"}
#: Words for a price's status.
PRICE_WORDS: dict[str, str] = {"none": "not raised", "demanded": "demanded",
                               "deferred": "deferred", "paid": "paid", "refused": "refused"}


@dataclass(frozen=True)
class LeadershipChange:
    """A decision of the counterpart's leadership (a ``leadership`` event).

    Attributes:
        turn: The turn it was taken in.
        event: The scenario's event id.
        text: What was decided, in words.
        levels: ``(level, before, after)`` with ``authorised`` / ``withheld``.
    """

    turn: int
    event: str
    text: str
    levels: tuple[tuple[str, str, str], ...]

    def describe(self) -> str:
        """``Military: withheld → authorised. <text>``"""
        moves = "; ".join(f"{LEVEL_WORDS.get(lv, lv)}: " + (f"stays {a}" if a == b else
                                                             f"{b} → {a}")
                          for lv, b, a in self.levels)
        return f"{moves}. {self.text}"


@dataclass(frozen=True)
class PriceChange:
    """A price raised or answered (a ``price`` event)."""

    turn: int
    price: str
    demand: str
    before: str
    after: str
    cause: str

    def describe(self) -> str:
        """``Lift the sanctions…: demanded → paid (decision: …)``"""
        why = f" ({self.cause})" if self.cause else ""
        return (f"{self.demand}: {PRICE_WORDS.get(self.before, self.before)} → "
                f"{PRICE_WORDS.get(self.after, self.after)}{why}")


@dataclass(frozen=True)
class LevelTrack:
    """One leadership level over the session (``statuses[0]`` at the start).

    ``whys`` holds, for the same points, why the level stood as it did.
    """

    level: str
    label: str
    statuses: tuple[str, ...]
    whys: tuple[str, ...]
    pressure: int = 0

    @property
    def final(self) -> str:
        """The status at the end."""
        return self.statuses[-1]


@dataclass(frozen=True)
class PriceTrack:
    """One of the counterpart's prices over the session."""

    id: str
    demand: str
    status: str
    history: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class DecisionItem:
    """The trainee's choice at a decision point."""

    node: str
    option: str
    label: str
    kind: str
    channel: str | None
    channel_label: str | None
    severity: str
    severity_weight: int
    rationale: str | None
    role: str | None
    seconds: float | None
    timed_out: bool
    recorded_at: str | None = None
    doctrine: str = ""
    description: str = ""
    votes: tuple[tuple[str, str], ...] = ()
    vote_rule: str | None = None


@dataclass(frozen=True)
class FacilitatorItem:
    """A facilitator action or note (or a trainee's own pause).

    Attributes:
        action: The input's type (``adjust``, ``note``, ``pause``…).
        text: What was done, in words, with the reason given.
        label: The action's name in words (``Meter``, ``Note``, ``Pause``).
        by: Who made it: ``facilitator``, ``trainee`` ('' when not recorded).
    """

    action: str
    text: str
    label: str = ""
    by: str = ""

    @property
    def who(self) -> str:
        """``Trainees`` or ``Facilitator`` (as the describer credits them)."""
        return "Trainees" if self.by == "trainee" else "Facilitator"

    def line(self) -> str:
        """``Facilitator · Meter: Standing −5 — why`` (no colon when there is no text)."""
        head = f"{self.who} · {self.label or self.action.replace('_', ' ')}"
        return f"{head}: {self.text}" if self.text else head


@dataclass(frozen=True)
class OptionSeen:
    """An option the trainee could pick at a decision."""

    id: str
    label: str
    kind: str
    chosen: bool = False


@dataclass
class Turn:
    """One turn of the session: from entering a node to the decision's effects.

    Attributes:
        index: 0-based turn number (``turn`` in the event log).
        clock: Scenario clock (ISO date-time) of the node.
        node: Node id where the decision was taken.
        title: Node title.
        brief: The node's brief, as the trainee read it.
        prompt: The decision prompt.
        injects: Messages that arrived this turn.
        decision: The choice (None for a turn that ended without one).
        calls: Calls placed this turn and late answers that arrived.
        answer: The counterpart's answer or silence, in one line.
        outcomes: Outcome texts drawn this turn.
        channel_changes: Channel status changes.
        meter_changes: Meter changes, each with its cause.
        flag_changes: Flags set or cleared.
        facilitator: Facilitator actions and notes.
        signals: What refusals or silence said.
        leadership: Decisions of the counterpart's leadership this turn.
        prices: Prices raised or answered this turn.
        meters: Every meter's value at the end of the turn.
        channels: Every channel's status at the end of the turn.
        options_seen: What the trainee could choose from (when known).
    """

    index: int
    clock: str
    node: str
    title: str
    brief: str = ""
    prompt: str = ""
    injects: list[InjectItem] = field(default_factory=list)
    decision: DecisionItem | None = None
    calls: list[CallItem] = field(default_factory=list)
    answer: str = ""
    outcomes: list[str] = field(default_factory=list)
    channel_changes: list[ChannelChange] = field(default_factory=list)
    meter_changes: list[MeterChange] = field(default_factory=list)
    flag_changes: list[FlagChange] = field(default_factory=list)
    facilitator: list[FacilitatorItem] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    leadership: list[LeadershipChange] = field(default_factory=list)
    prices: list[PriceChange] = field(default_factory=list)
    meters: dict[str, float] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    options_seen: list[OptionSeen] = field(default_factory=list)


@dataclass(frozen=True)
class Band:
    """A named range of a meter (a group of rungs on the escalation ladder)."""

    lower: float
    upto: float
    label: str
    note: str = ""


@dataclass(frozen=True)
class MeterSeries:
    """A meter over the session.

    ``values[0]`` is the value at the start, ``values[i + 1]`` the value at the
    end of turn ``i``.
    """

    id: str
    label: str
    hidden: bool
    higher_is: str
    min: float
    max: float
    values: tuple[float, ...]
    bands: tuple[Band, ...] = ()
    description: str = ""

    @property
    def initial(self) -> float:
        """The value at the start."""
        return self.values[0]

    @property
    def final(self) -> float:
        """The value at the end."""
        return self.values[-1]

    @property
    def peak(self) -> float:
        """The highest value reached."""
        return max(self.values)

    def band_of(self, value: float) -> Band | None:
        """The band a value falls in, if the meter has bands."""
        for band in self.bands:
            if value <= band.upto:
                return band
        return self.bands[-1] if self.bands else None


@dataclass(frozen=True)
class ChannelTrack:
    """A channel's status over the session (``statuses[0]`` at the start)."""

    id: str
    label: str
    level: str
    statuses: tuple[str, ...]


@dataclass(frozen=True)
class ContactMark:
    """When real contact with the counterpart was first made on some road.

    Attributes:
        label: Whose road (``This session``, ``Expert path``, ``Historical path``).
        turn: 0-based turn of the first answered non-public call (None: never);
            for the real-world reference, the session turn at that scenario time.
        clock: Scenario clock at that turn.
        elapsed_hours: Scenario hours from the start to that contact.
        channel: Channel label of the first contact (or the scenario's words).
        real: The reference is what really happened (from the scenario's
            ``historical.first_contact``), not a replayed path.
    """

    label: str
    turn: int | None
    clock: str | None = None
    elapsed_hours: float | None = None
    channel: str | None = None
    real: bool = False

    def describe(self) -> str:
        """Plain words, e.g. ``turn 3 (2 days after the start) on Defense link``."""
        if self.real and self.elapsed_hours is not None:
            text = f"{describe_hours(self.elapsed_hours)} after the start"
            return text + (f", {self.channel}" if self.channel else "")
        if self.real:
            return "not given by the scenario"
        if self.turn is None:
            return "no contact"
        text = f"turn {self.turn + 1}"
        if self.elapsed_hours is not None:
            text += (" (at the start)" if self.elapsed_hours < 1 / 60 else
                     f" ({describe_hours(self.elapsed_hours)} after the start)")
        if self.channel:
            text += f" on the {self.channel}"
        return text


@dataclass(frozen=True)
class ContactLevels:
    """First contact on one road, at the two levels the debrief compares.

    Attributes:
        label: ``This session``, ``Expert path``, ``Historical path`` or
            ``What really happened``.
        any: The first contact at any level (any channel but the press).
        senior: The first senior military contact.
        real: What really happened (from the scenario), not a played road.
    """

    label: str
    any: ContactMark
    senior: ContactMark
    real: bool = False


@dataclass(frozen=True)
class ScoreLine:
    """One part of the score with the changes that drove it."""

    key: str
    label: str
    points: float
    max: float
    detail: str
    drivers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """The trainee's choice next to the expert's and the real actors'."""

    turn: int
    node: str
    node_title: str
    clock: str
    trainee: str
    trainee_label: str
    expert: str | None = None
    expert_label: str | None = None
    expert_reason: str | None = None
    historical: str | None = None
    historical_label: str | None = None
    historical_reason: str | None = None
    doctrine: str = ""

    @property
    def matches_expert(self) -> bool:
        """Whether the trainee chose what the expert would."""
        return self.expert is not None and self.expert == self.trainee

    @property
    def matches_historical(self) -> bool:
        """Whether the trainee chose what the real actors did."""
        return self.historical is not None and self.historical == self.trainee


@dataclass(frozen=True)
class PathRun:
    """Where a reference path leads when played with the session's seed."""

    name: str
    ending: str
    ending_title: str
    tone: str
    score: float
    peak_escalation: float
    contact: ContactMark
    steps: tuple[tuple[str, str], ...]
    outcome: str = ""
    historical_ending: str | None = None
    senior: ContactMark | None = None


@dataclass(frozen=True)
class ObjectiveRating:
    """A learning objective with its rating by the scenario's rules.

    Attributes:
        id: Objective id.
        text: The objective.
        rating: ``P``/``S``/``M``/``U`` from the rules (None: no rules).
        rules: The rule text for each level (``performed``, ``some``, ``major``).
        override: The instructor's rating, if adjusted (see :mod:`game.debrief.aar`).
        comment: The instructor's comment.
        reason: Why the rules gave that rating, in words.
    """

    id: str
    text: str
    rating: str | None
    rules: tuple[tuple[str, str], ...] = ()
    override: str | None = None
    comment: str = ""
    reason: str = ""

    @property
    def effective(self) -> str | None:
        """The rating that counts: the instructor's if set, else the rules'."""
        return self.override or self.rating

    @property
    def label(self) -> str:
        """The effective rating in words."""
        code = self.effective
        return RATING_LABELS.get(code, "Not rated") if code else "Not rated"


@dataclass
class Debrief:
    """Everything the debrief shows about one session.

    Attributes:
        scenario_id: Scenario id.
        scenario_title: Scenario title.
        version: Scenario version.
        content_hash: Content hash of the scenario the session was played on.
        session_id: Journal session id ("" when built from a bare event log).
        seed: The session's seed.
        trainee: Trainee or team label.
        roles: Roles taking part.
        summary: The scenario summary.
        period: The scenario period.
        counterpart: The counterpart's name.
        turns: The timeline.
        meters: Each meter over the turns.
        channels: Each channel's status over the turns.
        leadership: The counterpart's leadership per level over the turns
            (empty when the scenario gives it no leadership model).
        prices: The counterpart's prices and what became of them.
        escalation_meter: Id of the meter scored as escalation.
        contact: First real contact in this session.
        references: First contact on the expert and historical paths.
        ending: Ending id (None while the session is still running).
        ending_title: Ending title.
        ending_tone: ``good``, ``mixed`` or ``bad``.
        ending_text: The ending's text.
        score: Total score (None while running).
        severity_total: Sum of the decisions' severity weights.
        score_lines: The score breakdown, each part with its drivers.
        meter_changes: Every meter change with its cause, in order.
        comparison: Trainee vs expert vs history at each decision.
        expert_run: Where the expert path leads with this seed.
        historical_run: Where the historical path leads with this seed.
        objectives: Objective ratings.
        notices: Things the reader must know (scenario changed, not replayable...).
        replayed: Whether the debrief was rebuilt by replay (False: journal only).
        status: The session's status (``active``/``ended``).
        created_at: When the session started (journal time, UTC).
        played_on: Which version of the scenario the session was played on, and
            whether the file was edited since ("played on version 2 (edited since…)").
        scenario_changes: What changed in the scenario file since the session
            was played, one sentence each (empty when it has not changed).
        ended_at: When the session ended (journal time, UTC; "" while running).
        mode: How the session was played (``trainee``, ``facilitator``, ``headless``…).
        capabilities: Capability id → name, as the scenario lists them (HSEEP).
        objective_capability: Objective id → the capability id it exercises.
        roads: For each decision, the trainee's choice and the expert's played on
            by the expert (:func:`game.debrief.lessons.decision_roads`; set when
            a recorded session is opened with its scenario).
        contact_levels: First contact at two levels (any; senior military) for
            this session, the expert and historical paths and reality: one
            definition for every road.
    """

    scenario_id: str
    scenario_title: str
    version: str
    content_hash: str
    session_id: str = ""
    seed: int = 0
    trainee: str = ""
    roles: tuple[str, ...] = ()
    summary: str = ""
    period: str = ""
    counterpart: str = ""
    turns: list[Turn] = field(default_factory=list)
    meters: list[MeterSeries] = field(default_factory=list)
    channels: list[ChannelTrack] = field(default_factory=list)
    leadership: list[LevelTrack] = field(default_factory=list)
    prices: list[PriceTrack] = field(default_factory=list)
    escalation_meter: str = "escalation"
    contact: ContactMark = ContactMark("This session", None)
    references: list[ContactMark] = field(default_factory=list)
    ending: str | None = None
    ending_title: str | None = None
    ending_tone: str = "mixed"
    ending_text: str = ""
    score: float | None = None
    severity_total: int = 0
    score_lines: list[ScoreLine] = field(default_factory=list)
    meter_changes: list[MeterChange] = field(default_factory=list)
    comparison: list[Comparison] = field(default_factory=list)
    expert_run: PathRun | None = None
    historical_run: PathRun | None = None
    objectives: list[ObjectiveRating] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    replayed: bool = True
    status: str = "ended"
    created_at: str = ""
    played_on: str = ""
    scenario_changes: list[str] = field(default_factory=list)
    ended_at: str = ""
    mode: str = ""
    capabilities: dict[str, str] = field(default_factory=dict)
    objective_capability: dict[str, str] = field(default_factory=dict)
    roads: list[DecisionRoads] = field(default_factory=list)
    contact_levels: list[ContactLevels] = field(default_factory=list)

    @property
    def decisions(self) -> list[DecisionItem]:
        """The trainee's decisions in order."""
        return [t.decision for t in self.turns if t.decision is not None]

    def meter(self, meter_id: str) -> MeterSeries | None:
        """The series of one meter, if present."""
        return next((m for m in self.meters if m.id == meter_id), None)

    @property
    def escalation(self) -> MeterSeries | None:
        """The escalation meter's series."""
        return self.meter(self.escalation_meter)

    def capability_name(self, objective_id: str) -> str:
        """The name of the capability an objective exercises ('' when it names none)."""
        return self.capabilities.get(self.objective_capability.get(objective_id, ""), "")

    def to_dict(self) -> dict[str, Any]:
        """The debrief as JSON-able data (see :mod:`game.debrief.export_json`)."""
        data: dict[str, Any] = dataclasses.asdict(self)
        return data


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def parse_clock(text: str | None) -> datetime | None:
    """Parse a scenario clock, or None when it is missing or malformed."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def hours_between(start: str | None, end: str | None) -> float | None:
    """Scenario hours between two clocks (None if either is unreadable)."""
    a, b = parse_clock(start), parse_clock(end)
    if a is None or b is None:
        return None
    return (b - a).total_seconds() / 3600.0


def describe_hours(hours: float) -> str:
    """Plain words for a span of scenario time: ``35 min``, ``6 h``, ``2.5 days``."""
    if hours < 1:
        return f"{max(hours * 60, 0):.0f} min"
    if hours < 48:
        return f"{hours:.0f} h" if hours >= 10 else f"{hours:.1f} h".replace(".0 h", " h")
    days = hours / 24
    return f"{days:.0f} days" if days >= 10 else f"{days:.1f} days".replace(".0 days", " days")


def format_clock(text: str | None) -> str:
    """A scenario clock for display: ``4 Feb 2023 14:39``."""
    moment = parse_clock(text)
    if moment is None:
        return text or ""
    return f"{moment.day} {moment:%b %Y %H:%M}"


def _option(scenario: CompiledScenario | None, node: str, option: str) -> Option | None:
    if scenario is None or node not in scenario.options:
        return None
    for compiled in scenario.options[node]:
        if compiled.id == option:
            return compiled.option
    return None


def senior_military(spec: Any) -> bool:
    """Whether an answer on this channel is senior military contact.

    A military-level channel that needs the counterpart's leadership to allow
    military contact (the defense chiefs, the Chairman, theater commanders):
    the scenario's ``authority`` where it says (tactical radio and working
    staff do not count), else every military-level channel.
    """
    if getattr(spec, "level", None) != "military":
        return False
    return getattr(spec, "authority_level", "military") == "military"


def _first_contact(events: Iterable[Event], scenario: CompiledScenario | None,
                   label: str, *, senior: bool = False) -> ContactMark:
    """First contact on a road: the first answered call on any channel but the press
    (``senior``: on a senior military channel, :func:`senior_military`)."""
    start_clock: str | None = None
    for event in events:
        if start_clock is None and isinstance(event, NodeEntered):
            start_clock = event.clock
        if not isinstance(event, ChannelChanged) or event.after != "answered":
            continue
        spec = scenario.channels.get(event.channel) if scenario is not None else None
        if spec is not None and spec.level == "public":
            continue
        if senior and not senior_military(spec):
            continue
        name = spec.label if spec is not None else event.channel
        return ContactMark(label, event.turn, event.clock,
                           hours_between(start_clock, event.clock), name)
    return ContactMark(label, None)


def run_path(scenario: CompiledScenario, seed: int, policy: str, name: str,
             roles: Sequence[str] = ()) -> PathRun:
    """Play a reference path (expert or historical) with a seed and summarise it.

    Where the path names no option for a node (or its option is not available),
    the analysis package's prudent choice is taken.

    Args:
        scenario: The compiled scenario.
        seed: The seed (the session's, so the comparison is like for like).
        policy: ``expert`` or ``historical``.
        name: ``Expert path`` or ``Historical path``.
        roles: Roles, as in the session.

    Returns:
        The run's ending, score, peak escalation and first contact.
    """
    session = Session(scenario, seed, roles, batch=True)
    play_out(session, get_policy(policy), policy_rng(seed))
    outcome = session.outcome
    esc = scenario.model.scoring.escalation_meter
    historical = scenario.model.historical
    return PathRun(
        name=name,
        ending=outcome.ending_id if outcome else "",
        ending_title=outcome.title if outcome else "(did not end)",
        tone=outcome.tone if outcome else "mixed",
        score=outcome.score if outcome else 0.0,
        peak_escalation=session.peaks.get(esc, 0.0),
        contact=_first_contact(session.events, scenario, name),
        senior=_first_contact(session.events, scenario, name, senior=True),
        steps=tuple(session.path),
        outcome=historical.outcome if historical is not None and name.startswith("Hist") else "",
        historical_ending=(historical.ending if historical is not None
                           and name.startswith("Hist") else None),
    )


def _answer_line(words: Describer, calls: Sequence[CallItem]) -> str:
    return "; ".join(words.call_answer(c.channel, c.result, delay=c.delay, late=c.late,
                                       requested_turn=c.requested_turn) + _because(c)
                     for c in calls)


def _because(call: CallItem) -> str:
    """A refusal's reason, when a decision or a rule (not the dice) explains it."""
    if call.result in ("declined", "unanswered") and call.reason and call.gate in (
            "withheld", "standing", "precondition", "suspended"):
        return f" — {call.reason}"
    return ""


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------


def build_debrief(
    scenario: CompiledScenario | None,
    events: Sequence[Event],
    inputs: Sequence[Mapping[str, Any]] = (),
    record: Any = None,
    *,
    seen: Sequence[Sequence[OptionSeen]] | None = None,
    recorded_at: Sequence[str] | None = None,
    references: bool = True,
) -> Debrief:
    """Build the debrief of a session from its event log.

    Args:
        scenario: The compiled scenario the events came from (None: texts that
            only the scenario holds — briefs, doctrine, expert path — are left out).
        events: The engine's event log (``Session.events``, typed events).
        inputs: The journal's inputs, in order (used for commit times and notes).
        record: The journal's ``SessionRecord`` (id, trainee, roles, meta), if any.
        seen: For each decision, the options the trainee could choose from.
        recorded_at: Commit time of each input (``InputRecord.recorded_at``).
        references: Also play the expert and historical paths with the
            session's seed (for the contact comparison and path summaries).

    Returns:
        The debrief.
    """
    debrief = _header(scenario, events, record)
    timeline = _Timeline(scenario, debrief, _choose_times(inputs, recorded_at), seen)
    for event in events:
        timeline.add(event)
    timeline.finish()
    debrief.contact = _first_contact(events, scenario, "This session")
    _score(debrief, timeline.score_event, scenario)
    if scenario is not None:
        debrief.comparison = _compare(debrief, scenario)
        if references:
            _reference_runs(debrief, scenario)
    real = _real_contact(scenario.model if scenario is not None else None, debrief)
    if real is not None:
        debrief.references.append(real)
    if record is not None:
        _check_record(debrief, record)
    _desk(debrief, scenario, record)
    _contact_levels(debrief, events, scenario)
    return debrief


def _contact_levels(debrief: Debrief, events: Sequence[Event],
                    scenario: CompiledScenario | None) -> None:
    """First contact at both levels on every road, with one definition (``_first_contact``)."""
    if not debrief.replayed:
        return
    levels = [ContactLevels("This session", _first_contact(events, scenario, "This session"),
                            _first_contact(events, scenario, "This session", senior=True))]
    for run in (debrief.expert_run, debrief.historical_run):
        if run is not None:
            levels.append(ContactLevels(run.name, run.contact,
                                        run.senior or ContactMark(run.name, None)))
    model = scenario.model if scenario is not None else None
    real_any = _real_contact(model, debrief)
    real_senior = _real_contact(model, debrief, "first_military_contact")
    if real_any is not None or real_senior is not None:
        nothing = ContactMark("What really happened", None, real=True)
        levels.append(ContactLevels("What really happened", real_any or nothing,
                                    real_senior or nothing, real=True))
    debrief.contact_levels = levels


def _desk(debrief: Debrief, scenario: CompiledScenario | None, record: Any) -> None:
    """What the instructor's desk reads: the session's end and mode, the capabilities."""
    debrief.ended_at = str(getattr(record, "ended_at", "") or "")
    debrief.mode = str(getattr(record, "mode", "") or "")
    if scenario is not None:
        model = scenario.model
        debrief.capabilities = {c.id: c.name for c in model.capabilities}
        debrief.objective_capability = {o.id: o.capability for o in model.objectives
                                        if o.capability}


def _header(scenario: CompiledScenario | None, events: Sequence[Event],
            record: Any) -> Debrief:
    """The debrief's identity: scenario, session, seed, roles (events first, then record)."""
    started = next((e for e in events if isinstance(e, SessionStarted)), None)
    model = scenario.model if scenario is not None else None
    return Debrief(
        scenario_id=model.id if model else (started.scenario if started else ""),
        scenario_title=model.title if model else str(getattr(record, "scenario_title", "")),
        version=started.version if started else (model.version if model else ""),
        content_hash=started.content_hash if started else "",
        session_id=str(getattr(record, "id", "")),
        seed=started.seed if started else int(getattr(record, "seed", 0)),
        trainee=str(getattr(record, "trainee", "")),
        roles=tuple(started.roles) if started else tuple(getattr(record, "roles", ())),
        summary=model.summary if model else "",
        period=model.period if model else "",
        counterpart=model.counterpart.name if model else "",
        escalation_meter=model.scoring.escalation_meter if model else "escalation",
        status=str(getattr(record, "status", "ended")),
        created_at=str(getattr(record, "created_at", "")),
    )


def _choose_times(inputs: Sequence[Mapping[str, Any]],
                  recorded_at: Sequence[str] | None) -> list[str | None]:
    """When each choice was committed to the journal, in order."""
    if recorded_at is None:
        return []
    return [at for data, at in zip(inputs, recorded_at, strict=False)
            if data.get("type") == "choose"]


@dataclass
class _MeterDef:
    label: str
    hidden: bool
    higher_is: str
    min: float
    max: float
    bands: tuple[Band, ...]
    description: str


class _Timeline:
    """Reads the event log once, turn by turn (one method per event kind)."""

    def __init__(self, scenario: CompiledScenario | None, debrief: Debrief,
                 choose_times: list[str | None],
                 seen: Sequence[Sequence[OptionSeen]] | None) -> None:
        self.scenario = scenario
        self.debrief = debrief
        self.words = Describer(scenario, "debrief")
        self.choose_times = choose_times
        self.seen = seen
        self.turns: dict[int, Turn] = {}
        self.decisions = 0
        self.score_event: ScoreGiven | None = None
        self.meter_defs: dict[str, _MeterDef] = {}
        self.channel_defs: dict[str, tuple[str, str]] = {}
        self.values: dict[str, float] = {}
        self.statuses: dict[str, str] = {}
        self._definitions()
        self.series: dict[str, list[float]] = {k: [v] for k, v in self.values.items()}
        self.strips: dict[str, list[str]] = {k: [v] for k, v in self.statuses.items()}
        # The counterpart's leadership: level -> (status, why), its values after each
        # turn, prices and pressure (all read from the events; see game.engine.leadership).
        model = scenario.model if scenario is not None else None
        self.authority: dict[str, tuple[str, str]] = _initial_authority(model)
        self.authority_start = dict(self.authority)
        self.authority_at: dict[int, dict[str, tuple[str, str]]] = {}
        self.price_state: dict[str, tuple[str, str]] = {}
        self.price_history: dict[str, list[tuple[int, str]]] = {}
        self.pressure: dict[str, int] = {}
        self.uses_leadership = model is not None and _uses_leadership(model)
        self._by_kind: dict[type[Event], Any] = {
            NodeEntered: self._node, InjectShown: self._inject, DecisionTaken: self._decision,
            MeterChanged: self._meter, FlagChanged: self._flag, ChannelChanged: self._channel,
            CallResolved: self._call, LateAnswer: self._late, CounterpartSignal: self._signal,
            OutcomeDrawn: self._outcome, FacilitatorAction: self._facilitator,
            LeadershipDecided: self._leadership, PriceChanged: self._price,
            PressureRead: self._pressure,
        }

    def _definitions(self) -> None:
        model = self.scenario.model if self.scenario is not None else None
        if model is None:
            return  # learnt from the events as they come (see _meter, _channel)
        for m in model.meters:
            lower = m.min
            bands: list[Band] = []
            for b in m.bands:
                bands.append(Band(lower, b.upto, b.label, b.note))
                lower = b.upto
            self.meter_defs[m.id] = _MeterDef(m.label, m.hidden, m.higher_is, m.min, m.max,
                                              tuple(bands), m.description)
            self.values[m.id] = float(m.initial)
        for c in model.channels:
            self.channel_defs[c.id] = (c.label, c.level)
            self.statuses[c.id] = c.initial

    def _turn(self, event: Event) -> Turn:
        if event.turn not in self.turns:
            previous = self.turns.get(event.turn - 1)
            self.turns[event.turn] = Turn(index=event.turn, clock=event.clock,
                                          node=previous.node if previous else "",
                                          title=previous.title if previous else "")
        return self.turns[event.turn]

    def add(self, event: Event) -> None:
        if isinstance(event, SessionStarted):
            return
        if isinstance(event, ScoreGiven):
            self.score_event = event
            return
        if isinstance(event, EndingReached):
            d = self.debrief
            d.ending, d.ending_title, d.ending_tone, d.ending_text = (
                event.ending, event.title, event.tone, event.text)
            return
        turn = self._turn(event)
        handler = self._by_kind.get(type(event))
        if handler is not None:
            handler(turn, event)
        # Snapshot values after each event; the last snapshot of a turn wins.
        turn.meters = dict(self.values)
        turn.channels = dict(self.statuses)
        self.authority_at[turn.index] = dict(self.authority)

    def _cause(self, cause: EngineCause, turn: Turn) -> Cause:
        doctrine = ""
        if cause.type in ("option", "outcome") and turn.decision is not None:
            opt = _option(self.scenario, turn.decision.node, turn.decision.option)
            doctrine = opt.doctrine if opt else ""
        elif (cause.type == "answer" and self.scenario is not None
              and cause.ref in self.scenario.channels):
            doctrine = self.scenario.channels[cause.ref].description
        return Cause(cause.type, cause.ref, cause.text, cause.rule or "", doctrine)

    def _channel_label(self, channel: str) -> str:
        return self.channel_defs.get(channel, (channel, ""))[0]

    def _node(self, turn: Turn, e: NodeEntered) -> None:
        turn.node, turn.title, turn.clock = e.node, e.title, e.clock
        if self.scenario is not None and e.node in self.scenario.nodes:
            node = self.scenario.nodes[e.node]
            turn.brief, turn.prompt = node.brief, node.decision.prompt

    def _inject(self, turn: Turn, e: InjectShown) -> None:
        turn.injects.append(InjectItem(e.sender, e.kind, e.text, e.channel, e.facilitator))

    def _decision(self, turn: Turn, e: DecisionTaken) -> None:
        opt = _option(self.scenario, e.node, e.option)
        n = self.decisions
        turn.node = e.node
        turn.decision = DecisionItem(
            node=e.node, option=e.option, label=e.label, kind=e.kind, channel=e.channel,
            channel_label=self._channel_label(e.channel) if e.channel else None,
            severity=e.severity, severity_weight=e.severity_weight, rationale=e.rationale,
            role=e.role, seconds=e.seconds, timed_out=e.timed_out,
            recorded_at=self.choose_times[n] if n < len(self.choose_times) else None,
            doctrine=opt.doctrine if opt else "", description=opt.description if opt else "",
            votes=tuple(sorted((str(r), str(o)) for r, o in e.votes or ())),
            vote_rule=e.vote_rule,
        )
        if self.seen is not None and n < len(self.seen):
            turn.options_seen = [OptionSeen(o.id, o.label, o.kind, o.id == e.option)
                                 for o in self.seen[n]]
        self.decisions += 1

    def _meter(self, turn: Turn, e: MeterChanged) -> None:
        if e.meter not in self.meter_defs:  # no scenario: learn the meter from its events
            self.meter_defs[e.meter] = _MeterDef(e.meter, False, "better", 0.0, 100.0, (), "")
            self.values[e.meter] = e.before
            self.series[e.meter] = [e.before]
        spec = self.meter_defs[e.meter]
        change = MeterChange(e.turn, e.meter, spec.label, e.before, e.after, e.delta,
                             self._cause(e.cause, turn), spec.hidden)
        turn.meter_changes.append(change)
        self.debrief.meter_changes.append(change)
        self.values[e.meter] = e.after

    def _flag(self, turn: Turn, e: FlagChanged) -> None:
        turn.flag_changes.append(FlagChange(e.turn, e.flag, e.value, self._cause(e.cause, turn)))

    def _channel(self, turn: Turn, e: ChannelChanged) -> None:
        if e.channel not in self.channel_defs:
            self.channel_defs[e.channel] = (e.channel, "")
            self.statuses[e.channel] = e.before
            self.strips[e.channel] = [e.before]
        turn.channel_changes.append(ChannelChange(e.turn, e.channel,
                                                  self._channel_label(e.channel), e.before,
                                                  e.after, self._cause(e.cause, turn)))
        self.statuses[e.channel] = e.after

    def _call(self, turn: Turn, e: CallResolved) -> None:
        turn.calls.append(CallItem(e.channel, self._channel_label(e.channel), e.result,
                                   e.reason, e.acceptance, e.delay,
                                   factors=tuple((str(r), float(d)) for r, d in e.factors),
                                   level=e.level, gate=e.gate))

    def _leadership(self, turn: Turn, e: LeadershipDecided) -> None:
        decided = LeadershipChange(e.turn, e.event, e.text,
                                   tuple((c.level, c.before, c.after) for c in e.levels))
        turn.leadership.append(decided)
        for level, _before, after in decided.levels:
            self.authority[level] = (after, decided.text)

    def _price(self, turn: Turn, e: PriceChanged) -> None:
        cause = "" if e.cause.type == "counterpart" else self._cause(e.cause, turn).describe()
        turn.prices.append(PriceChange(e.turn, e.price, e.demand, e.before, e.after, cause))
        self.price_state[e.price] = (e.demand, e.after)
        self.price_history.setdefault(e.price, []).append((e.turn, e.after))

    def _pressure(self, turn: Turn, e: PressureRead) -> None:
        self.pressure[e.level] = e.pressure

    def _late(self, turn: Turn, e: LateAnswer) -> None:
        turn.calls.append(CallItem(e.channel, self._channel_label(e.channel), "answered",
                                   e.text, late=True, requested_turn=e.requested_turn))

    def _signal(self, turn: Turn, e: CounterpartSignal) -> None:
        turn.signals.append(e.text)

    def _outcome(self, turn: Turn, e: OutcomeDrawn) -> None:
        turn.outcomes.append(e.text)

    def _facilitator(self, turn: Turn, e: FacilitatorAction) -> None:
        turn.facilitator.append(FacilitatorItem(e.action, self.words.action(e),
                                                self.words.action_label(e.action),
                                                "trainee" if e.get("by") == "trainee"
                                                else "facilitator"))

    def finish(self) -> None:
        """Order the turns and draw the meter and channel series."""
        d = self.debrief
        ordered = [self.turns[i] for i in sorted(self.turns)]
        # A trailing turn without a decision is the node the session stopped at
        # (still running) — keep it.
        for turn in ordered:
            turn.answer = _answer_line(self.words, turn.calls)
            if not turn.meters:
                turn.meters = dict(self.values)
                turn.channels = dict(self.statuses)
        d.turns = ordered
        decided = [t for t in ordered if t.decision is not None]
        for meter_id, spec in self.meter_defs.items():
            start = self.series[meter_id]
            points = start + [t.meters.get(meter_id, start[0]) for t in decided]
            d.meters.append(MeterSeries(meter_id, spec.label, spec.hidden, spec.higher_is,
                                        spec.min, spec.max, tuple(points), spec.bands,
                                        spec.description))
        for channel_id, (label, level) in self.channel_defs.items():
            start_status = self.strips[channel_id]
            track = start_status + [t.channels.get(channel_id, start_status[0]) for t in decided]
            d.channels.append(ChannelTrack(channel_id, label, level, tuple(track)))
        self._counterpart(ordered, decided)

    def _counterpart(self, ordered: list[Turn], decided: list[Turn]) -> None:
        """The leadership per level over the turns, and the prices."""
        d = self.debrief
        if self.uses_leadership or any(t.leadership for t in ordered):
            for level in ("political", "military", "working"):
                states = [self.authority_start.get(level, ("authorised", ""))]
                for t in decided:
                    states.append(self.authority_at.get(t.index, {}).get(level, states[-1]))
                d.leadership.append(LevelTrack(
                    level, LEVEL_WORDS[level], tuple(st for st, _why in states),
                    tuple(why for _st, why in states), self.pressure.get(level, 0)))
        model = self.scenario.model if self.scenario is not None else None
        if model is not None:
            for price in model.counterpart.prices:
                demand, status = self.price_state.get(price.id, (price.demand, "none"))
                d.prices.append(PriceTrack(price.id, demand, status,
                                           tuple(self.price_history.get(price.id, ()))))


def _score(debrief: Debrief, score: ScoreGiven | None,
           scenario: CompiledScenario | None) -> None:
    """The score breakdown with its drivers, and the objective ratings."""
    ratings: dict[str, str | None] = {}
    if score is not None:
        debrief.score = float(score.total)
        debrief.severity_total = int(score.severity_total)
        debrief.score_lines = [
            ScoreLine(p.key, p.label, float(p.points), float(p.max), p.detail,
                      _drivers(p.key, debrief, scenario))
            for p in score.parts
        ]
        ratings = dict(score.ratings)
    else:
        debrief.severity_total = sum(d.severity_weight for d in debrief.decisions)
    if scenario is not None:
        for objective in scenario.model.objectives:
            rules = tuple((level, text) for level in ("performed", "some", "major")
                          if (text := getattr(objective.rating, level)) is not None)
            debrief.objectives.append(ObjectiveRating(
                objective.id, objective.text, ratings.get(objective.id), rules,
                reason=score.reason(objective.id) if score is not None else ""))
    else:
        debrief.objectives = [ObjectiveRating(k, k, v) for k, v in ratings.items()]


def _uses_leadership(model: Any) -> bool:
    """Whether the scenario gives its counterpart a leadership model worth showing."""
    spec = model.counterpart.leadership
    return bool(spec.events) or any(getattr(spec, level).initial == "withheld"
                                    for level in ("political", "military", "working"))


def _initial_authority(model: Any) -> dict[str, tuple[str, str]]:
    if model is None:
        return {}
    spec = model.counterpart.leadership
    out: dict[str, tuple[str, str]] = {}
    for level in ("political", "military", "working"):
        entry = getattr(spec, level)
        out[level] = (entry.initial, entry.why if entry.initial == "withheld" else "")
    return out


def _reference_runs(debrief: Debrief, scenario: CompiledScenario) -> None:
    """Play the expert and historical paths with the session's seed."""
    if scenario.expert:
        debrief.expert_run = run_path(scenario, debrief.seed, "expert", "Expert path",
                                      debrief.roles)
        debrief.references.append(dataclasses.replace(debrief.expert_run.contact))
    if scenario.historical:
        debrief.historical_run = run_path(scenario, debrief.seed, "historical",
                                          "Historical path", debrief.roles)
        debrief.references.append(dataclasses.replace(debrief.historical_run.contact))


def _real_contact(model: Any, debrief: Debrief,
                  field_name: str = "first_contact") -> ContactMark | None:
    """When the real actors first spoke, if the scenario says (``historical.first_contact``;
    ``first_military_contact`` for the first senior military contact).

    The field is optional and read defensively: ``after_hours`` (scenario hours
    from the first node's time) and, optionally, ``channel`` (words). It is
    placed on the session's turns at the first turn whose clock reaches it.
    """
    historical = getattr(model, "historical", None) if model is not None else None
    mark = getattr(historical, field_name, None)
    hours = getattr(mark, "after_hours", None)
    if mark is None or not isinstance(hours, (int, float)):
        return None
    start = parse_clock(debrief.turns[0].clock) if debrief.turns else None
    turn: int | None = None
    clock: str | None = None
    if start is not None:
        for t in debrief.turns:
            moment = parse_clock(t.clock)
            if moment is not None and (moment - start).total_seconds() / 3600.0 >= hours:
                turn, clock = t.index, t.clock
                break
    channel = getattr(mark, "channel", None)
    return ContactMark("What really happened", turn, clock, float(hours),
                       str(channel) if channel else None, real=True)


_CAUSE_GROUPS = {"option": "decisions", "outcome": "outcomes", "answer": "answered calls",
                 "counterpart": "the counterpart", "facilitator": "facilitator adjustments"}


def _drivers(key: str, debrief: Debrief, scenario: CompiledScenario | None) -> tuple[str, ...]:
    """The changes behind a score part, in words."""
    out: list[str] = []

    def line(change: MeterChange) -> str:
        return (f"turn {change.turn + 1}: {change.label} {change.delta:+g} "
                f"({change.before:g} → {change.after:g}) — {change.cause.describe()}")

    def meter_lines(meters: Iterable[str]) -> None:
        wanted = set(meters)
        out.extend(line(c) for c in debrief.meter_changes if c.meter in wanted)

    esc = debrief.escalation_meter
    esc_changes = [c for c in debrief.meter_changes if c.meter == esc]
    if key == "peak_escalation":
        # What pushed escalation up to its peak: the rises until the peak was first reached.
        peak = max([c.after for c in esc_changes], default=None)
        for change in esc_changes:
            if change.delta > 0:
                out.append(line(change))
            if peak is not None and change.after == peak:
                out.append(f"peak {peak:g} reached at turn {change.turn + 1}")
                break
        if not out:
            out.append("escalation never rose above its starting value")
    elif key == "final_escalation":
        if esc_changes:
            by_kind: dict[str, float] = {}
            for change in esc_changes:
                kind = _CAUSE_GROUPS.get(change.cause.type, change.cause.type)
                by_kind[kind] = by_kind.get(kind, 0.0) + change.delta
            parts = ", ".join(f"{v:+g} from {k}" for k, v in by_kind.items() if v)
            out.append(f"from {esc_changes[0].before:g} at the start to {esc_changes[-1].after:g} "
                       f"at the end: {parts or 'no net change'}")
            out.extend(line(c) for c in esc_changes if c.delta < 0)
        else:
            out.append("escalation never moved from its starting value")
    elif key == "standing":
        standing = (scenario.model.scoring.standing_meters if scenario is not None
                    else ("standing", "allies"))
        meter_lines(standing)
    elif key in ("contact", "channel_open", "time_to_contact"):
        first = debrief.contact.turn
        for turn in debrief.turns:
            for call in turn.calls:
                answered = call.result == "answered"
                if key == "channel_open" and not answered:
                    continue
                if key == "contact" and first is not None and not (
                        answered and turn.index == first):
                    continue
                if key == "time_to_contact" and first is not None and turn.index > first:
                    continue
                what = {"answered": "answered", "ringing": "ringing, no answer yet",
                        "unanswered": "no answer (silence)"}.get(call.result, call.result)
                if call.late:
                    what = f"answered late (requested turn {(call.requested_turn or 0) + 1})"
                out.append(f"turn {turn.index + 1}: {call.label} — {what}")
        if not out:
            out.append("no call was placed" if key != "channel_open"
                       else "no call was answered")
    elif key == "no_loss_of_life" and scenario is not None:
        flag = scenario.model.scoring.loss_of_life_flag
        for turn in debrief.turns:
            for flag_change in turn.flag_changes:
                if flag_change.flag == flag:
                    out.append(f"turn {turn.index + 1}: {flag} = {flag_change.value} — "
                               f"{flag_change.cause.describe()}")
    return tuple(out)


def _compare(debrief: Debrief, scenario: CompiledScenario) -> list[Comparison]:
    model = scenario.model
    expert_reasons = {s.node: s.reason for s in model.expert}
    historical_reasons = ({s.node: s.reason for s in model.historical.steps}
                          if model.historical else {})

    def label(node: str, option: str | None) -> str | None:
        if option is None:
            return None
        opt = _option(scenario, node, option)
        return opt.label if opt else option

    rows = []
    for turn in debrief.turns:
        d = turn.decision
        if d is None:
            continue
        expert = scenario.expert.get(d.node)
        historical = scenario.historical.get(d.node)
        rows.append(Comparison(
            turn=turn.index, node=d.node, node_title=turn.title, clock=turn.clock,
            trainee=d.option, trainee_label=d.label,
            expert=expert, expert_label=label(d.node, expert),
            expert_reason=expert_reasons.get(d.node),
            historical=historical, historical_label=label(d.node, historical),
            historical_reason=historical_reasons.get(d.node),
            doctrine=d.doctrine,
        ))
    return rows


def _check_record(debrief: Debrief, record: Any) -> None:
    """Compare the replayed ending and score with what the journal recorded."""
    ending_id = getattr(record, "ending_id", None)
    score = getattr(record, "score", None)
    if ending_id is not None and debrief.ending is not None and ending_id != debrief.ending:
        debrief.notices.append(
            f"The journal recorded the ending '{getattr(record, 'ending_title', ending_id)}', "
            f"but replaying the inputs now ends in '{debrief.ending_title}'. The scenario "
            "has probably changed since the session; the recorded ending is the one the "
            "trainee saw.")
    elif score is not None and debrief.score is not None and abs(score - debrief.score) > 0.05:
        debrief.notices.append(
            f"The journal recorded a score of {score:g}; replaying the inputs now gives "
            f"{debrief.score:g}. The scenario or the scoring has changed since the session.")


def recorded_debrief(record: Any, inputs: Sequence[Mapping[str, Any]],
                     recorded_at: Sequence[str] | None = None,
                     notice: str = "") -> Debrief:
    """The reduced debrief the journal alone supports (no scenario, no replay).

    Args:
        record: The journal's ``SessionRecord``.
        inputs: The session's inputs.
        recorded_at: Commit time of each input.
        notice: Why only the recorded debrief is shown.

    Returns:
        A debrief with the choices, rationales and timings, and the recorded
        ending and score; meters, calls and score parts are unknown.
    """
    debrief = Debrief(
        scenario_id=str(record.scenario_id), scenario_title=str(record.scenario_title),
        version=str(record.scenario_version), content_hash=str(record.content_hash),
        session_id=str(record.id), seed=int(record.seed), trainee=str(record.trainee),
        roles=tuple(record.roles), replayed=False, status=str(record.status),
        created_at=str(record.created_at),
    )
    if notice:
        debrief.notices.append(notice)
    index = 0
    pending: list[FacilitatorItem] = []
    pending_injects: list[InjectItem] = []
    for i, data in enumerate(inputs):
        at = recorded_at[i] if recorded_at is not None and i < len(recorded_at) else None
        kind = data.get("type")
        if kind == "choose":
            option = str(data.get("option", ""))
            turn = Turn(index=index, clock="", node="", title=f"Decision {index + 1}",
                        injects=pending_injects, facilitator=pending)
            turn.decision = DecisionItem(
                node="", option=option, label=option, kind="", channel=None,
                channel_label=None, severity="", severity_weight=0,
                rationale=data.get("rationale"), role=data.get("role"),
                seconds=data.get("seconds"), timed_out=bool(data.get("timed_out", False)),
                recorded_at=at)
            debrief.turns.append(turn)
            pending, pending_injects = [], []
            index += 1
        elif kind == "inject":
            pending_injects.append(InjectItem(str(data.get("sender", "Facilitator")),
                                              str(data.get("kind", "staff")),
                                              str(data.get("text", "")), facilitator=True))
        else:
            action = FacilitatorAction(seq=i, turn=index, clock="", action=str(kind),
                                       details=tuple((k, v) for k, v in data.items()
                                                     if k != "type"))
            pending.append(FacilitatorItem(str(kind), _DEBRIEF_WORDS.action(action),
                                           _DEBRIEF_WORDS.action_label(str(kind)),
                                           "trainee" if data.get("by") == "trainee"
                                           else "facilitator"))
    if pending or pending_injects:
        debrief.turns.append(Turn(index=index, clock="", node="", title="After the last decision",
                                  injects=pending_injects, facilitator=pending))
    debrief.ending = record.ending_id
    debrief.ending_title = record.ending_title
    debrief.score = record.score
    _desk(debrief, None, record)
    return debrief
