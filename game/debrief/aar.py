"""The after-action report (HSEEP): what the instructor and evaluators add to a debrief.

The scenario's rules rate each learning objective P/S/M/U (HSEEP); evaluators
may override a rating, with a comment and their name. The report also holds
the exercise overview (name, dates, participants and their roles, facilitator,
evaluators), findings (strengths and areas for improvement, each as
observation, analysis, recommendation and references, under a capability),
the hot-wash notes, the instructor's notes and the improvement plan
(capability, issue, corrective action, capability element, responsible
organisation, point of contact, start and completion dates).

These edits are not replayed inputs; they live in the session's journal
``meta`` under the key ``"aar"``. Stores written before the HSEEP fields
existed read as before (a plan row's ``owner`` becomes its point of contact,
its ``due`` date its completion date).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from .model import RATING_CODES, Debrief

AAR_KEY = "aar"

#: HSEEP capability elements, with the words the report shows.
CAPABILITY_ELEMENTS: dict[str, str] = {
    "planning": "Planning",
    "organisation": "Organisation",
    "equipment": "Equipment",
    "training": "Training",
    "exercise": "Exercise",
}
#: Kinds of finding, with the words the report shows.
FINDING_KINDS: dict[str, str] = {
    "strength": "Strength",
    "improvement": "Area for improvement",
}


class AARError(ValueError):
    """An edit that cannot be saved (unknown rating, malformed date…), in words."""


def _text(data: Mapping[str, Any], key: str, *old: str) -> str:
    for name in (key, *old):
        value = data.get(name) if isinstance(data, Mapping) else None
        if value not in (None, ""):
            return str(value)
    return ""


@dataclass(frozen=True)
class RatingOverride:
    """An evaluator's rating of one objective.

    Attributes:
        rating: ``P``, ``S``, ``M`` or ``U``; None keeps the rules' rating.
        comment: Why.
        evaluator: Who rated it (their name).
    """

    rating: str | None = None
    comment: str = ""
    evaluator: str = ""


@dataclass(frozen=True)
class Participant:
    """Someone who took part, and in what role (``Trainee — Secretary of Defense``)."""

    name: str = ""
    role: str = ""


@dataclass(frozen=True)
class Overview:
    """The exercise overview of an HSEEP after-action report.

    Attributes:
        name: The exercise's name (default: the scenario's title).
        start: First day, ``YYYY-MM-DD``.
        end: Last day, ``YYYY-MM-DD``.
        participants: Who played, and their roles.
        facilitator: Who ran it.
        evaluators: Who evaluated it.
        organisation: The sponsoring or participating organisation.
    """

    name: str = ""
    start: str = ""
    end: str = ""
    participants: tuple[Participant, ...] = ()
    facilitator: str = ""
    evaluators: tuple[str, ...] = ()
    organisation: str = ""

    @property
    def empty(self) -> bool:
        return not (self.name or self.start or self.end or self.participants
                    or self.facilitator or self.evaluators or self.organisation)


@dataclass(frozen=True)
class Finding:
    """A strength or an area for improvement, HSEEP style.

    Attributes:
        kind: ``strength`` or ``improvement``.
        capability: The capability id it falls under ('' for none).
        title: One line that names it.
        observation: What was seen.
        analysis: Why it happened and what it meant.
        recommendation: What to do (areas for improvement; optional for strengths).
        references: Plans, doctrine or sources it rests on.
        objective: The objective it speaks to ('' for none).
    """

    kind: str = "improvement"
    capability: str = ""
    title: str = ""
    observation: str = ""
    analysis: str = ""
    recommendation: str = ""
    references: str = ""
    objective: str = ""

    @property
    def empty(self) -> bool:
        return not any(s.strip() for s in (self.title, self.observation, self.analysis,
                                           self.recommendation, self.references))

    @property
    def label(self) -> str:
        return FINDING_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class PlanItem:
    """One row of the improvement plan (HSEEP improvement-plan matrix).

    Attributes:
        issue: The issue or area for improvement.
        action: The corrective action.
        capability: The capability id it falls under.
        element: Capability element: planning, organisation, equipment,
            training or exercise.
        organisation: The responsible organisation.
        contact: The point of contact.
        start: Start date, ``YYYY-MM-DD``.
        completion: Completion date, ``YYYY-MM-DD``.
    """

    issue: str = ""
    action: str = ""
    capability: str = ""
    element: str = ""
    organisation: str = ""
    contact: str = ""
    start: str = ""
    completion: str = ""

    @property
    def empty(self) -> bool:
        """Whether every field is blank."""
        return not any(str(getattr(self, f.name)).strip() for f in dataclasses.fields(self))


def _check_date(value: str, where: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise AARError(f"{where} '{value}' is not a date; write it like 2026-12-31") from None


@dataclass
class AAR:
    """The instructor's and evaluators' part of a session's after-action report."""

    ratings: dict[str, RatingOverride] = field(default_factory=dict)
    plan: list[PlanItem] = field(default_factory=list)
    notes: str = ""
    updated_at: str = ""
    overview: Overview = Overview()
    findings: list[Finding] = field(default_factory=list)
    hot_wash: str = ""

    def validate(self) -> None:
        """Check every rating, date and choice.

        Raises:
            AARError: Naming the first bad value, where it is and how to fix it.
        """
        for objective, override in self.ratings.items():
            if override.rating is not None and override.rating not in RATING_CODES:
                raise AARError(f"objective '{objective}': rating must be one of "
                               f"{', '.join(RATING_CODES)}, not '{override.rating}'")
            if override.rating is not None and not override.evaluator.strip():
                raise AARError(f"objective '{objective}': an evaluator's rating needs the "
                               "evaluator's name")
            if override.rating is not None and not override.comment.strip():
                raise AARError(f"objective '{objective}': say why the rating differs from "
                               "the rules in the comment")
        start = _check_date(self.overview.start, "exercise overview: the first day")
        end = _check_date(self.overview.end, "exercise overview: the last day")
        if start is not None and end is not None and end < start:
            raise AARError(f"exercise overview: the last day {end} is before the first day "
                           f"{start}")
        for i, finding in enumerate(self.findings, 1):
            if finding.kind not in FINDING_KINDS:
                raise AARError(f"finding {i}: kind must be strength or improvement, "
                               f"not '{finding.kind}'")
        for i, item in enumerate(self.plan, 1):
            where = f"improvement plan row {i}"
            if item.element.strip() and item.element not in CAPABILITY_ELEMENTS:
                raise AARError(f"{where}: the capability element must be one of "
                               f"{', '.join(CAPABILITY_ELEMENTS)}, not '{item.element}'")
            begin = _check_date(item.start, f"{where}: start date")
            done = _check_date(item.completion, f"{where}: completion date")
            if begin is not None and done is not None and done < begin:
                raise AARError(f"{where}: the completion date {done} is before the start "
                               f"date {begin}")

    def to_json(self) -> dict[str, Any]:
        """JSON-able form, as stored in the journal."""
        overview = dataclasses.asdict(self.overview)
        overview["participants"] = [dataclasses.asdict(p) for p in self.overview.participants
                                    if p.name or p.role]
        overview["evaluators"] = [e for e in self.overview.evaluators if e.strip()]
        return {
            "ratings": {k: dataclasses.asdict(v) for k, v in sorted(self.ratings.items())
                        if v.rating is not None or v.comment or v.evaluator},
            "plan": [dataclasses.asdict(p) for p in self.plan if not p.empty],
            "notes": self.notes,
            "updated_at": self.updated_at,
            "overview": overview,
            "findings": [dataclasses.asdict(f) for f in self.findings if not f.empty],
            "hot_wash": self.hot_wash,
        }

    @classmethod
    def from_json(cls, data: Any) -> AAR:
        """Read the stored form, ignoring anything malformed.

        Args:
            data: The value stored under ``meta["aar"]`` (may be missing or odd).

        Returns:
            The AAR.
        """
        if not isinstance(data, Mapping):
            return cls()
        ratings: dict[str, RatingOverride] = {}
        raw_ratings = data.get("ratings")
        if isinstance(raw_ratings, Mapping):
            for key, value in raw_ratings.items():
                if not isinstance(value, Mapping):
                    continue
                rating = value.get("rating")
                ratings[str(key)] = RatingOverride(
                    rating if rating in RATING_CODES else None, _text(value, "comment"),
                    _text(value, "evaluator"))
        plan = [PlanItem(
            issue=_text(row, "issue"), action=_text(row, "action"),
            capability=_text(row, "capability"), element=_text(row, "element"),
            organisation=_text(row, "organisation"), contact=_text(row, "contact", "owner"),
            start=_text(row, "start"), completion=_text(row, "completion", "due"))
            for row in _rows(data.get("plan"))]
        findings = [Finding(**{f.name: _text(row, f.name) for f in dataclasses.fields(Finding)})
                    for row in _rows(data.get("findings"))]
        findings = [dataclasses.replace(f, kind=f.kind or "improvement") for f in findings]
        raw = data.get("overview")
        overview = Overview()
        if isinstance(raw, Mapping):
            overview = Overview(
                name=_text(raw, "name"), start=_text(raw, "start"), end=_text(raw, "end"),
                participants=tuple(Participant(_text(p, "name"), _text(p, "role"))
                                   for p in _rows(raw.get("participants"))),
                facilitator=_text(raw, "facilitator"),
                evaluators=tuple(str(e) for e in raw.get("evaluators") or ()
                                 if isinstance(e, str) and e.strip()),
                organisation=_text(raw, "organisation"))
        return cls(ratings, plan, _text(data, "notes"), _text(data, "updated_at"), overview,
                   findings, _text(data, "hot_wash"))


def _rows(value: Any) -> list[Mapping[str, Any]]:
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []


def load_aar(journal: Any, session_id: str) -> AAR:
    """Read a session's AAR edits from the journal.

    Args:
        journal: A :class:`game.records.journal.Journal`.
        session_id: Session id or unique prefix.

    Returns:
        The AAR (empty if none was saved).
    """
    return AAR.from_json(journal.session(session_id).meta.get(AAR_KEY))


def save_aar(journal: Any, session_id: str, aar: AAR) -> AAR:
    """Validate and save a session's AAR edits to the journal.

    Args:
        journal: A :class:`game.records.journal.Journal`.
        session_id: Session id or unique prefix.
        aar: The edits.

    Returns:
        The AAR as saved (with its timestamp).

    Raises:
        AARError: If a rating or date is invalid (nothing is saved).
    """
    aar.validate()
    saved = dataclasses.replace(aar, updated_at=datetime.now(UTC).isoformat(timespec="seconds"))
    journal.update_meta(session_id, {AAR_KEY: saved.to_json()})
    return saved


def apply_aar(debrief: Debrief, aar: AAR) -> Debrief:
    """Put the evaluators' ratings and comments on the debrief's objectives.

    Args:
        debrief: The debrief (changed in place and returned).
        aar: The instructor's edits.

    Returns:
        The same debrief.
    """
    debrief.objectives = [
        dataclasses.replace(o, override=aar.ratings[o.id].rating, comment=aar.ratings[o.id].comment)
        if o.id in aar.ratings else dataclasses.replace(o, override=None, comment="")
        for o in debrief.objectives
    ]
    return debrief


# --------------------------------------------------------------------------
# What the report shows when the instructor has not written it yet
# --------------------------------------------------------------------------


def default_overview(debrief: Debrief) -> Overview:
    """The overview the session itself gives: name, days, the trainee and roles."""
    start = debrief.created_at[:10]
    end = (debrief.ended_at or "")[:10] or start
    role = "Trainee, " + (f"roles {', '.join(debrief.roles)}" if debrief.roles else "all roles")
    participants = (Participant(debrief.trainee, role),) if debrief.trainee else ()
    return Overview(name=debrief.scenario_title, start=start, end=end,
                    participants=participants)


def effective_overview(debrief: Debrief, aar: AAR | None) -> Overview:
    """The overview as the report shows it: the instructor's fields, the session's otherwise."""
    base = default_overview(debrief)
    if aar is None or aar.overview.empty:
        return base
    given = aar.overview
    return Overview(name=given.name or base.name, start=given.start or base.start,
                    end=given.end or base.end,
                    participants=given.participants or base.participants,
                    facilitator=given.facilitator, evaluators=given.evaluators,
                    organisation=given.organisation)


def rating_reason(objective: Any) -> str:
    """Why the scenario's rules gave an objective its rating, in words.

    The scenario's own reason when it gives one (``reason``); otherwise the
    rule that held (for U: that none did).
    """
    reason = str(getattr(objective, "reason", "") or "")
    if reason:
        return reason
    code = getattr(objective, "rating", None)
    rules = dict(getattr(objective, "rules", ()))
    level = {"P": "performed", "S": "some", "M": "major"}.get(code or "")
    if code is None:
        return "The scenario gives no rating rules for this objective."
    if level is not None and level in rules:
        words = {"performed": "performed without challenges", "some": "some challenges",
                 "major": "major challenges"}[level]
        return f"Rated {code}: the rule for “{words}” held ({rules[level]})."
    if code == "U":
        held = "; ".join(f"{lv}: {text}" for lv, text in rules.items())
        return "Rated U: none of the rating rules held" + (f" ({held})." if held else ".")
    return f"Rated {code} by the scenario's rules."


def suggested_findings(debrief: Debrief) -> list[Finding]:
    """Draft findings from the ratings: strengths for P, areas for improvement for M and U.

    The observation is the rating's reason; the analysis and recommendation
    are left for the evaluator, except where the expert path chose otherwise
    at some decision (a recommendation to study those decisions).
    """
    differs = [c for c in debrief.comparison if c.expert and not c.matches_expert]
    advice = ""
    if differs:
        advice = "Study the decisions where the expert chose otherwise: " + "; ".join(
            f"turn {c.turn + 1}, {c.node_title}: the expert would “{c.expert_label}”"
            for c in differs[:3]) + "."
    out: list[Finding] = []
    for o in debrief.objectives:
        code = o.effective
        if code not in ("P", "M", "U"):
            continue
        strength = code == "P"
        out.append(Finding(
            kind="strength" if strength else "improvement",
            capability=debrief.objective_capability.get(o.id, ""),
            title=o.text, observation=rating_reason(o),
            recommendation="" if strength else advice, objective=o.id))
    return out


def findings_by_kind(findings: Sequence[Finding], kind: str) -> list[Finding]:
    """The findings of one kind, in order (blank ones left out)."""
    return [f for f in findings if f.kind == kind and not f.empty]
