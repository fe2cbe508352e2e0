"""What the facilitator reads about a running session (pure functions, no Qt).

Everything here is derived from the engine's public state (``session.meters``,
``channels``, ``pending``, ``forced``, ``events``) and the compiled scenario
(``preconditions``, ``expert``, option branches), the same way the trainee's
``present`` module is, but with the hidden parts left in: hidden meters, the
counterpart's chance of accepting a call and why, answers on their way,
preconditions that would make a call fail, where each option leads and what
the expert would do here. Nothing in this module may be shown on the
trainee's screen. Events are worded by the one describer
(:mod:`game.engine.describe`, facilitator audience).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.engine.describe import ACTION_LABELS as ACTION_LABELS
from game.engine.describe import Describer, format_delta, format_short_clock
from game.engine.describe import role_title as role_title
from game.engine.events import FacilitatorAction, InjectShown, MeterChanged
from game.ui.present import LEVEL_LABELS, STATUS_LABELS, STATUS_TONE
from game.vocabulary import CHANNEL_STATUSES, FORCEABLE_RESULTS

if TYPE_CHECKING:
    from game.engine import Session
    from game.scenario.compile import CompiledScenario

END = "end"

#: The trainee's number keys for options (as in the decision panel).
KEYS = "1234567890"

#: Results a facilitator can force on a call, with their button text (from the table).
FORCE_RESULTS: tuple[tuple[str, str], ...] = tuple(
    (status, CHANNEL_STATUSES[status].forceable or status) for status in FORCEABLE_RESULTS)


def node_title(scenario: CompiledScenario, node: str) -> str:
    if node == END:
        return "the end"
    found = scenario.nodes.get(node)
    return found.title if found is not None else node


def percent(chance: float) -> str:
    return f"{chance * 100:.0f}%"


def signed_percent(delta: float) -> str:
    return ("+" if delta > 0 else "−" if delta < 0 else "±") + f"{abs(delta) * 100:.0f}%"


# --- meters ------------------------------------------------------------------


@dataclass(frozen=True)
class MeterLine:
    id: str
    label: str
    value: float
    max: float
    band: str
    hidden: bool
    higher_is: str
    last: str  # "+5 — the facilitator: …" or ""


def meter_lines(session: Session) -> list[MeterLine]:
    """Every meter, hidden ones included (marked), in the scenario's order."""
    words = Describer(session.scenario, "facilitator")
    last: dict[str, MeterChanged] = {}
    for event in session.events:
        if isinstance(event, MeterChanged):
            last[event.meter] = event
    lines = []
    for spec in session.scenario.model.meters:
        value = session.meters[spec.id]
        band = next((b.label for b in spec.bands if value <= b.upto), "")
        change = last.get(spec.id)
        text = ""
        if change is not None:
            why = words.cause(change.cause)
            text = format_delta(change.delta) + (f" — {why}" if why else "")
        lines.append(MeterLine(spec.id, spec.label, value, spec.max, band, spec.hidden,
                               spec.higher_is, text))
    return lines


# --- the counterpart -----------------------------------------------------------


@dataclass(frozen=True)
class ChannelState:
    """One channel as the counterpart model sees it right now."""

    id: str
    label: str
    level_label: str
    status: str
    status_label: str
    tone: str
    chance: float | None  # chance of acceptance if called now (None: session over)
    factors: tuple[tuple[str, float], ...]
    unmet: tuple[str, ...]  # preconditions that fail now: "reason (requires: expr)"
    pending: str  # a ringing call on its way: when it will be answered
    forced: str | None  # a result the facilitator fixed for the next call
    outlook: str  # one line: what a call now would meet
    gate: str = ""  # "withheld" or "standing" when the leadership decides a call now

    @property
    def ringing(self) -> bool:
        return bool(self.pending)


def _decisions_word(n: int) -> str:
    return "the next decision" if n <= 1 else f"{n} more decisions"


def channel_states(session: Session) -> list[ChannelState]:
    """The counterpart's side of every channel: chance, factors, gates, pending, forced."""
    from game.engine import acceptance

    scenario = session.scenario
    model = scenario.model
    node = scenario.nodes.get(session.node) if not session.ended else None
    requires: dict[str, list[str]] = {}
    for pre in model.counterpart.preconditions:
        requires.setdefault(pre.channel, []).append(pre.requires)
    out = []
    for channel in model.channels:
        cid = channel.id
        status = session.channels[cid]
        chance: float | None = None
        factors: tuple[tuple[str, float], ...] = ()
        if node is not None:
            chance, factors = acceptance(scenario, node, cid, session)
        unmet = []
        for (check, why), expr in zip(scenario.preconditions.get(cid, ()), requires.get(cid, []),
                                      strict=False):
            if not check(session):
                unmet.append(f"{why} (requires: {expr})")
        pending = ""
        for item in session.pending:
            if item.channel == cid:
                wait = max(1, item.due_turn - session.turn)
                pending = (f"Ringing since decision {item.requested_turn + 1}; the answer comes "
                           f"after {_decisions_word(wait)} (at decision {item.due_turn + 1}).")
        forced = session.forced.get(cid)
        gate, why = _leadership_gate(session, cid)
        if session.ended:
            outlook = "Session over."
        elif forced:
            outlook = f"Next call: {STATUS_LABELS.get(forced, forced).lower()} (forced by you)."
        elif pending:
            outlook = "Ringing: answer it now or veto it below."
        elif unmet:
            outlook = "A call now is declined (precondition)."
        elif status == "suspended":
            outlook = "Suspended: a call now goes unanswered."
        elif gate:
            outlook = why
        elif chance is not None:
            outlook = f"A call now is accepted with {percent(chance)} chance."
        else:
            outlook = ""
        out.append(ChannelState(
            cid, channel.label, LEVEL_LABELS.get(channel.level, channel.level), status,
            STATUS_LABELS.get(status, status), STATUS_TONE.get(status, "neutral"), chance,
            factors, tuple(unmet), pending, forced, outlook, gate,
        ))
    return out


def _leadership_gate(session: Session, channel: str) -> tuple[str, str]:
    """Whether the counterpart's leadership decides a call on ``channel`` now, and why."""
    from game.engine import leadership

    level = session.scenario.authority.get(channel)
    if level is None:
        return "", ""
    if not session.leadership[level]:
        return "withheld", (f"A call now is refused: {session.leader_why[level]}"
                            + (" It would be a repeated request (pressure)."
                               if session.refusals[level] else ""))
    standing = leadership.standing(session, level)
    if standing:
        until = session.decided_turn[level] + session.recent_turns + 1
        return "standing", (f"A call now gets the last answer again ({standing}): the refusal "
                            f"stands until decision {until}, and asking again reads as "
                            "pressure.")
    return "", ""


# --- the counterpart's leadership and prices ------------------------------------------


@dataclass(frozen=True)
class LeadershipLine:
    """One level of the counterpart's leadership: may it talk, why, and the pressure on it."""

    level: str
    label: str
    authorised: bool
    why: str
    pressure: int
    outstanding: str  # the refusal a new request would repeat ('' when none)


@dataclass(frozen=True)
class PriceLine:
    """One of the counterpart's prices and where it stands."""

    id: str
    demand: str
    status: str
    status_label: str
    tone: str


_PRICE_TONE = {"none": "neutral", "demanded": "waiting", "deferred": "waiting", "paid": "bad",
               "refused": "neutral"}


def uses_leadership(scenario: CompiledScenario) -> bool:
    """Whether the scenario gives its counterpart a leadership model or prices."""
    spec = scenario.model.counterpart.leadership
    return bool(spec.events or scenario.prices) or any(
        getattr(spec, level).initial == "withheld" for level in ("political", "military",
                                                                 "working"))


def leadership_lines(session: Session) -> list[LeadershipLine]:
    """Who on the other side may pick up now, per level, and why."""
    from game.debrief.model import LEVEL_WORDS

    return [LeadershipLine(level, LEVEL_WORDS[level], session.leadership[level],
                           session.leader_why[level], session.pressure[level],
                           session.refusals[level])
            for level in ("political", "military", "working")]


def price_lines(session: Session) -> list[PriceLine]:
    """The counterpart's prices: demand and status (those not raised yet included)."""
    from game.debrief.model import PRICE_WORDS

    return [PriceLine(p.id, p.demand, session.prices[p.id],
                      PRICE_WORDS.get(session.prices[p.id], session.prices[p.id]).capitalize(),
                      _PRICE_TONE.get(session.prices[p.id], "neutral"))
            for p in session.scenario.prices]


def factor_text(factors: Sequence[tuple[str, float]], channel_label: str = "") -> str:
    """``base 50% · this channel +20% · channel openness +5% · Right after a kinetic act −60%``.

    The engine names a channel's own bonus after the channel (``<label> channel``);
    beside that channel's name it reads better as "this channel".
    """
    parts = []
    for reason, delta in factors:
        if reason == "base":
            parts.append(f"base {percent(delta)}")
        elif reason == f"{channel_label} channel":
            parts.append(f"this channel {signed_percent(delta)}")
        elif reason != "facilitator":
            parts.append(f"{reason} {signed_percent(delta)}")
    return "  ·  ".join(parts)


# --- where the options lead, and the expert's choice -------------------------------


@dataclass(frozen=True)
class OptionLine:
    key: str
    id: str
    kind: str
    label: str
    channel_label: str
    leads_to: str  # "Last call" or "Last call if call.answered; else Freeze"
    expert: bool
    historical: bool


def _leads_to(scenario: CompiledScenario, node: str, option_id: str) -> str:
    compiled = scenario.option(node, option_id)
    nxt = compiled.option.next
    if isinstance(nxt, str):
        return node_title(scenario, nxt)
    parts: list[str] = []
    for branch in nxt:
        title = node_title(scenario, branch.goto)
        parts.append(f"{title} if {branch.when}" if branch.when else
                     (f"else {title}" if parts else title))
    return "; ".join(parts)


def option_lines(session: Session) -> list[OptionLine]:
    """The current options in the trainee's order, with where each leads."""
    from game.ui.present import KIND_ORDER

    if session.ended:
        return []
    scenario = session.scenario
    node = session.node
    expert = scenario.expert.get(node)
    historical = scenario.historical.get(node)
    options = session.options()
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    options = sorted(options, key=lambda o: order.get(o.kind, len(order)))  # stable: panel order
    lines = []
    for index, option in enumerate(options):
        lines.append(OptionLine(
            KEYS[index] if index < len(KEYS) else "", option.id, option.kind, option.label,
            option.channel_label or "", _leads_to(scenario, node, option.id),
            option.id == expert, option.id == historical,
        ))
    return lines


@dataclass(frozen=True)
class Guidance:
    expert_label: str
    expert_reason: str
    historical_label: str
    historical_reason: str
    timeout_label: str  # what a time-out takes here


def guidance(session: Session) -> Guidance:
    """The expert's (and history's) choice at the current node, and the time-out rule."""
    if session.ended:
        return Guidance("", "", "", "", "")
    scenario = session.scenario
    node = session.node

    def label_of(option_id: str | None) -> str:
        if not option_id:
            return ""
        try:
            return scenario.option(node, option_id).option.label
        except (KeyError, ValueError, LookupError):
            return option_id

    model = scenario.model
    expert_id = scenario.expert.get(node)
    expert_reason = next((s.reason for s in model.expert if s.node == node), "")
    hist_id = scenario.historical.get(node)
    hist_reason = ""
    if model.historical is not None:
        hist_reason = next((s.reason for s in model.historical.steps if s.node == node), "")
    timeout = session.timeout_option() if session.available() else ""
    return Guidance(label_of(expert_id), expert_reason, label_of(hist_id), hist_reason,
                    label_of(timeout))


# --- injects -----------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedInject:
    """An inject written in the scenario, offered for delivery at any time."""

    node: str
    node_title: str
    index: int
    sender: str
    kind: str
    channel: str | None
    text: str
    to: tuple[str, ...]

    def title(self) -> str:
        text = self.text if len(self.text) <= 70 else self.text[:69] + "…"
        return f"{self.node_title} · {self.sender}: {text}"


def prepared_injects(scenario: CompiledScenario) -> list[PreparedInject]:
    """Every inject in the scenario file, in file order."""
    out = []
    for node in scenario.model.nodes:
        for index, inject in enumerate(node.injects):
            out.append(PreparedInject(node.id, node.title, index, inject.sender, inject.kind,
                                      inject.channel, " ".join(inject.text.split()),
                                      tuple(inject.to)))
    return out


@dataclass(frozen=True)
class MessageLine:
    seq: int
    when: str
    kind_label: str
    sender: str
    text: str
    to: str  # "everyone" or role titles
    facilitator: bool


def message_lines(session: Session) -> list[MessageLine]:
    """Every inject delivered so far (all roles), newest first, with its recipients."""
    words = Describer(session.scenario, "facilitator")
    lines = []
    for event in session.events:
        if not isinstance(event, InjectShown):
            continue
        who = ", ".join(words.role_title(r) for r in event.to) if event.to else "everyone"
        kind = event.kind or "intel"
        lines.append(MessageLine(
            event.seq, f"D{event.turn + 1} · {format_short_clock(event.clock)}",
            words.inject_kind_label(kind), event.sender, " ".join(event.text.split()), who,
            event.facilitator,
        ))
    lines.reverse()
    return lines


# --- the facilitator's own log -------------------------------------------------------


@dataclass(frozen=True)
class LogLine:
    seq: int
    turn: int
    when: str
    action: str
    text: str


def log_lines(session: Session) -> list[LogLine]:
    """Every facilitator action and note in this session, newest first."""
    words = Describer(session.scenario, "facilitator")
    lines = []
    for event in session.events:
        if isinstance(event, InjectShown) and event.facilitator:
            action = "inject"
            who = ", ".join(words.role_title(r) for r in event.to) if event.to else "everyone"
            text = f"{event.sender} → {who}: {' '.join(event.text.split())}"
        elif isinstance(event, FacilitatorAction):
            action = event.action
            text = words.action(event)
            if action in ("pause", "resume") and event.get("by") == "trainee":
                action = f"{action}-trainee"  # the trainees' own, not the facilitator's
        else:
            continue
        lines.append(LogLine(event.seq, event.turn,
                             f"D{event.turn + 1} · {format_short_clock(event.clock)}",
                             words.action_label(action), text))
    lines.reverse()
    return lines
