"""Syntax highlighting for scenario YAML.

Keys, comments, quoted text, numbers and yes/no values, list dashes, and the
words of the condition language (``and``, ``or``, ``not``, ``flags.``,
``peak.`` …) each get a colour; ``TODO`` stands out so an author sees what is
left to write. Colours follow the light or dark theme.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

_PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "key": "#1f4e99", "comment": "#6a7480", "string": "#1e7a46", "number": "#9a3e9a",
        "bool": "#b3461e", "dash": "#586273", "cond": "#8a5a14", "todo_fg": "#7a1f00",
        "todo_bg": "#ffe08a", "id": "#0f6e66",
    },
    "dark": {
        "key": "#8cb8ff", "comment": "#8d96a3", "string": "#8fd6a4", "number": "#e0a3e8",
        "bool": "#ffab91", "dash": "#a9b3c1", "cond": "#f2c46d", "todo_fg": "#1b1300",
        "todo_bg": "#f2c46d", "id": "#7fd8cf",
    },
}

_KEY = re.compile(r"^(\s*(?:-\s+)*)([A-Za-z_][\w\-]*)(\s*:)(?=\s|$)")
_FLOW_KEY = re.compile(r"(?<=[{,]\s)([A-Za-z_][\w\-]*)(:)(?=\s)|(?<=\{)([A-Za-z_][\w\-]*)(:)(?=\s)")
_DASH = re.compile(r"^(\s*)(-)(?=\s|$)")
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"?|'(?:[^']|'')*'?")
_NUMBER = re.compile(r"(?<![\w.\-])-?\d+(?:\.\d+)?(?![\w.\-:])")
_BOOL = re.compile(r"(?<![\w.\-])(?:true|false|null|yes|no)(?![\w\-])", re.IGNORECASE)
_COND = re.compile(r"(?<![\w.])(?:and|or|not)(?![\w])|(?<![\w.])(?:flags|peak|channels|contact|"
                   r"call|visited|recent)\.(?=[\w\-])|\+=|-=|>=|<=|==|!=")
_TODO = re.compile(r"\bTODO\b")
_ID_VALUE = re.compile(r"^(\s*(?:-\s+)?)(id|next|goto|start|node|option|channel)(\s*:\s*)"
                       r"([a-z][\w\-]*)\s*(?:#.*)?$")


def _comment_start(text: str) -> int:
    """Index of a ``#`` that starts a comment (not inside quotes), or -1."""
    quote: str | None = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "\"'" and (i == 0 or text[i - 1] in " :-[{,"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return i
    return -1


class YamlHighlighter(QSyntaxHighlighter):
    """Colours a scenario YAML document line by line."""

    def __init__(self, document: QTextDocument, theme: str = "light") -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.set_theme(theme)

    def set_theme(self, theme: str) -> None:
        """Switch colours (``light`` or ``dark``) and re-highlight."""
        palette = _PALETTES.get(theme, _PALETTES["light"])

        def fmt(color: str, bold: bool = False, italic: bool = False,
                background: str | None = None) -> QTextCharFormat:
            f = QTextCharFormat()
            f.setForeground(QColor(color))
            if bold:
                f.setFontWeight(QFont.Weight.DemiBold)
            if italic:
                f.setFontItalic(True)
            if background:
                f.setBackground(QColor(background))
            return f

        self.formats = {
            "key": fmt(palette["key"], bold=True),
            "comment": fmt(palette["comment"], italic=True),
            "string": fmt(palette["string"]),
            "number": fmt(palette["number"]),
            "bool": fmt(palette["bool"]),
            "dash": fmt(palette["dash"], bold=True),
            "cond": fmt(palette["cond"], bold=True),
            "todo": fmt(palette["todo_fg"], bold=True, background=palette["todo_bg"]),
            "id": fmt(palette["id"]),
        }
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        """Colour one line."""
        cut = _comment_start(text)
        code = text if cut < 0 else text[:cut]
        f = self.formats
        for match in _NUMBER.finditer(code):
            self.setFormat(match.start(), match.end() - match.start(), f["number"])
        for match in _BOOL.finditer(code):
            self.setFormat(match.start(), match.end() - match.start(), f["bool"])
        for match in _COND.finditer(code):
            self.setFormat(match.start(), match.end() - match.start(), f["cond"])
        ident = _ID_VALUE.match(code)
        if ident:
            self.setFormat(ident.start(4), len(ident.group(4)), f["id"])
        for match in _STRING.finditer(code):
            self.setFormat(match.start(), match.end() - match.start(), f["string"])
        dash = _DASH.match(code)
        if dash:
            self.setFormat(dash.start(2), 1, f["dash"])
        key = _KEY.match(code)
        if key:
            self.setFormat(key.start(2), len(key.group(2)), f["key"])
        for match in _FLOW_KEY.finditer(code):
            group = 1 if match.group(1) else 3
            self.setFormat(match.start(group), len(match.group(group)), f["key"])
        if cut >= 0:
            self.setFormat(cut, len(text) - cut, f["comment"])
        for match in _TODO.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), f["todo"])
