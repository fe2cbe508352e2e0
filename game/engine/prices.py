"""The counterpart's prices: demands it makes before it will talk.

A scenario lists them under ``counterpart: prices`` (lift the sanctions on a
minister, halt reconnaissance flights near the coast, keep the evidence out
of public view ...). A price is raised (``demanded``) when its ``when``
condition first holds, or at the start when it has none; an option answers it
with an effect (``prices.<id> = paid``, ``refused`` or ``deferred``). Paying
applies the price's ``cost`` effects, and a price whose ``when`` reads
``prices.<other>.paid`` is the new condition that follows a met one.

State (flat, for batch kernels): ``prices[id] -> status``, one of
``none``, ``demanded``, ``deferred``, ``paid``, ``refused``.
"""

from __future__ import annotations

from collections.abc import Iterator

from game.scenario.compile import CompiledPrice, CompiledScenario
from game.scenario.expr import Reader

STATUS_WORDS: dict[str, str] = {
    "none": "not raised",
    "demanded": "demanded",
    "deferred": "deferred",
    "paid": "paid",
    "refused": "refused",
}


def initial(scenario: CompiledScenario) -> dict[str, str]:
    """Every price not yet raised (the first check raises those without ``when``); a
    fresh dict (batch play starts thousands of sessions, so the first is kept)."""
    cached = scenario.runtime.get("prices_initial")
    if not isinstance(cached, dict):
        cached = scenario.runtime["prices_initial"] = {p.id: "none" for p in scenario.prices}
    return dict(cached)


def due(scenario: CompiledScenario, state: Reader) -> Iterator[CompiledPrice]:
    """Prices not raised yet whose condition holds now, in file order."""
    for price in scenario.prices:
        if state.prices[price.id] == "none" and (price.when is None or price.when(state)):
            yield price


def by_id(scenario: CompiledScenario, price_id: str) -> CompiledPrice:
    """The compiled price with this id."""
    table = scenario.runtime.get("prices_by_id")
    if not isinstance(table, dict):
        table = scenario.runtime["prices_by_id"] = {p.id: p for p in scenario.prices}
    found: CompiledPrice = table[price_id]
    return found


def describe(price: CompiledPrice, status: str) -> str:
    """One line for displays: ``Lift the sanctions on Li (demanded)``."""
    return f"{price.demand} ({STATUS_WORDS.get(status, status)})"
