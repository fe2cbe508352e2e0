"""Reading an MSEL table (CSV) into rows, refusing what it cannot carry.

A table comes from a spreadsheet, which anyone may have edited. It is read
as data only, within limits, and every problem is reported at its CSV row
and column:

* a regular file of at most :data:`MAX_TABLE_BYTES`, UTF-8 text;
* cells of at most :data:`MAX_CELL_CHARS` characters (a scenario text's own limit);
* no control characters in a cell (:mod:`game.textsafe`);
* ids written in brackets (``Defense link [dtl]``) must be valid ids;
* a leading apostrophe that :func:`neutralise` added on export (so that a
  spreadsheet does not run ``=...`` as a formula) is taken off again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from game.scenario.models import ID_PATTERN
from game.scenario.yamlsafe import FileRefused, read_limited
from game.textsafe import describe, first_control

MAX_TABLE_BYTES = 2 * 1024 * 1024
"""Largest MSEL file read (2 MiB): the skeleton must fit a scenario file's own limit."""
MAX_CELL_CHARS = 20_000
"""Longest cell, the limit of any text in a scenario."""

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
INJECT_KINDS = ("intel", "press", "allied", "counterpart", "staff", "domestic")
_EVERYONE = ("all", "everyone", "all players", "*")

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text: a leading apostrophe before a formula start.

    A cell that already starts with an apostrophe before such a character (or
    before another apostrophe) gets one more, so :func:`restore` is exact.
    """
    if cell.startswith(FORMULA_STARTS) or (cell[:1] == "'" and cell[1:2]
                                           and cell[1:2] in (*FORMULA_STARTS, "'")):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """Undo :func:`neutralise` (cells written by hand without it are left alone)."""
    if cell[:1] == "'" and cell[1:2] and cell[1:2] in (*FORMULA_STARTS, "'"):
        return cell[1:]
    return cell


class MselError(ValueError):
    """An MSEL table that cannot be read, with the CSV row and column when known.

    Attributes:
        message: What is wrong.
        row: The CSV row (the header is row 1), 0 for the whole table.
        column: The column, as a letter and header (``E 'Channel'``), or ''.
    """

    def __init__(self, message: str, row: int = 0, column: str = "") -> None:
        self.message, self.row, self.column = message, row, column
        where = ", ".join(p for p in (f"row {row}" if row else "",
                                      f"column {column}" if column else "") if p)
        super().__init__(f"{where}: {message}" if where else message)


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
        line: The row's number in the CSV (the header is row 1), for messages.
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


_TAG = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]\s*$")
_ID = re.compile(ID_PATTERN)


def slug(text: str, fallback: str = "item") -> str:
    """An id (lowercase words joined by '-') made from free text."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    value = re.sub(r"^[^a-z]+", "", value)[:48].strip("-")
    return value or fallback


def _letter(index: int) -> str:
    """Spreadsheet column name: 0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _norm_header(name: str) -> str:
    return re.sub(r"[^a-z#]+", "", name.lower())


class _Row:
    """The cells of one CSV row, read by column key, each problem at its place."""

    def __init__(self, number: int, cells: Sequence[str], columns: dict[str, int],
                 header: Sequence[str]) -> None:
        self.number, self.cells, self.columns, self.header = number, cells, columns, header

    def where(self, key: str) -> str:
        index = self.columns[key]
        return f"{_letter(index)} '{self.header[index].strip()}'"

    def error(self, key: str, message: str) -> MselError:
        return MselError(message, self.number, self.where(key) if key in self.columns else "")

    def cell(self, key: str) -> str:
        index = self.columns.get(key)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def tagged(self, key: str, part: str | None = None) -> tuple[str, str | None]:
        """(label, id) of a ``Label [id]`` cell; an id in brackets must be a valid id."""
        text = (self.cell(key) if part is None else part).strip()
        match = _TAG.match(text)
        if not match:
            return text, None
        label, ident = match.group(1).strip(), match.group(2).strip()
        if not _ID.match(ident) or len(ident) > 64:
            raise self.error(key, f"'[{ident}]' is not a valid id; ids in brackets use "
                             "lowercase letters, digits and '-', starting with a letter, "
                             f"e.g. '[{slug(ident or label, 'my-id')}]' (or leave the brackets "
                             "out and the words make the id)")
        return label, ident

    def time(self) -> str:
        text = self.cell("time")
        if not text:
            return ""
        for candidate in (text, text.replace(" ", "T", 1)):
            try:
                return datetime.fromisoformat(candidate).strftime("%Y-%m-%dT%H:%M")
            except ValueError:
                continue
        for fmt in ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M", "%d/%m/%Y",
                    "%Y/%m/%d %H:%M"):
            try:
                return datetime.strptime(text, fmt).strftime("%Y-%m-%dT%H:%M")
            except ValueError:
                continue
        raise self.error("time", f"cannot read the time '{text[:40]}'; write it like "
                         "2023-02-04 14:39")


@contextmanager
def _cells_up_to(limit: int) -> Iterator[None]:
    """Let the csv module hand over cells up to ``limit`` characters, so a cell over
    :data:`MAX_CELL_CHARS` is reported at its row and column (the module's own limit
    is global and lower: it is put back afterwards)."""
    saved = csv.field_size_limit()
    csv.field_size_limit(max(saved, limit))
    try:
        yield
    finally:
        csv.field_size_limit(saved)


def _checked_cells(number: int, cells: list[str], header: Sequence[str]) -> list[str]:
    out: list[str] = []
    for index, cell in enumerate(cells):
        name = header[index].strip() if index < len(header) else ""
        column = f"{_letter(index)} '{name}'" if name else _letter(index)
        if len(cell) > MAX_CELL_CHARS:
            raise MselError(f"the cell is {len(cell):,} characters long; the limit is "
                            f"{MAX_CELL_CHARS:,}", number, column)
        bad = first_control(cell)
        if bad >= 0:
            raise MselError(f"the cell holds a control character, {describe(cell[bad])}, "
                            "which a scenario may not hold; remove it", number, column)
        out.append(restore(cell))
    return out


def read_msel(source: TextIO | str) -> list[MselRow]:
    """Read an MSEL table (CSV; comma, semicolon or tab separated).

    Args:
        source: A text stream or the CSV text.

    Returns:
        The rows, in order.

    Raises:
        MselError: The table is too large, has no recognisable header, or a
            row is unreadable (at its row and column).
    """
    text = source if isinstance(source, str) else source.read(MAX_TABLE_BYTES + 1)
    if len(text) > MAX_TABLE_BYTES or len(text.encode("utf-8", "surrogatepass")) \
            > MAX_TABLE_BYTES:
        raise MselError(f"the table is larger than {MAX_TABLE_BYTES // 1_048_576} MB; an MSEL "
                        "for one scenario is a few hundred kB at most")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise MselError("the table is empty")
    first = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    with _cells_up_to(MAX_TABLE_BYTES):
        reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
        try:
            return _rows(reader)
        except csv.Error as exc:
            raise MselError(f"the CSV cannot be read at line {reader.line_num} ({exc})"
                            ) from None


def _rows(reader: Iterator[list[str]]) -> list[MselRow]:
    header = _checked_cells(1, next(reader), ())
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _SYNONYMS.get(_norm_header(name))
        if key is not None and key not in columns:
            columns[key] = index
    if "inject" not in columns:
        found = ", ".join(h[:40] for h in header[:20])
        raise MselError(
            "no 'Inject' column in the header row; the header needs at least Inject "
            f"(and usually Time, From, To, Channel, Decision point); found: {found}", 1)
    rows: list[MselRow] = []
    last_time = ""
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = _Row(number, _checked_cells(number, cells, header), columns, header)
        time = row.time() or last_time
        last_time = time
        rows.append(_one_row(row, time, len(rows) + 1))
    if not rows:
        raise MselError("the table has a header but no rows")
    return rows


def _one_row(row: _Row, time: str, position: int) -> MselRow:
    to_labels: list[str] = []
    to_ids: list[str] = []
    to_cell = row.cell("to")
    if to_cell and to_cell.lower() not in _EVERYONE:
        for part in re.split(r"[,;/]", to_cell):
            label, ident = row.tagged("to", part)
            if not label and not ident:
                continue
            to_labels.append(label or ident or "")
            to_ids.append(ident or slug(label, "role"))
    channel_label, channel_id = row.tagged("channel")
    if channel_label and channel_id is None:
        channel_id = slug(channel_label, "channel")
    kind = row.cell("kind").lower()
    if kind not in INJECT_KINDS:
        kind = "intel" if not kind else _guess_kind(kind)
    decision_title, decision_id = row.tagged("decision")
    return MselRow(
        serial=row.cell("serial") or str(position), time=time, sender=row.cell("from"),
        to=to_ids, to_labels=to_labels, channel=channel_id or None,
        channel_label=channel_label or (channel_id or ""), kind=kind, text=row.cell("inject"),
        condition=row.cell("condition"), expected=row.cell("expected"),
        decision=decision_id or "", decision_title=decision_title, line=row.number,
    )


def _guess_kind(word: str) -> str:
    for kind, hints in (("press", ("press", "media", "news", "tv")),
                        ("allied", ("ally", "allied", "partner", "nato")),
                        ("counterpart", ("counterpart", "adversary", "opfor", "red")),
                        ("domestic", ("domestic", "congress", "parliament", "public")),
                        ("staff", ("staff", "facilitator", "control", "excon"))):
        if any(h in word for h in hints):
            return kind
    return "intel"


def read_msel_file(path: str | Path) -> list[MselRow]:
    """Read an MSEL file: a regular UTF-8 file within :data:`MAX_TABLE_BYTES`.

    Raises:
        MselError: The file cannot be read (missing, a FIFO or device, too
            large, not UTF-8) or the table is wrong.
    """
    try:
        data = read_limited(path, MAX_TABLE_BYTES, "MSEL table")
    except FileRefused as exc:
        if exc.code == "file-size":
            raise MselError(f"the file is larger than {MAX_TABLE_BYTES // 1_048_576} MB (the "
                            f"limit is passed at line {exc.line}); an MSEL for one scenario is "
                            "a few hundred kB at most") from None
        raise MselError(f"{exc.message}; {exc.fix}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise MselError(f"the file is not UTF-8 text (line {line}); save it as 'CSV UTF-8'"
                        ) from None
    return read_msel(text)
