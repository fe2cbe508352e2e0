"""Abstract play: the whole scenario played once over sets of values.

Instead of one game at a time, the flow is followed with an *abstract state*
(an interval per meter, the possible values of each flag and channel status)
until nothing changes, joining the states of every way into a node. This
over-approximates real play, so whatever it says can never happen really
never happens (facilitator inputs aside); lint (:mod:`game.scenario.lint`)
turns its findings into advice.

Conditions and effects are the trees the loader checked and compiled
(:attr:`CompiledScenario.conditions`, :class:`~game.scenario.expr.Effect`),
evaluated by :mod:`game.scenario.abstract`, so lint reads them exactly as
play does. The state holds only what conditions can read (``visited.<node>``
only for nodes some condition names), so its size does not grow with the
number of nodes, and the analysis takes time and memory linear in the file.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .abstract import (
    ANY_NUMBER,
    BOTH,
    FALSE,
    INF,
    TRUE,
    AValue,
    Bools,
    Evaluator,
    Interval,
    Strs,
    truths,
)
from .compile import CompiledOption, CompiledScenario
from .expr import Effect, ExprError, parse_condition
from .models import CHANNEL_STATUSES, END
from .names import family_of
from .syntax import Expr, Ref, walk

__all__ = ["AState", "FlowFacts", "StateEvaluator", "analyze_flow", "condition_tree", "read_name"]


@dataclass
class AState:
    """Every value a session could hold at one point of the flow.

    Attributes:
        meters: Interval of each meter's possible values.
        peaks: Interval of each meter's possible peak.
        flags: Possible values of each flag.
        channels: Possible statuses of each channel.
        contact: Possible values of ``contact.<x>`` (channel ids, levels, ``any``).
        visited: Possible values of ``visited.<node>`` for the nodes conditions read.
        turn: Interval of the number of decisions taken.
        call: Possible statuses of the call the current option made
            (``none`` when it made none); only meaningful inside an option.
        fixed: Values pinned by name for a point probe (lint's overlap search);
            empty during the analysis.
    """

    meters: dict[str, Interval]
    peaks: dict[str, Interval]
    flags: dict[str, Bools]
    channels: dict[str, Strs]
    contact: dict[str, Bools]
    visited: dict[str, Bools]
    turn: Interval
    call: Strs = frozenset(("none",))
    fixed: dict[str, AValue] = field(default_factory=dict)

    def copy(self) -> AState:
        """A copy that can be changed without touching this state."""
        return AState(self.meters.copy(), self.peaks.copy(), self.flags.copy(),
                      self.channels.copy(), self.contact.copy(), self.visited.copy(), self.turn,
                      self.call, self.fixed.copy() if self.fixed else {})

    def join(self, other: AState) -> AState:
        """The least state holding every value of both."""
        return AState(
            _hulls(self.meters, other.meters),
            _hulls(self.peaks, other.peaks),
            _unions(self.flags, other.flags),
            _unions(self.channels, other.channels),
            _unions(self.contact, other.contact),
            _unions(self.visited, other.visited),
            _hull(self.turn, other.turn),
            self.call | other.call,
        )

    def same(self, other: AState) -> bool:
        """Whether both states hold the same values."""
        return (self.meters == other.meters and self.peaks == other.peaks
                and self.flags == other.flags and self.channels == other.channels
                and self.contact == other.contact and self.visited == other.visited
                and self.turn == other.turn)


def _hull(a: Interval, b: Interval) -> Interval:
    return (min(a[0], b[0]), max(a[1], b[1]))


def _hulls(a: dict[str, Interval], b: dict[str, Interval]) -> dict[str, Interval]:
    # Joins are most of the analysis' work: written out rather than with min/max calls.
    out: dict[str, Interval] = {}
    for key, (lo, hi) in a.items():
        olo, ohi = b[key]
        out[key] = (lo if lo <= olo else olo, hi if hi >= ohi else ohi)
    return out


_S = TypeVar("_S", Bools, Strs)


def _unions(a: dict[str, _S], b: dict[str, _S]) -> dict[str, _S]:
    out: dict[str, _S] = {}
    for key, values in a.items():
        more = b[key]
        out[key] = values if more is values or more <= values else values | more
    return out


# --- reading names and conditions over a state -------------------------------------


def _status(statuses: Strs, wanted: str) -> Bools:
    return truths(wanted in statuses, bool(statuses - {wanted}))


def read_name(ref: Ref, s: AState) -> AValue:
    """What a name can be worth in an abstract state.

    Names of a family without a rule here (``recent.<tag>``, families added
    later) can be anything of their type.
    """
    parts = ref.parts
    if s.fixed:
        pinned = s.fixed.get(ref.dotted)
        if pinned is not None:
            return pinned
    family = family_of(parts)
    head = family.head if family is not None else None
    if head == "":
        return s.meters[parts[0]]
    if head == "peak":
        return s.peaks[parts[1]]
    if head == "turn":
        return s.turn
    if head == "flags":
        return s.flags[parts[1]]
    if head == "channels":
        return _status(s.channels[parts[1]], parts[2])
    if head == "contact":
        return s.contact.get(parts[1], FALSE)
    if head == "call":
        return _status(s.call, parts[1])
    if head == "visited":
        return s.visited.get(parts[1], BOTH)
    return ANY_NUMBER if family is not None and family.type == "number" else BOTH


class StateEvaluator:
    """Evaluates condition trees over one abstract state at a time."""

    def __init__(self) -> None:
        self.state: AState | None = None
        self.evaluator = Evaluator(self._lookup)

    def _lookup(self, ref: Ref) -> AValue:
        assert self.state is not None
        return read_name(ref, self.state)

    def truth(self, tree: Expr | None, state: AState) -> Bools:
        """The possible truth values of a condition (``None`` is always true)."""
        if tree is None:
            return TRUE
        self.state = state
        return self.evaluator.truth(tree)

    def number(self, tree: Expr, state: AState) -> Interval:
        """The possible values of a number expression (an effect's right-hand side)."""
        self.state = state
        return self.evaluator.number(tree)


def condition_tree(scenario: CompiledScenario, text: str | None) -> Expr | None:
    """The checked tree of a condition of the scenario (None for no condition)."""
    if text is None:
        return None
    tree = scenario.conditions.get(text)
    if tree is None:  # not compiled with the scenario (cannot happen for a loaded file)
        try:
            tree = parse_condition(text, scenario.names.with_call())
        except ExprError:
            return None
        scenario.conditions[text] = tree
    return tree


def visited_read(scenario: CompiledScenario) -> frozenset[str]:
    """Nodes some condition asks ``visited.<node>`` about."""
    return frozenset(node.parts[1] for tree in scenario.conditions.values()
                     for node in walk(tree)
                     if isinstance(node, Ref) and node.parts[0] == "visited"
                     and len(node.parts) == 2)


# --- what the play found -------------------------------------------------------------


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


_WIDEN_AFTER = 6
_MAX_ROUNDS = 400


class _Analyzer:
    def __init__(self, scenario: CompiledScenario) -> None:
        self.sc = scenario
        self.model = scenario.model
        self.ev = StateEvaluator()
        self.facts = FlowFacts()
        self._ranges = {m.id: (float(m.min), float(m.max)) for m in self.model.meters}
        self._levels = {c.id: c.level for c in self.model.channels}
        self._channels = {c.id: c for c in self.model.channels}
        self._early = [(e, condition_tree(scenario, e.when)) for e in self.model.endings
                       if e.early and e.when is not None]
        self._endings = [(e, condition_tree(scenario, e.when)) for e in self.model.endings]

    def truth(self, text: str | None, state: AState) -> Bools:
        return self.ev.truth(condition_tree(self.sc, text), state)

    # effects ------------------------------------------------------------------
    def apply(self, state: AState, effects: Iterable[Effect]) -> AState:
        state = state.copy()
        for eff in effects:
            if eff.target == "meter":
                lo, hi = state.meters[eff.name]
                if eff.constant is not None:
                    alo = ahi = float(eff.constant)
                elif eff.expr is not None:
                    alo, ahi = self.ev.number(eff.expr, state)
                else:
                    alo, ahi = -INF, INF
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
                state.flags[eff.name] = TRUE if eff.constant else FALSE
            elif eff.target == "channel":
                state.channels[eff.name] = frozenset((str(eff.constant),))
        return state

    def answered(self, state: AState, channel: str) -> AState:
        state = state.copy()
        state.channels[channel] = frozenset(("answered",))
        level = self._levels[channel]
        if level != "public":
            for key in (channel, level, "any"):
                state.contact[key] = TRUE
        effects = self.sc.answer_effects.get(channel, ())
        return self.apply(state, effects) if effects else state

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
        # Preconditions (hard gates).
        gate_may_fail = False
        gate_may_pass = True
        for index, pre in enumerate(profile.preconditions):
            if pre.channel != channel:
                continue
            self.facts.precondition_checked.add(index)
            truth = self.truth(pre.requires, state)
            if True in truth and gate_may_pass:
                self.facts.precondition_met.add(index)
            if False in truth:
                gate_may_fail = True
            if truth == FALSE:
                gate_may_pass = False
        results: set[str] = set()
        if gate_may_fail:
            results.add("declined")
        if gate_may_pass and not only_suspended:
            lo, hi = self._acceptance(node_id, channel, state)
            override = node.counterpart
            share = profile.decline_share
            if override is not None and override.decline_share is not None:
                share = override.decline_share
            window = self._channels[channel].delay
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
        for status in sorted(results):
            branch = self.answered(state, channel) if status == "answered" else state.copy()
            if status != "answered":
                branch.channels[channel] = frozenset((status,))
            branch.call = frozenset((status,))
            out.append(branch)
        if suspended_possible:
            # A call into a suspended line goes unanswered (declined when a
            # precondition fails first) and leaves the line suspended.
            for status in ("declined",) * gate_may_fail + ("unanswered",) * gate_may_pass:
                branch = state.copy()
                branch.channels[channel] = frozenset(("suspended",))
                branch.call = frozenset((status,))
                out.append(branch)
        return out

    def _acceptance(self, node_id: str, channel: str, state: AState) -> Interval:
        profile = self.model.counterpart
        override = self.sc.nodes[node_id].counterpart
        base = profile.base_acceptance
        if override is not None and override.base_acceptance is not None:
            base = override.base_acceptance
        lo = hi = base + self._channels[channel].acceptance
        if profile.openness_meter is not None:
            mlo, mhi = state.meters[profile.openness_meter]
            lo += profile.openness_weight * (mlo - 50.0) / 100.0
            hi += profile.openness_weight * (mhi - 50.0) / 100.0
        for mod in profile.modifiers:
            truth = self.truth(mod.when, state)
            if truth == TRUE:
                lo += mod.delta
                hi += mod.delta
            elif True in truth:
                lo += min(0.0, mod.delta)
                hi += max(0.0, mod.delta)
        return (max(0.0, min(1.0, lo)), max(0.0, min(1.0, hi)))

    # one option ---------------------------------------------------------------
    def play(self, node_id: str, compiled: CompiledOption,
             state: AState) -> list[tuple[str, AState]]:
        """Play an option abstractly; returns (destination, state) pairs."""
        option = compiled.option
        key = (node_id, option.id)
        self.facts.option_played.add(key)
        after = self.apply(state, compiled.effects)
        after.call = frozenset(("none",))
        if option.kind in ("call", "back_channel") and option.channel is not None:
            called = self.call(node_id, option.channel, after)
        else:
            called = [after]
        drawn: list[AState] = []
        for s in called:
            drawn.extend(self.outcomes(node_id, compiled, s))
        results: list[tuple[str, AState]] = []
        for s in drawn:
            s.turn = (s.turn[0] + 1, s.turn[1] + 1)
            if self._ends_early(node_id, s):
                continue
            prev = self.facts.pre_branch.get(key)
            self.facts.pre_branch[key] = s if prev is None else prev.join(s)
            for bi, (when_text, dest) in enumerate(_branches(option)):
                truth = self.truth(when_text, s)
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

    def _ends_early(self, node_id: str, s: AState) -> bool:
        """Record early endings that can happen in ``s``; True if one surely does."""
        for ending, tree in self._early:
            truth = self.ev.truth(tree, s)
            if True in truth:
                self.facts.endings.add(ending.id)
                self.facts.finishes.add(node_id)
                self._end_state(s)
            if truth == TRUE:
                return True
        return False

    def outcomes(self, node_id: str, compiled: CompiledOption, state: AState) -> list[AState]:
        option = compiled.option
        if not option.outcomes:
            return [state]
        key = (node_id, option.id, state.call)
        prev = self.facts.pre_outcome.get(key)
        self.facts.pre_outcome[key] = state if prev is None else prev.join(state)
        out: list[AState] = []
        certain = 0.0
        for i, (outcome, drawn) in enumerate(zip(option.outcomes, compiled.outcomes)):
            truth = self.truth(outcome.when, state)
            if True in truth and outcome.chance > 0 and certain < 1.0 - 1e-12:
                self.facts.outcome_drawn.add((node_id, option.id, i))
                out.append(self.apply(state, drawn.effects))
            if truth == TRUE:
                certain += outcome.chance
        if certain < 1.0 - 1e-12:
            self.facts.no_outcome.add((node_id, option.id))
            out.append(state)
        return out

    def final(self, state: AState) -> None:
        for ending, tree in self._endings:
            truth = self.ev.truth(tree, state)
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
        if node_id in state.visited:
            state.visited[node_id] = TRUE
        state.call = frozenset(("none",))
        for channel, statuses in list(state.channels.items()):
            if "ringing" in statuses:
                state = state.join(self.answered(state, channel))
        return state

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
            visited={n: FALSE for n in visited_read(self.sc)},
            turn=(0.0, 0.0),
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
                truth = self.truth(compiled.option.available, state)
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


def _branches(option: Any) -> list[tuple[str | None, str]]:
    if isinstance(option.next, str):
        return [(None, option.next)]
    return [(b.when, b.goto) for b in option.next]


def _successors(scenario: CompiledScenario, node: str) -> Iterator[str]:
    for option in scenario.options[node]:
        for dest in option.targets:
            if dest != END:
                yield dest


def _reverse_postorder(scenario: CompiledScenario) -> dict[str, int]:
    """Node -> position in a reverse postorder from the start (a topological order
    of the flow when it has no loops), so the analysis visits predecessors first."""
    seen: set[str] = {scenario.start}
    post: list[str] = []
    stack: list[tuple[str, Iterator[str]]] = [(scenario.start,
                                               _successors(scenario, scenario.start))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in seen and child in scenario.options:
                seen.add(child)
                stack.append((child, _successors(scenario, child)))
                break
        else:
            stack.pop()
            post.append(node)
    return {node: i for i, node in enumerate(reversed(post))}


def _static_reachable(scenario: CompiledScenario) -> set[str]:
    seen = {scenario.start}
    stack = [scenario.start]
    while stack:
        for dest in _successors(scenario, stack.pop()):
            if dest not in seen:
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


ALL_CALL_RESULTS: Strs = frozenset(("none", *CHANNEL_STATUSES))
"""Every value ``call.<status>`` can take (for checks outside one option's play)."""
