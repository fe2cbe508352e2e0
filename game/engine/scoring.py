"""Score and learning-objective ratings at the end of a session.

The score rewards low peak escalation (peak counts more than final), real
contact with the counterpart and a line still working at the end, no loss of
life, standing at home and with allies, and an early first contact. Each part
is reported separately so the debrief can explain it.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.scenario.compile import CompiledScenario
from game.scenario.expr import Reader


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


@dataclass(frozen=True)
class ScorePart:
    """One component of the score."""

    key: str
    label: str
    points: float
    max_points: float
    detail: str


def _norm(scenario: CompiledScenario, meter: str, value: float) -> float:
    spec = scenario.meters[meter]
    return (value - spec.min) / (spec.max - spec.min)


def score_parts(
    scenario: CompiledScenario,
    state: Reader,
    *,
    answered_calls: int,
    first_contact_turn: int | None,
    turns: int,
    ending_bonus: float,
) -> list[ScorePart]:
    """Break the final score into its parts (see the module docstring)."""
    scoring = scenario.model.scoring
    w = scoring.weights
    esc = scoring.escalation_meter
    peak = state.peaks[esc]
    final = state.meters[esc]
    parts = [
        ScorePart(
            "peak_escalation",
            "Low peak escalation",
            w.peak_escalation * (1 - _norm(scenario, esc, peak)),
            w.peak_escalation,
            f"peak {scenario.meters[esc].label.lower()} {peak:.0f}",
        ),
        ScorePart(
            "final_escalation",
            "Low final escalation",
            w.final_escalation * (1 - _norm(scenario, esc, final)),
            w.final_escalation,
            f"final {scenario.meters[esc].label.lower()} {final:.0f}",
        ),
    ]
    contact = first_contact_turn is not None
    parts.append(
        ScorePart(
            "contact",
            "Real contact with the counterpart",
            w.contact if contact else 0.0,
            w.contact,
            f"first answered call at decision {first_contact_turn + 1}"
            if first_contact_turn is not None
            else "no call was ever answered",
        )
    )
    follow_up = min(answered_calls, 2) / 2
    parts.append(
        ScorePart(
            "channel_open",
            "A channel kept open with follow-up",
            w.channel_open * follow_up,
            w.channel_open,
            f"{answered_calls} answered call(s)",
        )
    )
    flag = scoring.loss_of_life_flag
    lost = flag is not None and flag in state.flags
    parts.append(
        ScorePart(
            "no_loss_of_life",
            "No loss of life",
            0.0 if lost else w.no_loss_of_life,
            w.no_loss_of_life,
            "lives were lost" if lost else "no lives lost",
        )
    )
    standing_meters = [m for m in scoring.standing_meters if m in state.meters]
    if standing_meters:
        mean = sum(_norm(scenario, m, state.meters[m]) for m in standing_meters) / len(
            standing_meters
        )
        detail = ", ".join(
            f"{scenario.meters[m].label.lower()} {state.meters[m]:.0f}" for m in standing_meters
        )
    else:
        mean, detail = 0.0, "no standing meters"
    parts.append(
        ScorePart(
            "standing", "Standing at home and with allies", w.standing * mean, w.standing, detail
        )
    )
    if first_contact_turn is not None:
        speed = 1 - first_contact_turn / max(turns, 1)
        detail = f"first contact at decision {first_contact_turn + 1} of {turns}"
    else:
        speed, detail = 0.0, "no contact"
    parts.append(
        ScorePart(
            "time_to_contact",
            "Early first contact",
            w.time_to_contact * speed,
            w.time_to_contact,
            detail,
        )
    )
    if ending_bonus:
        parts.append(
            ScorePart(
                "ending",
                "Ending",
                ending_bonus,
                max(ending_bonus, 0.0),
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
