"""The debrief as one self-contained HTML file (also the source of the PDF).

Every piece of scenario and trainee text goes through :func:`html.escape`;
charts are inline SVG built by :mod:`game.debrief.charts` (which escapes its
own text), styles are inline, nothing is fetched from elsewhere and no script
is included.

:func:`render_html` has a print mode for the PDF exporter: the charts become
``<img src="chart:N">`` references the exporter fills with rendered images,
and the markup stays within what Qt's rich-text engine understands.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from game.engine.scoring import RATING_LABELS

from .aar import AAR, apply_aar
from .charts import STATUS_COLOURS, debrief_charts
from .model import STATUS_WORDS, Debrief, Turn, describe_hours, format_clock
from .whatif import WhatIf

TABLE = '<table width="100%" cellspacing="0" cellpadding="4">'
RATING_COLOURS = {"P": "#3c9d5d", "S": "#8bb84a", "M": "#e0a030", "U": "#d9534f"}
TONE_COLOURS = {"good": "#3c9d5d", "mixed": "#e0a030", "bad": "#d9534f"}

SCREEN_CSS = """
body { font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; font-size: 10.5pt;
       color: #1d1d1f; max-width: 980px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
table { width: 100%; }
"""
CSS = """
h1 { font-size: 20pt; margin: 0 0 4px 0; color: #1f4e79; }
h2 { font-size: 14pt; margin: 22px 0 8px 0; color: #1f4e79; border-bottom: 2px solid #1f4e79; }
h3 { font-size: 11.5pt; margin: 14px 0 4px 0; }
table { border-collapse: collapse; margin: 4px 0 10px 0; }
th { background-color: #e9eef4; text-align: left; font-weight: bold; }
th, td { border: 1px solid #c8ccd2; padding: 4px 6px; vertical-align: top; }
.meta td { border: none; padding: 1px 10px 1px 0; }
.notice { background-color: #fff4d6; border: 1px solid #e0b84a; padding: 6px 10px;
          margin: 8px 0; }
.muted { color: #5f6368; }
.small { font-size: 9pt; }
.quote { font-style: italic; }
.pill { color: #ffffff; font-weight: bold; padding: 1px 6px; }
.same { color: #2e7d32; font-weight: bold; }
.differs { color: #b03a2e; font-weight: bold; }
.chart { margin: 6px 0 14px 0; }
table.turn td { border: none; border-bottom: 1px solid #e3e6ea; }
"""
PRINT_CSS = CSS + """
h2 { font-size: 13pt; }
"""


def _e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _multiline(text: str | None) -> str:
    return "<br/>".join(_e(line) for line in (text or "").splitlines())


def _pill(code: str | None, colours: dict[str, str], text: str | None = None) -> str:
    if not code:
        return '<span class="muted">—</span>'
    colour = colours.get(code, "#777777")
    return (f'<span class="pill" style="background-color:{colour};color:#ffffff">'
            f'&nbsp;{_e(text or code)}&nbsp;</span>')


def _turn_cells(turn: Turn) -> tuple[str, str, str, str, str]:
    situation = f"<b>{_e(turn.title)}</b>"
    for item in turn.injects:
        who = "Facilitator inject" if item.facilitator else item.sender
        situation += f'<br/><span class="small"><b>{_e(who)}</b> ({_e(item.kind)}): ' \
                     f'{_e(item.text)}</span>'
    d = turn.decision
    choice = ""
    if d is not None:
        choice = f"<b>{_e(d.label)}</b>"
        if d.channel_label:
            choice += f' <span class="muted small">({_e(d.channel_label)})</span>'
        if d.rationale:
            choice += f'<br/><span class="quote">“{_multiline(d.rationale)}”</span>'
        facts = []
        if d.seconds is not None:
            facts.append(f"{d.seconds:g} s to decide")
        if d.timed_out:
            facts.append("<b>timed out</b>")
        if d.role:
            facts.append(f"by {_e(d.role)}")
        if d.votes:
            facts.append("votes: " + ", ".join(f"{_e(r)} → {_e(o)}" for r, o in d.votes))
        if facts:
            choice += f'<br/><span class="muted small">{"; ".join(facts)}</span>'
    answer = _e(turn.answer) if turn.answer else '<span class="muted">no call</span>'
    for text in turn.outcomes:
        answer += f'<br/><span class="small">Outcome: {_e(text)}</span>'
    channels = "<br/>".join(
        f"{_e(c.label)}: {_e(STATUS_WORDS.get(c.before, c.before))} → "
        f"<b>{_e(STATUS_WORDS.get(c.after, c.after))}</b>" for c in turn.channel_changes)
    notes = "<br/>".join(f"<b>{_e(f.action)}</b>: {_e(f.text)}" for f in turn.facilitator)
    return situation, choice, answer, channels, notes


def _turn_block(turn: Turn) -> str:
    """One turn as a heading and labelled lines (print layout: easier than a wide table)."""
    _situation, choice, answer, channels, notes = _turn_cells(turn)
    head = f"Turn {turn.index + 1}"
    if turn.clock:
        head += f" — {_e(format_clock(turn.clock))}"
    injects = "<br/>".join(
        f"<b>{_e('Facilitator inject' if i.facilitator else i.sender)}</b> ({_e(i.kind)}): "
        f"{_e(i.text)}" for i in turn.injects)
    rows = []
    for label, html in (("Injects", injects), ("Choice", choice), ("Counterpart", answer),
                        ("Channels", channels), ("Facilitator", notes)):
        if html:
            rows.append(f'<tr><td width="18%" class="muted">{label}</td><td>{html}</td></tr>')
    return (f"<h3>{head} · {_e(turn.title)}</h3>"
            f'<table width="100%" cellspacing="0" cellpadding="3" class="turn">{"".join(rows)}'
            "</table>")


def render_html(debrief: Debrief, aar: AAR | None = None, whatifs: Sequence[WhatIf] = (),
                *, include_hidden: bool = True, for_print: bool = False,
                chart_width: int = 680) -> str:
    """Render the after-action report as HTML.

    Args:
        debrief: The debrief.
        aar: The instructor's edits (ratings, comments, improvement plan).
        whatifs: What-ifs to include.
        include_hidden: Show facilitator-only meters.
        for_print: Qt rich-text mode: charts as ``chart:N`` image references.
        chart_width: Chart width in pixels.

    Returns:
        A complete HTML document.
    """
    d = debrief
    if aar is not None:
        apply_aar(d, aar)
    out: list[str] = []
    add = out.append
    add('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>')
    add(f"<title>After-action report — {_e(d.scenario_title)}</title>")
    add(f"<style>{PRINT_CSS if for_print else SCREEN_CSS + CSS}</style></head><body>")
    add(f"<h1>After-action report — {_e(d.scenario_title)}</h1>")
    add('<table class="meta">')
    rows = [("Session", d.session_id), ("Trainee", d.trainee), ("Roles", ", ".join(d.roles)),
            ("Played", d.created_at[:16].replace("T", " ") if d.created_at else ""),
            ("Scenario", f"{d.scenario_id} version {d.version} (content {d.content_hash})"),
            ("Period", d.period), ("Seed", str(d.seed))]
    for key, value in rows:
        if value:
            add(f'<tr><td class="muted">{_e(key)}</td><td>{_e(value)}</td></tr>')
    add("</table>")
    if d.summary:
        add(f"<p>{_e(d.summary)}</p>")
    for notice in d.notices:
        add(f'<p class="notice"><b>Note:</b> {_e(notice)}</p>')

    # Outcome.
    add("<h2>Outcome</h2>")
    if d.ending_title:
        add(f"<p>{_pill(d.ending_tone, TONE_COLOURS, d.ending_title)} &nbsp;"
            f"{_e(d.ending_text)}</p>")
    else:
        add("<p><b>The session has not ended.</b></p>")
    facts = []
    if d.score is not None:
        facts.append(f"<b>Score {d.score:g} / 100</b>")
    esc = d.escalation
    if esc is not None and d.replayed:
        band = esc.band_of(esc.peak)
        facts.append(f"peak {_e(esc.label.lower())} {esc.peak:g}"
                     + (f" ({_e(band.label)})" if band else "") + f", final {esc.final:g}")
    if d.replayed:
        facts.append(f"severity of decisions {d.severity_total:+d}")
    if facts:
        add("<p>" + " · ".join(facts) + "</p>")
    if d.replayed:
        add("<h3>Time to first real contact</h3>" + TABLE + "<tr><th>Road</th>"
            "<th>First contact</th><th>Ending</th><th>Score</th><th>Peak escalation</th></tr>")
        add(f"<tr><td><b>This session</b></td><td>{_e(d.contact.describe())}</td>"
            f"<td>{_e(d.ending_title or '')}</td>"
            f"<td>{'' if d.score is None else f'{d.score:g}'}</td>"
            f"<td>{'' if esc is None else f'{esc.peak:g}'}</td></tr>")
        for run in (d.expert_run, d.historical_run):
            if run is not None:
                add(f"<tr><td>{_e(run.name)} (same seed)</td><td>{_e(run.contact.describe())}"
                    f"</td><td>{_e(run.ending_title)}</td><td>{run.score:g}</td>"
                    f"<td>{run.peak_escalation:g}</td></tr>")
        add("</table>")
        if d.historical_run is not None and d.historical_run.outcome:
            add(f"<p><b>What really happened:</b> {_e(d.historical_run.outcome)}</p>")

    # Objectives and the improvement plan.
    add("<h2>Learning objectives (HSEEP ratings)</h2>")
    add(TABLE + "<tr><th>Objective</th><th>Rating</th><th>Rated by</th><th>Comment</th></tr>")
    for o in d.objectives:
        code = o.effective
        by = "instructor" if o.override else ("scenario rules" if o.rating else "—")
        if o.override and o.rating and o.override != o.rating:
            by += f" (rules said {o.rating})"
        add(f"<tr><td>{_e(o.text)}</td><td>{_pill(code, RATING_COLOURS)} "
            f'<span class="small">{_e(RATING_LABELS.get(code or "", "Not rated"))}</span></td>'
            f"<td>{_e(by)}</td><td>{_multiline(o.comment)}</td></tr>")
    add("</table>")
    add('<p class="small muted">P = performed without challenges · S = performed with some '
        "challenges · M = performed with major challenges · U = unable to be performed</p>")
    if aar is not None and aar.notes:
        add(f"<h3>Instructor's notes</h3><p>{_multiline(aar.notes)}</p>")
    add("<h2>Improvement plan</h2>")
    plan = [p for p in (aar.plan if aar else []) if not p.empty]
    if plan:
        add(TABLE + "<tr><th>Issue</th><th>Corrective action</th><th>Owner</th><th>Due</th></tr>")
        for item in plan:
            add(f"<tr><td>{_multiline(item.issue)}</td><td>{_multiline(item.action)}</td>"
                f"<td>{_e(item.owner)}</td><td>{_e(item.due)}</td></tr>")
        add("</table>")
    else:
        add('<p class="muted">No improvement items recorded.</p>')

    # Charts.
    charts = debrief_charts(d, include_hidden=include_hidden, width=chart_width)
    if charts:
        add('<h2 style="page-break-before: always">Charts</h2>' if for_print else "<h2>Charts</h2>")
        for i, (title, svg) in enumerate(charts):
            if for_print:
                add(f'<p class="chart"><img src="chart:{i}" width="{chart_width}" '
                    f'alt="{_e(title)}"/></p>')
            else:
                add(f'<div class="chart">{svg}</div>')

    # Explained score.
    if d.score_lines:
        add("<h2>Why the score is what it is</h2>")
        add(TABLE + "<tr><th>Part</th><th>Points</th><th>Detail</th><th>Caused by</th></tr>")
        for part in d.score_lines:
            drivers = "<br/>".join(_e(x) for x in part.drivers) or '<span class="muted">—</span>'
            add(f"<tr><td>{_e(part.label)}</td><td>{part.points:.1f}&nbsp;/&nbsp;{part.max:g}</td>"
                f'<td>{_e(part.detail)}</td><td class="small">{drivers}</td></tr>')
        add("</table>")
    changes = [c for c in d.meter_changes if include_hidden or not c.hidden]
    if changes:
        add("<h3>Every meter change and its cause</h3>")
        add(TABLE + "<tr><th>Turn</th><th>Meter</th><th>Change</th><th>Cause</th>"
            "<th>Rule</th><th>Doctrine note</th></tr>")
        last_doctrine = None
        for c in changes:
            doctrine = c.cause.doctrine
            shown = (_e(doctrine) if doctrine and doctrine != last_doctrine
                     else ('<span class="muted">(as above)</span>' if doctrine else ""))
            last_doctrine = doctrine or last_doctrine
            add(f"<tr><td>{c.turn + 1}</td><td>{_e(c.label)}</td>"
                f"<td>{c.before:g} → <b>{c.after:g}</b> ({c.delta:+g})</td>"
                f"<td>{_e(c.cause.describe())}</td><td class=\"small\">{_e(c.cause.rule)}</td>"
                f'<td class="small">{shown}</td></tr>')
        add("</table>")

    # Timeline.
    add('<h2 style="page-break-before: always">Timeline</h2>' if for_print
        else "<h2>Timeline</h2>")
    if for_print:
        for turn in d.turns:
            add(_turn_block(turn))
    else:
        add(TABLE + "<tr><th>#</th><th>Clock</th><th>Situation and injects</th>"
            "<th>Choice and rationale</th><th>Counterpart</th><th>Channels</th>"
            "<th>Facilitator</th></tr>")
        for turn in d.turns:
            situation, choice, answer, channels, notes = _turn_cells(turn)
            clock = _e(format_clock(turn.clock))
            add(f'<tr><td>{turn.index + 1}</td><td class="small">{clock}</td>'
                f"<td>{situation}</td><td>{choice}</td><td>{answer}</td>"
                f'<td class="small">{channels}</td><td class="small">{notes}</td></tr>')
        add("</table>")

    # Expert and history.
    if d.comparison:
        add("<h2>Your choices, the expert's and the real actors'</h2>")
        add(TABLE + "<tr><th>#</th><th>Decision point</th><th>You chose</th><th>Expert</th>"
            "<th>Historically</th></tr>")
        for row in d.comparison:
            expert = historical = '<span class="muted">—</span>'
            if row.expert_label:
                mark = '<span class="same">same</span>' if row.matches_expert else \
                    '<span class="differs">differs</span>'
                expert = (f"{mark} <b>{_e(row.expert_label)}</b><br/>"
                          f'<span class="small">{_e(row.expert_reason)}</span>')
            if row.historical_label:
                mark = '<span class="same">same</span>' if row.matches_historical else \
                    '<span class="differs">differs</span>'
                historical = (f"{mark} <b>{_e(row.historical_label)}</b><br/>"
                              f'<span class="small">{_e(row.historical_reason)}</span>')
            doctrine = (f'<br/><span class="small muted">Doctrine: {_e(row.doctrine)}</span>'
                        if row.doctrine else "")
            add(f"<tr><td>{row.turn + 1}</td><td>{_e(row.node_title)}</td>"
                f"<td><b>{_e(row.trainee_label)}</b>{doctrine}</td><td>{expert}</td>"
                f"<td>{historical}</td></tr>")
        add("</table>")

    # What-ifs.
    for w in whatifs:
        add(f"<h2>What if — decision {w.decision + 1}: {_e(w.node_title)}</h2>")
        add(f'<p class="small muted">Each alternative is taken with the session\'s seed, then '
            f"the game is played to the end once by the expert policy and {w.n} times at "
            "random.</p>")
        add(TABLE + "<tr><th>Alternative</th><th>Expert continues: ending</th><th>score</th>"
            "<th>peak</th><th>Random continuations: endings</th><th>mean score</th>"
            "<th>mean / max peak</th></tr>")
        for b in w.branches:
            tags = []
            if b.chosen:
                tags.append("chosen")
            if b.expert_pick:
                tags.append("expert's pick")
            label = f"<b>{_e(b.label)}</b>" + (
                f' <span class="muted small">({", ".join(tags)})</span>' if tags else "")
            e = b.expert
            r = b.random
            endings = ""
            if r is not None:
                endings = ", ".join(f"{_e(w.ending_titles.get(k, k))} {100 * c / r.n:.0f}%"
                                    for k, c in r.endings)
            add(f"<tr><td>{label}</td><td>{_e(e.ending_title) if e else ''}</td>"
                f"<td>{f'{e.score:g}' if e else ''}</td>"
                f"<td>{f'{e.peak_escalation:g}' if e else ''}</td><td>{endings}</td>"
                f"<td>{f'{r.mean_score:.1f}' if r else ''}</td>"
                f"<td>{f'{r.mean_peak:.0f} / {r.max_peak:g}' if r else ''}</td></tr>")
        add("</table>")

    add('<p class="small muted">Channel colours: '
        + ", ".join(f'<span style="color:{c}">■</span> {_e(STATUS_WORDS[s])}'
                    for s, c in STATUS_COLOURS.items()) + ".</p>")
    if d.contact.elapsed_hours is not None:
        add(f'<p class="small muted">Scenario time from the start to first contact: '
            f"{_e(describe_hours(d.contact.elapsed_hours))}.</p>")
    add("</body></html>")
    return "\n".join(out)


def export_html(path: str | Path, debrief: Debrief, aar: AAR | None = None,
                whatifs: Sequence[WhatIf] = (), *, include_hidden: bool = True) -> Path:
    """Write the self-contained HTML report.

    Args:
        path: Destination file.
        debrief: The debrief.
        aar: The instructor's edits.
        whatifs: What-ifs to include.
        include_hidden: Show facilitator-only meters.

    Returns:
        The path written.
    """
    out = Path(path)
    out.write_text(render_html(debrief, aar, whatifs, include_hidden=include_hidden),
                   encoding="utf-8")
    return out
