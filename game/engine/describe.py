"""The one describer: engine events in words, for trainees, facilitators and the debrief.

Every screen, report and transcript that shows what happened in a session
reads the words here:

* :func:`trainee_may_see` is the ONE rule of what trainees may not see:
  kinds the registry marks facilitator-only (flags, facilitator actions),
  changes of meters the scenario hides, and the counterpart's odds. Screens
  for trainees ask it (through :meth:`Describer.shows`); they never test
  ``meter.hidden`` themselves.
* :class:`Describer` turns an event into a :class:`Line` (a heading and a
  sentence) for one audience, and names causes, channels, meters, statuses
  and facilitator actions the same way everywhere.

Audiences: ``trainee`` (what the table may read: plain words, no rules, no
odds, nothing hidden), ``facilitator`` (everything, short) and ``debrief``
(everything, with the scenario rule that applied, for the after-action
review). Adding an event kind: a row in :data:`game.engine.events.EVENT_KINDS`
and a ``_line_<type>`` method below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from game.vocabulary import option_kind, status

from .events import (
    EVENT_KINDS,
    CallResolved,
    Cause,
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

if TYPE_CHECKING:
    from game.scenario.compile import CompiledScenario
    from game.scenario.models import Meter

Audience = Literal["trainee", "facilitator", "debrief"]
AUDIENCES: tuple[Audience, ...] = ("trainee", "facilitator", "debrief")

#: How each kind of scenario message is named.
INJECT_KIND_LABELS: dict[str, str] = {
    "intel": "Intelligence",
    "press": "Press",
    "allied": "Allies",
    "counterpart": "Counterpart",
    "staff": "Staff",
    "domestic": "Domestic",
}

#: How each channel level is named.
LEVEL_LABELS: dict[str, str] = {
    "military": "Military",
    "diplomatic": "Diplomatic",
    "political": "Political",
    "third_party": "Third party",
    "public": "Public",
}

#: How each leadership level of the counterpart is named.
AUTHORITY_LABELS: dict[str, str] = {
    "political": "political",
    "military": "military",
    "working": "working-level",
}

#: How each status of a counterpart's demand reads.
PRICE_STATUS_WORDS: dict[str, str] = {
    "none": "not raised",
    "demanded": "demanded",
    "deferred": "deferred",
    "paid": "paid",
    "refused": "refused",
}

#: Headings of facilitator actions (console log, debrief).
ACTION_LABELS: dict[str, str] = {
    "inject": "Inject", "adjust": "Meter", "set_flag": "Flag", "jump": "Jump",
    "force_answer": "Counterpart", "note": "Note", "pause": "Pause", "resume": "Resume",
    "pause-trainee": "Trainees paused", "resume-trainee": "Trainees resumed",
}


# --------------------------------------------------------------------------
# What trainees may not see (the one rule)
# --------------------------------------------------------------------------


def meter_hidden(scenario: CompiledScenario | None, meter: str) -> bool:
    """Whether a meter is for facilitators only (``hidden: true`` in the scenario)."""
    if scenario is None:
        return False
    spec = scenario.meters.get(meter)
    return spec is not None and spec.hidden


def trainee_may_see(event: Event, scenario: CompiledScenario | None) -> bool:
    """Whether trainees may be shown this event at all.

    Kinds the registry marks facilitator-only never are; a meter change is
    not when its meter is hidden. What a shown event may say (no odds, no
    rule text) is the describer's business.
    """
    kind = EVENT_KINDS.get(event.type)
    if kind is None or not kind.trainee:
        return False
    if isinstance(event, MeterChanged):
        return not meter_hidden(scenario, event.meter)
    return True


def addressed_to(event: InjectShown, roles: Sequence[str]) -> bool:
    """Whether a message reaches a table of ``roles`` (no roles: everyone's screen)."""
    return not event.to or not roles or any(r in event.to for r in roles)


# --------------------------------------------------------------------------
# Words shared by every audience
# --------------------------------------------------------------------------


def format_number(value: float) -> str:
    """A meter value or delta without a needless ``.0``."""
    return f"{value:g}" if abs(value - round(value)) > 1e-9 else str(int(round(value)))


def format_delta(delta: float) -> str:
    """``+5``, ``−2``, ``±0`` (a true minus sign)."""
    text = f"{abs(delta):.0f}" if abs(delta) >= 1 or delta == 0 else f"{abs(delta):.1f}"
    return ("+" if delta > 0 else "−" if delta < 0 else "±") + text


def format_short_clock(text: str) -> str:
    """``2023-02-04T14:39`` → ``4 Feb 14:39`` (the text itself if it is no time)."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text
    return f"{moment.day} {moment:%b} {moment:%H:%M}"


def percent(chance: float) -> str:
    return f"{chance * 100:.0f}%"


@dataclass(frozen=True)
class Line:
    """One event in words.

    Attributes:
        heading: What kind of thing happened ("Decision", "Counterpart", "Meter"…).
        text: The sentence.
        detail: More, for views that have room (the rationale, the ending's text…).
    """

    heading: str
    text: str
    detail: str = ""


def role_title(scenario: CompiledScenario | None, role: str | None) -> str:
    """A role's title (``Defense lead``); its id when the scenario has no such role."""
    if not role:
        return ""
    roles = scenario.model.roles if scenario is not None else ()
    return next((r.title for r in roles if r.id == role), role)


class Describer:
    """Words for one scenario's events, for one audience.

    Args:
        scenario: The scenario the events came from (None: ids stand in for
            labels, and nothing is known to be hidden).
        audience: ``trainee``, ``facilitator`` or ``debrief``.
    """

    def __init__(self, scenario: CompiledScenario | None, audience: Audience = "trainee") -> None:
        if audience not in AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}; use one of {AUDIENCES}")
        self.scenario = scenario
        self.audience: Audience = audience
        self._lines: dict[str, Callable[[Any], Line | None]] = {
            kind: getattr(self, f"_line_{kind}") for kind in EVENT_KINDS
        }

    @property
    def for_trainee(self) -> bool:
        return self.audience == "trainee"

    # -- what may be shown -------------------------------------------------

    def shows(self, event: Event) -> bool:
        """Whether this audience sees the event (trainees: :func:`trainee_may_see`)."""
        return not self.for_trainee or trainee_may_see(event, self.scenario)

    def shows_meter(self, meter: str) -> bool:
        """Whether this audience sees a meter (trainees: not the hidden ones)."""
        return not self.for_trainee or not meter_hidden(self.scenario, meter)

    def meters(self) -> list[Meter]:
        """The scenario's meters this audience sees, in the scenario's order."""
        if self.scenario is None:
            return []
        return [m for m in self.scenario.model.meters if self.shows_meter(m.id)]

    # -- names -------------------------------------------------------------

    def channel_label(self, channel: str | None) -> str:
        if not channel:
            return ""
        spec = self.scenario.channels.get(channel) if self.scenario is not None else None
        return spec.label if spec is not None else channel

    def meter_label(self, meter: str, *, mark_hidden: bool = True) -> str:
        """A meter's label; facilitators and the debrief see hidden ones marked."""
        spec = self.scenario.meters.get(meter) if self.scenario is not None else None
        label = spec.label if spec is not None else meter
        if spec is not None and spec.hidden and mark_hidden and not self.for_trainee:
            label += " (hidden)" if self.audience == "facilitator" else " (facilitator only)"
        return label

    def node_title(self, node: str) -> str:
        if node in ("end", "__end__"):
            return "the end"
        spec = self.scenario.nodes.get(node) if self.scenario is not None else None
        return spec.title if spec is not None else node

    def role_title(self, role: str | None) -> str:
        return role_title(self.scenario, role)

    @staticmethod
    def status_label(status_id: str) -> str:
        """A channel status on a board: ``Ringing``."""
        return status(status_id).label

    @staticmethod
    def status_words(status_id: str) -> str:
        """A channel status as an instructor reads it: ``ringing (consulting)``."""
        return status(status_id).words

    @staticmethod
    def option_kind_label(kind: str) -> str:
        return option_kind(kind).label

    @staticmethod
    def inject_kind_label(kind: str) -> str:
        return INJECT_KIND_LABELS.get(kind, kind.title())

    # -- causes ------------------------------------------------------------

    def cause(self, cause: Cause | None, *, timed_out: bool = False) -> str:
        """Why something changed.

        Trainees read plain words ("your choice “Call the defense link”") and
        never the author's rule text; facilitators and the debrief read the
        kind of cause and, in the debrief, the rule that applied.
        """
        if cause is None or not (cause.type or cause.text):
            return ""
        text = cause.text.strip()
        if self.for_trainee:
            if timed_out and cause.type == "option":
                return f"running out of time (the scenario's rule: “{text}”)"
            if cause.type == "option":
                if text == "call requested":
                    return "your call request"
                return f"your choice “{text}”" if text else "your choice"
            if cause.type == "outcome":
                return text or "how events turned out"
            if cause.type == "counterpart":
                return f"the counterpart: {text}" if text else "the counterpart's response"
            if cause.type == "answer":
                return text or "a call was answered"
            if cause.type == "facilitator":
                return f"the facilitator: {text}" if text else "the facilitator"
            return text
        kind = {"option": "decision", "outcome": "outcome", "counterpart": "counterpart",
                "answer": "answered call", "price": "price",
                "facilitator": "facilitator"}.get(cause.type, cause.type)
        if timed_out and cause.type == "option":
            kind = "time-out"
        words = f"{kind}: {text}" if text else kind
        if self.audience == "debrief" and cause.rule:
            words += f" [{cause.rule}]"
        return words

    # -- the counterpart ---------------------------------------------------

    def call_answer(self, channel: str, result: str, *, delay: int = 0, late: bool = False,
                    requested_turn: int | None = None) -> str:
        """What became of a call, in a few words: ``Defense link: silence``."""
        label = self.channel_label(channel)
        if late:
            return f"{label}: answered late (requested turn {(requested_turn or 0) + 1})"
        if result == "ringing":
            if self.for_trainee:
                return f"{label}: ringing, no answer yet"
            return f"{label}: ringing, answer expected in {delay} turn(s)"
        if result == "unanswered":
            return f"{label}: silence"
        return f"{label}: {result}"

    def odds(self, acceptance: float | None, delay: int = 0, result: str = "") -> str:
        """The counterpart's odds, for facilitators and the debrief only ('' for trainees)."""
        if self.for_trainee or acceptance is None:
            return ""
        text = f"chance of acceptance {percent(acceptance)}"
        if result == "ringing" and delay:
            text += f"; answer due in {delay} turn(s)"
        return text

    # -- facilitator actions ---------------------------------------------

    def action(self, event: FacilitatorAction) -> str:
        """A facilitator action in words (console log and debrief)."""
        reason = event.reason.strip()
        tail = f" — {reason}" if reason else ""
        action = event.action
        if action == "note":
            return str(event.get("text", "") or reason)
        if action == "adjust":
            delta = float(event.get("delta", 0) or 0)
            meter = self.meter_label(str(event.get("meter")), mark_hidden=False)
            return f"{meter} {format_delta(delta)}{tail}"
        if action == "set_flag":
            return f"{event.get('flag')} = {'on' if event.get('value', True) else 'off'}{tail}"
        if action == "jump":
            return f"to “{self.node_title(str(event.get('node')))}”{tail}"
        if action == "force_answer":
            result = self.status_label(str(event.get("result"))).lower()
            return f"{self.channel_label(str(event.get('channel')))}: {result}{tail}"
        if action in ("pause", "resume"):
            who = {"trainee": " by the trainees",
                   "facilitator": " by the facilitator"}.get(str(event.get("by")), "")
            return "scenario clock and decision timer " + (
                "stopped" if action == "pause" else "running again") + who
        # No raw keys: "time_limit: 90" reads "time limit: 90"; who made it is the heading's.
        extras = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in event.details
                           if k not in ("reason", "by") and v not in (None, ""))
        return ", ".join(p for p in (extras, reason) if p)

    @staticmethod
    def told_by_call(event: ChannelChanged) -> bool:
        """A channel change a call's own line already tells (the request, the answer)."""
        return event.after == "requested" or event.cause.type in ("counterpart", "answer")

    @staticmethod
    def action_label(action: str) -> str:
        return ACTION_LABELS.get(action, action.replace("_", " ").title())

    # -- one event, one line ---------------------------------------------

    def line(self, event: Event, *, timed_out: bool = False) -> Line | None:
        """The event in words, or None when this audience does not see it.

        Args:
            event: The event.
            timed_out: The decision behind the event was the time-out rule
                (its causes then read "running out of time").
        """
        if not self.shows(event):
            return None
        describe = self._lines.get(event.type)
        if describe is None:
            return Line(event.type.replace("_", " ").title(), "")
        if isinstance(event, (MeterChanged, ChannelChanged, FlagChanged)) and timed_out:
            return self._change_line(event, timed_out=True)
        return describe(event)

    def lines(self, events: Sequence[Event], *, fold: bool = True) -> list[tuple[Event, Line]]:
        """Every event this audience sees, with its line (time-outs carried along).

        Args:
            events: Events in order.
            fold: Leave out what a neighbour already says: a channel change a
                call's line tells (:meth:`told_by_call`), and a signal that
                repeats its call's reason.
        """
        out: list[tuple[Event, Line]] = []
        timed_out = False
        last_call: CallResolved | None = None
        for event in events:
            if isinstance(event, DecisionTaken):
                timed_out = event.timed_out
            elif isinstance(event, CallResolved):
                last_call = event
            if fold and isinstance(event, ChannelChanged) and self.told_by_call(event):
                continue
            if (fold and isinstance(event, CounterpartSignal) and last_call is not None
                    and last_call.channel == event.channel and last_call.reason == event.text):
                continue
            line = self.line(event, timed_out=timed_out)
            if line is not None:
                out.append((event, line))
        return out

    def _line_session_started(self, e: SessionStarted) -> Line:
        title = self.scenario.model.title if self.scenario is not None else e.scenario
        text = f"{title} (version {e.version})"
        if not self.for_trainee:
            text += f", seed {e.seed}, content {e.content_hash}"
        return Line("Session", text)

    def _line_node_entered(self, e: NodeEntered) -> Line:
        spec = self.scenario.nodes.get(e.node) if self.scenario is not None else None
        return Line("Situation", e.title, spec.brief.strip() if spec is not None else "")

    def _line_inject(self, e: InjectShown) -> Line:
        heading = self.inject_kind_label(e.kind)
        if e.facilitator and not self.for_trainee:
            heading = "Facilitator inject"
        via = f" via {self.channel_label(e.channel)}" if e.channel else ""
        to = ""
        if e.to and not self.for_trainee:
            to = " → " + ", ".join(self.role_title(r) for r in e.to)
        return Line(heading, f"{e.sender}{via}{to}: {' '.join(e.text.split())}")

    def _line_decision(self, e: DecisionTaken) -> Line:
        text = f"Chose “{e.label}”"
        if e.channel:
            text += f" via {self.channel_label(e.channel)}"
        if e.timed_out:
            text += " (time ran out)"
        if not self.for_trainee:
            text += f" [{self.option_kind_label(e.kind).lower()}, option {e.option}]"
        if e.votes:
            text += "; votes " + ", ".join(f"{self.role_title(r)}: {o}" for r, o in e.votes)
        if e.seconds is not None:
            text += f" in {format_number(float(e.seconds))} s"
        detail = f"why: {e.rationale}" if e.rationale else ""
        return Line("Decision", text, detail)

    def _change_line(self, e: MeterChanged | ChannelChanged | FlagChanged, *,
                     timed_out: bool = False) -> Line:
        because = self.cause(e.cause, timed_out=timed_out)
        if isinstance(e, MeterChanged):
            text = (f"{self.meter_label(e.meter)} {format_number(e.before)} → "
                    f"{format_number(e.after)} ({format_delta(e.delta)})")
            heading = "Meter"
        elif isinstance(e, ChannelChanged):
            text = (f"{self.channel_label(e.channel)}: {self.status_words(e.before)} → "
                    f"{self.status_words(e.after)}")
            heading = "Channel"
        else:
            text = f"flag {e.flag} {'set' if e.value else 'cleared'}"
            heading = "Flag"
        return Line(heading, text + (f", because of {because}" if because else ""))

    def _line_meter(self, e: MeterChanged) -> Line:
        return self._change_line(e)

    def _line_flag(self, e: FlagChanged) -> Line:
        return self._change_line(e)

    def _line_channel(self, e: ChannelChanged) -> Line:
        return self._change_line(e)

    def _line_call(self, e: CallResolved) -> Line:
        text = f"{self.channel_label(e.channel)}: {self.status_label(e.result)}. {e.reason}"
        odds = self.odds(e.acceptance, e.delay, e.result)
        return Line("Counterpart", text.strip() + (f" ({odds})" if odds else ""))

    def _line_signal(self, e: CounterpartSignal) -> Line:
        return Line("Counterpart", f"{self.channel_label(e.channel)} "
                    f"({self.status_words(e.status)}): {e.text}")

    def _line_call_answered_late(self, e: LateAnswer) -> Line:
        return Line("Counterpart", f"{self.channel_label(e.channel)}: answered late "
                    f"(requested at turn {e.requested_turn + 1}). {e.text}".strip())

    def _line_leadership(self, e: LeadershipDecided) -> Line:
        changes = "; ".join(
            f"{AUTHORITY_LABELS.get(c.level, c.level)} contact "
            + (f"{c.before} → {c.after}" if c.before != c.after else f"stays {c.after}")
            for c in e.levels)
        return Line("Leadership", e.text.strip(), changes)

    def _line_price(self, e: PriceChanged) -> Line:
        demand = e.demand.strip().rstrip(".")
        if e.after == "demanded" and e.before == "none":
            return Line("Demand", f"The counterpart demands: {demand}.")
        because = self.cause(e.cause)
        text = f"{demand}: {PRICE_STATUS_WORDS.get(e.after, e.after)}"
        return Line("Demand", text + (f", because of {because}" if because else ""))

    def _line_pressure(self, e: PressureRead) -> Line:
        level = AUTHORITY_LABELS.get(e.level, e.level)
        return Line("Pressure", f"{self.channel_label(e.channel)}: asked again while refused "
                    f"({e.pressure} repeated {level} request(s) so far). {e.text}".strip())

    def _line_outcome(self, e: OutcomeDrawn) -> Line:
        return Line("Outcome", e.text)

    @staticmethod
    def actor(event: FacilitatorAction) -> str:
        """Who made a facilitator-kind input: ``Trainees`` for the trainees' own pause."""
        return "Trainees" if event.get("by") == "trainee" else "Facilitator"

    def _line_facilitator(self, e: FacilitatorAction) -> Line:
        # A pause or resume is credited to whoever made it: the trainees' own is theirs.
        return Line(f"{self.actor(e)} · {self.action_label(e.action)}", self.action(e))

    def _line_ending(self, e: EndingReached) -> Line:
        return Line("Ending", f"{e.title} ({e.tone})", e.text)

    def _line_score(self, e: ScoreGiven) -> Line:
        return Line("Score", f"{format_number(e.total)} / 100",
                    f"escalation severity total {format_number(e.severity_total)}")
