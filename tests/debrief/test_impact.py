"""The every-decision-matters check: its statistics, its verdicts, its lint finding."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from game.debrief.impact import (
    ALPHA,
    SCORE_GAP,
    Comparison,
    chi_square_sf,
    decision_impact,
    endings_differ,
    impact_problems,
)
from game.scenario.lint import lint_command
from game.scenario.loader import load_scenario, load_scenario_text

TINY = Path(__file__).resolve().parents[1] / "engine" / "tiny.yaml"


# --- statistics -------------------------------------------------------------------


@pytest.mark.parametrize(("x", "dof", "p"), [
    (3.841459, 1, 0.05), (6.634897, 1, 0.01), (10.827566, 1, 0.001),
    (5.991465, 2, 0.05), (13.815511, 2, 0.001), (16.266236, 3, 0.001),
    (0.454936, 1, 0.5), (1.386294, 2, 0.5), (9.487729, 4, 0.05), (29.588298, 10, 0.001),
])
def test_chi_square_survival_matches_published_quantiles(x: float, dof: int, p: float) -> None:
    assert chi_square_sf(x, dof) == pytest.approx(p, rel=1e-4)


def test_chi_square_survival_edges() -> None:
    assert chi_square_sf(0.0, 3) == 1.0
    assert chi_square_sf(500.0, 2) < 1e-100
    with pytest.raises(ValueError):
        chi_square_sf(1.0, 0)


def test_identical_ending_counts_do_not_differ() -> None:
    same = Counter({"calm": 120, "clash": 50, "freeze": 30})
    assert endings_differ(same, Counter(same)) == 1.0


def test_a_clear_shift_in_endings_is_significant() -> None:
    first = Counter({"calm": 140, "clash": 60})
    second = Counter({"calm": 90, "clash": 110})
    assert endings_differ(first, second) < ALPHA


def test_rare_endings_are_pooled_so_a_handful_of_games_proves_nothing() -> None:
    # 4 against 0 of a rare ending is within chance once pooled with the others.
    first = Counter({"calm": 150, "clash": 46, "war": 4})
    second = Counter({"calm": 150, "clash": 50})
    assert endings_differ(first, second) > 0.05
    # One ending everywhere: nothing to test.
    assert endings_differ(Counter({"calm": 200}), Counter({"calm": 200})) == 1.0


def test_a_comparison_differs_by_endings_or_by_score() -> None:
    assert Comparison("a", "b", 200, ALPHA / 2, 0.0, False).differs
    assert Comparison("a", "b", 200, 0.5, SCORE_GAP, False).differs
    assert not Comparison("a", "b", 200, ALPHA, SCORE_GAP - 0.01, False).differs


# --- verdicts on a small scenario ----------------------------------------------------


def test_tiny_last_decision_is_moot_and_the_others_matter() -> None:
    report = decision_impact(load_scenario(TINY), games=120)
    assert {d.node: d.verdict for d in report.decisions} == {
        "first": "matters", "second": "matters", "third": "moot"}
    third = report.decision("third")
    assert third.forks == 10 and third.games == 120
    assert set(third.alternatives) == {"concede", "allies"}
    assert third.widest_gap < SCORE_GAP and third.best_p >= ALPHA
    assert "makes no measurable difference" in third.explain()


def test_the_verdict_is_deterministic() -> None:
    scenario = load_scenario(TINY)
    first = decision_impact(scenario, games=60, seed=3)
    again = decision_impact(scenario, games=60, seed=3)
    assert first == again


def test_giving_the_moot_decision_a_consequence_makes_it_matter() -> None:
    text = TINY.read_text(encoding="utf-8").replace(
        "{id: allies, kind: allies, label: Consult allies, effects: [allies += 10], next: end}",
        "{id: allies, kind: allies, label: Consult allies, effects: [escalation += 75], "
        "next: end}")
    assert "escalation += 75" in text
    report = decision_impact(load_scenario_text(text, "tiny.yaml"), games=60,
                             nodes=["third"])
    assert report.decision("third").verdict == "matters"


def test_identical_alternatives_are_named() -> None:
    text = TINY.read_text(encoding="utf-8").replace(
        "{id: allies, kind: allies, label: Consult allies, effects: [allies += 10], next: end}",
        "{id: allies, kind: allies, label: Consult allies, effects: [escalation -= 10, "
        "standing -= 5], next: end}")
    report = decision_impact(load_scenario_text(text, "tiny.yaml"), games=40, nodes=["third"])
    third = report.decision("third")
    assert third.identical_groups() == [["concede", "allies"]]
    assert "'concede' and 'allies' end exactly alike" in third.explain()


def test_unreached_and_single_option_nodes_are_not_judged() -> None:
    text = TINY.read_text(encoding="utf-8")
    lone = text.replace(
        "        - {id: allies, kind: allies, label: Consult allies, effects: [allies += 10], "
        "next: end}\n", "")
    lone = lone.replace("{node: third, option: allies,", "{node: third, option: concede,")
    orphan = lone.replace("endings:", """  - id: orphan
    title: Nobody comes here
    time: "2023-02-04T09:00"
    brief: No option leads here.
    decision:
      prompt: Anyone?
      options:
        - {id: a, kind: wait, label: A, next: end}
        - {id: b, kind: escalate, label: B, effects: [escalation += 50], next: end}
endings:""", 1)
    report = decision_impact(load_scenario_text(orphan, "tiny.yaml"), games=20,
                             nodes=["third", "orphan"])
    assert report.decision("third").verdict == "single"
    assert report.decision("orphan").verdict == "unreached"
    assert report.decision("orphan").forks == 0
    assert report.moot == []


# --- the lint finding ---------------------------------------------------------------


def test_moot_decisions_become_lint_findings_at_the_decision() -> None:
    scenario = load_scenario(TINY)
    problems = impact_problems(decision_impact(scenario, games=60), scenario)
    assert [(p.loc, p.code, p.severity) for p in problems] == [
        (("nodes", 2, "decision"), "choice-never-matters", "warning")]


def test_lint_deep_reports_the_moot_decision_on_its_line() -> None:
    scenario = load_scenario(TINY)

    def deep(s: object) -> list:
        return impact_problems(decision_impact(scenario, games=60), scenario)

    plain, out = io.StringIO(), io.StringIO()
    lint_command([str(TINY)], False, out=plain)
    lint_command([str(TINY)], False, out=out, extra=deep)
    assert "choice-never-matters" not in plain.getvalue()
    line = next(ln for ln in out.getvalue().splitlines() if "choice-never-matters" in ln)
    decision_line = next(i for i, text in enumerate(TINY.read_text().splitlines(), 1)
                         if text.strip() == "decision:" and i > 95)
    assert line.startswith(f"{TINY}:{decision_line}:")
    assert "decision 'third'" in line
