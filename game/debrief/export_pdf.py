"""PDF export through Qt: QTextDocument laid out on a QPdfWriter.

The report is the print mode of :func:`game.debrief.export_html.render_html`;
its charts (the same SVGs as in the HTML file) are rasterised with QtSvg and
added to the document as image resources. Only QtCore, QtGui and QtSvg are
used, so this works headless (``QT_QPA_PLATFORM=offscreen``) and from the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .aar import AAR
from .charts import debrief_charts
from .export_html import render_html
from .model import Debrief
from .whatif import WhatIf

CHART_WIDTH = 680
#: Charts are rasterised at this multiple of their size, for crisp print.
CHART_SCALE = 3
#: Printer resolution (dots per inch).
RESOLUTION = 300


def ensure_gui_app() -> Any:
    """Make sure a QGuiApplication exists (fonts and painting need one).

    When no application exists and no display is available, the offscreen
    platform is used.

    Returns:
        The application instance.
    """
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["hotline"])
    return app


def svg_to_image(svg: str, scale: int = CHART_SCALE) -> Any:
    """Rasterise an SVG string to a QImage (white background).

    Args:
        svg: SVG text.
        scale: Multiple of the SVG's own size.

    Returns:
        The QImage.
    """
    from PySide6.QtCore import QByteArray, QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    image = QImage(size.width() * scale, size.height() * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    return image


def build_document(debrief: Debrief, aar: AAR | None = None, whatifs: Sequence[WhatIf] = (),
                   *, include_hidden: bool = True) -> Any:
    """The report as a QTextDocument with its chart images attached.

    Args:
        debrief: The debrief.
        aar: The instructor's edits.
        whatifs: What-ifs to include.
        include_hidden: Show facilitator-only meters.

    Returns:
        The QTextDocument.
    """
    ensure_gui_app()
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QFont, QTextDocument

    doc = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.5)
    doc.setDefaultFont(font)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle,
                           f"After-action report — {debrief.scenario_title}")
    charts = debrief_charts(debrief, include_hidden=include_hidden, width=CHART_WIDTH)
    for i, (_title, svg) in enumerate(charts):
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{i}"),
                        svg_to_image(svg))
    doc.setHtml(render_html(debrief, aar, whatifs, include_hidden=include_hidden,
                            for_print=True, chart_width=CHART_WIDTH))
    return doc


def export_pdf(path: str | Path, debrief: Debrief, aar: AAR | None = None,
               whatifs: Sequence[WhatIf] = (), *, include_hidden: bool = True) -> Path:
    """Write the report as an A4 PDF.

    Args:
        path: Destination file.
        debrief: The debrief.
        aar: The instructor's edits.
        whatifs: What-ifs to include.
        include_hidden: Show facilitator-only meters.

    Returns:
        The path written.

    Raises:
        OSError: If the file cannot be written.
    """
    ensure_gui_app()
    from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

    out = Path(path)
    writer = QPdfWriter(str(out))
    writer.setTitle(f"After-action report — {debrief.scenario_title}")
    writer.setCreator("Hotline")
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(14, 12, 14, 12), QPageLayout.Unit.Millimeter))
    doc = build_document(debrief, aar, whatifs, include_hidden=include_hidden)
    doc.documentLayout().setPaintDevice(writer)
    footer_h = RESOLUTION * 0.3  # about 7.6 mm for the footer line
    page = QSizeF(writer.width(), writer.height() - footer_h)
    doc.setPageSize(page)
    pages = doc.pageCount()
    footer_font = QFont("DejaVu Sans")
    footer_font.setPointSizeF(7.5)
    painter = QPainter(writer)
    if not painter.isActive():
        raise OSError(f"could not write the PDF {out}")
    try:
        footer = f"Hotline after-action report — {debrief.scenario_title}"
        if debrief.session_id:
            footer += f" — session {debrief.session_id}"
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * page.height())
            clip = QRectF(QPointF(0, number * page.height()), page)
            doc.drawContents(painter, clip)
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(Qt.GlobalColor.darkGray)
            line = QRectF(0, writer.height() - footer_h * 0.6, writer.width(), footer_h * 0.6)
            painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             footer)
            painter.drawText(line, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             f"page {number + 1} of {pages}")
    finally:
        painter.end()
    del writer  # flushes and closes the file
    if not out.is_file() or out.stat().st_size == 0:
        raise OSError(f"could not write the PDF {out}")
    return out
