"""What the trainee reads, derived from the session's state and events.

Pure functions, no Qt: widgets call these and only lay the result out, so the
layout is tested without a window, and the facilitator console can reuse it.
Nothing here decides game rules, and nothing here words an event: the words
and the rule of what trainees may not see come from the one describer,
:mod:`game.engine.describe`; the vocabularies (option kinds, channel
statuses) from :mod:`game.vocabulary`.

Hidden meters (``hidden: true`` in the scenario) are left out unless a caller
asks for them with ``include_hidden=True`` (the facilitator's view).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from game.engine.describe import INJECT_KIND_LABELS as INJECT_KIND_LABELS
from game.engine.describe import LEVEL_LABELS as LEVEL_LABELS
from game.engine.describe import Describer, addressed_to, format_short_clock
from game.engine.describe import format_delta as format_delta
from game.engine.events import (
    CallResolved,
    Cause,
    ChannelChanged,
    CounterpartSignal,
    DecisionTaken,
    EndingReached,
    Event,
    InjectShown,
    LateAnswer,
    MeterChanged,
    NodeEntered,
    OutcomeDrawn,
    PriceChanged,
    SessionStarted,
)
from game.vocabulary import CHANNEL_STATUSES, OPTION_KINDS

if TYPE_CHECKING:  # keep the import light: these modules pull in pydantic
    from game.scenario.compile import CompiledScenario
    from game.scenario.models import Meter
    from game.sessions.table import Table


# --- vocabularies (read from the tables; kept here for the widgets) ---------

#: Option kinds in the order the decision panel groups them.
KIND_ORDER: tuple[str, ...] = tuple(OPTION_KINDS)
KIND_LABELS: dict[str, str] = {k.id: k.label for k in OPTION_KINDS.values()}
STATUS_LABELS: dict[str, str] = {st.id: st.label for st in CHANNEL_STATUSES.values()}
#: How each channel status reads at a glance: good, waiting, bad or neutral.
STATUS_TONE: dict[str, str] = {st.id: st.tone for st in CHANNEL_STATUSES.values()}

RATING_LETTERS: dict[str | None, str] = {
    "P": "P", "S": "S", "M": "M", "U": "U", None: "–",
}
RATING_LABELS: dict[str | None, str] = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
    None: "Not rated in this scenario",
}

# --- time ------------------------------------------------------------------


def parse_clock(text: str) -> datetime | None:
    """A scenario clock value (ISO date-time) as a datetime, None if it isn't one."""
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def format_clock(text: str) -> str:
    """``2023-02-04T14:39`` → ``Sat 4 Feb 2023 · 14:39``."""
    moment = parse_clock(text)
    if moment is None:
        return text
    return f"{moment:%a} {moment.day} {moment:%b %Y} · {moment:%H:%M}"


def format_short(text: str) -> str:
    """``2023-02-04T14:39`` → ``4 Feb 14:39``."""
    return format_short_clock(text)


def hours_between(start: str, end: str) -> float:
    """Scenario hours from ``start`` to ``end`` (0 when either is not a time)."""
    a, b = parse_clock(start), parse_clock(end)
    if a is None or b is None:
        return 0.0
    return max(0.0, (b - a).total_seconds() / 3600.0)


def format_duration(hours: float) -> str:
    """A span of scenario time in words: ``40 min``, ``5 h``, ``2 days 3 h``."""
    minutes = int(round(hours * 60))
    if minutes < 60:
        return f"{minutes} min"
    whole = minutes // 60
    if whole < 48:
        rest = minutes % 60
        return f"{whole} h" if rest < 5 or whole >= 10 else f"{whole} h {rest:02d}"
    days, h = divmod(whole, 24)
    return f"{days} days" + (f" {h} h" if h else "")


def format_value(value: float) -> str:
    """Meter values are whole numbers on screen."""
    return f"{value:.0f}"


# --- causes ----------------------------------------------------------------

_TRAINEE = Describer(None, "trainee")


def cause_words(cause: Cause | None, *, timed_out: bool = False) -> str:
    """Why something changed, as the trainee reads it (the describer's words)."""
    return _TRAINEE.cause(cause, timed_out=timed_out)


# --- channels ---------------------------------------------------------------


@dataclass(frozen=True)
class ChannelChange:
    clock: str
    before: str
    after: str
    why: str


@dataclass(frozen=True)
class ChannelRow:
    """One line of the channel board."""

    id: str
    label: str
    level: str
    level_label: str
    description: str
    status: str
    status_label: str
    tone: str
    detail: str
    since: str | None
    history: tuple[ChannelChange, ...] = ()


def _channel_detail(status: str, since: str | None, now: str, ever_changed: bool) -> str:
    if since is None or not ever_changed:
        return "Not used yet" if status == "open" else ""
    span = hours_between(since, now)
    for_span = f"for {format_duration(span)}" if span > 0 else "since " + format_short(since)
    ago = f"{format_duration(span)} ago" if span > 0 else "just now"
    if status == "requested":
        return f"Request sent {ago}"
    if status == "ringing":
        return f"Awaiting an answer {for_span}"
    if status == "unanswered":
        return f"Unanswered {for_span}"
    if status == "declined":
        return f"Declined {ago}"
    if status == "answered":
        return f"Answered {ago}"
    if status == "suspended":
        return f"Suspended {for_span}"
    return f"Open again since {format_short(since)}"


def channel_rows(
    scenario: CompiledScenario,
    channels: Mapping[str, str],
    events: Sequence[Event],
    now: str,
) -> list[ChannelRow]:
    """Every channel with its live status and how long it has been so.

    Args:
        scenario: The compiled scenario (labels and levels).
        channels: Channel id → current status (``session.channels``).
        events: The session's event log (channel changes carry the clock).
        now: The current scenario clock (``session.clock``).
    """
    history: dict[str, list[ChannelChange]] = {cid: [] for cid in channels}
    for event in events:
        if isinstance(event, ChannelChanged) and event.channel in history:
            history[event.channel].append(ChannelChange(
                event.clock, event.before, event.after, cause_words(event.cause)))
    rows = []
    for spec in scenario.model.channels:
        status = channels.get(spec.id, spec.initial)
        changes = history.get(spec.id, [])
        since = changes[-1].clock if changes else None
        rows.append(ChannelRow(
            id=spec.id,
            label=spec.label,
            level=spec.level,
            level_label=LEVEL_LABELS.get(spec.level, spec.level),
            description=spec.description,
            status=status,
            status_label=STATUS_LABELS.get(status, status.title()),
            tone=STATUS_TONE.get(status, "neutral"),
            detail=_channel_detail(status, since, now, bool(changes)),
            since=since,
            history=tuple(changes),
        ))
    return rows


# --- meters -----------------------------------------------------------------


@dataclass(frozen=True)
class BandView:
    label: str
    low: float
    high: float
    note: str = ""


@dataclass(frozen=True)
class MeterRow:
    """A meter as the trainee sees it."""

    id: str
    label: str
    description: str
    value: float
    min: float
    max: float
    higher_is: str
    bands: tuple[BandView, ...]
    band_index: int | None
    band_label: str
    is_escalation: bool
    last_delta: float | None = None
    last_why: str = ""
    last_clock: str = ""

    @property
    def fraction(self) -> float:
        return (self.value - self.min) / (self.max - self.min) if self.max > self.min else 0.0

    @property
    def last_change_good(self) -> bool | None:
        """Whether the latest change helped (None when there was none)."""
        if not self.last_delta:
            return None
        return (self.last_delta > 0) == (self.higher_is == "better")


def meter_bands(meter: Meter) -> tuple[BandView, ...]:
    bands = []
    low = meter.min
    for band in meter.bands:
        bands.append(BandView(band.label, low, min(band.upto, meter.max), band.note))
        low = band.upto
    if bands and bands[-1].high < meter.max:  # author stopped short of the top
        last = bands[-1]
        bands[-1] = BandView(last.label, last.low, meter.max, last.note)
    return tuple(bands)


def band_of(bands: Sequence[BandView], value: float) -> int | None:
    for index, band in enumerate(bands):
        if value <= band.high:
            return index
    return len(bands) - 1 if bands else None


def visible_meters(scenario: CompiledScenario, include_hidden: bool = False) -> list[Meter]:
    """The meters a trainee sees (the describer's rule), or every one for a facilitator."""
    return Describer(scenario, "facilitator" if include_hidden else "trainee").meters()


def meter_rows(
    scenario: CompiledScenario,
    meters: Mapping[str, float],
    events: Sequence[Event],
    *,
    include_hidden: bool = False,
) -> list[MeterRow]:
    """The meters to show, each with its band and its latest change and cause."""
    last: dict[str, MeterChanged] = {}
    timed_out: dict[str, bool] = {}
    decision_timed_out = False
    for event in events:
        if isinstance(event, DecisionTaken):
            decision_timed_out = event.timed_out
        elif isinstance(event, MeterChanged):
            last[event.meter] = event
            timed_out[event.meter] = decision_timed_out
    escalation = scenario.model.scoring.escalation_meter
    rows = []
    for spec in visible_meters(scenario, include_hidden):
        value = float(meters.get(spec.id, spec.initial))
        bands = meter_bands(spec)
        index = band_of(bands, value)
        change = last.get(spec.id)
        rows.append(MeterRow(
            id=spec.id,
            label=spec.label,
            description=spec.description,
            value=value,
            min=spec.min,
            max=spec.max,
            higher_is=spec.higher_is,
            bands=bands,
            band_index=index,
            band_label=bands[index].label if index is not None else "",
            is_escalation=spec.id == escalation,
            last_delta=change.delta if change else None,
            last_why=cause_words(change.cause, timed_out=timed_out.get(spec.id, False))
            if change else "",
            last_clock=change.clock if change else "",
        ))
    rows.sort(key=lambda r: not r.is_escalation)  # escalation first
    return rows


# --- the inject feed --------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    """One message in the feed: an inject, or the counterpart's signal."""

    seq: int
    turn: int
    clock: str
    kind: str
    kind_label: str
    sender: str
    channel_label: str
    text: str
    facilitator: bool = False


def feed_items(
    scenario: CompiledScenario,
    events: Sequence[Event],
    roles: Sequence[str] = (),
    *,
    signals: bool = True,
    table: Table | None = None,
) -> list[FeedItem]:
    """Every message so far, newest first (nothing is dropped).

    ``roles`` are the viewers (empty: everyone's screen); with the session's
    ``table``, messages that came for a role not at the table reach whoever
    took that decision for it (:meth:`Table.reaches`). With ``signals`` the
    counterpart's answers and silences are messages too.
    """
    words = Describer(scenario, "trainee")
    counterpart = scenario.model.counterpart.name
    items = []
    for event in events:
        if isinstance(event, InjectShown):
            if not (table.reaches(event, roles) if table is not None
                    else addressed_to(event, roles)):
                continue
            kind = event.kind or "intel"
            items.append(FeedItem(
                event.seq, event.turn, event.clock, kind, words.inject_kind_label(kind),
                event.sender, words.channel_label(event.channel), event.text,
                event.facilitator,
            ))
        elif not signals:
            continue
        elif isinstance(event, (CounterpartSignal, LateAnswer)):
            status = event.status if isinstance(event, CounterpartSignal) else "answered"
            items.append(FeedItem(
                event.seq, event.turn, event.clock, "counterpart",
                f"Counterpart · {words.status_label(status)}", counterpart,
                words.channel_label(event.channel), event.text,
            ))
        elif isinstance(event, PriceChanged) and event.after == "demanded":
            # The counterpart names its price for talking (a demand raised, or raised again).
            items.append(FeedItem(
                event.seq, event.turn, event.clock, "counterpart", "Counterpart · Demand",
                counterpart, "", event.demand,
            ))
    items.reverse()
    return items


# --- consequences -----------------------------------------------------------


@dataclass(frozen=True)
class MeterChangeView:
    meter: str
    label: str
    before: float
    after: float
    delta: float
    good: bool
    why: str


@dataclass(frozen=True)
class CallView:
    channel_label: str
    status: str
    status_label: str
    tone: str
    text: str
    late: bool = False


@dataclass(frozen=True)
class ChannelChangeView:
    channel_label: str
    before_label: str
    after_label: str
    tone: str
    why: str


@dataclass
class ConsequenceView:
    """Everything that followed one choice, in the order a trainee reads it."""

    decision_label: str = ""
    decision_kind: str = ""
    channel_label: str = ""
    rationale: str = ""
    timed_out: bool = False
    calls: list[CallView] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    meter_changes: list[MeterChangeView] = field(default_factory=list)
    channel_changes: list[ChannelChangeView] = field(default_factory=list)
    next_title: str = ""
    next_clock: str = ""
    later_calls: list[CallView] = field(default_factory=list)
    later_changes: list[MeterChangeView] = field(default_factory=list)
    injects: list[FeedItem] = field(default_factory=list)
    ending_title: str = ""
    ending_text: str = ""
    ending_tone: str = ""

    @property
    def counterpart_silent(self) -> bool:
        return not self.calls and not self.later_calls


def consequence_view(
    scenario: CompiledScenario,
    events: Iterable[Event],
    *,
    roles: Sequence[str] = (),
    include_hidden: bool = False,
    table: Table | None = None,
) -> ConsequenceView:
    """Describe a TurnResult's events: the choice, the answer, each change and why."""
    words = Describer(scenario, "facilitator" if include_hidden else "trainee")
    view = ConsequenceView()
    after_move = False
    events = list(events)

    def meter_change(event: MeterChanged) -> MeterChangeView:
        spec = scenario.meters[event.meter]
        return MeterChangeView(
            spec.id, spec.label, event.before, event.after, event.delta,
            (event.delta > 0) == (spec.higher_is == "better"),
            cause_words(event.cause, timed_out=view.timed_out),
        )

    def call_view(channel: str, status: str, text: str, late: bool = False) -> CallView:
        row = CHANNEL_STATUSES.get(status)
        return CallView(words.channel_label(channel), status, words.status_label(status),
                        row.tone if row is not None else "neutral", text, late)

    for event in events:
        if isinstance(event, DecisionTaken):
            view.decision_label = event.label
            view.decision_kind = event.kind
            view.channel_label = words.channel_label(event.channel)
            view.rationale = event.rationale or ""
            view.timed_out = event.timed_out
        elif isinstance(event, NodeEntered):
            after_move = True
            view.next_title = event.title
            view.next_clock = event.time
        elif isinstance(event, CallResolved):
            view.calls.append(call_view(event.channel, event.result, event.reason))
        elif isinstance(event, LateAnswer):
            view.later_calls.append(call_view(event.channel, "answered", event.text, True))
        elif isinstance(event, OutcomeDrawn):
            view.outcomes.append(event.text)
        elif isinstance(event, MeterChanged) and words.shows(event):
            (view.later_changes if after_move else view.meter_changes).append(meter_change(event))
        elif isinstance(event, ChannelChanged) and not words.told_by_call(event):
            view.channel_changes.append(ChannelChangeView(
                words.channel_label(event.channel), words.status_label(event.before),
                words.status_label(event.after), STATUS_TONE.get(event.after, "neutral"),
                cause_words(event.cause, timed_out=view.timed_out),
            ))
        elif isinstance(event, EndingReached):
            view.ending_title = event.title
            view.ending_text = event.text
            view.ending_tone = event.tone
    view.injects = feed_items(scenario, events, roles, signals=False, table=table)
    view.injects.reverse()  # in the order they arrived
    return view


# --- scenario cards ----------------------------------------------------------


@dataclass(frozen=True)
class ScenarioSummary:
    """What a scenario card shows."""

    id: str
    title: str
    period: str
    summary: str
    length_minutes: int
    objectives: tuple[str, ...]
    sources: int
    roles: tuple[tuple[str, str], ...]
    fiction: bool
    decisions: int


def scenario_summary(scenario: CompiledScenario) -> ScenarioSummary:
    model = scenario.model
    return ScenarioSummary(
        id=model.id,
        title=model.title,
        period=model.period,
        summary=model.summary,
        length_minutes=model.length_minutes,
        objectives=tuple(o.text for o in model.objectives),
        sources=len(model.sources),
        roles=tuple((r.id, r.title) for r in model.roles),
        fiction=model.fiction,
        decisions=len(model.nodes),
    )


# --- timeline (the debrief placeholder) -------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    clock: str
    turn: int
    kind: str
    text: str


def timeline_rows(
    scenario: CompiledScenario, events: Sequence[Event], *, include_hidden: bool = False
) -> list[TimelineRow]:
    """The session as a readable timeline, oldest first (the describer's lines).

    With ``include_hidden`` it is the debrief's view (hidden meters, flags,
    facilitator actions, the counterpart's odds and the rules that applied).
    """
    words = Describer(scenario, "debrief" if include_hidden else "trainee")
    return [TimelineRow(event.clock, event.turn, line.heading, line.text)
            for event, line in words.lines(events) if not isinstance(event, SessionStarted)]
