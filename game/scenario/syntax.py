"""Reading condition and effect text into one syntax tree.

This is the front half of the condition language: a tokenizer and a small
recursive-descent parser that turn ``escalation >= 60 and not flags.x`` into
frozen nodes (:class:`Num`, :class:`Bool`, :class:`Ref`, :class:`Not`,
:class:`Neg`, :class:`Logic`, :class:`Compare`, :class:`Arith`), each knowing
where it starts in the text. Nothing is ever handed to Python's parser or
evaluator. The loader compiles the tree into closures and lint evaluates the
same tree over sets of values, so both read conditions the same way.

The grammar (loosest binding first)::

    expr    := and ( ('or' | '||') and )*
    and     := not ( ('and' | '&&') not )*
    not     := 'not' not | compare
    compare := sum ( ('<' | '<=' | '>' | '>=' | '==' | '!=') sum )*
    sum     := term ( ('+' | '-') term )*
    term    := unary ( '*' unary )*
    unary   := ('-' | '+') unary | atom
    atom    := number | 'true' | 'false' | dotted-name | '(' expr ')'

A dotted name is words joined by '.'; ids of channels, nodes and the like
may contain '-' (``channels.dtl-link.suspended``), so a '-' continues a name
only in the parts that the name families mark as ids (see
:data:`game.scenario.names.FAMILIES`), and means minus everywhere else
(``escalation-40``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, Union

ExprType = Literal["bool", "number"]

MAX_LENGTH = 2000
"""Longest condition or effect accepted, in characters."""
MAX_DEPTH = 40
"""Deepest nesting of parentheses and operators accepted."""
MAX_NUMBER = 1e15
"""Largest magnitude of a number in a condition or effect (and of what an effect
may compute): far beyond any meter, and small enough that a float holds every
whole number up to it exactly."""


class ExprError(ValueError):
    """A condition or effect that cannot be compiled, with a suggested fix.

    Attributes:
        message: What is wrong.
        fix: How to fix it ('' when there is nothing specific to say).
        col: 1-based column in the condition or effect text where the problem
            starts (0 when it concerns the whole text).
    """

    def __init__(self, message: str, fix: str = "", col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.col = col


class ExprSyntaxError(ExprError):
    """Text that is not a well-formed expression; ``message`` says what was found.

    Callers put it in context ("cannot read the condition '...': <message>").
    """


# --- the tree ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Num:
    start: int
    end: int
    value: float


@dataclass(frozen=True, slots=True)
class Bool:
    start: int
    end: int
    value: bool


@dataclass(frozen=True, slots=True)
class Ref:
    """A dotted name such as ``flags.shot_down`` (parts as written, ids with '-')."""

    start: int
    end: int
    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class Not:
    start: int
    end: int
    operand: Expr


@dataclass(frozen=True, slots=True)
class Neg:
    start: int
    end: int
    operand: Expr


@dataclass(frozen=True, slots=True)
class Logic:
    """``a and b and c`` or ``a or b``."""

    start: int
    end: int
    op: Literal["and", "or"]
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    """``a < b <= c``: every neighbouring pair must hold."""

    start: int
    end: int
    left: Expr
    ops: tuple[str, ...]
    rights: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Arith:
    start: int
    end: int
    op: Literal["+", "-", "*"]
    left: Expr
    right: Expr


Expr = Union[Num, Bool, Ref, Not, Neg, Logic, Compare, Arith]


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of the tree, parents before children."""
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (Not, Neg)):
            stack.append(node.operand)
        elif isinstance(node, Logic):
            stack.extend(reversed(node.operands))
        elif isinstance(node, Compare):
            stack.extend(reversed((node.left, *node.rights)))
        elif isinstance(node, Arith):
            stack.extend((node.right, node.left))


# --- tokens ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    kind: Literal["num", "name", "op", "bad", "end"]
    text: str
    start: int
    end: int
    parts: tuple[str, ...] = ()


_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ID_TAIL = re.compile(r"(?:-[a-z0-9][a-z0-9_]*)+")
_OPS = ("==", "!=", "<=", ">=", "+=", "-=", "&&", "||", "<", ">", "+", "-", "*", "(", ")", "=")
_KEYWORDS = frozenset({"and", "or", "not", "true", "false", "True", "False"})

IdParts = Callable[[str], frozenset[int]]
"""Given a name's first word, the positions of its parts that are ids and may hold '-'."""


def _no_ids(head: str) -> frozenset[int]:
    return frozenset()


def shown_number(text: str) -> str:
    """A number as written, shortened when it is very long (``100000000000...(311 digits)``)."""
    return text if len(text) <= 24 else f"{text[:12]}...({len(text)} digits)"


def _number(text: str, start: int) -> float:
    try:
        value = float(text)
    except (ValueError, OverflowError):  # pragma: no cover - the pattern admits floats only
        value = math.inf
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise ExprError(
            f"the number {shown_number(text)} is beyond ±10^15, the largest Hotline accepts",
            "use a number a meter could hold, such as 40 or 0.5", start + 1,
        )
    return value


def _unexpected(source: str, pos: int) -> ExprSyntaxError:
    char = source[pos]
    col = pos + 1
    if char in "'\"":
        return ExprSyntaxError(
            "text in quotes cannot be used in a condition",
            "write channels.<id>.<status> instead of comparing with a word", col)
    if source.startswith("**", pos):
        return ExprSyntaxError("'**' is not allowed; only + - * compute numbers",
                         "multiply it out, e.g. escalation * escalation", col)
    if char == "/":
        return ExprSyntaxError("'/' is not allowed; only + - * compute numbers",
                         "multiply instead, e.g. escalation * 0.5", col)
    if char == "!":
        return ExprSyntaxError("'!' is not allowed", "write 'not flags.x', or '!=' to compare", col)
    if char in "[]{}":
        return ExprSyntaxError("lists and blocks are not allowed in a condition",
                         "conditions use meters, flags, numbers, comparisons, and/or/not, "
                         "+ - *", col)
    shown = char if char.isprintable() else f"U+{ord(char):04X}"
    return ExprSyntaxError(f"the character '{shown}' cannot be used here",
                     "conditions use meters, flags, numbers, comparisons, and/or/not, + - *",
                     col)


def tokenize(source: str, id_parts: IdParts = _no_ids) -> list[Token]:
    """Split text into tokens; '-' inside an id part of a dotted name stays in the name."""
    tokens: list[Token] = []
    pos, size = 0, len(source)
    while pos < size:
        char = source[pos]
        if char in " \t\r\n":
            pos += 1
            continue
        if char.isdigit() or (char == "." and source[pos + 1:pos + 2].isdigit()):
            match = _NUMBER.match(source, pos)
            assert match is not None
            end = match.end()
            if end < size and (source[end].isalnum() or source[end] in "_."):
                raise ExprSyntaxError(f"'{source[pos:end + 1]}' is neither a number nor a name",
                                "names start with a letter; put an operator between a "
                                "number and a name", pos + 1)
            tokens.append(Token("num", match.group(), pos, end))
            pos = end
            continue
        if char.isalpha() or char == "_":
            start = pos
            parts: list[str] = []
            ids = frozenset[int]()
            while True:
                word = _WORD.match(source, pos)
                if word is None:
                    raise ExprSyntaxError(f"a name cannot end with '.' ('{source[start:pos]}')",
                                    "write the whole name, e.g. flags.shot_down", pos + 1)
                part = word.group()
                pos = word.end()
                if not parts:
                    ids = id_parts(part)
                elif len(parts) in ids:
                    tail = _ID_TAIL.match(source, pos)
                    if tail is not None:
                        part += tail.group()
                        pos = tail.end()
                parts.append(part)
                if source.startswith(".", pos) and not source[pos + 1:pos + 2].isdigit():
                    pos += 1
                    continue
                break
            tokens.append(Token("name", source[start:pos], start, pos, tuple(parts)))
            continue
        op = next((o for o in _OPS if source.startswith(o, pos)), None)
        if op is None or source.startswith("**", pos):
            # Reported when the parser gets here, so what comes first is said first.
            tokens.append(Token("bad", char, pos, pos + 1))
            tokens.append(Token("end", "", size, size))
            return tokens
        tokens.append(Token("op", op, pos, pos + len(op)))
        pos += len(op)
    tokens.append(Token("end", "", size, size))
    return tokens


# --- the parser ------------------------------------------------------------------

_COMPARE_OPS = frozenset({"<", "<=", ">", ">=", "==", "!="})
_LANGUAGE = "conditions use meters, flags, numbers, comparisons, and/or/not, + - *"


class _Parser:
    def __init__(self, source: str, tokens: list[Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        if token.kind == "bad":
            raise _unexpected(self.source, token.start)
        self.index += 1
        return token

    def at(self, *texts: str) -> bool:
        token = self.token
        return token.kind in ("op", "name") and token.text in texts

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("the expression is nested too deeply",
                            "split it into simpler conditions", self.token.start + 1)

    def expression(self) -> Expr:
        self.deeper()
        first = self.conjunction()
        operands = [first]
        while self.at("or", "||"):
            self.take()
            operands.append(self.conjunction())
        self.depth -= 1
        if len(operands) == 1:
            return first
        return Logic(first.start, operands[-1].end, "or", tuple(operands))

    def conjunction(self) -> Expr:
        first = self.negation()
        operands = [first]
        while self.at("and", "&&"):
            self.take()
            operands.append(self.negation())
        if len(operands) == 1:
            return first
        return Logic(first.start, operands[-1].end, "and", tuple(operands))

    def negation(self) -> Expr:
        if self.at("not"):
            token = self.take()
            self.deeper()
            operand = self.negation()
            self.depth -= 1
            return Not(token.start, operand.end, operand)
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.sum()
        ops: list[str] = []
        rights: list[Expr] = []
        while self.token.kind == "op" and self.token.text in _COMPARE_OPS:
            ops.append(self.take().text)
            rights.append(self.sum())
        if self.token.kind == "op" and self.token.text == "=":
            raise ExprSyntaxError("'=' sets a value in effects; conditions compare with '=='",
                            "write '==' to compare", self.token.start + 1)
        if not ops:
            return left
        return Compare(left.start, rights[-1].end, left, tuple(ops), tuple(rights))

    def sum(self) -> Expr:
        left = self.term()
        while self.token.kind == "op" and self.token.text in ("+", "-"):
            op: Literal["+", "-"] = "+" if self.take().text == "+" else "-"
            right = self.term()
            left = Arith(left.start, right.end, op, left, right)
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self.token.kind == "op" and self.token.text == "*":
            self.take()
            right = self.unary()
            left = Arith(left.start, right.end, "*", left, right)
        return left

    def unary(self) -> Expr:
        if self.token.kind == "op" and self.token.text in ("-", "+"):
            token = self.take()
            self.deeper()
            operand = self.unary()
            self.depth -= 1
            if token.text == "+":
                return operand
            if isinstance(operand, Num):  # a negative literal is a number, not an operation
                return Num(token.start, operand.end, -operand.value)
            return Neg(token.start, operand.end, operand)
        return self.atom()

    def atom(self) -> Expr:
        token = self.take()
        if token.kind == "num":
            return Num(token.start, token.end, _number(token.text, token.start))
        if token.kind == "name":
            if token.text in ("true", "True"):
                return Bool(token.start, token.end, True)
            if token.text in ("false", "False"):
                return Bool(token.start, token.end, False)
            if token.text in _KEYWORDS:
                raise ExprSyntaxError(f"'{token.text}' needs a value before it",
                                "write it like: escalation >= 60 and not flags.x",
                                token.start + 1)
            if self.at("("):
                raise ExprSyntaxError(
                    f"function calls such as '{token.text}(...)' are not allowed",
                    _LANGUAGE, token.start + 1)
            return Ref(token.start, token.end, token.parts)
        if token.kind == "op" and token.text == "(":
            self.deeper()
            inner = self.expression()
            self.depth -= 1
            closing = self.take()
            if closing.kind != "op" or closing.text != ")":
                raise ExprSyntaxError("a '(' is never closed", "add the missing ')'",
                                closing.start + 1)
            return inner
        if token.kind == "end":
            raise ExprSyntaxError("the text ends where a value is expected",
                            "write it like: escalation >= 60 and not flags.x",
                            token.start + 1)
        raise ExprSyntaxError(f"'{token.text}' cannot start a value",
                        "write it like: escalation >= 60 and not flags.x", token.start + 1)

    def finish(self) -> None:
        token = self.token
        if token.kind == "end":
            return
        if token.kind == "bad":
            raise _unexpected(self.source, token.start)
        if token.kind == "op" and token.text == ")":
            raise ExprSyntaxError("a ')' has no '(' to close", "remove it", token.start + 1)
        if token.kind == "op" and token.text == "(":
            raise ExprSyntaxError("function calls are not allowed", _LANGUAGE, token.start + 1)
        raise ExprSyntaxError(f"'{token.text}' cannot follow what comes before it",
                        "join conditions with 'and' or 'or', and compare with < <= > >= == !=",
                        token.start + 1)


def _check_length(source: str) -> None:
    if len(source) > MAX_LENGTH:
        raise ExprError(f"the expression is longer than {MAX_LENGTH} characters", "shorten it")


def parse(source: str, id_parts: IdParts = _no_ids) -> Expr:
    """Parse a condition or an effect's right-hand side into a tree.

    Raises:
        ExprError: The text is not a well-formed expression (with its column).
    """
    _check_length(source)
    parser = _Parser(source, tokenize(source, id_parts))
    tree = parser.expression()
    parser.finish()
    return tree


@dataclass(frozen=True, slots=True)
class Statement:
    """An effect as written: ``target op value``.

    Attributes:
        target: The dotted name being changed.
        op: ``+=``, ``-=`` or ``=``.
        value: The tokens after the operator, re-parsed by the caller
            according to the target (a number expression, true/false, a status).
        value_start: Where the value starts (0-based), for columns.
    """

    target: Ref
    op: str
    value: str
    value_start: int


def parse_statement(source: str, id_parts: IdParts = _no_ids) -> Statement:
    """Split an effect into target, operator and value text.

    Raises:
        ExprError: The text is not ``name += value``, ``name -= value`` or ``name = value``.
    """
    _check_length(source)
    example = "write it like: escalation += 12, flags.shot_down = true, channels.dtl = suspended"
    tokens = tokenize(source, id_parts)
    if len(tokens) < 3 or tokens[0].kind != "name" or tokens[1].kind != "op" \
            or tokens[1].text not in ("+=", "-=", "="):
        raise ExprError(f"cannot read the effect '{source}'", example)
    if tokens[2].kind == "end":
        raise ExprError(f"cannot read the effect '{source}': nothing after "
                        f"'{tokens[1].text}'", example, tokens[2].start + 1)
    first = tokens[0]
    return Statement(Ref(first.start, first.end, first.parts), tokens[1].text,
                     source[tokens[2].start:].rstrip(), tokens[2].start)
