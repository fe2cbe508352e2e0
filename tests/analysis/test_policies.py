"""Policies: naming, fallbacks, determinism."""

from __future__ import annotations

import random

import pytest

from game.analysis import (
    PolicyError,
    get_policy,
    play_one,
    policy_names,
    prudent_choice,
    scenario_data,
    scenario_from_data,
)
from game.analysis.policies import KIND_PREFERENCE
from game.engine import Session
from game.scenario import OPTION_KINDS, CompiledScenario


def test_policy_names_cover_every_kind() -> None:
    names = policy_names()
    assert {"random", "expert", "historical", "greedy"} <= set(names)
    assert {f"always-{k}" for k in OPTION_KINDS} <= set(names)
    for name in names:
        assert callable(get_policy(name))


def test_unknown_policy_lists_valid_names() -> None:
    with pytest.raises(PolicyError) as info:
        get_policy("smart")
    message = str(info.value)
    assert "unknown policy 'smart'" in message
    for name in ("random", "expert", "historical", "greedy", "always-call"):
        assert name in message


def test_always_kind_accepts_hyphens() -> None:
    assert get_policy("always-back-channel").__name__ == "always_back_channel"
    assert get_policy("ALWAYS-DE_ESCALATE").__name__ == "always_de_escalate"


def test_expert_and_historical_follow_their_paths(tiny: CompiledScenario) -> None:
    expert = play_one(tiny, 5, "expert")
    assert list(expert.path) == [("first", "call"), ("second", "back"), ("third", "allies")]
    historical = play_one(tiny, 5, "historical")
    assert list(historical.path) == [("first", "shoot"), ("second", "wait"),
                                     ("third", "concede")]
    assert historical.ending == "freeze"


def test_path_policy_falls_back_to_prudent_choice(tiny: CompiledScenario) -> None:
    session = Session(tiny, 1, batch=True)
    session.apply({"type": "jump", "node": "third"})  # expert covers 'third' anyway
    assert get_policy("expert")(session, random.Random(0)) == "allies"
    # Off the path: a copy of the scenario whose expert path skips 'second'.
    copy = scenario_from_data(scenario_data(tiny))
    del copy.expert["second"]
    off = Session(copy, 1, batch=True)
    off.apply({"type": "choose", "option": "call"})
    # back_channel ranks above wait and escalate.
    assert get_policy("expert")(off, random.Random(0)) == "back"


def test_prudent_choice_orders_kinds_then_severity(tiny: CompiledScenario) -> None:
    first = tiny.options["first"]  # shoot (escalate), call (call), wait (wait)
    assert prudent_choice(first) == "call"
    assert prudent_choice([o for o in first if o.id != "call"]) == "wait"
    assert KIND_PREFERENCE[-1] == "escalate"


def test_always_kind_picks_that_kind_when_available(tiny: CompiledScenario) -> None:
    for seed in range(20):
        summary = play_one(tiny, seed, "always-escalate")
        assert summary.path[0] == ("first", "shoot")
        summary = play_one(tiny, seed, "always-concede")
        # No concede option at 'first': any option; at 'third' it must concede.
        if summary.path[-1][0] == "third":
            assert summary.path[-1] == ("third", "concede")


def test_greedy_is_deterministic_and_does_not_move_the_session(tiny: CompiledScenario) -> None:
    greedy = get_policy("greedy")
    session = Session(tiny, 3, batch=True)
    before = session.events_json()
    choice = greedy(session, random.Random(0))
    assert session.events_json() == before
    assert choice == greedy(session, random.Random(99))
    a = play_one(tiny, 11, "greedy")
    b = play_one(tiny, 11, get_policy("greedy"))
    assert a == b


def test_greedy_beats_random_on_average(tiny: CompiledScenario) -> None:
    greedy = [play_one(tiny, s, "greedy").score for s in range(60)]
    rand = [play_one(tiny, s, "random").score for s in range(60)]
    assert sum(greedy) / 60 > sum(rand) / 60 + 10


def test_policy_on_finished_session_is_an_error(tiny: CompiledScenario) -> None:
    session = Session(tiny, 0, batch=True)
    for option in ("call", "back", "allies"):
        session.apply({"type": "choose", "option": option})
    assert session.ended
    with pytest.raises(PolicyError, match="ended"):
        get_policy("random")(session, random.Random(0))
