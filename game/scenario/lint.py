"""Lint: does the scenario work, and does it teach what it claims?

Validation (:mod:`game.scenario.compile`) checks that a scenario is well
formed and that play can survive it. Lint goes further and looks at the
crisis flow as a whole:

* nodes no play can reach, and nodes from which no ending can be reached;
* endings that are never reached (shadowed by an earlier ending, or whose
  condition can never hold when the game ends);
* options that are never available, that change nothing, or that are never
  better than another option of the same decision (dominated); decisions
  whose options all have exactly the same consequences (moot). Whether the
  choice at a decision changes how games *end* needs real games:
  ``hotline lint --deep`` adds that (:mod:`game.debrief.impact`);
* branches and outcomes that can never be taken; probabilities that don't
  add up;
* meters and flags that are set but never read (or read but never set),
  channels that are never used, counterpart preconditions that can never be
  met;
* leadership events that never happen, prices never demanded or never
  answered, ratings that read the counterpart's luck instead of the
  trainee's acts;
* missing doctrine notes, sources and rating rules.

"Can never" is decided by abstract play (:mod:`game.scenario.flow`): the
whole scenario played once over sets of possible values, reading the same
condition trees the loader compiled. It over-approximates what real play can
do, so whatever it says can never happen really never happens (facilitator
inputs aside); the converse is not true, and the balance report (many real
games) covers it.

Every finding is a :class:`~game.scenario.compile.Problem` located by field
path; :func:`lint_text` maps them to line and column with the loader's
position table. Everything here takes time and memory linear in the file.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game import strictjson

from .abstract import FALSE, INF, TRUE, AValue
from .compile import CompiledOption, CompiledScenario, Loc, Problem
from .diagnostics import Diagnostic, format_path, sort_diagnostics
from .expr import Effect
from .flow import (
    ALL_CALL_RESULTS,
    AState,
    FlowFacts,
    StateEvaluator,
    analyze_flow,
    condition_tree,
    read_name,
)
from .models import END
from .names import family_of
from .syntax import Expr, Num, Ref, walk

if TYPE_CHECKING:
    from .loader import Checked

__all__ = [
    "LINT_CODES",
    "LintResult",
    "analyze_flow",
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
    "moot-decision": "a decision whose options all have exactly the same consequences",
    "choice-never-matters": "(--deep) a decision whose alternatives end alike in random play",
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


def _names_in(tree: Expr | None) -> set[str]:
    """Dotted names a condition tree mentions."""
    if tree is None:
        return set()
    return {node.dotted for node in walk(tree) if isinstance(node, Ref)}


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


def _ranges_note(sc: CompiledScenario, texts: Sequence[str | None],
                 state: AState | None) -> str:
    """"escalation can only be 10–80 there" for the meters some conditions name."""
    if state is None:
        return ""
    meters = sc.meters
    notes: list[str] = []
    names: set[str] = set()
    for text in texts:
        names |= _names_in(condition_tree(sc, text))
    for name in sorted(names):
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


def _reads(scenario: CompiledScenario) -> set[str]:
    """Every dotted name read by a condition or an effect's right-hand side."""
    names: set[str] = set()
    for tree in scenario.conditions.values():
        names |= _names_in(tree)
    for _loc, effect in _all_effects(scenario):
        names |= _names_in(effect.expr)
    return names


def _all_effects(scenario: CompiledScenario) -> Iterator[tuple[Loc, Effect]]:
    """Every compiled effect with where it is written."""
    for node_id, options in scenario.options.items():
        for option in options:
            base = _option_loc(scenario, node_id, option.index)
            for ei, effect in enumerate(option.effects):
                yield (*base, "effects", ei), effect
            for xi, outcome in enumerate(option.outcomes):
                for ei, effect in enumerate(outcome.effects):
                    yield (*base, "outcomes", xi, "effects", ei), effect
    for ci, channel in enumerate(scenario.model.channels):
        for ei, effect in enumerate(scenario.answer_effects.get(channel.id, ())):
            yield ("channels", ci, "answer_effects", ei), effect
    for pi, price in enumerate(scenario.prices):
        for ei, effect in enumerate(price.cost):
            yield ("counterpart", "prices", pi, "cost", ei), effect
    for ei, effect in enumerate(scenario.pressure_effects):
        yield ("counterpart", "pressure_effects", ei), effect


def _option_loc(scenario: CompiledScenario, node_id: str, option_index: int) -> Loc:
    return ("nodes", _node_index(scenario, node_id), "decision", "options", option_index)


def _node_index(scenario: CompiledScenario, node_id: str) -> int:
    index = scenario.runtime.get("lint_node_index")
    if not isinstance(index, dict):
        first: dict[str, int] = {}
        for i, node in enumerate(scenario.model.nodes):
            first.setdefault(node.id, i)
        scenario.runtime["lint_node_index"] = index = first
    found: int = index[node_id]
    return found


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
    # Dead ends: reachable nodes with no way to an ending (a walk back from the
    # nodes that can finish, so it takes time linear in the flow).
    before: dict[str, list[str]] = {}
    for node_id, dests in facts.edges.items():
        for dest in dests:
            before.setdefault(dest, []).append(node_id)
    can_finish: set[str] = set(facts.finishes) | set(before.get(END, ()))
    queue = deque(can_finish)
    while queue:
        for earlier in before.get(queue.popleft(), ()):
            if earlier not in can_finish:
                can_finish.add(earlier)
                queue.append(earlier)
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
    read_tags = {n.split(".", 1)[1] for n in _reads(scenario) if n.startswith("recent.")}
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
                        + _ranges_note(scenario, [option.available], state),
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
                    note = _ranges_note(scenario, [*earlier, branch.when], after)
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
        _moot_findings(scenario, node.id, read_tags, out)


def _consequences(o: CompiledOption, read_tags: set[str]) -> tuple[Any, ...]:
    """Everything choosing an option changes, apart from its words."""
    opt = o.option
    nxt = opt.next if isinstance(opt.next, str) else tuple((b.when, b.goto) for b in opt.next)
    call = (opt.channel, opt.subject) if opt.kind in ("call", "back_channel") else None
    outcomes = tuple((x.when, x.chance, tuple(x.effects)) for x in opt.outcomes)
    return (nxt, call, tuple(sorted(e.source for e in o.effects)), outcomes,
            tuple(sorted(set(opt.tags) & read_tags)))


def _moot_findings(scenario: CompiledScenario, node_id: str, read_tags: set[str],
                   out: _Findings) -> None:
    """A decision whose options are indistinguishable in play: the choice cannot matter."""
    options = scenario.options[node_id]
    if len(options) < 2 or len({_consequences(o, read_tags) for o in options}) > 1:
        return
    out.add(("nodes", _node_index(scenario, node_id), "decision"), "moot-decision",
            f"decision '{node_id}' cannot change anything: its {len(options)} options have "
            "the same effects, outcomes, calls and next node, so every choice plays the same",
            "give each option its own consequence (an effect, a call, an outcome or a next "
            "node), or replace the decision by a brief")


def _could(scenario: CompiledScenario, facts: FlowFacts, node_id: str, text: str) -> bool:
    state = facts.entry.get(node_id)
    if state is None:
        return False
    s = state.copy()
    s.call = ALL_CALL_RESULTS
    return True in StateEvaluator().truth(condition_tree(scenario, text), s)


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


_MAX_PROBES = 4096

# A probe axis: a name (or, for channel statuses and the call, the variable
# behind several names) and the values to try for it.
Axis = tuple[str, list[Any]]


def _axes(names: set[str], state: AState, numbers: set[float]) -> list[Axis]:
    """What to vary for a probe: each meter, flag... the outcome conditions read."""
    axes: dict[str, list[Any]] = {}
    for name in sorted(names):
        parts = tuple(name.split("."))
        family = family_of(parts)
        head = family.head if family is not None else None
        if head == "channels":
            axes[f"channels.{parts[1]}"] = sorted(state.channels[parts[1]])
        elif head == "call":
            axes["call"] = sorted(state.call)
        elif family is not None and family.type == "number":
            value = read_name(Ref(0, 0, parts), state)
            lo, hi = value if isinstance(value, tuple) else (0.0, 1.0)
            if head == "turn":
                hi = min(hi, lo + 100)
            axes[name] = _around(lo, hi, numbers)
        else:
            value = read_name(Ref(0, 0, parts), state)
            axes[name] = sorted(value) if isinstance(value, frozenset) else [False, True]
    return list(axes.items())


def _around(lo: float, hi: float, numbers: set[float]) -> list[float]:
    points = {lo, hi}
    for n in numbers:
        for p in (n - 0.5, n, n + 0.5):
            if lo <= p <= hi:
                points.add(p)
    return sorted(p for p in points if math.isfinite(p)) or [0.0]


def _pin(state: AState, axis: str, value: Any) -> None:
    """Give one axis of a probe state a single value."""
    parts = axis.split(".")
    if axis == "call":
        state.call = frozenset((value,))
    elif parts[0] == "channels" and len(parts) == 2:
        state.channels[parts[1]] = frozenset((value,))
    elif isinstance(value, bool):
        state.fixed[axis] = TRUE if value else FALSE
    else:
        point: AValue = (float(value), float(value))
        state.fixed[axis] = point


def _overlap_example(scenario: CompiledScenario, facts: FlowFacts, node_id: str,
                     compiled: CompiledOption) -> tuple[str, float] | None:
    """A state in which the option's applicable outcome chances add up to more than 1.

    Tries single values around every threshold the conditions name, within
    what the abstract play says is possible; returns a description of the
    first such state and the total, or None when there is none.
    """
    outcomes = compiled.option.outcomes
    trees = [condition_tree(scenario, o.when) for o in outcomes]
    names: set[str] = set()
    numbers: set[float] = set()
    for tree in trees:
        names |= _names_in(tree)
        if tree is not None:
            numbers |= {n.value for n in walk(tree) if isinstance(n, Num)}
    states = [s for (n, o, _c), s in facts.pre_outcome.items()
              if n == node_id and o == compiled.id]
    evaluator = StateEvaluator()
    for state in states:
        axes = _axes(names, state, numbers)
        if math.prod(max(1, len(values)) for _, values in axes) > _MAX_PROBES:
            continue
        for values in itertools.product(*(v for _, v in axes)):
            probe = state.copy()
            for (axis, _), value in zip(axes, values):
                _pin(probe, axis, value)
            total = sum(outcome.chance for outcome, tree in zip(outcomes, trees)
                        if evaluator.truth(tree, probe) == TRUE)
            if total > 1 + 1e-9:
                shown = ", ".join(_show(axis, value) for (axis, _), value in zip(axes, values))
                return shown or "no condition limits them", round(total, 6)
    return None


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


def _meter_deltas(effects: Sequence[Effect]) -> dict[str, float] | None:
    """Constant change of each meter, or None when effects are not simple += / -=."""
    deltas: dict[str, float] = {}
    for eff in effects:
        if eff.target != "meter" or eff.constant is None or eff.op == "=":
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
        flags = tuple(sorted(e.source for e in o.effects if e.target != "meter"))
        tags = tuple(sorted(set(opt.tags) & read_tags))
        return (nxt, calls, outcomes, flags, opt.available, tags)

    info: list[tuple[CompiledOption, tuple[Any, ...], dict[str, float]]] = []
    for o in options:
        deltas = _meter_deltas([e for e in o.effects if e.target == "meter"])
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
            when_note = _ranges_note(scenario, [ending.when], facts.end_state)
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
    reads = _reads(scenario)
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
    for _loc, effect in _all_effects(scenario):
        if effect.target == "meter":
            changed_meters.add(effect.name)
        elif effect.target == "flag":
            if effect.constant:
                set_flags.add(effect.name)
        elif effect.target == "channel":
            used_channels.add(effect.name)
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
    for i, pre in enumerate(model.counterpart.preconditions):
        if i in facts.precondition_checked and i not in facts.precondition_met:
            out.add(("counterpart", "preconditions", i, "requires"), "precondition-never-met",
                    f"the precondition on '{pre.channel}' ('{pre.requires}') never holds when "
                    f"that channel is called, so every call on it is declined"
                    + _ranges_note(scenario, [pre.requires], facts.call_states.get(pre.channel)),
                    "make the condition reachable (an option that sets what it needs), or drop it")
    _counterpart_findings(scenario, facts, out)


def _counterpart_findings(scenario: CompiledScenario, facts: FlowFacts, out: _Findings) -> None:
    """Leadership events that never happen, prices never raised or never answered,
    ratings that read whether the counterpart answered."""
    counterpart = scenario.model.counterpart
    for i, event in enumerate(counterpart.leadership.events):
        if i not in facts.leadership_fired:
            out.add(("counterpart", "leadership", "events", i, "when"), "leadership-event-never",
                    f"leadership event {event.id or i + 1} never happens: its condition "
                    f"'{event.when}' never holds when the leadership is checked (on entering a "
                    "node, and at the end)",
                    "loosen the condition, or make play able to reach it")
    answered = {effect.name for _loc, effect in _all_effects(scenario)
                if effect.target == "price"}
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
    for i, objective in enumerate(scenario.model.objectives):
        for level in ("performed", "some", "major"):
            text = getattr(objective.rating, level)
            if not text:
                continue
            names = _names_in(condition_tree(scenario, text))
            read = sorted(n for n in names if n.startswith(("contact.", "call."))
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
        later_checks: When validation stopped early, the checks still to come
            once its errors are fixed (see :data:`game.scenario.loader.STEPS`).
    """

    file: str
    scenario: CompiledScenario | None
    diagnostics: list[Diagnostic]
    locate: Positioner | None = field(default=None, repr=False, compare=False)
    later_checks: str = ""

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


def lint_text(text: str, filename: str = "<scenario>") -> LintResult:
    """Validate and lint scenario text.

    Args:
        text: The YAML text.
        filename: The name used in diagnostics.

    Returns:
        The compiled scenario (None if invalid) and every diagnostic, in file order.
    """
    from .loader import inspect_scenario_text  # imports ruamel; keep `import lint` light

    return _lint(inspect_scenario_text(text, filename), filename)


def _lint(checked: Checked, filename: str) -> LintResult:
    """Lint what the loader checked (the text is parsed once, positions shared)."""
    diagnostics = list(checked.diagnostics)
    if checked.compiled is not None:
        diagnostics += problems_to_diagnostics(lint_scenario(checked.compiled), filename,
                                               checked.locate)
    return LintResult(filename, checked.compiled, sort_diagnostics(_dedupe(diagnostics)),
                      checked.locate, checked.later_checks)


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

    The file is read as the loader reads it: regular files only, within the
    size limit, before anything else (see :func:`game.scenario.yamlsafe.read_bytes`).

    Args:
        path: The YAML file.

    Returns:
        The result; a file that cannot be read gives one error diagnostic.
    """
    from .loader import inspect_scenario_file

    return _lint(inspect_scenario_file(path), str(path))


def _diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {"file": d.file, "line": d.line, "col": d.col, "path": d.path, "severity": d.severity,
            "code": d.code, "message": d.message, "fix": d.fix}


#: Extra findings for a file that validates (``hotline lint --deep`` plays games for them).
ExtraFindings = Callable[[CompiledScenario], Iterable[Problem]]


def with_extra(result: LintResult, extra: ExtraFindings) -> LintResult:
    """``result`` with ``extra``'s findings added (located in the file), when it validates."""
    if result.scenario is None or result.errors:
        return result
    found = problems_to_diagnostics(extra(result.scenario), result.file, result.locate)
    return LintResult(result.file, result.scenario,
                      sort_diagnostics(_dedupe([*result.diagnostics, *found])),
                      result.locate, result.later_checks)


def lint_command(paths: list[str], as_json: bool, *, strict: bool = False,
                 out: Any = None, extra: ExtraFindings | None = None) -> int:
    """The ``hotline lint FILE...`` command.

    Args:
        paths: Scenario files.
        as_json: Print one JSON document instead of lines of text.
        strict: Treat warnings as errors for the exit status.
        out: Where to write (default: standard output).
        extra: More findings for each file that validates without errors (the
            ``--deep`` checks, which play games and so live above this package).

    Returns:
        0 when no file has errors (warnings allowed unless ``strict``), 2 otherwise.
    """
    stream = out if out is not None else sys.stdout
    results = [lint_file(p) for p in paths]
    if extra is not None:
        results = [with_extra(r, extra) for r in results]
    failed = any(r.errors or (strict and r.warnings) for r in results)
    if as_json:
        doc = {
            "files": [
                {"file": r.file, "valid": r.scenario is not None, "errors": len(r.errors),
                 "warnings": len(r.warnings), "later_checks": r.later_checks,
                 "diagnostics": [_diagnostic_json(d) for d in r.diagnostics]}
                for r in results
            ],
            "errors": sum(len(r.errors) for r in results),
            "warnings": sum(len(r.warnings) for r in results),
            "ok": not failed,
        }
        stream.write(strictjson.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 2 if failed else 0
    for r in results:
        for d in r.diagnostics:
            stream.write(_format_line(d) + "\n")
        if r.later_checks:
            stream.write(f"{r.file}: note: {r.later_checks}\n")
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
