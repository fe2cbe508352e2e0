"""Score and learning-objective ratings at the end of a session.

The score rewards a low rise in escalation above the scenario's start (the
peak counts more than the final value), real contact with the counterpart
weighted by the channel's substance (a chargé taking a démarche is not a
defense-chief call) and follow-up contact, no loss of life, standing at home
and with allies (and any other meter the scenario marks ``scored``), and an
early first contact. Each part is reported separately so the debrief can
explain it. The parts' maxima and the largest ending bonus share the 100
points: when the weights and that bonus add up to more, the weights are
scaled down, so no ending can lift the total above 100.

Objective ratings read the scenario's rules (which should judge what the
trainee controlled, e.g. ``asked.political`` rather than
``contact.political``) and each carries its reason in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from game.scenario.compile import CompiledScenario
from game.scenario.expr import ExprError, Reader, compile_condition, parse_expression
from game.scenario.names import NEVER
from game.scenario.syntax import Compare, Expr, Logic, Not, Num, Ref


def format_score(value: float) -> str:
    """A score as every screen and report shows it: one decimal (``98.5``, ``71.0``)."""
    return f"{value:.1f}"


RATING_LABELS = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}
_RATING_CODES = {"performed": "P", "some": "S", "major": "M"}
_CODE_LEVELS = {"P": "performed", "S": "some", "M": "major", "U": "unable"}


class ScorePart(NamedTuple):
    """One component of the score (a NamedTuple: batch play scores thousands of games)."""

    key: str
    label: str
    points: float
    max_points: float
    detail: str


def _norm(scenario: CompiledScenario, meter: str, value: float) -> float:
    spec = scenario.meters[meter]
    return (value - spec.min) / (spec.max - spec.min)


def weight_scale(scenario: CompiledScenario) -> tuple[float, float]:
    """``(scale, top_bonus)``: how the weights are scaled so parts and bonus fit in 100."""
    cached = scenario.runtime.get("weight_scale")
    if isinstance(cached, tuple):
        return cached
    w = scenario.model.scoring.weights
    weights = (w.peak_escalation + w.final_escalation + w.contact + w.channel_open
               + w.no_loss_of_life + w.standing + w.time_to_contact)
    top = max([0.0, *(e.bonus for e in scenario.model.endings)])
    scale = 1.0 if weights + top <= 100.0 or weights <= 0 else (100.0 - top) / weights
    scenario.runtime["weight_scale"] = (scale, top)
    return scale, top


def _scored_meters(scenario: CompiledScenario) -> list[str]:
    cached = scenario.runtime.get("scored_meters")
    if isinstance(cached, list):
        return cached
    scoring = scenario.model.scoring
    listed = [m for m in scoring.standing_meters if m in scenario.meters]
    meters = listed + [m.id for m in scenario.model.meters if m.scored and m.id not in listed]
    scenario.runtime["scored_meters"] = meters
    return meters


def contact_weights(scenario: CompiledScenario) -> dict[str, float]:
    """Each channel's worth as real contact (its ``substance``), read once per scenario."""
    cached = scenario.runtime.get("contact_weights")
    if not isinstance(cached, dict):
        cached = scenario.runtime["contact_weights"] = {
            c.id: c.contact_weight for c in scenario.channels.values()}
    return cached


def score_parts(
    scenario: CompiledScenario,
    state: Reader,
    *,
    answers: Sequence[tuple[int, str]],
    turns: int,
    ending_bonus: float,
) -> list[ScorePart]:
    """Break the final score into its parts (see the module docstring).

    Args:
        scenario: The compiled scenario.
        state: The final session state.
        answers: ``(turn, channel)`` of every answered non-public call, in order.
        turns: Decisions taken.
        ending_bonus: The ending's bonus or penalty.
    """
    scoring = scenario.model.scoring
    w = scoring.weights
    scale, top_bonus = weight_scale(scenario)
    esc = scoring.escalation_meter
    spec = scenario.meters[esc]
    start = float(spec.initial)
    peak = state.peaks[esc]
    final = state.meters[esc]
    room = max(spec.max - start, 1e-9)
    rise = max(0.0, peak - start)
    parts = [
        ScorePart(
            "peak_escalation",
            "Low rise in escalation",
            scale * w.peak_escalation * (1 - min(1.0, rise / room)),
            scale * w.peak_escalation,
            f"peak {spec.label.lower()} {peak:.0f}, {rise:.0f} above the start ({start:.0f})",
        ),
        ScorePart(
            "final_escalation",
            "Low final escalation",
            scale * w.final_escalation * (1 - _norm(scenario, esc, final)),
            scale * w.final_escalation,
            f"final {spec.label.lower()} {final:.0f}",
        ),
    ]
    channels = scenario.channels
    weights = contact_weights(scenario)
    best_channel, best = "", 0.0
    total_substance = 0.0
    early = 0.0
    for turn, channel in answers:
        weight = weights[channel]
        total_substance += weight
        if weight > best:
            best_channel, best = channel, weight
        early = max(early, weight * (1 - turn / max(turns, 1)))
    if best_channel:
        worth = "a full real contact" if best >= 1 else f"{best:g} of a real contact"
        detail = f"best answered call: {channels[best_channel].label} ({worth})"
    elif answers:
        detail = "only calls that count for nothing as real contact were answered"
    else:
        detail = "no call was ever answered"
    parts.append(ScorePart("contact", "Real contact with the counterpart",
                           scale * w.contact * best, scale * w.contact, detail))
    follow_up = min(total_substance, 2.0) / 2
    parts.append(
        ScorePart(
            "channel_open",
            "A channel kept open with follow-up",
            scale * w.channel_open * follow_up,
            scale * w.channel_open,
            f"{len(answers)} answered call(s), together worth {total_substance:.1f} "
            "real contact(s) (2 earn it all)",
        )
    )
    flag = scoring.loss_of_life_flag
    lost = flag is not None and flag in state.flags
    parts.append(
        ScorePart(
            "no_loss_of_life",
            "No loss of life",
            0.0 if lost else scale * w.no_loss_of_life,
            scale * w.no_loss_of_life,
            "lives were lost" if lost else "no lives lost",
        )
    )
    meters = _scored_meters(scenario)
    if meters:
        values = []
        for m in meters:
            value = _norm(scenario, m, state.meters[m])
            values.append(1 - value if scenario.meters[m].higher_is == "worse" else value)
        mean = sum(values) / len(values)
        detail = ", ".join(
            f"{scenario.meters[m].label.lower()} {state.meters[m]:.0f}" for m in meters
        )
    else:
        mean, detail = 0.0, "no standing meters"
    parts.append(
        ScorePart(
            "standing", "Standing at home and with allies", scale * w.standing * mean,
            scale * w.standing, detail,
        )
    )
    first = answers[0][0] if answers else None
    parts.append(
        ScorePart(
            "time_to_contact",
            "Early real contact",
            scale * w.time_to_contact * early,
            scale * w.time_to_contact,
            f"first answered call at decision {first + 1} of {turns}; earlier and more "
            "substantial contact earns more" if first is not None else "no contact",
        )
    )
    if ending_bonus or top_bonus:
        parts.append(
            ScorePart(
                "ending",
                "Ending",
                ending_bonus,
                top_bonus,
                "bonus or penalty the ending carries",
            )
        )
    return parts


def total(parts: list[ScorePart]) -> float:
    """The score from its parts, clamped to 0–100 and rounded to one decimal."""
    return round(min(100.0, max(0.0, sum(p.points for p in parts))), 1)


def rate_objectives(scenario: CompiledScenario, state: Reader) -> dict[str, str | None]:
    """HSEEP rating of each objective: P, S, M or U (None when it has no rules)."""
    ratings: dict[str, str | None] = {}
    for objective in scenario.model.objectives:
        rules = scenario.ratings.get(objective.id, ())
        if not rules:
            ratings[objective.id] = None
            continue
        ratings[objective.id] = next(
            (_RATING_CODES[level] for level, rule in rules if rule(state)), "U"
        )
    return ratings


def rating_reasons(
    scenario: CompiledScenario, state: Reader, ratings: dict[str, str | None]
) -> dict[str, str]:
    """The reason for each rating, in words.

    The objective's ``rating.why`` text for the level it got, when the author
    wrote one; otherwise the rule that decided, with each of its parts marked
    met or not met (for U, the parts of the 'performed' rule that were not met).
    The parts are parsed and described once per scenario; only whether each
    holds is worked out per session.
    """
    reasons: dict[str, str] = {}
    for objective in scenario.model.objectives:
        code = ratings.get(objective.id)
        if code is None:
            continue
        level = _CODE_LEVELS[code]
        written = getattr(objective.rating.why, level)
        if written:
            reasons[objective.id] = written
            continue
        if code == "U":
            rule = objective.rating.performed or objective.rating.some or objective.rating.major
            reasons[objective.id] = ("None of the rating rules held. "
                                     + (explain(rule, scenario, state) if rule else ""))
        else:
            rule = getattr(objective.rating, level)
            reasons[objective.id] = (f"Rated {code} because its rule held: "
                                     + explain(rule, scenario, state))
    return reasons


def explain(rule: str, scenario: CompiledScenario, state: Reader) -> str:
    """A rule's top-level 'and' parts in words, each marked met or not met."""
    words: list[str] = []
    for text, check in _clauses(rule, scenario):
        if check is None:
            return rule
        try:
            held = bool(check(state))
        except Exception:  # noqa: BLE001 - a description must never break the ending
            held = False
        words.append(f"{text} ({'met' if held else 'not met'})")
    return "; ".join(words) + "."


def _clauses(rule: str, scenario: CompiledScenario) -> list[tuple[str, Any]]:
    """The rule's top-level 'and' parts: (words, compiled check), cached with the scenario."""
    cache = scenario.runtime.setdefault("rating_clauses", {})
    assert isinstance(cache, dict)
    found = cache.get(rule)
    if found is not None:
        return list(found)
    try:
        tree = parse_expression(rule)
    except ExprError:
        cache[rule] = [(rule, None)]
        return [(rule, None)]
    parts = tree.operands if isinstance(tree, Logic) and tree.op == "and" else (tree,)
    clauses: list[tuple[str, Any]] = []
    for clause in parts:
        try:
            check: Any = compile_condition(rule[clause.start:clause.end],
                                           scenario.names.with_call())
        except ExprError:
            check = lambda _state: False  # noqa: E731 - a part the language cannot read alone
        clauses.append((describe(clause, rule, scenario), check))
    cache[rule] = clauses
    return list(clauses)


_NAME_WORDS = {
    "asked": "a call was placed on {x}",
    "contact": "{x} contact was made",
    "leadership": "the counterpart's leadership authorised {x} contact",
    "visited": "the decision '{x}' was reached",
    "recent": "'{x}' was done recently",
}
_COMPARE_WORDS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}


def describe(node: Expr, source: str, scenario: CompiledScenario) -> str:
    """A condition (a node of the tree of ``source``) in plain words (best effort;
    unknown shapes keep their text)."""
    if isinstance(node, Logic):
        joiner = f" {node.op} "
        return "(" + joiner.join(describe(v, source, scenario) for v in node.operands) + ")"
    if isinstance(node, Not):
        return "not: " + describe(node.operand, source, scenario)
    if isinstance(node, Ref):
        parts = node.parts
        head = parts[0]
        what = parts[1] if len(parts) > 1 else ""
        label = _label(what, scenario)
        if head == "flags":
            flag = next((f for f in scenario.model.flags if f.id == what), None)
            return flag.description.rstrip(".") if flag and flag.description else what
        if head == "channels" and len(parts) == 3:
            return f"the {label} is {parts[2]}"
        if head == "prices" and len(parts) == 3:
            return f"the demand '{what}' is {parts[2]}"
        if head in _NAME_WORDS:
            return _NAME_WORDS[head].format(x=label)
    if isinstance(node, Compare) and len(node.ops) == 1:
        sides = []
        for side in (node.left, node.rights[0]):
            text = source[side.start:side.end]
            if isinstance(side, Num) and side.value == NEVER:
                text = "never"
            for prefix, word in (("peak.", "peak "), ("asked_at.", "turn of the first call on ")):
                text = text.replace(prefix, word)
            sides.append(text)
        return f"{sides[0]} {_COMPARE_WORDS.get(node.ops[0], node.ops[0])} {sides[1]}"
    return source[node.start:node.end]


def _label(what: str, scenario: CompiledScenario) -> str:
    if what in scenario.channels:
        return scenario.channels[what].label
    return {"any": "any", "working": "working-level"}.get(what, what)
