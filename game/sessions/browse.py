"""Finding sessions: who played them, filters and sort orders (the browser and the CLI).

The session browser window and ``hotline sessions`` share this module, so a
filter means the same thing in both. It works on the journal's
:class:`~game.records.journal.SessionRecord` list and never touches the store.

Who played a session is read from what the journal recorded when it was
created (:func:`player_kind`): a person (``human``: the app, the console, an
interactive terminal game), a policy (``hotline play --policy``), a script
(``hotline play --choices``) or an author's playtest in the Studio. A class
view and the instructor's lists count only people unless asked otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from game.records.journal import ARCHIVE_KEY, SessionRecord

__all__ = [
    "ARCHIVED_CHOICES",
    "PLAYER_KINDS",
    "SORT_KEYS",
    "SessionFilter",
    "browse",
    "is_archived",
    "local_day",
    "parse_day",
    "player_kind",
]

#: Who played a session, with the words lists show.
PLAYER_KINDS: dict[str, str] = {
    "human": "a person",
    "policy": "a policy (automatic player)",
    "scripted": "a script (listed choices)",
    "playtest": "an author's playtest",
}

Archived = Literal["hide", "only", "include"]
ARCHIVED_CHOICES: tuple[Archived, ...] = ("hide", "only", "include")


def player_kind(record: SessionRecord) -> str:
    """Who played the session: ``human``, ``policy``, ``scripted`` or ``playtest``."""
    meta = record.meta
    if record.mode == "playtest":
        return "playtest"
    if meta.get("policy"):
        return "policy"
    if record.mode == "headless":
        return "scripted"
    return "human"


def is_archived(record: SessionRecord) -> bool:
    """Whether the session was archived (hidden from everyday lists, kept whole)."""
    return ARCHIVE_KEY in record.meta


def local_day(stamp: str) -> date | None:
    """The local calendar day of a journal time (UTC ISO-8601), or None if unreadable."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.date()


def parse_day(text: str, what: str = "date") -> date:
    """A ``YYYY-MM-DD`` day.

    Raises:
        ValueError: Naming the option and the form expected.
    """
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what} '{text}' is not a date; write it like 2026-03-31") from None


@dataclass(frozen=True)
class SessionFilter:
    """What an instructor is looking for.

    Attributes:
        trainee: Part of the trainee or team name (any case); empty: anyone.
        scenario: A scenario id, or part of a scenario title (any case).
        since: Only sessions started on this day or later (local time).
        until: Only sessions started on this day or earlier (local time).
        status: ``active`` or ``ended``; None: both.
        humans: Only sessions a person played (no policies, scripts or playtests).
        archived: ``hide`` archived sessions, show ``only`` them, or ``include`` them.
        text: Words that must all appear somewhere in the session's id,
            trainee, scenario, ending or mode (any case).
    """

    trainee: str = ""
    scenario: str = ""
    since: date | None = None
    until: date | None = None
    status: str | None = None
    humans: bool = False
    archived: Archived = "hide"
    text: str = ""

    def matches(self, record: SessionRecord) -> bool:
        """Whether a session passes every part of the filter."""
        if self.trainee and self.trainee.casefold() not in record.trainee.casefold():
            return False
        if self.scenario:
            wanted = self.scenario.casefold()
            if record.scenario_id != self.scenario and wanted not in (
                    record.scenario_title.casefold() + " " + record.scenario_id.casefold()):
                return False
        if self.status is not None and record.status != self.status:
            return False
        if self.humans and player_kind(record) != "human":
            return False
        archived = is_archived(record)
        if (self.archived == "hide" and archived) or (self.archived == "only" and not archived):
            return False
        if self.since is not None or self.until is not None:
            day = local_day(record.created_at)
            if day is None:
                return False
            if self.since is not None and day < self.since:
                return False
            if self.until is not None and day > self.until:
                return False
        if self.text:
            haystack = " ".join((record.id, record.trainee, record.scenario_id,
                                 record.scenario_title, record.ending_title or "",
                                 record.mode, player_kind(record))).casefold()
            if not all(word in haystack for word in self.text.casefold().split()):
                return False
        return True


def _score_key(record: SessionRecord) -> tuple[int, float]:
    return (0, record.score) if record.score is not None else (1, 0.0)


#: Sort orders: name → key of a record.
SORT_KEYS: dict[str, Callable[[SessionRecord], Any]] = {
    "started": lambda r: (r.created_at, r.id),
    "updated": lambda r: (r.updated_at, r.id),
    "trainee": lambda r: (r.trainee.casefold(), r.created_at),
    "scenario": lambda r: (r.scenario_title.casefold(), r.created_at),
    "status": lambda r: (r.status, r.created_at),
    "score": _score_key,
    "inputs": lambda r: (r.n_inputs, r.created_at),
}


def browse(records: Iterable[SessionRecord], session_filter: SessionFilter | None = None,
           sort: str = "started", descending: bool = True) -> list[SessionRecord]:
    """The sessions that pass a filter, in a sort order.

    Args:
        records: Sessions (as the journal lists them).
        session_filter: What to keep.
        sort: A key of :data:`SORT_KEYS`.
        descending: Largest (newest, highest) first.

    Raises:
        ValueError: On an unknown sort order.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort order '{sort}'; use one of {', '.join(SORT_KEYS)}")
    wanted = session_filter or SessionFilter()
    kept: Sequence[SessionRecord] = [r for r in records if wanted.matches(r)]
    if sort == "score":  # sessions without a score stay last either way
        scored = sorted((r for r in kept if r.score is not None), key=SORT_KEYS[sort],
                        reverse=descending)
        return scored + [r for r in kept if r.score is None]
    return sorted(kept, key=SORT_KEYS[sort], reverse=descending)
