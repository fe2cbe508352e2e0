"""Golden tests: each broken scenario in golden/ and the exact lines it produces.

``golden/<case>.yaml`` is a scenario with one kind of mistake (or several,
where the case is about reporting them all at once); ``golden/<case>.expected``
holds the formatted diagnostics, one per line, with the file named relative to
golden/. These lines are what an author sees, so read them when they change.

Regenerate after a deliberate change of wording:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/scenario/test_scenario_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from game.scenario import yamlsafe
from game.scenario.loader import check_scenario_file

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.yaml"))


def _lines(case: str) -> list[str]:
    compiled, diagnostics = check_scenario_file(f"{case}.yaml")
    assert compiled is None, f"{case}.yaml loaded, but it is meant to be broken"
    return [d.format() for d in diagnostics]


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    lines = _lines(case)
    expected_file = GOLDEN / f"{case}.expected"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert expected_file.exists(), f"no {expected_file.name}; run with UPDATE_GOLDEN=1"
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert lines == expected


@pytest.mark.skipif(not yamlsafe.HAVE_C_PARSER, reason="libyaml parser not installed")
@pytest.mark.parametrize("case", CASES)
def test_golden_same_with_pure_parser(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast parser, when installed, must not change a single message."""
    monkeypatch.chdir(GOLDEN)
    fast = _lines(case)
    monkeypatch.setattr(yamlsafe, "HAVE_C_PARSER", False)
    assert _lines(case) == fast


def test_every_case_has_expected_lines() -> None:
    for case in CASES:
        expected = GOLDEN / f"{case}.expected"
        assert expected.exists(), f"{case}.yaml has no {expected.name}"
        text = expected.read_text(encoding="utf-8")
        assert text.strip(), f"{expected.name} is empty"
        for line in text.splitlines():
            assert line.startswith(f"{case}.yaml"), line
            assert "Traceback" not in line and "Error(" not in line, line
    assert len(CASES) >= 18
