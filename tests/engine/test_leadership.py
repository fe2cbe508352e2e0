"""The counterpart's leadership, pressure, prices, call subjects and signals.

Played on ``leadership.yaml``: one looped decision point offering every kind
of request, a counterpart that answers every authorised call (base 1.0) and
declines every refusal (decline share 1.0), so each result below follows
from the model's rules, not from the dice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from game.engine import Session
from game.scenario.compile import CompiledScenario, compile_scenario
from game.scenario.models import Scenario

HERE = Path(__file__).parent


def build(**counterpart: Any) -> CompiledScenario:
    data = YAML(typ="safe").load((HERE / "leadership.yaml").read_text(encoding="utf-8"))
    data["counterpart"].update(counterpart)
    compiled, problems = compile_scenario(Scenario.model_validate(data))
    assert compiled is not None, problems
    return compiled


@pytest.fixture(scope="module")
def scenario() -> CompiledScenario:
    return build()


def play(scenario: CompiledScenario, choices: list[str], seed: int = 1) -> Session:
    session = Session(scenario, seed, batch=True)
    for choice in choices:
        session.choose(choice)
    return session


def events(session: Session) -> list[dict[str, Any]]:
    """The session's events in their wire form (what exports and the journal keep)."""
    return [e.to_dict() for e in session.events]


def calls(session: Session) -> list[dict[str, Any]]:
    return [e for e in events(session) if e["type"] == "call"]


def test_a_withheld_level_refuses_with_the_missing_decision(scenario: CompiledScenario) -> None:
    session = play(scenario, ["call-dtl"])
    call = calls(session)[0]
    assert (call["result"], call["gate"], call["level"]) == ("declined", "withheld", "military")
    assert call["reason"] == "Beijing had not decided to reopen military channels."
    assert call["acceptance"] == 0.0
    assert "dtl" not in session.contact and session.asked["military"] == 0


def test_retries_never_change_the_answer_and_read_as_pressure(scenario: CompiledScenario) -> None:
    session = play(scenario, ["call-dtl", "call-dtl", "call-cjcs"])
    results = [(c["channel"], c["result"], c["gate"]) for c in calls(session)]
    assert results == [("dtl", "declined", "withheld"), ("dtl", "declined", "withheld"),
                       ("cjcs", "declined", "withheld")]
    assert session.pressure["military"] == 2
    second = calls(session)[1]
    assert second["reason"] == ("Beijing had not decided to reopen military channels; "
                                "the repeated request read as pressure.")
    pressure = [e for e in events(session) if e["type"] == "pressure"]
    assert [e["pressure"] for e in pressure] == [1, 2]
    # The scenario's pressure effects: withholding the line is now worth more.
    assert session.meters["openness"] == 40


def test_only_a_named_event_authorises_and_pressure_then_costs_acceptance(
    scenario: CompiledScenario,
) -> None:
    session = play(scenario, ["call-dtl", "call-dtl", "political", "call-dtl"])
    leadership = [e for e in events(session) if e["type"] == "leadership"]
    assert [(e["event"], e["levels"]) for e in leadership] == [
        ("political-go-ahead", [{"level": "military", "before": "withheld",
                                 "after": "authorised"}])]
    # The political contact was answered at decision 3 (turn 2); the leadership decides
    # before the next decision (turn 3).
    assert leadership[0]["turn"] == 3 and session.leadership["military"]
    last = calls(session)[-1]
    assert last["gate"] == "roll" and last["result"] == "answered"
    # One repeated request read as pressure: acceptance 1.0 - 0.2.
    assert last["acceptance"] == pytest.approx(0.8)
    assert ["1 repeated request(s) read as pressure", -0.2] in last["factors"]
    # The event fires once, however often its condition holds again.
    more = play(scenario, ["political", "political", "political"])
    assert len([e for e in events(more) if e["type"] == "leadership"]) == 1


def test_a_decided_refusal_stands_for_the_recent_turns() -> None:
    # Authorised from the start, but the counterpart refuses every call (base 0).
    scenario = build(base_acceptance=0.0,
                     leadership={"military": {"initial": "authorised"}, "events": []})
    session = play(scenario, ["call-dtl", "call-cjcs", "wait", "wait", "call-dtl"])
    gates = [(c["channel"], c["gate"]) for c in calls(session)]
    # Right after a refusal the answer stands, on any line of the level, with no new roll.
    assert gates == [("dtl", "roll"), ("cjcs", "standing"), ("dtl", "roll")]
    assert calls(session)[1]["reason"].startswith("The answer on military contact stands")


def test_withheld_calls_draw_the_same_dice_as_any_call(scenario: CompiledScenario) -> None:
    # The random stream does not depend on which gate decided a call.
    a = play(scenario, ["call-dtl", "wait"], seed=5)
    b = play(scenario, ["demarche", "wait"], seed=5)
    assert a.rng.getstate() == b.rng.getstate()


def test_prices_are_raised_paid_and_followed_by_a_new_condition(
    scenario: CompiledScenario,
) -> None:
    session = play(scenario, [])
    assert session.prices == {"sanctions": "demanded", "flights": "none"}
    session.choose("pay")
    assert session.prices == {"sanctions": "paid", "flights": "demanded"}
    assert session.meters["standing"] == 40  # the price's cost
    assert session.leadership["military"]
    kinds = [(e["type"], e.get("price") or e.get("event")) for e in events(session)
             if e["type"] in ("price", "leadership")]
    assert kinds == [("price", "sanctions"), ("price", "sanctions"), ("price", "flights"),
                     ("leadership", "paid")]
    refused = play(scenario, ["refuse"])
    assert refused.prices["sanctions"] == "refused" and not refused.leadership["military"]


def test_subjects_legitimisation_and_reassurance(scenario: CompiledScenario) -> None:
    # Authorised by the political contact; a protest about the operation is still refused.
    session = play(scenario, ["political", "protest"])
    protest = calls(session)[-1]
    assert protest["acceptance"] == pytest.approx(0.4)
    assert ["Answering about the operation would accept it.", -0.6] in protest["factors"]
    # The inverse case: a counterpart that fears attack takes the reassurance call.
    scared = play(scenario, ["scare", "reassure"])
    reassure = calls(scared)[-1]
    assert reassure["result"] == "answered" and reassure["gate"] == "roll"
    assert ["They want to know no attack is coming.", 0.5] in reassure["factors"]
    assert [e["event"] for e in events(scared) if e["type"] == "leadership"] == ["fear"]


def test_signals_are_per_channel_then_per_level_then_the_counterpart() -> None:
    scenario = build(base_acceptance=0.0, decline_share=0.0,
                     leadership={"military": {"initial": "authorised"}, "events": []})
    session = play(scenario, ["hail", "wait", "wait", "call-cjcs"])
    texts = {e["channel"]: e["text"] for e in events(session) if e["type"] == "signal"}
    # The radio needs no leadership decision, so its silence never takes the military
    # level's words; it has none of its own for silence, so the counterpart's apply.
    assert texts["radio"] == "No answer."
    assert texts["cjcs"] == "The PLA duty officer logs the request and says nothing."
    declined = build(base_acceptance=0.0,
                     leadership={"military": {"initial": "authorised"}, "events": []})
    session = play(declined, ["hail", "wait", "wait", "call-cjcs", "wait", "wait", "call-dtl"])
    texts = [(e["channel"], e["text"]) for e in events(session) if e["type"] == "signal"]
    assert texts == [("radio", "The other ship does not answer the hail."),
                     ("cjcs", "The chiefs' office says the general is unavailable."),
                     # The cjcs refusal is still outstanding: asking the same level
                     # again, on another line, is a repeated request.
                     ("dtl", "The counterpart declines the call; the repeated request "
                             "read as pressure.")]


def test_a_ringing_call_is_not_answered_once_the_level_is_withheld() -> None:
    scenario = build(delay={"min": 2, "max": 2}, leadership={
        "military": {"initial": "authorised"},
        "events": [{"when": "flags.fears", "withhold": ["military"],
                    "text": "After the surge nobody in the PLA may call back."}]})
    session = play(scenario, ["call-dtl", "scare", "wait"])
    assert calls(session)[0]["result"] == "ringing"
    assert session.channels["dtl"] == "unanswered" and "dtl" not in session.contact
    signal = [e for e in events(session) if e["type"] == "signal"][-1]
    assert signal["text"] == "After the surge nobody in the PLA may call back."


def test_snapshot_restores_the_leadership_state(scenario: CompiledScenario) -> None:
    session = play(scenario, ["call-dtl"])
    saved = session.snapshot()
    session.choose("call-dtl")
    session.choose("pay")
    assert session.pressure["military"] == 1 and session.prices["sanctions"] == "paid"
    session.restore(saved)
    assert session.pressure["military"] == 0 and session.prices["sanctions"] == "demanded"
    assert not session.leadership["military"] and session.refusals["military"] == "declined"
    again = play(scenario, ["call-dtl", "call-dtl", "pay"])
    session.choose("call-dtl")
    session.choose("pay")
    assert session.events_json() == again.events_json()


def test_ratings_read_what_the_trainee_did_and_say_why(scenario: CompiledScenario) -> None:
    session = play(scenario, ["political", "call-dtl", "call-dtl"] + ["wait"] * 5)
    assert session.outcome is not None
    assert session.outcome.ratings == {"political-first": "P", "no-pressure": "P"}
    assert session.outcome.reasons["political-first"] == "You went political first."
    pressed = play(scenario, ["call-dtl", "call-dtl", "political"] + ["wait"] * 5)
    assert pressed.outcome is not None
    assert pressed.outcome.ratings == {"political-first": "S", "no-pressure": "M"}
    # No 'why' text for these: the rule that decided, each part met or not, in words.
    assert pressed.outcome.reasons["political-first"] == (
        "Rated S because its rule held: a call was placed on Political line (met).")
    assert pressed.outcome.reasons["no-pressure"] == (
        "Rated M because its rule held: pressure.military ≥ 1 (met).")


def test_contact_counts_by_substance_and_scored_meters_count(scenario: CompiledScenario) -> None:
    demarche = play(scenario, ["demarche"] + ["wait"] * 7)
    political = play(scenario, ["political"] + ["wait"] * 7)
    d = {p.key: p for p in demarche.outcome.parts}  # type: ignore[union-attr]
    p = {p.key: p for p in political.outcome.parts}  # type: ignore[union-attr]
    # A chargé taking a démarche is not a leaders' call.
    assert d["contact"].points == pytest.approx(0.4 * d["contact"].max_points)
    assert p["contact"].points == pytest.approx(p["contact"].max_points)
    # Standing reads standing, allies, info and (inverted) the risk meter.
    assert d["standing"].detail == ("domestic standing 50, allied confidence 50, "
                                    "information position 50, risk to crews 10")
    assert d["standing"].points == pytest.approx(15 * (0.5 + 0.5 + 0.5 + 0.9) / 4)
