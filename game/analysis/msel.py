"""Master Scenario Events List (MSEL) export and import.

Exercise planners keep injects in a spreadsheet: one row per message with
its time, sender, recipients, channel, text and the action the players are
expected to take. :func:`export_msel` writes a scenario's injects that way
(CSV, UTF-8 with a byte-order mark so spreadsheet programs pick the encoding);
:func:`import_msel` turns such a table back into a scenario *skeleton* that
validates, with ``TODO`` markers where the decisions must still be written.

Columns (header names are matched without regard to case or spaces, and a
few common synonyms are accepted on import)::

    Serial, Time, From, To, Channel, Kind, Inject, Condition, Expected action,
    Decision point

``Channel``, ``To`` and ``Decision point`` cells read like ``Defense
telephone link [dtl]``: the words for people, the id in brackets for the
round trip. A decision point with no injects gets one row with an empty
``Inject``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from game.scenario import CompiledScenario
from game.scenario.models import ID_PATTERN, Inject, Scenario

__all__ = [
    "COLUMNS",
    "MselError",
    "MselRow",
    "export_msel",
    "import_msel",
    "msel_export_command",
    "msel_import_command",
    "read_msel",
    "skeleton_yaml",
]

COLUMNS: tuple[str, ...] = (
    "Serial", "Time", "From", "To", "Channel", "Kind", "Inject", "Condition",
    "Expected action", "Decision point",
)

_SYNONYMS: dict[str, str] = {
    "serial": "serial", "#": "serial", "no": "serial", "number": "serial", "id": "serial",
    "time": "time", "datetime": "time", "scenariotime": "time", "when": "time",
    "from": "from", "sender": "from", "source": "from",
    "to": "to", "recipient": "to", "recipients": "to", "audience": "to",
    "channel": "channel", "method": "channel", "means": "channel", "deliverymethod": "channel",
    "kind": "kind", "type": "kind", "injecttype": "kind",
    "inject": "inject", "injecttext": "inject", "message": "inject", "text": "inject",
    "description": "inject", "event": "inject",
    "condition": "condition",
    "expectedaction": "expected", "expectedplayeraction": "expected",
    "expectedresponse": "expected", "expectedoutcome": "expected",
    "decisionpoint": "decision", "decision": "decision", "node": "decision",
    "phase": "decision", "move": "decision",
}

_INJECT_KINDS = ("intel", "press", "allied", "counterpart", "staff", "domestic")
_ALL = "All"


class MselError(ValueError):
    """An MSEL table that cannot be read; the message says which row and why."""


@dataclass
class MselRow:
    """One row of an MSEL.

    Attributes:
        serial: Row number as written (or its position).
        time: Scenario time (ISO date-time, as the scenario writes it).
        sender: Who the inject comes from.
        to: Recipient role ids (empty: everyone).
        to_labels: Recipient names as written.
        channel: Channel id, or None.
        channel_label: Channel name as written.
        kind: Inject kind (intel, press, allied, counterpart, staff, domestic).
        text: The inject's text (empty for a decision point with no inject).
        condition: The inject's ``when`` condition, if any.
        expected: The expected player action.
        decision: Decision point id.
        decision_title: Decision point title.
        line: Line of the row in the CSV file (for messages).
    """

    serial: str
    time: str
    sender: str
    to: list[str]
    to_labels: list[str]
    channel: str | None
    channel_label: str
    kind: str
    text: str
    condition: str
    expected: str
    decision: str
    decision_title: str
    line: int = 0


# --- export ------------------------------------------------------------------------


def _tagged(label: str, ident: str) -> str:
    return f"{label} [{ident}]" if label and label != ident else ident


def msel_rows(scenario: CompiledScenario) -> list[list[str]]:
    """The scenario's injects as MSEL rows (header not included)."""
    model = scenario.model
    roles = {r.id: r.title for r in model.roles}
    channels = {c.id: c.label for c in model.channels}
    expert = {s.node: s for s in model.expert}
    rows: list[list[str]] = []
    serial = 0
    for node in model.nodes:
        step = expert.get(node.id)
        expected = ""
        if step is not None:
            label = next((o.label for o in node.decision.options if o.id == step.option),
                         step.option)
            expected = f"{label} [{step.option}] — {step.reason}"
        point = _tagged(node.title, node.id)
        injects: list[Inject | None] = list(node.injects) or [None]
        for i, inject in enumerate(injects):
            serial += 1
            if inject is None:
                rows.append([str(serial), node.time, "", "", "", "", "", "", expected, point])
                continue
            to = ", ".join(_tagged(roles.get(r, r), r) for r in inject.to) or _ALL
            channel = _tagged(channels.get(inject.channel, inject.channel), inject.channel) \
                if inject.channel else ""
            rows.append([
                str(serial), node.time, inject.sender, to, channel, inject.kind, inject.text,
                inject.when or "", expected if i == 0 else "", point,
            ])
    return rows


def export_msel(scenario: CompiledScenario, out: TextIO) -> int:
    """Write the scenario's MSEL as CSV.

    Args:
        scenario: The compiled scenario.
        out: A text stream (open it with ``newline=""``).

    Returns:
        The number of rows written (header not counted).
    """
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows = msel_rows(scenario)
    writer.writerows(rows)
    return len(rows)


# --- import ------------------------------------------------------------------------

_TAG = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$")
_ID = re.compile(ID_PATTERN)


def _split_tag(cell: str) -> tuple[str, str | None]:
    match = _TAG.match(cell.strip())
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return cell.strip(), None


def slug(text: str, fallback: str = "item") -> str:
    """An id (lowercase words joined by '-') made from free text."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    value = re.sub(r"^[^a-z]+", "", value)[:48].strip("-")
    return value or fallback


def _norm_header(name: str) -> str:
    return re.sub(r"[^a-z#]+", "", name.lower())


def _time(cell: str, row: int) -> str:
    text = cell.strip()
    if not text:
        return ""
    for candidate in (text, text.replace(" ", "T", 1)):
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m-%dT%H:%M")
    for fmt in ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M", "%d/%m/%Y", "%Y/%m/%d %H:%M"):
        try:
            return datetime.strptime(text, fmt).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            continue
    raise MselError(f"row {row}: cannot read the time '{text}'; write it like 2023-02-04 14:39")


def read_msel(source: TextIO | str) -> list[MselRow]:
    """Read an MSEL table (CSV; comma, semicolon or tab separated).

    Args:
        source: A text stream or the CSV text.

    Returns:
        The rows, in order.

    Raises:
        MselError: The table has no recognisable header or a row is unreadable.
    """
    text = source if isinstance(source, str) else source.read()
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise MselError("the table is empty")
    first = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _SYNONYMS.get(_norm_header(name))
        if key is not None and key not in columns:
            columns[key] = index
    if "inject" not in columns:
        raise MselError(
            "no 'Inject' column in the header row; the header needs at least Inject "
            f"(and usually Time, From, To, Channel, Decision point); found: {', '.join(header)}")
    rows: list[MselRow] = []
    last_time = ""
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(key: str, cells: Sequence[str] = cells) -> str:
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        time = _time(cell("time"), number) or last_time
        last_time = time
        to_labels: list[str] = []
        to_ids: list[str] = []
        to_cell = cell("to")
        if to_cell and to_cell.lower() not in ("all", "everyone", "all players", "*"):
            for part in re.split(r"[,;/]", to_cell):
                label, ident = _split_tag(part)
                if not label and not ident:
                    continue
                to_labels.append(label or ident or "")
                to_ids.append(ident or slug(label, "role"))
        channel_label, channel_id = _split_tag(cell("channel"))
        if channel_label and channel_id is None:
            channel_id = slug(channel_label, "channel")
        kind = cell("kind").lower()
        if kind not in _INJECT_KINDS:
            kind = "intel" if not kind else _guess_kind(kind)
        decision_title, decision_id = _split_tag(cell("decision"))
        rows.append(MselRow(
            serial=cell("serial") or str(len(rows) + 1), time=time, sender=cell("from"),
            to=to_ids, to_labels=to_labels, channel=channel_id or None,
            channel_label=channel_label or (channel_id or ""), kind=kind, text=cell("inject"),
            condition=cell("condition"), expected=cell("expected"),
            decision=decision_id or "", decision_title=decision_title, line=number,
        ))
    if not rows:
        raise MselError("the table has a header but no rows")
    return rows


def _guess_kind(word: str) -> str:
    for kind, hints in (("press", ("press", "media", "news", "tv")),
                        ("allied", ("ally", "allied", "partner", "nato")),
                        ("counterpart", ("counterpart", "adversary", "opfor", "red")),
                        ("domestic", ("domestic", "congress", "parliament", "public")),
                        ("staff", ("staff", "facilitator", "control", "excon"))):
        if any(h in word for h in hints):
            return kind
    return "intel"


@dataclass
class _Point:
    id: str
    title: str
    time: str
    rows: list[MselRow] = field(default_factory=list)

    @property
    def expected(self) -> str:
        return next((r.expected for r in self.rows if r.expected), "")


def _group(rows: Iterable[MselRow]) -> list[_Point]:
    points: list[_Point] = []
    by_id: dict[str, _Point] = {}
    for row in rows:
        key = row.decision or (slug(row.decision_title, "") if row.decision_title else "")
        if not key:
            key = points[-1].id if points else "decision-1"
        key = slug(key, "decision") if not _ID.match(key) else key
        point = by_id.get(key)
        if point is None:
            point = _Point(key, row.decision_title or key.replace("-", " ").capitalize(),
                           row.time or "2000-01-01T00:00")
            by_id[key] = point
            points.append(point)
        point.rows.append(row)
    return points


_STANDARD_METERS = frozenset({"escalation", "openness", "standing", "allies"})
_LEVELS = frozenset({"military", "diplomatic", "political", "third_party", "public", "any"})
_FLAG_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class _ConditionNames:
    meters: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    prices: set[str] = field(default_factory=set)
    usable: set[str] = field(default_factory=set)


def _condition_names(rows: Iterable[MselRow], nodes: set[str]) -> _ConditionNames:
    """What the rows' conditions name, so the skeleton can declare it.

    A condition is *usable* when everything it names can be declared (a
    ``visited.<node>`` of a node the table does not have cannot).
    """
    from game.scenario.expr import referenced_names

    found = _ConditionNames()
    for row in rows:
        if not row.condition:
            continue
        names = referenced_names(row.condition)
        if not names and row.condition.strip() not in ("true", "false"):
            continue  # unreadable: keep it as a TODO comment
        meters: set[str] = set()
        flags: set[str] = set()
        channels: set[str] = set()
        tags: set[str] = set()
        prices: set[str] = set()
        ok = True
        for name in names:
            parts = name.split(".")
            head = parts[0]
            if len(parts) == 1:
                if head not in ("turn", "true", "false", "True", "False"):
                    meters.add(head)
            elif head == "peak" and len(parts) == 2:
                meters.add(parts[1])
            elif head == "flags" and len(parts) == 2 and _FLAG_ID.match(parts[1]):
                flags.add(parts[1])
            elif head in ("channels", "contact", "asked", "asked_at") and len(parts) >= 2:
                if parts[1] not in _LEVELS:
                    channels.add(parts[1])
            elif head in ("leadership", "pressure") and len(parts) == 2 \
                    and parts[1] in ("political", "military", "working"):
                pass
            elif head == "prices" and len(parts) == 3 and _ID.match(parts[1]):
                prices.add(parts[1])
            elif head == "recent" and len(parts) == 2 and _FLAG_ID.match(parts[1]):
                tags.add(parts[1])
            elif head == "visited" and len(parts) == 2 and parts[1] in nodes:
                pass
            else:
                ok = False
        if not ok or not all(_ID.match(m) for m in meters | channels):
            continue
        found.meters |= meters
        found.flags |= flags
        found.channels |= channels
        found.tags |= tags
        found.prices |= prices
        found.usable.add(row.condition)
    return found


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


_LEVEL_HINTS = (
    ("military", ("defense", "defence", "military", "dtl", "commander", "theater",
                  "theatre", "attache", "attaché", "navy", "pla")),
    ("political", ("leaders", "president", "political", "nsa", "adviser", "advisor",
                   "summit")),
    ("public", ("press", "media", "public", "statement", "tv", "social")),
    ("third_party", ("third", "mediator", "intermediary", "un ", "embassy of")),
)


def _level(label: str) -> str:
    lower = f"{label.lower()} "
    for level, hints in _LEVEL_HINTS:
        if any(h in lower for h in hints):
            return level
    return "diplomatic"


def skeleton_yaml(rows: Sequence[MselRow], *, scenario_id: str = "new-scenario",
                  title: str = "New scenario", source: str = "") -> str:
    """A scenario skeleton (YAML text) built from MSEL rows.

    The skeleton validates: each decision point becomes a node with its
    injects, one placeholder option that moves to the next decision point (and
    one for the expected action, when the row says one), standard meters, a
    channel for every channel named, a role for every recipient, and a
    fallback ending. Every place an author must still write something says
    ``TODO``.

    Args:
        rows: The MSEL rows (see :func:`read_msel`).
        scenario_id: The new scenario's id.
        title: Its title.
        source: Where the table came from (for the header comment).

    Returns:
        The YAML text.
    """
    points = _group(rows)
    roles: dict[str, str] = {}
    channels: dict[str, str] = {}
    for row in rows:
        for ident, label in zip(row.to, row.to_labels):
            roles.setdefault(ident, label or ident)
        if row.channel:
            channels.setdefault(row.channel, row.channel_label or row.channel)
    if not roles:
        roles["lead"] = "Crisis lead"
    role_ids = set(roles)
    if not channels:
        channels["hotline"] = "Leaders' hotline"
    extra = _condition_names(rows, {p.id for p in points})
    for ident in extra.channels:
        channels.setdefault(ident, ident.replace("-", " ").capitalize())
    first_channel = next(iter(channels))
    out: list[str] = []
    add = out.append
    add(f"# Scenario skeleton imported from an MSEL{f' ({source})' if source else ''}.")
    add("# It validates as it is, but it is not a game yet: search for TODO and write the")
    add("# decisions (options with kinds, effects and next nodes), endings and objectives.")
    add("format: 1")
    add(f"id: {scenario_id}")
    add(f"title: {_q(title)}")
    add('version: "0.1"')
    add('summary: "TODO: two or three sentences on the crisis and what the trainee must do."')
    add('period: "TODO: when it happens, e.g. February 2023"')
    add("fiction: false  # TODO: true if the crisis is invented")
    add("length_minutes: 45")
    add("sources: []  # TODO: list the sources the scenario rests on (title, publisher, date)")
    add("")
    add("objectives:")
    add("  - id: make-contact")
    add('    text: "TODO: what the trainee should learn to do"')
    add("    rating:")
    add("      performed: contact.any and peak.escalation < 60")
    add("      some: contact.any")
    add("      major: peak.escalation >= 80")
    add("")
    add("roles:")
    for ident, label in roles.items():
        add(f"  - id: {ident}")
        add(f"    title: {_q(label)}")
    add("")
    add("meters:")
    add("  - {id: escalation, label: Escalation risk, initial: 30, higher_is: worse}")
    add("  - {id: openness, label: Channel openness, initial: 50, hidden: true}")
    add("  - {id: standing, label: Domestic standing, initial: 60}")
    add("  - {id: allies, label: Allied confidence, initial: 60}")
    for ident in sorted(extra.meters - _STANDARD_METERS):
        add(f"  - {{id: {ident}, label: {_q(ident.replace('-', ' ').capitalize())}, "
            "initial: 50}  # TODO: named by an MSEL condition; check its label and start")
    add("")
    if extra.flags:
        add("flags:")
        for ident in sorted(extra.flags):
            add(f"  - id: {ident}  # TODO: named by an MSEL condition; set it somewhere")
        add("")
    add("channels:")
    for ident, label in channels.items():
        add(f"  - id: {ident}")
        add(f"    label: {_q(label)}")
        add(f"    level: {_level(label)}  # TODO: check: military, diplomatic, political, "
            "third_party or public")
    add("")
    add("counterpart:")
    add('  name: "TODO: who is on the other end"')
    add("  base_acceptance: 0.5")
    add("  openness_meter: openness")
    if extra.prices:
        add("  prices:                    # named by the table's conditions")
        for price in sorted(extra.prices):
            add(f"    - id: {price}")
            add('      demand: "TODO: what the other side demands"')
    add("")
    add("nodes:")
    for index, point in enumerate(points):
        nxt = points[index + 1].id if index + 1 < len(points) else "end"
        add(f"  - id: {point.id}")
        add(f"    title: {_q(point.title)}")
        add(f"    time: \"{point.time}\"")
        add('    brief: "TODO: what the trainee knows at this point"')
        injects = [r for r in point.rows if r.text]
        if injects:
            add("    injects:")
            for row in injects:
                add(f"      - from: {_q(row.sender or 'TODO: sender')}")
                add(f"        kind: {row.kind}")
                if row.channel:
                    add(f"        channel: {row.channel}")
                targets = [t for t in row.to if t in role_ids]
                if targets:
                    add(f"        to: [{', '.join(targets)}]")
                if row.condition and row.condition in extra.usable:
                    add(f"        when: {_q(row.condition)}")
                elif row.condition:
                    add(f"        # TODO: the MSEL's condition could not be kept: {row.condition}")
                add(f"        text: {_q(row.text)}")
        add("    decision:")
        add('      prompt: "TODO: the question the trainee must answer here"')
        add("      options:")
        expected = point.expected
        if expected:
            label = re.sub(r"\s*\[[^\]]*\]\s*(—.*)?$", "", expected).strip() or expected
            add("        - id: expected-action")
            add("          kind: call  # TODO: check the kind and the channel")
            add(f"          channel: {first_channel}")
            add(f"          label: {_q(label[:200])}")
            add(f"          doctrine: {_q('TODO: why this is expected. MSEL: ' + expected)}")
            add(f"          next: {nxt}")
        add("        - id: todo-option")
        add("          kind: wait  # TODO: write the real options (call, escalate, back_channel…)")
        add('          label: "TODO: an option"')
        if index == 0 and extra.tags:
            add(f"          tags: [{', '.join(sorted(extra.tags))}]  # TODO: named by MSEL "
                "conditions (recent.<tag>)")
        add("          effects: [escalation += 5]  # TODO: what it changes")
        add(f"          next: {nxt}")
    add("")
    add("endings:")
    add("  - id: de-escalated")
    add('    title: "TODO: the good ending"')
    add('    text: "TODO: how it ends when the trainee manages the crisis"')
    add("    when: contact.any and escalation < 40")
    add("    tone: good")
    add("  - id: stand-off")
    add('    title: "TODO: the fallback ending"')
    add('    text: "TODO: how it ends otherwise"')
    add("    tone: mixed")
    expert_points = [p for p in points if p.expected]
    if expert_points:
        add("")
        add("expert:")
        for point in expert_points:
            add(f"  - node: {point.id}")
            add("    option: expected-action")
            add(f"    reason: {_q('TODO: why. MSEL expected action: ' + point.expected)}")
    return "\n".join(out) + "\n"


def import_msel(source: TextIO | str, *, scenario_id: str = "new-scenario",
                title: str = "New scenario", name: str = "") -> str:
    """Read an MSEL table and return a scenario skeleton (YAML text).

    Raises:
        MselError: The table cannot be read.
    """
    return skeleton_yaml(read_msel(source), scenario_id=scenario_id, title=title, source=name)


# --- commands ------------------------------------------------------------------------


def msel_export_command(path: str, csv_out: str | None, *, out: TextIO | None = None,
                        err: TextIO | None = None) -> int:
    """``hotline msel export FILE --csv OUT`` (``-`` or None writes to standard output).

    Returns:
        0 on success, 2 if the scenario does not load or the file cannot be written.
    """
    from game.scenario.loader import check_scenario_file

    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    scenario, diagnostics = check_scenario_file(path)
    if scenario is None:
        for d in diagnostics:
            stderr.write(d.format() + "\n")
        return 2
    if csv_out in (None, "-"):
        count = export_msel(scenario, stdout)
        return 0
    try:
        with open(csv_out, "w", encoding="utf-8-sig", newline="") as handle:
            count = export_msel(scenario, handle)
    except OSError as exc:
        stderr.write(f"error: cannot write {csv_out}: {exc.strerror or exc}\n")
        return 2
    stderr.write(f"wrote {count} rows to {csv_out}\n")
    return 0


def msel_import_command(csv_path: str, out_path: str | None, *, scenario_id: str | None = None,
                        title: str | None = None, force: bool = False,
                        out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``hotline msel import CSV --out SCENARIO.yaml``.

    Args:
        csv_path: The MSEL table.
        out_path: The scenario file to write (``-`` or None: standard output).
        scenario_id: Id of the new scenario (default: from the output file name).
        title: Title of the new scenario.
        force: Overwrite an existing file.
        out: Standard output stream.
        err: Standard error stream.

    Returns:
        0 on success; 2 if the table cannot be read, the output exists (without
        ``force``), or the skeleton does not validate (a bug worth reporting).
    """
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    try:
        with open(csv_path, encoding="utf-8-sig", newline="") as handle:
            rows = read_msel(handle)
    except OSError as exc:
        stderr.write(f"error: cannot read {csv_path}: {exc.strerror or exc}\n")
        return 2
    except UnicodeDecodeError:
        stderr.write(f"error: {csv_path} is not UTF-8 text; save it as 'CSV UTF-8'\n")
        return 2
    except MselError as exc:
        stderr.write(f"{csv_path}: error: {exc}\n")
        return 2
    stem = Path(out_path).stem if out_path not in (None, "-") else Path(csv_path).stem
    ident = scenario_id or slug(stem, "new-scenario")
    text = skeleton_yaml(rows, scenario_id=ident, title=title or stem.replace("-", " ").title(),
                         source=Path(csv_path).name)
    from game.scenario.loader import check_scenario_text

    compiled, diagnostics = check_scenario_text(text, out_path or "<skeleton>")
    if compiled is None:
        for d in diagnostics:
            stderr.write(d.format() + "\n")
        stderr.write("error: the imported skeleton does not validate (please report this)\n")
        return 2
    if out_path in (None, "-"):
        stdout.write(text)
        return 0
    target = Path(out_path)
    if target.exists() and not force:
        stderr.write(f"error: {out_path} exists; choose another name or pass --force\n")
        return 2
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        stderr.write(f"error: cannot write {out_path}: {exc.strerror or exc}\n")
        return 2
    todos = text.count("TODO")
    stderr.write(f"wrote {out_path}: {len(_group(rows))} decision point(s), "
                 f"{sum(1 for r in rows if r.text)} inject(s), {todos} TODO marker(s)\n")
    return 0


InjectKey = tuple[str, str, str, str | None, tuple[str, ...], str, str | None]


def scenario_model_injects(model: Scenario) -> list[InjectKey]:
    """(node, sender, kind, channel, to, text, when) of every inject, for comparing round trips."""
    return [(node.id, i.sender, i.kind, i.channel, tuple(i.to), i.text, i.when)
            for node in model.nodes for i in node.injects]
