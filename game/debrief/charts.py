"""Charts of a debrief as self-contained SVG (pure Python, no Qt).

The HTML report inlines these SVGs; the PDF report rasterises the same SVGs
with QtSvg, so both show identical charts. Only SVG Tiny features are used
(rect, line, polyline, circle, text; presentation attributes, no CSS) so that
Qt's renderer draws them faithfully. Every text is XML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from game.engine.scoring import format_score

from .model import STATUS_WORDS, Debrief, MeterSeries

#: Colour of each channel status in the strip.
STATUS_COLOURS: dict[str, str] = {
    "open": "#e3e6ea",
    "requested": "#9cc3e6",
    "ringing": "#f2c14e",
    "declined": "#d9534f",
    "unanswered": "#7d6b91",
    "answered": "#3c9d5d",
    "suspended": "#333333",
}
#: Band fills, lowest band first (calm → alarming).
BAND_FILLS = ("#e8f4ea", "#fdf3d8", "#fbe0cc", "#f6cfcf", "#ecc0d8")
LINE = "#1f4e79"
CONTACT = "#2e7d32"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def _t(text: str) -> str:
    return escape(text, quote=True)


def _svg(width: int, height: int, body: Sequence[str], label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" '
            f'role="img" aria-label="{_t(label)}">'
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
            + "".join(body) + "</svg>")


#: Average width of a character of the charts' font, as a share of its size
#: (DejaVu Sans is wide; a little more than its average, so estimates err large).
CHAR_EM = 0.62


def text_width(text: str, size: float) -> float:
    """Estimated width of a label in pixels."""
    return len(text) * size * CHAR_EM


class _Labels:
    """Places labels inside the chart without covering one another."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.boxes: list[tuple[float, float, float, float]] = []

    @staticmethod
    def _box(x: float, y: float, text: str, size: float,
             anchor: str) -> tuple[float, float, float, float]:
        w = text_width(text, size)
        x1 = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
        return (x1, y - size, x1 + w, y + 2)

    def free(self, box: tuple[float, float, float, float]) -> bool:
        return box[0] >= 0 and box[2] <= self.width and not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
            for b in self.boxes)

    def place(self, x: float, y: float, text: str, size: float, anchor: str = "start",
              tries: tuple[tuple[float, str], ...] = ()) -> tuple[float, float, str]:
        """The first of (x, y, anchor), then ``tries`` (dy, anchor), that is inside and free."""
        candidates = [(y, anchor), *((y + dy, a) for dy, a in tries)]
        for cy, a in candidates:
            cx = x if a == anchor else (x - 8 if a == "end" else x)
            box = self._box(cx, cy, text, size, a)
            if self.free(box):
                self.boxes.append(box)
                return cx, cy, a
        cy, a = candidates[-1]
        box = self._box(x, cy, text, size, a)
        self.boxes.append(box)
        return x, cy, a


def _tick_step(n: int, room: float) -> int:
    for step in (1, 2, 5, 10, 20, 50):
        if n / step * 26 <= room:
            return step
    return 100


def meter_chart_svg(debrief: Debrief, meter: MeterSeries, width: int = 680,
                    height: int = 230) -> str:
    """One meter over the turns, with its bands, decision markers and first contact.

    Point 0 is the start; point ``i`` is the value after decision ``i``.

    Args:
        debrief: The debrief (for decisions and contact).
        meter: The meter's series.
        width: Width in pixels.
        height: Height in pixels.

    Returns:
        The SVG text.
    """
    left, right, top, bottom = 44, 150 if meter.bands else 16, 26, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(meter.values) - 1, 1)
    span = (meter.max - meter.min) or 1.0

    def x(i: float) -> float:
        return left + plot_w * i / n

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - meter.min) / span)

    body: list[str] = []
    placed_bands: list[tuple[float, float, float, float]] = []
    hidden = " (facilitator only)" if meter.hidden else ""
    body.append(f'<text x="{left}" y="16" font-size="13" font-weight="bold" fill="#222">'
                f'{_t(meter.label + hidden)}</text>')
    for i, band in enumerate(meter.bands):
        y1, y0 = y(min(band.upto, meter.max)), y(max(band.lower, meter.min))
        fill = BAND_FILLS[min(i, len(BAND_FILLS) - 1)]
        body.append(f'<rect x="{left}" y="{y1:.1f}" width="{plot_w}" height="{y0 - y1:.1f}" '
                    f'fill="{fill}"/>')
        room = int((right - 10) / (11 * CHAR_EM))
        text = _short(band.label, room)
        ty = (y0 + y1) / 2 + 4
        placed_bands.append((left + plot_w + 6, ty - 11, left + plot_w + 6
                             + text_width(text, 11), ty + 2))
        body.append(f'<text x="{left + plot_w + 6}" y="{ty:.1f}" font-size="11" '
                    f'fill="#444">{_t(text)}</text>')
    # Grid and axes.
    for v in (meter.min, meter.min + span / 2, meter.max):
        body.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}" '
                    'stroke="#c8ccd2" stroke-width="1"/>')
        body.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="11" fill="#444" '
                    f'text-anchor="end">{v:g}</text>')
    step = _tick_step(n, plot_w)
    for i in range(0, n + 1):
        if i % step and i != n:
            continue
        label = "start" if i == 0 else f"T{i}"
        body.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" font-size="11" fill="#444" '
                    f'text-anchor="middle">{label}</text>')
    body.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 3}" font-size="10" fill="#666" '
                f'text-anchor="middle">after each decision (T = turn)</text>')
    # First contact: each label beside its line, inside the plot (flipped to the left
    # of the line near the right edge), never over another label.
    labels = _Labels(left + plot_w if not meter.bands else width)
    for box in placed_bands:
        labels.boxes.append(box)
    marks = []
    if debrief.contact.turn is not None and len(meter.values) > 1:
        marks.append((x(min(debrief.contact.turn + 0.5, n)), "first contact", CONTACT, "5,3"))
    for ref in debrief.references:
        if ref.real and ref.turn is not None and len(meter.values) > 1:
            marks.append((x(min(ref.turn + 0.5, n)), "first contact in reality", "#7d6b91",
                          "2,3"))
    for mx, text, colour, dash in marks:
        body.append(f'<line x1="{mx:.1f}" y1="{top}" x2="{mx:.1f}" y2="{top + plot_h}" '
                    f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        lx, ly, anchor = labels.place(mx + 4, top + 11, text, 10, "start",
                                      ((0, "end"), (12, "start"), (12, "end"), (24, "start"),
                                       (24, "end")))
        body.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10" fill="{colour}" '
                    f'text-anchor="{anchor}">{text}</text>')
    # The series and decision markers.
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(meter.values))
    body.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    decisions = debrief.decisions
    for i, v in enumerate(meter.values):
        if i == 0:
            body.append(f'<circle cx="{x(0):.1f}" cy="{y(v):.1f}" r="3" fill="{LINE}"/>')
            continue
        label = decisions[i - 1].label if i - 1 < len(decisions) else ""
        body.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4.5" fill="#ffffff" '
                    f'stroke="{LINE}" stroke-width="2"><title>T{i}: {_t(label)} → {v:g}'
                    '</title></circle>')
    if meter.values:
        peak_i = max(range(len(meter.values)), key=lambda i: meter.values[i])
        if meter.higher_is == "worse" and meter.values[peak_i] > meter.values[0]:
            px, py = x(peak_i), y(meter.values[peak_i])
            text = f"peak {meter.values[peak_i]:g}"
            # Centred above the point, or below it, or beside it: wherever nothing is.
            lx = min(max(px, left + text_width(text, 10) / 2),
                     left + plot_w - text_width(text, 10) / 2)
            ly = max(py - 8, top + 10)
            lx, ly, anchor = labels.place(lx, ly, text, 10, "middle",
                                          ((py + 18 - ly, "middle"), (py + 4 - ly, "end")))
            body.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10" fill="#b03a2e" '
                        f'text-anchor="{anchor}">{text}</text>')
    return _svg(width, height, body, f"{meter.label} over the turns")


def channel_strip_svg(debrief: Debrief, width: int = 680) -> str:
    """Each channel's status over the turns, as coloured cells with a legend.

    Args:
        debrief: The debrief.
        width: Width in pixels.

    Returns:
        The SVG text.
    """
    tracks = debrief.channels
    longest = max((len(t.label) for t in tracks), default=10)
    per_char = 11 * CHAR_EM
    left, right = min(24 + int(longest * per_char), width // 2), 16
    label_chars = int((left - 12) / per_char)
    row_h, top = 22, 24
    cols = max((len(t.statuses) for t in tracks), default=1)
    plot_w = width - left - right
    cell = plot_w / max(cols, 1)
    used = sorted({s for t in tracks for s in t.statuses},
                  key=lambda s: list(STATUS_COLOURS).index(s) if s in STATUS_COLOURS else 99)
    legend_rows = (len(used) + 3) // 4
    height = top + row_h * len(tracks) + 24 + 20 * legend_rows
    body = ['<text x="8" y="16" font-size="13" font-weight="bold" fill="#222">'
            'Channel status over the turns</text>']
    for r, track in enumerate(tracks):
        y = top + r * row_h
        body.append(f'<text x="{left - 8}" y="{y + 15}" font-size="11" fill="#222" '
                    f'text-anchor="end">{_t(_short(track.label, label_chars))}</text>')
        for c, status in enumerate(track.statuses):
            colour = STATUS_COLOURS.get(status, "#bbbbbb")
            body.append(f'<rect x="{left + c * cell:.1f}" y="{y + 2}" width="{cell - 1.5:.1f}" '
                        f'height="{row_h - 4}" fill="{colour}"><title>'
                        f'{_t(track.label)}, {"start" if c == 0 else f"T{c}"}: '
                        f'{_t(STATUS_WORDS.get(status, status))}</title></rect>')
    axis_y = top + row_h * len(tracks) + 12
    step = _tick_step(cols - 1, plot_w)
    for c in range(cols):
        if c % step and c != cols - 1:
            continue
        body.append(f'<text x="{left + (c + 0.5) * cell:.1f}" y="{axis_y}" font-size="10" '
                    f'fill="#444" text-anchor="middle">{"start" if c == 0 else f"T{c}"}</text>')
    if debrief.contact.turn is not None:
        cx = left + (debrief.contact.turn + 1) * cell
        body.append(f'<line x1="{cx:.1f}" y1="{top - 4}" x2="{cx:.1f}" '
                    f'y2="{top + row_h * len(tracks)}" stroke="{CONTACT}" stroke-width="2" '
                    'stroke-dasharray="5,3"/>')
    for i, status in enumerate(used):
        lx = 8 + (i % 4) * 165
        ly = axis_y + 10 + (i // 4) * 20
        body.append(f'<rect x="{lx}" y="{ly}" width="14" height="12" '
                    f'fill="{STATUS_COLOURS.get(status, "#bbbbbb")}"/>')
        body.append(f'<text x="{lx + 19}" y="{ly + 10}" font-size="11" fill="#222">'
                    f'{_t(STATUS_WORDS.get(status, status))}</text>')
    return _svg(width, height, body, "Channel status over the turns")


def score_bars_svg(debrief: Debrief, width: int = 680) -> str:
    """The score breakdown as horizontal bars (points out of the maximum).

    Args:
        debrief: The debrief.
        width: Width in pixels.

    Returns:
        The SVG text.
    """
    lines = debrief.score_lines
    left, right, row_h, top = 260, 90, 24, 26
    plot_w = width - left - right
    height = top + row_h * len(lines) + 10
    top_max = max((p.max for p in lines), default=1.0) or 1.0
    total = "" if debrief.score is None else f" — total {format_score(debrief.score)} / 100"
    body = [f'<text x="8" y="16" font-size="13" font-weight="bold" fill="#222">'
            f'Score breakdown{_t(total)}</text>']
    for r, part in enumerate(lines):
        y = top + r * row_h
        full = plot_w * part.max / top_max
        got = plot_w * max(part.points, 0) / top_max
        body.append(f'<text x="{left - 8}" y="{y + 15}" font-size="11" fill="#222" '
                    f'text-anchor="end">{_t(_short(part.label, int((left - 12) / (11 * CHAR_EM))))}'
                    "</text>")
        body.append(f'<rect x="{left}" y="{y + 3}" width="{full:.1f}" height="{row_h - 8}" '
                    'fill="#e3e6ea"/>')
        colour = "#3c9d5d" if part.max and part.points >= 0.75 * part.max else (
            "#e0a030" if part.points > 0.25 * part.max else "#d9534f")
        body.append(f'<rect x="{left}" y="{y + 3}" width="{got:.1f}" height="{row_h - 8}" '
                    f'fill="{colour}"><title>{_t(part.detail)}</title></rect>')
        body.append(f'<text x="{left + full + 6:.1f}" y="{y + 15}" font-size="11" fill="#222">'
                    f'{part.points:.1f} / {part.max:g}</text>')
    return _svg(width, height, body, "Score breakdown")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def debrief_charts(debrief: Debrief, *, include_hidden: bool = True,
                   width: int = 680) -> list[tuple[str, str]]:
    """Every chart of a debrief, in reading order.

    Args:
        debrief: The debrief.
        include_hidden: Include facilitator-only meters.
        width: Width in pixels.

    Returns:
        ``(title, svg)`` pairs: escalation first, the other meters, the
        channel strip, the score breakdown.
    """
    charts: list[tuple[str, str]] = []
    if not debrief.replayed:
        return charts
    meters = sorted(debrief.meters, key=lambda m: m.id != debrief.escalation_meter)
    for meter in meters:
        if meter.hidden and not include_hidden:
            continue
        charts.append((meter.label, meter_chart_svg(debrief, meter, width,
                                                    250 if meter.bands else 200)))
    if debrief.channels:
        charts.append(("Channels", channel_strip_svg(debrief, width)))
    if debrief.score_lines:
        charts.append(("Score", score_bars_svg(debrief, width)))
    return charts
