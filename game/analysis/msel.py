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

A table carries no code either way: on export, a cell that a spreadsheet
would run as a formula (``=``, ``+``, ``-``, ``@``...) gets a leading
apostrophe, which import takes off again (:mod:`.msel_read`); import reads
the table within limits and builds the skeleton as data that the YAML
library writes (:mod:`.msel_skeleton`).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TextIO

from game.scenario import CompiledScenario
from game.scenario.models import Inject, Scenario

from .msel_read import (
    MAX_CELL_CHARS,
    MAX_TABLE_BYTES,
    MselError,
    MselRow,
    neutralise,
    read_msel,
    read_msel_file,
    restore,
    slug,
)
from .msel_skeleton import group, skeleton_data, skeleton_yaml

__all__ = [
    "COLUMNS",
    "MAX_CELL_CHARS",
    "MAX_TABLE_BYTES",
    "MselError",
    "MselRow",
    "export_msel",
    "import_msel",
    "msel_export_command",
    "msel_import_command",
    "neutralise",
    "read_msel",
    "read_msel_file",
    "restore",
    "skeleton_data",
    "skeleton_yaml",
    "slug",
]

COLUMNS: tuple[str, ...] = (
    "Serial", "Time", "From", "To", "Channel", "Kind", "Inject", "Condition",
    "Expected action", "Decision point",
)

_ALL = "All"


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

    Cells a spreadsheet would run as formulas are written with a leading
    apostrophe (:func:`~.msel_read.neutralise`); import takes it off again.

    Args:
        scenario: The compiled scenario.
        out: A text stream (open it with ``newline=""``).

    Returns:
        The number of rows written (header not counted).
    """
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows = msel_rows(scenario)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return len(rows)


def import_msel(source: TextIO | str, *, scenario_id: str = "new-scenario",
                title: str = "New scenario", name: str = "") -> str:
    """Read an MSEL table and return a scenario skeleton (YAML text).

    Raises:
        MselError: The table cannot be read (at its row and column).
    """
    return skeleton_yaml(read_msel(source), scenario_id=scenario_id, title=title, source=name)


# --- commands ------------------------------------------------------------------------


def _refuse_special(path: str) -> str:
    """Why ``path`` cannot be written to ('' when it can): an existing FIFO or
    device would block or swallow the file."""
    target = Path(path)
    if target.exists() and not target.is_file():
        return f"{path} exists and is not a regular file; choose a file name"
    return ""


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
        export_msel(scenario, stdout)
        return 0
    refused = _refuse_special(csv_out)
    if refused:
        stderr.write(f"error: {refused}\n")
        return 2
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
        0 on success; 2 if the table cannot be read or the output exists
        (without ``force``); 1 if the skeleton does not validate, which every
        readable table should (a fault in Hotline).
    """
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    try:
        rows = read_msel_file(csv_path)
    except MselError as exc:
        stderr.write(f"{csv_path}: error: {exc}\n")
        return 2
    stem = Path(out_path).stem if out_path not in (None, "-") else Path(csv_path).stem
    ident = scenario_id or slug(stem, "new-scenario")
    text = skeleton_yaml(rows, scenario_id=ident, title=title or stem.replace("-", " ").title(),
                         source=Path(csv_path).name)
    from game.scenario.loader import check_scenario_text

    compiled, diagnostics = check_scenario_text(text, "<skeleton>")
    if compiled is None:
        first = next((d for d in diagnostics if d.severity == "error"), None)
        why = f" ({first.path}: {first.message})" if first is not None else ""
        stderr.write(f"{csv_path}: internal error: the skeleton built from this table does not "
                     f"validate{why}; this is a bug in Hotline, please report it with the "
                     "table\n")
        return 1
    if out_path in (None, "-"):
        stdout.write(text)
        return 0
    target = Path(out_path)
    refused = _refuse_special(out_path)
    if refused:
        stderr.write(f"error: {refused}\n")
        return 2
    if target.exists() and not force:
        stderr.write(f"error: {out_path} exists; choose another name or pass --force\n")
        return 2
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        stderr.write(f"error: cannot write {out_path}: {exc.strerror or exc}\n")
        return 2
    todos = text.count("TODO")
    stderr.write(f"wrote {out_path}: {len(group(rows))} decision point(s), "
                 f"{sum(1 for r in rows if r.text)} inject(s), {todos} TODO marker(s)\n")
    return 0


InjectKey = tuple[str, str, str, str | None, tuple[str, ...], str, str | None]


def scenario_model_injects(model: Scenario) -> list[InjectKey]:
    """(node, sender, kind, channel, to, text, when) of every inject, for comparing round trips."""
    return [(node.id, i.sender, i.kind, i.channel, tuple(i.to), i.text, i.when)
            for node in model.nodes for i in node.injects]
