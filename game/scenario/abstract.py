"""Evaluating a condition tree over sets of values instead of one state.

A *bool* abstract value is the set of truth values an expression can take
(``{True}``, ``{False}`` or both); a *number* is an interval ``(lo, hi)``.
Lint plays the whole scenario this way (see :mod:`game.scenario.lint`), and
the compiler uses it to bound what an effect can compute over the meters'
ranges. The caller says what a name can be worth; everything else is here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Union

from .syntax import Arith, Bool, Compare, Expr, Logic, Neg, Not, Num, Ref

Bools = frozenset[bool]
Strs = frozenset[str]
Interval = tuple[float, float]
AValue = Union[Bools, Interval]

BOTH: Bools = frozenset((True, False))
TRUE: Bools = frozenset((True,))
FALSE: Bools = frozenset((False,))
INF = math.inf
ANY_NUMBER: Interval = (-INF, INF)


def truths(can_true: bool, can_false: bool) -> Bools:
    """The set holding True and/or False as allowed."""
    return frozenset(v for v, ok in ((True, can_true), (False, can_false)) if ok)


def as_bools(value: AValue) -> Bools:
    if isinstance(value, frozenset):
        return value
    lo, hi = value
    if lo == 0 and hi == 0:
        return FALSE
    if lo > 0 or hi < 0:
        return TRUE
    return BOTH


def as_interval(value: AValue) -> Interval:
    if isinstance(value, tuple):
        return value
    nums = [1.0 if v else 0.0 for v in value]
    return (min(nums), max(nums))


def compare(op: str, a: Interval, b: Interval) -> Bools:
    """The possible results of ``a op b`` for any values in the two intervals."""
    (alo, ahi), (blo, bhi) = a, b
    if op == "<":
        return truths(alo < bhi, ahi >= blo)
    if op == "<=":
        return truths(alo <= bhi, ahi > blo)
    if op == ">":
        return truths(ahi > blo, alo <= bhi)
    if op == ">=":
        return truths(ahi >= blo, alo < bhi)
    overlap = alo <= bhi and blo <= ahi
    single = alo == ahi == blo == bhi
    if op == "==":
        return truths(overlap, not single)
    return truths(not single, overlap)


def _equal_bools(op: str, a: Bools, b: Bools) -> Bools:
    results = {(x == y) if op == "==" else (x != y) for x in a for y in b}
    return frozenset(results)


Lookup = Callable[[Ref], AValue]


class Evaluator:
    """Evaluates trees given what each name can be worth.

    Attributes:
        largest: The largest magnitude any number took on the way (``inf`` or
            ``nan`` when something overflowed); the compiler bounds effects with it.
    """

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self.largest = 0.0

    def _seen(self, value: Interval) -> Interval:
        lo, hi = value
        if math.isnan(lo) or math.isnan(hi):
            self.largest = math.nan
        elif not math.isnan(self.largest):
            self.largest = max(self.largest, abs(lo), abs(hi))
        return value

    def value(self, node: Expr) -> AValue:
        """The abstract value of a tree."""
        if isinstance(node, Num):
            return self._seen((node.value, node.value))
        if isinstance(node, Bool):
            return TRUE if node.value else FALSE
        if isinstance(node, Ref):
            found = self.lookup(node)
            return self._seen(found) if isinstance(found, tuple) else found
        if isinstance(node, Logic):
            values = [as_bools(self.value(v)) for v in node.operands]
            if node.op == "and":
                return truths(all(True in v for v in values), any(False in v for v in values))
            return truths(any(True in v for v in values), all(False in v for v in values))
        if isinstance(node, Not):
            return frozenset(not v for v in as_bools(self.value(node.operand)))
        if isinstance(node, Neg):
            lo, hi = as_interval(self.value(node.operand))
            return (-hi, -lo)
        if isinstance(node, Compare):
            return self._compare(node)
        return self._arith(node)

    def _compare(self, node: Compare) -> Bools:
        left = self.value(node.left)
        result: Bools = TRUE
        for op, comp in zip(node.ops, node.rights):
            right = self.value(comp)
            if isinstance(left, frozenset) and isinstance(right, frozenset):
                part = _equal_bools(op, left, right)
            else:
                part = compare(op, as_interval(left), as_interval(right))
            result = truths(True in result and True in part, False in result or False in part)
            left = right
        return result

    def _arith(self, node: Arith) -> Interval:
        a = as_interval(self.value(node.left))
        b = as_interval(self.value(node.right))
        if node.op == "+":
            return self._seen((a[0] + b[0], a[1] + b[1]))
        if node.op == "-":
            return self._seen((a[0] - b[1], a[1] - b[0]))
        products = [x * y for x in a for y in b]
        if any(math.isnan(p) for p in products):
            # 0 * infinity: the bound is unknown; say so to the overflow check.
            self.largest = math.nan
            products = [0.0 if math.isnan(p) else p for p in products]
        return self._seen((min(products), max(products)))

    def truth(self, node: Expr) -> Bools:
        """The possible truth values of a condition."""
        return as_bools(self.value(node))

    def number(self, node: Expr) -> Interval:
        """The possible values of a number expression."""
        return as_interval(self.value(node))
