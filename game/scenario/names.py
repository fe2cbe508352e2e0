"""The names a condition may read: one table of name families.

Every name in a condition belongs to a *family* (``flags.<flag>``,
``channels.<channel>.<status>``, a bare meter...). A family says how many
parts its names have, which parts are ids that may contain '-', whether its
value is true/false or a number, how to check a name against what the
scenario declares, and how to read its value from the session state.

**To add a name family** (say ``leadership.<level>``), add a :class:`Family`
to :data:`FAMILIES` below, the field it checks against to :class:`Names` (if
any), and the attribute it reads to :class:`Reader` (and to the engine's
session). The parser, the type checks, the compiler, the help texts and lint
then know it: lint treats a family it has no special rule for as "any value
of its type".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from typing import Any, Protocol

from .models import CHANNEL_LEVELS, CHANNEL_STATUSES, MAX_TURNS
from .syntax import ExprError, ExprType


class Reader(Protocol):
    """The session state a compiled condition reads."""

    meters: dict[str, float]
    peaks: dict[str, float]
    flags: set[str]
    channels: dict[str, str]
    contact: set[str]
    visited: set[str]
    recent: dict[str, int]
    turn: int
    call_status: str | None
    recent_turns: int


Compiled = Callable[[Reader], Any]


@dataclass(frozen=True)
class Names:
    """What a scenario declares, so conditions can be checked at load time."""

    meters: frozenset[str]
    flags: frozenset[str]
    channels: frozenset[str]
    nodes: frozenset[str]
    tags: frozenset[str]
    allow_call: bool = False
    levels: frozenset[str] = field(default_factory=lambda: frozenset(CHANNEL_LEVELS))

    def with_call(self) -> Names:
        """The same names, with ``call.<status>`` allowed (inside an option)."""
        return replace(self, allow_call=True)


def suggest(word: str, choices: frozenset[str] | set[str] | tuple[str, ...]) -> str:
    """``did you mean 'x'?`` for the closest choice, or ''."""
    close = get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def unknown(kind: str, word: str, known: frozenset[str] | tuple[str, ...], full: str) -> ExprError:
    """An "unknown <kind>" error with the nearest known one, or the list of them."""
    hint = suggest(word, known)
    listing = ", ".join(sorted(known)[:12]) or "(none declared)"
    return ExprError(f"unknown {kind} '{word}' in '{full}'", hint or f"known {kind}s: {listing}")


Parts = tuple[str, ...]
Check = Callable[[Parts, Names, str], None]
ReadOf = Callable[[Parts], Compiled]


@dataclass(frozen=True)
class Family:
    """One kind of name a condition may read.

    Attributes:
        pattern: How it is written, for help texts (``flags.<flag>``).
        head: Its first word; '' for bare meter names.
        size: How many dot-separated parts its names have.
        type: ``bool`` or ``number``.
        check: Raises :class:`ExprError` when a name is not declared
            (arguments: the parts, the scenario's names, the full name).
        read: Builds the closure that reads the value from the session state.
        id_parts: Positions of parts that are ids, in which '-' is part of the
            id rather than minus.
        limit: For a number family, the largest magnitude its values can take
            (the overflow check of effects needs it; meters use their ranges).
            ``None``: unbounded, so an effect that computes with it is refused.
    """

    pattern: str
    head: str
    size: int
    type: ExprType
    check: Check
    read: ReadOf
    id_parts: frozenset[int] = frozenset()
    limit: float | None = None


# --- the families ------------------------------------------------------------------


def _check_meter(parts: Parts, names: Names, full: str) -> None:
    meter = parts[-1]
    if meter not in names.meters:
        raise unknown("meter", meter, names.meters, full)


def _read_meter(parts: Parts) -> Compiled:
    meter = parts[0]
    return lambda r: r.meters[meter]


def _read_peak(parts: Parts) -> Compiled:
    meter = parts[1]
    return lambda r: r.peaks[meter]


def _check_flag(parts: Parts, names: Names, full: str) -> None:
    flag = parts[1]
    if flag not in names.flags:
        raise ExprError(f"unknown flag '{flag}' in '{full}'",
                        suggest(flag, names.flags) or f"declare it under 'flags:' (- id: {flag})")


def _read_flag(parts: Parts) -> Compiled:
    flag = parts[1]
    return lambda r: flag in r.flags


def _check_channel_status(parts: Parts, names: Names, full: str) -> None:
    channel, status = parts[1], parts[2]
    if channel not in names.channels:
        raise unknown("channel", channel, names.channels, full)
    if status not in CHANNEL_STATUSES:
        raise unknown("channel status", status, CHANNEL_STATUSES, full)


def _read_channel_status(parts: Parts) -> Compiled:
    channel, status = parts[1], parts[2]
    return lambda r: r.channels[channel] == status


def _check_contact(parts: Parts, names: Names, full: str) -> None:
    what = parts[1]
    if what != "any" and what not in names.channels and what not in names.levels:
        raise unknown("channel or level", what, names.channels | names.levels, full)


def _read_contact(parts: Parts) -> Compiled:
    what = parts[1]
    return lambda r: what in r.contact


def _check_call(parts: Parts, names: Names, full: str) -> None:
    if not names.allow_call:
        raise ExprError(f"'{full}' can only be used inside an option (its outcomes or next)",
                        "use channels.<id>.<status> or contact.<id> elsewhere")
    if parts[1] not in CHANNEL_STATUSES:
        raise unknown("call status", parts[1], CHANNEL_STATUSES, full)


def _read_call(parts: Parts) -> Compiled:
    status = parts[1]
    return lambda r: r.call_status == status


def _check_visited(parts: Parts, names: Names, full: str) -> None:
    if parts[1] not in names.nodes:
        raise unknown("node", parts[1], names.nodes, full)


def _read_visited(parts: Parts) -> Compiled:
    node = parts[1]
    return lambda r: node in r.visited


def _check_recent(parts: Parts, names: Names, full: str) -> None:
    tag = parts[1]
    if tag not in names.tags:
        raise ExprError(f"unknown tag '{tag}' in '{full}'",
                        suggest(tag, names.tags) or "tags come from options' 'tags:' lists")


def _read_recent(parts: Parts) -> Compiled:
    tag = parts[1]
    return lambda r: tag in r.recent and r.turn - r.recent[tag] < r.recent_turns


def _check_nothing(parts: Parts, names: Names, full: str) -> None:
    return None


def _read_turn(parts: Parts) -> Compiled:
    return lambda r: r.turn


FAMILIES: tuple[Family, ...] = (
    Family("<meter>", "", 1, "number", _check_meter, _read_meter),
    Family("peak.<meter>", "peak", 2, "number", _check_meter, _read_peak),
    Family("flags.<flag>", "flags", 2, "bool", _check_flag, _read_flag),
    Family("channels.<channel>.<status>", "channels", 3, "bool", _check_channel_status,
           _read_channel_status, frozenset({1})),
    Family("contact.<channel or level>", "contact", 2, "bool", _check_contact, _read_contact,
           frozenset({1})),
    Family("call.<status>", "call", 2, "bool", _check_call, _read_call),
    Family("visited.<node>", "visited", 2, "bool", _check_visited, _read_visited,
           frozenset({1})),
    Family("recent.<tag>", "recent", 2, "bool", _check_recent, _read_recent),
    Family("turn", "turn", 1, "number", _check_nothing, _read_turn, limit=MAX_TURNS),
)
"""Every name family of the condition language (see the module docstring)."""

@dataclass(frozen=True)
class _Index:
    by_head: dict[tuple[str, int], Family]
    bare: Family
    id_parts: dict[str, frozenset[int]]
    heads: frozenset[str]


_built: list[tuple[tuple[Family, ...], _Index]] = []


def _index(families: tuple[Family, ...]) -> _Index:
    """Lookups derived from the table, rebuilt only if the table is replaced (lint asks
    for every name it evaluates, so this is kept to one identity check)."""
    if _built and _built[0][0] is families:
        return _built[0][1]
    ids: dict[str, frozenset[int]] = {}
    for family in families:
        ids[family.head] = ids.get(family.head, frozenset()) | family.id_parts
    index = _Index({(f.head, f.size): f for f in families if f.head},
                   next(f for f in families if not f.head), ids,
                   frozenset(f.head for f in families if f.head))
    _built[:] = [(families, index)]
    return index


def heads() -> frozenset[str]:
    """First words that name a family (meters may not use them as ids)."""
    return _index(FAMILIES).heads


def id_parts(head: str) -> frozenset[int]:
    """Positions of the parts of a name starting with ``head`` that are ids (may hold '-')."""
    return _index(FAMILIES).id_parts.get(head, frozenset())


def family_of(parts: Parts) -> Family | None:
    """The family a dotted name belongs to, by its shape (None when no family fits)."""
    index = _index(FAMILIES)
    found = index.by_head.get((parts[0], len(parts)))
    if found is not None:
        return found
    if len(parts) == 1 and parts[0] not in index.heads:
        return index.bare
    return None


def resolve(parts: Parts, names: Names) -> Family:
    """The family of a name, checked against what the scenario declares.

    Raises:
        ExprError: The name fits no family, or names something undeclared.
    """
    full = ".".join(parts)
    family = family_of(parts)
    if family is None:
        patterns = ", ".join(f.pattern for f in FAMILIES)
        if parts[0] in heads():
            shapes = " or ".join(f.pattern for f in FAMILIES if f.head == parts[0])
            raise ExprError(f"'{full}' is not a name this language knows",
                            f"'{parts[0]}' names are written {shapes}")
        raise ExprError(f"'{full}' is not a name this language knows", f"use {patterns}")
    family.check(parts, names, full)
    return family
