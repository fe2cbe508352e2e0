"""A plain-text summary of a debrief, for the terminal (``hotline debrief SESSION``)."""

from __future__ import annotations

import textwrap

from game.engine.scoring import RATING_LABELS, format_score

from .model import Debrief, format_clock

WIDTH = 88


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [
        indent.rstrip()]


def summary_text(debrief: Debrief) -> str:
    """Summarise a debrief in plain text.

    Args:
        debrief: The debrief.

    Returns:
        The summary: header, notices, outcome, score breakdown, objective
        ratings, the decisions with rationales and answers, and the expert
        and historical comparison.
    """
    d = debrief
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
    if d.replayed:
        lines.append(f"First real contact: {d.contact.describe()}")
        for ref in d.references:
            lines.append(f"  {ref.label}: {ref.describe()}")
    if d.score_lines:
        lines += ["", "Score breakdown"]
        for part in d.score_lines:
            lines.append(f"  {part.label:<40} {part.points:6.1f} / {part.max:g}   {part.detail}")
    if d.objectives:
        lines += ["", "Learning objectives (HSEEP)"]
        for objective in d.objectives:
            code = objective.effective or "-"
            who_rated = " (instructor)" if objective.override else ""
            lines += _wrap(f"[{code}] {objective.text} — "
                           f"{RATING_LABELS.get(code, 'not rated')}{who_rated}")
            if objective.comment:
                lines += _wrap("“" + objective.comment + "”", "      ")
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
            lines += _wrap(f"Facilitator ({note.action}): {note.text}", "      ")
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
    return "\n".join(lines) + "\n"
