"""The one front end for conditions and effects: parsing, typing, columns, families.

The loader compiles the trees it reads and lint evaluates the same trees, so
a name is read one way everywhere (hyphenated ids included).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from game.scenario import names as name_table
from game.scenario.abstract import ANY_NUMBER, BOTH
from game.scenario.compile import _Suggester
from game.scenario.expr import (
    ExprError,
    Names,
    compile_condition,
    compile_effect,
    parse_condition,
    referenced_names,
)
from game.scenario.flow import StateEvaluator, analyze_flow, read_name
from game.scenario.lint import lint_text
from game.scenario.loader import check_scenario_text, load_scenario_text
from game.scenario.syntax import MAX_NUMBER, Arith, Ref

HERE = Path(__file__).parent
MINIMAL = (HERE / "minimal.yaml").read_text(encoding="utf-8")
NAMES = Names(
    meters=frozenset({"escalation", "openness"}),
    flags=frozenset({"shot"}),
    channels=frozenset({"dtl-link", "dtl"}),
    nodes=frozenset({"joint-rescue", "first"}),
    tags=frozenset({"kinetic"}),
)


def _state(**overrides: object) -> SimpleNamespace:
    base: dict[str, object] = dict(
        meters={"escalation": 40.0, "openness": 50.0}, peaks={"escalation": 70.0, "openness": 50.0},
        flags={"shot"}, channels={"dtl-link": "suspended", "dtl": "open"}, contact={"dtl-link"},
        visited={"joint-rescue"}, recent={}, turn=3, call_status=None, recent_turns=2)
    base.update(overrides)
    return SimpleNamespace(**base)


# --- one tree ------------------------------------------------------------------------


def test_hyphenated_ids_are_one_name_and_minus_is_minus() -> None:
    tree = parse_condition("channels.dtl-link.suspended and escalation-40 == 0", NAMES)
    refs = sorted({n.dotted for n in _walk(tree) if isinstance(n, Ref)})
    assert refs == ["channels.dtl-link.suspended", "escalation"]
    arith = next(n for n in _walk(tree) if isinstance(n, Arith))
    assert arith.op == "-"
    assert compile_condition("channels.dtl-link.suspended and escalation-40 == 0", NAMES)(
        _state())


def test_referenced_names_reads_hyphens_like_the_compiler() -> None:
    assert referenced_names("contact.dtl-link or visited.joint-rescue") == {
        "contact.dtl-link", "visited.joint-rescue"}


def _walk(tree: object) -> list[object]:
    from game.scenario.syntax import walk

    return list(walk(tree))  # type: ignore[arg-type]


# --- types -----------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "message", "col"), [
    ("escalation + 5", "the condition 'escalation + 5' is a number, not true or false", 1),
    ("flags.shot and escalation * 2", "'escalation * 2' is a number, but 'and' joins", 16),
    ("not openness", "'openness' is a number, but 'not' takes a true/false value", 5),
    ("flags.shot + 1 > 0", "'flags.shot' is true or false, but '+' computes with numbers", 1),
    ("flags.shot < 3", "'flags.shot' is true or false, but '<' compares numbers", 1),
    ("flags.shot == 1", "'flags.shot == 1' compares true or false with a number", 1),
    ("escalation = 60", "'=' sets a value in effects; conditions compare with '=='", 12),
    ("escalation >= 1e16", "the number 1e16 is beyond ±10^15", 15),
])
def test_conditions_are_typed_with_a_column(source: str, message: str, col: int) -> None:
    with pytest.raises(ExprError) as info:
        compile_condition(source, NAMES)
    assert message in info.value.message
    assert info.value.col == col


def test_well_typed_conditions_still_compile() -> None:
    for source in ("flags.shot == true", "escalation + openness * 0.5 >= 60",
                   "not (flags.shot or contact.dtl-link) != false", "-escalation < 0 < 1",
                   "turn >= 3 and recent.kinetic == false"):
        compile_condition(source, NAMES.with_call())


@pytest.mark.parametrize(("source", "message", "col"), [
    ("escalation += flags.shot", "'flags.shot' is true or false, but a meter is set", 15),
    ("escalation += 1" + "0" * 310, "the number 100000000000...(311 digits) is beyond", 15),
    ("escalation = openness +", "cannot read the effect", 24),
])
def test_effects_are_typed_with_a_column(source: str, message: str, col: int) -> None:
    with pytest.raises(ExprError) as info:
        compile_effect(source, NAMES)
    assert message in info.value.message
    assert info.value.col == col


def test_number_limit_is_inclusive() -> None:
    assert compile_effect(f"escalation = {MAX_NUMBER:.0f}", NAMES).constant == MAX_NUMBER


# --- columns in the file ------------------------------------------------------------------


def test_a_type_error_points_at_its_column_in_the_file() -> None:
    text = MINIMAL.replace("    when: flags.shots_fired\n",
                           "    when: flags.shots_fired and escalation + 5\n")
    compiled, diagnostics = check_scenario_text(text, "cols.yaml")
    assert compiled is None
    [diag] = diagnostics
    line = text.splitlines()[diag.line - 1]
    assert line[diag.col - 1:].startswith("escalation + 5"), (line, diag.col)
    assert diag.path == "endings[0].when"


def test_a_quoted_condition_is_placed_past_its_quote() -> None:
    text = MINIMAL.replace("    when: flags.shots_fired\n",
                           "    when: \"flags.shots_fired and not openness\"\n")
    _compiled, [diag] = check_scenario_text(text, "cols.yaml")
    line = text.splitlines()[diag.line - 1]
    assert line[diag.col - 1:].startswith("openness"), (line, diag.col)


def test_an_effect_error_points_into_the_effect() -> None:
    text = MINIMAL.replace("effects: [escalation += 10, standing += 5]",
                           "effects: [escalation += 10, standing += flags.shots_fired]")
    _compiled, [diag] = check_scenario_text(text, "cols.yaml")
    line = text.splitlines()[diag.line - 1]
    assert line[diag.col - 1:].startswith("flags.shots_fired]"), (line, diag.col)


# --- overflow --------------------------------------------------------------------------------


def test_effects_that_can_overflow_are_refused_and_safe_ones_kept() -> None:
    risky = MINIMAL.replace("effects: [escalation += 10, standing += 5]",
                            "effects: [escalation = escalation * 2e13, standing += 5]")
    compiled, diagnostics = check_scenario_text(risky, "risky.yaml")
    assert compiled is None and [d.code for d in diagnostics] == ["overflow"]
    safe = MINIMAL.replace("effects: [escalation += 10, standing += 5]",
                           "effects: [escalation = escalation * 1e12, standing += turn * 5]")
    compiled, diagnostics = check_scenario_text(safe, "safe.yaml")
    assert compiled is not None, [d.format() for d in diagnostics]


# --- one place for a name family ---------------------------------------------------------


def test_a_new_name_family_is_one_table_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """What another engineer does to add e.g. ``pressure``: one Family in the table
    (and the attribute on the session); parsing, typing, compiling, the overflow
    check and lint then know it."""
    pressure = name_table.Family("pressure", "pressure", 1, "number",
                                 lambda parts, names, full: None,
                                 lambda parts: (lambda r: r.pressure), limit=100.0)
    monkeypatch.setattr(name_table, "FAMILIES", (*name_table.FAMILIES, pressure))
    check = compile_condition("pressure > 2 and escalation < 50", NAMES)
    assert check(_state(pressure=3)) and not check(_state(pressure=1))
    with pytest.raises(ExprError, match="is a number, not true or false"):
        compile_condition("pressure", NAMES)
    text = MINIMAL.replace("    when: flags.shots_fired\n", "    when: pressure > 2\n")
    text = text.replace("effects: [escalation += 10, standing += 5]",
                        "effects: [escalation += pressure * 2, standing += 5]")
    result = lint_text(text, "pressure.yaml")
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    # Lint has no rule of its own for the new family: any number, so both truths.
    state = analyze_flow(result.scenario).entry["incident"]
    tree = result.scenario.conditions["pressure > 2"]
    assert read_name(Ref(0, 8, ("pressure",)), state) == ANY_NUMBER
    assert StateEvaluator().truth(tree, state) == BOTH


# --- linear time and memory ------------------------------------------------------------------


def _chain(nodes: int, *, read_visited: bool = False, missing: bool = False) -> str:
    head, _, _ = MINIMAL.partition("nodes:\n")
    endings = MINIMAL.partition("\nendings:\n")[2].partition("\nexpert:")[0]
    parts = [head, "nodes:\n"]
    for i in range(nodes):
        nxt = f"n{i + 1}" if i + 1 < nodes else "end"
        nxt = f"{nxt}x" if missing else nxt
        when = "available: visited.n0, " if read_visited and i == nodes - 1 else ""
        parts.append(
            f"  - id: n{i}\n    title: Node {i}\n    time: 2024-05-01T06:00\n    brief: B.\n"
            f"    decision:\n      prompt: P?\n      options:\n"
            f"        - {{id: go, kind: escalate, label: Go, {when}"
            f"effects: [escalation += 1], next: {nxt}}}\n")
    parts.append("\nendings:\n" + endings)
    return "".join(parts)


def test_the_abstract_state_holds_only_what_conditions_read() -> None:
    """State size must not grow with the number of nodes (lint was quadratic)."""
    scenario = load_scenario_text(_chain(300), "chain.yaml")
    facts = analyze_flow(scenario)
    assert len(facts.entry) == 300
    assert all(state.visited == {} for state in facts.entry.values())
    scenario = load_scenario_text(_chain(300, read_visited=True), "chain.yaml")
    facts = analyze_flow(scenario)
    assert all(set(state.visited) == {"n0"} for state in facts.entry.values())


def test_thousands_of_missing_ids_are_all_reported_with_rationed_hints() -> None:
    compiled, diagnostics = check_scenario_text(_chain(2000, missing=True), "missing.yaml")
    assert compiled is None
    missing = [d for d in diagnostics if d.code == "reference"]
    assert len(missing) == 2000
    hinted = [d for d in missing if d.fix.startswith("did you mean")]
    assert 0 < len(hinted) <= _Suggester.BUDGET // 2000 + 1
    assert missing[-1].fix == "name a node id, or 'end' to finish"


def test_suggester_compares_at_most_its_budget() -> None:
    suggest = _Suggester()
    choices = frozenset(f"node-{i}" for i in range(1000))
    hints = [suggest(f"node-{i}x", choices) for i in range(200)]
    assert suggest.spent <= _Suggester.BUDGET
    assert hints[0] == "did you mean 'node-0'?" and hints[-1] == ""
