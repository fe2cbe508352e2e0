"""The condition and effect language: checking, typing and compiling.

Conditions are small expressions such as
``escalation >= 60 and not flags.sanctions_waived``. Their text is read by
:mod:`game.scenario.syntax` into a tree (never by Python's own parser), the
names in it are checked against what the scenario declares (the families in
:mod:`game.scenario.names`), every part is typed as true/false or a number,
and the tree is compiled into a closure that reads a :class:`Reader` (the
session state), so evaluating a condition during play costs a few function
calls. Lint evaluates the same trees over sets of values
(:mod:`game.scenario.abstract`).

Names a condition may use are listed in :data:`game.scenario.names.FAMILIES`:
``<meter>``, ``peak.<meter>``, ``flags.<flag>``, ``channels.<channel>.<status>``,
``contact.<channel or level or any>``, ``call.<status>`` (inside an option),
``visited.<node>``, ``recent.<tag>`` and ``turn``; also ``true``/``false``
and numbers.

Typing: ``and``, ``or``, ``not`` and a whole condition take true/false;
``+ - *``, ``-x`` and ``< <= > >=`` take numbers; ``==`` and ``!=`` compare
two values of the same type. So ``when: escalation + 5`` is an error, not
a condition that holds whenever the sum is not zero.

Effects are statements: ``escalation += 12``, ``openness -= 10``,
``standing = 40``, ``flags.shot_down = true``, ``channels.dtl = suspended``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import CHANNEL_STATUSES
from .names import Compiled, Names, Reader, resolve, suggest, unknown
from .names import id_parts as _id_parts
from .syntax import (
    Arith,
    Bool,
    Compare,
    Expr,
    ExprError,
    ExprSyntaxError,
    ExprType,
    Logic,
    Neg,
    Not,
    Num,
    Ref,
    parse,
    parse_statement,
    walk,
)

__all__ = [
    "Compiled",
    "Effect",
    "ExprError",
    "Names",
    "Reader",
    "Value",
    "compile_condition",
    "compile_effect",
    "compile_tree",
    "parse_condition",
    "parse_expression",
    "referenced_names",
]

Value = float | bool

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}
_WORDS = {"bool": "true or false", "number": "a number"}


def parse_expression(source: str) -> Expr:
    """Parse text into a tree without checking its names (see :mod:`.syntax`)."""
    return parse(source, _id_parts)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _unreadable(what: str, source: str, exc: ExprSyntaxError, shift: int = 0) -> ExprError:
    return ExprError(f"cannot read the {what} '{_short(source)}': {exc.message}", exc.fix,
                     exc.col + shift if exc.col else 0)


# --- types ---------------------------------------------------------------------------


class _Typer:
    """Checks names and types of a tree; remembers each name's family."""

    def __init__(self, source: str, names: Names) -> None:
        self.source = source
        self.names = names

    def text(self, node: Expr) -> str:
        return self.source[node.start:node.end]

    def fail(self, node: Expr, message: str, fix: str) -> ExprError:
        return ExprError(message, fix, node.start + 1)

    def need(self, node: Expr, wanted: ExprType, why: str, fix: str) -> None:
        got = self.type(node)
        if got != wanted:
            raise self.fail(node, f"'{self.text(node)}' is {_WORDS[got]}, but {why}", fix)

    def type(self, node: Expr) -> ExprType:
        if isinstance(node, Num):
            return "number"
        if isinstance(node, Bool):
            return "bool"
        if isinstance(node, Ref):
            try:
                return resolve(node.parts, self.names).type
            except ExprError as exc:
                raise ExprError(exc.message, exc.fix, node.start + 1) from None
        if isinstance(node, Logic):
            for operand in node.operands:
                self.need(operand, "bool", f"'{node.op}' joins true/false values",
                          f"compare it, e.g. {self.text(operand)} > 50")
            return "bool"
        if isinstance(node, Not):
            self.need(node.operand, "bool", "'not' takes a true/false value",
                      f"compare it, e.g. not {self.text(node.operand)} > 50")
            return "bool"
        if isinstance(node, Neg):
            self.need(node.operand, "number", "'-' takes a number", "remove the '-'")
            return "number"
        if isinstance(node, Arith):
            for side in (node.left, node.right):
                self.need(side, "number", f"'{node.op}' computes with numbers",
                          "use 'and'/'or' to join true/false values")
            return "number"
        return self._compare(node)

    def _compare(self, node: Compare) -> ExprType:
        left = node.left
        for op, right in zip(node.ops, node.rights):
            if op in ("==", "!="):
                a, b = self.type(left), self.type(right)
                if a != b:
                    raise self.fail(
                        node, f"'{self.text(node)}' compares {_WORDS[a]} with {_WORDS[b]}",
                        "compare numbers with numbers and true/false with true/false")
            else:
                for side in (left, right):
                    self.need(side, "number", f"'{op}' compares numbers",
                              "use == or != for true/false values, or drop the comparison")
            left = right
        return "bool"


def check_tree(tree: Expr, source: str, names: Names, wanted: ExprType) -> None:
    """Check every name and type in a tree; the whole must be of type ``wanted``.

    Raises:
        ExprError: An unknown name or a type mismatch, with its column.
    """
    typer = _Typer(source, names)
    got = typer.type(tree)
    if got != wanted:
        text = source.strip()
        if wanted == "bool":
            raise ExprError(f"the condition '{text}' is a number, not true or false",
                            f"compare it with something, e.g. {text} >= 50", tree.start + 1)
        raise ExprError(f"'{text}' is true or false, but a meter is set to a number",
                        "write a number or arithmetic on meters, e.g. escalation + 5",
                        tree.start + 1)


def parse_condition(source: str, names: Names) -> Expr:
    """Parse and check a condition (a true/false expression).

    Raises:
        ExprError: The text is malformed, names something undeclared, or is
            not a true/false expression.
    """
    try:
        tree = parse_expression(source)
    except ExprSyntaxError as exc:
        raise _unreadable("condition", source, exc) from None
    check_tree(tree, source, names, "bool")
    return tree


# --- closures --------------------------------------------------------------------------


def compile_tree(node: Expr, names: Names) -> Compiled:
    """Compile a checked tree into a closure over the session state."""
    if isinstance(node, Num):
        number = node.value
        return lambda r: number
    if isinstance(node, Bool):
        flag = node.value
        return lambda r: flag
    if isinstance(node, Ref):
        return resolve(node.parts, names).read(node.parts)
    if isinstance(node, Logic):
        parts = [compile_tree(v, names) for v in node.operands]
        if len(parts) == 2:
            a, b = parts
            if node.op == "and":
                return lambda r: a(r) and b(r)
            return lambda r: a(r) or b(r)
        if node.op == "and":
            return lambda r: all(p(r) for p in parts)
        return lambda r: any(p(r) for p in parts)
    if isinstance(node, Not):
        inner = compile_tree(node.operand, names)
        return lambda r: not inner(r)
    if isinstance(node, Neg):
        negated = compile_tree(node.operand, names)
        return lambda r: -negated(r)
    if isinstance(node, Arith):
        fn = _ARITH[node.op]
        left, right = compile_tree(node.left, names), compile_tree(node.right, names)
        return lambda r: fn(left(r), right(r))
    return _compile_compare(node, names)


def _compile_compare(node: Compare, names: Names) -> Compiled:
    left = compile_tree(node.left, names)
    ops = [_COMPARE[op] for op in node.ops]
    rights = [compile_tree(c, names) for c in node.rights]
    if len(ops) == 1:
        op0, right0 = ops[0], rights[0]
        if isinstance(node.rights[0], Num):
            limit = node.rights[0].value
            return lambda r: op0(left(r), limit)
        return lambda r: op0(left(r), right0(r))
    pairs = list(zip(ops, rights))

    def chain(r: Reader) -> bool:
        value = left(r)
        for op, right in pairs:
            nxt = right(r)
            if not op(value, nxt):
                return False
            value = nxt
        return True

    return chain


def compile_condition(source: str, names: Names) -> Compiled:
    """Compile a condition into a closure of the session state.

    Args:
        source: The author's text, e.g. ``escalation >= 60``.
        names: What the scenario declares.

    Returns:
        A function from the state to a bool.

    Raises:
        ExprError: The text is not valid, names something undeclared, or is
            not a true/false expression.
    """
    return compile_tree(parse_condition(source, names), names)


# --- effects -------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """A compiled effect statement.

    Attributes:
        target: What it changes: ``meter``, ``flag`` or ``channel``.
        name: The meter, flag or channel id.
        op: ``+=``, ``-=`` or ``=``.
        value: For meters a closure giving the number; unused otherwise.
        constant: For flags the bool, for channels the status, for meters with
            a literal right-hand side the number.
        source: The author's text, kept for explanations.
        expr: For meters, the tree of the right-hand side (lint and the
            overflow check read it).
    """

    target: str
    name: str
    op: str
    value: Compiled | None
    constant: Any
    source: str
    expr: Expr | None = None


_TRUE_WORDS = ("true", "True")
_BOOL_WORDS = ("true", "false", "True", "False")


def _flag_effect(source: str, target: Ref, op: str, rhs: str, names: Names) -> Effect:
    flag = target.parts[1]
    if flag not in names.flags:
        raise ExprError(f"unknown flag '{flag}' in '{source}'",
                        suggest(flag, names.flags) or f"declare it under 'flags:' (- id: {flag})",
                        target.start + 1)
    if op != "=" or rhs not in _BOOL_WORDS:
        raise ExprError(f"flags are set with '= true' or '= false', not '{op} {rhs}'", "")
    return Effect("flag", flag, "=", None, rhs in _TRUE_WORDS, source)


def _channel_effect(source: str, target: Ref, op: str, rhs: str, names: Names) -> Effect:
    channel = target.parts[1]
    if channel not in names.channels:
        error = unknown("channel", channel, names.channels, source)
        raise ExprError(error.message, error.fix, target.start + 1)
    if op != "=" or rhs not in CHANNEL_STATUSES:
        raise ExprError(f"a channel is set to a status with '=', got '{op} {rhs}'",
                        "statuses: " + ", ".join(CHANNEL_STATUSES))
    return Effect("channel", channel, "=", None, rhs, source)


def _meter_effect(source: str, target: Ref, op: str, rhs: str, rhs_start: int,
                  names: Names) -> Effect:
    meter = target.parts[0]
    try:
        tree = parse_expression(rhs)
        check_tree(tree, rhs, names, "number")
    except ExprSyntaxError as exc:
        raise _unreadable("effect", source, exc, rhs_start) from None
    except ExprError as exc:  # columns are within the right-hand side: shift them
        raise ExprError(exc.message, exc.fix, exc.col + rhs_start if exc.col else 0) from None
    constant = tree.value if isinstance(tree, Num) else None
    return Effect("meter", meter, op, compile_tree(tree, names), constant, source, tree)


_TARGETS = {
    ("flags", 2): _flag_effect,
    ("channels", 2): _channel_effect,
}
"""Effect targets other than meters, by (first word, number of parts)."""


def compile_effect(source: str, names: Names) -> Effect:
    """Compile one effect statement such as ``escalation += 12``.

    Raises:
        ExprError: The statement is malformed or names something undeclared.
    """
    try:
        statement = parse_statement(source, _id_parts)
    except ExprSyntaxError as exc:
        raise _unreadable("effect", source, exc) from None
    target, op, rhs = statement.target, statement.op, statement.value
    parts = target.parts
    build = _TARGETS.get((parts[0], len(parts)))
    if build is not None:
        return build(source, target, op, rhs, names)
    if len(parts) == 1 and parts[0] in names.meters:
        return _meter_effect(source, target, op, rhs, statement.value_start, names)
    if len(parts) == 1 and parts[0] != "turn":
        error = unknown("meter", parts[0], names.meters, source)
        raise ExprError(error.message, error.fix, target.start + 1)
    raise ExprError(f"'{target.dotted}' cannot be changed by an effect",
                    "effects change a meter, flags.<flag> or channels.<channel>",
                    target.start + 1)


def referenced_names(source: str) -> set[str]:
    """Dotted names a condition mentions (empty when it cannot be read)."""
    try:
        tree = parse_expression(source)
    except ExprError:
        return set()
    return {node.dotted for node in walk(tree) if isinstance(node, Ref)}
