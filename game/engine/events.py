"""The engine's events: one frozen type per kind, and one registry of kinds.

An event is a change record: what the engine decided, with the scenario clock
and turn at which it happened. The engine returns them in
:class:`~game.engine.session.TurnResult` and keeps them in ``Session.events``;
the debrief, the trainee's screens, the facilitator console and the terminal
transcript read them through :mod:`game.engine.describe`, never by looking up
keys in a dict.

Adding an event kind
    Write its frozen class below (``type`` = the kind's name), add ONE entry
    to :data:`EVENT_KINDS` (its class and whether trainees may see it at
    all), and give :mod:`game.engine.describe` its lines. Nothing else reads
    the kinds one by one.

Wire form
    :meth:`Event.to_dict` gives the plain JSON form (``seq``, ``turn``,
    ``clock``, ``type`` and the kind's fields) that :meth:`Session.events_json`
    serialises; it is byte-for-byte the form events had before they were
    typed, so recorded determinism figures and exports keep their meaning.
    :func:`event_from_dict` reads it back. Tuples stand for JSON lists, pairs
    for JSON objects (``votes``, ``ratings``), so an event is immutable.

Schema version
    :data:`SCHEMA_VERSION` is the version of the whole vocabulary; each kind
    also carries ``schema`` (bumped when that kind's fields change). Readers
    of exported events check it before trusting the fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, NamedTuple

#: Version of the event vocabulary (bump when a kind changes incompatibly).
SCHEMA_VERSION = 1


class Cause(NamedTuple):
    """Why a meter, flag or channel changed.

    A NamedTuple, not a dataclass: the engine makes one for every effect it
    applies, also in batch play that keeps no events, so it must cost no
    more than a tuple.

    Attributes:
        type: ``option``, ``outcome``, ``counterpart``, ``answer``, ``price`` or
            ``facilitator``.
        ref: The option, outcome, channel, price or facilitator action id.
        text: The cause in words (the option's label, the counterpart's reason…).
        rule: The scenario rule (an effect's source text) that applied, if any.
    """

    type: str
    ref: str
    text: str
    rule: str | None = None

    def with_rule(self, rule: str | None) -> Cause:
        """The same cause naming the rule that applied (None: unchanged)."""
        # tuple.__new__ directly: this runs for every recorded effect.
        return self if rule is None else tuple.__new__(Cause, (self[0], self[1], self[2], rule))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "ref": self.ref, "text": self.text}
        if self.rule is not None:
            data["rule"] = self.rule
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cause:
        return cls(str(data.get("type", "")), str(data.get("ref", "")),
                   str(data.get("text", "")), data.get("rule"))


def _plain(value: Any) -> Any:
    """Tuples back to JSON lists, recursively (the wire form)."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _frozen(value: Any) -> Any:
    """JSON lists to tuples, recursively (the typed form)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


_PLAIN, _OMIT, _CAUSE, _PAIRS = "plain", "omit", "cause", "pairs"
_PLANS: dict[type, tuple[tuple[str, str, Any], ...]] = {}


def _plan(cls: type[Event]) -> tuple[tuple[str, str, Any], ...]:
    """How each field of a kind is written (worked out once per kind: to_dict is hot)."""
    plan = _PLANS.get(cls)
    if plan is None:
        rows = []
        for f in fields(cls):
            if f.name in ("seq", "turn", "clock"):
                continue
            if f.name in cls._omit_default:
                rows.append((f.name, _OMIT, cls._omit_default[f.name]))
            elif f.name == "cause":
                rows.append((f.name, _CAUSE, None))
            elif f.name in cls._pairs:
                rows.append((f.name, _PAIRS, None))
            else:
                rows.append((f.name, _PLAIN, None))
        plan = _PLANS[cls] = tuple(rows)
    return plan


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Fields every event has.

    Attributes:
        seq: Position in the session's event log (0-based).
        turn: Decisions taken before this event (0-based turn number).
        clock: The scenario clock (the time of the node being played).
    """

    seq: int
    turn: int
    clock: str

    type: ClassVar[str] = ""
    #: The kind's own schema version (bump when its fields change).
    schema: ClassVar[int] = 1
    #: Fields written to the wire only when they differ from this value.
    _omit_default: ClassVar[Mapping[str, Any]] = {}
    #: Fields held as ``((key, value), ...)`` and written as JSON objects.
    _pairs: ClassVar[frozenset[str]] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        """The plain JSON form (see the module docstring)."""
        data: dict[str, Any] = {"seq": self.seq, "turn": self.turn, "clock": self.clock,
                                "type": self.type}
        for name, how, default in _plan(type(self)):
            value = getattr(self, name)
            if how is _PLAIN:
                data[name] = _plain(value) if value.__class__ is tuple else value
            elif how is _OMIT:
                if value != default:
                    data[name] = value
            elif how is _CAUSE:
                data[name] = value.to_dict()
            else:  # pairs, written as a JSON object
                data[name] = None if value is None else {k: _plain(v) for k, v in value}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        """Read the plain JSON form of this kind back."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                if f.name in cls._omit_default:
                    values[f.name] = cls._omit_default[f.name]
                continue
            value = data[f.name]
            if f.name == "cause":
                values[f.name] = Cause.from_dict(value)
            elif f.name in cls._pairs and value is not None:
                values[f.name] = tuple((k, _frozen(v)) for k, v in value.items())
            else:
                values[f.name] = _frozen(value)
        return cls(**values)


# --------------------------------------------------------------------------
# The kinds
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionStarted(Event):
    """The first event: what is played, on which version, with which seed."""

    type: ClassVar[str] = "session_started"
    scenario: str
    version: str
    content_hash: str
    seed: int
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeEntered(Event):
    """The session arrived at a decision point."""

    type: ClassVar[str] = "node_entered"
    node: str
    title: str
    time: str


@dataclass(frozen=True, slots=True, kw_only=True)
class InjectShown(Event):
    """A message reached the table (written in the scenario, or a facilitator's).

    ``index`` is the inject's position in its node (-1 for a facilitator's);
    ``to`` lists the roles it is addressed to (empty: everyone).
    """

    type: ClassVar[str] = "inject"
    _omit_default: ClassVar[Mapping[str, Any]] = {"facilitator": False}
    node: str
    index: int
    sender: str
    kind: str
    channel: str | None
    text: str
    to: tuple[str, ...]
    facilitator: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionTaken(Event):
    """The trainee's (or team's) choice, with the rationale and timing."""

    type: ClassVar[str] = "decision"
    _pairs: ClassVar[frozenset[str]] = frozenset({"votes"})
    node: str
    option: str
    kind: str
    label: str
    channel: str | None
    severity: str
    severity_weight: int
    rationale: str | None
    role: str | None
    votes: tuple[tuple[str, str], ...] | None
    vote_rule: str | None
    seconds: float | None
    timed_out: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterChanged(Event):
    """A meter moved (already clamped to its range), and why."""

    type: ClassVar[str] = "meter"
    meter: str
    before: float
    after: float
    delta: float
    cause: Cause


@dataclass(frozen=True, slots=True, kw_only=True)
class FlagChanged(Event):
    """A flag was set or cleared, and why."""

    type: ClassVar[str] = "flag"
    flag: str
    value: bool
    cause: Cause


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelChanged(Event):
    """A channel's status changed, and why."""

    type: ClassVar[str] = "channel"
    channel: str
    before: str
    after: str
    cause: Cause


@dataclass(frozen=True, slots=True, kw_only=True)
class CallResolved(Event):
    """How the counterpart met a call: the result, the chance and the reasons.

    ``level`` is the leadership level the channel needs (``political``,
    ``military``, ``working``; None: no gate) and ``gate`` what decided:
    ``facilitator``, ``precondition``, ``suspended``, ``withheld`` (the level
    was not authorised), ``standing`` (an earlier refusal stood) or ``roll``.
    """

    type: ClassVar[str] = "call"
    schema: ClassVar[int] = 2
    _omit_default: ClassVar[Mapping[str, Any]] = {"level": None, "gate": ""}
    channel: str
    result: str
    acceptance: float
    delay: int
    reason: str
    factors: tuple[tuple[str, float], ...]
    level: str | None = None
    gate: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CounterpartSignal(Event):
    """What a refusal, a silence or a ringing line says."""

    type: ClassVar[str] = "signal"
    channel: str
    status: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LateAnswer(Event):
    """A call placed turns ago was answered now."""

    type: ClassVar[str] = "call_answered_late"
    channel: str
    requested_turn: int
    text: str


class LevelShift(NamedTuple):
    """One level's state after a leadership decision (``before`` may equal ``after``)."""

    level: str
    before: str
    after: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LeadershipDecided(Event):
    """A decision of the counterpart's leadership that the scenario names
    (a leaders' call, a political contact answered, a price paid, time):
    which levels of its system may now talk (``authorised``) and which not
    (``withheld``)."""

    type: ClassVar[str] = "leadership"
    event: str
    text: str
    levels: tuple[LevelShift, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "turn": self.turn, "clock": self.clock, "type": self.type,
                "event": self.event, "text": self.text,
                "levels": [{"level": c.level, "before": c.before, "after": c.after}
                           for c in self.levels]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LeadershipDecided:
        return cls(seq=int(data["seq"]), turn=int(data["turn"]), clock=str(data["clock"]),
                   event=str(data["event"]), text=str(data["text"]),
                   levels=tuple(LevelShift(str(c["level"]), str(c["before"]), str(c["after"]))
                                for c in data["levels"]))


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceChanged(Event):
    """A demand of the counterpart was raised, paid, refused or deferred
    (statuses: none, demanded, deferred, paid, refused)."""

    type: ClassVar[str] = "price"
    price: str
    demand: str
    before: str
    after: str
    cause: Cause


@dataclass(frozen=True, slots=True, kw_only=True)
class PressureRead(Event):
    """A request repeated while a refusal on its level was outstanding: the
    counterpart reads it as pressure (``pressure`` is the level's new count)."""

    type: ClassVar[str] = "pressure"
    level: str
    channel: str
    pressure: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeDrawn(Event):
    """A probabilistic outcome of an option happened."""

    type: ClassVar[str] = "outcome"
    option: str
    outcome: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FacilitatorAction(Event):
    """A facilitator's action or note (inject is :class:`InjectShown`).

    ``details`` are the facilitator's input as recorded (minus its type), in
    order: ``reason``, ``text``, ``meter``/``delta``, ``flag``/``value``,
    ``node``, ``channel``/``result``, ``time_limit``/``every``; a pause or
    resume has ``by`` (``trainee`` or ``facilitator``: who made it)…
    """

    type: ClassVar[str] = "facilitator"
    action: str
    details: tuple[tuple[str, Any], ...] = ()

    def get(self, name: str, default: Any = None) -> Any:
        """One of the action's details (``reason``, ``meter``, ``node``…)."""
        return next((v for k, v in self.details if k == name), default)

    @property
    def reason(self) -> str:
        return str(self.get("reason") or "")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"seq": self.seq, "turn": self.turn, "clock": self.clock,
                                "type": self.type, "action": self.action}
        data.update(self.details)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FacilitatorAction:
        rest = tuple((k, v) for k, v in data.items()
                     if k not in ("seq", "turn", "clock", "type", "action"))
        return cls(seq=int(data["seq"]), turn=int(data["turn"]), clock=str(data["clock"]),
                   action=str(data["action"]), details=rest)


@dataclass(frozen=True, slots=True, kw_only=True)
class EndingReached(Event):
    """The session ended."""

    type: ClassVar[str] = "ending"
    ending: str
    title: str
    tone: str
    text: str


class ScoreLine(NamedTuple):
    """One part of the score as the engine computed it (a NamedTuple: cheap in batch play)."""

    key: str
    label: str
    points: float
    max: float
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreGiven(Event):
    """The score, its parts and the objective ratings (the last event).

    ``reasons`` say in words why each objective got its rating (what the
    trainee did or did not do); batch play that keeps no events gives none.
    """

    type: ClassVar[str] = "score"
    schema: ClassVar[int] = 2
    _pairs: ClassVar[frozenset[str]] = frozenset({"ratings", "reasons"})
    total: float
    severity_total: int
    parts: tuple[ScoreLine, ...]
    ratings: tuple[tuple[str, str | None], ...]
    reasons: tuple[tuple[str, str], ...] = ()

    def rating(self, objective: str) -> str | None:
        return next((code for key, code in self.ratings if key == objective), None)

    def reason(self, objective: str) -> str:
        """Why the objective got its rating, in words ('' when not recorded)."""
        return next((why for key, why in self.reasons if key == objective), "")

    def to_dict(self) -> dict[str, Any]:
        data = {"seq": self.seq, "turn": self.turn, "clock": self.clock, "type": self.type,
                "total": self.total, "severity_total": self.severity_total,
                "parts": [{"key": p.key, "label": p.label, "points": p.points, "max": p.max,
                           "detail": p.detail} for p in self.parts],
                "ratings": dict(self.ratings)}
        if self.reasons:
            data["reasons"] = dict(self.reasons)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreGiven:
        return cls(seq=int(data["seq"]), turn=int(data["turn"]), clock=str(data["clock"]),
                   total=data["total"], severity_total=data["severity_total"],
                   parts=tuple(ScoreLine(p["key"], p["label"], p["points"], p["max"],
                                         p["detail"]) for p in data["parts"]),
                   ratings=tuple(dict(data.get("ratings") or {}).items()),
                   reasons=tuple((str(k), str(v))
                                 for k, v in dict(data.get("reasons") or {}).items()))


# --------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EventKind:
    """One row of the registry.

    Attributes:
        cls: The kind's frozen type.
        trainee: Whether trainees may see events of this kind at all. The
            describer refines it (a meter event of a hidden meter is not
            shown either); see :func:`game.engine.describe.trainee_may_see`.
    """

    cls: type[Event]
    trainee: bool


#: Every event kind, by its wire name. Adding a kind = one entry here.
EVENT_KINDS: dict[str, EventKind] = {
    kind.cls.type: kind
    for kind in (
        EventKind(SessionStarted, trainee=True),
        EventKind(NodeEntered, trainee=True),
        EventKind(InjectShown, trainee=True),
        EventKind(DecisionTaken, trainee=True),
        EventKind(MeterChanged, trainee=True),
        EventKind(FlagChanged, trainee=False),
        EventKind(ChannelChanged, trainee=True),
        EventKind(CallResolved, trainee=True),
        EventKind(CounterpartSignal, trainee=True),
        EventKind(LateAnswer, trainee=True),
        EventKind(LeadershipDecided, trainee=False),
        EventKind(PriceChanged, trainee=True),
        EventKind(PressureRead, trainee=False),
        EventKind(OutcomeDrawn, trainee=True),
        EventKind(FacilitatorAction, trainee=False),
        EventKind(EndingReached, trainee=True),
        EventKind(ScoreGiven, trainee=True),
    )
}


class UnknownEventError(ValueError):
    """An event of a kind this build does not know (a newer Hotline wrote it?)."""


def event_from_dict(data: Mapping[str, Any]) -> Event:
    """Read one event's plain JSON form.

    Raises:
        UnknownEventError: The ``type`` is not in :data:`EVENT_KINDS`.
    """
    kind = EVENT_KINDS.get(str(data.get("type")))
    if kind is None:
        raise UnknownEventError(
            f"unknown event type {data.get('type')!r} (this Hotline knows "
            f"{', '.join(sorted(EVENT_KINDS))}; event schema v{SCHEMA_VERSION})")
    try:
        return kind.cls.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UnknownEventError(f"a {kind.cls.type!r} event is malformed ({exc}): "
                                f"{dict(data)!r}"[:400]) from None


def events_to_dicts(events: Iterable[Event]) -> list[dict[str, Any]]:
    """The plain JSON form of several events."""
    return [e.to_dict() for e in events]


def events_from_dicts(data: Iterable[Mapping[str, Any]]) -> list[Event]:
    """Several events from their plain JSON form."""
    return [event_from_dict(d) for d in data]
