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
from pathlib import Path
from typing import Any

from .paper import PAPERS

#: Resolution of the PDF (dots per inch).
RESOLUTION = 300
#: Page margins, millimetres (left, top, right, bottom).
MARGINS_MM = (14.0, 12.0, 14.0, 12.0)
#: Height of the footer line, inches.
FOOTER_IN = 0.3
#: Extra rules for print: tables draw horizontal rules only (rows laid out one by
#: one then line up without double borders), no margins between a table's rows.
PRINT_CSS = """
th, td { border-width: 0; border-style: none; border-bottom: 1px solid #b9bec6; }
th { border-bottom: 1px solid #1f4e79; }
table { margin: 0; }
"""
_VOID = frozenset({"br", "img", "meta", "hr", "input", "col", "link"})
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>", re.S)
_KEEP = re.compile(r"^<(h[1-6])\b|^<p\b[^>]*\bclass=\"[^\"]*\b(keep|finding)\b")
_WIDTH = re.compile(r'\bwidth="([^"]+)"')


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


def _with_widths(row: str, widths: Sequence[str | None]) -> str:
    """The row with each cell given its header's width (where it has none)."""
    out: list[str] = []
    pos = 0
    column = 0
    for match in re.finditer(r"<(td|th)\b([^>]*)>", row):
        out.append(row[pos:match.start()])
        attrs = match.group(2)
        width = widths[column] if column < len(widths) else None
        if width and "width=" not in attrs:
            attrs += f' width="{width}"'
        out.append(f"<{match.group(1)}{attrs}>")
        pos = match.end()
        colspan = re.search(r'colspan="(\d+)"', attrs)
        column += int(colspan.group(1)) if colspan else 1
    out.append(row[pos:])
    return "".join(out)


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
            out.append(Block(text, bool(_KEEP.match(text))))
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
        header = (lay.doc(item.open_tag + item.header + "</table>", PRINT_CSS)
                  if item.header is not None else None)
        rows = [lay.doc(item.open_tag + row + "</table>", PRINT_CSS) for row in item.rows]
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
            for y, piece in page.pieces:
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
