"""The HSEEP parts of the after-action report, as HTML sections.

Exercise overview, objectives by core capability with their ratings and the
reasons for them, findings (strengths and areas for improvement), the hot
wash and the improvement plan. The HTML file, the PDF and the Debrief
window's tabs all use these sections, so every view says the same thing.
All text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from game.engine.scoring import RATING_LABELS

from .aar import (
    AAR,
    CAPABILITY_ELEMENTS,
    Finding,
    effective_overview,
    findings_by_kind,
    rating_reason,
)
from .model import Debrief, ObjectiveRating

TABLE = '<table width="100%" cellspacing="0" cellpadding="4">'
RATING_COLOURS = {"P": "#2e7d32", "S": "#6b8e23", "M": "#c77c00", "U": "#c0392b"}
NO_CAPABILITY = "Other objectives"


def _e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _multiline(text: str | None) -> str:
    return "<br/>".join(_e(line) for line in (text or "").splitlines())


def _head(cells: Sequence[tuple[str, int]]) -> str:
    """A header row that never wraps; each cell is (title, width in percent)."""
    return "<tr>" + "".join(f'<th width="{w}%" nowrap>{_e(t)}</th>' for t, w in cells) + "</tr>"


def pill(code: str | None) -> str:
    """A rating as a coloured label (``P``)."""
    if not code:
        return '<span class="muted">—</span>'
    colour = RATING_COLOURS.get(code, "#777777")
    return (f'<span style="background-color:{colour}; color:#ffffff; font-weight:bold">'
            f"&nbsp;{_e(code)}&nbsp;</span>")


def days(start: str, end: str) -> str:
    """``2026-03-04`` or ``2026-03-04 to 2026-03-05``."""
    if start and end and start != end:
        return f"{start} to {end}"
    return start or end


def capability_groups(d: Debrief) -> list[tuple[str, list[ObjectiveRating]]]:
    """Objectives under their capability, in the scenario's order of capabilities."""
    groups: dict[str, list[ObjectiveRating]] = {name: [] for name in d.capabilities.values()}
    for o in d.objectives:
        groups.setdefault(d.capability_name(o.id) or NO_CAPABILITY, []).append(o)
    return [(name, items) for name, items in groups.items() if items]


def rated_by(o: ObjectiveRating, aar: AAR | None) -> str:
    """Who gave the rating that counts, in words."""
    if o.override:
        override = aar.ratings.get(o.id) if aar is not None else None
        name = override.evaluator if override is not None and override.evaluator else "an evaluator"
        return f"{name} (the rules said {o.rating or 'nothing'})"
    return "the scenario's rules" if o.rating else "—"


# --------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------


def section_overview(d: Debrief, aar: AAR | None) -> str:
    """The exercise overview: name, dates, scenario and version, people, capabilities."""
    ov = effective_overview(d, aar)
    scenario = f"{d.scenario_title} ({d.scenario_id}), version {d.version}"
    if d.content_hash:
        scenario += f", content {d.content_hash}"
    people = "<br/>".join(f"{_e(p.name)}" + (f" — {_e(p.role)}" if p.role else "")
                          for p in ov.participants)
    rows = [("Exercise", _e(ov.name)), ("Dates", _e(days(ov.start, ov.end))),
            ("Scenario", _e(scenario)), ("Played on", _e(d.played_on)),
            ("Participants", people), ("Facilitator", _e(ov.facilitator)),
            ("Evaluators", _e(", ".join(ov.evaluators))),
            ("Organisation", _e(ov.organisation)),
            ("Core capabilities", _e(", ".join(d.capabilities.values()))),
            ("Session", _e(f"{d.session_id}, seed {d.seed}" if d.session_id else f"seed {d.seed}"))]
    out = ["<h2>Exercise overview</h2>", '<table class="meta">']
    for key, value in rows:
        if value:
            out.append(f'<tr><td class="muted" nowrap>{_e(key)}</td><td>{value}</td></tr>')
    out.append("</table>")
    return "".join(out)


def section_ratings(d: Debrief, aar: AAR | None) -> str:
    """Objectives by core capability: the rating, who gave it and why."""
    out = ["<h2>Objectives, core capabilities and ratings</h2>"]
    if not d.objectives:
        out.append('<p class="muted">The scenario declares no learning objectives.</p>')
        return "".join(out)
    out.append(TABLE + _head([("Core capability", 18), ("Objective", 30), ("Rating", 16),
                              ("Why", 36)]))
    for capability, objectives in capability_groups(d):
        for o in objectives:
            code = o.effective
            why = _e(rating_reason(o))
            if o.override:
                override = aar.ratings.get(o.id) if aar is not None else None
                who = override.evaluator if override is not None else ""
                why = (f"<b>{_e(who or 'Evaluator')}:</b> {_multiline(o.comment)}"
                       f'<br/><span class="small muted">Rules ({_e(o.rating or "none")}): '
                       f"{why}</span>")
            elif o.comment:
                why += f'<br/><span class="small"><b>Comment:</b> {_multiline(o.comment)}</span>'
            label = RATING_LABELS.get(code or "", "Not rated")
            out.append(f"<tr><td>{_e(capability)}</td><td>{_e(o.text)}</td>"
                       f'<td>{pill(code)} <span class="small">{_e(label)}</span>'
                       f'<br/><span class="small muted">by {_e(rated_by(o, aar))}</span></td>'
                       f'<td class="small">{why}</td></tr>')
    out.append("</table>")
    out.append('<p class="small muted">P = performed without challenges · S = performed with '
               "some challenges · M = performed with major challenges · U = unable to be "
               "performed (HSEEP)</p>")
    return "".join(out)


def _finding(f: Finding, capabilities: dict[str, str]) -> str:
    rows = [("Observation", f.observation), ("Analysis", f.analysis),
            ("Recommendation", f.recommendation), ("References", f.references)]
    cap = capabilities.get(f.capability, f.capability)
    head = f"<b>{_e(f.label)}</b>" + (f" — {_e(f.title)}" if f.title else "")
    if cap:
        head += f' <span class="small muted">({_e(cap)})</span>'
    body = "".join(f'<tr><td width="18%" class="muted" nowrap>{_e(k)}</td>'
                   f"<td>{_multiline(v)}</td></tr>" for k, v in rows if v.strip())
    return (f'<p class="finding">{head}</p>'
            f'<table width="100%" cellspacing="0" cellpadding="3" class="turn">{body}</table>'
            if body else f'<p class="finding">{head}</p>')


def section_findings(d: Debrief, aar: AAR | None) -> str:
    """Strengths and areas for improvement, each as observation, analysis, recommendation."""
    out = ["<h2>Analysis of capabilities: strengths and areas for improvement</h2>"]
    findings = list(aar.findings) if aar is not None else []
    if not any(not f.empty for f in findings):
        out.append('<p class="muted">No findings recorded yet. The evaluators write them in '
                   "the After-action report tab (Findings); “Draft from the ratings” starts "
                   "from the objectives' ratings.</p>")
        return "".join(out)
    names = dict(d.capabilities)
    order = list(names) + sorted({f.capability for f in findings} - set(names))
    for capability in order:
        mine = [f for f in findings if f.capability == capability]
        if not any(not f.empty for f in mine):
            continue
        out.append(f"<h3>{_e(names.get(capability, capability) or NO_CAPABILITY)}</h3>")
        for kind in ("strength", "improvement"):
            out.extend(_finding(f, names) for f in findings_by_kind(mine, kind))
    return "".join(out)


def section_hot_wash(aar: AAR | None) -> str:
    """The hot wash (what the players said right after) and the instructor's notes."""
    out = ["<h2>Hot wash and instructor's notes</h2>"]
    hot = aar.hot_wash if aar is not None else ""
    notes = aar.notes if aar is not None else ""
    if not hot and not notes:
        out.append('<p class="muted">No hot-wash notes or instructor\'s notes recorded.</p>')
    if hot:
        out.append(f"<h3>Hot wash</h3><p>{_multiline(hot)}</p>")
    if notes:
        out.append(f"<h3>Instructor's notes</h3><p>{_multiline(notes)}</p>")
    return "".join(out)


def section_improvement_plan(d: Debrief, aar: AAR | None) -> str:
    """The improvement plan, every HSEEP column."""
    out = ["<h2>Improvement plan</h2>"]
    plan = [p for p in (aar.plan if aar is not None else []) if not p.empty]
    if not plan:
        out.append('<p class="muted">No improvement items recorded.</p>')
        return "".join(out)
    out.append(TABLE + _head([("Capability", 14), ("Issue", 19), ("Corrective action", 21),
                              ("Element", 10), ("Organisation", 12), ("Contact", 11),
                              ("Dates", 13)]))
    for item in plan:
        dates = ""
        if item.start and item.completion:
            dates = f"{_e(item.start)}<br/>→&nbsp;{_e(item.completion)}"
        elif item.completion:
            dates = f"by&nbsp;{_e(item.completion)}"
        elif item.start:
            dates = f"from&nbsp;{_e(item.start)}"
        out.append(
            f"<tr><td>{_e(d.capabilities.get(item.capability, item.capability))}</td>"
            f"<td>{_multiline(item.issue)}</td><td>{_multiline(item.action)}</td>"
            f"<td>{_e(CAPABILITY_ELEMENTS.get(item.element, item.element))}</td>"
            f"<td>{_e(item.organisation)}</td><td>{_e(item.contact)}</td>"
            f'<td class="small" nowrap>{dates}</td></tr>')
    out.append("</table>")
    return "".join(out)


def hseep_sections(d: Debrief, aar: AAR | None) -> list[str]:
    """Every HSEEP section, in the report's order (after the outcome)."""
    return [section_ratings(d, aar), section_findings(d, aar), section_hot_wash(aar),
            section_improvement_plan(d, aar)]
