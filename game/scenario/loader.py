"""Load a scenario file, or explain in plain words everything that is wrong with it.

The steps (:data:`STEPS`) are: read the bytes and parse the YAML safely,
keeping the line and column of every key and value
(:mod:`game.scenario.yamlsafe`); validate the shape with the pydantic models;
check cross references, compile the conditions and effects and check that
play can survive the flow (:func:`game.scenario.compile.compile_scenario`).
Every problem from every step becomes a
:class:`~game.scenario.diagnostics.Diagnostic` that names the file, line,
column and field path, says what is wrong and, where it can, how to fix it.
All problems of a step are reported at once; a later step runs only when the
earlier ones found no errors (its findings would be noise), and the result
says so (:attr:`Checked.later_checks`), so an author knows more may come.

Bad input never raises anything but :class:`ScenarioLoadError` (and
:func:`check_scenario_text` never raises for bad input at all).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from .compile import CompiledScenario, Problem, compile_scenario
from .diagnostics import Diagnostic, ScenarioLoadError, format_path, sort_diagnostics
from .models import ID_PATTERN, MAX_METER, Scenario
from .yamlsafe import Loc, ParsedYaml, parse_yaml, parse_yaml_bytes, read_bytes

__all__ = [
    "STEPS",
    "Checked",
    "check_scenario_file",
    "check_scenario_text",
    "inspect_scenario_file",
    "inspect_scenario_text",
    "load_scenario",
    "load_scenario_text",
]


# --- public API --------------------------------------------------------------

STEPS: tuple[str, ...] = (
    "reading the file as YAML",
    "the structure: keys, types and values",
    "references, conditions, effects and the flow",
)
"""The order in which problems are found. All problems of a step are reported
together; the next step runs only once the earlier ones found no errors,
because its findings would be noise (a missing node cannot be followed)."""


@dataclass
class Checked:
    """What checking a scenario found.

    Attributes:
        compiled: The compiled scenario, or None when there are errors.
        diagnostics: Every error and warning, sorted by line.
        step: How many of :data:`STEPS` ran (3 when all of them did).
        locate: Maps a field path to its (line, column), once the YAML was read.
    """

    compiled: CompiledScenario | None
    diagnostics: list[Diagnostic]
    step: int
    locate: Callable[[Loc], tuple[int, int]] | None = field(default=None, repr=False)

    @property
    def later_checks(self) -> str:
        """A sentence on the checks that did not run yet ('' when all ran)."""
        return later_checks_note(self.step)


def later_checks_note(step: int) -> str:
    """"Checks stopped at step 1 of 3 (...)": what still comes once these are fixed."""
    if step >= len(STEPS):
        return ""
    later = "; then ".join(STEPS[step:])
    return (f"checking stopped at step {step} of {len(STEPS)} ({STEPS[step - 1]}); "
            f"once these errors are fixed, the file is checked for {later}")


def load_scenario(path: str | Path) -> CompiledScenario:
    """Load, validate and compile a scenario file.

    Args:
        path: The YAML file. Diagnostics name it as given.

    Returns:
        The compiled scenario, with ``source_path`` set to ``path``.

    Raises:
        ScenarioLoadError: The file has errors; ``diagnostics`` lists them all
            (of the step that found them: see :data:`STEPS`).
    """
    checked = inspect_scenario_file(path)
    if checked.compiled is None:
        raise ScenarioLoadError(checked.diagnostics, checked.later_checks)
    return checked.compiled


def load_scenario_text(text: str, filename: str = "<scenario>",
                       source_path: str | None = None) -> CompiledScenario:
    """Load a scenario from text (the in-app editor's buffer).

    Args:
        text: The YAML text.
        filename: The name diagnostics use.
        source_path: Stored as the scenario's ``source_path``; defaults to ``filename``.

    Raises:
        ScenarioLoadError: The text has errors; ``diagnostics`` lists them all.
    """
    checked = inspect_scenario_text(text, filename, source_path)
    if checked.compiled is None:
        raise ScenarioLoadError(checked.diagnostics, checked.later_checks)
    return checked.compiled


def check_scenario_text(
    text: str, filename: str = "<scenario>", source_path: str | None = None
) -> tuple[CompiledScenario | None, list[Diagnostic]]:
    """Check scenario text without raising for bad input.

    Returns:
        The compiled scenario (None when there are errors) and every diagnostic,
        errors and warnings, sorted by line.
    """
    checked = inspect_scenario_text(text, filename, source_path)
    return checked.compiled, checked.diagnostics


def check_scenario_file(path: str | Path) -> tuple[CompiledScenario | None, list[Diagnostic]]:
    """Like :func:`check_scenario_text`, reading the file (size-limited, regular files only)."""
    checked = inspect_scenario_file(path)
    return checked.compiled, checked.diagnostics


def inspect_scenario_text(text: str, filename: str = "<scenario>",
                          source_path: str | None = None) -> Checked:
    """Check scenario text; also say how far checking got and where things are."""
    return _check(lambda: parse_yaml(text, filename), filename,
                  filename if source_path is None else source_path)


def inspect_scenario_file(path: str | Path) -> Checked:
    """Like :func:`inspect_scenario_text`, reading the file (size-limited) first."""
    filename = str(path)
    return _check(lambda: parse_yaml_bytes(read_bytes(path, filename), filename), filename,
                  filename)


def _check(parse: Callable[[], ParsedYaml], filename: str, source_path: str) -> Checked:
    try:
        parsed = parse()
    except ScenarioLoadError as exc:
        return Checked(None, sort_diagnostics(exc.diagnostics), 1)
    place = _Placer(parsed)
    try:
        model = Scenario.model_validate(parsed.data)
    except ValidationError as exc:
        return Checked(None, sort_diagnostics(validation_diagnostics(exc.errors(), parsed,
                                                                     filename)), 2, place)
    compiled, problems = compile_scenario(model, source_path)
    diagnostics = sort_diagnostics(problem_diagnostic(p, parsed, filename, place)
                                   for p in problems)
    if compiled is not None and compiled.source_path != source_path:
        compiled.source_path = source_path
    return Checked(compiled, diagnostics, 3, place)


# --- compile problems ----------------------------------------------------------


def _position(parsed: ParsedYaml, loc: Loc) -> tuple[int, int]:
    """Where to point for a problem with ``loc``: a list or block at its key line."""
    loc = tuple(loc)
    found, value = _value_at(parsed.data, loc)
    if found and isinstance(value, (dict, list)) and loc in parsed.keys:
        return parsed.keys[loc]
    return parsed.value_position(loc)


class _Placer:
    """Field path -> (line, column), and columns inside conditions and effects."""

    def __init__(self, parsed: ParsedYaml) -> None:
        self.parsed = parsed
        self._lines: list[str] | None = None

    def __call__(self, loc: Loc) -> tuple[int, int]:
        return _position(self.parsed, loc)

    def inside(self, loc: Loc, col: int) -> tuple[int, int]:
        """Where column ``col`` of the text at ``loc`` is in the file.

        Exact when the text is written on one line as it reads (plain or quoted
        without escapes); otherwise the start of the value.
        """
        line, start = _position(self.parsed, loc)
        found, value = _value_at(self.parsed.data, loc)
        if col <= 0 or not found or not isinstance(value, str) or line <= 0:
            return line, start
        if self._lines is None:
            self._lines = self.parsed.text.splitlines()
        if line > len(self._lines):
            return line, start
        text = self._lines[line - 1]
        at = start - 1
        if text[at:at + 1] in ("'", '"'):
            at += 1
        if text[at:at + len(value)] != value:
            return line, start
        return line, at + col


def problem_diagnostic(problem: Problem, parsed: ParsedYaml, filename: str,
                       place: _Placer | None = None) -> Diagnostic:
    """A compile-step :class:`Problem` placed in the file."""
    placer = place if place is not None else _Placer(parsed)
    line, col = placer.inside(problem.loc, problem.col) if problem.col else placer(problem.loc)
    return Diagnostic(filename, line, col, format_path(problem.loc), problem.message,
                      problem.fix, problem.severity, problem.code)


# --- walking the model along an error location -----------------------------------


@dataclass
class _Resolved:
    """A pydantic error location matched against the models.

    Attributes:
        loc: The location in the author's data (union member tags removed).
        owner: The model whose field the last element names (or would name).
        info: That field, when it exists.
        annotation: The type expected at ``loc`` (Annotated/Optional removed).
        bounds: ge/le/gt/lt constraints seen on the way to ``loc``.
        pattern: A string pattern constraint on the value, if any.
        union_loc: Where a union was crossed (None if none), and the member taken.
        union_ann: The union's type.
    """

    loc: Loc
    owner: type[BaseModel] | None = None
    info: FieldInfo | None = None
    annotation: Any = None
    bounds: dict[str, float] = field(default_factory=dict)
    pattern: str | None = None
    union_loc: Loc | None = None
    member: str | None = None
    union_ann: Any = None
    union_raw: int = 0


_UNION_TYPES: tuple[Any, ...] = (typing.Union, types.UnionType)


def _collect(meta: Iterable[Any], res: _Resolved) -> None:
    for item in meta:
        if isinstance(item, FieldInfo):
            _collect(item.metadata, res)
            continue
        for name in ("ge", "le", "gt", "lt"):
            value = getattr(item, name, None)
            if isinstance(value, (int, float)):
                res.bounds[name] = float(value)
        pattern = getattr(item, "pattern", None)
        if isinstance(pattern, str):
            res.pattern = pattern


def _unwrap(ann: Any, res: _Resolved) -> Any:
    """Strip Annotated (keeping its constraints) and Optional."""
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            args = typing.get_args(ann)
            _collect(args[1:], res)
            ann = args[0]
            continue
        if origin in _UNION_TYPES:
            members = [a for a in typing.get_args(ann) if a is not type(None)]
            if len(members) == 1:
                ann = members[0]
                continue
        return ann


def _members(ann: Any) -> list[Any]:
    return [a for a in typing.get_args(ann) if a is not type(None)]


def _is_model(ann: Any) -> bool:
    return isinstance(ann, type) and issubclass(ann, BaseModel)


def _base(ann: Any) -> Any:
    """A union member without its Annotated wrapper."""
    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    return ann


def _pick_member(ann: Any, tag: str) -> Any | None:
    members = _members(ann)
    for member in members:
        base = _base(member)
        origin = typing.get_origin(base)
        if tag.startswith(("tuple[", "list[")) and origin in (tuple, list):
            return member
        if tag in ("str", "constrained-str") and base is str:
            return member
        if _is_model(base) and base.__name__ == tag:
            return member
        if tag in ("int", "constrained-int") and base is int:
            return member
        if tag in ("float", "constrained-float") and base is float:
            return member
    return None


def _field(model: type[BaseModel], key: str) -> FieldInfo | None:
    fields = model.model_fields
    for name, info in fields.items():
        if info.alias == key:
            return info
    if key in fields:
        return fields[key]
    return None


def _resolve(raw: Sequence[str | int]) -> _Resolved:
    res = _Resolved(loc=())
    ann: Any = Scenario
    clean: list[str | int] = []
    for index, element in enumerate(raw):
        res.bounds = {}
        res.pattern = None
        ann = _unwrap(ann, res)
        if typing.get_origin(ann) in _UNION_TYPES and isinstance(element, str):
            member = _pick_member(ann, element)
            res.union_loc, res.member, res.union_ann = tuple(clean), element, ann
            res.union_raw = index
            ann = member
            continue
        clean.append(element)
        if _is_model(ann) and isinstance(element, str):
            res.owner = ann
            info = _field(ann, element)
            res.info = info
            if info is None:
                ann = None
            else:
                _collect(info.metadata, res)
                ann = info.annotation
        elif typing.get_origin(ann) in (tuple, list) and isinstance(element, int):
            res.info = None
            args = typing.get_args(ann)
            ann = args[0] if args else None
        else:
            ann = None
    ann = _unwrap(ann, res) if ann is not None else None
    if res.info is not None and not res.bounds:
        _collect(res.info.metadata, res)
    res.loc = tuple(clean)
    res.annotation = ann
    return res


def _keys_of(model: type[BaseModel]) -> list[str]:
    """The keys an author may write for ``model`` (aliases where there are any)."""
    return [info.alias or name for name, info in model.model_fields.items()]


# --- describing values ---------------------------------------------------------


def _value_at(data: Any, loc: Loc) -> tuple[bool, Any]:
    value = data
    for part in loc:
        if isinstance(value, dict) and isinstance(part, str) and part in value:
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return False, None
    return True, value


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(value: Any, raw: str | None) -> str:
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"the yes/no value {raw or str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {raw or value}"
    if isinstance(value, str):
        return f"the text '{_short(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of 'key: value' lines"
    return type(value).__name__


def _kind_of(ann: Any) -> str:
    """How to name what a type expects, for "expected X or Y"."""
    base = _base(ann)
    origin = typing.get_origin(base)
    if origin in (tuple, list):
        inner = typing.get_args(base)
        if inner and _is_model(_base(inner[0])):
            return f"a list of entries (with keys {', '.join(_keys_of(_base(inner[0])))})"
        return "a list"
    if _is_model(base):
        return "a block of 'key: value' lines"
    if base is str:
        probe = _Resolved(loc=())
        _unwrap(ann, probe)
        return "an id" if probe.pattern == ID_PATTERN else "text"
    if base is bool:
        return "true or false"
    if base in (int, float):
        return "a number"
    return "a value"


def _slug(text: str, sep: str) -> str:
    other = "_" if sep == "-" else "-"
    slug = re.sub(r"[^a-z0-9" + re.escape(sep) + "]+", sep,
                  text.strip().lower().replace(other, sep))
    slug = slug.strip(sep)
    slug = re.sub(r"^[^a-z]+", "", slug)
    return slug[:64] or "my" + sep + "id"


def _name_of(loc: Loc) -> str:
    """The key a value sits under: the last word in ``loc``."""
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "value"


def _takes(name: str, description: str) -> str:
    """A field's description as a fix: "'next' should be: node id, 'end', or ..."."""
    text = description.strip().rstrip(".")
    if not text:
        return ""
    return f"'{name}' should be: {text[:1].lower()}{text[1:]}"


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


# --- one pydantic error -> one diagnostic ------------------------------------------


@dataclass
class _Err:
    kind: str
    res: _Resolved
    details: ErrorDetails


def _range_fix(bounds: dict[str, float]) -> str:
    lo = bounds.get("ge", bounds.get("gt"))
    hi = bounds.get("le", bounds.get("lt"))
    if lo is not None and hi is not None:
        if "gt" in bounds or "lt" in bounds:
            return f"use a value between {_number(lo)} and {_number(hi)}"
        return f"use a value from {_number(lo)} to {_number(hi)}"
    if lo is not None:
        return f"use {_number(lo)} or more" if "ge" in bounds else f"use more than {_number(lo)}"
    if hi is not None:
        return f"use {_number(hi)} or less" if "le" in bounds else f"use less than {_number(hi)}"
    return ""


_WORD_PATTERN = r"^[a-z][a-z0-9_]*$"


def _pattern_text(pattern: str | None, value: Any, res: _Resolved) -> tuple[str, str]:
    shown = f"'{_short(str(value))}'"
    description = (res.info.description or "") if res.info is not None else ""
    if pattern == ID_PATTERN:
        return (f"{shown} is not a valid id",
                "ids use lowercase letters, digits and '-', starting with a letter, "
                f"e.g. '{_slug(str(value), '-')}'")
    if pattern == _WORD_PATTERN:
        name = _name_of(res.loc)
        owner = res.owner.__name__.lower() if res.owner is not None else ""
        what = f"{owner} ids" if name == "id" and owner else name
        return (f"{shown} is not a valid {'id' if name == 'id' else name[:-1] or name}",
                f"{what} use lowercase letters, digits and '_' (not '-'), starting with a "
                f"letter, e.g. '{_slug(str(value), '_')}'")
    if pattern is not None and pattern.startswith(r"^\d{4}"):
        return (f"{shown} is not a date", "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1962-10-27")
    return (f"{shown} is not written in the expected form", description.rstrip("."))


def _literal_values(ann: Any, details: ErrorDetails) -> list[str]:
    if typing.get_origin(ann) is Literal:
        return [str(a) for a in typing.get_args(ann)]
    expected = str((details.get("ctx") or {}).get("expected", ""))
    return re.findall(r"'([^']*)'", expected) or [expected]


@dataclass
class _Case:
    """Everything a handler needs to describe one pydantic error.

    Handlers fill in ``message``, ``fix`` and ``code``, and may move the
    place (``line``, ``col``, ``path``) to where the author should look.
    """

    err: _Err
    parsed: ParsedYaml
    loc: Loc
    value: Any
    raw: str | None
    name: str
    description: str
    got: str
    line: int
    col: int
    path: str
    ctx: dict[str, Any]
    message: str = ""
    fix: str = ""
    code: str = "type"

    @property
    def res(self) -> _Resolved:
        return self.err.res

    def move_to(self, loc: Loc, *, key: bool = False) -> None:
        """Point at ``loc`` (at its key when ``key``) instead."""
        self.line, self.col = (self.parsed.key_position(loc) if key
                               else _position(self.parsed, loc))
        self.path = format_path(loc)


def _unknown_key(c: _Case) -> None:
    key = str(c.loc[-1]) if c.loc else "?"
    c.move_to(c.loc, key=True)
    c.path = format_path(c.loc)
    c.message, c.code = f"unknown key '{key}'", "unknown-key"
    owner = c.res.owner
    if owner is None:
        return
    allowed = _keys_of(owner)
    names = sorted(set(allowed) | set(owner.model_fields))
    close = (get_close_matches(key, names, n=1, cutoff=0.6)
             or get_close_matches(key.lower(), names, n=1, cutoff=0.6))
    c.fix = f"did you mean '{close[0]}'?" if close else "keys allowed here: " + ", ".join(allowed)


def _missing(c: _Case) -> None:
    parent = c.loc[:-1]
    c.move_to(parent)
    c.message, c.code = f"missing required field '{c.name}'", "missing"
    c.fix = f"add '{c.name}:' to this block" if parent else f"add '{c.name}:' at the left margin"
    if c.description:
        c.fix += f" ({c.description})"


def _not_text(c: _Case) -> None:
    if c.value is None:
        c.message, c.fix = f"'{c.name}' has no value", f"write the text after '{c.name}:'"
    elif isinstance(c.value, (bool, int, float)):
        c.message = f"expected text, got {c.got}"
        c.fix = f"put it in quotes: \"{c.raw or c.value}\""
    else:
        c.message = f"expected text, got {c.got}"
        c.fix = _takes(c.name, c.description) or "write a single piece of text here"


def _not_whole_number(c: _Case) -> None:
    c.message = f"expected a whole number, got {c.got}"
    c.fix = _range_fix(c.res.bounds) or "write a whole number such as 45"


def _not_number(c: _Case) -> None:
    c.message = f"expected a number, got {c.got}"
    if isinstance(c.value, str) and re.fullmatch(r"\s*-?\d+,\d+\s*", c.value):
        c.fix = "write decimals with a point, e.g. 0.5"
    elif c.res.bounds and max(abs(b) for b in c.res.bounds.values()) < MAX_METER:
        c.fix = _range_fix(c.res.bounds)
    else:  # a meter's very wide limits say less than an example
        c.fix = "write a number such as 40 or 0.5"


def _not_finite(c: _Case) -> None:
    c.message = f"expected an ordinary number, got {c.got}"
    c.fix = "write a number such as 40 or 0.5"


def _not_bool(c: _Case) -> None:
    c.message, c.fix = f"expected true or false, got {c.got}", "write true or false"


def _not_list(c: _Case) -> None:
    if c.value is None:
        c.message = f"'{c.name}' has no items"
        c.fix = (f"list the items under '{c.name}:', each on its own line starting with '- ', "
                 "or remove the line")
    else:
        c.message = f"expected a list, got {c.got}"
        c.fix = "write each item on its own line starting with '- '"


def _not_block(c: _Case) -> None:
    what = f"this item of '{c.name}'" if c.loc and isinstance(c.loc[-1], int) else f"'{c.name}'"
    if c.value is None:
        c.message, c.fix = f"{what} is empty", "write its 'key: value' lines, indented below it"
        return
    c.message = f"{what} should be a block of 'key: value' lines, but it is {c.got}"
    keys = _keys_of(c.res.annotation) if _is_model(c.res.annotation) else []
    c.fix = "write it as indented 'key: value' lines" + (f" (keys: {', '.join(keys)})"
                                                         if keys else "")


def _not_allowed(c: _Case) -> None:
    allowed = _literal_values(c.res.annotation, c.err.details)
    value = c.value
    shown = f"'{_short(str(value))}'" if isinstance(value, str) else (c.raw or repr(value))
    c.message, c.code = f"{shown} is not an allowed value for '{c.name}'", "choice"
    close = get_close_matches(value, allowed, n=1, cutoff=0.5) if isinstance(value, str) else []
    listing = ", ".join(allowed)
    c.fix = (f"did you mean '{close[0]}'? (allowed: {listing})" if close
             else f"use one of: {listing}")


def _bad_form(c: _Case) -> None:
    pattern = c.res.pattern or c.ctx.get("pattern")
    c.message, c.fix = _pattern_text(pattern, c.value, c.res)
    c.code = "id-format" if pattern in (ID_PATTERN, _WORD_PATTERN) else "format"


def _too_short_text(c: _Case) -> None:
    c.message, c.fix, c.code = f"'{c.name}' is empty", "write some text here", "empty"


def _too_long_text(c: _Case) -> None:
    limit = c.ctx.get("max_length")
    length = len(c.value) if isinstance(c.value, str) else 0
    c.message = f"'{c.name}' is too long ({length:,} characters; the limit is {limit:,})"
    c.fix, c.code = "shorten it", "range"


def _too_few(c: _Case) -> None:
    need = int(c.ctx.get("min_length", 1))
    c.message = f"'{c.name}' needs at least {need} item{'s' if need != 1 else ''}"
    c.fix = f"add {'one' if need == 1 else 'them'} under '{c.name}:', starting with '- '"
    c.code = "range"


def _too_many(c: _Case) -> None:
    c.message = f"'{c.name}' has too many items (at most {c.ctx.get('max_length')})"
    c.fix, c.code = "remove some", "range"


def _out_of_range(c: _Case) -> None:
    small = c.err.kind.startswith("greater")
    value = c.value
    shown = c.raw or (_number(value) if isinstance(value, (int, float)) else str(value))
    c.message = f"{_short(shown)} is too {'small' if small else 'large'} for '{c.name}'"
    bounds = c.res.bounds or {k: float(v) for k, v in c.ctx.items()
                              if k in ("ge", "le", "gt", "lt")}
    c.fix, c.code = _range_fix(bounds), "range"


def _model_check(c: _Case) -> None:
    error = c.ctx.get("error")
    text = str(error) if error is not None else str(c.err.details.get("msg", ""))
    c.message, c.code = re.sub(r"^(Value|Assertion) error, ", "", text), "invalid"
    # A model-level check ("initial value 500 is outside ...") is about the
    # key its message starts with, when that key is written in the block.
    first = re.match(r"[a-z_]+", c.message)
    if first and isinstance(c.value, dict) and first.group() in c.value:
        c.move_to((*c.loc, first.group()))


def _no_member_fits(c: _Case) -> None:
    kinds = [_kind_of(m) for m in _members(c.res.union_ann)]
    c.message = f"expected {' or '.join(kinds)}, got {c.got}"
    c.fix = _takes(c.name, c.description)


def _other(c: _Case) -> None:
    message = str(c.err.details.get("msg", "invalid value"))
    c.message = message[:1].lower() + message[1:]
    c.fix, c.code = _takes(c.name, c.description), "invalid"


_HANDLERS: dict[str, Callable[[_Case], None]] = {
    "extra_forbidden": _unknown_key,
    "missing": _missing,
    "string_type": _not_text,
    "string_sub_type": _not_text,
    "int_type": _not_whole_number,
    "int_parsing": _not_whole_number,
    "int_from_float": _not_whole_number,
    "float_type": _not_number,
    "float_parsing": _not_number,
    "finite_number": _not_finite,
    "bool_type": _not_bool,
    "bool_parsing": _not_bool,
    "tuple_type": _not_list,
    "list_type": _not_list,
    "iterable_type": _not_list,
    "set_type": _not_list,
    "model_type": _not_block,
    "model_attributes_type": _not_block,
    "dict_type": _not_block,
    "dataclass_type": _not_block,
    "literal_error": _not_allowed,
    "string_pattern_mismatch": _bad_form,
    "string_too_short": _too_short_text,
    "string_too_long": _too_long_text,
    "too_short": _too_few,
    "too_long": _too_many,
    "greater_than_equal": _out_of_range,
    "greater_than": _out_of_range,
    "less_than_equal": _out_of_range,
    "less_than": _out_of_range,
    "value_error": _model_check,
    "assertion_error": _model_check,
    "union_mismatch": _no_member_fits,
}
"""How each kind of pydantic error is put in words (anything else: :func:`_other`)."""


def _diagnose(err: _Err, parsed: ParsedYaml, filename: str) -> Diagnostic:
    """One pydantic error as a diagnostic, placed in the file and put in words."""
    res, loc = err.res, err.res.loc
    found, value = _value_at(parsed.data, loc)
    if not found:
        value = err.details.get("input")
    raw = parsed.raw.get(loc)
    line, col = _position(parsed, loc)
    case = _Case(err, parsed, loc, value, raw, _name_of(loc),
                 (res.info.description or "") if res.info is not None else "",
                 _describe(value, raw), line, col, format_path(loc),
                 dict(err.details.get("ctx") or {}))
    _HANDLERS.get(err.kind, _other)(case)
    return Diagnostic(filename, case.line, case.col, case.path, case.message, case.fix,
                      "error", case.code)


def _is_sequence(ann: Any) -> bool:
    return typing.get_origin(_base(ann)) in (tuple, list)


def _member_fits(member: Any, value: Any) -> bool:
    """Whether the author evidently meant this union member for this value."""
    base = _base(member)
    if isinstance(value, list):
        return _is_sequence(base)
    if isinstance(value, dict):
        return _is_model(base)
    if isinstance(value, str):
        return base is str
    return False


def validation_diagnostics(
    errors: Sequence[ErrorDetails], parsed: ParsedYaml, filename: str
) -> list[Diagnostic]:
    """Turn every pydantic error into a diagnostic placed in the file.

    Errors from the members of a union (``next: <id> | [branches]``) are
    narrowed to the member the author evidently meant, or merged into one
    "expected X or Y" message when the value fits none.
    """
    plain: list[_Err] = []
    unions: dict[Loc, list[_Err]] = {}
    for details in errors:
        res = _resolve(details["loc"])
        err = _Err(details["type"], res, details)
        if res.union_loc is not None:
            unions.setdefault(res.union_loc, []).append(err)
        else:
            plain.append(err)
    for union_loc, group in unions.items():
        found, value = _value_at(parsed.data, union_loc)
        union_ann = group[0].res.union_ann
        fitting = [m for m in _members(union_ann) if found and _member_fits(m, value)]
        kept = [e for e in group
                if any(_pick_member(union_ann, e.res.member or "") is m for m in fitting)]
        if kept:
            plain.extend(kept)
        else:
            first = group[0]
            res = _resolve(first.details["loc"][: first.res.union_raw])
            res.union_ann = union_ann
            plain.append(_Err("union_mismatch", res, first.details))

    # An unknown key whose suggestion is a missing field says it all.
    suggested: set[Loc] = set()
    diagnostics: list[Diagnostic] = []
    for err in plain:
        if err.kind == "extra_forbidden":
            diag = _diagnose(err, parsed, filename)
            diagnostics.append(diag)
            match = re.fullmatch(r"did you mean '([^']+)'\?", diag.fix)
            if match:
                suggested.add((*err.res.loc[:-1], match.group(1)))
    for err in plain:
        if err.kind == "extra_forbidden":
            continue
        if err.kind == "missing" and _missing_suggested(err.res, suggested):
            continue
        if err.kind == "too_short" and _long_enough(err, parsed):
            continue  # pydantic counts only the items that passed; theirs are reported
        diagnostics.append(_diagnose(err, parsed, filename))
    return diagnostics


def _missing_suggested(res: _Resolved, suggested: set[Loc]) -> bool:
    if res.loc in suggested:
        return True
    if res.owner is not None and res.info is not None:
        name = next((n for n, i in res.owner.model_fields.items() if i is res.info), None)
        if name is not None and (*res.loc[:-1], name) in suggested:
            return True
    return False


def _long_enough(err: _Err, parsed: ParsedYaml) -> bool:
    found, value = _value_at(parsed.data, err.res.loc)
    need = (err.details.get("ctx") or {}).get("min_length", 1)
    return found and isinstance(value, list) and len(value) >= int(need)
