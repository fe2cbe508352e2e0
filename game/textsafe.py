"""One rule for control characters, and text that is safe to print on a terminal.

Text in Hotline comes from people: scenario authors, trainees typing names
and rationales, CSV tables. A control character in it can rewrite a
terminal (``ESC ] 0 ;`` sets the window title, ``ESC [ 2 J`` clears the
screen), and a bidirectional-override character can make an error message
read backwards or hide part of it. So:

* :data:`CONTROL` is the one definition of an unsafe character: C0 controls
  (tab and newline are fine), DEL, C1 controls, and the Unicode bidirectional
  formatting characters;
* scenario files may not contain one, whether written literally or as a
  YAML escape such as ``"\\e"`` (see :mod:`game.scenario.yamlsafe`);
* every text printed to a terminal goes through :func:`escape`, which shows
  each unsafe character as ``\\uXXXX`` (the terminal commands install
  :func:`safe_streams` once, so nothing printed can slip past it).

Never imports Qt.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"


def controls(allowed: str = "\t\n") -> re.Pattern[str]:
    """The unsafe characters as a pattern, leaving out the C0 controls in ``allowed``."""
    c0 = "".join(re.escape(chr(c)) for c in range(0x20) if chr(c) not in allowed)
    return re.compile(f"[{c0}\x7f-\x9f{_BIDI}]")


CONTROL = controls()
"""Unsafe characters, except tab and newline (see the module docstring)."""
CONTROL_OR_NEWLINE = controls("")
"""Unsafe characters including tab and newline (for one-line places such as table cells)."""

_NAMES = {
    0x00: "null", 0x07: "bell", 0x08: "backspace", 0x09: "tab", 0x0A: "newline",
    0x0D: "carriage return", 0x1B: "escape", 0x7F: "delete", 0x9B: "control sequence",
    0x061C: "Arabic letter mark", 0x200E: "left-to-right mark",
    0x200F: "right-to-left mark", 0x202A: "left-to-right embedding",
    0x202B: "right-to-left embedding", 0x202C: "pop directional formatting",
    0x202D: "left-to-right override", 0x202E: "right-to-left override",
    0x2066: "left-to-right isolate", 0x2067: "right-to-left isolate",
    0x2068: "first strong isolate", 0x2069: "pop directional isolate",
}


def describe(char: str) -> str:
    """``U+001B (escape)``: a control character named for people."""
    code = ord(char)
    name = _NAMES.get(code)
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


def first_control(text: str) -> int:
    """Index of the first unsafe character in ``text`` (tab and newline allowed), or -1."""
    found = CONTROL.search(text)
    return -1 if found is None else found.start()


def _shown(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape(text: str, *, one_line: bool = False) -> str:
    """``text`` with every unsafe character shown as ``\\uXXXX``.

    Args:
        text: Anything to print.
        one_line: Escape tabs and newlines too (table cells, one-line fields).
    """
    pattern = CONTROL_OR_NEWLINE if one_line else CONTROL
    return pattern.sub(_shown, text)


class SafeStream:
    """A text stream that escapes unsafe characters in everything written to it.

    The escapes are valid inside JSON strings, so JSON written through it stays
    valid JSON (``json.dumps`` already escapes the C0 controls itself).
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(CONTROL.sub(_shown, text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding, buffer...
        return getattr(self.stream, name)


def unwrapped(stream: TextIO | SafeStream) -> TextIO:
    """The stream under a :class:`SafeStream`, for the program's own control
    sequences (a progress line that rewrites itself)."""
    return stream.stream if isinstance(stream, SafeStream) else stream


@contextmanager
def safe_streams() -> Iterator[None]:
    """Escape unsafe characters in everything printed to stdout and stderr meanwhile."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, SafeStream):
        sys.stdout = SafeStream(sys.stdout)
    if not isinstance(sys.stderr, SafeStream):
        sys.stderr = SafeStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
