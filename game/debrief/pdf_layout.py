"""Page layout for printed reports: rows never split, headings stay with what follows.

Qt's QTextDocument paginates by cutting wherever a page ends, through the
middle of a table row or right after a heading. This module lays out pages
itself. The report's HTML body is split into blocks (each top-level element)
and tables into rows (:func:`split_blocks`); each piece is laid out alone at
the page's width and measured, then the pieces are placed on pages:

* a table row never splits across pages (a row taller than a page, which no
  report makes, is cut as a last resort); a table continued on a new page
  repeats its header row;
* a heading (and a block marked ``keep``) goes to the next page with the
  first piece of what follows it;
* nothing forces a page break, so no page is left mostly empty.

Rows of one table share the column widths of its header row, and printed
tables draw only horizontal rules, so rows laid out one by one line up.
Only QtCore and QtGui are used (imported when a PDF is written).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path
from typing import Any

from .paper import PAPERS

#: Resolution of the PDF (dots per inch).
RESOLUTION = 300
#: Page margins, millimetres (left, top, right, bottom).
MARGINS_MM = (14.0, 12.0, 14.0, 12.0)
#: Height of the footer line, inches.
FOOTER_IN = 0.3
#: Cell padding of the report's tables (CSS pixels, as ``cellpadding="4"``).
CELL_PADDING = 4
#: Rows laid out together in one document before being cut into rows.
CHUNK_ROWS = 40
#: Extra rules for print: tables draw horizontal rules only (rows laid out one by
#: one then line up without double borders), no margins between a table's rows.
PRINT_CSS = """
th, td { border-width: 0; border-style: none; border-bottom: 1px solid #b9bec6; }
th { border-bottom: 1px solid #1f4e79; font-size: 8.5pt; }
table { margin: 0; }
"""
#: Header cells are set at this size in print (PRINT_CSS), body cells at the body size.
HEADER_PT = 8.5
_VOID = frozenset({"br", "img", "meta", "hr", "input", "col", "link"})
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>", re.S)
_KEEP = re.compile(r"^<(h[1-6])\b|^<p\b[^>]*\bclass=\"[^\"]*\b(keep|finding)\b")
_WIDTH = re.compile(r'\bwidth="([^"]+)"')
_HEADING = re.compile(r"^<h[1-6]\b")


@dataclass
class Block:
    """A piece of the report laid out as a whole."""

    html: str
    keep_with_next: bool = False


@dataclass
class Table:
    """A table laid out row by row (its header row repeated on each page it spans)."""

    open_tag: str
    header: str | None
    rows: list[str] = field(default_factory=list)


def _elements(html: str) -> list[tuple[str, str, int, int]]:
    """Top-level elements of an HTML fragment: (tag, text, start, end)."""
    out: list[tuple[str, str, int, int]] = []
    depth = 0
    start = 0
    top = ""
    for match in _TAG.finditer(html):
        closing, tag, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if tag in _VOID or self_closing:
            if depth == 0:
                out.append((tag, match.group(0), match.start(), match.end()))
            continue
        if not closing:
            if depth == 0:
                start, top = match.start(), tag
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                out.append((top, html[start:match.end()], start, match.end()))
            depth = max(depth, 0)
    return out


def _table(html: str) -> Table:
    """A table element split into its header row and body rows."""
    open_end = html.index(">") + 1
    open_tag = html[:open_end]
    inner = html[open_end:html.rindex("</table>")]
    rows = [text for tag, text, _s, _e in _elements(inner) if tag == "tr"]
    # <tbody>/<thead> wrappers: look one level down.
    for tag, text, _s, _e in _elements(inner):
        if tag in ("thead", "tbody", "tfoot"):
            body = text[text.index(">") + 1:text.rindex("<")]
            rows += [t for g, t, _s2, _e2 in _elements(body) if g == "tr"]
    header = rows[0] if rows and "<th" in rows[0] else None
    body_rows = rows[1:] if header is not None else rows
    if header is not None:
        widths = _cell_widths(header)
        body_rows = [_with_widths(row, widths) for row in body_rows]
    return Table(open_tag, header, body_rows)


def _cell_widths(row: str) -> list[str | None]:
    cells = [text for tag, text, _s, _e in _elements(row[row.index(">") + 1:]) if tag in
             ("th", "td")]
    widths: list[str | None] = []
    for cell in cells:
        head = cell[:cell.index(">")]
        found = _WIDTH.search(head)
        widths.append(found.group(1) if found else None)
    return widths


def _with_widths(row: str, widths: Sequence[str | None], *, replace: bool = False) -> str:
    """The row with each cell given its column's width (where it has none, or always)."""
    out: list[str] = []
    pos = 0
    column = 0
    for match in re.finditer(r"<(td|th)\b([^>]*)>", row):
        out.append(row[pos:match.start()])
        attrs = match.group(2)
        width = widths[column] if column < len(widths) else None
        if width and replace:
            attrs = _WIDTH.sub("", attrs)
        if width and "width=" not in attrs:
            attrs += f' width="{width}"'
        out.append(f"<{match.group(1)}{attrs}>")
        pos = match.end()
        colspan = re.search(r'colspan="(\d+)"', attrs)
        column += int(colspan.group(1)) if colspan else 1
    out.append(row[pos:])
    return "".join(out)


def _cells(row: str) -> list[str]:
    """The cells (``<td>``/``<th>`` elements, whole) of a row."""
    inner = row[row.index(">") + 1:row.rindex("<")] if row.startswith("<tr") else row
    return [text for tag, text, _s, _e in _elements(inner) if tag in ("td", "th")]


def unbreakable(cell: str, *, headers_whole: bool = True) -> list[str]:
    """The pieces of a cell's text that must not be broken across lines.

    Words, or whole lines where the cell may not wrap (a header cell, a cell
    marked ``nowrap``): a column is never made narrower than its widest piece,
    so no header wraps and no number or date is split. With ``headers_whole``
    False a header may wrap between its words (never inside one).
    """
    head = cell[:cell.index(">")]
    whole = (head.startswith("<th") and headers_whole) or "nowrap" in head
    text = re.sub(r"<br\s*/?>", "\n", cell[len(head) + 1:], flags=re.I)
    text = unescape(re.sub(r"<[^>]+>", "", text))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if whole:
        return lines
    return [word for line in lines for word in re.split(r"[ \t]+", line) if word]


def column_widths(preferred: Sequence[float], minimum: Sequence[float],
                  total: float) -> list[float]:
    """Column widths that fit ``total``: each at least its minimum, close to its preference.

    Columns wider than their minimum give up room, in proportion to what they
    can spare, until the table fits. When even the minimums do not fit, every
    column shrinks in proportion (the only case where a word may break).
    """
    widths = [max(p, m) for p, m in zip(preferred, minimum, strict=True)]
    excess = sum(widths) - total
    if excess <= 0:
        spare = total - sum(widths)  # hand out what is left by preference
        weight = sum(preferred) or 1.0
        return [w + spare * p / weight for w, p in zip(widths, preferred, strict=True)]
    slack = [w - m for w, m in zip(widths, minimum, strict=True)]
    room = sum(slack)
    if room >= excess:
        return [w - excess * s / room for w, s in zip(widths, slack, strict=True)]
    scale = total / (sum(minimum) or 1.0)
    return [m * scale for m in minimum]


def split_blocks(html: str) -> list[Block | Table]:
    """The body of a report as blocks and tables, in order.

    Args:
        html: A whole document (its ``<body>`` is used) or a fragment.
    """
    lower = html.lower()
    if "<body" in lower:
        html = html[lower.index(">", lower.index("<body")) + 1:lower.rindex("</body>")]
    html = re.sub(r"page-break-(before|after)\s*:\s*always;?", "", html)
    out: list[Block | Table] = []
    for tag, text, _start, _end in _elements(html):
        if tag == "table":
            out.append(_table(text))
        elif tag in ("div", "section") and "<table" in text and "<svg" not in text:
            inner = text[text.index(">") + 1:text.rindex("<")]
            out.extend(split_blocks(inner))
        else:
            # A heading keeps with what follows; so does a short note right under a
            # heading (the line that introduces a chart or a table).
            after_heading = bool(out) and isinstance(out[-1], Block) and \
                bool(_HEADING.match(out[-1].html))
            note = tag == "p" and len(text) < 600 and after_heading
            out.append(Block(text, bool(_KEEP.match(text)) or note))
    return out


# --------------------------------------------------------------------------
# Laying out and painting (Qt)
# --------------------------------------------------------------------------


@dataclass
class _Piece:
    doc: Any
    height: float
    top: float = 0.0  # where to start drawing inside doc (for a cut block)


@dataclass
class _Page:
    pieces: list[tuple[float, _Piece]] = field(default_factory=list)


class _Layout:
    def __init__(self, device: Any, width: float, height: float, css: str,
                 font: Any, resources: dict[str, Any]) -> None:
        self.device, self.width, self.height = device, width, height
        self.css, self.font, self.resources = css, font, resources
        self.pages: list[_Page] = [_Page()]
        self.y = 0.0
        self.gap = RESOLUTION * 0.03  # ~0.8 mm after a table

    def doc(self, html: str, extra_css: str = "") -> _Piece:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setDefaultFont(self.font)
        doc.setDefaultStyleSheet(self.css + extra_css)
        doc.setDocumentMargin(0)
        doc.documentLayout().setPaintDevice(self.device)
        for name, image in self.resources.items():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        doc.setHtml(html)
        doc.setTextWidth(self.width)
        return _Piece(doc, doc.size().height())

    def table_pieces(self, table: Table) -> tuple[_Piece | None, list[_Piece]]:
        """The header and rows of a table, laid out with one set of column widths.

        Widths follow the header's percentages, widened where a column's
        widest unbreakable piece (a header, a word, a date) needs it
        (:func:`unbreakable`, :func:`column_widths`). They are written into
        every row as fixed widths (CSS pixels, which Qt scales to the device),
        so the rows laid out one by one line up.
        """
        from PySide6.QtGui import QFont, QFontMetricsF

        rows = ([table.header] if table.header is not None else []) + table.rows
        if not rows:
            return None, []
        columns = max(len(_cells(row)) for row in rows)
        bold = QFont(self.font)
        bold.setBold(True)
        heading = QFont(bold)
        heading.setPointSizeF(HEADER_PT)
        metrics = {"th": QFontMetricsF(heading, self.device),
                   "td": QFontMetricsF(bold, self.device)}
        px = RESOLUTION / 96.0  # device units per CSS pixel
        total = self.width * 0.995

        measured: dict[tuple[str, str], float] = {}

        def advance(kind: str, piece: str) -> float:
            key = (kind, piece)
            if key not in measured:
                measured[key] = metrics[kind].horizontalAdvance(piece)
            return measured[key]

        def widest(headers_whole: bool) -> list[dict[str, tuple[str, str]]]:
            """Per column and kind of cell, the widest unbreakable piece and its cell's tag."""
            out: list[dict[str, tuple[str, str]]] = [{} for _ in range(columns)]
            sizes: list[dict[str, float]] = [{} for _ in range(columns)]
            for row in rows:
                cells = _cells(row)
                if len(cells) != columns:
                    continue  # a spanning row does not constrain single columns
                for c, cell in enumerate(cells):
                    kind = "th" if cell.startswith("<th") else "td"
                    # The cell's own tag (its class sets its size); bold if it has bold text.
                    tag = _WIDTH.sub("", cell[:cell.index(">")]) + " nowrap>"
                    bold_text = "<b" in cell or kind == "th"
                    for piece in unbreakable(cell, headers_whole=headers_whole):
                        size = advance(kind, piece)
                        if size > sizes[c].get(kind, -1.0):
                            sizes[c][kind] = size
                            text = escape(piece) if not bold_text else f"<b>{escape(piece)}</b>"
                            out[c][kind] = (text, tag)
            return out

        def minimums(headers_whole: bool) -> list[float]:
            # Qt's own width of a one-cell table holding the piece: padding, rules and
            # all (font metrics alone miss how Qt sets the header's smaller type).
            out = []
            for pieces in widest(headers_whole):
                need = 0.0
                for kind, (text, tag) in pieces.items():
                    doc = self.doc(f'<table cellspacing="0" cellpadding="{CELL_PADDING}">'
                                   f"<tr>{tag}{text}</{kind}></tr></table>", PRINT_CSS)
                    need = max(need, doc.doc.idealWidth() + px)
                out.append(need)
            return out

        minimum = minimums(True)
        if sum(minimum) > total:  # too many columns for whole headers: wrap between words
            minimum = minimums(False)
        header_widths = _cell_widths(table.header if table.header is not None else rows[0])
        preferred = []
        for c in range(columns):
            given = header_widths[c] if c < len(header_widths) else None
            share = float(given[:-1]) / 100 if given and given.endswith("%") else 1 / columns
            preferred.append(share * total)
        widths = [f"{w / px:.2f}" for w in column_widths(preferred, minimum, total)]
        fixed = [_with_widths(row, widths, replace=True) for row in rows]
        header = (self.doc(table.open_tag + fixed[0] + "</table>", PRINT_CSS)
                  if table.header is not None else None)
        body = fixed[1:] if table.header is not None else fixed
        pieces: list[_Piece] = []
        for start in range(0, len(body), CHUNK_ROWS):
            pieces.extend(self.row_slices(table.open_tag, body[start:start + CHUNK_ROWS]))
        return header, pieces

    def row_slices(self, open_tag: str, rows: Sequence[str]) -> list[_Piece]:
        """Rows laid out together in one document, cut into one slice per row.

        Laying rows out together is much faster than one document each (a class
        of 500 has thousands of rows); each slice runs from the top of its row's
        cells to the top of the next row's, so it carries its own bottom rule.
        """
        from PySide6.QtGui import QTextTable

        chunk = self.doc(open_tag + "".join(rows) + "</table>", PRINT_CSS)
        doc = chunk.doc
        table = next((f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)),
                     None)
        if table is None or table.rows() != len(rows) or len(rows) == 1:
            return [chunk] if len(rows) == 1 else [
                self.doc(open_tag + row + "</table>", PRINT_CSS) for row in rows]
        layout = doc.documentLayout()
        padding = CELL_PADDING * RESOLUTION / 96.0
        tops = []
        for r in range(table.rows()):
            first = min(layout.blockBoundingRect(
                table.cellAt(r, c).firstCursorPosition().block()).top()
                for c in range(table.columns()))
            tops.append(max(0.0, first - padding))
        tops[0] = 0.0
        bottoms = tops[1:] + [chunk.height]
        return [_Piece(doc, bottom - top, top) for top, bottom in zip(tops, bottoms, strict=True)]

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = 0.0

    def fits(self, height: float) -> bool:
        return self.y + height <= self.height

    def place(self, piece: _Piece) -> None:
        if piece.height > self.height:  # taller than a page: cut it (last resort)
            if self.y > 0:
                self.new_page()
            top = 0.0
            while top < piece.height:
                part = min(self.height, piece.height - top)
                self.pages[-1].pieces.append((self.y, _Piece(piece.doc, part, top)))
                top += part
                self.y += part
                if top < piece.height:
                    self.new_page()
            return
        if not self.fits(piece.height) and self.y > 0:
            self.new_page()
        self.pages[-1].pieces.append((self.y, piece))
        self.y += piece.height


def layout_pages(items: Sequence[Block | Table], device: Any, width: float, height: float,
                 css: str, font: Any, resources: dict[str, Any]) -> list[_Page]:
    """Place the blocks and table rows on pages (see the module docstring)."""
    lay = _Layout(device, width, height, css, font, resources)
    pending: list[_Piece] = []  # headings waiting for what follows them

    def first_piece(item: Block | Table) -> tuple[list[_Piece], Any]:
        if isinstance(item, Block):
            return [lay.doc(item.html)], None
        header, rows = lay.table_pieces(item)
        lead = ([header] if header is not None else []) + rows[:1]
        return lead, (header, rows)

    for item in items:
        if isinstance(item, Block) and item.keep_with_next:
            pending.append(lay.doc(item.html))
            continue
        lead, table = first_piece(item)
        group = pending + lead
        need = sum(p.height for p in group)
        if not lay.fits(need) and lay.y > 0 and need <= lay.height:
            lay.new_page()
        for piece in pending:
            lay.place(piece)
        pending = []
        if table is None:
            lay.place(lead[0])
            continue
        header, rows = table
        if header is not None:
            lay.place(header)
        for row in rows:
            if not lay.fits(row.height) and lay.y > 0:
                lay.new_page()
                if header is not None:
                    lay.place(header)  # the header again, on each page the table spans
            lay.place(row)
        lay.y += lay.gap
    for piece in pending:  # a heading at the very end
        lay.place(piece)
    return [p for p in lay.pages if p.pieces]


def _merged(pieces: Sequence[tuple[float, _Piece]]) -> list[tuple[float, _Piece]]:
    """Neighbouring slices of one document drawn as one (drawing is per document)."""
    out: list[tuple[float, _Piece]] = []
    for y, piece in pieces:
        if out:
            last_y, last = out[-1]
            if last.doc is piece.doc and abs(last.top + last.height - piece.top) < 0.5 \
                    and abs(last_y + last.height - y) < 0.5:
                out[-1] = (last_y, _Piece(piece.doc, last.height + piece.height, last.top))
                continue
        out.append((y, piece))
    return out


def write_pdf(path: str | Path, html: str, *, title: str, footer: str, paper: str,
              css: str, resources: dict[str, Any] | None = None,
              font_size: float = 9.5, progress: Callable[[int, int], None] | None = None) -> int:
    """Write an HTML report as a paginated PDF (see the module docstring).

    Args:
        path: Destination.
        html: The report (a whole document; its body is laid out).
        title: The PDF's title.
        footer: The footer's left text (the right says "page N of M").
        paper: ``a4`` or ``letter``.
        css: Default stylesheet of every piece.
        resources: Images by URL (``chart:0`` → QImage).
        font_size: Body text size, points.
        progress: ``progress(page, pages)`` while painting.

    Returns:
        The number of pages.

    Raises:
        OSError: If the file cannot be written.
    """
    from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
    from PySide6.QtGui import (
        QFont,
        QFontMetricsF,
        QPageLayout,
        QPageSize,
        QPainter,
        QPdfWriter,
    )

    out = Path(path)
    writer = QPdfWriter(str(out))
    writer.setTitle(title)
    writer.setCreator("Hotline")
    writer.setResolution(RESOLUTION)
    width_mm, height_mm = PAPERS[paper]
    size = QPageSize(QPageSize.PageSizeId.A4 if paper == "a4" else QPageSize.PageSizeId.Letter)
    if abs(size.size(QPageSize.Unit.Millimeter).width() - width_mm) > 1:
        size = QPageSize(QSizeF(width_mm, height_mm), QPageSize.Unit.Millimeter)
    left, top, right, bottom = MARGINS_MM
    writer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait,
                                     QMarginsF(left, top, right, bottom),
                                     QPageLayout.Unit.Millimeter))
    font = QFont("DejaVu Sans")
    font.setPointSizeF(font_size)
    footer_h = RESOLUTION * FOOTER_IN
    page_w, page_h = float(writer.width()), float(writer.height()) - footer_h
    pages = layout_pages(split_blocks(html), writer, page_w, page_h, css, font, resources or {})
    footer_font = QFont("DejaVu Sans")
    footer_font.setPointSizeF(7.5)
    painter = QPainter(writer)
    if not painter.isActive():
        raise OSError(f"could not write the PDF {out}")
    try:
        for number, page in enumerate(pages):
            if number:
                writer.newPage()
            for y, piece in _merged(page.pieces):
                painter.save()
                painter.translate(0, y - piece.top)
                piece.doc.drawContents(painter, QRectF(QPointF(0, piece.top),
                                                       QSizeF(page_w, piece.height)))
                painter.restore()
            painter.setFont(footer_font)
            painter.setPen(Qt.GlobalColor.darkGray)
            line = QRectF(0, writer.height() - footer_h * 0.6, page_w, footer_h * 0.6)
            left_text = QFontMetricsF(footer_font, writer).elidedText(
                footer, Qt.TextElideMode.ElideRight, page_w * 0.78)
            painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             left_text)
            painter.drawText(line, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             f"page {number + 1} of {len(pages)}")
            if progress is not None:
                progress(number + 1, len(pages))
    finally:
        painter.end()
    del writer  # flushes and closes the file
    if not out.is_file() or out.stat().st_size == 0:
        raise OSError(f"could not write the PDF {out}")
    return len(pages)
