"""A plain-text summary of a debrief, for the terminal (``hotline debrief SESSION``)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from game.engine.scoring import RATING_LABELS, format_score

from .aar import (
    AAR,
    CAPABILITY_ELEMENTS,
    apply_aar,
    effective_overview,
    findings_by_kind,
    rating_reason,
)
from .export_aar import capability_groups, days, rated_by
from .lessons import lessons
from .luck import dice_line, luck_note
from .model import Debrief, format_clock
from .whatif import WhatIf

WIDTH = 88


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [
        indent.rstrip()]


def summary_text(debrief: Debrief, aar: AAR | None = None,
                 whatifs: Sequence[WhatIf] = ()) -> str:
    """Summarise a debrief in plain text.

    Args:
        debrief: The debrief.
        aar: The after-action report's edits (overview, ratings, findings,
            hot wash, notes, improvement plan).
        whatifs: The session's saved what-ifs.

    Returns:
        The summary: header, notices, the exercise overview, outcome, lessons,
        score breakdown, objectives by capability with their ratings and
        reasons, findings, hot wash and instructor's notes, the improvement
        plan, the decisions with rationales and answers, the expert and
        historical comparison, and the what-ifs.
    """
    d = debrief
    if aar is not None:
        apply_aar(d, aar)
    lines: list[str] = []
    title = f"Debrief: {d.scenario_title} (v{d.version})"
    lines += [title, "=" * len(title)]
    who = f"Session {d.session_id}" if d.session_id else "Session"
    if d.trainee:
        who += f" — {d.trainee}"
    lines.append(f"{who} — seed {d.seed}" + (f" — started {d.created_at[:16]}"
                                               if d.created_at else ""))
    if d.played_on:
        lines.append(f"Scenario: {d.played_on}")
    lines += _overview(d, aar)
    for notice in d.notices:
        lines += _wrap("NOTE: " + notice, "")
    if d.scenario_changes:
        lines.append("Changed in the scenario file since:")
        lines += [f"  - {change}" for change in d.scenario_changes]
    lines.append("")
    if d.ending_title:
        lines.append(f"Ending: {d.ending_title} ({d.ending_tone})")
        if d.ending_text:
            lines += _wrap(d.ending_text)
    else:
        lines.append("Ending: the session has not ended")
    if d.score is not None:
        lines.append(f"Score: {format_score(d.score)} / 100   "
                     f"(severity of decisions: {d.severity_total:+d})")
    esc = d.escalation
    if esc is not None and d.replayed:
        band = esc.band_of(esc.peak)
        named = f" ({band.label})" if band else ""
        lines.append(f"Peak {esc.label.lower()}: {esc.peak:g}{named}; final {esc.final:g}")
    if d.contact_levels:
        lines.append("First contact (any level | senior military):")
        for level in d.contact_levels:
            lines += _wrap(f"{level.label}: {level.any.describe()} | {level.senior.describe()}",
                           "  ")
    if d.score_lines:
        lines += ["", "Score breakdown"]
        for part in d.score_lines:
            lines.append(f"  {part.label:<40} {part.points:6.1f} / {part.max:g}   {part.detail}")
    lines += _lessons(d, whatifs)
    lines += _ratings(d, aar)
    lines += _findings(d, aar)
    lines += _notes(aar)
    lines += _plan(d, aar)
    lines += ["", "Decisions"]
    for turn in d.turns:
        decision = turn.decision
        head = f"  {turn.index + 1:>2}. "
        if turn.clock:
            head += format_clock(turn.clock) + " — "
        head += turn.title
        lines.append(head)
        for item in turn.injects:
            lines += _wrap(f"{item.sender}: {item.text}", "        ")
        if decision is not None:
            timing = ""
            if decision.seconds is not None:
                timing = f" ({decision.seconds:g} s" + (", timed out" if decision.timed_out
                                                         else "") + ")"
            lines += _wrap(f"Choice: {decision.label}{timing}", "      ")
            if decision.rationale:
                lines += _wrap(f"Why: {decision.rationale}", "      ")
        elif turn is d.turns[-1] and d.ending is None:
            lines.append("      (no decision yet: the session is still running)")
        if turn.answer:
            lines += _wrap(f"Counterpart: {turn.answer}", "      ")
        for note in turn.facilitator:
            lines += _wrap(note.line(), "      ")
    if d.comparison:
        lines += ["", "Compared with the expert and the real actors"]
        for row in d.comparison:
            lines.append(f"  {row.turn + 1:>2}. {row.node_title}")
            lines.append(f"      You:      {row.trainee_label}")
            if row.expert_label:
                mark = "same" if row.matches_expert else "differs"
                lines += _wrap(f"Expert:   {row.expert_label} ({mark}) — {row.expert_reason}",
                               "      ")
            if row.historical_label:
                mark = "same" if row.matches_historical else "differs"
                lines += _wrap(f"History:  {row.historical_label} ({mark}) — "
                               f"{row.historical_reason}", "      ")
    for run in (d.expert_run, d.historical_run):
        if run is not None:
            lines.append(f"  {run.name} with this seed: {run.ending_title}, "
                         f"score {format_score(run.score)}, "
                         f"peak escalation {run.peak_escalation:g}")
            if run.outcome:
                lines += _wrap(f"What really happened: {run.outcome}", "    ")
    for w in whatifs:
        lines += whatif_lines(w)
    return "\n".join(lines) + "\n"


def _header_lines(title: str) -> list[str]:
    return ["", title]


def _overview(d: Debrief, aar: AAR | None) -> list[str]:
    ov = effective_overview(d, aar)
    lines = _header_lines("Exercise overview")
    rows = [("Exercise", ov.name), ("Dates", days(ov.start, ov.end)),
            ("Participants", "; ".join(f"{p.name} — {p.role}" if p.role else p.name
                                       for p in ov.participants)),
            ("Facilitator", ov.facilitator), ("Evaluators", ", ".join(ov.evaluators)),
            ("Organisation", ov.organisation),
            ("Core capabilities", ", ".join(d.capabilities.values()))]
    for key, value in rows:
        if value:
            lines += _wrap(f"{key + ':':<19}{value}", "  ")
    return lines


def _lessons(d: Debrief, whatifs: Sequence[WhatIf]) -> list[str]:
    if not d.roads:
        return []
    lines = _header_lines("Lessons, decision by decision")
    for lesson in lessons(d.roads, whatifs):
        lines += _wrap(f"{lesson.turn + 1:>2}. {lesson.node_title}: {lesson.text}", "  ")
    return lines


def _ratings(d: Debrief, aar: AAR | None) -> list[str]:
    if not d.objectives:
        return []
    lines = _header_lines("Objectives by core capability (HSEEP ratings)")
    for capability, objectives in capability_groups(d):
        lines.append(f"  {capability}")
        for objective in objectives:
            code = objective.effective or "-"
            label = RATING_LABELS.get(code, "not rated")
            lines += _wrap(f"[{code}] {objective.text} — {label}, by "
                           f"{rated_by(objective, aar)}", "    ")
            lines += _wrap("Why: " + rating_reason(objective), "        ")
            if objective.comment:
                lines += _wrap("Comment: " + objective.comment, "        ")
    return lines


def _findings(d: Debrief, aar: AAR | None) -> list[str]:
    findings = [f for f in (aar.findings if aar is not None else []) if not f.empty]
    if not findings:
        return []
    lines = _header_lines("Strengths and areas for improvement")
    for kind in ("strength", "improvement"):
        for f in findings_by_kind(findings, kind):
            cap = d.capabilities.get(f.capability, f.capability)
            lines += _wrap(f"{f.label}: {f.title}" + (f" ({cap})" if cap else ""), "  ")
            for key, value in (("Observation", f.observation), ("Analysis", f.analysis),
                               ("Recommendation", f.recommendation),
                               ("References", f.references)):
                if value.strip():
                    lines += _wrap(f"{key}: {' '.join(value.split())}", "      ")
    return lines


def _notes(aar: AAR | None) -> list[str]:
    lines: list[str] = []
    if aar is not None and aar.hot_wash:
        lines += _header_lines("Hot wash")
        lines += [x for para in aar.hot_wash.splitlines() for x in _wrap(para)]
    if aar is not None and aar.notes:
        lines += _header_lines("Instructor's notes")
        lines += [x for para in aar.notes.splitlines() for x in _wrap(para)]
    return lines


def _plan(d: Debrief, aar: AAR | None) -> list[str]:
    plan = [p for p in (aar.plan if aar is not None else []) if not p.empty]
    if not plan:
        return []
    lines = _header_lines("Improvement plan")
    for i, item in enumerate(plan, 1):
        cap = d.capabilities.get(item.capability, item.capability)
        element = CAPABILITY_ELEMENTS.get(item.element, item.element)
        head = f"{i}. {item.issue or '(no issue written)'}"
        lines += _wrap(head + (f" [{cap}]" if cap else ""), "  ")
        for key, value in (("Corrective action", item.action), ("Capability element", element),
                           ("Responsible", item.organisation), ("Point of contact", item.contact),
                           ("Dates", days(item.start, item.completion))):
            if value:
                lines += _wrap(f"{key}: {value}", "      ")
    return lines


def whatif_lines(w: WhatIf) -> list[str]:
    """A what-if in plain text lines (the terminal debrief and ``hotline whatif``)."""
    lines = _header_lines(f"What if — decision {w.decision + 1}: {w.node_title} "
                          f"({w.n} random games per alternative)")
    for b in w.branches:
        tags = [t for t, on in (("your choice", b.chosen), ("expert's pick", b.expert_pick)) if on]
        lines.append(f"  {b.label}" + (f" ({', '.join(tags)})" if tags else ""))
        if b.expert is not None:
            lines.append(f"      expert plays on: {b.expert.ending_title}, "
                         f"score {b.expert.score:.1f}")
        if b.random is not None:
            endings = ", ".join(f"{w.ending_titles.get(k, k)} {100 * c / b.random.n:.0f}%"
                                for k, c in b.random.endings)
            lines += _wrap(f"random games: mean {b.random.mean_score:.1f}; {endings}", "      ")
        if b.dice is not None:
            lines += _wrap(f"expert over other dice: {dice_line(b)}", "      ")
    note = luck_note(w)
    if note:
        lines += _wrap(note, "  ")
    return lines
