"""Typed events: the registry, the wire form, the one describer and what trainees may see."""

from __future__ import annotations

import ast
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from game.engine import Session
from game.engine.describe import AUDIENCES, Describer, Line, trainee_may_see
from game.engine.events import (
    EVENT_KINDS,
    SCHEMA_VERSION,
    Event,
    EventKind,
    FacilitatorAction,
    FlagChanged,
    MeterChanged,
    UnknownEventError,
    event_from_dict,
)
from game.scenario.compile import CompiledScenario
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent.parent


def _busy_session(scenario: CompiledScenario, seed: int) -> Session:
    """A session that meets as many event kinds as possible: facilitator moves included."""
    rng = random.Random(seed)
    session = Session(scenario, seed, batch=True)
    channel = scenario.model.channels[-1].id
    meter = scenario.model.meters[-1].id
    session.apply({"type": "force_answer", "channel": channel, "result": "answered"})
    session.apply({"type": "inject", "sender": "F", "text": "A call from the press.",
                   "to": [scenario.model.roles[0].id] if scenario.model.roles else []})
    session.apply({"type": "adjust", "meter": meter, "delta": 5, "reason": "a hunch"})
    session.apply({"type": "note", "text": "slow start"})
    session.apply({"type": "pause"})
    session.apply({"type": "resume"})
    while not session.ended:
        option = rng.choice(session.available())
        session.choose(option.id, "because", seconds=3.5)
    return session


def _kinds_met(tiny: CompiledScenario) -> dict[str, Event]:
    met: dict[str, Event] = {}
    for seed in range(60):
        for event in _busy_session(tiny, seed).events:
            met.setdefault(event.type, event)
        if len(met) == len(EVENT_KINDS):
            break
    return met


def test_every_kind_is_registered_once_with_a_schema() -> None:
    assert SCHEMA_VERSION >= 1
    assert all(name == kind.cls.type for name, kind in EVENT_KINDS.items())
    assert all(kind.cls.schema >= 1 for kind in EVENT_KINDS.values())
    assert len({kind.cls for kind in EVENT_KINDS.values()}) == len(EVENT_KINDS)


def test_events_round_trip_through_their_wire_form() -> None:
    for path in [*sorted((ROOT / "scenarios").glob("*.yaml")), ROOT / "tests/engine/tiny.yaml"]:
        scenario = load_scenario(path)
        session = _busy_session(scenario, 1)
        wire = [e.to_dict() for e in session.events]
        again = [event_from_dict(json.loads(json.dumps(d))) for d in wire]
        assert again == session.events, path.name
        assert [e.to_dict() for e in again] == wire, path.name
        assert session.events_json() == json.dumps(wire, sort_keys=True, ensure_ascii=False,
                                                   separators=(",", ":"))


def test_unknown_and_malformed_events_are_refused_with_words() -> None:
    with pytest.raises(UnknownEventError, match="unknown event type 'teleport'"):
        event_from_dict({"type": "teleport", "seq": 0, "turn": 0, "clock": ""})
    with pytest.raises(UnknownEventError, match="'meter' event is malformed"):
        event_from_dict({"type": "meter", "seq": 0, "turn": 0, "clock": ""})


def test_every_kind_is_described_for_every_audience(tiny: CompiledScenario) -> None:
    met = _kinds_met(tiny)
    assert set(met) == set(EVENT_KINDS), f"never met: {set(EVENT_KINDS) - set(met)}"
    for audience in AUDIENCES:
        words = Describer(tiny, audience)
        for kind, event in met.items():
            line = words.line(event)
            if audience != "trainee":
                assert isinstance(line, Line) and line.heading, (audience, kind)


def test_trainees_never_see_hidden_meters_flags_odds_or_the_facilitator(
        tiny: CompiledScenario) -> None:
    trainee, debrief = Describer(tiny, "trainee"), Describer(tiny, "debrief")
    met = _kinds_met(tiny)
    hidden = next(e for s in range(40) for e in _busy_session(tiny, s).events
                  if isinstance(e, MeterChanged) and tiny.meters[e.meter].hidden)
    assert not trainee_may_see(hidden, tiny) and trainee.line(hidden) is None
    assert debrief.line(hidden) is not None and "(facilitator only)" in debrief.line(hidden).text
    for kind in (FlagChanged.type, FacilitatorAction.type):
        assert trainee.line(met[kind]) is None and debrief.line(met[kind]) is not None
    call = met["call"]
    assert "%" not in trainee.line(call).text  # type: ignore[union-attr]
    assert "chance of acceptance" in debrief.line(call).text  # type: ignore[union-attr]
    change = met["meter"]
    assert "[" not in trainee.cause(change.cause)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceDemanded(Event):
    """A kind the counterpart model may add: a price named for contact."""

    type: ClassVar[str] = "price_demanded"
    price: str
    text: str


class _Describer(Describer):
    def _line_price_demanded(self, e: PriceDemanded) -> Line:
        return Line("Counterpart", f"asks for a price: {e.text}")


def test_adding_a_kind_is_one_registry_row_and_its_describer_lines(
        monkeypatch: pytest.MonkeyPatch, tiny: CompiledScenario) -> None:
    monkeypatch.setitem(EVENT_KINDS, "price_demanded", EventKind(PriceDemanded, trainee=True))
    event = PriceDemanded(seq=3, turn=1, clock="2023-02-01T09:00", price="sanctions",
                          text="Lift the sanctions on the minister.")
    assert event_from_dict(event.to_dict()) == event
    line = _Describer(tiny, "trainee").line(event)
    assert line == Line("Counterpart", "asks for a price: Lift the sanctions on the minister.")
    with pytest.raises(AttributeError, match="_line_price_demanded"):
        Describer(tiny, "trainee")  # a registered kind without describer lines fails loudly


CONSUMERS = ("game/ui/present.py", "game/ui/facilitator/state.py",
             "game/commands/transcript.py", "game/debrief/model.py", "game/debrief/cohort.py")


def _reads_events_as_dicts(tree: ast.AST) -> list[int]:
    kinds = set(EVENT_KINDS)
    lines = []
    for node in ast.walk(tree):
        # event["meter"], event["type"]…
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and node.value.id in ("e", "event", "change", "call", "decision")):
            lines.append(node.lineno)
        # event.type == "meter": dispatching on wire names instead of the types
        if (isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute)
                and node.left.attr == "type"
                and any(isinstance(c, ast.Constant) and c.value in kinds
                        for c in node.comparators)):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", CONSUMERS)
def test_the_five_consumers_read_typed_events(path: str) -> None:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    assert not _reads_events_as_dicts(tree), f"{path} reads events by key or wire name"


