"""Diagnostics: what is wrong in a scenario file, where, and how to fix it.

Every problem the loader finds, from a stray byte to a ``next`` that names no
node, becomes a :class:`Diagnostic` with the file, the line and column (1-based),
the field path (``nodes[3].decision.options[0].next``), a plain-English message
and, when there is one, a suggested fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


def format_path(loc: Sequence[str | int]) -> str:
    """``("nodes", 3, "decision")`` -> ``nodes[3].decision``."""
    out: list[str] = []
    for part in loc:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else str(part))
    return "".join(out)


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a scenario file.

    Attributes:
        file: The file name as given to the loader.
        line: 1-based line, 0 when the problem has no place in the file.
        col: 1-based column, 0 when unknown.
        path: Field path such as ``nodes[3].decision.options[0].next``; empty
            for problems with the file itself.
        message: What is wrong, for the scenario's author.
        fix: What to do about it; may be empty.
        severity: ``"error"`` stops the scenario from loading; ``"warning"`` does not.
        code: A short stable name of the kind of problem (for tests and filters).
    """

    file: str
    line: int
    col: int
    path: str
    message: str
    fix: str = ""
    severity: Severity = "error"
    code: str = "invalid"

    def format(self) -> str:
        """``file:line:col: path: message (fix: ...)``, leaving out empty parts."""
        where = self.file or "<scenario>"
        if self.line > 0:
            where += f":{self.line}"
            if self.col > 0:
                where += f":{self.col}"
        parts = [where]
        if self.severity == "warning":
            parts.append("warning")
        if self.path:
            parts.append(self.path)
        text = ": ".join(parts) + ": " + self.message
        if self.fix:
            text += f" (fix: {self.fix})"
        return text

    def __str__(self) -> str:
        return self.format()


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order by position in the file; problems without a position come first.

    Problems at the same place keep the order they were found in (for missing
    fields, the order the format lists them).
    """
    return sorted(diagnostics, key=lambda d: (d.line, d.col))


class ScenarioLoadError(Exception):
    """A scenario file could not be loaded; ``diagnostics`` says why.

    Attributes:
        diagnostics: Every problem found by the step that stopped loading.
        note: Which checks did not run yet because of them ('' if all ran).
    """

    def __init__(self, diagnostics: Sequence[Diagnostic], note: str = "") -> None:
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        self.note = note
        super().__init__(self.__str__())

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def __str__(self) -> str:
        lines = [d.format() for d in self.diagnostics]
        if self.note:
            lines.append(f"({self.note})")
        return "\n".join(lines)
