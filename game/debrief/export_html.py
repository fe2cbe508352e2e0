"""The debrief as one self-contained HTML file (also the source of the PDF).

Every piece of scenario and trainee text goes through :func:`html.escape`;
charts are inline SVG built by :mod:`game.debrief.charts` (which escapes its
own text), styles are inline, nothing is fetched from elsewhere and no script
is included.

The report is made of section functions (``section_outcome``,
``section_score``, …) that the Debrief window also shows in its rich-text
tabs, so the screen and the printed report say the same thing in the same
words. :func:`render_html` has a print mode for the PDF exporter: the charts
become ``<img src="chart:N">`` references the exporter fills with rendered
images, the timeline is laid out turn by turn, and the markup stays within
what Qt's rich-text engine understands.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from game.engine.scoring import format_score

from .aar import AAR, apply_aar
from .charts import STATUS_COLOURS, debrief_charts
from .export_aar import hseep_sections, section_overview
from .lessons import section_lessons
from .luck import dice_line, luck_note
from .model import (
    PRICE_WORDS,
    STATUS_WORDS,
    Debrief,
    MeterChange,
    Turn,
    describe_hours,
    format_clock,
)
from .whatif import WhatIf, who_could_pick_up

TABLE = '<table width="100%" cellspacing="0" cellpadding="4">'
RATING_COLOURS = {"P": "#2e7d32", "S": "#6b8e23", "M": "#c77c00", "U": "#c0392b"}
TONE_COLOURS = {"good": "#2e7d32", "mixed": "#c77c00", "bad": "#c0392b"}

#: Rules shared by the file, the PDF and the window (no text colour: the
#: window's palette decides it, light or dark).
BASE_CSS = """
h1 { font-size: 20pt; margin: 0 0 4px 0; }
h2 { font-size: 14pt; margin: 20px 0 6px 0; }
h3 { font-size: 11.5pt; margin: 12px 0 4px 0; }
table { border-collapse: collapse; margin: 4px 0 10px 0; }
th { text-align: left; font-weight: bold; }
th, td { border: 1px solid #b9bec6; padding: 4px 6px; vertical-align: top; }
.meta td { border: none; padding: 1px 10px 1px 0; }
.notice { border: 1px solid #e0b84a; padding: 6px 10px; margin: 8px 0; }
.muted { color: #6b7078; }
.small { font-size: 9pt; }
.quote { font-style: italic; }
.same { color: #2e7d32; font-weight: bold; }
.differs { color: #c0392b; font-weight: bold; }
.chart { margin: 6px 0 14px 0; }
table.turn td { border: none; border-bottom: 1px solid #d5d9de; }
"""
#: Extra rules for paper and the HTML file (white page, dark text).
PAGE_CSS = """
body { font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; color: #1d1d1f; }
h1, h2 { color: #1f4e79; }
h2 { border-bottom: 2px solid #1f4e79; }
th { background-color: #e9eef4; }
.notice { background-color: #fff4d6; }
"""
SCREEN_FILE_CSS = """
body { font-size: 10.5pt; max-width: 1000px; margin: 24px auto; padding: 0 16px;
       line-height: 1.4; }
table { width: 100%; }
"""


def _e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _multiline(text: str | None) -> str:
    return "<br/>".join(_e(line) for line in (text or "").splitlines())


def _pill(code: str | None, colours: dict[str, str], text: str | None = None) -> str:
    if not code:
        return '<span class="muted">—</span>'
    colour = colours.get(code, "#777777")
    return (f'<span style="background-color:{colour}; color:#ffffff; font-weight:bold">'
            f'&nbsp;{_e(text or code)}&nbsp;</span>')


def _head(cells: Sequence[tuple[str, int]]) -> str:
    """A header row; each cell is (title, width in percent or 0)."""
    return "<tr>" + "".join(
        f'<th width="{w}%">{_e(t)}</th>' if w else f"<th>{_e(t)}</th>" for t, w in cells) + "</tr>"


# --------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------


def section_header(d: Debrief) -> str:
    """Title, the period, the scenario summary and the notices (the facts are the overview's)."""
    out = [f"<h1>After-action report — {_e(d.scenario_title)}</h1>"]
    if d.period:
        out.append(f'<p class="muted">{_e(d.period)}</p>')
    if d.summary:
        out.append(f"<p>{_e(d.summary)}</p>")
    for notice in d.notices:
        out.append(f'<p class="notice"><b>Note:</b> {_e(notice)}</p>')
    if d.scenario_changes:
        out.append("<p><b>Changed in the scenario file since the session:</b></p><ul>"
                   + "".join(f"<li>{_e(c)}</li>" for c in d.scenario_changes) + "</ul>")
    return "".join(out)


def section_outcome(d: Debrief) -> str:
    """The ending, the score in one line and first contact on every road."""
    out = ["<h2>Outcome</h2>"]
    if d.ending_title:
        colour = TONE_COLOURS.get(d.ending_tone, "#777777")
        out.append(f'<h3 style="color:{colour}">{_e(d.ending_title)}</h3>'
                   f"<p>{_e(d.ending_text)}</p>")
    else:
        out.append("<p><b>The session has not ended.</b></p>")
    facts = []
    if d.score is not None:
        facts.append(f"<b>Score {format_score(d.score)} / 100</b>")
    esc = d.escalation
    if esc is not None and d.replayed:
        band = esc.band_of(esc.peak)
        facts.append(f"peak {_e(esc.label.lower())} <b>{esc.peak:g}</b>"
                     + (f" ({_e(band.label)})" if band else "") + f", final {esc.final:g}")
        facts.append(f"severity of decisions {d.severity_total:+d}")
    if facts:
        out.append("<p>" + " · ".join(facts) + "</p>")
    if not d.replayed:
        return "".join(out)
    out.append(section_contact_levels(d))
    if d.contact.elapsed_hours is not None:
        out.append(f'<p class="small muted">Scenario time from the start to this session\'s '
                   f"first contact: {_e(describe_hours(d.contact.elapsed_hours))}.</p>")
    if d.historical_run is not None and d.historical_run.outcome:
        out.append(f"<p><b>What really happened:</b> {_e(d.historical_run.outcome)}</p>")
    return "".join(out)


def section_contact_levels(d: Debrief) -> str:
    """First contact at two levels on every road, with the road's ending and score."""
    if not d.contact_levels:
        return ""
    out = ["<h3>First contact: any level, and senior military</h3>",
           '<p class="small muted">One definition for every road: any contact is the first '
           "answered call on any channel but the press; senior military contact the first on a "
           "defense-chief, Chairman or theater-commander line.</p>",
           TABLE + _head([("Road", 15), ("Any contact", 28), ("Senior military contact", 28),
                          ("Ending", 15), ("Score", 7), ("Peak", 7)])]
    esc = d.escalation
    runs = {"This session": (d.ending_title or "", d.score, esc.peak if esc else None)}
    for run in (d.expert_run, d.historical_run):
        if run is not None:
            runs[run.name] = (run.ending_title, run.score, run.peak_escalation)
    for row in d.contact_levels:
        ending, score, peak = runs.get(row.label, ("", None, None))
        name = f"<b>{_e(row.label)}</b>" if row.label in ("This session",
                                                         "What really happened") else \
            f"{_e(row.label)}, same seed"
        out.append(f"<tr><td>{name}</td><td>{_e(row.any.describe())}</td>"
                   f"<td>{_e(row.senior.describe())}</td><td>{_e(ending)}</td>"
                   f"<td nowrap>{'' if score is None else format_score(score)}</td>"
                   f"<td nowrap>{'' if peak is None else f'{peak:g}'}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _change_groups(changes: Sequence[MeterChange]) -> list[list[MeterChange]]:
    groups: list[list[MeterChange]] = []
    for change in changes:
        key = (change.turn, change.cause.type, change.cause.ref, change.cause.text)
        last = groups[-1][0] if groups else None
        if last is not None and (last.turn, last.cause.type, last.cause.ref,
                                 last.cause.text) == key:
            groups[-1].append(change)
        else:
            groups.append([change])
    return groups


def section_score(d: Debrief, *, include_hidden: bool = True, bars: str = "") -> str:
    """Why the score is what it is: each part with its drivers, then every change by cause.

    Args:
        d: The debrief.
        include_hidden: List changes of facilitator-only meters.
        bars: Markup of the score-bars chart to put first (optional).
    """
    out = ["<h2>Why the score is what it is</h2>"]
    if bars:
        out.append(bars)
    if d.score_lines:
        out.append(TABLE + _head([("Part", 21), ("Points", 13), ("Detail", 19),
                                  ("What caused it", 47)]))
        for part in d.score_lines:
            drivers = "<br/>".join(_e(x) for x in part.drivers) or '<span class="muted">—</span>'
            out.append(f"<tr><td>{_e(part.label)}</td>"
                       f"<td>{part.points:.1f}&nbsp;/&nbsp;{part.max:g}</td>"
                       f'<td>{_e(part.detail)}</td><td class="small">{drivers}</td></tr>')
        if d.score is not None:
            out.append(f"<tr><td><b>Total</b></td><td><b>{format_score(d.score)}&nbsp;/&nbsp;100</b></td>"
                       "<td></td><td></td></tr>")
        out.append("</table>")
    else:
        out.append('<p class="muted">The score parts need a replay of the session.</p>')
    changes = [c for c in d.meter_changes if include_hidden or not c.hidden]
    if not changes:
        return "".join(out)
    out.append("<h3>Every meter change and its cause</h3>")
    out.append('<p class="small muted">Grouped by what caused them; the doctrine note is the '
               "scenario's comment on the decision behind the change.</p>")
    out.append(TABLE + _head([("#", 5), ("Cause", 27), ("Changes (rule)", 31),
                              ("Doctrine note", 37)]))
    shown: set[tuple[int, str]] = set()
    for group in _change_groups(changes):
        first = group[0]
        lines = "<br/>".join(
            f"{_e(c.label)}{' (facilitator only)' if c.hidden else ''} {c.before:g} → "
            f"<b>{c.after:g}</b> ({c.delta:+g})"
            + (f' <span class="small muted">[{_e(c.cause.rule)}]</span>' if c.cause.rule else "")
            for c in group)
        doctrine = first.cause.doctrine
        key = (first.turn, doctrine)
        note = ""
        if doctrine and key not in shown:
            note = _e(doctrine)
            shown.add(key)
        elif doctrine:
            note = '<span class="muted">(as above)</span>'
        out.append(f"<tr><td>{first.turn + 1}</td><td>{_e(first.cause.describe())}</td>"
                   f'<td>{lines}</td><td class="small">{note}</td></tr>')
    out.append("</table>")
    return "".join(out)


def _turn_cells(turn: Turn) -> tuple[str, str, str, str, str]:
    situation = f"<b>{_e(turn.title)}</b>"
    for item in turn.injects:
        who = "Facilitator inject" if item.facilitator else item.sender
        situation += (f'<br/><span class="small"><b>{_e(who)}</b> ({_e(item.kind)}): '
                      f"{_e(item.text)}</span>")
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
    for change in turn.leadership:
        answer += f'<br/><span class="small"><b>Leadership:</b> {_e(change.describe())}</span>'
    for price in turn.prices:
        answer += f'<br/><span class="small"><b>Price:</b> {_e(price.describe())}</span>'
    channels = "<br/>".join(
        f"{_e(c.label)}: {_e(STATUS_WORDS.get(c.before, c.before))} → "
        f"<b>{_e(STATUS_WORDS.get(c.after, c.after))}</b>" for c in turn.channel_changes)
    notes = "<br/>".join(f"<b>{_e(f.who)} · {_e(f.label or f.action)}</b>"
                         + (f": {_e(f.text)}" if f.text else "") for f in turn.facilitator)
    return situation, choice, answer, channels, notes


def turn_block(turn: Turn) -> str:
    """One turn as a heading and labelled lines (easier to read than a wide table)."""
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
            rows.append(f'<tr><td width="16%" class="muted">{label}</td><td>{html}</td></tr>')
    return (f"<h3>{head} · {_e(turn.title)}</h3>"
            f'<table width="100%" cellspacing="0" cellpadding="3" class="turn">{"".join(rows)}'
            "</table>")


def section_timeline(d: Debrief, *, blocks: bool, page_break: bool = False) -> str:
    """The timeline, turn by turn (``blocks``) or as one wide table."""
    out = ['<h2 style="page-break-before: always">Timeline</h2>' if page_break
           else "<h2>Timeline</h2>"]
    if blocks:
        out.extend(turn_block(turn) for turn in d.turns)
        return "".join(out)
    out.append(TABLE + _head([("#", 3), ("Clock", 9), ("Situation and injects", 28),
                              ("Choice and rationale", 22), ("Counterpart", 15),
                              ("Channels", 13), ("Facilitator", 10)]))
    for turn in d.turns:
        situation, choice, answer, channels, notes = _turn_cells(turn)
        clock = _e(format_clock(turn.clock))
        out.append(f'<tr><td>{turn.index + 1}</td><td class="small">{clock}</td>'
                   f"<td>{situation}</td><td>{choice}</td><td>{answer}</td>"
                   f'<td class="small">{channels}</td><td class="small">{notes}</td></tr>')
    out.append("</table>")
    return "".join(out)


def section_comparison(d: Debrief) -> str:
    """The trainee's choices next to the expert's and the real actors', with reasons."""
    out = ["<h2>Your choices, the expert's and the real actors'</h2>"]
    runs = []
    for run in (d.expert_run, d.historical_run):
        if run is not None:
            runs.append(f"<b>{_e(run.name)}</b> played with this session's seed: "
                        f"{_e(run.ending_title)}, score {format_score(run.score)}, peak escalation "
                        f"{run.peak_escalation:g}, first contact {_e(run.contact.describe())}.")
    if runs:
        out.append("<p>" + "<br/>".join(runs) + "</p>")
    if not d.comparison:
        out.append('<p class="muted">No comparison: the scenario (or a replay) is not '
                   "available.</p>")
        return "".join(out)
    same_expert = sum(1 for c in d.comparison if c.matches_expert)
    same_history = sum(1 for c in d.comparison if c.matches_historical)
    out.append(f"<p>You chose as the expert would at <b>{same_expert} of {len(d.comparison)}</b>"
               f" decision points, and as the real actors did at <b>{same_history}</b>.</p>")
    out.append(TABLE + _head([("#", 4), ("Decision point and your choice", 32),
                              ("Expert", 32), ("Historically", 32)]))
    for row in d.comparison:
        cells = []
        for label, reason, same in ((row.expert_label, row.expert_reason, row.matches_expert),
                                    (row.historical_label, row.historical_reason,
                                     row.matches_historical)):
            if not label:
                cells.append('<span class="muted">—</span>')
                continue
            mark = ('<span class="same">✔ same</span>' if same
                    else '<span class="differs">✘ differs</span>')
            cells.append(f"{mark} <b>{_e(label)}</b><br/>"
                         f'<span class="small">{_e(reason)}</span>')
        doctrine = (f'<br/><span class="small muted">Doctrine: {_e(row.doctrine)}</span>'
                    if row.doctrine else "")
        out.append(f"<tr><td>{row.turn + 1}</td><td>{_e(row.node_title)}<br/>"
                   f"<b>{_e(row.trainee_label)}</b>{doctrine}</td><td>{cells[0]}</td>"
                   f"<td>{cells[1]}</td></tr>")
    out.append("</table>")
    return "".join(out)


def section_counterpart(d: Debrief) -> str:
    """Who on the other side could pick up, when and why; the prices it named.

    Empty when the scenario gives its counterpart no leadership model and no prices.
    """
    if not d.leadership and not d.prices:
        return ""
    out = ["<h2>Who could pick up on the other side</h2>",
           f'<p class="small muted">{_e(d.counterpart or "The counterpart")} answers only at '
           "levels its leadership has authorised; only the events the scenario names change "
           "that, never a repeated request, which reads as pressure.</p>"]
    if d.leadership:
        out.append(TABLE + _head([("Level", 16), ("At the start", 16), ("At the end", 16),
                                  ("Why, at the end", 40), ("Pressure", 12)]))
        for track in d.leadership:
            start, end = track.statuses[0], track.final
            tone = "same" if end == "authorised" else "differs"
            out.append(f"<tr><td><b>{_e(track.label)}</b></td><td>{_e(start)}</td>"
                       f'<td><span class="{tone}">{_e(end)}</span></td>'
                       f"<td>{_e(track.whys[-1])}</td>"
                       f"<td>{track.pressure or ''}"
                       + (" repeated request(s)" if track.pressure else "") + "</td></tr>")
        out.append("</table>")
        decisions = [c for t in d.turns for c in t.leadership]
        if decisions:
            out.append("<p><b>Decisions of the leadership</b></p><ul>")
            out.extend(f"<li>Turn {c.turn + 1}: {_e(c.describe())}</li>" for c in decisions)
            out.append("</ul>")
    if d.prices:
        out.append("<p><b>Prices the counterpart named</b></p>" + TABLE
                   + _head([("Demand", 60), ("What became of it", 40)]))
        for price in d.prices:
            history = ", ".join(f"turn {turn + 1}: {PRICE_WORDS.get(st, st)}"
                                for turn, st in price.history)
            out.append(f"<tr><td>{_e(price.demand)}</td><td><b>"
                       f"{_e(PRICE_WORDS.get(price.status, price.status))}</b>"
                       + (f'<br/><span class="small muted">{_e(history)}</span>' if history
                          else "") + "</td></tr>")
        out.append("</table>")
    return "".join(out)


def section_whatif(w: WhatIf) -> str:
    """One decision's what-ifs as a table."""
    out = [f"<h2>What if — decision {w.decision + 1}: {_e(w.node_title)}</h2>",
           f'<p class="small muted">Each alternative is taken with the session\'s seed, then '
           f"the game is played to the end once by the expert policy and {w.n} times at "
           "random.</p>",
           TABLE + _head([("Alternative", 20), ("Expert plays on", 16), ("Score", 6),
                          ("Peak", 5), ("Random games end in", 22), ("Mean", 7),
                          ("Peak avg/max", 8), ("Who could pick up at the end", 16)])]
    for b in w.branches:
        tags = []
        if b.chosen:
            tags.append("your choice")
        if b.expert_pick:
            tags.append("expert's pick")
        label = f"<b>{_e(b.label)}</b>" + (
            f' <span class="muted small">({", ".join(tags)})</span>' if tags else "")
        e, r = b.expert, b.random
        endings = ""
        if r is not None:
            endings = "<br/>".join(f"{_e(w.ending_titles.get(k, k))} {100 * c / r.n:.0f}%"
                                   for k, c in r.endings)
        dice = (f'<br/><span class="small muted">other dice: {_e(dice_line(b))}</span>'
                if b.dice is not None else "")
        out.append(f"<tr><td>{label}</td><td>{_e(e.ending_title) if e else ''}{dice}</td>"
                   f"<td>{format_score(e.score) if e else ''}</td>"
                   f"<td>{f'{e.peak_escalation:g}' if e else ''}</td>"
                   f'<td class="small">{endings}</td>'
                   f"<td>{format_score(r.mean_score) if r else ''}</td>"
                   f"<td>{f'{r.mean_peak:.0f} / {r.max_peak:g}' if r else ''}</td>"
                   f'<td class="small">{_e(who_could_pick_up(b))}</td></tr>')
    out.append("</table>")
    note = luck_note(w)
    if note:
        out.append(f"<p><b>Luck or choice?</b> {_e(note)}</p>")
    if w.cancelled:
        out.append('<p class="small muted">Stopped early: partial results.</p>')
    return "".join(out)


def channel_legend() -> str:
    """The colours of the channel strip, in words."""
    return ('<p class="small muted">Channel colours: '
            + ", ".join(f'<span style="color:{c}">■</span> {_e(STATUS_WORDS[s])}'
                        for s, c in STATUS_COLOURS.items()) + ".</p>")


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


def render_html(debrief: Debrief, aar: AAR | None = None, whatifs: Sequence[WhatIf] = (),
                *, include_hidden: bool = True, for_print: bool = False,
                chart_width: int = 680, handout: bool = False) -> str:
    """Render the after-action report as HTML.

    Args:
        debrief: The debrief.
        aar: The instructor's edits (HSEEP overview, ratings, findings, hot
            wash, improvement plan).
        whatifs: What-ifs to include (with the lessons they give).
        include_hidden: Show facilitator-only meters.
        for_print: Qt rich-text mode: charts as ``chart:N`` image references,
            the timeline turn by turn (the PDF exporter lays out the pages).
        chart_width: Chart width in pixels.
        handout: For the trainees' hands: only what trainees may see
            (:func:`game.debrief.handout.handout_view`); implies no hidden meters.

    Returns:
        A complete HTML document.
    """
    d = debrief
    if aar is not None:
        apply_aar(d, aar)
    if handout:
        from .handout import handout_view

        d = handout_view(d)
        include_hidden = False
    css = BASE_CSS + PAGE_CSS + ("" if for_print else SCREEN_FILE_CSS)
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>',
           f"<title>After-action report — {_e(d.scenario_title)}</title>",
           f"<style>{css}</style></head><body>",
           section_header(d), section_overview(d, aar), section_outcome(d),
           section_counterpart(d), section_lessons(d, whatifs), *hseep_sections(d, aar)]
    charts = debrief_charts(d, include_hidden=include_hidden, width=chart_width)
    score_chart = next((i for i, (title, _svg) in enumerate(charts) if title == "Score"), None)

    def chart(i: int) -> str:
        title, svg = charts[i]
        if for_print:
            return (f'<p class="chart"><img src="chart:{i}" width="{chart_width}" '
                    f'alt="{_e(title)}"/></p>')
        return f'<div class="chart">{svg}</div>'

    others = [i for i in range(len(charts)) if i != score_chart]
    if others:
        out.append("<h2>Charts</h2>")
        out.append('<p class="small muted">Each meter after every decision (T = turn); the dashed '
                   "green line marks the first real contact.</p>")
        out.extend(chart(i) for i in others)
    out.append(section_score(d, include_hidden=include_hidden,
                             bars=chart(score_chart) if score_chart is not None else ""))
    out.append(section_comparison(d))
    out.extend(section_whatif(w) for w in whatifs)
    out.append(section_timeline(d, blocks=for_print))
    out.append("</body></html>")
    return "\n".join(out)


def export_html(path: str | Path, debrief: Debrief, aar: AAR | None = None,
                whatifs: Sequence[WhatIf] = (), *, include_hidden: bool = True,
                handout: bool = False, paper: str | None = None) -> Path:
    """Write the self-contained HTML report.

    Args:
        path: Destination file.
        debrief: The debrief.
        aar: The instructor's edits.
        whatifs: What-ifs to include.
        include_hidden: Show facilitator-only meters.
        handout: Only what trainees may see.
        paper: Ignored (a web page has no paper size).

    Returns:
        The path written.
    """
    out = Path(path)
    out.write_text(render_html(debrief, aar, whatifs, include_hidden=include_hidden,
                               handout=handout), encoding="utf-8")
    return out
