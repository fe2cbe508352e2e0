"""What the trainee reads, derived from the session's state and events.

Pure functions, no Qt: widgets call these and only lay the result out, so the
wording ("unanswered for 24 h", "because you chose …") is tested without a
window, and the facilitator console can reuse it. Nothing here decides game
rules; it only describes what the engine already decided.

Hidden meters (``hidden: true`` in the scenario) are left out unless a caller
asks for them with ``include_hidden=True`` (the facilitator's view).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # keep the import light: these modules pull in pydantic
    from game.scenario.compile import CompiledScenario
    from game.scenario.models import Meter

Event = Mapping[str, Any]

# --- vocabularies ----------------------------------------------------------

#: Option kinds in the order the decision panel groups them.
KIND_ORDER: tuple[str, ...] = (
    "call", "escalate", "back_channel", "public", "concede", "wait", "allies", "de_escalate",
)
KIND_LABELS: dict[str, str] = {
    "call": "Call",
    "escalate": "Escalate",
    "back_channel": "Back-channel",
    "public": "Public",
    "concede": "Concede",
    "wait": "Wait",
    "allies": "Allies",
    "de_escalate": "De-escalate",
}

STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "requested": "Requested",
    "ringing": "Ringing",
    "declined": "Declined",
    "unanswered": "Unanswered",
    "answered": "Answered",
    "suspended": "Suspended",
}
#: How each channel status reads at a glance: good, waiting, bad or neutral.
STATUS_TONE: dict[str, str] = {
    "open": "neutral",
    "requested": "waiting",
    "ringing": "waiting",
    "declined": "bad",
    "unanswered": "bad",
    "answered": "good",
    "suspended": "bad",
}

LEVEL_LABELS: dict[str, str] = {
    "military": "Military",
    "diplomatic": "Diplomatic",
    "political": "Political",
    "third_party": "Third party",
    "public": "Public",
}

INJECT_KIND_LABELS: dict[str, str] = {
    "intel": "Intelligence",
    "press": "Press",
    "allied": "Allies",
    "counterpart": "Counterpart",
    "staff": "Staff",
    "domestic": "Domestic",
}

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
    moment = parse_clock(text)
    if moment is None:
        return text
    return f"{moment.day} {moment:%b} {moment:%H:%M}"


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


def format_delta(delta: float) -> str:
    text = f"{abs(delta):.0f}" if abs(delta) >= 1 or delta == 0 else f"{abs(delta):.1f}"
    return ("+" if delta > 0 else "−" if delta < 0 else "±") + text


# --- causes ----------------------------------------------------------------


def cause_words(cause: Mapping[str, Any] | None) -> str:
    """Why something changed, in plain words (never the author's rule text)."""
    if not cause:
        return ""
    kind = cause.get("type")
    text = str(cause.get("text") or "").strip()
    if kind == "option":
        if text == "call requested":
            return "your call request"
        return f"your choice “{text}”" if text else "your choice"
    if kind == "outcome":
        return text or "how events turned out"
    if kind == "counterpart":
        return f"the counterpart: {text}" if text else "the counterpart's response"
    if kind == "answer":
        return text or "a call was answered"
    if kind == "facilitator":
        return f"the facilitator: {text}" if text else "the facilitator"
    return text


def _why(cause: Mapping[str, Any] | None, timed_out: bool) -> str:
    """Cause words, saying so when the 'choice' was the scenario's time-out rule."""
    if timed_out and cause and cause.get("type") == "option":
        return f"running out of time (the scenario's rule: “{cause.get('text', '')}”)"
    return cause_words(cause)


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
        if event.get("type") == "channel" and event.get("channel") in history:
            history[event["channel"]].append(ChannelChange(
                str(event.get("clock", "")), str(event.get("before")), str(event.get("after")),
                cause_words(event.get("cause")),
            ))
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
    return [m for m in scenario.model.meters if include_hidden or not m.hidden]


def hidden_meter_ids(scenario: CompiledScenario) -> frozenset[str]:
    return frozenset(m.id for m in scenario.model.meters if m.hidden)


def meter_rows(
    scenario: CompiledScenario,
    meters: Mapping[str, float],
    events: Sequence[Event],
    *,
    include_hidden: bool = False,
) -> list[MeterRow]:
    """The meters to show, each with its band and its latest change and cause."""
    last: dict[str, Event] = {}
    timed_out: dict[str, bool] = {}
    decision_timed_out = False
    for event in events:
        if event.get("type") == "decision":
            decision_timed_out = bool(event.get("timed_out"))
        elif event.get("type") == "meter":
            last[str(event.get("meter"))] = event
            timed_out[str(event.get("meter"))] = decision_timed_out
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
            last_delta=float(change["delta"]) if change else None,
            last_why=_why(change.get("cause"), timed_out.get(spec.id, False)) if change else "",
            last_clock=str(change.get("clock", "")) if change else "",
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


def _for_roles(event: Event, roles: Sequence[str]) -> bool:
    to = event.get("to") or ()
    return not to or not roles or any(r in to for r in roles)


def feed_items(
    scenario: CompiledScenario,
    events: Sequence[Event],
    roles: Sequence[str] = (),
    *,
    signals: bool = True,
) -> list[FeedItem]:
    """Every message so far, newest first (nothing is dropped).

    With ``signals`` the counterpart's answers and silences are messages too.
    """
    counterpart = scenario.model.counterpart.name
    items = []
    for event in events:
        kind = event.get("type")
        channel = event.get("channel")
        channel_label = scenario.channels[channel].label if channel in scenario.channels else ""
        if kind == "inject":
            if not _for_roles(event, roles):
                continue
            ikind = str(event.get("kind") or "intel")
            items.append(FeedItem(
                int(event["seq"]), int(event.get("turn", 0)), str(event.get("clock", "")), ikind,
                INJECT_KIND_LABELS.get(ikind, ikind.title()), str(event.get("sender", "")),
                channel_label, str(event.get("text", "")), bool(event.get("facilitator", False)),
            ))
        elif not signals:
            continue
        elif kind == "signal":
            status = STATUS_LABELS.get(str(event.get("status")), str(event.get("status")))
            items.append(FeedItem(
                int(event["seq"]), int(event.get("turn", 0)), str(event.get("clock", "")),
                "counterpart", f"Counterpart · {status}", counterpart, channel_label,
                str(event.get("text", "")),
            ))
        elif kind == "call_answered_late":
            items.append(FeedItem(
                int(event["seq"]), int(event.get("turn", 0)), str(event.get("clock", "")),
                "counterpart", "Counterpart · Answered", counterpart, channel_label,
                str(event.get("text", "")),
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
) -> ConsequenceView:
    """Describe a TurnResult's events: the choice, the answer, each change and why."""
    hidden = set() if include_hidden else hidden_meter_ids(scenario)
    view = ConsequenceView()
    after_move = False
    events = list(events)

    def why(cause: Mapping[str, Any] | None) -> str:
        return _why(cause, view.timed_out)

    def meter_change(event: Event) -> MeterChangeView:
        spec = scenario.meters[event["meter"]]
        delta = float(event["delta"])
        return MeterChangeView(
            spec.id, spec.label, float(event["before"]), float(event["after"]), delta,
            (delta > 0) == (spec.higher_is == "better"), why(event.get("cause")),
        )

    for event in events:
        kind = event.get("type")
        channel = event.get("channel")
        channel_label = scenario.channels[channel].label if channel in scenario.channels else ""
        if kind == "decision":
            view.decision_label = str(event.get("label", ""))
            view.decision_kind = str(event.get("kind", ""))
            view.channel_label = channel_label
            view.rationale = str(event.get("rationale") or "")
            view.timed_out = bool(event.get("timed_out"))
        elif kind == "node_entered":
            after_move = True
            view.next_title = str(event.get("title", ""))
            view.next_clock = str(event.get("time", ""))
        elif kind == "call":
            status = str(event.get("result"))
            view.calls.append(CallView(
                channel_label, status, STATUS_LABELS.get(status, status),
                STATUS_TONE.get(status, "neutral"), str(event.get("reason", "")),
            ))
        elif kind == "call_answered_late":
            view.later_calls.append(CallView(
                channel_label, "answered", "Answered", "good", str(event.get("text", "")), True,
            ))
        elif kind == "outcome":
            view.outcomes.append(str(event.get("text", "")))
        elif kind == "meter" and event.get("meter") not in hidden:
            (view.later_changes if after_move else view.meter_changes).append(meter_change(event))
        elif kind == "channel":
            after = str(event.get("after"))
            cause_type = (event.get("cause") or {}).get("type")
            if after == "requested" or cause_type in ("counterpart", "answer"):
                continue  # the call's own line already says what happened
            view.channel_changes.append(ChannelChangeView(
                channel_label, STATUS_LABELS.get(str(event.get("before")), ""),
                STATUS_LABELS.get(after, after), STATUS_TONE.get(after, "neutral"),
                why(event.get("cause")),
            ))
        elif kind == "ending":
            view.ending_title = str(event.get("title", ""))
            view.ending_text = str(event.get("text", ""))
            view.ending_tone = str(event.get("tone", ""))
    view.injects = feed_items(scenario, events, roles, signals=False)
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
    """The session as a readable timeline, oldest first."""
    hidden = set() if include_hidden else hidden_meter_ids(scenario)
    rows: list[TimelineRow] = []

    def add(event: Event, kind: str, text: str) -> None:
        rows.append(TimelineRow(str(event.get("clock", "")), int(event.get("turn", 0)), kind, text))

    for event in events:
        kind = event.get("type")
        channel = event.get("channel")
        channel_label = scenario.channels[channel].label if channel in scenario.channels else ""
        if kind == "node_entered":
            add(event, "Situation", str(event.get("title", "")))
        elif kind == "inject":
            ikind = INJECT_KIND_LABELS.get(str(event.get("kind")), "Message")
            add(event, ikind, f"{event.get('sender')}: {event.get('text')}")
        elif kind == "decision":
            text = f"Chose “{event.get('label')}”"
            if channel_label:
                text += f" via {channel_label}"
            if event.get("timed_out"):
                text += " (time ran out)"
            if event.get("rationale"):
                text += f" — why: {event.get('rationale')}"
            if event.get("seconds") is not None:
                text += f"  [{event.get('seconds')} s]"
            add(event, "Decision", text)
        elif kind == "call":
            status = STATUS_LABELS.get(str(event.get("result")), str(event.get("result")))
            add(event, "Counterpart", f"{channel_label}: {status}. {event.get('reason', '')}")
        elif kind == "call_answered_late":
            add(event, "Counterpart", f"{channel_label}: answered late. {event.get('text', '')}")
        elif kind == "outcome":
            add(event, "Outcome", str(event.get("text", "")))
        elif kind == "meter" and event.get("meter") in scenario.meters and \
                event.get("meter") not in hidden:
            spec = scenario.meters[event["meter"]]
            add(event, "Meter", f"{spec.label} {format_value(float(event['before']))} → "
                f"{format_value(float(event['after']))} ({format_delta(float(event['delta']))}), "
                f"because of {cause_words(event.get('cause'))}")
        elif kind == "channel" and event.get("after") != "requested":
            add(event, "Channel", f"{channel_label}: "
                f"{STATUS_LABELS.get(str(event.get('after')), event.get('after'))}")
        elif kind == "facilitator":
            add(event, "Facilitator", str(event.get("action", "")))
        elif kind == "ending":
            add(event, "Ending", f"{event.get('title')}: {event.get('text')}")
        elif kind == "score":
            add(event, "Score", f"{event.get('total')} / 100")
    return rows
