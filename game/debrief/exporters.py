"""The debrief's export formats: one registry the CLI and the debrief window share.

Adding a format is one :class:`Exporter` row: its file suffixes, the name a
button or a message shows, and the function that writes it (imported when
first used, so the PDF writer's QtGui is loaded only for a PDF).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .aar import AAR
from .model import Debrief
from .whatif import WhatIf

__all__ = ["EXPORTERS", "ExportOptions", "Exporter", "export", "exporter_for", "suffix_help"]


@dataclass(frozen=True)
class Exporter:
    """One export format.

    Attributes:
        name: What buttons and messages call it ("PDF").
        suffixes: File name endings it writes, the usual one first.
        module: The module holding the writer (imported on first use).
        function: The writer: ``fn(path, debrief, aar, whatifs, *, handout, paper) -> Path``.
    """

    name: str
    suffixes: tuple[str, ...]
    module: str
    function: str

    @property
    def suffix(self) -> str:
        return self.suffixes[0]

    def write(self, path: str | Path, debrief: Debrief, aar: AAR | None = None,
              whatifs: Sequence[WhatIf] = (), options: ExportOptions | None = None) -> Path:
        writer: Any = getattr(importlib.import_module(self.module), self.function)
        opts = options or ExportOptions()
        written: Path = writer(Path(path), debrief, aar, whatifs, handout=opts.handout,
                               paper=opts.paper)
        return written


@dataclass(frozen=True)
class ExportOptions:
    """How to export, the same for every format.

    Attributes:
        handout: For the trainees' hands: facilitator-only meters and notes left
            out (the describer's rule, :mod:`game.debrief.handout`).
        paper: ``a4`` or ``letter`` for printed formats; None: from the locale
            (:func:`game.debrief.paper.default_paper`).
    """

    handout: bool = False
    paper: str | None = None


#: Every export format, in the order buttons show them.
EXPORTERS: tuple[Exporter, ...] = (
    Exporter("PDF", (".pdf",), "game.debrief.export_pdf", "export_pdf"),
    Exporter("HTML", (".html", ".htm"), "game.debrief.export_html", "export_html"),
    Exporter("JSON", (".json",), "game.debrief.export_json", "export_json"),
)


def suffix_help() -> str:
    """``.pdf, .html or .json`` (for messages)."""
    names = [e.suffix for e in EXPORTERS]
    return ", ".join(names[:-1]) + f" or {names[-1]}"


def exporter_for(path: str | Path) -> Exporter:
    """The format a file name asks for.

    Raises:
        ValueError: The suffix is not one Hotline writes (the message says which are).
    """
    suffix = Path(path).suffix.lower()
    for exporter in EXPORTERS:
        if suffix in exporter.suffixes:
            return exporter
    raise ValueError(f"cannot export to '{Path(path).name}': use a file ending in "
                     f"{suffix_help()}")


def export(path: str | Path, debrief: Debrief, aar: AAR | None = None,
           whatifs: Sequence[WhatIf] = (), options: ExportOptions | None = None) -> Path:
    """Write a debrief to a file, the format chosen by the suffix.

    Raises:
        ValueError: On an unknown suffix or paper.
        OSError: If the file cannot be written.
    """
    return exporter_for(path).write(path, debrief, aar, whatifs, options)
