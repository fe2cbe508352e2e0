"""The after-action report: the instructor's ratings, comments and improvement plan.

The scenario's rules rate each learning objective P/S/M/U (HSEEP). The
instructor may override a rating, with a comment, and keeps an improvement
plan (issue, corrective action, owner, due date). These edits are not replayed
inputs; they live in the session's journal ``meta`` under the key ``"aar"``::

    {"ratings": {"contact": {"rating": "S", "comment": "late, but made it"}},
     "plan": [{"issue": "...", "action": "...", "owner": "...", "due": "2026-12-01"}],
     "notes": "free text", "updated_at": "..."}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from .model import RATING_CODES, Debrief

AAR_KEY = "aar"


class AARError(ValueError):
    """An edit that cannot be saved (unknown rating, malformed date)."""


@dataclass(frozen=True)
class RatingOverride:
    """The instructor's rating of one objective.

    Attributes:
        rating: ``P``, ``S``, ``M`` or ``U``; None keeps the rules' rating.
        comment: Why.
    """

    rating: str | None = None
    comment: str = ""


@dataclass(frozen=True)
class PlanItem:
    """One row of the improvement plan.

    Attributes:
        issue: What went wrong or needs work.
        action: The corrective action.
        owner: Who is responsible.
        due: Due date, ``YYYY-MM-DD`` (or empty).
    """

    issue: str = ""
    action: str = ""
    owner: str = ""
    due: str = ""

    @property
    def empty(self) -> bool:
        """Whether every field is blank."""
        return not (self.issue.strip() or self.action.strip() or self.owner.strip()
                    or self.due.strip())


@dataclass
class AAR:
    """The instructor's edits to a session's after-action report."""

    ratings: dict[str, RatingOverride] = field(default_factory=dict)
    plan: list[PlanItem] = field(default_factory=list)
    notes: str = ""
    updated_at: str = ""

    def validate(self) -> None:
        """Check every rating and date.

        Raises:
            AARError: Naming the first bad value and how to fix it.
        """
        for objective, override in self.ratings.items():
            if override.rating is not None and override.rating not in RATING_CODES:
                raise AARError(f"objective '{objective}': rating must be one of "
                               f"{', '.join(RATING_CODES)}, not '{override.rating}'")
        for i, item in enumerate(self.plan, 1):
            if item.due.strip():
                try:
                    date.fromisoformat(item.due.strip())
                except ValueError:
                    raise AARError(f"improvement plan row {i}: due date '{item.due}' is not a "
                                   "date; write it like 2026-12-31") from None

    def to_json(self) -> dict[str, Any]:
        """JSON-able form, as stored in the journal."""
        return {
            "ratings": {k: {"rating": v.rating, "comment": v.comment}
                        for k, v in sorted(self.ratings.items())
                        if v.rating is not None or v.comment},
            "plan": [dataclasses.asdict(p) for p in self.plan if not p.empty],
            "notes": self.notes,
            "updated_at": self.updated_at,
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
                    rating if rating in RATING_CODES else None, str(value.get("comment") or ""))
        plan: list[PlanItem] = []
        raw_plan = data.get("plan")
        if isinstance(raw_plan, list):
            for row in raw_plan:
                if isinstance(row, Mapping):
                    plan.append(PlanItem(*(str(row.get(k) or "")
                                           for k in ("issue", "action", "owner", "due"))))
        return cls(ratings, plan, str(data.get("notes") or ""), str(data.get("updated_at") or ""))


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
    """Put the instructor's ratings and comments on the debrief's objectives.

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
