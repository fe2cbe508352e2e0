"""The condition and effect language.

Conditions are small expressions such as
``escalation >= 60 and not flags.sanctions_waived``. They are parsed with
:func:`ast.parse` and then checked against a whitelist of node types; nothing
is ever evaluated by Python. Each accepted tree is compiled into a closure
that reads a :class:`Reader` (the session state), so evaluating a condition
during play costs a few function calls.

Names a condition may use:

* ``<meter>`` and ``peak.<meter>`` — a meter's value and its highest value;
* ``flags.<flag>`` — a declared flag;
* ``channels.<channel>.<status>`` — true while the channel has that status;
* ``contact.<channel>``, ``contact.<level>``, ``contact.any`` — whether a call
  on that channel (or any channel of that level) has ever been answered;
* ``call.<status>`` — inside an option, the status of the call it just made;
* ``visited.<node>`` — whether the node has been played;
* ``recent.<tag>`` — whether an option with that tag was chosen within the
  counterpart's ``recent_turns``;
* ``turn`` — the number of decisions taken so far;
* ``leadership.<level>`` — whether the counterpart's leadership has authorised
  contact at that level (``political``, ``military``, ``working``);
* ``pressure.<level>`` — how many repeated requests on that level were
  refused (each one reads as pressure);
* ``prices.<price>.<status>`` — a demand's status: ``none``, ``demanded``,
  ``deferred``, ``paid`` or ``refused``;
* ``asked.<channel>``, ``asked.<level>``, ``asked.any`` — whether the trainee
  ever placed a call there (whatever the answer: what the trainee controlled);
* ``asked_at.<channel|level|any>`` — the turn of that first call (0-based),
  :data:`NEVER` when there was none;
* ``true`` / ``false`` and numbers.

Effects are statements: ``escalation += 12``, ``openness -= 10``,
``standing = 40``, ``flags.shot_down = true``, ``channels.dtl = suspended``,
``prices.li-sanctions = paid``.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from typing import Any, Protocol

from .models import AUTHORITY_LEVELS, CHANNEL_LEVELS, CHANNEL_STATUSES, PRICE_STATUSES

#: ``asked_at.<x>`` of a channel or level never called: later than any turn.
NEVER = 1000


class Reader(Protocol):
    """The session state a compiled condition reads."""

    meters: dict[str, float]
    peaks: dict[str, float]
    flags: set[str]
    channels: dict[str, str]
    contact: set[str]
    visited: set[str]
    recent: dict[str, int]
    turn: int
    call_status: str | None
    recent_turns: int
    leadership: dict[str, bool]
    pressure: dict[str, int]
    prices: dict[str, str]
    asked: dict[str, int]


Value = float | bool
Compiled = Callable[[Reader], Any]


class ExprError(ValueError):
    """A condition or effect that cannot be compiled, with a suggested fix."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


@dataclass(frozen=True)
class Names:
    """What a scenario declares, so conditions can be checked at load time."""

    meters: frozenset[str]
    flags: frozenset[str]
    channels: frozenset[str]
    nodes: frozenset[str]
    tags: frozenset[str]
    allow_call: bool = False
    levels: frozenset[str] = field(default_factory=lambda: frozenset(CHANNEL_LEVELS))
    prices: frozenset[str] = frozenset()

    def with_call(self) -> Names:
        return replace(self, allow_call=True)


_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
}
_MAX_LENGTH = 2000
_MAX_DEPTH = 40


def _suggest(word: str, choices: frozenset[str] | set[str] | tuple[str, ...]) -> str:
    close = get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def dotted_name(node: ast.expr) -> list[str] | None:
    """The parts of ``a.b.c`` (None when the node is not a plain dotted name)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _unknown(kind: str, word: str, known: frozenset[str] | tuple[str, ...], full: str) -> ExprError:
    hint = _suggest(word, known)
    listing = ", ".join(sorted(known)[:12]) or "(none declared)"
    fix = hint or f"known {kind}s: {listing}"
    return ExprError(f"unknown {kind} '{word}' in '{full}'", fix)


def _name(parts: list[str], names: Names) -> Compiled:
    parts = [p.replace("__", "-") for p in parts]
    full = ".".join(parts)
    head = parts[0]
    if len(parts) == 1:
        if head in ("true", "True"):
            return lambda r: True
        if head in ("false", "False"):
            return lambda r: False
        if head == "turn":
            return lambda r: r.turn
        if head in names.meters:
            return lambda r: r.meters[head]
        raise _unknown("meter", head, names.meters, full)
    if head == "peak" and len(parts) == 2:
        meter = parts[1]
        if meter not in names.meters:
            raise _unknown("meter", meter, names.meters, full)
        return lambda r: r.peaks[meter]
    if head == "flags" and len(parts) == 2:
        flag = parts[1]
        if flag not in names.flags:
            raise ExprError(
                f"unknown flag '{flag}' in '{full}'",
                _suggest(flag, names.flags) or f"declare it under 'flags:' (- id: {flag})",
            )
        return lambda r: flag in r.flags
    if head == "channels" and len(parts) == 3:
        channel, status = parts[1], parts[2]
        if channel not in names.channels:
            raise _unknown("channel", channel, names.channels, full)
        if status not in CHANNEL_STATUSES:
            raise _unknown("channel status", status, CHANNEL_STATUSES, full)
        return lambda r: r.channels[channel] == status
    if head == "contact" and len(parts) == 2:
        what = parts[1]
        if what != "any" and what not in names.channels and what not in names.levels:
            raise _unknown("channel or level", what, names.channels | names.levels, full)
        return lambda r: what in r.contact
    if head == "call" and len(parts) == 2:
        if not names.allow_call:
            raise ExprError(
                f"'{full}' can only be used inside an option (its outcomes or next)",
                "use channels.<id>.<status> or contact.<id> elsewhere",
            )
        status = parts[1]
        if status not in CHANNEL_STATUSES:
            raise _unknown("call status", status, CHANNEL_STATUSES, full)
        return lambda r: r.call_status == status
    if head == "leadership" and len(parts) == 2:
        level = parts[1]
        if level not in AUTHORITY_LEVELS:
            raise _unknown("leadership level", level, AUTHORITY_LEVELS, full)
        return lambda r: r.leadership[level]
    if head == "pressure" and len(parts) == 2:
        level = parts[1]
        if level not in AUTHORITY_LEVELS:
            raise _unknown("leadership level", level, AUTHORITY_LEVELS, full)
        return lambda r: r.pressure[level]
    if head == "prices" and len(parts) == 3:
        price, status = parts[1], parts[2]
        if price not in names.prices:
            raise ExprError(
                f"unknown price '{price}' in '{full}'",
                _suggest(price, names.prices) or "declare it under 'counterpart: prices:'",
            )
        if status not in PRICE_STATUSES:
            raise _unknown("price status", status, PRICE_STATUSES, full)
        return lambda r: r.prices[price] == status
    if head in ("asked", "asked_at") and len(parts) == 2:
        what = parts[1]
        if what != "any" and what not in names.channels and what not in names.levels:
            raise _unknown("channel or level", what, names.channels | names.levels, full)
        if head == "asked":
            return lambda r: what in r.asked
        return lambda r: r.asked.get(what, NEVER)
    if head == "visited" and len(parts) == 2:
        node = parts[1]
        if node not in names.nodes:
            raise _unknown("node", node, names.nodes, full)
        return lambda r: node in r.visited
    if head == "recent" and len(parts) == 2:
        tag = parts[1]
        if tag not in names.tags:
            raise ExprError(
                f"unknown tag '{tag}' in '{full}'",
                _suggest(tag, names.tags) or "tags come from options' 'tags:' lists",
            )
        return lambda r: tag in r.recent and r.turn - r.recent[tag] < r.recent_turns
    raise ExprError(
        f"'{full}' is not a name this language knows",
        "use a meter, peak.<meter>, flags.<flag>, channels.<channel>.<status>, "
        "contact.<channel>, call.<status>, visited.<node>, recent.<tag>, turn, "
        "leadership.<level>, pressure.<level>, prices.<price>.<status>, asked.<channel> "
        "or asked_at.<channel>",
    )


def _compile(node: ast.AST, names: Names, depth: int) -> Compiled:
    if depth > _MAX_DEPTH:
        raise ExprError("expression is nested too deeply", "split it into simpler conditions")
    if isinstance(node, ast.Expression):
        return _compile(node.body, names, depth + 1)
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, names, depth + 1) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda r: all(p(r) for p in parts)
        return lambda r: any(p(r) for p in parts)
    if isinstance(node, ast.UnaryOp):
        inner = _compile(node.operand, names, depth + 1)
        if isinstance(node.op, ast.Not):
            return lambda r: not inner(r)
        if isinstance(node.op, ast.USub):
            return lambda r: -inner(r)
        if isinstance(node.op, ast.UAdd):
            return inner
    if isinstance(node, ast.Compare):
        left = _compile(node.left, names, depth + 1)
        ops = [_COMPARE.get(type(op)) for op in node.ops]
        if any(op is None for op in ops):
            raise ExprError("only <, <=, >, >=, == and != compare values", "")
        rights = [_compile(c, names, depth + 1) for c in node.comparators]
        if len(ops) == 1:
            op0, right0 = ops[0], rights[0]
            assert op0 is not None
            return lambda r: op0(left(r), right0(r))
        pairs = list(zip(ops, rights))

        def chain(r: Reader) -> bool:
            value = left(r)
            for op, right in pairs:
                nxt = right(r)
                assert op is not None
                if not op(value, nxt):
                    return False
                value = nxt
            return True

        return chain
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        fn = _ARITH[type(node.op)]
        a, b = _compile(node.left, names, depth + 1), _compile(node.right, names, depth + 1)
        return lambda r: fn(a(r), b(r))
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        value = node.value
        return lambda r: value
    if isinstance(node, (ast.Name, ast.Attribute)):
        dotted = dotted_name(node)
        if dotted is None:
            raise ExprError("names are written like flags.sanctions_waived", "")
        return _name(dotted, names)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        raise ExprError(
            f"text '{node.value}' cannot be compared",
            "write channels.<id>.<status> instead of comparing with a word",
        )
    what = type(node).__name__
    raise ExprError(
        f"'{what}' is not allowed in a condition",
        "conditions use meters, flags, numbers, comparisons, and/or/not, + - *",
    )


# Channel and node ids may contain '-', which Python would read as minus; after
# these prefixes it is part of the id, so it is swapped for '__' (which ids
# cannot contain) before parsing and swapped back when the name is resolved.
_HYPHENATED = re.compile(
    r"\b(channels|contact|visited|prices|asked|asked_at)\.([a-z][a-z0-9]*(?:-[a-z0-9]+)+)"
)


def _parse(source: str) -> ast.Expression:
    if len(source) > _MAX_LENGTH:
        raise ExprError(f"expression is longer than {_MAX_LENGTH} characters", "shorten it")
    text = source.replace("&&", " and ").replace("||", " or ")
    text = _HYPHENATED.sub(lambda m: f"{m.group(1)}.{m.group(2).replace('-', '__')}", text)
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        col = f" near column {exc.offset}" if exc.offset else ""
        raise ExprError(
            f"cannot read the condition '{source}'{col}",
            "write it like: escalation >= 60 and not flags.sanctions_waived",
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExprError(f"cannot read the condition '{source}'", "simplify it") from None


def compile_condition(source: str, names: Names) -> Compiled:
    """Compile a condition into a closure of the session state.

    Args:
        source: The author's text, e.g. ``escalation >= 60``.
        names: What the scenario declares.

    Returns:
        A function from the state to a value (usually bool).

    Raises:
        ExprError: The text is not valid or names something undeclared.
    """
    tree = _parse(source)
    try:
        return _compile(tree, names, 0)
    except RecursionError:
        raise ExprError("expression is nested too deeply", "simplify it") from None


@dataclass(frozen=True)
class Effect:
    """A compiled effect statement.

    Attributes:
        target: What it changes: ``meter``, ``flag``, ``channel`` or ``price``.
        name: The meter, flag, channel or price id.
        op: ``+=``, ``-=`` or ``=``.
        value: For meters a closure giving the number; unused otherwise.
        constant: For flags the bool, for channels and prices the status, for
            meters with a literal right-hand side the number.
        source: The author's text, kept for explanations.
    """

    target: str
    name: str
    op: str
    value: Compiled | None
    constant: Any
    source: str


_EFFECT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*(\+=|-=|=)\s*(.+?)\s*$")


def compile_effect(source: str, names: Names) -> Effect:
    """Compile one effect statement such as ``escalation += 12``.

    Raises:
        ExprError: The statement is malformed or names something undeclared.
    """
    match = _EFFECT.match(source)
    if not match:
        raise ExprError(
            f"cannot read the effect '{source}'",
            "write it like: escalation += 12, flags.shot_down = true, channels.dtl = suspended",
        )
    target, op, rhs = match.groups()
    parts = target.split(".")
    if parts[0] == "flags" and len(parts) == 2:
        flag = parts[1]
        if flag not in names.flags:
            raise ExprError(
                f"unknown flag '{flag}' in '{source}'",
                _suggest(flag, names.flags) or f"declare it under 'flags:' (- id: {flag})",
            )
        if op != "=" or rhs not in ("true", "false", "True", "False"):
            raise ExprError(f"flags are set with '= true' or '= false', not '{op} {rhs}'", "")
        return Effect("flag", flag, "=", None, rhs.lower() == "true", source)
    if parts[0] == "channels" and len(parts) == 2:
        channel = parts[1]
        if channel not in names.channels:
            raise _unknown("channel", channel, names.channels, source)
        if op != "=" or rhs not in CHANNEL_STATUSES:
            raise ExprError(
                f"a channel is set to a status with '=', got '{op} {rhs}'",
                "statuses: " + ", ".join(CHANNEL_STATUSES),
            )
        return Effect("channel", channel, "=", None, rhs, source)
    if parts[0] == "prices" and len(parts) == 2:
        price = parts[1]
        if price not in names.prices:
            raise ExprError(
                f"unknown price '{price}' in '{source}'",
                _suggest(price, names.prices) or "declare it under 'counterpart: prices:'",
            )
        if op != "=" or rhs not in PRICE_STATUSES[1:]:
            raise ExprError(
                f"a price is set with '= paid', '= refused', '= deferred' or '= demanded', "
                f"got '{op} {rhs}'",
                "for example: prices." + price + " = paid",
            )
        return Effect("price", price, "=", None, rhs, source)
    if len(parts) == 1 and parts[0] in names.meters:
        value = compile_condition(rhs, names)
        constant: float | None = None
        try:
            constant = float(rhs)
        except ValueError:
            constant = None
        return Effect("meter", parts[0], op, value, constant, source)
    if len(parts) == 1:
        raise _unknown("meter", parts[0], names.meters, source)
    raise ExprError(
        f"'{target}' cannot be changed by an effect",
        "effects change a meter, flags.<flag>, channels.<channel> or prices.<price>",
    )


def referenced_names(source: str) -> set[str]:
    """Dotted names a condition mentions (for lint: which flags are read)."""
    try:
        tree = _parse(source)
    except ExprError:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)):
            parts = dotted_name(node)
            if parts:
                found.add(".".join(parts))
    # ast.walk also yields the inner parts of a dotted name (``flags`` of ``flags.x``).
    return {name for name in found if not any(o.startswith(name + ".") for o in found)}
