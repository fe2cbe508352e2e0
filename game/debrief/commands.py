"""The ``hotline debrief SESSION [--export FILE]`` command, as one function.

The CLI parses the arguments and calls :func:`debrief_command`; this module
does the rest so the command and the Debrief window share one code path.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from .aar import load_aar
from .source import ScenarioLoadError, load_scenario_file, open_debrief
from .text import summary_text

#: File extensions ``--export`` understands.
EXPORT_FORMATS = (".pdf", ".html", ".htm", ".json")


def export_debrief(path: str | Path, opened: Any, journal: Any) -> Path:
    """Write a debrief to a file, the format chosen by the extension.

    Args:
        path: ``*.pdf``, ``*.html``/``*.htm`` or ``*.json``.
        opened: An :class:`~game.debrief.source.OpenedDebrief`.
        journal: The journal (for the session's AAR edits).

    Returns:
        The path written.

    Raises:
        ValueError: On an unknown extension.
        OSError: If the file cannot be written.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise ValueError(f"cannot export to '{out.name}': use a file ending in .pdf, .html "
                         "or .json")
    aar = load_aar(journal, opened.debrief.session_id) if opened.debrief.session_id else None
    if suffix == ".pdf":
        from .export_pdf import export_pdf

        return export_pdf(out, opened.debrief, aar)
    if suffix in (".html", ".htm"):
        from .export_html import export_html

        return export_html(out, opened.debrief, aar)
    from .export_json import export_json

    return export_json(out, opened.debrief, aar)


def debrief_command(journal: Any, session_id: str, export: str | None = None, *,
                    scenario_path: str | None = None, out: TextIO | None = None,
                    err: TextIO | None = None) -> int:
    """Print a session's debrief summary, or export it to a file.

    Args:
        journal: A :class:`game.records.journal.Journal`.
        session_id: Session id or unique prefix.
        export: File to write (format by extension), or None to print the summary.
        scenario_path: Use this scenario file instead of the one the journal recorded.
        out: Where the summary goes (default stdout).
        err: Where errors go (default stderr).

    Returns:
        The exit status: 0 on success; 2 for a problem the user can fix (a bad
        export file name, an unknown session, a scenario file that does not
        load, a store that cannot be used, a file that cannot be written);
        1 for an internal fault (an exporter that fails on valid data).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    from game.records import JournalError, is_user_problem

    if export is not None and Path(export).suffix.lower() not in EXPORT_FORMATS:
        print(f"hotline debrief: cannot export to '{export}': use a file ending in .pdf, "
              ".html or .json", file=err)
        return 2
    scenario = None
    if scenario_path is not None:
        try:
            scenario = load_scenario_file(scenario_path)
        except ScenarioLoadError as exc:
            print(f"hotline debrief: {exc}", file=err)
            return 2
    try:
        opened = open_debrief(journal, session_id, scenario)
        if opened.debrief.session_id:
            from .aar import apply_aar

            apply_aar(opened.debrief, load_aar(journal, opened.debrief.session_id))
    except JournalError as exc:
        print(f"hotline debrief: {exc}", file=err)
        return 2 if is_user_problem(exc) else 1
    if export is None:
        out.write(summary_text(opened.debrief))
        return 0
    try:
        written = export_debrief(export, opened, journal)
    except OSError as exc:
        print(f"hotline debrief: could not write {export}: {exc}", file=err)
        return 2
    except ValueError as exc:
        print(f"hotline debrief: could not write {export}: {exc}", file=err)
        return 1
    for notice in opened.debrief.notices:
        print(f"note: {notice}", file=err)
    print(f"wrote {written}", file=out)
    return 0
