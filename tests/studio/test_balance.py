"""The balance report: policies, determinism across workers, cancel, text/JSON/HTML."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from game.analysis.balance import balance_policies, balance_report, format_text
from game.analysis.balance_html import render_html
from game.commands.balance import balance_command
from game.scenario.loader import load_scenario, load_scenario_text

REPO = Path(__file__).resolve().parent.parent.parent
TINY = REPO / "tests" / "engine" / "tiny.yaml"
TEMPLATE = REPO / "scenarios" / "templates" / "new-scenario.yaml"


@pytest.fixture(scope="module")
def tiny_report():  # type: ignore[no-untyped-def]
    return balance_report(load_scenario(TINY), 300, seed=3, workers=1)


def test_policies_cover_paths_greedy_and_present_kinds() -> None:
    names = balance_policies(load_scenario(TINY))
    assert names[:4] == ["random", "expert", "historical", "greedy"]
    assert "always-escalate" in names and "always-call" in names
    assert "always-public" not in names  # tiny has no public option


def test_report_per_policy_figures(tiny_report) -> None:  # type: ignore[no-untyped-def]
    report = tiny_report
    assert list(report.policies) == balance_policies(load_scenario(TINY))
    for name, sim in report.policies.items():
        assert sim.games == 300, name
        assert sum(sim.endings.values()) == 300
        assert sim.score is not None and sim.score.p10 <= sim.score.p50 <= sim.score.p90
    assert report.policies["always-escalate"].endings["war"] == 300
    assert report.policies["historical"].endings["freeze"] == 300
    assert report.policies["expert"].score.mean > report.policies["random"].score.mean


def test_decision_rows_and_kinds(tiny_report) -> None:  # type: ignore[no-untyped-def]
    rows = {(r.node, r.option): r for r in tiny_report.decision_rows()}
    war = rows[("second", "war")]
    assert war.games > 0 and war.endings == {"war": war.games} and war.bad == 1.0
    ranking = dict(tiny_report.kind_ranking())
    assert ranking["escalate"] == min(ranking.values())
    assert set(tiny_report.kind_wins()) <= {"call", "back_channel", "allies", "concede", "wait",
                                            "escalate"}


def test_same_report_with_two_workers(tiny_report) -> None:  # type: ignore[no-untyped-def]
    parallel = balance_report(load_scenario(TINY), 300, seed=3, workers=2)
    assert parallel.workers == 2

    def strip(data: dict) -> dict:  # type: ignore[type-arg]
        data = dict(data)
        data.pop("elapsed"), data.pop("workers")
        return data

    assert strip(parallel.to_dict()) == strip(tiny_report.to_dict())


def test_progress_counts_every_game() -> None:
    seen: list[tuple[int, int]] = []
    report = balance_report(load_scenario(TINY), 120, workers=1,
                            progress=lambda done, total: seen.append((done, total)))
    total = 120 * len(report.policies)
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_early_with_partial_results(workers: int) -> None:
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    report = balance_report(load_scenario(TINY), 20_000, workers=workers, cancel=cancel)
    assert report.cancelled
    assert report.games_played < 20_000 * len(balance_policies(load_scenario(TINY)))
    assert "CANCELLED" in format_text(report)


def test_findings_flag_a_scenario_that_does_not_reward_judgement() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    # Nobody ever answers, and force costs nothing: judgement stops paying.
    text = text.replace("base_acceptance: 0.45", "base_acceptance: 0.0")
    text = text.replace("acceptance: 0.1  ", "acceptance: -0.5")
    text = text.replace("effects: [escalation += 12, standing += 5]",
                        "effects: [standing += 40, allies += 40]")
    text = text.replace("effects: [escalation += 30, flags.shots_fired = true, allies -= 10]",
                        "effects: [standing += 40, allies += 40]")
    scenario = load_scenario_text(text, "judgement-does-not-pay.yaml")
    report = balance_report(scenario, 200, workers=1)
    notes = report.findings()
    assert any("below the 75th percentile of random play" in n for n in notes), notes
    assert any("beats the expert path" in n for n in notes), notes
    assert any("'Talks' (talks) was never reached" in n for n in notes), notes


def test_text_json_and_html(tiny_report) -> None:  # type: ignore[no-untyped-def]
    text = format_text(tiny_report)
    assert "Scores and endings by policy" in text and "Decision points" in text
    data = json.loads(json.dumps(tiny_report.to_dict()))
    assert {p["name"] for p in data["policies"]} == set(tiny_report.policies)
    assert data["coverage"]["endings"]["war"] > 0
    html = render_html(tiny_report)
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 3
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # self-contained
    assert "<script" not in html


def test_html_escapes_scenario_text(tmp_path: Path) -> None:
    text = TINY.read_text(encoding="utf-8").replace("title: War,", "title: <b>War</b>,")
    scenario = load_scenario_text(text, "escape.yaml")
    html = render_html(balance_report(scenario, 30, workers=1))
    assert "<b>War</b>" not in html and "&lt;b&gt;War&lt;/b&gt;" in html


def test_balance_command(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    html = tmp_path / "report.html"
    assert balance_command(str(TINY), 50, 1, False, str(html), workers=1, out=out, err=err) == 0
    assert "Balance report" in out.getvalue() and html.is_file()
    out = io.StringIO()
    assert balance_command(str(TINY), 50, 1, True, None, workers=1, out=out, err=err) == 0
    assert json.loads(out.getvalue())["games_per_policy"] == 50
    err = io.StringIO()
    assert balance_command(str(tmp_path / "missing.yaml"), 50, 1, False, None, err=err) == 2
    assert balance_command(str(TINY), 0, 1, False, None, err=io.StringIO()) == 2
