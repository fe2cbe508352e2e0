"""A class view as a file: CSV for spreadsheets, HTML, or a PDF to hand out.

One registry (:data:`CLASS_EXPORTERS`) serves ``hotline class --export`` and the
Class window. The CSV has one row per session (ratings per objective, each
decision's choice and rationale); the HTML and PDF show the grid, the score
distribution (an SVG with whole-number ticks), the choice shares with the
expert's and the historical choice marked, and the rationales side by side.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .classview import BINS, ClassView, bin_labels, score_ticks
from .export_aar import RATING_COLOURS
from .export_html import BASE_CSS, PAGE_CSS, SCREEN_FILE_CSS

TABLE = '<table width="100%" cellspacing="0" cellpadding="4">'
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def _e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _day(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------


def class_csv(view: ClassView) -> str:
    """One row per session: who, when, score, each objective's rating, each decision."""
    out = io.StringIO()
    writer = csv.writer(out)
    nodes = [(d.node, d.title) for d in view.decisions]
    labels = {d.node: {o.option: o.label for o in d.options} for d in view.decisions}
    writer.writerow(["session", "trainee", "started", "player", "status", "ending", "score"]
                    + [f"rating: {text}" for _id, text, _cap in view.objectives]
                    + [f"{title}: choice" for _node, title in nodes]
                    + [f"{title}: rationale" for _node, title in nodes])
    for s in view.sessions:
        writer.writerow(
            [s.id, s.trainee, _day(s.created_at), s.player, s.status, s.ending_title,
             "" if s.score is None else f"{s.score:.1f}"]
            + [s.ratings.get(oid) or "" for oid, _text, _cap in view.objectives]
            + [labels[node].get(s.choices.get(node, ""), s.choices.get(node, ""))
               for node, _title in nodes]
            + [s.rationales.get(node, "") for node, _title in nodes])
    return out.getvalue()


# --------------------------------------------------------------------------
# HTML sections
# --------------------------------------------------------------------------


def histogram_svg(view: ClassView, width: int = 680, height: int = 260) -> str:
    """The score distribution: a bar per 10 points, whole-number count ticks."""
    left, right, top, bottom = 46, 12, 28, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    top_count, step = score_ticks(view.histogram)
    bar = plot_w / BINS
    body = [f'<text x="{left}" y="17" font-size="13" font-weight="bold" fill="#222">'
            f"Score distribution ({len(view.scores)} ended sessions)</text>"]
    for tick in range(0, top_count + 1, step):
        y = top + plot_h * (1 - tick / top_count)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                    'stroke="#d5d9de" stroke-width="1"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" fill="#444" '
                    f'text-anchor="end">{tick}</text>')
    for i, (count, label) in enumerate(zip(view.histogram, bin_labels(), strict=True)):
        h = plot_h * count / top_count
        x = left + i * bar
        body.append(f'<rect x="{x + 3:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 6:.1f}" '
                    f'height="{h:.1f}" fill="#1f4e79"><title>{_e(label)}: {count}</title></rect>')
        body.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 15}" font-size="10" '
                    f'fill="#444" text-anchor="middle">{_e(label)}</text>')
    body.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" font-size="11" '
                f'fill="#444" text-anchor="middle">score</text>')
    body.append(f'<text x="12" y="{top + plot_h / 2:.1f}" font-size="11" fill="#444" '
                f'text-anchor="middle" transform="rotate(-90 12 {top + plot_h / 2:.1f})">'
                "sessions</text>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" '
            f'role="img" aria-label="Score distribution">'
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
            + "".join(body) + "</svg>")


def section_summary(view: ClassView) -> str:
    out = [f"<h1>Class view — {_e(view.title)}</h1>"]
    facts = [f"<b>{len(view.sessions)}</b> session(s)"]
    if view.mean is not None and view.median is not None:
        facts.append(f"mean score <b>{view.mean:.1f}</b>, median {view.median:.1f}")
    out.append("<p>" + " · ".join(facts) + "</p>")
    if view.left_out:
        out.append('<p class="small muted">Not counted: ' + ", ".join(
            f"{n} {_e(why)}" for why, n in sorted(view.left_out.items())) + ".</p>")
    for notice in view.notices:
        out.append(f'<p class="notice">{_e(notice)}</p>')
    return "".join(out)


def section_grid(view: ClassView) -> str:
    """Trainee by objective: the HSEEP rating of each."""
    out = ["<h2>Ratings: trainee by objective</h2>",
           '<p class="small muted">P = performed without challenges · S = some challenges · '
           "M = major challenges · U = unable · * an evaluator's rating</p>"]
    n = max(len(view.objectives), 1)
    head = [("Trainee", 22), ("Score", 8)] + [
        (f"O{i + 1}", max(4, 70 // n)) for i in range(len(view.objectives))]
    out.append(TABLE + "<tr>" + "".join(f'<th width="{w}%" nowrap>{_e(t)}</th>'
                                        for t, w in head) + "</tr>")
    for s in view.sessions:
        cells = []
        for oid, _text, _cap in view.objectives:
            code = s.ratings.get(oid) or ""
            mark = "*" if oid in s.rated_by_evaluator else ""
            colour = RATING_COLOURS.get(code, "")
            style = f' style="color:{colour}; font-weight:bold"' if colour else ""
            cells.append(f"<td nowrap{style}>{_e(code + mark) or '—'}</td>")
        score = "" if s.score is None else f"{s.score:.1f}"
        out.append(f"<tr><td>{_e(s.trainee or '—')}<br/>"
                   f'<span class="small muted">{_e(_day(s.created_at))}</span></td>'
                   f"<td nowrap>{score}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    if view.objectives:
        out.append("<p><b>Objectives</b></p>" + TABLE + "<tr><th width=\"6%\" nowrap>#</th>"
                   "<th width=\"44%\" nowrap>Objective</th><th width=\"20%\" nowrap>"
                   "Capability</th>" + "".join(f'<th width="7%" nowrap>{c}</th>'
                                               for c in "PSMU") + "</tr>")
        for i, (oid, text, cap) in enumerate(view.objectives):
            counts = view.rating_counts(oid)
            out.append(f"<tr><td>O{i + 1}</td><td>{_e(text)}</td><td>{_e(cap)}</td>"
                       + "".join(f"<td nowrap>{counts[c]}</td>" for c in "PSMU") + "</tr>")
        out.append("</table>")
    return "".join(out)


def section_choices(view: ClassView) -> str:
    """Each decision's choice shares, the expert's and the historical choice marked."""
    out = ["<h2>Choices at each decision</h2>",
           '<p class="small muted">E = the expert\'s choice · H = what the real actors did</p>']
    for d in view.decisions:
        out.append(f"<h3>{_e(d.title)} ({d.total} decided)</h3>")
        out.append(TABLE + '<tr><th width="56%" nowrap>Option</th><th width="10%" nowrap>'
                   'Chosen</th><th width="12%" nowrap>Share</th><th width="22%" nowrap>'
                   "Reference</th></tr>")
        for o in d.options:
            marks = " ".join(m for m, on in (("E", o.expert), ("H", o.historical)) if on)
            out.append(f"<tr><td>{_e(o.label)}</td><td nowrap>{o.count}</td>"
                       f"<td nowrap>{100 * o.share:.0f}%</td><td nowrap>{marks}</td></tr>")
        out.append("</table>")
    return "".join(out)


#: Rationales per decision in print; a big class's full list is in the CSV and HTML.
PRINT_RATIONALES = 40


def section_rationales(view: ClassView, limit: int | None = None) -> str:
    """The trainees' rationales, side by side, decision by decision (by choice).

    Args:
        view: The class.
        limit: At most this many per decision (print), the rest counted.
    """
    out = ["<h2>Rationales side by side</h2>"]
    for d in view.decisions:
        given = sorted((r for r in d.rationales if r[3]), key=lambda r: (r[2], r[1].casefold()))
        if not given:
            continue
        more = 0
        if limit is not None and len(given) > limit:
            more, given = len(given) - limit, given[:limit]
        out.append(f"<h3>{_e(d.title)}</h3>")
        out.append(TABLE + '<tr><th width="20%" nowrap>Trainee</th><th width="28%" nowrap>'
                   'Choice</th><th width="52%" nowrap>Why</th></tr>')
        for _sid, who, label, why in given:
            out.append(f"<tr><td>{_e(who or '—')}</td><td>{_e(label)}</td>"
                       f'<td class="quote">“{_e(why)}”</td></tr>')
        out.append("</table>")
        if more:
            out.append(f'<p class="small muted">… and {more} more rationale(s) at this '
                       "decision: the CSV and HTML exports list them all.</p>")
    return "".join(out)


def render_class_html(view: ClassView, *, for_print: bool = False) -> str:
    """The class report as one HTML document (the histogram as ``chart:hist`` in print)."""
    css = BASE_CSS + PAGE_CSS + ("" if for_print else SCREEN_FILE_CSS)
    chart = ('<p class="chart"><img src="chart:hist" width="680" alt="Score distribution"/></p>'
             if for_print else f'<div class="chart">{histogram_svg(view)}</div>')
    return "\n".join([
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>',
        f"<title>Class view — {_e(view.title)}</title><style>{css}</style></head><body>",
        section_summary(view), "<h2>Score distribution</h2>", chart, section_grid(view),
        section_choices(view),
        section_rationales(view, PRINT_RATIONALES if for_print else None), "</body></html>"])


# --------------------------------------------------------------------------
# Writers and their registry
# --------------------------------------------------------------------------


def write_csv(path: Path, view: ClassView, paper: str | None = None) -> Path:
    path.write_text(class_csv(view), encoding="utf-8", newline="")
    return path


def write_html(path: Path, view: ClassView, paper: str | None = None) -> Path:
    path.write_text(render_class_html(view), encoding="utf-8")
    return path


def write_pdf(path: Path, view: ClassView, paper: str | None = None) -> Path:
    from .export_pdf import ensure_gui_app, svg_to_image
    from .paper import paper_or_default
    from .pdf_layout import write_pdf as layout_pdf

    ensure_gui_app()
    layout_pdf(path, render_class_html(view, for_print=True),
               title=f"Class view — {view.title}", footer=f"Hotline class view — {view.title}",
               paper=paper_or_default(paper), css=BASE_CSS + PAGE_CSS,
               resources={"chart:hist": svg_to_image(histogram_svg(view))})
    return path


@dataclass(frozen=True)
class ClassExporter:
    """One format of the class view."""

    name: str
    suffix: str
    write: Callable[[Path, ClassView, str | None], Path]


CLASS_EXPORTERS: tuple[ClassExporter, ...] = (
    ClassExporter("CSV", ".csv", write_csv),
    ClassExporter("HTML", ".html", write_html),
    ClassExporter("PDF", ".pdf", write_pdf),
)


def class_exporter_for(path: str | Path) -> ClassExporter:
    """The format a file name asks for.

    Raises:
        ValueError: The suffix is not one the class view writes.
    """
    suffix = Path(path).suffix.lower()
    for exporter in CLASS_EXPORTERS:
        if suffix == exporter.suffix or (suffix == ".htm" and exporter.suffix == ".html"):
            return exporter
    raise ValueError(f"cannot export the class to '{Path(path).name}': use a file ending in "
                     ".csv, .html or .pdf")


def export_class(path: str | Path, view: ClassView, paper: str | None = None) -> Path:
    """Write a class view; the format follows the suffix."""
    return class_exporter_for(path).write(Path(path), view, paper)


__all__ = ["CLASS_EXPORTERS", "class_csv", "class_exporter_for", "export_class",
           "histogram_svg", "render_class_html"]
