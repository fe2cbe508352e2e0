"""A scenario skeleton from MSEL rows, built as data and written by the YAML library.

Nothing from the table is pasted into YAML text: the skeleton is a tree of
plain values (with comments that are fixed words, or one escaped line), and
ruamel.yaml writes it, quoting whatever needs quoting. A newline or a ``:``
in a cell therefore stays inside its value and can never add keys.

The skeleton validates as it is: each decision point becomes a node with its
injects, one placeholder option that moves to the next decision point (and
one for the expected action, when the rows say one), standard meters, a
channel for every channel named, a role for every recipient, and a fallback
ending. Every place an author must still write something says ``TODO``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from game.scenario.compile import RESERVED
from game.scenario.expr import ExprError, Names, parse_condition, referenced_names
from game.scenario.models import CHANNEL_LEVELS, ID_PATTERN
from game.textsafe import escape

from .msel_read import MselRow, slug

_ID = re.compile(ID_PATTERN)
_WORD_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_STANDARD_METERS: tuple[tuple[str, str, float, dict[str, Any]], ...] = (
    ("escalation", "Escalation risk", 30, {"higher_is": "worse"}),
    ("openness", "Channel openness", 50, {"hidden": True}),
    ("standing", "Domestic standing", 60, {}),
    ("allies", "Allied confidence", 60, {}),
)
_LEVEL_HINTS = (
    ("military", ("defense", "defence", "military", "dtl", "commander", "theater",
                  "theatre", "attache", "attaché", "navy", "pla")),
    ("political", ("leaders", "president", "political", "nsa", "adviser", "advisor",
                   "summit")),
    ("public", ("press", "media", "public", "statement", "tv", "social")),
    ("third_party", ("third", "mediator", "intermediary", "un ", "embassy of")),
)


@dataclass
class Point:
    """A decision point of the table and its rows."""

    id: str
    title: str
    time: str
    rows: list[MselRow] = field(default_factory=list)

    @property
    def expected(self) -> str:
        return next((r.expected for r in self.rows if r.expected), "")


_TAKEN = frozenset({"end", "de-escalated", "stand-off"})
"""Ids the skeleton uses itself ('end', its endings): a decision point is renamed."""


def group(rows: Iterable[MselRow]) -> list[Point]:
    """Rows grouped into decision points, in the order they first appear."""
    points: list[Point] = []
    by_id: dict[str, Point] = {}
    for row in rows:
        key = row.decision or (slug(row.decision_title, "") if row.decision_title else "")
        if not key:
            key = points[-1].id if points else "decision-1"
        if key in _TAKEN:
            key = f"{key}-point"
        point = by_id.get(key)
        if point is None:
            point = Point(key, row.decision_title or key.replace("-", " ").capitalize(),
                          row.time or "2000-01-01T00:00")
            by_id[key] = point
            points.append(point)
        point.rows.append(row)
    return points


def _fit(text: str, limit: int = 19_000) -> str:
    """Text cut to fit a scenario text field (the cells themselves are capped already)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _level(label: str) -> str:
    lower = f"{label.lower()} "
    for level, hints in _LEVEL_HINTS:
        if any(h in lower for h in hints):
            return level
    return "diplomatic"


@dataclass
class _Declared:
    """What the skeleton declares for the rows' conditions, and which conditions it keeps."""

    meters: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    usable: set[str] = field(default_factory=set)

    def names(self, channels: Iterable[str], nodes: Iterable[str]) -> Names:
        return Names(meters=frozenset(self.meters | {m[0] for m in _STANDARD_METERS}),
                     flags=frozenset(self.flags), channels=frozenset(self.channels) |
                     frozenset(channels), nodes=frozenset(nodes), tags=frozenset(self.tags))


def _needs(condition: str, nodes: set[str]) -> _Declared | None:
    """What a condition names that the skeleton must declare (None: it cannot)."""
    names = referenced_names(condition)
    need = _Declared()
    for name in names:
        parts = name.split(".")
        head = parts[0]
        if len(parts) == 1 and head != "turn":
            if not _WORD_ID.match(head) or head in RESERVED:
                return None
            need.meters.add(head)
        elif head == "peak" and len(parts) == 2 and _WORD_ID.match(parts[1]):
            need.meters.add(parts[1])
        elif head == "flags" and len(parts) == 2 and _WORD_ID.match(parts[1]):
            need.flags.add(parts[1])
        elif head in ("channels", "contact") and len(parts) >= 2:
            if parts[1] not in (*CHANNEL_LEVELS, "any"):
                if not _ID.match(parts[1]):
                    return None
                need.channels.add(parts[1])
        elif head == "recent" and len(parts) == 2 and _WORD_ID.match(parts[1]):
            need.tags.add(parts[1])
        elif not (head == "visited" and len(parts) == 2 and parts[1] in nodes) \
                and name != "turn" and head != "call":
            return None
    return need


def _declared(rows: Iterable[MselRow], channels: Iterable[str], nodes: set[str]) -> _Declared:
    """Declarations for every condition the skeleton can keep; each kept one compiles."""
    found = _Declared()
    known_channels = list(channels)
    for row in rows:
        if not row.condition or row.condition in found.usable:
            continue
        need = _needs(row.condition, nodes)
        if need is None:
            continue
        trial = _Declared(found.meters | need.meters, found.flags | need.flags,
                          found.channels | need.channels, found.tags | need.tags,
                          found.usable | {row.condition})
        try:
            parse_condition(row.condition, trial.names(known_channels, nodes))
        except ExprError:
            continue  # kept as a TODO note in the node's brief instead
        found = trial
    return found


def _node(point: Point, nxt: str, first_channel: str, role_ids: set[str],
          declared: _Declared, first: bool) -> CommentedMap:
    node = CommentedMap()
    node["id"] = point.id
    node["title"] = point.title
    node["time"] = point.time
    brief = "TODO: what the trainee knows at this point"
    dropped = [r.condition for r in point.rows if r.text and r.condition
               and r.condition not in declared.usable]
    if dropped:
        brief += ". MSEL conditions that could not be kept (write them as 'when:'): " + \
            "; ".join(dropped)
    node["brief"] = _fit(brief)
    injects = CommentedSeq()
    for row in (r for r in point.rows if r.text):
        inject = CommentedMap()
        inject["from"] = row.sender or "TODO: sender"
        inject["kind"] = row.kind
        if row.channel:
            inject["channel"] = row.channel
        targets = [t for t in row.to if t in role_ids]
        if targets:
            inject["to"] = targets
        if row.condition in declared.usable:
            inject["when"] = row.condition
        inject["text"] = row.text
        injects.append(inject)
    if injects:
        node["injects"] = injects
    options = CommentedSeq()
    expected = point.expected
    if expected:
        label = re.sub(r"\s*\[[^\]]*\]\s*(—.*)?$", "", expected).strip() or expected
        option = CommentedMap()
        option["id"] = "expected-action"
        option["kind"] = "call"
        option.yaml_add_eol_comment("TODO: check the kind and the channel", "kind")
        option["channel"] = first_channel
        option["label"] = label[:200]
        option["doctrine"] = _fit("TODO: why this is expected. MSEL: " + expected)
        option["next"] = nxt
        options.append(option)
    placeholder = CommentedMap()
    placeholder["id"] = "todo-option"
    placeholder["kind"] = "wait"
    placeholder.yaml_add_eol_comment("TODO: write the real options (call, escalate, "
                                     "back_channel...)", "kind")
    placeholder["label"] = "TODO: an option"
    if first and declared.tags:
        placeholder["tags"] = sorted(declared.tags)
        placeholder.yaml_add_eol_comment("TODO: named by MSEL conditions (recent.<tag>)",
                                         "tags")
    placeholder["effects"] = ["escalation += 5"]
    placeholder.yaml_add_eol_comment("TODO: what it changes", "effects")
    placeholder["next"] = nxt
    options.append(placeholder)
    decision = CommentedMap()
    decision["prompt"] = "TODO: the question the trainee must answer here"
    decision["options"] = options
    node["decision"] = decision
    return node


def skeleton_data(rows: Sequence[MselRow], *, scenario_id: str = "new-scenario",
                  title: str = "New scenario", source: str = "") -> CommentedMap:
    """The skeleton as data (see the module docstring)."""
    points = group(rows)
    roles: dict[str, str] = {}
    channels: dict[str, str] = {}
    for row in rows:
        for ident, label in zip(row.to, row.to_labels):
            roles.setdefault(ident, label or ident)
        if row.channel:
            channels.setdefault(row.channel, row.channel_label or row.channel)
    if not roles:
        roles["lead"] = "Crisis lead"
    if not channels:
        channels["hotline"] = "Leaders' hotline"
    nodes = {p.id for p in points}
    declared = _declared(rows, channels, nodes)
    for ident in sorted(declared.channels):
        channels.setdefault(ident, ident.replace("-", " ").capitalize())

    doc = CommentedMap()
    origin = f" ({escape(source, one_line=True)})" if source else ""
    doc.yaml_set_start_comment(
        f"Scenario skeleton imported from an MSEL{origin}.\n"
        "It validates as it is, but it is not a game yet: search for TODO and write the\n"
        "decisions (options with kinds, effects and next nodes), endings and objectives.")
    doc["format"] = 1
    doc["id"] = scenario_id
    doc["title"] = title
    doc["version"] = "0.1"
    doc["summary"] = "TODO: two or three sentences on the crisis and what the trainee must do."
    doc["period"] = "TODO: when it happens, e.g. February 2023"
    doc["fiction"] = False
    doc.yaml_add_eol_comment("TODO: true if the crisis is invented", "fiction")
    doc["length_minutes"] = 45
    doc["sources"] = CommentedSeq()
    doc.yaml_add_eol_comment("TODO: list the sources the scenario rests on (title, "
                             "publisher, date)", "sources")
    doc["objectives"] = [{
        "id": "make-contact",
        "text": "TODO: what the trainee should learn to do",
        "rating": {"performed": "contact.any and peak.escalation < 60",
                   "some": "contact.any", "major": "peak.escalation >= 80"},
    }]
    doc["roles"] = [{"id": ident, "title": label} for ident, label in roles.items()]
    meters = CommentedSeq()
    for ident, label, initial, extra in _STANDARD_METERS:
        meters.append({"id": ident, "label": label, "initial": initial, **extra})
    for ident in sorted(declared.meters - {m[0] for m in _STANDARD_METERS}):
        meter = CommentedMap(id=ident, label=ident.replace("_", " ").capitalize(), initial=50)
        meter.yaml_add_eol_comment("TODO: named by an MSEL condition; check its label and "
                                   "start", "initial")
        meters.append(meter)
    doc["meters"] = meters
    if declared.flags:
        flags = CommentedSeq()
        for ident in sorted(declared.flags):
            flag = CommentedMap(id=ident)
            flag.yaml_add_eol_comment("TODO: named by an MSEL condition; set it somewhere",
                                      "id")
            flags.append(flag)
        doc["flags"] = flags
    channel_list = CommentedSeq()
    for ident, label in channels.items():
        channel = CommentedMap(id=ident, label=label, level=_level(label))
        channel.yaml_add_eol_comment("TODO: check: military, diplomatic, political, "
                                     "third_party or public", "level")
        channel_list.append(channel)
    doc["channels"] = channel_list
    doc["counterpart"] = {"name": "TODO: who is on the other end", "base_acceptance": 0.5,
                          "openness_meter": "openness"}
    first_channel = next(iter(channels))
    doc["nodes"] = [
        _node(point, points[i + 1].id if i + 1 < len(points) else "end", first_channel,
              set(roles), declared, i == 0)
        for i, point in enumerate(points)
    ]
    doc["endings"] = [
        {"id": "de-escalated", "title": "TODO: the good ending",
         "text": "TODO: how it ends when the trainee manages the crisis",
         "when": "contact.any and escalation < 40", "tone": "good"},
        {"id": "stand-off", "title": "TODO: the fallback ending",
         "text": "TODO: how it ends otherwise", "tone": "mixed"},
    ]
    expert = [{"node": p.id, "option": "expected-action",
               "reason": _fit("TODO: why. MSEL expected action: " + p.expected)}
              for p in points if p.expected]
    if expert:
        doc["expert"] = expert
    return doc


def dump_yaml(data: Any) -> str:
    """Write data as YAML text with the library (block style, long lines kept whole)."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def skeleton_yaml(rows: Sequence[MselRow], *, scenario_id: str = "new-scenario",
                  title: str = "New scenario", source: str = "") -> str:
    """The skeleton (see :func:`skeleton_data`) as YAML text."""
    return dump_yaml(skeleton_data(rows, scenario_id=scenario_id, title=title, source=source))
