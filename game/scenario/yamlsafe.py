"""Safe YAML reading that remembers where every key and value came from.

Scenario files are data written by people, and sometimes by mistake or
malice. This module never lets a YAML library build objects: it reads the
*event stream* of ruamel.yaml's pure-Python parser and constructs plain
``dict``/``list``/``str``/``int``/``float``/``bool``/``None`` values itself,
so no tag can run code. While it does so it records the 1-based line and
column of every key and value by field path, which is how the loader points
at ``nodes[3].decision.options[0].next`` in the file.

Limits (all reported as :class:`~game.scenario.diagnostics.Diagnostic`):

* files over :data:`MAX_BYTES`, anything but a regular file (a FIFO or a device
  would hang or never end), binary or non-UTF-8 content, control characters
  (written literally or as a double-quoted escape such as ``"\\e"``, see
  :mod:`game.textsafe`), numbers that are not finite or beyond ±10^15;
* empty files and files holding only comments;
* nesting deeper than :data:`MAX_DEPTH`;
* more than :data:`MAX_VALUES` values, counting each use of an ``*alias`` as
  a full copy (a "billion laughs" file fails at the first alias that crosses
  the line, long before it costs memory or time);
* any tag except the standard ``!!str``/``!!int``/``!!float``/``!!bool``/
  ``!!null``/``!!map``/``!!seq``;
* duplicate keys (both lines are named), merge keys ``<<``, keys that are
  not plain words, several documents in one file, a top level that is not a
  mapping; and any YAML syntax error, in plain words with its line and column.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from game.textsafe import controls, describe, escape, first_control

from .diagnostics import Diagnostic, ScenarioLoadError, format_path
from .syntax import MAX_NUMBER, shown_number

# libyaml's parser (ruamel.yaml's "libyaml" extra) is some ten times faster than
# the pure-Python one; it is used when installed. Syntax errors are always
# reported by the pure-Python parser, so messages do not depend on the machine.
try:
    from _ruamel_yaml import CParser as _CParser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on what is installed
    try:
        from _ruamel_yaml_clibz import CParser as _CParser  # type: ignore[import-not-found]
    except ImportError:
        _CParser = None

# PyYAML ships libyaml in its wheels on every common platform, so it is the
# C parser a fresh machine has; only its event stream is used (never its
# loaders), and its event classes carry the same fields as ruamel.yaml's.
try:
    import yaml as _pyyaml
    import yaml.events as _py_events
    from yaml._yaml import CParser as _PyCParser
except ImportError:  # pragma: no cover - depends on what is installed
    _pyyaml = None
    _py_events = None
    _PyCParser = None

HAVE_C_PARSER = _CParser is not None or _PyCParser is not None
_MAPPING_STARTS: frozenset[type] = frozenset(
    {MappingStartEvent} | ({_py_events.MappingStartEvent} if _py_events is not None else set())
)
_C_ERRORS: tuple[type[BaseException], ...] = (
    (YAMLError, _pyyaml.YAMLError) if _pyyaml is not None else (YAMLError,)
)

MAX_BYTES = 2 * 1024 * 1024
"""Largest scenario file accepted (2 MiB); real scenarios are a few dozen KiB."""
MAX_DEPTH = 50
"""Deepest nesting of lists and mappings accepted."""
MAX_VALUES = 100_000
"""Most values (keys not counted) a file may hold once aliases are expanded."""

Loc = tuple[str | int, ...]
Pos = tuple[int, int]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_STD + t for t in ("str", "int", "float", "bool", "null"))
_MAPPING_TAGS = frozenset({_STD + "map"})
_SEQUENCE_TAGS = frozenset({_STD + "seq"})

# YAML 1.2 core schema, the only implicit types a scenario file has.
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")

# Characters YAML 1.2 refuses in a stream (C0/C1 controls except tab/newlines, NEL).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# The one rule (game.textsafe.CONTROL), with the carriage return of CRLF line ends allowed
# in the stream; a value that holds one after YAML's escapes is refused (_Walker.scalar).
_STREAM_CONTROL = controls("\t\n\r")


@dataclass(frozen=True)
class ParsedYaml:
    """A parsed scenario file: plain data plus where each part was written.

    Attributes:
        data: The top-level mapping, built only from plain Python values.
        values: Field path -> (line, column) of each value (1-based).
        keys: Field path -> (line, column) of the key that introduced it.
        raw: Field path -> source text of scalars that are not text
            (numbers, booleans, nulls), for messages such as "put 1.10 in quotes".
        text: The text that was parsed (for columns inside a value).
    """

    data: dict[str, Any]
    values: Mapping[Loc, Pos] = field(repr=False)
    keys: Mapping[Loc, Pos] = field(repr=False)
    raw: Mapping[Loc, str] = field(repr=False, default_factory=dict)
    text: str = field(repr=False, default="")

    def nearest(self, loc: Loc) -> Loc:
        """The longest prefix of ``loc`` that was written in the file."""
        loc = tuple(loc)
        while loc and loc not in self.values:
            loc = loc[:-1]
        return loc

    def value_position(self, loc: Loc) -> Pos:
        """Where the value at ``loc`` (or its nearest written parent) starts."""
        return self.values.get(self.nearest(loc), (1, 1))

    def key_position(self, loc: Loc) -> Pos:
        """Where the key naming ``loc`` is written (falls back to the value)."""
        loc = tuple(loc)
        if loc in self.keys:
            return self.keys[loc]
        return self.value_position(loc)


# --- reading bytes -----------------------------------------------------------


def _file_problem(filename: str, message: str, fix: str, code: str, line: int = 0,
                  col: int = 0) -> ScenarioLoadError:
    return ScenarioLoadError([Diagnostic(filename, line, col, "", message, fix, "error", code)])


def _line_col_of_byte(data: bytes, offset: int) -> Pos:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def decode_bytes(data: bytes, filename: str) -> str:
    """Check and decode a scenario file's bytes as UTF-8 text.

    Raises:
        ScenarioLoadError: Too large, binary, UTF-16/32, or not valid UTF-8.
    """
    if len(data) > MAX_BYTES:
        line, col = _line_col_of_byte(data, MAX_BYTES)
        raise _file_problem(
            filename,
            f"the file is too large ({len(data) / 1_048_576:.1f} MB; the limit of "
            f"{MAX_BYTES // 1_048_576} MB is passed here)",
            "a scenario is a text file of a few hundred kB at most; check that this is the "
            "right file",
            "file-size", line, col,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_problem(
            filename, "the file is saved as UTF-16 text, not UTF-8",
            "save it again with the encoding set to UTF-8", "file-encoding", 1, 1,
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col_of_byte(data, nul)
        raise _file_problem(
            filename,
            f"this is not a text file: it contains a zero byte (byte {nul + 1})",
            "choose the scenario's .yaml file, or save the scenario as plain UTF-8 text",
            "file-binary", line, col,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(data, exc.start)
        raise _file_problem(
            filename,
            f"the file is not UTF-8 text: byte 0x{data[exc.start]:02X} (byte {exc.start + 1}) "
            "cannot be read",
            "save the file with the encoding set to UTF-8",
            "file-encoding", line, col,
        ) from None


class FileRefused(Exception):
    """A file that is not read: missing, a folder, not a regular file, too large.

    Attributes:
        message: What is wrong, in plain words.
        fix: What to do.
        code: ``file-missing``, ``file-not-regular``, ``file-size`` or ``file-unreadable``.
        line: For a file too large, the line where the limit is passed (else 0).
        col: Its column (else 0).
    """

    def __init__(self, message: str, fix: str, code: str, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message, self.fix, self.code, self.line, self.col = message, fix, code, line, col


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_limited(path: str | Path, limit: int, what: str = "scenario") -> bytes:
    """Read a regular file of at most ``limit`` bytes, and nothing else.

    The file is opened without blocking and checked before anything is read,
    so a FIFO, ``/dev/zero`` or a huge file never hangs the program or fills
    its memory: at most ``limit`` + 1 bytes are ever read.

    Args:
        path: The file.
        limit: Largest size accepted, in bytes.
        what: What the file should be, for messages ("scenario", "MSEL table").

    Raises:
        FileRefused: The file is missing, a folder, not a regular file,
            larger than ``limit`` (with the line where the limit is passed),
            or cannot be read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileRefused("the file does not exist", "check the path", "file-missing") from None
    except IsADirectoryError:
        raise FileRefused("this is a folder, not a file", f"choose the {what} file",
                          "file-missing") from None
    except OSError as exc:
        raise FileRefused(f"the file cannot be read ({exc.strerror or exc})",
                          "check that it exists and that you may read it",
                          "file-unreadable") from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError:  # pragma: no cover - fstat of an open descriptor does not fail
        mode = 0
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise FileRefused("this is a folder, not a file", f"choose the {what} file",
                              "file-missing")
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise FileRefused(f"this is {kind}, not a regular file, so it is not read",
                          f"save the {what} to a file and give its path", "file-not-regular")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise FileRefused(f"the file cannot be read ({exc.strerror or exc})",
                              "check that it exists and that you may read it",
                              "file-unreadable") from None
    if len(data) > limit:
        line, col = _line_col_of_byte(data, limit)
        raise FileRefused(
            f"the file is too large (more than {_size(limit)}; the limit is passed here)",
            f"a {what} is a text file of a few hundred kB at most; check that this is the "
            "right file", "file-size", line, col)
    return data


def _size(limit: int) -> str:
    return f"{limit // 1_048_576} MB" if limit >= 1_048_576 else f"{limit // 1024} kB"


def read_bytes(path: str | Path, filename: str | None = None) -> bytes:
    """Read a scenario file: a regular file of at most :data:`MAX_BYTES` bytes.

    Raises:
        ScenarioLoadError: The file is missing, not a regular file, unreadable
            or too large (see :func:`read_limited`).
    """
    name = filename if filename is not None else str(path)
    try:
        return read_limited(path, MAX_BYTES)
    except FileRefused as exc:
        raise _file_problem(name, exc.message, exc.fix, exc.code, exc.line, exc.col) from None


# --- scalars -----------------------------------------------------------------


class _Fatal(Exception):
    """Stop reading: the rest of the file cannot be trusted."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def _resolve_plain(text: str) -> Any:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    first = text[:1]
    if first.isalpha() and first not in "tTfFnN":
        return text  # most scalars are words: no pattern can match
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return _to_int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _SPECIAL_FLOAT.fullmatch(text):
        return math.nan
    return text


def _to_int(text: str) -> int:
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _with_tag(text: str, tag: str) -> Any:
    """The value of a scalar with an explicit standard tag; ValueError if it does not fit."""
    kind = tag[len(_STD):]
    if kind == "str":
        return text
    if kind == "null":
        if text in _NULL:
            return None
        raise ValueError
    if kind == "bool":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError
    if kind == "int":
        if _INT.fullmatch(text):
            return _to_int(text)
        raise ValueError
    value = _resolve_plain(text)  # float
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ValueError


# --- the event walk ----------------------------------------------------------


_NO_KEY: Any = object()


class _Frame:
    """An open mapping or sequence."""

    __slots__ = ("container", "loc", "pos", "anchor", "record", "is_map", "size", "key",
                 "key_pos", "skip", "seen")

    def __init__(self, container: dict[str, Any] | list[Any], loc: Loc, pos: Pos,
                 anchor: str | None, record: bool) -> None:
        self.container = container
        self.loc = loc
        self.pos = pos
        self.anchor = anchor
        self.record = record
        self.is_map = isinstance(container, dict)
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_pos: Pos = (0, 0)
        self.skip = False
        self.seen: dict[str, int] = {}


class _Walker:
    """Builds plain data and the position maps from a parser's events."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.values: dict[Loc, Pos] = {}
        self.keys: dict[Loc, Pos] = {}
        self.raw: dict[Loc, str] = {}
        self.problems: list[Diagnostic] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.count = 0
        self.aliased = False
        self.root: Any = _NO_KEY
        self.root_pos: Pos = (1, 1)
        self.documents = 0

    # diagnostics
    def diag(self, pos: Pos, loc: Loc, message: str, fix: str, code: str) -> Diagnostic:
        return Diagnostic(self.filename, pos[0], pos[1], format_path(loc), message, fix,
                          "error", code)

    def problem(self, pos: Pos, loc: Loc, message: str, fix: str, code: str) -> None:
        self.problems.append(self.diag(pos, loc, message, fix, code))

    def fatal(self, pos: Pos, loc: Loc, message: str, fix: str, code: str) -> _Fatal:
        return _Fatal(self.diag(pos, loc, message, fix, code))

    def next_loc(self) -> Loc:
        """The field path of the value that comes next (its key when a key is due)."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if not top.is_map:
            return (*top.loc, len(top.container))
        if top.key is _NO_KEY:
            return top.loc
        return (*top.loc, top.key)

    def count_values(self, n: int, pos: Pos) -> None:
        self.count += n
        if self.count <= MAX_VALUES:
            return
        if self.aliased:
            raise self.fatal(
                pos, self.next_loc()[:1],
                f"the '*' aliases in this file expand to more than {MAX_VALUES:,} values",
                "use aliases sparingly, or write the values out", "yaml-alias",
            )
        raise self.fatal(pos, (), f"the file holds more than {MAX_VALUES:,} values",
                         "split the scenario or shorten it", "yaml-size")

    def check_tag(self, tag: Any, allowed: frozenset[str], pos: Pos) -> str | None:
        """The explicit standard tag, None when untagged; records an error for others."""
        text = str(getattr(tag, "value", tag))
        if text == "!":
            return None
        if text in allowed:
            return text
        self.problem(
            pos, self.next_loc(),
            f"tags are not allowed in scenario files (found '{_show_tag(text)}')",
            f"remove '{_show_tag(text)}' and write a plain value", "yaml-tag",
        )
        return None

    def attach(self, value: Any, size: int, pos: Pos, raw: str | None) -> None:
        """Put a finished value (scalar, alias or collection) where it belongs."""
        stack = self.stack
        if not stack:
            self.root = value
            self.root_pos = pos
            return
        top = stack[-1]
        top.size += size
        if not top.is_map:
            container: list[Any] = top.container  # type: ignore[assignment]
            if top.record:
                loc = (*top.loc, len(container))
                self.values[loc] = pos
                if raw is not None:
                    self.raw[loc] = raw
            container.append(value)
            return
        key = top.key
        if key is _NO_KEY:
            raise AssertionError("attach() called for a key")
        if top.skip:
            top.skip = False
        else:
            if top.record:
                loc = (*top.loc, key)
                self.keys[loc] = top.key_pos
                # An empty value has no text of its own: point at its key.
                self.values[loc] = top.key_pos if (value is None and raw == "") else pos
                if raw is not None:
                    self.raw[loc] = raw
            top.container[key] = value
        top.key = _NO_KEY

    def set_key(self, top: _Frame, text: str, pos: Pos) -> None:
        seen = top.seen
        if text in seen or text == "<<":
            if text == "<<":
                self.problem(pos, top.loc, "merge keys ('<<') are not supported in scenario files",
                             "write the keys out in full", "yaml-merge")
            else:
                self.problem(
                    pos, (*top.loc, text),
                    f"the key '{text}' appears twice in the same block (lines {seen[text]} "
                    f"and {pos[0]})",
                    "keep one of them and delete or rename the other", "yaml-duplicate-key",
                )
            top.skip = True
        else:
            seen[text] = pos[0]
        top.key = text
        top.key_pos = pos

    def scalar(self, ev: Any) -> None:
        mark = ev.start_mark
        pos = (mark.line + 1, mark.column + 1)
        text: str = ev.value
        tag = ev.tag
        stack = self.stack
        if ev.style == '"' and first_control(text) >= 0:
            self.control_escape(text, pos)
        if stack:
            top = stack[-1]
            if top.is_map and top.key is _NO_KEY:  # a key
                if tag is not None:
                    self.check_tag(tag, _SCALAR_TAGS, pos)
                if ev.anchor is not None:
                    self.anchors[ev.anchor] = (text, 1)
                self.set_key(top, text, pos)
                return
        if tag is None:
            if not ev.style:  # plain (None from ruamel's parser, '' from libyaml's)
                try:
                    value = _resolve_plain(text)
                except ValueError:
                    self.problem(pos, self.next_loc(), "this number is too long",
                                 "write a shorter number", "yaml-number")
                    value = text
            else:
                value = text
        else:
            explicit = self.check_tag(tag, _SCALAR_TAGS, pos)
            value = text
            if explicit is not None:
                try:
                    value = _with_tag(text, explicit)
                except ValueError:
                    self.problem(pos, self.next_loc(),
                                 f"'{_short(text)}' is not a valid {_show_tag(explicit)} value",
                                 f"remove '{_show_tag(explicit)}' or fix the value", "yaml-tag")
        raw: str | None = None
        if value.__class__ is not str:
            raw = text
            if value.__class__ is float and not math.isfinite(value):
                self.problem(pos, self.next_loc(), f"'{_short(text)}' is not a usable number",
                             "write an ordinary number such as 40 or 0.5", "yaml-number")
            elif value.__class__ in (int, float) and abs(value) > MAX_NUMBER:
                self.problem(pos, self.next_loc(),
                             f"the number {shown_number(text)} is beyond ±10^15, the largest "
                             "Hotline accepts", "write an ordinary number such as 40 or 0.5",
                             "yaml-number")
        if ev.anchor is not None:
            self.anchors[ev.anchor] = (value, 1)
        self.count += 1
        if self.count > MAX_VALUES:
            self.count_values(0, pos)
        self.attach(value, 1, pos, raw)

    def control_escape(self, text: str, pos: Pos) -> None:
        """Refuse a double-quoted text whose escapes make a control character."""
        char = text[first_control(text)]
        self.problem(
            pos, self.next_loc(),
            f"this text holds a control character, {describe(char)}, written as an escape "
            f"in double quotes ('{_short(escape(text, one_line=True))}')",
            "remove it: scenario text may not hold control characters (they could rewrite "
            "a terminal or reorder what people read)", "text-control",
        )

    def alias(self, ev: Any) -> None:
        mark = ev.start_mark
        pos = (mark.line + 1, mark.column + 1)
        if ev.anchor not in self.anchors:
            raise self.fatal(
                pos, self.next_loc(),
                f"'*{ev.anchor}' refers to an anchor '&{ev.anchor}' that is not defined above it",
                f"define '&{ev.anchor}' earlier in the file, or write the value out",
                "yaml-alias",
            )
        value, size = self.anchors[ev.anchor]
        if self.stack:
            top = self.stack[-1]
            if top.is_map and top.key is _NO_KEY:
                if not isinstance(value, str):
                    raise self.fatal(pos, top.loc, "a key must be a plain word, not an alias",
                                     "write keys as 'name: value'", "yaml-key")
                self.set_key(top, value, pos)
                return
        self.aliased = True
        self.count_values(size, pos)
        self.attach(value, size, pos, None)

    def start(self, ev: Any) -> None:
        mark = ev.start_mark
        pos = (mark.line + 1, mark.column + 1)
        stack = self.stack
        record = True
        loc: Loc = ()
        if stack:
            top = stack[-1]
            if top.is_map:
                if top.key is _NO_KEY:
                    raise self.fatal(pos, top.loc,
                                     "a key must be a plain word, not a list or a mapping",
                                     "write keys as 'name: value'", "yaml-key")
                loc = (*top.loc, top.key)
                record = top.record and not top.skip
            else:
                loc = (*top.loc, len(top.container))
                record = top.record
        if len(stack) >= MAX_DEPTH:
            raise self.fatal(
                pos, loc[:1], f"the file is nested more than {MAX_DEPTH} levels deep",
                "a scenario never needs this much nesting; check the indentation",
                "yaml-depth",
            )
        is_map = ev.__class__ in _MAPPING_STARTS
        if ev.tag is not None:
            self.check_tag(ev.tag, _MAPPING_TAGS if is_map else _SEQUENCE_TAGS, pos)
        self.count += 1
        if self.count > MAX_VALUES:
            self.count_values(0, pos)
        container: dict[str, Any] | list[Any] = {} if is_map else []
        stack.append(_Frame(container, loc, pos, ev.anchor, record))
        if record:
            # Known as soon as it opens, so children's problems can fall back to it.
            self.values[loc] = pos

    def end(self, ev: Any) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.container, frame.size)
        self.attach(frame.container, frame.size, frame.pos, None)

    def document(self, ev: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            pos = (ev.start_mark.line + 1, ev.start_mark.column + 1)
            raise self.fatal(
                pos, (), "the file holds more than one YAML document ('---')",
                "keep one scenario per file; remove the second '---' and what follows",
                "yaml-documents",
            )

    def run(self, events: Iterable[Any]) -> None:
        handlers: dict[type, Any] = {
            ScalarEvent: self.scalar,
            MappingStartEvent: self.start,
            SequenceStartEvent: self.start,
            MappingEndEvent: self.end,
            SequenceEndEvent: self.end,
            AliasEvent: self.alias,
            DocumentStartEvent: self.document,
        }
        if _py_events is not None:
            handlers.update({
                _py_events.ScalarEvent: self.scalar,
                _py_events.MappingStartEvent: self.start,
                _py_events.SequenceStartEvent: self.start,
                _py_events.MappingEndEvent: self.end,
                _py_events.SequenceEndEvent: self.end,
                _py_events.AliasEvent: self.alias,
                _py_events.DocumentStartEvent: self.document,
            })
        get = handlers.get
        for ev in events:
            handler = get(ev.__class__)
            if handler is not None:
                handler(ev)


# --- syntax errors in plain words --------------------------------------------


def _syntax_message(exc: MarkedYAMLError) -> tuple[str, str]:
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    if "mapping values are not allowed" in problem:
        return ("there is a ':' where YAML does not expect one",
                "put text that contains ': ' in quotes, or check this line's indentation")
    if "'\\t'" in problem or "\t" in problem:
        return ("a tab character is used for indentation",
                "indent with spaces only (most editors can convert tabs to spaces)")
    if "could not find expected ':'" in problem:
        return ("a line in a block of 'key: value' lines has no ':'",
                "add ': ' after the key, or check the indentation of this line and the one "
                "before")
    if "end of stream" in problem and "quoted" in context:
        return ("this quotation mark is never closed",
                "close the quote at the end of the text")
    if "unknown escape character" in problem:
        return (f"{problem} inside double quotes",
                "write a backslash as '\\\\', or use single quotes around the text")
    if ("expected ',' or '}'" in problem or "expected ',' or ']'" in problem) \
            and "got ':'" in problem:
        return ("a ': ' inside a value written in { } or [ ] starts another key",
                "put the value that contains ': ' in quotes, e.g. label: \"Note: this\"")
    if "expected ',' or ']'" in problem:
        return ("a list written in [ ] is not closed properly",
                "separate items with ', ' and end the list with ']'")
    if "expected ',' or '}'" in problem:
        return ("a mapping written in { } is not closed properly",
                "separate entries with ', ' and end it with '}'")
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if "'" in problem else "?"
        return (f"a value cannot start with '{char}'",
                "put the value in quotes")
    if "while scanning an alias" in context or "while scanning an anchor" in context:
        return ("an '*' or '&' must be followed by a name",
                "put the value in quotes if the '*' or '&' is part of the text")
    if "expected <block end>" in problem or "did not find expected key" in problem \
            or "expected <block mapping start>" in problem \
            or "did not find expected '-'" in problem:
        if "'-'" in problem or "block sequence" in problem:
            return ("a list item ('- ') appears where a key was expected",
                    "indent the list under its key, or line it up with the other items")
        if "<scalar>" in problem:
            return ("this line does not fit the structure around it",
                    "check for a stray quote or ':' and the indentation of this line")
        return ("the indentation here does not match the lines around it",
                "line keys of the same block up exactly, using spaces")
    text = problem or context or "the YAML cannot be read"
    return (f"YAML syntax error: {text}",
            "check this line and the one before it (indentation, quotes, ':' and '-')")


def _syntax_error(exc: MarkedYAMLError, filename: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and "end of stream" in str(exc.problem or ""):
        mark = exc.context_mark  # where the unfinished thing started, not the file's end
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    message, fix = _syntax_message(exc)
    return Diagnostic(filename, line, col, "", message, fix, "error", "yaml-syntax")


def _check_characters(text: str, filename: str) -> None:
    """Refuse what YAML does not allow in a stream, and the controls no scenario may hold."""
    bad = _NON_PRINTABLE.search(text)
    control = _STREAM_CONTROL.search(text)
    if bad is None and control is None:
        return
    offset = min(m.start() for m in (bad, control) if m is not None)
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    char = text[offset]
    if _STREAM_CONTROL.match(char):
        raise _file_problem(
            filename,
            f"the file contains a control character, {describe(char)}, which scenario "
            "files may not hold (it could rewrite a terminal or reorder what people read)",
            "delete it; it often comes from copying and pasting", "text-control", line, col,
        )
    raise _file_problem(
        filename, f"the file contains a character (U+{ord(char):04X}) that YAML does not allow",
        "delete it; it often comes from copying and pasting", "file-binary", line, col,
    )


def _events(text: str, pure: bool) -> Iterator[Any]:
    if pure or not HAVE_C_PARSER:
        yield from YAML(typ="safe", pure=True).parse(text)
        return
    parser = _CParser(text) if _CParser is not None else _PyCParser(text)
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()


def parse_yaml(text: str, filename: str, *, pure: bool = False) -> ParsedYaml:
    """Parse YAML text into plain data with positions.

    Args:
        text: The file's text.
        filename: The name used in diagnostics.
        pure: Use the pure-Python parser even when libyaml's is installed.

    Returns:
        The parsed top-level mapping and where everything is.

    Raises:
        ScenarioLoadError: With every problem found (syntax errors stop the read
            at the first one, since what follows cannot be trusted).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    encoded = text.encode("utf-8", errors="surrogatepass")
    if len(encoded) > MAX_BYTES:
        line, col = _line_col_of_byte(encoded, MAX_BYTES)
        raise _file_problem(
            filename,
            f"the text is too large ({len(encoded) / 1_048_576:.1f} MB; the limit of "
            f"{MAX_BYTES // 1_048_576} MB is passed here)",
            "a scenario is a few hundred kB at most", "file-size", line, col,
        )
    _check_characters(text, filename)
    walker = _Walker(filename)
    try:
        walker.run(_events(text, pure))
    except _Fatal as fatal:
        raise ScenarioLoadError([*walker.problems, fatal.diagnostic]) from None
    except _C_ERRORS as exc:
        if not pure and HAVE_C_PARSER:
            return parse_yaml(text, filename, pure=True)  # for the same words everywhere
        if isinstance(exc, MarkedYAMLError):
            raise ScenarioLoadError([*walker.problems, _syntax_error(exc, filename)]) from None
        raise ScenarioLoadError([
            *walker.problems,
            Diagnostic(filename, 0, 0, "", f"the YAML cannot be read: {exc}",
                       "check the file is a YAML text file", "error", "yaml-syntax"),
        ]) from None
    root = walker.root
    if root is _NO_KEY or root is None or root == "":
        raise ScenarioLoadError([
            *walker.problems,
            Diagnostic(
                filename, 0, 0, "",
                "the file is empty (it has no content besides blank lines or comments)",
                "a scenario starts with keys such as 'id:', 'title:', 'meters:' and 'nodes:'",
                "error", "file-empty",
            ),
        ])
    if not isinstance(root, dict):
        what = "a list" if isinstance(root, list) else f"the single value {root!r}"
        line, col = walker.root_pos
        raise ScenarioLoadError([
            *walker.problems,
            Diagnostic(
                filename, line, col, "",
                f"the file must be a block of 'key: value' lines, but it is {what}",
                "start the file with keys such as 'id:', 'title:' and 'nodes:' at the left "
                "margin",
                "error", "yaml-not-mapping",
            ),
        ])
    if walker.problems:
        raise ScenarioLoadError(walker.problems)
    walker.values[()] = walker.root_pos
    return ParsedYaml(root, walker.values, walker.keys, walker.raw, text)


def parse_yaml_bytes(data: bytes, filename: str) -> ParsedYaml:
    """Decode (see :func:`decode_bytes`) and parse (see :func:`parse_yaml`)."""
    return parse_yaml(decode_bytes(data, filename), filename)
