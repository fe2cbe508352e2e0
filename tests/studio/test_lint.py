"""Lint: golden findings, soundness against real play, the command."""

from __future__ import annotations

import io
import json
import random
import re
from pathlib import Path

import pytest

from game.engine import Session
from game.scenario.lint import LINT_CODES, analyze_flow, lint_command, lint_file, lint_text
from game.scenario.loader import load_scenario

HERE = Path(__file__).parent
DEFECTS = HERE / "defects.yaml"
REPO = HERE.parent.parent
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))
TEMPLATE = REPO / "scenarios" / "templates" / "new-scenario.yaml"
TINY = REPO / "tests" / "engine" / "tiny.yaml"


def _expected(path: Path) -> set[tuple[int, str]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = re.search(r"# LINT: ([a-z-]+)\s*$", line)
        if match:
            found.add((number, match.group(1)))
    return found


def test_golden_defects_each_reported_on_its_line() -> None:
    result = lint_file(DEFECTS)
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    got = {(d.line, d.code) for d in result.diagnostics}
    expected = _expected(DEFECTS)
    assert got == expected, (
        f"missing: {sorted(expected - got)}\nunexpected: {sorted(got - expected)}")


def test_golden_covers_every_lint_code_except_stuck() -> None:
    # 'choice-never-matters' needs games played: only `hotline lint --deep` reports it
    # (tests/library/test_every_decision_matters.py and tests/cli cover it).
    codes = {code for _, code in _expected(DEFECTS)}
    assert set(LINT_CODES) - codes == {"stuck", "choice-never-matters"}


def test_golden_findings_have_columns_messages_and_fixes() -> None:
    for d in lint_file(DEFECTS).diagnostics:
        assert d.line > 0 and d.col > 0, d
        assert d.message and d.fix, d
        assert d.file.endswith("defects.yaml")


def test_dead_ends_are_errors_and_the_rest_warnings() -> None:
    result = lint_file(DEFECTS)
    assert {d.code for d in result.errors} == {"dead-end"}


def test_stuck_node_is_an_error() -> None:
    text = TINY.read_text(encoding="utf-8")
    text = text.replace(
        "- {id: concede, kind: concede, label: Concede a little,",
        "- {id: concede, kind: concede, available: escalation > 500, label: Concede a little,")
    text = text.replace(
        "- {id: allies, kind: allies, label: Consult allies,",
        "- {id: allies, kind: allies, available: escalation > 500, label: Consult allies,")
    result = lint_text(text, "stuck.yaml")
    stuck = [d for d in result.diagnostics if d.code == "stuck"]
    assert len(stuck) == 1 and stuck[0].severity == "error"
    assert "node 'third'" in stuck[0].message


@pytest.mark.parametrize("path", [*SHIPPED, TEMPLATE], ids=lambda p: p.stem)
def test_shipped_scenarios_and_template_lint_clean(path: Path) -> None:
    result = lint_file(path)
    assert result.scenario is not None
    assert [d.format() for d in result.diagnostics] == []


def _suspending_tiny() -> str:
    """Tiny, where waiting suspends the defense link and the last node calls it."""
    text = TINY.read_text(encoding="utf-8")
    text = text.replace("        - id: wait\n          kind: wait\n          label: Wait\n"
                        "          next: third",
                        "        - id: wait\n          kind: wait\n          label: Wait\n"
                        "          effects: [channels.dtl = suspended]\n          next: third")
    text = text.replace(
        "        - {id: allies, kind: allies,",
        "        - id: redial\n          kind: call\n          channel: dtl\n"
        "          label: Call the link again\n          outcomes:\n"
        "            - {when: channels.dtl.suspended, text: Dead line., "
        "effects: [standing -= 3]}\n          next: end\n"
        "        - {id: allies, kind: allies,")
    assert "channels.dtl = suspended" in text and "redial" in text
    return text


@pytest.mark.parametrize("path", [*SHIPPED, TINY, DEFECTS, "suspending"],
                         ids=lambda p: getattr(p, "stem", p))
def test_analysis_is_sound_against_random_play(path: Path | str) -> None:
    """Whatever random play does, the abstract play must call possible."""
    from game.scenario.loader import load_scenario_text

    scenario = (load_scenario_text(_suspending_tiny(), "suspending.yaml")
                if path == "suspending" else load_scenario(path))
    facts = analyze_flow(scenario)
    for seed in range(300):
        session = Session(scenario, seed, batch=True)
        rng = random.Random(seed)
        while not session.ended and session.turn < 30:
            node = session.node
            assert node in facts.entry, (seed, node)
            options = session.available()
            for option in options:
                assert (node, option.id) in facts.option_available, (seed, node, option.id)
            choice = rng.choice(options)
            result = session.apply({"type": "choose", "option": choice.id})
            for event in result.events:
                if event.type == "outcome":
                    index = next(i for i, o in enumerate(choice.outcomes)
                                 if o.id == event.outcome)
                    assert (node, choice.id, index) in facts.outcome_drawn
        if session.ended:
            assert session.outcome is not None
            assert session.outcome.ending_id in facts.endings, (seed, session.outcome.ending_id)


def test_lint_command_text_and_exit_status(tmp_path: Path) -> None:
    out = io.StringIO()
    assert lint_command([str(TEMPLATE)], False, out=out) == 0
    assert out.getvalue().strip().endswith(": ok")
    out = io.StringIO()
    assert lint_command([str(DEFECTS)], False, out=out) == 2
    lines = out.getvalue().splitlines()
    assert any(re.match(r".*defects\.yaml:\d+:\d+: error \[dead-end\]: ", ln) for ln in lines)
    assert lines[-1].endswith("2 error(s), 26 warning(s)")


def test_lint_command_strict_fails_on_warnings(tmp_path: Path) -> None:
    warn_only = tmp_path / "warn.yaml"
    warn_only.write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    assert lint_command([str(warn_only)], False, out=io.StringIO()) == 0
    assert lint_command([str(warn_only)], False, strict=True, out=io.StringIO()) == 2


def test_lint_command_json(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    out = io.StringIO()
    status = lint_command([str(DEFECTS), str(broken), str(tmp_path / "missing.yaml")], True,
                          out=out)
    assert status == 2
    doc = json.loads(out.getvalue())
    assert doc["ok"] is False
    files = {Path(f["file"]).name: f for f in doc["files"]}
    assert files["defects.yaml"]["valid"] is True
    assert files["defects.yaml"]["errors"] == 2
    first = files["defects.yaml"]["diagnostics"][0]
    assert set(first) == {"file", "line", "col", "path", "severity", "code", "message", "fix"}
    assert files["broken.yaml"]["valid"] is False and files["broken.yaml"]["errors"] >= 1
    assert files["missing.yaml"]["diagnostics"][0]["code"] == "file-missing"


def test_lint_result_locates_field_paths() -> None:
    result = lint_file(TINY)
    assert result.locate is not None
    line, _col = result.locate(("nodes", 1, "id"))
    text = TINY.read_text(encoding="utf-8").splitlines()
    assert "id: second" in text[line - 1]


@pytest.mark.parametrize("channel", ["dtl", "dtl-link"])
def test_lint_reads_hyphenated_ids_like_the_loader(channel: str) -> None:
    """An option gated on a channel status that never happens is reported, whether
    or not the channel's id has a '-' (lint once read 'dtl-link' as 'dtl - link')."""
    text = TINY.read_text(encoding="utf-8")
    text = text.replace("{id: dtl, label", f"{{id: {channel}, label")
    text = text.replace("channel: dtl\n", f"channel: {channel}\n")
    text = text.replace("{channel: dtl, requires", f"{{channel: {channel}, requires")
    text = text.replace(
        "        - {id: allies, kind: allies,",
        f"        - {{id: protest, kind: public, available: channels.{channel}.suspended, "
        "label: Protest the cut line, effects: [standing += 2], next: end}\n"
        "        - {id: allies, kind: allies,")
    result = lint_text(text, "hyphen.yaml")
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    never = [d for d in result.diagnostics if d.code == "option-never-available"]
    assert len(never) == 1, [d.format() for d in result.diagnostics]
    assert f"'channels.{channel}.suspended' never holds at node 'third'" in never[0].message
    line = text.splitlines()[never[0].line - 1]
    assert "id: protest" in line
