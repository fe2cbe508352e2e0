"""Cross-reference checks and compilation of a validated scenario.

Pydantic checks the shape of each value; this module checks that the pieces
fit together (every ``next`` names a node, every condition names declared
meters and flags, ids are unique) and compiles conditions and effects into
closures. Problems carry the field path (``loc``) so the loader can map them
back to a line and column in the YAML file.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .expr import Compiled, Effect, ExprError, Names, compile_condition, compile_effect
from .models import END, SEVERITY_WEIGHT, Channel, Ending, Meter, Node, Option, Scenario

Loc = tuple[str | int, ...]
RESERVED = frozenset(
    {
        "peak",
        "flags",
        "channels",
        "contact",
        "call",
        "visited",
        "recent",
        "turn",
        "true",
        "false",
        "and",
        "or",
        "not",
        "any",
        "leadership",
        "pressure",
        "prices",
        "asked",
        "asked_at",
        END,
    }
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a scenario, located by field path."""

    loc: Loc
    message: str
    fix: str = ""
    severity: Literal["error", "warning"] = "error"
    code: str = "invalid"


@dataclass(frozen=True)
class CompiledOutcome:
    id: str
    chance: float
    when: Compiled | None
    text: str
    effects: tuple[Effect, ...]


@dataclass(frozen=True)
class CompiledOption:
    """An option with its conditions and effects ready to run."""

    node: str
    option: Option
    index: int
    available: Compiled | None
    effects: tuple[Effect, ...]
    outcomes: tuple[CompiledOutcome, ...]
    branches: tuple[tuple[Compiled | None, str], ...]
    severity_weight: int
    id: str = ""

    def __post_init__(self) -> None:
        # A plain attribute: read on every turn of batch play.
        object.__setattr__(self, "id", self.option.id)

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(dest for _, dest in self.branches)


@dataclass(frozen=True)
class CompiledEnding:
    ending: Ending
    when: Compiled | None


@dataclass(frozen=True)
class CompiledModifier:
    when: Compiled
    delta: float
    reason: str
    subject: str | None = None


@dataclass(frozen=True)
class CompiledLeadershipEvent:
    """A leadership decision: taken once, the first time ``when`` holds at a check."""

    index: int
    id: str
    when: Compiled
    authorise: tuple[str, ...]
    withhold: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class CompiledPrice:
    """A demand of the counterpart: raised when ``when`` holds (None: from the start)."""

    id: str
    demand: str
    when: Compiled | None
    cost: tuple[Effect, ...]


@dataclass
class CompiledScenario:
    """A scenario whose references are checked and whose rules are closures."""

    model: Scenario
    content_hash: str
    names: Names
    start: str
    nodes: dict[str, Node]
    options: dict[str, tuple[CompiledOption, ...]]
    meters: dict[str, Meter]
    channels: dict[str, Channel]
    endings: tuple[CompiledEnding, ...]
    modifiers: tuple[CompiledModifier, ...]
    preconditions: dict[str, tuple[tuple[Compiled, str], ...]]
    answer_effects: dict[str, tuple[Effect, ...]]
    ratings: dict[str, tuple[tuple[str, Compiled], ...]]
    injects_when: dict[tuple[str, int], Compiled]
    expert: dict[str, str]
    historical: dict[str, str]
    leadership_events: tuple[CompiledLeadershipEvent, ...] = ()
    prices: tuple[CompiledPrice, ...] = ()
    pressure_effects: tuple[Effect, ...] = ()
    authority: dict[str, str | None] = field(default_factory=dict)
    """Channel id -> the leadership level a call there needs (None: no gate)."""
    source_path: str | None = None
    warnings: tuple[Problem, ...] = field(default=())
    runtime: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    """Per-process caches the engine keeps with the scenario (its flow machine)."""

    @property
    def id(self) -> str:
        return self.model.id

    def option(self, node: str, option_id: str) -> CompiledOption:
        index = self.runtime.get("option_index")
        if not isinstance(index, dict):
            index = {(o.node, o.id): o for opts in self.options.values() for o in opts}
            self.runtime["option_index"] = index
        try:
            found: CompiledOption = index[(node, option_id)]
        except KeyError:
            raise KeyError(f"node '{node}' has no option '{option_id}'") from None
        return found


def content_hash(scenario: Scenario) -> str:
    """A stable hash of what the scenario means (not of its layout or comments).

    Values left at their defaults are not hashed, so a new optional field in a
    later version of the format does not make every recorded session "changed".
    """
    canonical = json.dumps(
        scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, loc: Loc, message: str, fix: str = "", code: str = "invalid") -> None:
        self.problems.append(Problem(loc, message, fix, "error", code))

    def cond(self, text: str | None, names: Names, loc: Loc) -> Compiled | None:
        if text is None:
            return None
        try:
            return compile_condition(text, names)
        except ExprError as exc:
            self.error(loc, exc.message, exc.fix, "condition")
            return None

    def effects(self, texts: Iterable[str], names: Names, loc: Loc) -> tuple[Effect, ...]:
        compiled: list[Effect] = []
        for i, text in enumerate(texts):
            try:
                compiled.append(compile_effect(text, names))
            except ExprError as exc:
                self.error((*loc, i), exc.message, exc.fix, "effect")
        return tuple(compiled)


def _duplicates(ids: Sequence[str], loc: Loc, what: str, out: _Collector) -> None:
    counts = Counter(ids)
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if counts[ident] > 1 and ident in seen:
            out.error(
                (*loc, i, "id"),
                f"duplicate {what} id '{ident}'",
                f"give each {what} its own id",
                "duplicate",
            )
        seen.add(ident)


def _nearest(word: str, choices: Iterable[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def compile_scenario(
    model: Scenario, source_path: str | None = None
) -> tuple[CompiledScenario | None, list[Problem]]:
    """Check references and compile a validated scenario.

    Args:
        model: A scenario that passed pydantic validation.
        source_path: The file it came from, kept for messages.

    Returns:
        The compiled scenario (None when there are errors) and every problem found.
    """
    out = _Collector()
    _duplicates([m.id for m in model.meters], ("meters",), "meter", out)
    _duplicates([f.id for f in model.flags], ("flags",), "flag", out)
    _duplicates([c.id for c in model.channels], ("channels",), "channel", out)
    _duplicates([n.id for n in model.nodes], ("nodes",), "node", out)
    _duplicates([e.id for e in model.endings], ("endings",), "ending", out)
    _duplicates([r.id for r in model.roles], ("roles",), "role", out)
    _duplicates([o.id for o in model.objectives], ("objectives",), "objective", out)
    for i, meter in enumerate(model.meters):
        if meter.id in RESERVED:
            out.error(
                ("meters", i, "id"), f"'{meter.id}' is a reserved word", "choose another meter id"
            )
    for i, node in enumerate(model.nodes):
        if node.id == END:
            out.error(
                ("nodes", i, "id"),
                "'end' is reserved for finishing the session",
                "choose another node id",
            )

    _duplicates([p.id for p in model.counterpart.prices], ("counterpart", "prices"), "price", out)
    tags = frozenset(t for n in model.nodes for o in n.decision.options for t in o.tags)
    node_ids = frozenset(n.id for n in model.nodes)
    names = Names(
        meters=frozenset(m.id for m in model.meters),
        flags=frozenset(f.id for f in model.flags),
        channels=frozenset(c.id for c in model.channels),
        nodes=node_ids,
        tags=tags,
        prices=frozenset(p.id for p in model.counterpart.prices),
    )
    call_names = names.with_call()
    roles = {r.id for r in model.roles}
    channels = {c.id: c for c in model.channels}

    start = model.start or model.nodes[0].id
    if start not in node_ids:
        out.error(("start",), f"start node '{start}' does not exist", _nearest(start, node_ids))

    options: dict[str, tuple[CompiledOption, ...]] = {}
    injects_when: dict[tuple[str, int], Compiled] = {}
    for ni, node in enumerate(model.nodes):
        if node.id in options:
            continue  # a duplicate id, already reported; its options would shadow the first's
        nloc: Loc = ("nodes", ni)
        for ii, inject in enumerate(node.injects):
            iloc: Loc = (*nloc, "injects", ii)
            if inject.channel is not None and inject.channel not in channels:
                out.error(
                    (*iloc, "channel"),
                    f"unknown channel '{inject.channel}'",
                    _nearest(inject.channel, channels) or "declare it under 'channels:'",
                )
            for ri, role in enumerate(inject.to):
                if role not in roles:
                    out.error((*iloc, "to", ri), f"unknown role '{role}'", _nearest(role, roles))
            compiled = out.cond(inject.when, names, (*iloc, "when"))
            if compiled is not None:
                injects_when[(node.id, ii)] = compiled
        decision = node.decision
        dloc: Loc = (*nloc, "decision")
        if decision.role is not None and decision.role not in roles:
            out.error(
                (*dloc, "role"), f"unknown role '{decision.role}'", _nearest(decision.role, roles)
            )
        option_ids = [o.id for o in decision.options]
        _duplicates(option_ids, (*dloc, "options"), "option", out)
        if decision.on_timeout is not None and decision.on_timeout not in option_ids:
            out.error(
                (*dloc, "on_timeout"),
                f"no option '{decision.on_timeout}' at this node",
                _nearest(decision.on_timeout, option_ids) or "name one of this node's options",
            )
        compiled_options: list[CompiledOption] = []
        for oi, option in enumerate(decision.options):
            compiled_options.append(
                _compile_option(
                    node.id,
                    oi,
                    option,
                    (*dloc, "options", oi),
                    names,
                    call_names,
                    channels,
                    node_ids,
                    out,
                )
            )
        options[node.id] = tuple(compiled_options)

    meters = {m.id: m for m in model.meters}
    counterpart = model.counterpart
    if counterpart.openness_meter is not None and counterpart.openness_meter not in meters:
        out.error(
            ("counterpart", "openness_meter"),
            f"unknown meter '{counterpart.openness_meter}'",
            _nearest(counterpart.openness_meter, meters),
        )
    modifiers: list[CompiledModifier] = []
    for i, mod in enumerate(counterpart.modifiers):
        when = out.cond(mod.when, names, ("counterpart", "modifiers", i, "when"))
        if when is not None:
            modifiers.append(CompiledModifier(when, mod.delta, mod.reason, mod.subject))
    leadership_events: list[CompiledLeadershipEvent] = []
    for i, event in enumerate(counterpart.leadership.events):
        when = out.cond(event.when, names, ("counterpart", "leadership", "events", i, "when"))
        if when is not None:
            leadership_events.append(CompiledLeadershipEvent(
                i, event.id or f"event-{i + 1}", when, event.authorise, event.withhold,
                event.text))
    pressure_effects = out.effects(counterpart.pressure_effects, names,
                                   ("counterpart", "pressure_effects"))
    prices: list[CompiledPrice] = []
    for i, price in enumerate(counterpart.prices):
        ploc: Loc = ("counterpart", "prices", i)
        prices.append(CompiledPrice(
            price.id, price.demand, out.cond(price.when, names, (*ploc, "when")),
            out.effects(price.cost, names, (*ploc, "cost"))))
    preconditions: dict[str, list[tuple[Compiled, str]]] = {}
    for i, pre in enumerate(counterpart.preconditions):
        if pre.channel not in channels:
            out.error(
                ("counterpart", "preconditions", i, "channel"),
                f"unknown channel '{pre.channel}'",
                _nearest(pre.channel, channels),
            )
            continue
        req = out.cond(pre.requires, names, ("counterpart", "preconditions", i, "requires"))
        if req is not None:
            preconditions.setdefault(pre.channel, []).append((req, pre.reason))
    answer_effects = {
        c.id: out.effects(c.answer_effects, names, ("channels", i, "answer_effects"))
        for i, c in enumerate(model.channels)
    }

    endings: list[CompiledEnding] = []
    has_fallback = False
    for i, ending in enumerate(model.endings):
        if ending.id in node_ids:
            out.error(
                ("endings", i, "id"),
                f"ending id '{ending.id}' is also a node id",
                "endings and nodes need different ids",
            )
        if ending.when is None and not ending.early:
            has_fallback = True
        endings.append(CompiledEnding(ending, out.cond(ending.when, names, ("endings", i, "when"))))
    if not has_fallback:
        out.error(
            ("endings",),
            "no fallback ending: every ending has a condition",
            "add an ending without 'when' (listed last) so every session can end",
        )

    ratings: dict[str, tuple[tuple[str, Compiled], ...]] = {}
    for i, objective in enumerate(model.objectives):
        rules: list[tuple[str, Compiled]] = []
        for level in ("performed", "some", "major"):
            text = getattr(objective.rating, level)
            compiled_rule = out.cond(text, names, ("objectives", i, "rating", level))
            if compiled_rule is not None:
                rules.append((level, compiled_rule))
        ratings[objective.id] = tuple(rules)

    expert = _path_steps(model.expert, ("expert",), options, out)
    for i, step in enumerate(model.expert):
        if step.mistake:
            out.error(("expert", i, "mistake"), "the expert path cannot mark a mistake",
                      "mark the historical step the scenario teaches against instead")
    historical: dict[str, str] = {}
    if model.historical is not None:
        historical = _path_steps(model.historical.steps, ("historical", "steps"), options, out)
        ending_ids = {e.id for e in model.endings}
        if model.historical.ending not in ending_ids:
            out.error(
                ("historical", "ending"),
                f"unknown ending '{model.historical.ending}'",
                _nearest(model.historical.ending, ending_ids),
            )

    scoring = model.scoring
    if scoring.escalation_meter not in meters:
        out.error(
            ("scoring", "escalation_meter"),
            f"unknown meter '{scoring.escalation_meter}'",
            _nearest(scoring.escalation_meter, meters) or "name the meter that tracks escalation",
        )
    for i, meter_id in enumerate(scoring.standing_meters):
        if meter_id not in meters:
            out.error(
                ("scoring", "standing_meters", i),
                f"unknown meter '{meter_id}'",
                _nearest(meter_id, meters),
            )
    if scoring.loss_of_life_flag is not None and scoring.loss_of_life_flag not in names.flags:
        out.error(
            ("scoring", "loss_of_life_flag"),
            f"unknown flag '{scoring.loss_of_life_flag}'",
            _nearest(scoring.loss_of_life_flag, names.flags),
        )

    errors = [p for p in out.problems if p.severity == "error"]
    if errors:
        return None, out.problems
    result = CompiledScenario(
        model=model,
        content_hash=content_hash(model),
        names=names,
        start=start,
        nodes={n.id: n for n in model.nodes},
        options=options,
        meters=meters,
        channels=channels,
        endings=tuple(endings),
        modifiers=tuple(modifiers),
        preconditions={k: tuple(v) for k, v in preconditions.items()},
        answer_effects=answer_effects,
        ratings=ratings,
        injects_when=injects_when,
        expert=expert,
        historical=historical,
        leadership_events=tuple(leadership_events),
        prices=tuple(prices),
        pressure_effects=pressure_effects,
        authority={c.id: c.authority_level for c in model.channels},
        source_path=source_path,
        warnings=tuple(out.problems),
    )
    return result, out.problems


def _compile_option(
    node_id: str,
    index: int,
    option: Option,
    loc: Loc,
    names: Names,
    call_names: Names,
    channels: dict[str, Channel],
    node_ids: frozenset[str],
    out: _Collector,
) -> CompiledOption:
    if option.channel is not None and option.channel not in channels:
        out.error(
            (*loc, "channel"),
            f"unknown channel '{option.channel}'",
            _nearest(option.channel, channels) or "declare it under 'channels:'",
        )
    available = out.cond(option.available, names, (*loc, "available"))
    effects = out.effects(option.effects, names, (*loc, "effects"))
    outcomes: list[CompiledOutcome] = []
    unconditional = 0.0
    for i, outcome in enumerate(option.outcomes):
        oloc: Loc = (*loc, "outcomes", i)
        when = out.cond(outcome.when, call_names, (*oloc, "when"))
        if outcome.when is None:
            unconditional += outcome.chance
        outcomes.append(
            CompiledOutcome(
                outcome.id or f"outcome-{i + 1}",
                outcome.chance,
                when,
                outcome.text,
                out.effects(outcome.effects, call_names, (*oloc, "effects")),
            )
        )
    if unconditional > 1.0 + 1e-9:
        out.error(
            (*loc, "outcomes"),
            f"the chances of outcomes without 'when' add up to {unconditional:g}, more than 1",
            "make them add up to 1 or less",
            "probability",
        )
    branches: list[tuple[Compiled | None, str]] = []
    if isinstance(option.next, str):
        branches.append((None, option.next))
        targets: list[tuple[Loc, str]] = [((*loc, "next"), option.next)]
    else:
        targets = []
        for i, branch in enumerate(option.next):
            bloc: Loc = (*loc, "next", i)
            branches.append((out.cond(branch.when, call_names, (*bloc, "when")), branch.goto))
            targets.append(((*bloc, "goto"), branch.goto))
        if not option.next or option.next[-1].when is not None:
            out.error(
                (*loc, "next"),
                "the last branch has a 'when', so the flow can get stuck",
                "end the list with a branch that has only 'goto'",
            )
    for tloc, target in targets:
        if target != END and target not in node_ids:
            out.error(
                tloc,
                f"'{target}' is not a node",
                _nearest(target, node_ids | {END}) or "name a node id, or 'end' to finish",
                "reference",
            )
    return CompiledOption(
        node=node_id,
        option=option,
        index=index,
        available=available,
        effects=effects,
        outcomes=tuple(outcomes),
        branches=tuple(branches),
        severity_weight=SEVERITY_WEIGHT[option.severity_class],
    )


def _path_steps(
    steps: Sequence[object],
    loc: Loc,
    options: dict[str, tuple[CompiledOption, ...]],
    out: _Collector,
) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for i, step in enumerate(steps):
        node = getattr(step, "node")
        option = getattr(step, "option")
        if node not in options:
            out.error((*loc, i, "node"), f"unknown node '{node}'", _nearest(node, options))
            continue
        ids = [o.id for o in options[node]]
        if option not in ids:
            out.error(
                (*loc, i, "option"),
                f"node '{node}' has no option '{option}'",
                _nearest(option, ids),
            )
            continue
        if node in chosen:
            out.error(
                (*loc, i, "node"),
                f"node '{node}' appears twice on this path",
                "list each node once",
            )
        chosen[node] = option
    return chosen
