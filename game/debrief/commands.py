"""The ``hotline debrief SESSION [--export FILE]`` command, as one function.

The CLI parses the arguments and calls :func:`debrief_command`; this module
does the rest, with the same session service and export registry as the
Debrief window.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from game.records import Journal, JournalError, is_user_problem
from game.sessions import ScenarioFileError, load_file

from .aar import apply_aar, load_aar
from .exporters import ExportOptions, export, exporter_for
from .paper import paper_or_default
from .source import OpenedDebrief, open_debrief
from .text import summary_text
from .whatif_store import load_whatifs


def export_debrief(path: str | Path, opened: OpenedDebrief, journal: Journal,
                   options: ExportOptions | None = None) -> Path:
    """Write a debrief (with the session's AAR edits and saved what-ifs) to a file.

    The format follows the suffix.

    Raises:
        ValueError: On an unknown suffix or paper.
        OSError: If the file cannot be written.
    """
    debrief = opened.debrief
    aar = load_aar(journal, debrief.session_id) if debrief.session_id else None
    whatifs = load_whatifs(journal, debrief.session_id) if debrief.session_id else []
    return export(path, debrief, aar, whatifs, options)


def debrief_command(journal: Journal, session_id: str, export_to: str | None = None, *,
                    scenario_path: str | None = None, out: TextIO | None = None,
                    err: TextIO | None = None, handout: bool = False,
                    paper: str | None = None) -> int:
    """Print a session's debrief summary, or export it to a file.

    Args:
        journal: The journal.
        session_id: Session id or unique prefix.
        export_to: File to write (format by suffix), or None to print the summary.
        scenario_path: A scenario file to use when its content is the one the
            session was played on (the journal's snapshot is used otherwise).
        out: Where the summary goes (default stdout).
        err: Where errors go (default stderr).
        handout: Export only what trainees may see (no facilitator-only meters
            or notes).
        paper: ``a4`` or ``letter`` for a PDF (None: from the locale).

    Returns:
        The exit status: 0 on success; 2 for a problem the user can fix (a bad
        export file name, an unknown session, a scenario file that does not
        load, a store that cannot be used, a file that cannot be written);
        1 for an internal fault (an exporter that fails on valid data).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if export_to is not None:
        try:
            exporter_for(export_to)
            paper_or_default(paper)
        except ValueError as exc:
            print(f"hotline debrief: {exc}", file=err)
            return 2
    scenario = None
    if scenario_path is not None:
        try:
            scenario = load_file(scenario_path)
        except ScenarioFileError as exc:
            print(f"hotline debrief: {exc}", file=err)
            return 2
    try:
        opened = open_debrief(journal, session_id, scenario)
        sid = opened.debrief.session_id
        aar = load_aar(journal, sid) if sid else None
        whatifs = load_whatifs(journal, sid) if sid else []
        if aar is not None:
            apply_aar(opened.debrief, aar)
    except JournalError as exc:
        print(f"hotline debrief: {exc}", file=err)
        return 2 if is_user_problem(exc) else 1
    if export_to is None:
        if handout:
            from .handout import handout_view

            out.write(summary_text(handout_view(opened.debrief), aar, whatifs))
        else:
            out.write(summary_text(opened.debrief, aar, whatifs))
        return 0
    try:
        written = export_debrief(export_to, opened, journal,
                                 ExportOptions(handout=handout, paper=paper))
    except OSError as exc:
        print(f"hotline debrief: could not write {export_to}: {exc}", file=err)
        return 2
    except ValueError as exc:
        print(f"hotline debrief: could not write {export_to}: {exc}", file=err)
        return 1
    for notice in opened.debrief.notices:
        print(f"note: {notice}", file=err)
    print(f"wrote {written}", file=out)
    return 0
