"""PDF export through Qt, paginated by :mod:`game.debrief.pdf_layout`.

The report is the print mode of :func:`game.debrief.export_html.render_html`;
its charts (the same SVGs as in the HTML file) are rasterised with QtSvg and
given to the layout as image resources. Only QtCore, QtGui and QtSvg are used,
so this works headless (``QT_QPA_PLATFORM=offscreen``) and from the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .aar import AAR, apply_aar
from .charts import debrief_charts
from .export_html import BASE_CSS, PAGE_CSS, render_html
from .model import Debrief
from .paper import paper_or_default
from .pdf_layout import write_pdf
from .whatif import WhatIf

CHART_WIDTH = 680
#: Charts are rasterised at this multiple of their size, for crisp print.
CHART_SCALE = 3


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


def export_pdf(path: str | Path, debrief: Debrief, aar: AAR | None = None,
               whatifs: Sequence[WhatIf] = (), *, include_hidden: bool = True,
               handout: bool = False, paper: str | None = None) -> Path:
    """Write the report as a PDF to hand out.

    Pages are laid out by :mod:`game.debrief.pdf_layout`: no table row splits
    across pages, headings stay with what follows, no page is left mostly empty.

    Args:
        path: Destination file.
        debrief: The debrief.
        aar: The instructor's edits.
        whatifs: What-ifs to include.
        include_hidden: Show facilitator-only meters.
        handout: Only what trainees may see (no facilitator-only meters or notes).
        paper: ``a4`` or ``letter`` (None: from the locale).

    Returns:
        The path written.

    Raises:
        OSError: If the file cannot be written.
        ValueError: For an unknown paper.
    """
    ensure_gui_app()
    paper = paper_or_default(paper)
    if handout:
        from .handout import handout_view

        if aar is not None:
            apply_aar(debrief, aar)
        debrief = handout_view(debrief)
        include_hidden = False
    charts = debrief_charts(debrief, include_hidden=include_hidden, width=CHART_WIDTH)
    resources = {f"chart:{i}": svg_to_image(svg) for i, (_title, svg) in enumerate(charts)}
    html = render_html(debrief, aar, whatifs, include_hidden=include_hidden, for_print=True,
                       chart_width=CHART_WIDTH)
    footer = f"Hotline after-action report — {debrief.scenario_title}"
    if debrief.session_id:
        footer += f" — session {debrief.session_id}"
    if handout:
        footer += " — handout"
    write_pdf(path, html, title=f"After-action report — {debrief.scenario_title}",
              footer=footer, paper=paper, css=BASE_CSS + PAGE_CSS, resources=resources)
    return Path(path)
