from __future__ import annotations

from types import SimpleNamespace

import pytest

from game.scenario.expr import ExprError, Names, compile_condition, compile_effect, referenced_names

NAMES = Names(
    meters=frozenset({"escalation", "openness"}),
    flags=frozenset({"shot", "sanctions_waived"}),
    channels=frozenset({"dtl"}),
    nodes=frozenset({"first"}),
    tags=frozenset({"kinetic"}),
)


def state(**overrides: object) -> SimpleNamespace:
    base = dict(
        meters={"escalation": 40.0, "openness": 50.0},
        peaks={"escalation": 70.0, "openness": 50.0},
        flags={"shot"},
        channels={"dtl": "declined"},
        contact={"dtl", "military", "any"},
        visited={"first"},
        recent={"kinetic": 2},
        turn=3,
        call_status="answered",
        recent_turns=2,
    )
    base.update(overrides)
    return SimpleNamespace(**base)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("escalation >= 40", True),
        ("escalation > 40", False),
        ("escalation >= 60 and not flags.sanctions_waived", False),
        ("peak.escalation >= 60 and not flags.sanctions_waived", True),
        ("flags.shot or escalation > 90", True),
        ("channels.dtl.declined", True),
        ("channels.dtl.answered", False),
        ("contact.dtl and contact.military and contact.any", True),
        ("contact.political", False),
        ("visited.first", True),
        ("recent.kinetic", True),
        ("turn == 3", True),
        ("10 < escalation + openness * 0 <= 40", True),
        ("true and not false", True),
        ("-escalation < 0", True),
    ],
)
def test_conditions_evaluate(source: str, expected: bool) -> None:
    assert bool(compile_condition(source, NAMES)(state())) is expected


def test_recent_expires_after_the_window() -> None:
    check = compile_condition("recent.kinetic", NAMES)
    assert check(state(turn=3)) and not check(state(turn=4))


def test_call_status_only_inside_options() -> None:
    with pytest.raises(ExprError, match="only be used inside an option"):
        compile_condition("call.answered", NAMES)
    assert compile_condition("call.answered", NAMES.with_call())(state())


@pytest.mark.parametrize(
    ("source", "message", "fix"),
    [
        ("escalaton > 3", "unknown meter 'escalaton'", "did you mean 'escalation'?"),
        ("flags.shoot", "unknown flag 'shoot'", "did you mean 'shot'?"),
        ("channels.dt.open", "unknown channel 'dt'", "did you mean 'dtl'?"),
        ("channels.dtl.opened", "unknown channel status 'opened'", "did you mean 'open'?"),
        ("recent.kinetc", "unknown tag 'kinetc'", "did you mean 'kinetic'?"),
        ("escalation >", "cannot read the condition", "escalation >= 60"),
        ("__import__('os').system('x')", "function calls such as '__import__(...)' are not "
         "allowed", ""),
        ("escalation.__class__", "not a name this language knows", ""),
        ("[x for x in ()]", "lists and blocks are not allowed", ""),
        ("'a' == 'a'", "text in quotes cannot be used", "channels.<id>.<status>"),
        ("escalation if true else 1", "'if' cannot follow what comes before it", ""),
        ("escalation ** 99", "'**' is not allowed", "escalation * escalation"),
    ],
)
def test_bad_conditions_are_rejected_with_a_fix(source: str, message: str, fix: str) -> None:
    with pytest.raises(ExprError) as info:
        compile_condition(source, NAMES)
    assert message in info.value.message
    assert fix in info.value.fix


def test_deep_nesting_is_refused_not_crashing() -> None:
    with pytest.raises(ExprError):
        compile_condition("(" * 1000 + "1" + ")" * 1000 + " > 0", NAMES)
    with pytest.raises(ExprError):
        compile_condition(" and ".join(["not"] * 300 + ["true"]), NAMES)


def test_effects_compile() -> None:
    bump = compile_effect("escalation += 12", NAMES)
    assert (bump.target, bump.name, bump.op, bump.constant) == ("meter", "escalation", "+=", 12.0)
    formula = compile_effect("openness = escalation - 10", NAMES)
    assert formula.constant is None and formula.value is not None
    assert formula.value(state()) == 30.0
    flag = compile_effect("flags.sanctions_waived = true", NAMES)
    assert (flag.target, flag.constant) == ("flag", True)
    channel = compile_effect("channels.dtl = suspended", NAMES)
    assert (channel.target, channel.constant) == ("channel", "suspended")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("escalation ++ 1", "cannot read"),
        ("flags.shot += 1", "set with '= true'"),
        ("channels.dtl = closed", "a channel is set to a status"),
        ("standing += 1", "unknown meter 'standing'"),
        ("turn = 3", "'turn' cannot be changed by an effect"),
        ("peak.escalation = 3", "cannot be changed"),
        ("import os", "cannot read the effect"),
    ],
)
def test_bad_effects(source: str, message: str) -> None:
    with pytest.raises(ExprError, match=message.replace("+", r"\+").replace("(", r"\(")):
        compile_effect(source, NAMES)


def test_referenced_names() -> None:
    assert referenced_names("flags.shot and escalation > 3") == {"flags.shot", "escalation"}


def test_hyphenated_channel_and_node_ids() -> None:
    names = Names(
        meters=frozenset({"escalation"}), flags=frozenset(), channels=frozenset({"navy-line"}),
        nodes=frozenset({"joint-rescue"}), tags=frozenset(),
    )
    reader = state(channels={"navy-line": "declined"}, contact={"navy-line"},
                   visited={"joint-rescue"})
    check = compile_condition("channels.navy-line.declined and contact.navy-line", names)
    assert check(reader)
    assert compile_condition("visited.joint-rescue and escalation-40 == 0", names)(reader)
    with pytest.raises(ExprError, match="unknown channel or level 'navy-lin'"):
        compile_condition("contact.navy-lin", names)
