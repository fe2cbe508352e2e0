"""A crisis session: the engine's public API.

A session's truth is the scenario (id + content hash), the seed and the
ordered list of inputs. Every other thing — meters, channel statuses, the
event log, the score — is derived by replaying those inputs, so the same
scenario, seed and inputs always give byte-identical events
(:meth:`Session.events_json`).

Events are plain dicts with ``seq``, ``turn``, ``clock`` (the node's scenario
time) and ``type``; the other keys by type:

* ``session_started``: scenario, version, content_hash, seed, roles
* ``node_entered``: node, title, time
* ``inject``: node, index, sender, kind, channel, text, to (+ facilitator=True)
* ``decision``: node, option, kind, label, channel, severity, severity_weight, votes, vote_rule,
  rationale, role, seconds, timed_out
* ``meter``: meter, before, after, delta, cause
* ``flag``: flag, value, cause
* ``channel``: channel, before, after, cause
* ``call``: channel, result, acceptance, delay, reason, factors
* ``signal``: channel, status, text (what a refusal or silence says)
* ``call_answered_late``: channel, requested_turn, text
* ``outcome``: option, outcome, text
* ``facilitator``: action (inject, adjust, set_flag, jump, force_answer,
  note, pause, resume) and its fields; a pause or resume carries ``by``
  (``trainee`` or ``facilitator``: who made it)
* ``ending``: ending, title, tone, text
* ``score``: total, severity_total, parts [{key, label, points, max, detail}],
  ratings {objective: P|S|M|U|None}

A ``cause`` is ``{"type": option|outcome|counterpart|answer|facilitator,
"ref": id, "text": words, "rule": the effect's source text}``.

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
from typing import Any

from game.scenario.compile import CompiledEnding, CompiledOption, CompiledScenario
from game.scenario.expr import Effect, compile_effect
from game.scenario.models import END, Node

from . import scoring
from .counterpart import resolve_call
from .machines import flow_machine, flow_table, flow_trigger, lifecycle_machine

Event = dict[str, Any]


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
    injects: tuple[Event, ...]


@dataclass(frozen=True)
class TurnResult:
    """The change record of one input: the events it produced."""

    events: tuple[Event, ...]
    ended: bool
    ending: Event | None = None

    def of_type(self, kind: str) -> list[Event]:
        return [e for e in self.events if e["type"] == kind]


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
)


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


class Session:
    """One trainee's (or team's) play of a scenario.

    The session is a model attached to two `transitions` machines: the shared
    lifecycle machine (attribute ``phase``) and the scenario's crisis flow
    machine (attribute ``node``). The trigger methods below are typed stubs
    that `transitions` replaces (``model_override=True``).
    """

    phase: str
    node: str

    # --- lifecycle trigger stubs (bound by transitions) -------------------
    def begin(self) -> bool:
        raise RuntimeError("bound by the lifecycle machine")

    def submit(self) -> bool:
        raise RuntimeError("bound by the lifecycle machine")

    def resolved(self) -> bool:
        raise RuntimeError("bound by the lifecycle machine")

    def proceed(self) -> bool:
        raise RuntimeError("bound by the lifecycle machine")

    def finish(self) -> bool:
        raise RuntimeError("bound by the lifecycle machine")

    def pause(self) -> bool:
        raise RuntimeError("bound by the lifecycle machine")

    def resume(self) -> bool:
        raise RuntimeError("bound by the lifecycle machine")

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
            batch: For headless batch play: no pause or consequence phases, and
                the flow is walked from the flow machine's table instead of
                dispatched event by event. The event log is identical.
            record: Keep the event log. Monte Carlo play that only needs the
                ending, score, meters and path turns it off (``ending`` and
                ``score`` events are still kept).
        """
        self.scenario = scenario
        self.batch = batch
        self.record = record
        self._flow = flow_machine(scenario)
        self._table = flow_table(scenario)
        self._early = tuple(e for e in scenario.endings if e.ending.early)
        if not batch:
            lifecycle_machine().add_model(self)
            self._flow.add_model(self)
        self.roles = tuple(roles)
        self._reset(seed)

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
        self.paused_from = "briefing"
        self.outcome: Outcome | None = None
        self.phase = "deciding" if self.batch else "briefing"
        self._available: list[CompiledOption] | None = None
        self._clock = self.scenario.nodes[self.scenario.start].time
        self.node = self.scenario.start
        self._shown: tuple[Event, ...] = ()
        self._emit(
            "session_started",
            scenario=model.id,
            version=model.version,
            content_hash=self.scenario.content_hash,
            seed=seed,
            roles=list(self.roles),
        )
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

    def detach(self) -> None:
        """Let go of the machines (they keep every attached model until told)."""
        if not self.batch:
            for machine in (lifecycle_machine(), self._flow):
                if self in machine.models:
                    machine.remove_model(self)

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
    def paused_from_briefing(self) -> bool:
        return self.paused_from == "briefing"

    @property
    def paused_from_deciding(self) -> bool:
        return self.paused_from == "deciding"

    @property
    def paused_from_consequences(self) -> bool:
        return self.paused_from == "consequences"

    def remember_phase(self) -> None:
        self.paused_from = self.phase

    @property
    def paused_by(self) -> str | None:
        """Who made the pause in force: ``trainee``, ``facilitator`` or None (not paused,
        or a pause journaled before pauses said who made them)."""
        if self.phase != "paused":
            return None
        last = next((d for d in reversed(self.inputs) if d.get("type") == "pause"), None)
        by = last.get("by") if last is not None else None
        return by if by in PAUSERS else None

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
        return json.dumps(self.events, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

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
            if self.phase == "paused":
                raise EngineError("the session is paused; resume it first")
            option = data.get("option")
            if not any(o.id == option for o in self.available()):
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
        ending = next((e for e in new if e["type"] == "ending"), None)
        return TurnResult(new, self.ended, ending)

    # --- internals ---------------------------------------------------------
    def _emit(self, kind: str, /, **data: Any) -> Event:
        event: Event = {
            "seq": len(self.events),
            "turn": self.turn,
            "clock": self._clock,
            "type": kind,
            **data,
        }
        if self.record or kind in ("ending", "score"):
            self.events.append(event)
        return event

    def _enter_node(self, node_id: str) -> None:
        node = self.scenario.nodes[node_id]
        self._clock = node.time
        self.visited.add(node_id)
        if self.record:
            self._emit("node_entered", node=node_id, title=node.title, time=node.time)
        self._deliver_answers(node)
        if not self.record:
            return  # injects change nothing but what is shown
        shown: list[Event] = []
        for index, inject in enumerate(node.injects):
            when = self.scenario.injects_when.get((node_id, index))
            if when is not None and not when(self):
                continue
            shown.append(
                self._emit(
                    "inject",
                    node=node_id,
                    index=index,
                    sender=inject.sender,
                    kind=inject.kind,
                    channel=inject.channel,
                    text=inject.text,
                    to=list(inject.to),
                )
            )
        self._shown = tuple(shown)

    def _deliver_answers(self, node: Node) -> None:
        due = [p for p in self.pending if p.due_turn <= self.turn]
        if not due:
            return
        self.pending = [p for p in self.pending if p.due_turn > self.turn]
        for pending in due:
            if self.channels[pending.channel] != "ringing":
                continue  # the facilitator or an effect settled it meanwhile
            self._emit(
                "call_answered_late",
                channel=pending.channel,
                requested_turn=pending.requested_turn,
                text=self.scenario.model.counterpart.signals.answered,
            )
            self._answered(
                pending.channel,
                {
                    "type": "answer",
                    "ref": pending.channel,
                    "text": "late answer to an earlier call",
                },
            )

    def _answered(self, channel: str, cause: dict[str, str]) -> None:
        self._set_channel(channel, "answered", cause)
        level = self.scenario.channels[channel].level
        if level != "public":
            self.contact.update((channel, level, "any"))
            self.answered_calls += 1
            if self.first_contact_turn is None:
                self.first_contact_turn = self.turn
        effects = self.scenario.answer_effects.get(channel, ())
        if effects:
            self._apply_effects(
                effects,
                {
                    "type": "answer",
                    "ref": channel,
                    "text": f"{self.scenario.channels[channel].label} answered",
                },
            )

    def _set_channel(self, channel: str, status: str, cause: dict[str, str]) -> None:
        before = self.channels[channel]
        self.channels[channel] = status
        if self.record:
            self._emit("channel", channel=channel, before=before, after=status, cause=cause)

    def _set_meter(
        self, meter: str, value: float, cause: dict[str, str], rule: str | None = None
    ) -> None:
        spec = self.scenario.meters[meter]
        before = self.meters[meter]
        after = float(min(spec.max, max(spec.min, value)))
        if after == before:
            return
        self.meters[meter] = after
        if after > self.peaks[meter]:
            self.peaks[meter] = after
        if self.record:
            self._emit(
                "meter",
                meter=meter,
                before=before,
                after=after,
                delta=round(after - before, 6),
                cause=cause if rule is None else {**cause, "rule": rule},
            )

    def _apply_effects(self, effects: Iterable[Effect], cause: dict[str, str]) -> None:
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
                self._emit(
                    "flag",
                    flag=effect.name,
                    value=bool(effect.constant),
                    cause={**cause, "rule": effect.source},
                )
            elif effect.target == "channel":
                if self.channels[effect.name] != effect.constant:
                    self._set_channel(
                        effect.name, str(effect.constant), {**cause, "rule": effect.source}
                    )

    def _turn(self, data: Mapping[str, Any]) -> None:
        if not self.batch:
            if self.phase == "consequences":
                self.proceed()
            elif self.phase == "briefing":
                self.begin()
            self.submit()
        node = self.scenario.nodes[self.node]
        compiled = self.scenario.option(self.node, data["option"])
        option = compiled.option
        self.severity_total += compiled.severity_weight
        if self.record:
            self._emit(
                "decision",
                node=node.id,
                option=option.id,
                kind=option.kind,
                label=option.label,
                channel=option.channel,
                severity=option.severity_class,
                severity_weight=compiled.severity_weight,
                rationale=data.get("rationale"),
                role=data.get("role"),
                votes=data.get("votes"),
                vote_rule=node.decision.vote,
                seconds=data.get("seconds"),
                timed_out=bool(data.get("timed_out", False)),
            )
        self.path.append((node.id, option.id))
        for tag in option.tags:
            self.recent[tag] = self.turn
        cause = {"type": "option", "ref": option.id, "text": option.label}
        self._apply_effects(compiled.effects, cause)
        self.call_status = None
        if option.kind in ("call", "back_channel") and option.channel is not None:
            self._call(node, option.channel, option.id)
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
        if not self.batch:
            self.resolved()
        self._enter_node(self.node)

    def _advance(self, node: str, option: str) -> None:
        trigger = flow_trigger(node, option)
        if not self.batch:
            self._flow.events[trigger].trigger(self, self)
            return
        for guard, dest in self._table[(node, trigger)]:
            if guard is None or guard(self):
                self.node = dest
                return

    def _call(self, node: Node, channel: str, option_id: str) -> None:
        prior = self.channels[channel]
        self._set_channel(
            channel, "requested", {"type": "option", "ref": option_id, "text": "call requested"}
        )
        forced = self.forced.pop(channel, None)
        result = resolve_call(self.scenario, node, channel, self, self.rng, forced, prior)
        self.call_status = result.status
        if self.record:
            self._emit(
                "call",
                channel=channel,
                result=result.status,
                acceptance=round(result.acceptance, 4),
                delay=result.delay,
                reason=result.reason,
                factors=[[r, round(d, 4)] for r, d in result.factors],
            )
        cause = {"type": "counterpart", "ref": channel, "text": result.reason}
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
            self._emit("signal", channel=channel, status=result.status, text=result.reason)

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
                self._emit("outcome", option=compiled.id, outcome=outcome.id, text=outcome.text)
                self._apply_effects(
                    outcome.effects, {"type": "outcome", "ref": outcome.id, "text": outcome.text}
                )
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
        parts = scoring.score_parts(
            self.scenario,
            self,
            answered_calls=self.answered_calls,
            first_contact_turn=self.first_contact_turn,
            turns=self.turn,
            ending_bonus=ending.bonus,
        )
        total = scoring.total(parts)
        ratings = scoring.rate_objectives(self.scenario, self)
        self.outcome = Outcome(ending.id, ending.title, ending.tone, total, parts, ratings)
        self._emit(
            "ending", ending=ending.id, title=ending.title, tone=ending.tone, text=ending.text
        )
        self._emit(
            "score",
            total=total,
            severity_total=self.severity_total,
            parts=[
                {
                    "key": p.key,
                    "label": p.label,
                    "points": round(p.points, 2),
                    "max": p.max_points,
                    "detail": p.detail,
                }
                for p in parts
            ],
            ratings=ratings,
        )
        if self.batch:
            self.phase = "ended"
        else:
            self.finish()

    def _facilitator(self, data: Mapping[str, Any]) -> None:
        kind = data["type"]
        cause = {"type": "facilitator", "ref": kind, "text": str(data.get("reason", ""))}
        if kind == "inject":
            self._emit(
                "inject",
                node=self.node,
                index=-1,
                sender=data.get("sender", "Facilitator"),
                kind=data.get("kind", "staff"),
                channel=data.get("channel"),
                text=data.get("text", ""),
                to=list(data.get("to", [])),
                facilitator=True,
            )
            self._shown = (*self._shown, self.events[-1])
        elif kind == "adjust":
            meter = data["meter"]
            self._set_meter(meter, self.meters[meter] + float(data.get("delta", 0)), cause)
        elif kind == "set_flag":
            effect = f"flags.{data['flag']} = {'true' if data.get('value', True) else 'false'}"
            self._apply_effects([compile_effect(effect, self.scenario.names)], cause)
        elif kind == "jump":
            if self.batch:
                self.node = data["node"]
            else:
                self._flow.set_state(data["node"], model=self)
            self._emit("facilitator", action="jump", node=data["node"], reason=cause["text"])
            if self.phase == "consequences":
                self.proceed()
            self._enter_node(data["node"])
            return
        elif kind == "force_answer":
            channel, result = data["channel"], data["result"]
            ringing = any(p.channel == channel for p in self.pending)
            self._emit(
                "facilitator",
                action="force_answer",
                channel=channel,
                result=result,
                reason=cause["text"],
            )
            if ringing:
                pending = next(p for p in self.pending if p.channel == channel)
                self.pending = [p for p in self.pending if p.channel != channel]
                # The trainees hear the counterpart, not the facilitator (the
                # facilitator event above keeps the override for the debrief).
                signals = self.scenario.model.counterpart.signals
                said = {"answered": signals.answered, "declined": signals.declined,
                        "unanswered": signals.unanswered}[result]
                answer = {"type": "counterpart", "ref": channel, "text": said}
                if result == "answered":
                    self._emit("call_answered_late", channel=channel,
                               requested_turn=pending.requested_turn, text=said)
                    self._answered(channel, answer)
                else:
                    self._set_channel(channel, result, answer)
                    self._emit("signal", channel=channel, status=result, text=said)
            else:
                self.forced[channel] = result
            return
        elif kind == "pause":
            if self.phase != "paused" and not self.batch:
                self.pause()
        elif kind == "resume":
            if self.phase == "paused":
                self.resume()
        if kind != "inject":
            self._emit("facilitator", action=kind, **{k: v for k, v in data.items() if k != "type"})
