"""Cross-reference checks and compilation of a validated scenario.

Pydantic checks the shape of each value; this module checks that the pieces
fit together (every ``next`` names a node, every condition names declared
meters and flags, ids are unique), that play can survive the scenario (no
effect can overflow, an ending can be reached, the first decision offers an
option), and compiles conditions and effects into closures. Problems carry
the field path (``loc``) so the loader can map them back to a line and
column in the YAML file.

Every check here runs in time linear in the size of the file: suggestions
("did you mean ...?") are rationed for files with thousands of mistakes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any, Literal

from .abstract import Evaluator, Interval
from .expr import (
    Compiled,
    Effect,
    ExprError,
    Names,
    compile_effect,
    compile_tree,
    parse_condition,
)
from .models import (
    END,
    SEVERITY_WEIGHT,
    Channel,
    Ending,
    Meter,
    Node,
    Option,
    Scenario,
)
from .names import family_of, heads
from .syntax import MAX_NUMBER, Expr, Ref

Loc = tuple[str | int, ...]
RESERVED = frozenset({*heads(), "true", "false", "and", "or", "not", "any", END})
"""Words a meter id may not be (they mean something else in a condition)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a scenario, located by field path.

    Attributes:
        loc: Field path of the value concerned.
        message: What is wrong.
        fix: What to do about it.
        severity: ``error`` or ``warning``.
        code: Short stable name of the kind of problem.
        col: For a problem inside a condition or effect, the 1-based column
            within its text (0: the whole value).
    """

    loc: Loc
    message: str
    fix: str = ""
    severity: Literal["error", "warning"] = "error"
    code: str = "invalid"
    col: int = 0


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
    targets: tuple[str, ...] = ()
    """The nodes (or ``end``) its ``next`` can lead to."""

    def __post_init__(self) -> None:
        # Plain attributes: read on every turn of batch play and all over lint.
        object.__setattr__(self, "id", self.option.id)
        object.__setattr__(self, "targets", tuple(dest for _, dest in self.branches))


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
    conditions: dict[str, Expr] = field(default_factory=dict, repr=False, compare=False)
    """Every condition's checked tree by its text (lint evaluates these)."""
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


# --- collecting problems --------------------------------------------------------------


class _Suggester:
    """``did you mean 'x'?`` hints, rationed so thousands of typos stay linear.

    Each hint compares the word with every choice; once the comparisons made
    reach :data:`BUDGET`, hints stop (the fix then says what to write instead).
    """

    BUDGET = 50_000

    def __init__(self) -> None:
        self.spent = 0
        self._sorted: dict[frozenset[str], list[str]] = {}

    def __call__(self, word: str, choices: Collection[str]) -> str:
        if self.spent + len(choices) > self.BUDGET:
            return ""
        self.spent += len(choices)
        if isinstance(choices, frozenset):  # the big ones (node ids): sorted once
            pool = self._sorted.get(choices)
            if pool is None:
                pool = self._sorted[choices] = sorted(choices)
        else:
            pool = sorted(choices)
        close = get_close_matches(word, pool, n=1, cutoff=0.6)
        return f"did you mean '{close[0]}'?" if close else ""


class _Collector:
    """Problems found so far, and the conditions compiled on the way."""

    def __init__(self, names: Names) -> None:
        self.problems: list[Problem] = []
        self.names = names
        self.call_names = names.with_call()
        self.conditions: dict[str, Expr] = {}
        self.nearest = _Suggester()
        # The same texts recur (effects such as 'escalation += 5', shared conditions):
        # each is compiled once; closures and effects hold no state, so they are shared.
        self._compiled: dict[tuple[str, bool], Compiled] = {}
        self._effects: dict[tuple[str, bool], Effect] = {}

    def error(self, loc: Loc, message: str, fix: str = "", code: str = "invalid",
              col: int = 0) -> None:
        self.problems.append(Problem(loc, message, fix, "error", code, col))

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def cond(self, text: str | None, loc: Loc, *, call: bool = False) -> Compiled | None:
        """Compile a condition, or record why it cannot be (None)."""
        if text is None:
            return None
        known = self._compiled.get((text, call))
        if known is not None:
            return known
        names = self.call_names if call else self.names
        try:
            tree = parse_condition(text, names)
        except ExprError as exc:
            self.error(loc, exc.message, exc.fix, "condition", exc.col)
            return None
        self.conditions[text] = tree
        compiled = self._compiled[(text, call)] = compile_tree(tree, names)
        return compiled

    def effects(self, texts: Iterable[str], loc: Loc, *, call: bool = False
                ) -> tuple[Effect, ...]:
        names = self.call_names if call else self.names
        compiled: list[Effect] = []
        for i, text in enumerate(texts):
            known = self._effects.get((text, call))
            if known is not None:
                compiled.append(known)
                continue
            try:
                effect = compile_effect(text, names)
            except ExprError as exc:
                self.error((*loc, i), exc.message, exc.fix, "effect", exc.col)
                continue
            self._effects[(text, call)] = effect
            compiled.append(effect)
        return tuple(compiled)

    def reference(self, loc: Loc, what: str, word: str, known: Collection[str],
                  fix: str = "") -> None:
        """Record an unknown ``what`` (a node, channel...) with the nearest known one."""
        self.error(loc, f"unknown {what} '{word}'", self.nearest(word, known) or fix)


def _duplicates(ids: Sequence[str], loc: Loc, what: str, out: _Collector) -> None:
    counts = Counter(ids)
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if counts[ident] > 1 and ident in seen:
            out.error((*loc, i, "id"), f"duplicate {what} id '{ident}'",
                      f"give each {what} its own id", "duplicate")
        seen.add(ident)


def _scenario_names(model: Scenario) -> Names:
    return Names(
        meters=frozenset(m.id for m in model.meters),
        flags=frozenset(f.id for f in model.flags),
        channels=frozenset(c.id for c in model.channels),
        nodes=frozenset(n.id for n in model.nodes),
        tags=frozenset(t for n in model.nodes for o in n.decision.options for t in o.tags),
        prices=frozenset(p.id for p in model.counterpart.prices),
    )


# --- the compiler ----------------------------------------------------------------------


class _Compiler:
    """Checks and compiles one validated scenario, one part per method."""

    def __init__(self, model: Scenario) -> None:
        self.model = model
        self.names = _scenario_names(model)
        self.out = _Collector(self.names)
        self.roles = {r.id for r in model.roles}
        self.channels = {c.id: c for c in model.channels}
        self.meters = {m.id: m for m in model.meters}
        self.start = model.start or model.nodes[0].id
        self.targets = self.names.nodes | {END}

    def check_ids(self) -> None:
        model, out = self.model, self.out
        for key, items, what in (("meters", model.meters, "meter"),
                                 ("flags", model.flags, "flag"),
                                 ("channels", model.channels, "channel"),
                                 ("nodes", model.nodes, "node"),
                                 ("endings", model.endings, "ending"),
                                 ("roles", model.roles, "role"),
                                 ("objectives", model.objectives, "objective"),
                                 ("capabilities", model.capabilities, "capability")):
            _duplicates([item.id for item in items], (key,), what, out)
        _duplicates([p.id for p in model.counterpart.prices], ("counterpart", "prices"),
                    "price", out)
        capabilities = {c.id for c in model.capabilities}
        for i, objective in enumerate(model.objectives):
            if objective.capability is not None and objective.capability not in capabilities:
                out.reference(("objectives", i, "capability"), "capability",
                              objective.capability, capabilities,
                              "declare it under 'capabilities:'")
        for i, meter in enumerate(model.meters):
            if meter.id in RESERVED:
                out.error(("meters", i, "id"), f"'{meter.id}' is a reserved word",
                          "choose another meter id")
        for i, node in enumerate(model.nodes):
            if node.id == END:
                out.error(("nodes", i, "id"), "'end' is reserved for finishing the session",
                          "choose another node id")
        for i, ending in enumerate(model.endings):
            if ending.id in self.names.nodes:
                out.error(("endings", i, "id"), f"ending id '{ending.id}' is also a node id",
                          "endings and nodes need different ids")
        if self.start not in self.names.nodes:
            out.error(("start",), f"start node '{self.start}' does not exist",
                      out.nearest(self.start, self.names.nodes))

    # nodes ------------------------------------------------------------------------
    def nodes(self) -> tuple[dict[str, tuple[CompiledOption, ...]],
                             dict[tuple[str, int], Compiled]]:
        options: dict[str, tuple[CompiledOption, ...]] = {}
        injects_when: dict[tuple[str, int], Compiled] = {}
        for ni, node in enumerate(self.model.nodes):
            if node.id in options:
                continue  # a duplicate id, already reported; its options would shadow the first's
            self._injects(node, ("nodes", ni), injects_when)
            options[node.id] = self._decision(node, ("nodes", ni, "decision"))
        return options, injects_when

    def _injects(self, node: Node, nloc: Loc,
                 injects_when: dict[tuple[str, int], Compiled]) -> None:
        out = self.out
        for ii, inject in enumerate(node.injects):
            iloc: Loc = (*nloc, "injects", ii)
            if inject.channel is not None and inject.channel not in self.channels:
                out.reference((*iloc, "channel"), "channel", inject.channel, self.channels,
                              "declare it under 'channels:'")
            for ri, role in enumerate(inject.to):
                if role not in self.roles:
                    out.reference((*iloc, "to", ri), "role", role, self.roles)
            compiled = out.cond(inject.when, (*iloc, "when"))
            if compiled is not None:
                injects_when[(node.id, ii)] = compiled

    def _decision(self, node: Node, dloc: Loc) -> tuple[CompiledOption, ...]:
        out, decision = self.out, node.decision
        if decision.role is not None and decision.role not in self.roles:
            out.reference((*dloc, "role"), "role", decision.role, self.roles)
        option_ids = [o.id for o in decision.options]
        _duplicates(option_ids, (*dloc, "options"), "option", out)
        if decision.on_timeout is not None and decision.on_timeout not in option_ids:
            out.error((*dloc, "on_timeout"), f"no option '{decision.on_timeout}' at this node",
                      out.nearest(decision.on_timeout, option_ids)
                      or "name one of this node's options")
        return tuple(self._option(node.id, oi, option, (*dloc, "options", oi))
                     for oi, option in enumerate(decision.options))

    def _option(self, node_id: str, index: int, option: Option, loc: Loc) -> CompiledOption:
        out = self.out
        if option.channel is not None and option.channel not in self.channels:
            out.reference((*loc, "channel"), "channel", option.channel, self.channels,
                          "declare it under 'channels:'")
        available = out.cond(option.available, (*loc, "available"))
        effects = out.effects(option.effects, (*loc, "effects"))
        return CompiledOption(
            node=node_id,
            option=option,
            index=index,
            available=available,
            effects=effects,
            outcomes=self._outcomes(option, loc),
            branches=self._branches(option, loc),
            severity_weight=SEVERITY_WEIGHT[option.severity_class],
        )

    def _outcomes(self, option: Option, loc: Loc) -> tuple[CompiledOutcome, ...]:
        out = self.out
        outcomes: list[CompiledOutcome] = []
        unconditional = 0.0
        for i, outcome in enumerate(option.outcomes):
            oloc: Loc = (*loc, "outcomes", i)
            if outcome.when is None:
                unconditional += outcome.chance
            outcomes.append(CompiledOutcome(
                outcome.id or f"outcome-{i + 1}",
                outcome.chance,
                out.cond(outcome.when, (*oloc, "when"), call=True),
                outcome.text,
                out.effects(outcome.effects, (*oloc, "effects"), call=True),
            ))
        if unconditional > 1.0 + 1e-9:
            out.error((*loc, "outcomes"),
                      f"the chances of outcomes without 'when' add up to {unconditional:g}, "
                      "more than 1", "make them add up to 1 or less", "probability")
        return tuple(outcomes)

    def _branches(self, option: Option, loc: Loc) -> tuple[tuple[Compiled | None, str], ...]:
        out = self.out
        if isinstance(option.next, str):
            self._target((*loc, "next"), option.next)
            return ((None, option.next),)
        branches: list[tuple[Compiled | None, str]] = []
        for i, branch in enumerate(option.next):
            bloc: Loc = (*loc, "next", i)
            branches.append((out.cond(branch.when, (*bloc, "when"), call=True), branch.goto))
            self._target((*bloc, "goto"), branch.goto)
        if not option.next or option.next[-1].when is not None:
            out.error((*loc, "next"), "the last branch has a 'when', so the flow can get stuck",
                      "end the list with a branch that has only 'goto'")
        return tuple(branches)

    def _target(self, loc: Loc, target: str) -> None:
        if target not in self.targets:
            self.out.error(loc, f"'{target}' is not a node",
                           self.out.nearest(target, self.targets)
                           or "name a node id, or 'end' to finish", "reference")

    # the rest of the file ------------------------------------------------------------
    def counterpart(self) -> tuple[tuple[CompiledModifier, ...],
                                   dict[str, tuple[tuple[Compiled, str], ...]]]:
        out, counterpart = self.out, self.model.counterpart
        meter = counterpart.openness_meter
        if meter is not None and meter not in self.meters:
            out.reference(("counterpart", "openness_meter"), "meter", meter, self.meters)
        modifiers: list[CompiledModifier] = []
        for i, mod in enumerate(counterpart.modifiers):
            when = out.cond(mod.when, ("counterpart", "modifiers", i, "when"))
            if when is not None:
                modifiers.append(CompiledModifier(when, mod.delta, mod.reason, mod.subject))
        preconditions: dict[str, list[tuple[Compiled, str]]] = {}
        for i, pre in enumerate(counterpart.preconditions):
            ploc: Loc = ("counterpart", "preconditions", i)
            if pre.channel not in self.channels:
                out.reference((*ploc, "channel"), "channel", pre.channel, self.channels)
                continue
            req = out.cond(pre.requires, (*ploc, "requires"))
            if req is not None:
                preconditions.setdefault(pre.channel, []).append((req, pre.reason))
        return tuple(modifiers), {k: tuple(v) for k, v in preconditions.items()}

    def leadership(self) -> tuple[tuple[CompiledLeadershipEvent, ...],
                                  tuple[CompiledPrice, ...], tuple[Effect, ...]]:
        """The leadership's events, the prices and the effects of pressure."""
        out, counterpart = self.out, self.model.counterpart
        events: list[CompiledLeadershipEvent] = []
        for i, event in enumerate(counterpart.leadership.events):
            when = out.cond(event.when, ("counterpart", "leadership", "events", i, "when"))
            if when is not None:
                events.append(CompiledLeadershipEvent(
                    i, event.id or f"event-{i + 1}", when, tuple(event.authorise),
                    tuple(event.withhold), event.text))
        prices: list[CompiledPrice] = []
        for i, price in enumerate(counterpart.prices):
            ploc: Loc = ("counterpart", "prices", i)
            prices.append(CompiledPrice(price.id, price.demand,
                                        out.cond(price.when, (*ploc, "when")),
                                        out.effects(price.cost, (*ploc, "cost"))))
        pressure_effects = out.effects(counterpart.pressure_effects,
                                       ("counterpart", "pressure_effects"))
        return tuple(events), tuple(prices), pressure_effects

    def answer_effects(self) -> dict[str, tuple[Effect, ...]]:
        return {c.id: self.out.effects(c.answer_effects, ("channels", i, "answer_effects"))
                for i, c in enumerate(self.model.channels)}

    def endings(self) -> tuple[CompiledEnding, ...]:
        endings: list[CompiledEnding] = []
        has_fallback = False
        for i, ending in enumerate(self.model.endings):
            if ending.when is None and not ending.early:
                has_fallback = True
            endings.append(CompiledEnding(ending,
                                          self.out.cond(ending.when, ("endings", i, "when"))))
        if not has_fallback:
            self.out.error(("endings",), "no fallback ending: every ending has a condition",
                           "add an ending without 'when' (listed last) so every session can end")
        return tuple(endings)

    def ratings(self) -> dict[str, tuple[tuple[str, Compiled], ...]]:
        ratings: dict[str, tuple[tuple[str, Compiled], ...]] = {}
        for i, objective in enumerate(self.model.objectives):
            rules: list[tuple[str, Compiled]] = []
            for level in ("performed", "some", "major"):
                text = getattr(objective.rating, level)
                compiled = self.out.cond(text, ("objectives", i, "rating", level))
                if compiled is not None:
                    rules.append((level, compiled))
            ratings[objective.id] = tuple(rules)
        return ratings

    def paths(self, options: dict[str, tuple[CompiledOption, ...]]
              ) -> tuple[dict[str, str], dict[str, str]]:
        model = self.model
        expert = _path_steps(model.expert, ("expert",), options, self.out)
        for i, step in enumerate(model.expert):
            if step.mistake:
                self.out.error(("expert", i, "mistake"), "the expert path cannot mark a mistake",
                               "mark the historical step the scenario teaches against instead")
        historical: dict[str, str] = {}
        if model.historical is not None:
            historical = _path_steps(model.historical.steps, ("historical", "steps"), options,
                                     self.out)
            ending_ids = {e.id for e in model.endings}
            if model.historical.ending not in ending_ids:
                self.out.reference(("historical", "ending"), "ending", model.historical.ending,
                                   ending_ids)
        return expert, historical

    def scoring(self) -> None:
        out, scoring = self.out, self.model.scoring
        if scoring.escalation_meter not in self.meters:
            out.reference(("scoring", "escalation_meter"), "meter", scoring.escalation_meter,
                          self.meters, "name the meter that tracks escalation")
        for i, meter_id in enumerate(scoring.standing_meters):
            if meter_id not in self.meters:
                out.reference(("scoring", "standing_meters", i), "meter", meter_id, self.meters)
        flag = scoring.loss_of_life_flag
        if flag is not None and flag not in self.names.flags:
            out.reference(("scoring", "loss_of_life_flag"), "flag", flag, self.names.flags)


def _path_steps(steps: Sequence[Any], loc: Loc, options: dict[str, tuple[CompiledOption, ...]],
                out: _Collector) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for i, step in enumerate(steps):
        node, option = step.node, step.option
        if node not in options:
            out.reference((*loc, i, "node"), "node", node, options)
            continue
        ids = [o.id for o in options[node]]
        if option not in ids:
            out.error((*loc, i, "option"), f"node '{node}' has no option '{option}'",
                      out.nearest(option, ids))
            continue
        if node in chosen:
            out.error((*loc, i, "node"), f"node '{node}' appears twice on this path",
                      "list each node once")
        chosen[node] = option
    return chosen


# --- what play cannot survive -------------------------------------------------------------


def _effect_sites(model: Scenario, options: Mapping[str, tuple[CompiledOption, ...]],
                  answer_effects: Mapping[str, tuple[Effect, ...]]
                  ) -> Iterable[tuple[Loc, Effect]]:
    node_index = {n.id: i for i, n in enumerate(model.nodes)}
    for node_id, compiled in options.items():
        base: Loc = ("nodes", node_index[node_id], "decision", "options")
        for option in compiled:
            for ei, effect in enumerate(option.effects):
                yield (*base, option.index, "effects", ei), effect
            for xi, outcome in enumerate(option.outcomes):
                for ei, effect in enumerate(outcome.effects):
                    yield (*base, option.index, "outcomes", xi, "effects", ei), effect
    channel_index = {c.id: i for i, c in enumerate(model.channels)}
    for channel, effects in answer_effects.items():
        for ei, effect in enumerate(effects):
            yield ("channels", channel_index[channel], "answer_effects", ei), effect


def _ranges(meters: Mapping[str, Meter]) -> dict[str, Interval]:
    return {m.id: (float(m.min), float(m.max)) for m in meters.values()}


def _effect_bounds(effect: Effect, ranges: Mapping[str, Interval]) -> tuple[Interval, float]:
    """What a meter effect can compute over the meters' ranges, and the largest
    magnitude met on the way (``nan`` when something is undefined)."""
    def lookup(ref: Ref) -> Interval:
        family = family_of(ref.parts)
        if family is not None and family.head in ("", "peak"):
            return ranges[ref.parts[-1]]
        if family is not None and family.limit is not None:
            return (-family.limit, family.limit)
        return (-math.inf, math.inf)

    evaluator = Evaluator(lookup)
    assert effect.expr is not None
    lo, hi = evaluator.number(effect.expr)
    mlo, mhi = ranges[effect.name]
    if effect.op == "+=":
        lo, hi = mlo + lo, mhi + hi
    elif effect.op == "-=":
        lo, hi = mlo - hi, mhi - lo
    largest = evaluator.largest
    if not math.isnan(largest):
        largest = max(largest, abs(lo), abs(hi))
    return (lo, hi), largest


def check_effect_sizes(model: Scenario, options: Mapping[str, tuple[CompiledOption, ...]],
                       answer_effects: Mapping[str, tuple[Effect, ...]],
                       meters: Mapping[str, Meter], out: _Collector) -> None:
    """Reject meter effects that can compute a number beyond ±10^15 (or none at all)."""
    ranges = _ranges(meters)
    for loc, effect in _effect_sites(model, options, answer_effects):
        if effect.target != "meter" or effect.expr is None or effect.constant is not None:
            continue
        (lo, hi), largest = _effect_bounds(effect, ranges)
        if math.isnan(largest) or largest > MAX_NUMBER:
            out.error(loc, f"the effect '{effect.source}' can compute a number too large to "
                      "keep (beyond ±10^15) when the meters it reads are at the ends of their "
                      "ranges", "use smaller numbers, or fewer multiplications", "overflow")


def _flow_graph(options: Mapping[str, tuple[CompiledOption, ...]]) -> dict[str, set[str]]:
    return {node: {d for o in compiled for d in o.targets} for node, compiled in options.items()}


def check_endings_reachable(model: Scenario, start: str,
                            options: Mapping[str, tuple[CompiledOption, ...]],
                            out: _Collector) -> None:
    """Reject a flow in which some reachable node can never lead to an ending.

    Conditions are ignored (every option and branch counts as possible), so
    this finds only flows that loop whatever happens; lint looks closer. An
    early ending can end the game anywhere, so with one nothing is reported.
    """
    if any(e.early and e.when is not None for e in model.endings):
        return
    graph = _flow_graph(options)
    reachable = {start}
    queue = deque([start])
    while queue:
        for dest in graph.get(queue.popleft(), ()):
            if dest != END and dest not in reachable:
                reachable.add(dest)
                queue.append(dest)
    incoming: dict[str, list[str]] = {}
    for node, dests in graph.items():
        for dest in dests:
            incoming.setdefault(dest, []).append(node)
    can_end = set(incoming.get(END, ()))
    queue = deque(can_end)
    while queue:
        for before in incoming.get(queue.popleft(), ()):
            if before not in can_end:
                can_end.add(before)
                queue.append(before)
    trapped = reachable - can_end
    if not trapped:
        return
    index = {n.id: i for i, n in enumerate(model.nodes)}
    doors = [start] if start in trapped else sorted(
        (n for n in trapped if any(b in can_end for b in incoming.get(n, ()))),
        key=index.__getitem__)
    for door in doors:
        loop = _loop_from(door, graph)
        where = "the start" if door == start else f"node '{door}'"
        out.error(("nodes", index[door], "id"),
                  f"no ending can be reached from {where}: every way on from here only loops "
                  f"({' -> '.join(loop)} ...)",
                  "give an option on the way 'next: end', or a way out of the loop",
                  "no-ending")


def _loop_from(node: str, graph: Mapping[str, set[str]], limit: int = 6) -> list[str]:
    path = [node]
    seen = {node}
    while len(path) < limit:
        nxt = sorted(d for d in graph.get(path[-1], ()) if d != END)
        if not nxt:
            break
        step = next((d for d in nxt if d not in seen), nxt[0])
        path.append(step)
        if step in seen:
            break
        seen.add(step)
    return path


class _StartState:
    """The session state as the first decision is shown (see check_start_offers)."""

    def __init__(self, model: Scenario, start: str) -> None:
        self.meters = {m.id: float(m.initial) for m in model.meters}
        self.peaks = dict(self.meters)
        self.flags = {f.id for f in model.flags if f.initial}
        self.channels: dict[str, str] = {c.id: c.initial for c in model.channels}
        self.contact: set[str] = set()
        self.visited = {start}
        self.recent: dict[str, int] = {}
        self.turn = 0
        self.call_status: str | None = None
        self.recent_turns = model.counterpart.recent_turns
        # The leadership's events and the prices' conditions are checked as the
        # session starts; when there are any, their names are left unknown here
        # (KeyError: the check then assumes a condition reading them may hold).
        counterpart = model.counterpart
        levels = counterpart.leadership
        self.leadership: dict[str, bool] = {} if levels.events else {
            level: getattr(levels, level).initial == "authorised"
            for level in ("political", "military", "working")}
        self.pressure = dict.fromkeys(("political", "military", "working"), 0)
        self.prices: dict[str, str] = {} if any(p.when for p in counterpart.prices) else {
            p.id: "demanded" for p in counterpart.prices}
        self.asked: dict[str, int] = {}


def check_start_offers(model: Scenario, start: str,
                       options: Mapping[str, tuple[CompiledOption, ...]],
                       out: _Collector) -> None:
    """Reject a start node none of whose options is available when the session begins."""
    if any(c.initial == "ringing" for c in model.channels):
        return  # a call answered on arrival may change the state: only play can tell
    compiled = options.get(start, ())
    state = _StartState(model, start)
    for option in compiled:
        if option.available is None:
            return
        try:
            if option.available(state):
                return
        except (AttributeError, KeyError, TypeError, ValueError):
            return  # a name this check cannot read: assume it may hold
    if not compiled:
        return
    index = next(i for i, n in enumerate(model.nodes) if n.id == start)
    out.error(("nodes", index, "decision", "options"),
              f"no option can be offered at the start node '{start}': every option's "
              "'available' condition is false when the session begins",
              "give at least one option no 'available' condition, or one that holds at the "
              "start", "start-stuck")


# --- the whole scenario ------------------------------------------------------------------


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
    compiler = _Compiler(model)
    compiler.check_ids()
    options, injects_when = compiler.nodes()
    modifiers, preconditions = compiler.counterpart()
    leadership_events, prices, pressure_effects = compiler.leadership()
    answer_effects = compiler.answer_effects()
    endings = compiler.endings()
    ratings = compiler.ratings()
    expert, historical = compiler.paths(options)
    compiler.scoring()
    out = compiler.out
    check_effect_sizes(model, options, answer_effects, compiler.meters, out)
    if not out.has_errors():  # the flow is only worth following once every reference holds
        check_endings_reachable(model, compiler.start, options, out)
        check_start_offers(model, compiler.start, options, out)
    if out.has_errors():
        return None, out.problems
    result = CompiledScenario(
        model=model,
        content_hash=content_hash(model),
        names=compiler.names,
        start=compiler.start,
        nodes={n.id: n for n in model.nodes},
        options=options,
        meters=compiler.meters,
        channels=compiler.channels,
        endings=endings,
        modifiers=modifiers,
        preconditions=preconditions,
        answer_effects=answer_effects,
        ratings=ratings,
        injects_when=injects_when,
        expert=expert,
        historical=historical,
        leadership_events=leadership_events,
        prices=prices,
        pressure_effects=pressure_effects,
        authority={c.id: c.authority_level for c in model.channels},
        source_path=source_path,
        warnings=tuple(out.problems),
        conditions=out.conditions,
    )
    return result, out.problems
