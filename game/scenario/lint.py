"""Lint: does the scenario work, and does it teach what it claims?

Validation (:mod:`game.scenario.compile`) checks that a scenario is well
formed. Lint goes further and looks at the crisis flow as a whole:

* nodes no play can reach, and nodes from which no ending can be reached;
* endings that are never reached (shadowed by an earlier ending, or whose
  condition can never hold when the game ends);
* options that are never available, that change nothing, or that are never
  better than another option of the same decision (dominated);
* branches and outcomes that can never be taken; probabilities that don't
  add up;
* meters and flags that are set but never read (or read but never set),
  channels that are never used, counterpart preconditions that can never be
  met;
* missing doctrine notes, sources and rating rules.

"Can never" is decided by a small *abstract interpretation* of the flow: the
whole scenario is played once over sets of possible values (an interval per
meter, the possible values of each flag and channel status) instead of one
game at a time. It over-approximates what real play can do, so whatever it
says can never happen really never happens (facilitator inputs aside); the
converse is not true, and the balance report (many real games) covers it.

Every finding is a :class:`~game.scenario.compile.Problem` located by field
path; :func:`lint_text` maps them to line and column with the loader's
position table.
"""

from __future__ import annotations

import ast
import heapq
import itertools
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Union

from .compile import CompiledOption, CompiledScenario, Loc, Problem
from .diagnostics import Diagnostic, format_path, sort_diagnostics
from .expr import NEVER, ExprError, dotted_name
from .expr import _parse as parse_condition
from .expr import referenced_names as _referenced_names
from .models import AUTHORITY_LEVELS, END, Scenario

__all__ = [
    "LINT_CODES",
    "LintResult",
    "lint_command",
    "lint_file",
    "lint_scenario",
    "lint_text",
]

#: Stable codes of lint findings, with a one-line description (for --json users and filters).
LINT_CODES: dict[str, str] = {
    "unreachable": "a node no play can reach",
    "dead-end": "a node from which no ending can be reached",
    "stuck": "a node where no option can ever be available",
    "ending-never-reached": "an ending no play can reach",
    "option-never-available": "an option whose 'available' condition never holds",
    "branch-never-taken": "a 'next' branch that can never be taken",
    "outcome-never-happens": "an outcome that can never be drawn",
    "no-effect": "an option that changes nothing and leads nowhere new",
    "dominated": "an option never better than another of the same decision",
    "probability": "outcome chances that don't add up",
    "meter-unread": "a meter that changes but nothing reads",
    "meter-constant": "a meter that conditions read but nothing changes",
    "flag-unread": "a flag that is set but nothing reads",
    "flag-never-set": "a flag that conditions read but nothing sets",
    "channel-unused": "a channel no option, inject or rule uses",
    "precondition-never-met": "a counterpart precondition that can never be met",
    "doctrine-missing": "an option without a doctrine note",
    "sources-missing": "a scenario without sources",
    "rating-missing": "a learning objective without rating rules",
    "expert-gap": "a decision the expert path does not cover",
    "leadership-event-never": "a leadership event whose condition never holds",
    "price-never-raised": "a price the counterpart never demands",
    "price-unanswered": "a price no option pays, refuses or defers",
    "rating-luck": "a rating rule that reads the counterpart's answers, not the trainee's acts",
}

@lru_cache(maxsize=8192)
def referenced_names(text: str) -> frozenset[str]:
    """Dotted names a condition mentions (cached: lint asks many times)."""
    return frozenset(_referenced_names(text))


Bools = frozenset[bool]
Interval = tuple[float, float]
Strs = frozenset[str]
BOTH: Bools = frozenset((True, False))
TRUE: Bools = frozenset((True,))
FALSE: Bools = frozenset((False,))
INF = math.inf


# --- the abstract state ---------------------------------------------------------


@dataclass
class AState:
    """Every value a session could hold at one point of the flow.

    Attributes:
        meters: Interval of each meter's possible values.
        peaks: Interval of each meter's possible peak.
        flags: Possible values of each flag.
        channels: Possible statuses of each channel.
        contact: Possible values of ``contact.<x>`` (channel ids, levels, ``any``).
        visited: Possible values of ``visited.<node>``.
        turn: Interval of the number of decisions taken.
        call: Possible statuses of the call the current option made
            (``none`` when it made none); only meaningful inside an option.
        leadership: Possible values of ``leadership.<level>``.
        pressure: Interval of ``pressure.<level>``.
        prices: Possible statuses of each price.
        asked: Possible values of ``asked.<x>`` (channel ids, levels, ``any``).
        asked_at: Interval of ``asked_at.<x>``.
        fired: Whether each leadership event (by index) may have been taken.
    """

    meters: dict[str, Interval]
    peaks: dict[str, Interval]
    flags: dict[str, Bools]
    channels: dict[str, Strs]
    contact: dict[str, Bools]
    visited: dict[str, Bools]
    turn: Interval
    call: Strs = frozenset(("none",))
    leadership: dict[str, Bools] = field(default_factory=dict)
    pressure: dict[str, Interval] = field(default_factory=dict)
    prices: dict[str, Strs] = field(default_factory=dict)
    asked: dict[str, Bools] = field(default_factory=dict)
    asked_at: dict[str, Interval] = field(default_factory=dict)
    fired: dict[int, Bools] = field(default_factory=dict)

    def copy(self) -> AState:
        """A copy that can be changed without touching this state."""
        return AState(dict(self.meters), dict(self.peaks), dict(self.flags), dict(self.channels),
                      dict(self.contact), dict(self.visited), self.turn, self.call,
                      dict(self.leadership), dict(self.pressure), dict(self.prices),
                      dict(self.asked), dict(self.asked_at), dict(self.fired))

    def join(self, other: AState) -> AState:
        """The least state holding every value of both."""
        return AState(
            {k: _hull(v, other.meters[k]) for k, v in self.meters.items()},
            {k: _hull(v, other.peaks[k]) for k, v in self.peaks.items()},
            {k: v | other.flags[k] for k, v in self.flags.items()},
            {k: v | other.channels[k] for k, v in self.channels.items()},
            {k: v | other.contact[k] for k, v in self.contact.items()},
            {k: v | other.visited[k] for k, v in self.visited.items()},
            _hull(self.turn, other.turn),
            self.call | other.call,
            {k: v | other.leadership[k] for k, v in self.leadership.items()},
            {k: _hull(v, other.pressure[k]) for k, v in self.pressure.items()},
            {k: v | other.prices[k] for k, v in self.prices.items()},
            {k: v | other.asked[k] for k, v in self.asked.items()},
            {k: _hull(v, other.asked_at[k]) for k, v in self.asked_at.items()},
            {k: v | other.fired[k] for k, v in self.fired.items()},
        )

    def same(self, other: AState) -> bool:
        """Whether both states hold the same values."""
        return (self.meters == other.meters and self.peaks == other.peaks
                and self.flags == other.flags and self.channels == other.channels
                and self.contact == other.contact and self.visited == other.visited
                and self.turn == other.turn and self.leadership == other.leadership
                and self.pressure == other.pressure and self.prices == other.prices
                and self.asked == other.asked and self.asked_at == other.asked_at
                and self.fired == other.fired)


def _hull(a: Interval, b: Interval) -> Interval:
    return (min(a[0], b[0]), max(a[1], b[1]))


def _join_all(states: Iterable[AState]) -> AState | None:
    result: AState | None = None
    for state in states:
        result = state if result is None else result.join(state)
    return result


# --- abstract evaluation of conditions ------------------------------------------

# An abstract value is either a set of booleans or an interval of numbers.
AValue = Union[Bools, Interval]


def _as_bools(value: AValue) -> Bools:
    if isinstance(value, frozenset):
        return value
    lo, hi = value
    if lo == 0 and hi == 0:
        return FALSE
    if lo > 0 or hi < 0:
        return TRUE
    return BOTH


def _as_interval(value: AValue) -> Interval:
    if isinstance(value, tuple):
        return value
    nums = [1.0 if v else 0.0 for v in value]
    return (min(nums), max(nums))


def _compare(op: ast.cmpop, a: Interval, b: Interval) -> Bools:
    (alo, ahi), (blo, bhi) = a, b
    if isinstance(op, ast.Lt):
        can_true, can_false = alo < bhi, ahi >= blo
    elif isinstance(op, ast.LtE):
        can_true, can_false = alo <= bhi, ahi > blo
    elif isinstance(op, ast.Gt):
        can_true, can_false = ahi > blo, alo <= bhi
    elif isinstance(op, ast.GtE):
        can_true, can_false = ahi >= blo, alo < bhi
    elif isinstance(op, (ast.Eq, ast.NotEq)):
        overlap = alo <= bhi and blo <= ahi
        single = alo == ahi == blo == bhi
        can_true, can_false = overlap, not single
        if isinstance(op, ast.NotEq):
            can_true, can_false = can_false, can_true
    else:
        return BOTH
    return frozenset(v for v, ok in ((True, can_true), (False, can_false)) if ok)


def _mul(a: Interval, b: Interval) -> Interval:
    products = []
    for x in a:
        for y in b:
            p = x * y
            products.append(0.0 if math.isnan(p) else p)
    return (min(products), max(products))


class _Evaluator:
    """Evaluates condition texts over an :class:`AState` (three-valued logic)."""

    def __init__(self, scenario: CompiledScenario) -> None:
        self.scenario = scenario
        self._trees: dict[str, ast.Expression | None] = {}

    def tree(self, text: str) -> ast.Expression | None:
        if text in self._trees:
            return self._trees[text]
        tree: ast.Expression | None
        try:
            # The loader's own parse, so hyphenated ids read as the engine reads them.
            tree = parse_condition(text)
        except ExprError:
            tree = None
        self._trees[text] = tree
        return tree

    def truth(self, text: str | None, state: AState) -> Bools:
        """The possible truth values of a condition (``None`` is always true)."""
        if text is None:
            return TRUE
        tree = self.tree(text)
        if tree is None:
            return BOTH
        try:
            return _as_bools(self._eval(tree.body, state))
        except (KeyError, RecursionError, TypeError, ValueError, OverflowError):
            return BOTH

    def number(self, text: str, state: AState) -> Interval:
        """The possible values of a numeric expression (an effect's right-hand side)."""
        tree = self.tree(text)
        if tree is None:
            return (-INF, INF)
        try:
            return _as_interval(self._eval(tree.body, state))
        except (KeyError, RecursionError, TypeError, ValueError, OverflowError):
            return (-INF, INF)

    def _eval(self, node: ast.AST, s: AState) -> AValue:
        if isinstance(node, ast.BoolOp):
            values = [_as_bools(self._eval(v, s)) for v in node.values]
            if isinstance(node.op, ast.And):
                can_true = all(True in v for v in values)
                can_false = any(False in v for v in values)
            else:
                can_true = any(True in v for v in values)
                can_false = all(False in v for v in values)
            return frozenset(v for v, ok in ((True, can_true), (False, can_false)) if ok)
        if isinstance(node, ast.UnaryOp):
            inner = self._eval(node.operand, s)
            if isinstance(node.op, ast.Not):
                return frozenset(not v for v in _as_bools(inner))
            lo, hi = _as_interval(inner)
            if isinstance(node.op, ast.USub):
                return (-hi, -lo)
            return (lo, hi)
        if isinstance(node, ast.Compare):
            left = _as_interval(self._eval(node.left, s))
            result: Bools = TRUE
            for op, comp in zip(node.ops, node.comparators):
                right = _as_interval(self._eval(comp, s))
                part = _compare(op, left, right)
                can_true = True in result and True in part
                can_false = False in result or False in part
                result = frozenset(v for v, ok in ((True, can_true), (False, can_false)) if ok)
                left = right
            return result
        if isinstance(node, ast.BinOp):
            a = _as_interval(self._eval(node.left, s))
            b = _as_interval(self._eval(node.right, s))
            if isinstance(node.op, ast.Add):
                return (a[0] + b[0], a[1] + b[1])
            if isinstance(node.op, ast.Sub):
                return (a[0] - b[1], a[1] - b[0])
            if isinstance(node.op, ast.Mult):
                return _mul(a, b)
            return (-INF, INF)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return frozenset((node.value,))
            if isinstance(node.value, (int, float)):
                return (float(node.value), float(node.value))
            return BOTH
        if isinstance(node, (ast.Name, ast.Attribute)):
            parts = dotted_name(node)
            if parts is None:
                return BOTH
            return self._name(parts, s)
        return BOTH

    def _name(self, parts: list[str], s: AState) -> AValue:
        parts = [p.replace("__", "-") for p in parts]
        head = parts[0]
        if len(parts) == 1:
            if head in ("true", "True"):
                return TRUE
            if head in ("false", "False"):
                return FALSE
            if head == "turn":
                return s.turn
            return s.meters[head]
        if head == "peak":
            return s.peaks[parts[1]]
        if head == "flags":
            return s.flags[parts[1]]
        if head == "channels":
            statuses = s.channels[parts[1]]
            wanted = parts[2]
            return frozenset(v for v, ok in ((True, wanted in statuses),
                                             (False, bool(statuses - {wanted}))) if ok)
        if head == "contact":
            return s.contact.get(parts[1], FALSE)
        if head == "call":
            wanted = parts[1]
            return frozenset(v for v, ok in ((True, wanted in s.call),
                                             (False, bool(s.call - {wanted}))) if ok)
        if head == "visited":
            return s.visited[parts[1]]
        if head == "leadership":
            return s.leadership[parts[1]]
        if head == "pressure":
            return s.pressure[parts[1]]
        if head == "prices":
            statuses = s.prices[parts[1]]
            wanted = parts[2]
            return frozenset(v for v, ok in ((True, wanted in statuses),
                                             (False, bool(statuses - {wanted}))) if ok)
        if head == "asked":
            return s.asked.get(parts[1], FALSE)
        if head == "asked_at":
            return s.asked_at.get(parts[1], (float(NEVER), float(NEVER)))
        return BOTH  # recent.<tag> and anything new: unknown


# --- effects over abstract states ------------------------------------------------

_EFFECT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*(\+=|-=|=)\s*(.+?)\s*$")


@dataclass(frozen=True)
class _AEffect:
    target: str  # meter, flag, channel
    name: str
    op: str
    rhs: str
    constant: float | None
    source: str


def _parse_effect(source: str, scenario: CompiledScenario) -> _AEffect | None:
    match = _EFFECT.match(source)
    if not match:
        return None
    target, op, rhs = match.groups()
    parts = target.split(".")
    if parts[0] == "flags" and len(parts) == 2:
        return _AEffect("flag", parts[1], op, rhs.lower(), None, source)
    if parts[0] == "channels" and len(parts) == 2:
        return _AEffect("channel", parts[1], op, rhs, None, source)
    if parts[0] == "prices" and len(parts) == 2:
        return _AEffect("price", parts[1], op, rhs, None, source)
    if len(parts) == 1 and parts[0] in scenario.meters:
        try:
            constant: float | None = float(rhs)
        except ValueError:
            constant = None
        return _AEffect("meter", parts[0], op, rhs, constant, source)
    return None


# --- the analysis -----------------------------------------------------------------


@dataclass
class FlowFacts:
    """What the abstract play found; the raw material of lint findings.

    Attributes:
        entry: The abstract state on entering each reachable node.
        edges: For each reachable node, the nodes (or ``end``) it can lead to.
        finishes: Nodes after which an early ending can happen.
        option_available: (node, option) pairs that can be offered.
        option_played: (node, option) pairs that can be chosen in a reachable state.
        branch_taken: (node, option, branch index) that can be taken.
        outcome_drawn: (node, option, outcome index) that can be drawn.
        no_outcome: (node, option) pairs where no outcome may be drawn.
        endings: Ending ids that can be reached.
        end_state: The join of every state in which the game can end.
        precondition_checked: Indices of preconditions checked by some call.
        precondition_met: Indices of preconditions that can hold when checked.
        call_states: For each channel, the join of states in which it is called.
        pre_outcome: For (node, option, call result), the join of states in which
            the option's outcome is drawn.
        pre_branch: For (node, option), the join of states in which its ``next``
            branches are chosen.
        static_reachable: Nodes reachable when every condition is ignored.
        leadership_fired: Leadership events (by index) that can be taken.
        prices_raised: Prices the counterpart can demand.
    """

    entry: dict[str, AState] = field(default_factory=dict)
    edges: dict[str, set[str]] = field(default_factory=dict)
    finishes: set[str] = field(default_factory=set)
    option_available: set[tuple[str, str]] = field(default_factory=set)
    option_played: set[tuple[str, str]] = field(default_factory=set)
    branch_taken: set[tuple[str, str, int]] = field(default_factory=set)
    outcome_drawn: set[tuple[str, str, int]] = field(default_factory=set)
    no_outcome: set[tuple[str, str]] = field(default_factory=set)
    endings: set[str] = field(default_factory=set)
    end_state: AState | None = None
    precondition_checked: set[int] = field(default_factory=set)
    precondition_met: set[int] = field(default_factory=set)
    call_states: dict[str, AState] = field(default_factory=dict)
    pre_outcome: dict[tuple[str, str, Strs], AState] = field(default_factory=dict)
    pre_branch: dict[tuple[str, str], AState] = field(default_factory=dict)
    static_reachable: set[str] = field(default_factory=set)
    leadership_fired: set[int] = field(default_factory=set)
    prices_raised: set[str] = field(default_factory=set)


_WIDEN_AFTER = 6
_MAX_ROUNDS = 400


class _Analyzer:
    def __init__(self, scenario: CompiledScenario) -> None:
        self.sc = scenario
        self.model = scenario.model
        self.ev = _Evaluator(scenario)
        self.facts = FlowFacts()
        self._effects: dict[str, _AEffect | None] = {}
        self._ranges = {m.id: (float(m.min), float(m.max)) for m in self.model.meters}
        self._levels = {c.id: c.level for c in self.model.channels}
        self._price_costs = {p.id: p.cost for p in self.model.counterpart.prices}
        self._subject: str | None = None

    # effects ------------------------------------------------------------------
    def effect(self, source: str) -> _AEffect | None:
        if source not in self._effects:
            self._effects[source] = _parse_effect(source, self.sc)
        return self._effects[source]

    def apply(self, state: AState, sources: Iterable[str]) -> AState:
        state = state.copy()
        for source in sources:
            eff = self.effect(source)
            if eff is None:
                continue
            if eff.target == "meter":
                lo, hi = state.meters[eff.name]
                if eff.constant is not None:
                    alo = ahi = eff.constant
                else:
                    alo, ahi = self.ev.number(eff.rhs, state)
                if eff.op == "+=":
                    nlo, nhi = lo + alo, hi + ahi
                elif eff.op == "-=":
                    nlo, nhi = lo - ahi, hi - alo
                else:
                    nlo, nhi = alo, ahi
                mlo, mhi = self._ranges[eff.name]
                nlo = min(mhi, max(mlo, nlo))
                nhi = min(mhi, max(mlo, nhi))
                state.meters[eff.name] = (nlo, nhi)
                plo, phi = state.peaks[eff.name]
                state.peaks[eff.name] = (max(plo, nlo), max(phi, nhi))
            elif eff.target == "flag":
                state.flags[eff.name] = TRUE if eff.rhs == "true" else FALSE
            elif eff.target == "channel":
                state.channels[eff.name] = frozenset((eff.rhs,))
            elif eff.target == "price" and eff.name in state.prices:
                before = state.prices[eff.name]
                state.prices[eff.name] = frozenset((eff.rhs,))
                if eff.rhs == "paid" and before != frozenset(("paid",)):
                    cost = self._price_costs.get(eff.name, ())
                    if cost:
                        paid = self.apply(state, cost)
                        state = paid if "paid" not in before else state.join(paid)
        return state

    def update(self, state: AState) -> AState:
        """Prices raised and leadership events taken at a check (node entry, end of turn)."""
        counterpart = self.model.counterpart
        for price in counterpart.prices:
            statuses = state.prices[price.id]
            if "none" not in statuses:
                continue
            truth = self.ev.truth(price.when, state)
            if True not in truth:
                continue
            self.facts.prices_raised.add(price.id)
            state = state.copy()
            if truth == TRUE and statuses == frozenset(("none",)):
                state.prices[price.id] = frozenset(("demanded",))
            else:
                state.prices[price.id] = statuses | {"demanded"}
        for index, event in enumerate(counterpart.leadership.events):
            fired = state.fired[index]
            if fired == TRUE:
                continue
            truth = self.ev.truth(event.when, state)
            if True not in truth:
                continue
            self.facts.leadership_fired.add(index)
            taken = state.copy()
            for level in event.authorise:
                taken.leadership[level] = TRUE
            for level in event.withhold:
                taken.leadership[level] = FALSE
            taken.fired[index] = TRUE
            state = taken if (truth == TRUE and fired == FALSE) else state.join(taken)
        return state

    def answered(self, state: AState, channel: str) -> AState:
        state = state.copy()
        state.channels[channel] = frozenset(("answered",))
        level = self._levels[channel]
        if level != "public":
            for key in (channel, level, "any"):
                state.contact[key] = TRUE
        effects = self.model.channels[self._channel_index(channel)].answer_effects
        return self.apply(state, effects) if effects else state

    def _channel_index(self, channel: str) -> int:
        for i, c in enumerate(self.model.channels):
            if c.id == channel:
                return i
        raise KeyError(channel)

    # calls --------------------------------------------------------------------
    def call(self, node_id: str, channel: str, state: AState) -> list[AState]:
        """The states after a call on ``channel``, one per possible result."""
        node = self.sc.nodes[node_id]
        profile = self.model.counterpart
        prev = self.facts.call_states.get(channel)
        self.facts.call_states[channel] = state if prev is None else prev.join(state)
        before = state.channels[channel]
        suspended_possible = "suspended" in before
        only_suspended = before == frozenset(("suspended",))
        state = state.copy()
        state.channels[channel] = frozenset(("requested",))
        level_name = self._levels[channel]
        if level_name != "public":
            for key in (channel, level_name, "any"):
                asked = state.asked.get(key, FALSE)
                if asked == FALSE:
                    state.asked_at[key] = state.turn
                elif asked != TRUE:
                    state.asked_at[key] = _hull(state.asked_at[key], state.turn)
                state.asked[key] = TRUE
        authority = self.sc.authority.get(channel)
        if authority is not None:
            # The request may be a repeated one: pressure may rise by one.
            lo, hi = state.pressure[authority]
            state.pressure[authority] = (lo, hi + 1)
        # Preconditions (hard gates).
        gate_may_fail = False
        gate_may_pass = True
        for index, pre in enumerate(profile.preconditions):
            if pre.channel != channel:
                continue
            self.facts.precondition_checked.add(index)
            truth = self.ev.truth(pre.requires, state)
            if True in truth and gate_may_pass:
                self.facts.precondition_met.add(index)
            if False in truth:
                gate_may_fail = True
            if truth == FALSE:
                gate_may_pass = False
        results: set[str] = set()
        if gate_may_fail:
            results.add("declined")
        authorised = state.leadership[authority] if authority is not None else TRUE
        if gate_may_pass and not only_suspended and True not in authorised:
            # The level is withheld: declined or unanswered, never answered.
            share = profile.decline_share
            override = node.counterpart
            if override is not None and override.decline_share is not None:
                share = override.decline_share
            if share > 0:
                results.add("declined")
            if share < 1:
                results.add("unanswered")
        elif gate_may_pass and not only_suspended:
            lo, hi = self._acceptance(node_id, channel, state)
            override = node.counterpart
            share = profile.decline_share
            if override is not None and override.decline_share is not None:
                share = override.decline_share
            window = self.model.channels[self._channel_index(channel)].delay
            if window is None:
                window = profile.delay
                if override is not None and override.delay is not None:
                    window = override.delay
            if hi > 0:
                if window.min == 0:
                    results.add("answered")
                if window.max > 0:
                    results.add("ringing")
            if lo < 1:
                if share > 0:
                    results.add("declined")
                if share < 1:
                    results.add("unanswered")
        out: list[AState] = []
        pressure_effects = profile.pressure_effects if authority is not None else ()
        for status in sorted(results):
            branch = self.answered(state, channel) if status == "answered" else state.copy()
            if status != "answered":
                branch.channels[channel] = frozenset((status,))
            if pressure_effects:
                # The request may be a repeated one, read as pressure.
                branch = branch.join(self.apply(branch, pressure_effects))
            branch.call = frozenset((status,))
            out.append(branch)
        if suspended_possible:
            # A call into a suspended line goes unanswered (declined when a
            # precondition fails first) and leaves the line suspended.
            for status in ("declined",) * gate_may_fail + ("unanswered",) * gate_may_pass:
                branch = state.copy()
                branch.channels[channel] = frozenset(("suspended",))
                if pressure_effects:
                    branch = branch.join(self.apply(branch, pressure_effects))
                branch.call = frozenset((status,))
                out.append(branch)
        return out

    def _acceptance(self, node_id: str, channel: str, state: AState) -> Interval:
        profile = self.model.counterpart
        override = self.sc.nodes[node_id].counterpart
        base = profile.base_acceptance
        if override is not None and override.base_acceptance is not None:
            base = override.base_acceptance
        lo = hi = base + self.model.channels[self._channel_index(channel)].acceptance
        if profile.openness_meter is not None:
            mlo, mhi = state.meters[profile.openness_meter]
            lo += profile.openness_weight * (mlo - 50.0) / 100.0
            hi += profile.openness_weight * (mhi - 50.0) / 100.0
        for mod in profile.modifiers:
            truth = self.ev.truth(mod.when, state)
            if mod.subject is not None and mod.subject != self._subject:
                continue
            if truth == TRUE:
                lo += mod.delta
                hi += mod.delta
            elif True in truth:
                lo += min(0.0, mod.delta)
                hi += max(0.0, mod.delta)
        authority = self.sc.authority.get(channel)
        if authority is not None:
            plo, phi = state.pressure[authority]
            lo -= profile.pressure_weight * phi
            hi -= profile.pressure_weight * plo
        return (max(0.0, min(1.0, lo)), max(0.0, min(1.0, hi)))

    # one option ---------------------------------------------------------------
    def play(self, node_id: str, compiled: CompiledOption,
             state: AState) -> list[tuple[str, AState]]:
        """Play an option abstractly; returns (destination, state) pairs."""
        option = compiled.option
        key = (node_id, option.id)
        self.facts.option_played.add(key)
        after = self.apply(state, option.effects)
        after.call = frozenset(("none",))
        self._subject = option.subject
        if option.kind in ("call", "back_channel") and option.channel is not None:
            called = self.call(node_id, option.channel, after)
        else:
            called = [after]
        drawn: list[AState] = []
        for s in called:
            drawn.extend(self.outcomes(node_id, compiled, s))
        results: list[tuple[str, AState]] = []
        for s in [self.update(d) for d in drawn]:
            s.turn = (s.turn[0] + 1, s.turn[1] + 1)
            ended_for_sure = False
            for ending in self.model.endings:
                if not ending.early or ending.when is None:
                    continue
                truth = self.ev.truth(ending.when, s)
                if True in truth:
                    self.facts.endings.add(ending.id)
                    self.facts.finishes.add(node_id)
                    self._end_state(s)
                if truth == TRUE:
                    ended_for_sure = True
                    break
            if ended_for_sure:
                continue
            prev = self.facts.pre_branch.get(key)
            self.facts.pre_branch[key] = s if prev is None else prev.join(s)
            for bi, (when_text, dest) in enumerate(self._branches(option)):
                truth = self.ev.truth(when_text, s)
                if True in truth:
                    self.facts.branch_taken.add((node_id, option.id, bi))
                    self.facts.edges.setdefault(node_id, set()).add(dest)
                    if dest == END:
                        self.final(s)
                    else:
                        results.append((dest, s))
                if truth == TRUE:
                    break
        return results

    @staticmethod
    def _branches(option: Any) -> list[tuple[str | None, str]]:
        if isinstance(option.next, str):
            return [(None, option.next)]
        return [(b.when, b.goto) for b in option.next]

    def outcomes(self, node_id: str, compiled: CompiledOption, state: AState) -> list[AState]:
        option = compiled.option
        if not option.outcomes:
            return [state]
        key = (node_id, option.id, state.call)
        prev = self.facts.pre_outcome.get(key)
        self.facts.pre_outcome[key] = state if prev is None else prev.join(state)
        out: list[AState] = []
        certain = 0.0
        for i, outcome in enumerate(option.outcomes):
            truth = self.ev.truth(outcome.when, state)
            if True in truth and outcome.chance > 0 and certain < 1.0 - 1e-12:
                self.facts.outcome_drawn.add((node_id, option.id, i))
                out.append(self.apply(state, outcome.effects))
            if truth == TRUE:
                certain += outcome.chance
        if certain < 1.0 - 1e-12:
            self.facts.no_outcome.add((node_id, option.id))
            out.append(state)
        return out

    def final(self, state: AState) -> None:
        for ending in self.model.endings:
            truth = self.ev.truth(ending.when, state)
            if True in truth:
                self.facts.endings.add(ending.id)
                self._end_state(state)
            if truth == TRUE:
                return

    def _end_state(self, state: AState) -> None:
        prev = self.facts.end_state
        self.facts.end_state = state if prev is None else prev.join(state)

    # entering a node ----------------------------------------------------------
    def enter(self, node_id: str, state: AState) -> AState:
        state = state.copy()
        state.visited[node_id] = TRUE
        state.call = frozenset(("none",))
        for channel, statuses in list(state.channels.items()):
            if "ringing" in statuses:
                state = state.join(self.answered(state, channel))
        return self.update(state)

    def initial(self) -> AState:
        model = self.model
        meters = {m.id: (float(m.initial), float(m.initial)) for m in model.meters}
        contact_keys = {c.id for c in model.channels} | {c.level for c in model.channels} | {"any"}
        return AState(
            meters=meters,
            peaks=dict(meters),
            flags={f.id: (TRUE if f.initial else FALSE) for f in model.flags},
            channels={c.id: frozenset((c.initial,)) for c in model.channels},
            contact={k: FALSE for k in contact_keys},
            visited={n.id: FALSE for n in model.nodes},
            turn=(0.0, 0.0),
            leadership={level: (TRUE if getattr(model.counterpart.leadership, level).initial
                                == "authorised" else FALSE) for level in AUTHORITY_LEVELS},
            pressure={level: (0.0, 0.0) for level in AUTHORITY_LEVELS},
            prices={p.id: frozenset(("none",)) for p in model.counterpart.prices},
            asked={k: FALSE for k in contact_keys},
            asked_at={k: (float(NEVER), float(NEVER)) for k in contact_keys},
            fired={i: FALSE for i in range(len(model.counterpart.leadership.events))},
        )

    def widen(self, old: AState, new: AState) -> AState:
        wide = new.copy()
        for k, (lo, hi) in new.meters.items():
            olo, ohi = old.meters[k]
            mlo, mhi = self._ranges[k]
            wide.meters[k] = (mlo if lo < olo else lo, mhi if hi > ohi else hi)
        for k, (lo, hi) in new.peaks.items():
            olo, ohi = old.peaks[k]
            mlo, mhi = self._ranges[k]
            wide.peaks[k] = (lo, mhi if hi > ohi else hi)
        if new.turn[1] > old.turn[1]:
            wide.turn = (new.turn[0], INF)
        for k, (lo, hi) in new.pressure.items():
            if hi > old.pressure[k][1]:
                wide.pressure[k] = (lo, INF)
        return wide

    def run(self) -> FlowFacts:
        facts = self.facts
        start = self.sc.start
        entry = facts.entry
        entry[start] = self.enter(start, self.initial())
        order = _reverse_postorder(self.sc)
        updates: dict[str, int] = {}
        work: list[tuple[int, str]] = [(order.get(start, 0), start)]
        queued = {start}
        rounds = 0
        while work:
            rounds += 1
            _, node_id = heapq.heappop(work)
            queued.discard(node_id)
            state = entry[node_id]
            arrivals: dict[str, AState] = {}
            for compiled in self.sc.options[node_id]:
                truth = self.ev.truth(compiled.option.available, state)
                if True not in truth:
                    continue
                facts.option_available.add((node_id, compiled.id))
                for dest, after in self.play(node_id, compiled, state):
                    prev = arrivals.get(dest)
                    arrivals[dest] = after if prev is None else prev.join(after)
            for dest, after in arrivals.items():
                arrived = self.enter(dest, after)
                old = entry.get(dest)
                if old is None:
                    joined = arrived
                else:
                    joined = old.join(arrived)
                    if joined.same(old):
                        continue
                    updates[dest] = updates.get(dest, 0) + 1
                    if updates[dest] > _WIDEN_AFTER or rounds > _MAX_ROUNDS:
                        joined = self.widen(old, joined)
                entry[dest] = joined
                if dest not in queued:
                    queued.add(dest)
                    heapq.heappush(work, (order.get(dest, len(order)), dest))
        facts.static_reachable = _static_reachable(self.sc)
        return facts


def _reverse_postorder(scenario: CompiledScenario) -> dict[str, int]:
    """Node -> position in a reverse postorder from the start (a topological order
    of the flow when it has no loops), so the analysis visits predecessors first."""
    seen: set[str] = set()
    post: list[str] = []
    stack: list[tuple[str, Iterator[str]]] = []

    def successors(node: str) -> Iterator[str]:
        for option in scenario.options[node]:
            for dest in option.targets:
                if dest != END:
                    yield dest

    seen.add(scenario.start)
    stack.append((scenario.start, successors(scenario.start)))
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in seen and child in scenario.options:
                seen.add(child)
                stack.append((child, successors(child)))
                break
        else:
            stack.pop()
            post.append(node)
    return {node: i for i, node in enumerate(reversed(post))}


def _static_reachable(scenario: CompiledScenario) -> set[str]:
    seen = {scenario.start}
    stack = [scenario.start]
    while stack:
        node = stack.pop()
        for option in scenario.options[node]:
            for dest in option.targets:
                if dest != END and dest not in seen:
                    seen.add(dest)
                    stack.append(dest)
    return seen


def analyze_flow(scenario: CompiledScenario) -> FlowFacts:
    """Play the scenario once over sets of values (see the module docstring).

    Args:
        scenario: A compiled scenario.

    Returns:
        What can happen: reachable nodes and their states, options, branches,
        outcomes and endings that can occur.
    """
    return _Analyzer(scenario).run()


# --- findings ---------------------------------------------------------------------


class _Findings:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, loc: Loc, code: str, message: str, fix: str = "",
            severity: str = "warning") -> None:
        if severity == "error":
            self.items.append(Problem(loc, message, fix, "error", code))
        else:
            self.items.append(Problem(loc, message, fix, "warning", code))


def _fmt(value: float) -> str:
    if value in (INF, -INF):
        return "∞" if value > 0 else "-∞"
    return f"{value:g}"


def _ranges_note(text: str | None, state: AState | None, scenario: Scenario) -> str:
    """"escalation can only be 10–80 there" for the meters a condition names."""
    if text is None or state is None:
        return ""
    meters = {m.id for m in scenario.meters}
    notes: list[str] = []
    for name in sorted(referenced_names(text)):
        parts = name.split(".")
        if len(parts) == 1 and parts[0] in meters:
            lo, hi = state.meters[parts[0]]
            notes.append(f"{parts[0]} {_fmt(lo)}–{_fmt(hi)}")
        elif parts[0] == "peak" and len(parts) == 2 and parts[1] in meters:
            lo, hi = state.peaks[parts[1]]
            notes.append(f"peak.{parts[1]} {_fmt(lo)}–{_fmt(hi)}")
        elif parts[0] == "flags" and len(parts) == 2 and parts[1] in state.flags:
            values = state.flags[parts[1]]
            if len(values) == 1:
                notes.append(f"flags.{parts[1]} always {str(next(iter(values))).lower()}")
    return ("; possible values there: " + ", ".join(notes)) if notes else ""


def _reads(scenario: CompiledScenario) -> tuple[set[str], list[str]]:
    """Every dotted name read by a condition or an effect's right-hand side."""
    model = scenario.model
    texts: list[str] = []
    for node in model.nodes:
        texts.extend(i.when for i in node.injects if i.when)
        for option in node.decision.options:
            if option.available:
                texts.append(option.available)
            texts.extend(_rhs(e) for e in option.effects)
            for outcome in option.outcomes:
                if outcome.when:
                    texts.append(outcome.when)
                texts.extend(_rhs(e) for e in outcome.effects)
            if not isinstance(option.next, str):
                texts.extend(b.when for b in option.next if b.when)
    texts.extend(e.when for e in model.endings if e.when)
    texts.extend(m.when for m in model.counterpart.modifiers)
    texts.extend(p.requires for p in model.counterpart.preconditions)
    texts.extend(e.when for e in model.counterpart.leadership.events)
    texts.extend(_rhs(e) for e in model.counterpart.pressure_effects)
    for price in model.counterpart.prices:
        if price.when:
            texts.append(price.when)
        texts.extend(_rhs(e) for e in price.cost)
    for channel in model.channels:
        texts.extend(_rhs(e) for e in channel.answer_effects)
    for objective in model.objectives:
        for level in ("performed", "some", "major"):
            text = getattr(objective.rating, level)
            if text:
                texts.append(text)
    names: set[str] = set()
    for text in texts:
        names |= referenced_names(text)
    return names, texts


def _rhs(effect: str) -> str:
    match = _EFFECT.match(effect)
    return match.group(3) if match else ""


def _all_effects(model: Scenario) -> Iterable[tuple[Loc, str]]:
    for ni, node in enumerate(model.nodes):
        for oi, option in enumerate(node.decision.options):
            base: Loc = ("nodes", ni, "decision", "options", oi)
            for ei, effect in enumerate(option.effects):
                yield (*base, "effects", ei), effect
            for xi, outcome in enumerate(option.outcomes):
                for ei, effect in enumerate(outcome.effects):
                    yield (*base, "outcomes", xi, "effects", ei), effect
    for ci, channel in enumerate(model.channels):
        for ei, effect in enumerate(channel.answer_effects):
            yield ("channels", ci, "answer_effects", ei), effect
    for pi, price in enumerate(model.counterpart.prices):
        for ei, effect in enumerate(price.cost):
            yield ("counterpart", "prices", pi, "cost", ei), effect
    for ei, effect in enumerate(model.counterpart.pressure_effects):
        yield ("counterpart", "pressure_effects", ei), effect


def _option_loc(scenario: CompiledScenario, node_id: str, option_index: int) -> Loc:
    return ("nodes", _node_index(scenario, node_id), "decision", "options", option_index)


def _node_index(scenario: CompiledScenario, node_id: str) -> int:
    for i, node in enumerate(scenario.model.nodes):
        if node.id == node_id:
            return i
    raise KeyError(node_id)


def lint_scenario(scenario: CompiledScenario) -> list[Problem]:
    """Look for problems in a scenario that validation alone does not find.

    Args:
        scenario: A compiled (hence valid) scenario.

    Returns:
        Findings, each with a field path, a plain-English message, a fix and a
        ``code`` from :data:`LINT_CODES`; ``severity`` is ``error`` for things
        that break play (a trainee can get stuck or never finish) and
        ``warning`` for the rest.
    """
    facts = analyze_flow(scenario)
    out = _Findings()
    _flow_findings(scenario, facts, out)
    _option_findings(scenario, facts, out)
    _ending_findings(scenario, facts, out)
    _usage_findings(scenario, facts, out)
    _content_findings(scenario, out)
    return out.items


def _flow_findings(scenario: CompiledScenario, facts: FlowFacts, out: _Findings) -> None:
    model = scenario.model
    reachable = set(facts.entry)
    for ni, node in enumerate(model.nodes):
        loc: Loc = ("nodes", ni, "id")
        if node.id not in reachable:
            if node.id in facts.static_reachable:
                out.add(loc, "unreachable",
                        f"node '{node.id}' is never reached: the options and branches that lead "
                        "here are never available or never taken",
                        "check the 'available' and 'when' conditions on the way here")
            else:
                out.add(loc, "unreachable",
                        f"node '{node.id}' is never reached: no option leads here",
                        f"point an option's 'next' at '{node.id}', or delete the node")
            continue
        if not any((node.id, o.id) in facts.option_available for o in node.decision.options):
            out.add(("nodes", ni, "decision", "options"), "stuck",
                    f"at node '{node.id}' no option is ever available, so the trainee is stuck",
                    "give at least one option no 'available' condition", "error")
    # Dead ends: reachable nodes with no way to an ending.
    can_finish: set[str] = set(facts.finishes)
    changed = True
    while changed:
        changed = False
        for node_id, dests in facts.edges.items():
            if node_id in can_finish:
                continue
            if END in dests or dests & can_finish:
                can_finish.add(node_id)
                changed = True
    for ni, node in enumerate(model.nodes):
        if node.id in reachable and node.id not in can_finish:
            if not any((node.id, o.id) in facts.option_available for o in node.decision.options):
                continue  # already reported as stuck
            out.add(("nodes", ni, "id"), "dead-end",
                    f"node '{node.id}' is a dead end: no sequence of choices from here reaches an "
                    "ending (the flow only loops)",
                    "give some option here or further on 'next: end' or a way out of the loop",
                    "error")


def _option_findings(scenario: CompiledScenario, facts: FlowFacts, out: _Findings) -> None:
    model = scenario.model
    reads, _ = _reads(scenario)
    read_tags = {n.split(".", 1)[1] for n in reads if n.startswith("recent.")}
    reachable = set(facts.entry)
    for ni, node in enumerate(model.nodes):
        if node.id not in reachable:
            continue
        state = facts.entry[node.id]
        compiled_options = scenario.options[node.id]
        for oi, option in enumerate(node.decision.options):
            oloc = _option_loc(scenario, node.id, oi)
            key = (node.id, option.id)
            if key not in facts.option_available:
                out.add((*oloc, "available"), "option-never-available",
                        f"option '{option.id}' is never offered: its condition "
                        f"'{option.available}' never holds at node '{node.id}'"
                        + _ranges_note(option.available, state, model),
                        "loosen the condition or remove the option")
                continue
            if not isinstance(option.next, str):
                # Options often share one 'next' list (a YAML anchor): a branch is
                # worth reporting only if no option that shares it ever takes it.
                sharing = [o.id for o in node.decision.options if o.next == option.next]
                first_sharer = sharing[0] == option.id
                for bi, branch in enumerate(option.next):
                    if not first_sharer or any((node.id, o, bi) in facts.branch_taken
                                               for o in sharing):
                        continue
                    earlier = [b.when for b in option.next[:bi] if b.when]
                    if any(b.when is None for b in option.next[:bi]):
                        why = "an earlier branch has no condition and always applies"
                    elif branch.when is not None:
                        why = f"'{branch.when}' never holds after this option"
                    else:
                        why = ("an earlier branch's condition always holds ("
                               + " or ".join(f"'{w}'" for w in earlier) + ")")
                    who = (f"after option '{option.id}'" if len(sharing) == 1 else
                           f"after any of the options {', '.join(repr(o) for o in sharing)}")
                    after = facts.pre_branch.get((node.id, option.id), state)
                    for other in sharing[1:]:
                        more = facts.pre_branch.get((node.id, other))
                        after = after if more is None else after.join(more)
                    note = _ranges_note(" or ".join(x for x in [*earlier, branch.when or ""]
                                                    if x), after, model)
                    out.add((*oloc, "next", bi), "branch-never-taken",
                            f"the branch to '{branch.goto}' is never taken {who}: {why}"
                            + note,
                            "reorder the branches or fix the condition")
            for xi, outcome in enumerate(option.outcomes):
                if (node.id, option.id, xi) in facts.outcome_drawn:
                    continue
                label = outcome.id or f"#{xi + 1}"
                if outcome.chance == 0:
                    why = "its chance is 0"
                elif outcome.when is not None and not _could(scenario, facts, node.id,
                                                             outcome.when):
                    why = f"its condition '{outcome.when}' never holds"
                else:
                    why = "the outcomes before it always take the whole chance"
                out.add((*oloc, "outcomes", xi), "outcome-never-happens",
                        f"outcome {label} of option '{option.id}' never happens: {why}",
                        "fix its chance or condition, or remove it")
            _probability_findings(scenario, facts, node.id, compiled_options[oi], oloc, out)
            compiled = compiled_options[oi]
            if _changes_nothing(compiled, read_tags):
                others = {d for o in compiled_options if o.id != option.id for d in o.targets}
                if set(compiled.targets) <= others:
                    out.add((*oloc, "id"), "no-effect",
                            f"option '{option.id}' changes nothing: no effects, no outcomes, no "
                            "call, and it leads where other options lead, so choosing it makes "
                            "no difference",
                            "give it a consequence (a meter, a flag, a call) or its own next node")
        _dominated_findings(scenario, node.id, read_tags, out)


def _could(scenario: CompiledScenario, facts: FlowFacts, node_id: str, text: str) -> bool:
    state = facts.entry.get(node_id)
    if state is None:
        return False
    ev = _Evaluator(scenario)
    s = state.copy()
    s.call = frozenset(("none", "answered", "ringing", "declined", "unanswered", "requested"))
    return True in ev.truth(text, s)


def _probability_findings(scenario: CompiledScenario, facts: FlowFacts, node_id: str,
                          compiled: CompiledOption, oloc: Loc, out: _Findings) -> None:
    option = compiled.option
    outcomes = option.outcomes
    if not outcomes:
        return
    plain = [o for o in outcomes if o.when is None]
    conditional = [o for o in outcomes if o.when is not None]
    total_plain = sum(o.chance for o in plain)
    if not conditional:
        if total_plain < 1 - 1e-9:
            out.add((*oloc, "outcomes"), "probability",
                    f"the chances of option '{option.id}''s outcomes add up to {total_plain:g}, "
                    f"so in {1 - total_plain:.0%} of plays none of them happens",
                    "make the chances add up to 1, or add an outcome for the rest "
                    "(it may say 'nothing happens')")
        return
    if total_plain + sum(o.chance for o in conditional) <= 1 + 1e-9:
        return
    example = _overlap_example(scenario, facts, node_id, compiled)
    if example is None:
        return
    where, total = example
    out.add((*oloc, "outcomes"), "probability",
            f"when {where}, the chances of option '{option.id}''s outcomes add up to "
            f"{total:g}; outcomes listed later then happen less often than written",
            "make the conditions exclusive, or the chances add up to 1 at most")


class _Probe:
    """A concrete session state for trying compiled conditions (see _overlap_example)."""

    def __init__(self) -> None:
        self.meters: dict[str, float] = {}
        self.peaks: dict[str, float] = {}
        self.flags: set[str] = set()
        self.channels: dict[str, str] = {}
        self.contact: set[str] = set()
        self.visited: set[str] = set()
        self.recent: dict[str, int] = {}
        self.turn = 0
        self.call_status: str | None = None
        self.recent_turns = 1
        self.leadership: dict[str, bool] = {}
        self.pressure: dict[str, int] = {}
        self.prices: dict[str, str] = {}
        self.asked: dict[str, int] = {}


_MAX_PROBES = 4096
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")


def _overlap_example(scenario: CompiledScenario, facts: FlowFacts, node_id: str,
                     compiled: CompiledOption) -> tuple[str, float] | None:
    """A state in which the option's applicable outcome chances add up to more than 1.

    Tries concrete values around every threshold the conditions name, within
    what the abstract play says is possible; returns a description of the
    first such state and the total, or None when there is none.
    """
    texts = [o.when for o in compiled.option.outcomes if o.when]
    names: set[str] = set()
    numbers: set[float] = set()
    for text in texts:
        names |= referenced_names(text)
        numbers |= {float(n) for n in _NUMBER.findall(text)}
    states = [s for (n, o, _c), s in facts.pre_outcome.items()
              if n == node_id and o == compiled.id]
    for state in states:
        axes: list[tuple[str, list[Any]]] = []
        for name in sorted(names):
            axes.append((name, _candidates(name, state, numbers)))
        combos = 1
        for _, choices in axes:
            combos *= max(1, len(choices))
        if combos > _MAX_PROBES:
            continue
        for values in itertools.product(*(v for _, v in axes)):
            probe = _probe(state)
            for (name, _), value in zip(axes, values):
                _set_probe(probe, name, value)
            total = 0.0
            for outcome in compiled.outcomes:
                try:
                    applies = outcome.when is None or bool(outcome.when(probe))
                except (KeyError, TypeError, ValueError):
                    applies = False
                if applies:
                    total += outcome.chance
            if total > 1 + 1e-9:
                shown = ", ".join(_show(name, value) for (name, _), value in zip(axes, values))
                return shown or "no condition limits them", round(total, 6)
    return None


def _candidates(name: str, state: AState, numbers: set[float]) -> list[Any]:
    parts = name.split(".")
    head = parts[0]

    def around(lo: float, hi: float) -> list[float]:
        points = {lo, hi}
        for n in numbers:
            for p in (n - 0.5, n, n + 0.5):
                if lo <= p <= hi:
                    points.add(p)
        return sorted(p for p in points if math.isfinite(p)) or [0.0]

    if len(parts) == 1:
        if head == "turn":
            return around(state.turn[0], min(state.turn[1], state.turn[0] + 100))
        if head in state.meters:
            return around(*state.meters[head])
        return [True]
    if head == "peak" and parts[1] in state.peaks:
        return around(*state.peaks[parts[1]])
    if head == "flags" and parts[1] in state.flags:
        return sorted(state.flags[parts[1]])
    if head == "channels" and parts[1] in state.channels:
        return sorted(state.channels[parts[1]])
    if head == "contact":
        return sorted(state.contact.get(parts[1], FALSE))
    if head == "visited" and parts[1] in state.visited:
        return sorted(state.visited[parts[1]])
    if head == "call":
        return sorted(state.call)
    if head == "recent":
        return [False, True]
    if head == "leadership" and parts[1] in state.leadership:
        return sorted(state.leadership[parts[1]])
    if head == "pressure" and parts[1] in state.pressure:
        return around(*state.pressure[parts[1]])
    if head == "prices" and len(parts) == 3 and parts[1] in state.prices:
        return sorted(state.prices[parts[1]])
    if head == "asked":
        return sorted(state.asked.get(parts[1], FALSE))
    if head == "asked_at":
        return around(*state.asked_at.get(parts[1], (float(NEVER), float(NEVER))))
    return [None]


def _probe(state: AState) -> _Probe:
    probe = _Probe()
    probe.meters = {k: v[0] for k, v in state.meters.items()}
    probe.peaks = {k: v[0] for k, v in state.peaks.items()}
    probe.flags = {k for k, v in state.flags.items() if v == TRUE}
    probe.channels = {k: sorted(v)[0] for k, v in state.channels.items()}
    probe.contact = {k for k, v in state.contact.items() if v == TRUE}
    probe.visited = {k for k, v in state.visited.items() if v == TRUE}
    probe.turn = int(state.turn[0])
    probe.leadership = {k: min(v) for k, v in state.leadership.items()}
    probe.pressure = {k: int(v[0]) for k, v in state.pressure.items()}
    probe.prices = {k: sorted(v)[0] for k, v in state.prices.items()}
    probe.asked = {k: int(state.asked_at[k][0]) for k, v in state.asked.items() if v == TRUE}
    status = sorted(state.call)[0]
    probe.call_status = None if status == "none" else status
    return probe


def _set_probe(probe: _Probe, name: str, value: Any) -> None:
    parts = name.split(".")
    head = parts[0]
    if len(parts) == 1:
        if head == "turn":
            probe.turn = int(value)
        elif head in probe.meters:
            probe.meters[head] = float(value)
    elif head == "peak":
        probe.peaks[parts[1]] = float(value)
    elif head == "flags":
        (probe.flags.add if value else probe.flags.discard)(parts[1])
    elif head == "channels":
        probe.channels[parts[1]] = str(value)
    elif head == "contact":
        (probe.contact.add if value else probe.contact.discard)(parts[1])
    elif head == "visited":
        (probe.visited.add if value else probe.visited.discard)(parts[1])
    elif head == "call":
        probe.call_status = None if value == "none" else str(value)
    elif head == "recent":
        if value:
            probe.recent[parts[1]] = probe.turn
        else:
            probe.recent.pop(parts[1], None)
    elif head == "leadership":
        probe.leadership[parts[1]] = bool(value)
    elif head == "pressure":
        probe.pressure[parts[1]] = int(value)
    elif head == "prices" and len(parts) == 3:
        probe.prices[parts[1]] = str(value)
    elif head == "asked":
        if value:
            probe.asked.setdefault(parts[1], probe.turn)
        else:
            probe.asked.pop(parts[1], None)
    elif head == "asked_at":
        if value < NEVER:
            probe.asked[parts[1]] = int(value)
        else:
            probe.asked.pop(parts[1], None)


def _show(name: str, value: Any) -> str:
    head = name.split(".")[0]
    if head == "call":
        return "the call made no contact" if value == "none" else f"the call is {value}"
    if head == "channels":
        return f"{name.split('.')[1]} is {value}"
    if isinstance(value, bool):
        return name if value else f"not {name}"
    if isinstance(value, float):
        return f"{name} = {value:g}"
    return f"{name} = {value}"


def _changes_nothing(compiled: CompiledOption, read_tags: set[str]) -> bool:
    option = compiled.option
    if option.effects or option.kind in ("call", "back_channel"):
        return False
    if any(o.effects for o in option.outcomes):
        return False
    return not (set(option.tags) & read_tags)


def _meter_deltas(effects: Sequence[str], scenario: CompiledScenario) -> dict[str, float] | None:
    """Constant change of each meter, or None when effects are not simple += / -=."""
    deltas: dict[str, float] = {}
    for source in effects:
        eff = _parse_effect(source, scenario)
        if eff is None or eff.target != "meter" or eff.constant is None or eff.op == "=":
            return None
        sign = 1.0 if eff.op == "+=" else -1.0
        deltas[eff.name] = deltas.get(eff.name, 0.0) + sign * eff.constant
    return deltas


def _dominated_findings(scenario: CompiledScenario, node_id: str, read_tags: set[str],
                        out: _Findings) -> None:
    options = scenario.options[node_id]
    if len(options) < 2:
        return
    better_sign = {m.id: (1.0 if m.higher_is == "better" else -1.0) for m in scenario.model.meters}
    esc = scenario.model.scoring.escalation_meter
    if esc in better_sign and scenario.model.meters:
        better_sign[esc] = -1.0 if scenario.meters[esc].higher_is == "worse" else better_sign[esc]

    def shape(o: CompiledOption) -> tuple[Any, ...]:
        opt = o.option
        nxt = opt.next if isinstance(opt.next, str) else tuple((b.when, b.goto) for b in opt.next)
        calls = opt.channel if opt.kind in ("call", "back_channel") else None
        outcomes = tuple((x.when, x.chance, x.effects) for x in opt.outcomes)
        flags = tuple(sorted(e for e in opt.effects if not _is_meter_effect(e, scenario)))
        tags = tuple(sorted(set(opt.tags) & read_tags))
        return (nxt, calls, outcomes, flags, opt.available, tags)

    info: list[tuple[CompiledOption, tuple[Any, ...], dict[str, float]]] = []
    for o in options:
        meter_effects = [e for e in o.option.effects if _is_meter_effect(e, scenario)]
        deltas = _meter_deltas(meter_effects, scenario)
        if deltas is not None:
            info.append((o, shape(o), deltas))
    reported: set[str] = set()
    for a, shape_a, da in info:
        for b, shape_b, db in info:
            if a is b or shape_a != shape_b or a.id in reported:
                continue
            meters = set(da) | set(db)
            diffs = {m: (db.get(m, 0.0) - da.get(m, 0.0)) * better_sign.get(m, 1.0) for m in meters}
            if diffs and all(d >= 0 for d in diffs.values()) and any(d > 0 for d in diffs.values()):
                gains = ", ".join(
                    f"{m} {'+' if db.get(m, 0.0) - da.get(m, 0.0) > 0 else ''}"
                    f"{_fmt(db.get(m, 0.0) - da.get(m, 0.0))}"
                    for m, d in sorted(diffs.items()) if d > 0)
                out.add((*_option_loc(scenario, node_id, a.index), "id"), "dominated",
                        f"option '{a.id}' is never better than '{b.id}': both lead to the same "
                        f"place with the same risks, but '{b.id}' gives {gains}",
                        f"make '{a.id}' worth choosing (a benefit '{b.id}' lacks) or remove it")
                reported.add(a.id)


def _is_meter_effect(source: str, scenario: CompiledScenario) -> bool:
    match = _EFFECT.match(source)
    return bool(match and match.group(1) in scenario.meters)


def _ending_findings(scenario: CompiledScenario, facts: FlowFacts, out: _Findings) -> None:
    model = scenario.model
    fallback_seen: str | None = None
    for i, ending in enumerate(model.endings):
        loc: Loc = ("endings", i, "when" if ending.when else "id")
        if ending.id in facts.endings:
            if not ending.early and ending.when is None and fallback_seen is None:
                fallback_seen = ending.id
            continue
        if fallback_seen is not None and not ending.early:
            msg = (f"ending '{ending.id}' is never reached: it comes after '{fallback_seen}', "
                   "which has no condition and so always ends the game first")
            fix = f"move '{fallback_seen}' to the end of the list"
        elif ending.when is not None:
            when_note = _ranges_note(ending.when, facts.end_state, model)
            msg = (f"ending '{ending.id}' is never reached: its condition '{ending.when}' never "
                   f"holds when the game ends, or an earlier ending always comes first{when_note}")
            fix = "loosen the condition, or make the scenario able to reach it"
        else:
            msg = f"ending '{ending.id}' is never reached: the endings before it always apply"
            fix = "reorder the endings"
        out.add(loc, "ending-never-reached", msg, fix)
        if not ending.early and ending.when is None and fallback_seen is None:
            fallback_seen = ending.id


def _usage_findings(scenario: CompiledScenario, facts: FlowFacts, out: _Findings) -> None:
    model = scenario.model
    reads, _ = _reads(scenario)
    scoring = model.scoring
    meter_reads = {n.split(".")[-1] for n in reads if "." not in n or n.startswith("peak.")}
    meter_reads |= {scoring.escalation_meter, *scoring.standing_meters}
    if model.counterpart.openness_meter:
        meter_reads.add(model.counterpart.openness_meter)
    flag_reads = {n.split(".", 1)[1] for n in reads if n.startswith("flags.")}
    if scoring.loss_of_life_flag:
        flag_reads.add(scoring.loss_of_life_flag)
    changed_meters: set[str] = set()
    set_flags: set[str] = set()
    used_channels: set[str] = set()
    for _loc, effect in _all_effects(model):
        match = _EFFECT.match(effect)
        if not match:
            continue
        target = match.group(1)
        if target in scenario.meters:
            changed_meters.add(target)
        elif target.startswith("flags."):
            if match.group(3).lower() == "true":
                set_flags.add(target.split(".", 1)[1])
        elif target.startswith("channels."):
            used_channels.add(target.split(".", 1)[1])
    for i, meter in enumerate(model.meters):
        if meter.id in changed_meters and meter.id not in meter_reads:
            shown = ("it is only shown to the trainee" if not meter.hidden
                     else "it is hidden, so nobody ever sees it")
            out.add(("meters", i, "id"), "meter-unread",
                    f"meter '{meter.id}' changes but no condition, ending, rating or score reads "
                    f"it; {shown}",
                    "use it in a condition, an ending or a rating, or remove it")
        elif meter.id not in changed_meters and meter.id in meter_reads:
            out.add(("meters", i, "id"), "meter-constant",
                    f"meter '{meter.id}' is read but no effect ever changes it (it stays at "
                    f"{_fmt(meter.initial)})",
                    "add effects that move it, or read a constant instead")
    for i, flag in enumerate(model.flags):
        if flag.id in set_flags and flag.id not in flag_reads:
            out.add(("flags", i, "id"), "flag-unread",
                    f"flag '{flag.id}' is set but no condition, ending, rating or score reads it",
                    "use it in a condition (flags." + flag.id + ") or remove it")
        elif flag.id not in set_flags and not flag.initial and flag.id in flag_reads:
            out.add(("flags", i, "id"), "flag-never-set",
                    f"flag '{flag.id}' is read but never set to true, so conditions on it never "
                    "change",
                    f"add an effect 'flags.{flag.id} = true' where it should happen")
    channel_reads = {n.split(".")[1] for n in reads
                     if n.startswith(("channels.", "contact.", "asked.", "asked_at."))
                     and n.count(".") >= 1}
    for node in model.nodes:
        for option in node.decision.options:
            if option.channel:
                used_channels.add(option.channel)
        for inject in node.injects:
            if inject.channel:
                used_channels.add(inject.channel)
    for i, channel in enumerate(model.channels):
        if channel.id not in used_channels and channel.id not in channel_reads:
            out.add(("channels", i, "id"), "channel-unused",
                    f"channel '{channel.id}' is never used: no option calls it, no inject arrives "
                    "on it and no rule reads it",
                    "add an option that uses it, or remove it")
    _counterpart_findings(scenario, facts, out)
    for i, pre in enumerate(model.counterpart.preconditions):
        if i in facts.precondition_checked and i not in facts.precondition_met:
            out.add(("counterpart", "preconditions", i, "requires"), "precondition-never-met",
                    f"the precondition on '{pre.channel}' ('{pre.requires}') never holds when "
                    f"that channel is called, so every call on it is declined"
                    + _ranges_note(pre.requires, facts.call_states.get(pre.channel), model),
                    "make the condition reachable (an option that sets what it needs), or drop it")


def _counterpart_findings(scenario: CompiledScenario, facts: FlowFacts, out: _Findings) -> None:
    """Leadership events that never happen, prices never raised or never answered."""
    counterpart = scenario.model.counterpart
    for i, event in enumerate(counterpart.leadership.events):
        if i not in facts.leadership_fired:
            out.add(("counterpart", "leadership", "events", i, "when"), "leadership-event-never",
                    f"leadership event {event.id or i + 1} never happens: its condition "
                    f"'{event.when}' never holds when the leadership is checked (on entering a "
                    "node, and at the end)",
                    "loosen the condition, or make play able to reach it")
    answered: set[str] = set()
    for _loc, effect in _all_effects(scenario.model):
        match = _EFFECT.match(effect)
        if match and match.group(1).startswith("prices."):
            answered.add(match.group(1).split(".", 1)[1])
    for i, price in enumerate(counterpart.prices):
        loc: Loc = ("counterpart", "prices", i)
        if price.id not in facts.prices_raised:
            out.add((*loc, "when"), "price-never-raised",
                    f"price '{price.id}' is never demanded: its condition '{price.when}' never "
                    "holds", "loosen the condition or remove the price")
        elif price.id not in answered and any({"demanded", "deferred"} & state.prices[price.id]
                                              for state in facts.entry.values()):
            # Only a demand standing while a decision is made could be answered.
            out.add((*loc, "id"), "price-unanswered",
                    f"no option pays, refuses or defers price '{price.id}'",
                    f"add an option with the effect 'prices.{price.id} = paid' (or refused, "
                    "deferred)")
    luck = ("contact.", "call.")
    for i, objective in enumerate(scenario.model.objectives):
        for level in ("performed", "some", "major"):
            text = getattr(objective.rating, level)
            if not text:
                continue
            names = referenced_names(text)
            read = sorted(n for n in names if n.startswith(luck)
                          or (n.startswith("channels.") and n.endswith(".answered")))
            if read:
                out.add(("objectives", i, "rating", level), "rating-luck",
                        f"the '{level}' rule of objective '{objective.id}' reads "
                        f"{', '.join(read)}: whether the counterpart answered, which the "
                        "trainee does not control",
                        "rate what the trainee did: asked.<channel or level>, "
                        "asked_at.<...>, flags the options set")


def _content_findings(scenario: CompiledScenario, out: _Findings) -> None:
    model = scenario.model
    if not model.sources:
        what = "fiction" if model.fiction else "based on history"
        out.add(("id",), "sources-missing",
                f"the scenario ({what}) lists no sources, so instructors cannot check it",
                "add 'sources:' with title, publisher and date of what it rests on")
    for ni, node in enumerate(model.nodes):
        for oi, option in enumerate(node.decision.options):
            if not option.doctrine.strip():
                out.add(("nodes", ni, "decision", "options", oi, "id"), "doctrine-missing",
                        f"option '{option.id}' at node '{node.id}' has no doctrine note; the "
                        "debrief cannot explain why it is good or bad",
                        "add 'doctrine:' with the principle or lesson behind the option")
    for i, objective in enumerate(model.objectives):
        rating = objective.rating
        if rating.performed is None and rating.some is None and rating.major is None:
            out.add(("objectives", i, "id"), "rating-missing",
                    f"objective '{objective.id}' has no rating rules, so the debrief cannot "
                    "rate it",
                    "add 'rating:' with performed / some / major conditions")
    if model.expert:
        covered = {s.node for s in model.expert}
        reachable = _expert_nodes(scenario)
        for ni, node in enumerate(model.nodes):
            if node.id in reachable and node.id not in covered:
                out.add(("nodes", ni, "id"), "expert-gap",
                        f"the expert path can reach node '{node.id}' but says nothing about it",
                        f"add an 'expert:' step for node '{node.id}' with the option and a reason")


def _expert_nodes(scenario: CompiledScenario) -> set[str]:
    """Nodes the expert path can pass through (branches followed every way)."""
    seen = {scenario.start}
    stack = [scenario.start]
    while stack:
        node = stack.pop()
        wanted = scenario.expert.get(node)
        options = [o for o in scenario.options[node] if wanted is None or o.id == wanted]
        if wanted is None:
            continue  # off the path: the gap is reported, not followed
        for option in options:
            for dest in option.targets:
                if dest != END and dest not in seen:
                    seen.add(dest)
                    stack.append(dest)
    return seen


# --- files, positions and the command ---------------------------------------------


Positioner = Callable[[Loc], tuple[int, int]]


@dataclass
class LintResult:
    """Validation and lint of one file.

    Attributes:
        file: The file name as given.
        scenario: The compiled scenario, or None when it does not validate.
        diagnostics: Validation errors/warnings and lint findings, in file order.
        locate: Maps a field path to its (line, column) in the text, when the
            text could be parsed (the Studio uses it to jump from the graph).
    """

    file: str
    scenario: CompiledScenario | None
    diagnostics: list[Diagnostic]
    locate: Positioner | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[Diagnostic]:
        """The findings that are errors."""
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The findings that are warnings."""
        return [d for d in self.diagnostics if d.severity == "warning"]


def problems_to_diagnostics(problems: Iterable[Problem], filename: str,
                            position: Positioner | None) -> list[Diagnostic]:
    """Locate problems in the file.

    Args:
        problems: Findings with field paths.
        filename: The file name to report.
        position: Maps a field path to (line, column), or None when unknown.

    Returns:
        Diagnostics with file, line and column.
    """
    result: list[Diagnostic] = []
    for p in problems:
        line, col = position(p.loc) if position is not None else (0, 0)
        result.append(Diagnostic(filename, line, col, format_path(p.loc), p.message, p.fix,
                                 p.severity, p.code))
    return result


def _check_text(text: str, filename: str) -> tuple[CompiledScenario | None, list[Diagnostic],
                                                   Positioner | None]:
    """Validate text as the loader does, keeping its position table for lint findings.

    Runs the loader's own steps (safe parse, pydantic validation, compile) so
    the text is parsed once, and places lint findings with the loader's
    :func:`~game.scenario.loader.problem_diagnostic` mapping.
    """
    from pydantic import ValidationError

    from . import loader  # imports ruamel; keep `import lint` light
    from .compile import compile_scenario
    from .yamlsafe import parse_yaml

    try:
        parsed = parse_yaml(text, filename)
    except loader.ScenarioLoadError as exc:
        return None, list(exc.diagnostics), None
    try:
        model = Scenario.model_validate(parsed.data)
    except ValidationError as exc:
        return None, loader.validation_diagnostics(exc.errors(), parsed, filename), None
    compiled, problems = compile_scenario(model, filename)

    def positioner(loc: Loc) -> tuple[int, int]:
        d = loader.problem_diagnostic(Problem(loc, ""), parsed, filename)
        return d.line, d.col

    return compiled, [loader.problem_diagnostic(p, parsed, filename) for p in problems], positioner


def lint_text(text: str, filename: str = "<scenario>") -> LintResult:
    """Validate and lint scenario text.

    Args:
        text: The YAML text.
        filename: The name used in diagnostics.

    Returns:
        The compiled scenario (None if invalid) and every diagnostic, in file order.
    """
    compiled, diagnostics, positioner = _check_text(text, filename)
    if compiled is not None:
        diagnostics = list(diagnostics) + problems_to_diagnostics(
            lint_scenario(compiled), filename, positioner)
    return LintResult(filename, compiled, sort_diagnostics(_dedupe(diagnostics)), positioner)


def _dedupe(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Diagnostic] = []
    for d in diagnostics:
        key = (d.line, d.col, d.path, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def lint_file(path: str | Path) -> LintResult:
    """Validate and lint a scenario file.

    Args:
        path: The YAML file.

    Returns:
        The result; a file that cannot be read gives one error diagnostic.
    """
    name = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        return LintResult(name, None, [Diagnostic(name, 0, 0, "", f"cannot read the file: "
                                                  f"{exc.strerror or exc}", "", "error", "io")])
    except UnicodeDecodeError:
        return LintResult(name, None, [Diagnostic(name, 0, 0, "", "the file is not UTF-8 text",
                                                  "save it as UTF-8", "error", "encoding")])
    return lint_text(text, name)


def _diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {"file": d.file, "line": d.line, "col": d.col, "path": d.path, "severity": d.severity,
            "code": d.code, "message": d.message, "fix": d.fix}


def lint_command(paths: list[str], as_json: bool, *, strict: bool = False,
                 out: Any = None) -> int:
    """The ``hotline lint FILE...`` command.

    Args:
        paths: Scenario files.
        as_json: Print one JSON document instead of lines of text.
        strict: Treat warnings as errors for the exit status.
        out: Where to write (default: standard output).

    Returns:
        0 when no file has errors (warnings allowed unless ``strict``), 2 otherwise.
    """
    stream = out if out is not None else sys.stdout
    results = [lint_file(p) for p in paths]
    failed = any(r.errors or (strict and r.warnings) for r in results)
    if as_json:
        doc = {
            "files": [
                {"file": r.file, "valid": r.scenario is not None, "errors": len(r.errors),
                 "warnings": len(r.warnings),
                 "diagnostics": [_diagnostic_json(d) for d in r.diagnostics]}
                for r in results
            ],
            "errors": sum(len(r.errors) for r in results),
            "warnings": sum(len(r.warnings) for r in results),
            "ok": not failed,
        }
        stream.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 2 if failed else 0
    for r in results:
        for d in r.diagnostics:
            stream.write(_format_line(d) + "\n")
        summary = (f"{r.file}: {len(r.errors)} error(s), {len(r.warnings)} warning(s)"
                   if r.diagnostics else f"{r.file}: ok")
        stream.write(summary + "\n")
    return 2 if failed else 0


def _format_line(d: Diagnostic) -> str:
    where = d.file
    if d.line > 0:
        where += f":{d.line}:{d.col}" if d.col > 0 else f":{d.line}"
    text = f"{where}: {d.severity}"
    if d.code and d.code != "invalid":
        text += f" [{d.code}]"
    text += f": {d.message}"
    if d.fix:
        text += f" (fix: {d.fix})"
    return text


def codes_by_line(diagnostics: Iterable[Diagnostic]) -> Mapping[int, list[str]]:
    """``{line: [code, ...]}`` of some diagnostics (handy in tests and the editor)."""
    table: dict[int, list[str]] = {}
    for d in diagnostics:
        table.setdefault(d.line, []).append(d.code)
    return table
