"""A crisis session: the engine's public API.

A session's truth is the scenario (id + content hash), the seed and the
ordered list of inputs. Every other thing — meters, channel statuses, the
event log, the score — is derived by replaying those inputs, so the same
scenario, seed and inputs always give byte-identical events
(:meth:`Session.events_json`).

Events are frozen typed records (:mod:`game.engine.events`: one class per
kind, one registry, a schema version) with ``seq``, ``turn`` and ``clock``
(the node's scenario time); :meth:`Session.events_json` writes their plain
JSON form. :mod:`game.engine.describe` is the one place that turns them into
words for trainees, facilitators and the debrief.

The counterpart's side (:mod:`game.engine.leadership`, :mod:`game.engine.prices`)
adds three kinds: ``leadership`` (:class:`~game.engine.events.LeadershipDecided`:
a decision of its leadership that the scenario names, with the levels it
authorised or withheld), ``price`` (:class:`~game.engine.events.PriceChanged`:
a demand raised, paid, refused or deferred) and ``pressure``
(:class:`~game.engine.events.PressureRead`: a request repeated while a refusal
on its level stood). A ``call`` event names the leadership ``level`` its
channel needs and the ``gate`` that decided; the ``score`` event gives the
``reasons`` of each rating in words.

The lifecycle (``session.phase``) is a plain enum shared by live and batch
play (:mod:`game.engine.phases`). A live session is also attached to its
scenario's crisis flow machine; batch sessions walk the machine's table.

Typical use::

    session = Session.start(scenario, seed=7)
    while not session.ended:
        view = session.current()
        result = session.choose(view.options[0].id, rationale="why")
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from game.scenario.compile import (
    CompiledEnding,
    CompiledLeadershipEvent,
    CompiledOption,
    CompiledPrice,
    CompiledScenario,
)
from game.scenario.expr import Effect, compile_effect
from game.scenario.models import AUTHORITY_LEVELS, END, MAX_TURNS, Node
from game.vocabulary import OPTION_KINDS

from . import leadership, prices, scoring
from .counterpart import resolve_call, signal
from .events import (
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
    LevelShift,
    MeterChanged,
    NodeEntered,
    OutcomeDrawn,
    PressureRead,
    PriceChanged,
    ScoreGiven,
    ScoreLine,
    SessionStarted,
)
from .machines import flow_machine, flow_table, flow_trigger
from .phases import PAUSABLE, Phase

E = TypeVar("E", bound=Event)

# Causes are only read when events are kept; batch play that keeps none
# passes this one instead of building a cause per effect.
_UNRECORDED = Cause("", "", "")
# Option kinds that place a call on their channel (game.vocabulary's column).
_CALL_KINDS = frozenset(k.id for k in OPTION_KINDS.values() if k.places_call)
# Enum members are looked up through a descriptor; the hot path uses these.
_PAUSED, _CONSEQUENCES = Phase.PAUSED, Phase.CONSEQUENCES


class EngineError(ValueError):
    """An input the session cannot accept (unknown option, session ended …)."""


@dataclass(frozen=True)
class OptionView:
    """An option as the trainee sees it."""

    id: str
    kind: str
    label: str
    description: str
    channel: str | None
    channel_label: str | None


@dataclass(frozen=True)
class TurnView:
    """What the trainee sees at the current decision point."""

    node: str
    title: str
    time: str
    brief: str
    prompt: str
    role: str | None
    time_limit: int | None
    turn: int
    phase: str
    options: tuple[OptionView, ...]
    injects: tuple[InjectShown, ...]


class TurnResult(NamedTuple):
    """The change record of one input: the events it produced (a NamedTuple: batch
    play makes one per decision)."""

    events: tuple[Event, ...]
    ended: bool
    ending: EndingReached | None = None

    def of(self, cls: type[E]) -> list[E]:
        """The events of one kind, e.g. ``result.of(MeterChanged)``."""
        return [e for e in self.events if isinstance(e, cls)]

    def of_type(self, kind: str) -> list[Event]:
        """The events of one kind, by its wire name (``"meter"``)."""
        return [e for e in self.events if e.type == kind]


@dataclass
class _Pending:
    channel: str
    due_turn: int
    requested_turn: int
    option: str


@dataclass(frozen=True)
class Snapshot:
    """A session's whole state at one moment (see :meth:`Session.snapshot`)."""

    rng_state: Any
    values: dict[str, Any]


#: Who may pause or resume a session (the ``by`` of a pause or resume input).
PAUSERS = ("trainee", "facilitator")

# Every attribute that _reset() initialises and play changes.
_STATE = (
    "seed", "meters", "peaks", "flags", "channels", "contact", "visited", "recent", "turn",
    "call_status", "events", "inputs", "path", "severity_total", "answered_calls",
    "first_contact_turn", "pending", "forced", "paused_from", "outcome", "phase", "node",
    "_shown", "_clock",
    # the counterpart's leadership, prices and the trainee's requests (see leadership.py)
    "leadership", "leader_why", "fired", "refusals", "decided", "decided_turn", "pressure",
    "prices", "asked", "answers",
    # derived from prices and fired, kept so the check on entering a node skips what is
    # settled: the prices not raised yet and the leadership events not taken yet
    "_unraised", "_untaken",
)


_NO_REFUSALS: dict[str, str] = dict.fromkeys(AUTHORITY_LEVELS, "")
_NO_COUNTS: dict[str, int] = dict.fromkeys(AUTHORITY_LEVELS, 0)


# Module functions, not comprehensions inside the methods: a comprehension that reads
# ``self`` makes it a closure cell on every call of a method batch play calls each turn.
def _still_unraised(pending: list[CompiledPrice], status: dict[str, str]) -> list[CompiledPrice]:
    return [p for p in pending if status[p.id] == "none"]


def _still_untaken(pending: list[CompiledLeadershipEvent],
                   fired: set[int]) -> list[CompiledLeadershipEvent]:
    return [e for e in pending if e.index not in fired]


def _due(pending: list[_Pending], turn: int) -> tuple[list[_Pending], list[_Pending]]:
    """The answers due at ``turn``, and those still to come."""
    return ([p for p in pending if p.due_turn <= turn],
            [p for p in pending if p.due_turn > turn])


def _copied(value: Any) -> Any:
    # Containers are copied one level deep: their items (events, inputs,
    # pending answers) are never changed once written.
    return value.copy() if isinstance(value, (list, dict, set)) else value


@dataclass
class Outcome:
    """How a finished session ended."""

    ending_id: str
    title: str
    tone: str
    score: float
    parts: list[scoring.ScorePart] = field(default_factory=list)
    ratings: dict[str, str | None] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)


class Session:
    """One trainee's (or team's) play of a scenario.

    ``phase`` is the lifecycle (:class:`~game.engine.phases.Phase`). A live
    session is a model attached to its scenario's crisis flow machine
    (attribute ``node``); see :meth:`attach` and :meth:`detach`.
    """

    phase: Phase
    node: str

    # --- construction ------------------------------------------------------
    def __init__(
        self,
        scenario: CompiledScenario,
        seed: int = 0,
        roles: Sequence[str] = (),
        *,
        batch: bool = False,
        record: bool = True,
    ) -> None:
        """Attach a new session to the scenario's machines.

        Args:
            scenario: The compiled scenario.
            seed: Seeds the session's only source of randomness.
            roles: The roles being played (empty: every role).
            batch: For headless and off-thread play: the session is not
                attached to the flow machine, whose table it walks instead of
                dispatching event by event. The event log is identical.
                :meth:`attach` makes it live later.
            record: Keep the event log. Monte Carlo play that only needs the
                ending, score, meters and path turns it off (``ending`` and
                ``score`` events are still kept).
        """
        self.scenario = scenario
        self.record = record
        self._flow = flow_machine(scenario)
        self._table = flow_table(scenario)
        self._early = tuple(e for e in scenario.endings if e.ending.early)
        self._attached = False
        self.roles = tuple(roles)
        self._reset(seed)
        if not batch:
            self.attach()

    def _reset(self, seed: int) -> None:
        model = self.scenario.model
        self.seed = seed
        self.rng = random.Random(seed)
        self.meters: dict[str, float] = {m.id: float(m.initial) for m in model.meters}
        self.peaks: dict[str, float] = dict(self.meters)
        self.flags: set[str] = {f.id for f in model.flags if f.initial}
        self.channels: dict[str, str] = {c.id: c.initial for c in model.channels}
        self.contact: set[str] = set()
        self.visited: set[str] = set()
        self.recent: dict[str, int] = {}
        self.turn = 0
        self.call_status: str | None = None
        self.recent_turns = model.counterpart.recent_turns
        self.events: list[Event] = []
        self.inputs: list[dict[str, Any]] = []
        self.path: list[tuple[str, str]] = []
        self.severity_total = 0
        self.answered_calls = 0
        self.first_contact_turn: int | None = None
        self.pending: list[_Pending] = []
        self.forced: dict[str, str] = {}
        self.paused_from = Phase.BRIEFING
        self.outcome: Outcome | None = None
        self.leadership, self.leader_why = leadership.initial(self.scenario)
        self.fired: set[int] = set()
        self.refusals: dict[str, str] = _NO_REFUSALS.copy()
        self.decided: dict[str, str] = _NO_REFUSALS.copy()
        self.decided_turn: dict[str, int] = _NO_COUNTS.copy()
        self.pressure: dict[str, int] = _NO_COUNTS.copy()
        self.prices: dict[str, str] = prices.initial(self.scenario)
        self._unraised = list(self.scenario.prices)
        self._untaken = list(self.scenario.leadership_events)
        self.asked: dict[str, int] = {}
        self.answers: list[tuple[int, str]] = []
        self.phase = Phase.BRIEFING
        self._available: list[CompiledOption] | None = None
        self._clock = self.scenario.nodes[self.scenario.start].time
        self.node = self.scenario.start
        self._shown: tuple[InjectShown, ...] = ()
        if self.record:
            self._add(SessionStarted(
                seq=0, turn=0, clock=self._clock, scenario=model.id, version=model.version,
                content_hash=self.scenario.content_hash, seed=seed, roles=self.roles,
            ))
        self._enter_node(self.scenario.start)

    @classmethod
    def start(cls, scenario: CompiledScenario, seed: int = 0, roles: Sequence[str] = ()) -> Session:
        """Start a new session at the scenario's first node (phase ``briefing``)."""
        return cls(scenario, seed, roles)

    @classmethod
    def replay(
        cls,
        scenario: CompiledScenario,
        seed: int,
        inputs: Iterable[Mapping[str, Any]],
        roles: Sequence[str] = (),
        *,
        batch: bool = False,
    ) -> Session:
        """Rebuild a session by applying recorded inputs in order."""
        session = cls(scenario, seed, roles, batch=batch)
        for data in inputs:
            session.apply(data)
        return session

    def restart(self, seed: int) -> None:
        """Reuse this object for a fresh game (batch play avoids re-attaching models)."""
        self._reset(seed)

    @property
    def batch(self) -> bool:
        """Whether the flow is walked from the table (not attached to the machine)."""
        return not self._attached

    @property
    def attached(self) -> bool:
        """Whether the session is a model of its scenario's flow machine."""
        return self._attached

    def attach(self) -> None:
        """Become a model of the scenario's flow machine, at the current node.

        Call it on the thread that plays the session: a `transitions` Machine
        is not thread-safe, so sessions built off the GUI thread are built
        detached (``batch=True``) and attached once they are handed over.
        The recorded-session service (:mod:`game.sessions`) does this.
        """
        if not self._attached:
            self._flow.add_model(self, initial=self.node)
            self._attached = True

    def detach(self) -> None:
        """Let go of the flow machine (it keeps every attached model until told)."""
        if self._attached:
            if self in self._flow.models:
                self._flow.remove_model(self)
            self._attached = False

    def snapshot(self) -> Snapshot:
        """Save the whole state, to try moves and come back (forks, lookahead)."""
        return Snapshot(self.rng.getstate(), {k: _copied(getattr(self, k)) for k in _STATE})

    def restore(self, snapshot: Snapshot) -> None:
        """Return to a saved state exactly, random stream included.

        The snapshot may come from another session of the same scenario.
        """
        self.rng.setstate(snapshot.rng_state)
        for key, value in snapshot.values.items():
            setattr(self, key, _copied(value))
        self._available = None

    # --- reading -----------------------------------------------------------
    @property
    def ended(self) -> bool:
        return self.outcome is not None

    @property
    def paused_by(self) -> str | None:
        """Who made the pause in force: ``trainee``, ``facilitator`` or None (not paused,
        or a pause journaled before pauses said who made them)."""
        if self.phase != Phase.PAUSED:
            return None
        last = next((d for d in reversed(self.inputs) if d.get("type") == "pause"), None)
        by = last.get("by") if last is not None else None
        return by if by in PAUSERS else None

    def proceed(self) -> bool:
        """Leave the briefing or the consequences for the decision (not an input).

        A choice proceeds by itself, so replaying inputs never needs this; the
        UI calls it when the trainee presses Continue (also while paused: the
        session then resumes to the decision).

        Returns:
            Whether the phase changed.
        """
        if self.phase in (Phase.BRIEFING, Phase.CONSEQUENCES):
            self.phase = Phase.DECIDING
            return True
        if self.phase == Phase.PAUSED and self.paused_from != Phase.DECIDING:
            self.paused_from = Phase.DECIDING  # Continue pressed while paused
            return True
        return False

    @property
    def clock(self) -> str:
        """The scenario clock: the time of the node being played (or last played)."""
        return self._clock

    def available(self) -> list[CompiledOption]:
        """Options the trainee may pick at the current node."""
        if self._available is not None:
            return self._available
        if self.ended or self.node == END:
            return []
        found = [
            o for o in self.scenario.options[self.node] if o.available is None or o.available(self)
        ]
        # State only changes inside apply(), which clears this.
        self._available = found
        return found

    def options(self) -> list[OptionView]:
        """The current options as the trainee sees them."""
        channels = self.scenario.channels
        return [
            OptionView(
                o.id,
                o.option.kind,
                o.option.label,
                o.option.description,
                o.option.channel,
                channels[o.option.channel].label if o.option.channel else None,
            )
            for o in self.available()
        ]

    def current(self) -> TurnView:
        """The decision point the trainee is looking at."""
        if self.ended:
            raise EngineError("the session has ended")
        node = self.scenario.nodes[self.node]
        return TurnView(
            node=node.id,
            title=node.title,
            time=node.time,
            brief=node.brief,
            prompt=node.decision.prompt,
            role=node.decision.role,
            time_limit=node.decision.time_limit,
            turn=self.turn,
            phase=self.phase,
            options=tuple(self.options()),
            injects=self._shown,
        )

    def team_roles(self) -> tuple[str, ...]:
        """The roles at the table: those the session was started with, else all."""
        return self.roles or tuple(r.id for r in self.scenario.model.roles)

    def tally(self, votes: Mapping[str, str]) -> str:
        """The option a team vote decides, by the node's stated rule.

        Args:
            votes: role id → option id, one per role at the table.

        Raises:
            EngineError: A role is missing or voted for an unavailable option.
        """
        decision = self.scenario.nodes[self.node].decision
        roles = self.team_roles()
        missing = [r for r in roles if r not in votes]
        if missing:
            raise EngineError(f"waiting for the vote of: {', '.join(missing)}")
        ids = {o.id for o in self.available()}
        bad = {r: o for r, o in votes.items() if o not in ids}
        if bad:
            raise EngineError(f"votes for options not available here: {bad}")
        ballots = [votes[r] for r in roles]
        if decision.vote == "unanimous":
            return ballots[0] if len(set(ballots)) == 1 else self.timeout_option()
        counts = {o: ballots.count(o) for o in ballots}
        best = max(counts.values())
        # A tie goes to the earliest role (the team lead) among the tied options.
        return next(o for o in ballots if counts[o] == best)

    def timeout_option(self) -> str:
        """The option taken when the decision clock runs out (scenario rule, else wait)."""
        node = self.scenario.nodes[self.node]
        available = [o.id for o in self.available()]
        if node.decision.on_timeout in available:
            return node.decision.on_timeout
        for option in self.available():
            if option.option.kind == "wait":
                return option.id
        return available[0]

    def events_json(self) -> str:
        """The event log as canonical JSON (byte-identical for identical inputs)."""
        return json.dumps([e.to_dict() for e in self.events], sort_keys=True,
                          ensure_ascii=False, separators=(",", ":"))

    # --- inputs ------------------------------------------------------------
    def choose(
        self,
        option_id: str,
        rationale: str | None = None,
        *,
        role: str | None = None,
        seconds: float | None = None,
        timed_out: bool = False,
        votes: Mapping[str, str] | None = None,
    ) -> TurnResult:
        """Take an option at the current node and resolve the turn.

        Args:
            option_id: The option taken.
            rationale: The trainee's "why?", kept for the debrief.
            role: Who decided (team play).
            seconds: Time taken to decide.
            timed_out: The decision clock ran out.
            votes: For team votes, each role's option; must tally to ``option_id``.
        """
        data: dict[str, Any] = {"type": "choose", "option": option_id}
        if votes:
            data["votes"] = dict(votes)
        if rationale:
            data["rationale"] = rationale
        if role:
            data["role"] = role
        if seconds is not None:
            data["seconds"] = round(float(seconds), 1)
        if timed_out:
            data["timed_out"] = True
        return self.apply(data)

    def validate_input(self, data: Mapping[str, Any]) -> None:
        """Raise EngineError when ``data`` cannot be applied now (before journaling it)."""
        kind = data.get("type")
        if self.ended and kind not in ("note",):
            raise EngineError("the session has ended")
        if kind == "choose":
            if self.turn >= MAX_TURNS:
                raise EngineError(
                    f"the session has taken {MAX_TURNS} decisions without reaching an ending; "
                    "the scenario's flow keeps looping (check it with `hotline lint`)")
            if self.phase is _PAUSED:
                raise EngineError("the session is paused; resume it first")
            option = data.get("option")
            for offered in self.available():  # a loop, not any(): this runs every turn
                if offered.id == option:
                    break
            else:
                ids = ", ".join(o.id for o in self.available())
                raise EngineError(f"'{option}' is not an option here; choose one of: {ids}")
            votes = data.get("votes")
            if votes and self.tally(votes) != option:
                raise EngineError(f"the team's votes decide '{self.tally(votes)}', not '{option}'")
        elif kind == "adjust":
            if data.get("meter") not in self.meters:
                raise EngineError(f"unknown meter '{data.get('meter')}'")
        elif kind == "set_flag":
            if data.get("flag") not in self.scenario.names.flags:
                raise EngineError(f"unknown flag '{data.get('flag')}'")
        elif kind == "jump":
            if data.get("node") not in self.scenario.nodes:
                raise EngineError(f"unknown node '{data.get('node')}'")
        elif kind == "force_answer":
            if data.get("channel") not in self.channels:
                raise EngineError(f"unknown channel '{data.get('channel')}'")
            if data.get("result") not in ("answered", "declined", "unanswered"):
                raise EngineError("result must be answered, declined or unanswered")
        elif kind in ("pause", "resume"):
            by = data.get("by")
            if by is not None and by not in PAUSERS:
                raise EngineError(f"a pause is made by {' or '.join(PAUSERS)}, not '{by}'")
            # Only the facilitator lifts the facilitator's pause.
            if kind == "resume" and by == "trainee" and self.paused_by == "facilitator":
                raise EngineError("the facilitator paused the session; only the facilitator "
                                  "can resume it")
        elif kind in ("inject", "note"):
            pass
        else:
            raise EngineError(f"unknown input type '{kind}'")

    def apply(self, data: Mapping[str, Any]) -> TurnResult:
        """Apply one recorded input (a choice or a facilitator action)."""
        self.validate_input(data)
        self.inputs.append(dict(data))
        self._available = None
        first = len(self.events)
        kind = data["type"]
        if kind == "choose":
            self._turn(data)
        else:
            self._facilitator(data)
        new = tuple(self.events[first:])
        ending = (next((e for e in new if isinstance(e, EndingReached)), None)
                  if self.outcome is not None else None)
        return TurnResult(new, self.ended, ending)

    # --- internals ---------------------------------------------------------
    # Events are built only when they are kept (``record``; the ending and
    # the score always are), so batch play that keeps none pays nothing.
    def _add(self, event: E) -> E:
        self.events.append(event)
        return event

    def _enter_node(self, node_id: str) -> None:
        node = self.scenario.nodes[node_id]
        self._clock = node.time
        self.visited.add(node_id)
        if self.record:
            self._add(NodeEntered(seq=len(self.events), turn=self.turn, clock=self._clock,
                                  node=node_id, title=node.title, time=node.time))
        # The leadership decides before any answer due now is delivered (a level
        # withheld since the request was made calls nobody back), and again after
        # one was (a political contact answered can be what it waited for).
        self._counterpart_update()
        if self._deliver_answers(node):
            self._counterpart_update()
        if not self.record:
            return  # injects change nothing but what is shown
        shown: list[InjectShown] = []
        for index, inject in enumerate(node.injects):
            when = self.scenario.injects_when.get((node_id, index))
            if when is not None and not when(self):
                continue
            shown.append(self._add(InjectShown(
                seq=len(self.events), turn=self.turn, clock=self._clock, node=node_id,
                index=index, sender=inject.sender, kind=inject.kind, channel=inject.channel,
                text=inject.text, to=tuple(inject.to),
            )))
        self._shown = tuple(shown)

    def _deliver_answers(self, node: Node) -> bool:
        """Deliver the answers due now; True when there were any."""
        if not self.pending:
            return False
        due, self.pending = _due(self.pending, self.turn)
        if not due:
            return False
        for pending in due:
            if self.channels[pending.channel] != "ringing":
                continue  # the facilitator or an effect settled it meanwhile
            level = self.scenario.authority.get(pending.channel)
            if level is not None and not self.leadership[level]:
                # The leadership withheld the level while the request waited:
                # nobody calls back.
                why = self.leader_why[level]
                self._set_channel(pending.channel, "unanswered",
                                  Cause("counterpart", pending.channel, why))
                if self.record:
                    self._add(CounterpartSignal(seq=len(self.events), turn=self.turn,
                                                clock=self._clock, channel=pending.channel,
                                                status="unanswered", text=why))
                continue
            if self.record:
                self._add(LateAnswer(
                    seq=len(self.events), turn=self.turn, clock=self._clock,
                    channel=pending.channel, requested_turn=pending.requested_turn,
                    text=signal(self.scenario, pending.channel, "answered"),
                ))
            self._answered(
                pending.channel, Cause("answer", pending.channel, "late answer to an earlier call")
            )
        return True

    def _answered(self, channel: str, cause: Cause) -> None:
        self._set_channel(channel, "answered", cause)
        level = self.scenario.channels[channel].level
        if level != "public":
            self.contact.update((channel, level, "any"))
            self.answers.append((self.turn, channel))
            self.answered_calls += 1
            if self.first_contact_turn is None:
                self.first_contact_turn = self.turn
        effects = self.scenario.answer_effects.get(channel, ())
        if effects:
            self._apply_effects(
                effects,
                Cause("answer", channel, f"{self.scenario.channels[channel].label} answered"),
            )

    def _set_channel(self, channel: str, status: str, cause: Cause) -> None:
        before = self.channels[channel]
        self.channels[channel] = status
        if self.record:
            self._add(ChannelChanged(seq=len(self.events), turn=self.turn, clock=self._clock,
                                     channel=channel, before=before, after=status, cause=cause))

    def _set_meter(self, meter: str, value: float, cause: Cause, rule: str | None = None) -> None:
        spec = self.scenario.meters[meter]
        before = self.meters[meter]
        after = float(min(spec.max, max(spec.min, value)))
        if after == before:
            return
        self.meters[meter] = after
        if after > self.peaks[meter]:
            self.peaks[meter] = after
        if self.record:
            self._add(MeterChanged(
                seq=len(self.events), turn=self.turn, clock=self._clock, meter=meter,
                before=before, after=after, delta=round(after - before, 6),
                cause=cause.with_rule(rule),
            ))

    def _apply_effects(self, effects: Iterable[Effect], cause: Cause) -> None:
        for effect in effects:
            if effect.target == "meter":
                amount = effect.constant if effect.constant is not None else effect.value(self)  # type: ignore[misc]
                current = self.meters[effect.name]
                value = (
                    current + amount
                    if effect.op == "+="
                    else current - amount
                    if effect.op == "-="
                    else amount
                )
                self._set_meter(effect.name, float(value), cause, effect.source)
            elif effect.target == "flag":
                present = effect.name in self.flags
                if effect.constant and not present:
                    self.flags.add(effect.name)
                elif not effect.constant and present:
                    self.flags.discard(effect.name)
                else:
                    continue
                if self.record:
                    self._add(FlagChanged(
                        seq=len(self.events), turn=self.turn, clock=self._clock,
                        flag=effect.name, value=bool(effect.constant),
                        cause=cause.with_rule(effect.source),
                    ))
            elif effect.target == "channel":
                if self.channels[effect.name] != effect.constant:
                    self._set_channel(
                        effect.name, str(effect.constant), cause.with_rule(effect.source)
                    )
            elif effect.target == "price":
                self._set_price(effect.name, str(effect.constant), cause.with_rule(effect.source))

    def _set_price(self, price_id: str, status: str, cause: Cause) -> None:
        before = self.prices[price_id]
        if before == status:
            return
        self.prices[price_id] = status
        price = prices.by_id(self.scenario, price_id)
        if self.record:
            self._add(PriceChanged(seq=len(self.events), turn=self.turn, clock=self._clock,
                                   price=price_id, demand=price.demand, before=before,
                                   after=status, cause=cause))
        if status == "paid" and price.cost:
            self._apply_effects(price.cost, Cause("price", price_id, f"price paid: {price.demand}")
                                if self.record else _UNRECORDED)

    def _counterpart_update(self) -> None:
        """Raise the prices and take the leadership decisions whose time has come.

        Called on entering a node (before and, when one was delivered, after the
        answers due then) and when the session ends, never by a call: only the
        events a scenario names change who may pick up. (Plain loops: batch
        play calls this every turn.)
        """
        if self._unraised:
            status = self.prices
            raised = False
            for price in self._unraised:
                if status[price.id] == "none" and (price.when is None or price.when(self)):
                    self._set_price(price.id, "demanded",
                                    Cause("counterpart", price.id, price.demand)
                                    if self.record else _UNRECORDED)
                    raised = True
            if raised:  # an option may also have settled one before it was raised
                self._unraised = _still_unraised(self._unraised, status)
        if self._untaken:
            taken = False
            for event in self._untaken:
                if not event.when(self):
                    continue
                changes = leadership.take(event, self)
                taken = True
                if self.record:
                    self._add(LeadershipDecided(
                        seq=len(self.events), turn=self.turn, clock=self._clock,
                        event=event.id, text=event.text,
                        levels=tuple(LevelShift(c.level,
                                                "authorised" if c.before else "withheld",
                                                "authorised" if c.after else "withheld")
                                     for c in changes),
                    ))
            if taken:
                self._untaken = _still_untaken(self._untaken, self.fired)

    def _turn(self, data: Mapping[str, Any]) -> None:
        node = self.scenario.nodes[self.node]
        compiled = self.scenario.option(self.node, data["option"])
        option = compiled.option
        self.severity_total += compiled.severity_weight
        if self.record:
            votes = data.get("votes")
            self._add(DecisionTaken(
                seq=len(self.events), turn=self.turn, clock=self._clock, node=node.id,
                option=option.id, kind=option.kind, label=option.label, channel=option.channel,
                severity=option.severity_class, severity_weight=compiled.severity_weight,
                rationale=data.get("rationale"), role=data.get("role"),
                votes=None if votes is None else tuple(votes.items()),
                vote_rule=node.decision.vote, seconds=data.get("seconds"),
                timed_out=bool(data.get("timed_out", False)),
            ))
        self.path.append((node.id, option.id))
        for tag in option.tags:
            self.recent[tag] = self.turn
        self._apply_effects(compiled.effects, Cause("option", option.id, option.label)
                            if self.record else _UNRECORDED)
        self.call_status = None
        if option.kind in _CALL_KINDS and option.channel is not None:
            self._call(node, option.channel, option.id, option.subject)
        self._draw_outcome(compiled)
        self.turn += 1
        ending = self._early_ending()
        if ending is None:
            self._advance(node.id, option.id)
            if self.node == END:
                ending = self._final_ending()
        self.call_status = None
        if ending is not None:
            self._end(ending)
            return
        self.phase = _CONSEQUENCES
        self._enter_node(self.node)

    def _advance(self, node: str, option: str) -> None:
        trigger = flow_trigger(node, option)
        if self._attached:
            self._flow.events[trigger].trigger(self, self)
            return
        for guard, dest in self._table[(node, trigger)]:
            if guard is None or guard(self):
                self.node = dest
                return

    def _call(self, node: Node, channel: str, option_id: str, subject: str | None = None) -> None:
        prior = self.channels[channel]
        if channel not in self.asked:
            spec_level = self.scenario.channels[channel].level
            if spec_level != "public":
                for key in (channel, spec_level, "any"):
                    self.asked.setdefault(key, self.turn)
        self._set_channel(channel, "requested", Cause("option", option_id, "call requested"))
        forced = self.forced.pop(channel, None)
        level = self.scenario.authority.get(channel)
        pressed = level is not None and leadership.press(self, level)
        result = resolve_call(self.scenario, node, channel, self, self.rng, forced, prior, subject)
        self.call_status = result.status
        reason = result.reason
        if level is not None:
            leadership.settle(self, level, result.status,
                              result.gate in ("withheld", "standing", "roll"))
            if pressed and result.status in ("declined", "unanswered"):
                reason = leadership.with_pressure(reason)
        if self.record:
            self._add(CallResolved(
                seq=len(self.events), turn=self.turn, clock=self._clock, channel=channel,
                result=result.status, acceptance=round(result.acceptance, 4), delay=result.delay,
                reason=reason, factors=tuple((r, round(d, 4)) for r, d in result.factors),
                level=level, gate=result.gate,
            ))
            if pressed:
                assert level is not None
                self._add(PressureRead(seq=len(self.events), turn=self.turn, clock=self._clock,
                                       level=level, channel=channel,
                                       pressure=self.pressure[level], text=reason))
        cause = Cause("counterpart", channel, reason) if self.record else _UNRECORDED
        if pressed and self.scenario.pressure_effects:
            self._apply_effects(self.scenario.pressure_effects,
                                Cause("counterpart", channel, leadership.PRESSURE_WORDS)
                                if self.record else _UNRECORDED)
        if result.status == "answered":
            self._answered(channel, cause)
        else:
            self._set_channel(channel, result.status, cause)
            if prior == "suspended" and result.status in ("declined", "unanswered"):
                # A call into a suspended line does not reopen it.
                self._set_channel(channel, "suspended", cause)
            if result.status == "ringing":
                self.pending.append(
                    _Pending(channel, self.turn + result.delay, self.turn, option_id)
                )
            if self.record:
                self._add(CounterpartSignal(seq=len(self.events), turn=self.turn,
                                            clock=self._clock, channel=channel,
                                            status=result.status, text=reason))

    def _draw_outcome(self, compiled: CompiledOption) -> None:
        if not compiled.outcomes:
            return
        roll = self.rng.random()
        cumulative = 0.0
        for outcome in compiled.outcomes:
            if outcome.when is not None and not outcome.when(self):
                continue
            cumulative += outcome.chance
            if roll < cumulative:
                if self.record:
                    self._add(OutcomeDrawn(seq=len(self.events), turn=self.turn,
                                           clock=self._clock, option=compiled.id,
                                           outcome=outcome.id, text=outcome.text))
                self._apply_effects(outcome.effects, Cause("outcome", outcome.id, outcome.text)
                                    if self.record else _UNRECORDED)
                return

    def _early_ending(self) -> CompiledEnding | None:
        for ending in self._early:
            if ending.when is not None and ending.when(self):
                return ending
        return None

    def _final_ending(self) -> CompiledEnding:
        for ending in self.scenario.endings:
            if ending.when is None or ending.when(self):
                return ending
        raise AssertionError("compile_scenario guarantees a fallback ending")

    def _end(self, compiled: CompiledEnding) -> None:
        ending = compiled.ending
        self.node = END
        # What the last decision earned (a price paid, a new condition) is on the record.
        self._counterpart_update()
        parts = scoring.score_parts(
            self.scenario,
            self,
            answers=self.answers,
            turns=self.turn,
            ending_bonus=ending.bonus,
        )
        total = scoring.total(parts)
        ratings = scoring.rate_objectives(self.scenario, self)
        # The reasons are words for the debrief; batch play that keeps no log needs none.
        reasons = scoring.rating_reasons(self.scenario, self, ratings) if self.record else {}
        self.outcome = Outcome(ending.id, ending.title, ending.tone, total, parts, ratings,
                               reasons)
        self._add(EndingReached(seq=len(self.events), turn=self.turn, clock=self._clock,
                                ending=ending.id, title=ending.title, tone=ending.tone,
                                text=ending.text))
        self._add(ScoreGiven(
            seq=len(self.events), turn=self.turn, clock=self._clock, total=total,
            severity_total=self.severity_total,
            parts=tuple(ScoreLine(p.key, p.label, round(p.points, 2), p.max_points, p.detail)
                        for p in parts),
            ratings=tuple(ratings.items()),
            reasons=tuple(reasons.items()),
        ))
        self.phase = Phase.ENDED

    def _facilitator(self, data: Mapping[str, Any]) -> None:
        kind = data["type"]
        cause = Cause("facilitator", kind, str(data.get("reason", "")))
        if kind == "inject":
            if self.record:
                inject = self._add(InjectShown(
                    seq=len(self.events), turn=self.turn, clock=self._clock, node=self.node,
                    index=-1, sender=data.get("sender", "Facilitator"),
                    kind=data.get("kind", "staff"), channel=data.get("channel"),
                    text=data.get("text", ""), to=tuple(data.get("to", [])), facilitator=True,
                ))
                self._shown = (*self._shown, inject)
            return
        if kind == "adjust":
            meter = data["meter"]
            self._set_meter(meter, self.meters[meter] + float(data.get("delta", 0)), cause)
        elif kind == "set_flag":
            effect = f"flags.{data['flag']} = {'true' if data.get('value', True) else 'false'}"
            self._apply_effects([compile_effect(effect, self.scenario.names)], cause)
        elif kind == "jump":
            if self._attached:
                self._flow.set_state(data["node"], model=self)
            else:
                self.node = data["node"]
            self._log_action("jump", (("node", data["node"]), ("reason", cause.text)))
            self.proceed()
            self._enter_node(data["node"])
            return
        elif kind == "force_answer":
            self._force_answer(data["channel"], data["result"], cause)
            return
        elif kind == "pause":
            if self.phase in PAUSABLE:
                self.paused_from = self.phase
                self.phase = Phase.PAUSED
        elif kind == "resume":
            if self.phase == Phase.PAUSED:
                self.phase = self.paused_from
        self._log_action(kind, tuple((k, v) for k, v in data.items() if k != "type"))

    def _log_action(self, action: str, details: tuple[tuple[str, Any], ...]) -> None:
        if self.record:
            self._add(FacilitatorAction(seq=len(self.events), turn=self.turn, clock=self._clock,
                                        action=action, details=details))

    def _force_answer(self, channel: str, result: str, cause: Cause) -> None:
        ringing = any(p.channel == channel for p in self.pending)
        self._log_action("force_answer",
                         (("channel", channel), ("result", result), ("reason", cause.text)))
        if not ringing:
            self.forced[channel] = result
            return
        pending = next(p for p in self.pending if p.channel == channel)
        self.pending = [p for p in self.pending if p.channel != channel]
        # The trainees hear the counterpart, not the facilitator (the
        # facilitator event above keeps the override for the debrief).
        said = signal(self.scenario, channel, result)
        answer = Cause("counterpart", channel, said)
        if result == "answered":
            if self.record:
                self._add(LateAnswer(seq=len(self.events), turn=self.turn, clock=self._clock,
                                     channel=channel, requested_turn=pending.requested_turn,
                                     text=said))
            self._answered(channel, answer)
        else:
            self._set_channel(channel, result, answer)
            if self.record:
                self._add(CounterpartSignal(seq=len(self.events), turn=self.turn,
                                            clock=self._clock, channel=channel, status=result,
                                            text=said))
