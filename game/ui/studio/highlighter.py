"""Syntax highlighting for scenario YAML that follows the YAML structure.

Each line is read as YAML reads it: indentation, list dashes, a ``key:``,
then a value that is a quoted string, a flow collection (``{…}``, ``[…]``),
a block scalar (``|`` or ``>``, whose indented lines are prose) or a plain
scalar. Only then is the value coloured:

* keys, list dashes, comments, numbers and yes/no values;
* quoted strings — a quote starts a string only where a YAML scalar starts,
  so the apostrophe in ``China's balloon`` is prose, not a string;
* ids after ``id:``, ``next:``, ``goto:`` …;
* the condition language (``and``, ``or``, ``not``, ``flags.`` …, ``>=``,
  ``+=``) only in the fields that hold conditions or effects (``when``,
  ``requires``, ``available``, the rating levels, ``effects`` …). "and" in a
  brief is just a word.

``TODO`` stands out everywhere so an author sees what is left to write.
Colours follow the light, dark or high-contrast theme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

_PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "key": "#1f4e99", "comment": "#5f6875", "string": "#1e6b3f", "number": "#8a3a8a",
        "bool": "#a63f1a", "dash": "#4f5969", "cond": "#7a4f0f", "todo_fg": "#7a1f00",
        "todo_bg": "#ffe08a", "id": "#0d6660",
    },
    "dark": {
        "key": "#8cb8ff", "comment": "#a1aab8", "string": "#8fd6a4", "number": "#e0a3e8",
        "bool": "#ffab91", "dash": "#a9b3c1", "cond": "#f2c46d", "todo_fg": "#1b1300",
        "todo_bg": "#f2c46d", "id": "#7fd8cf",
    },
    "high-contrast": {
        "key": "#7ab8ff", "comment": "#d0d0d0", "string": "#7dff9a", "number": "#ff9cf5",
        "bool": "#ffb38a", "dash": "#ffffff", "cond": "#ffd84a", "todo_fg": "#000000",
        "todo_bg": "#ffd84a", "id": "#6ff0e6",
    },
}

#: Keys whose value is a condition (scenario format: when, requires, available, ratings).
CONDITION_KEYS = frozenset({"when", "requires", "available", "performed", "some", "major",
                            "unable", "condition", "if"})
#: Keys whose value (or list items) are effects: ``escalation += 5``, ``flags.x = true``.
EFFECT_KEYS = frozenset({"effects", "answer_effects", "effect"})
#: Keys whose value is an id (coloured as one when it is a bare word).
ID_KEYS = frozenset({"id", "next", "goto", "start", "node", "option", "channel", "on_timeout",
                     "meter", "openness_meter", "loss_of_life_flag", "role", "flag"})

_INDENT = re.compile(r"^( *)")
_DASHES = re.compile(r"((?:-(?: +|$))+)")
_KEY = re.compile(r"([A-Za-z_][\w\-]*)( *:)(?= |$)")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_BOOL = re.compile(r"(?:true|false|null|yes|no|on|off|~)", re.IGNORECASE)
_IDENT = re.compile(r"[A-Za-z][\w\-]*")
_EXPR_TOKEN = re.compile(
    r"(?P<word>(?<![\w.])(?:and|or|not|true|false)(?![\w\-]))"
    r"|(?P<name>(?<![\w.])(?:flags|peak|channels|contact|call|visited|recent|tags|leadership|"
    r"prices|pressure)\.(?=[\w\-]))"
    r"|(?P<op>\+=|-=|\*=|>=|<=|==|!=|[<>=])"
    r"|(?P<num>(?<![\w.])\d+(?:\.\d+)?(?![\w.]))"
    r"|(?P<str>\"[^\"]*\"|'[^']*')")
_TODO = re.compile(r"\bTODO\b")

# Block states carried from one line to the next (QSyntaxHighlighter.currentBlockState).
_NORMAL = -1
_BLOCK = 10_000        # + indent of the key: a | or > block scalar, its lines are prose
_EFFECT_LIST = 20_000  # + indent of the key: "effects:" with its items on the lines below
_DQUOTE = 30_000       # a double-quoted string goes on to the next line
_SQUOTE = 30_001       # a single-quoted one


@dataclass
class _Context:
    """What the value being coloured is: which key it belongs to, and where."""

    key: str = ""
    in_effect_list: bool = False


def comment_start(text: str, start: int = 0) -> int:
    """Index of a ``#`` that starts a comment (not inside quotes), or -1."""
    quote: str | None = None
    scalar_start = True
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "\"'" and scalar_start:
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return i
        scalar_start = ch in " \t:-[{," and (ch != ":" or i + 1 >= len(text)
                                             or text[i + 1] == " ")
    return -1


def _quoted_end(text: str, start: int) -> int:
    """End (exclusive) of the quoted scalar starting at ``start``; -1 if it goes on."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and i + 1 < len(text) and text[i + 1] == "'":
                i += 2  # '' is an escaped quote inside a single-quoted string
                continue
            return i + 1
        i += 1
    return -1


class YamlHighlighter(QSyntaxHighlighter):
    """Colours a scenario YAML document line by line, following its structure."""

    def __init__(self, document: QTextDocument, theme: str = "light") -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.set_theme(theme)

    def set_theme(self, theme: str) -> None:
        """Switch colours (``light``, ``dark`` or ``high-contrast``) and re-highlight."""
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

    # --- one line ---
    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        """Colour one line."""
        previous = self.previousBlockState()
        self.setCurrentBlockState(_NORMAL)
        indent = len(_INDENT.match(text).group(1))  # type: ignore[union-attr]
        blank = not text.strip()
        if _BLOCK <= previous < _EFFECT_LIST:
            base = previous - _BLOCK
            if blank or indent > base:  # still inside the block scalar: prose
                self.setCurrentBlockState(previous)
                self._todo(text)
                return
        pos = 0
        if previous in (_DQUOTE, _SQUOTE):  # a quoted string from an earlier line
            quote = '"' if previous == _DQUOTE else "'"
            end = _quoted_end(quote + text, 0)
            if end < 0:
                self._fmt(0, len(text), "string")
                self.setCurrentBlockState(previous)
                self._todo(text)
                return
            self._fmt(0, end - 1, "string")
            pos = end - 1
        effect_list = _EFFECT_LIST <= previous < _DQUOTE
        list_base = previous - _EFFECT_LIST if effect_list else -1
        cut = comment_start(text, pos)
        code_end = cut if cut >= 0 else len(text)
        if pos == 0:
            self._structure(text, code_end, indent, effect_list, list_base)
        if cut >= 0:
            self._fmt(cut, len(text) - cut, "comment")
        self._todo(text)

    def _structure(self, text: str, end: int, indent: int, effect_list: bool,
                   list_base: int) -> None:
        pos = indent
        dashes = _DASHES.match(text, pos)
        dashed = False
        if dashes and dashes.end() <= end:
            for i in range(dashes.start(), dashes.end()):
                if text[i] == "-":
                    self._fmt(i, 1, "dash")
            pos = dashes.end()
            dashed = True
        # Items of an "effects:" list written one per line below the key.
        in_list = effect_list and dashed and indent >= list_base
        if effect_list and (in_list or (indent > list_base and not text[pos:end].strip())):
            self.setCurrentBlockState(_EFFECT_LIST + list_base)
        key = _KEY.match(text, pos)
        if key and key.end() <= end:
            self._fmt(key.start(1), len(key.group(1)), "key")
            name = key.group(1)
            value_at = key.end()
            value = text[value_at:end]
            start = value_at + len(value) - len(value.lstrip())
            if not value.strip():
                if name in EFFECT_KEYS:
                    self.setCurrentBlockState(_EFFECT_LIST + indent)
                return
            self._value(text, start, end, _Context(name), indent)
            return
        if pos < end and text[pos:end].strip():
            start = pos + len(text[pos:end]) - len(text[pos:end].lstrip())
            self._value(text, start, end, _Context("", in_list), indent)

    def _value(self, text: str, start: int, end: int, ctx: _Context, indent: int) -> None:
        """Colour the value that starts at ``start`` (and runs to ``end``)."""
        if start >= end:
            return
        first = text[start]
        if first in "|>" and re.fullmatch(r"[|>][-+0-9]*\s*", text[start:end]):
            self.setCurrentBlockState(_BLOCK + indent)
            return
        if first in "\"'":
            stop = _quoted_end(text, start)
            if stop < 0:
                self._fmt(start, len(text) - start, "string")
                self.setCurrentBlockState(_DQUOTE if first == '"' else _SQUOTE)
                return
            self._fmt(start, stop - start, "string")
            if self._is_expression(ctx):
                self._expression(text, start + 1, stop - 1)
            return
        if first in "{[":
            self._flow(text, start, end, ctx)
            return
        self._plain(text, start, end, ctx)

    def _plain(self, text: str, start: int, end: int, ctx: _Context) -> None:
        scalar = text[start:end].rstrip()
        stop = start + len(scalar)
        if _NUMBER.fullmatch(scalar):
            self._fmt(start, stop - start, "number")
        elif _BOOL.fullmatch(scalar):
            self._fmt(start, stop - start, "bool")
        elif self._is_expression(ctx):
            self._expression(text, start, stop)
        elif ctx.key in ID_KEYS and _IDENT.fullmatch(scalar):
            self._fmt(start, stop - start, "id")
        # Anything else is prose: apostrophes and the words "and"/"or" stay plain.

    def _flow(self, text: str, start: int, end: int, ctx: _Context) -> None:
        """A flow collection: ``{key: value, …}`` or ``[item, …]``, possibly nested."""
        stack: list[str] = []
        key_ctx: list[_Context] = []
        i = start
        while i < end:
            ch = text[i]
            if ch in "{[":
                stack.append(ch)
                key_ctx.append(_Context(ctx.key if ch == "[" else "",
                                        ch == "[" and ctx.key in EFFECT_KEYS))
                i += 1
                continue
            if ch in "}]":
                if stack:
                    stack.pop()
                    key_ctx.pop()
                i += 1
                continue
            if ch in ", \t":
                i += 1
                continue
            current = key_ctx[-1] if key_ctx else ctx
            if stack and stack[-1] == "{":
                key = _KEY.match(text, i)
                if key is not None and key.end() <= end:
                    self._fmt(key.start(1), len(key.group(1)), "key")
                    current.key = key.group(1)
                    i = key.end()
                    continue
            if ch in "\"'":
                stop = _quoted_end(text, i)
                stop = end if stop < 0 or stop > end else stop
                self._fmt(i, stop - i, "string")
                if self._is_expression(current):
                    self._expression(text, i + 1, stop - 1)
                i = stop
                continue
            stop = i
            while stop < end and text[stop] not in ",]}":
                stop += 1
            inner = text[i:stop]
            if stack and stack[-1] == "{" and re.search(r":(?: |$)", inner):
                # ": " inside a plain flow scalar: YAML reads a nested key here, not text.
                stop = i + inner.index(":") + 1
            self._plain(text, i, stop, current)
            i = stop

    @staticmethod
    def _is_expression(ctx: _Context) -> bool:
        return ctx.key in CONDITION_KEYS or ctx.key in EFFECT_KEYS or ctx.in_effect_list

    def _expression(self, text: str, start: int, end: int) -> None:
        for match in _EXPR_TOKEN.finditer(text, start, end):
            kind = match.lastgroup
            style = {"word": "cond", "name": "cond", "op": "cond", "num": "number",
                     "str": "string"}.get(kind or "", "cond")
            self._fmt(match.start(), match.end() - match.start(), style)

    def _fmt(self, start: int, length: int, style: str) -> None:
        if length > 0:
            self.setFormat(start, length, self.formats[style])

    def _todo(self, text: str) -> None:
        for match in _TODO.finditer(text):
            self._fmt(match.start(), match.end() - match.start(), "todo")

    # --- reading (tests, accessibility) ---
    def style_at(self, line: int, column: int) -> str | None:
        """The style name (``key``, ``string``, ``cond`` …) of a character, or None."""
        block = self.document().findBlockByNumber(line)
        for fmt_range in block.layout().formats():
            if fmt_range.start <= column < fmt_range.start + fmt_range.length:
                for name, fmt in self.formats.items():
                    if fmt == fmt_range.format:
                        return name
        return None
