"""Golden tests: each broken scenario in golden/ and the exact lines it produces.

``golden/<case>.yaml`` is a scenario with one kind of mistake (or several,
where the case is about reporting them all at once); ``golden/<case>.expected``
holds the formatted diagnostics, one per line, with the file named relative to
golden/. These lines are what an author sees, so read them when they change.

When checking stops before the last step (see ``game.scenario.loader.STEPS``),
the last line is the loader's note on the checks still to come.

Some cases cannot be files in the repository (a FIFO, a device, a file over
the size limit): :data:`GENERATED` makes them in a temporary folder, under
the name ``<case>.yaml``, and their lines are in ``golden/<case>.expected``
like the others.

Regenerate after a deliberate change of wording:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/scenario/test_scenario_golden.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from game.scenario import yamlsafe
from game.scenario.loader import inspect_scenario_file

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.yaml"))


def _too_large(path: Path) -> None:
    """A text file just over the 2 MB limit: lines of 99 letters."""
    line = "# " + "x" * 97 + "\n"
    path.write_text(line * (yamlsafe.MAX_BYTES // len(line) + 2), encoding="utf-8")


def _fifo(path: Path) -> None:
    os.mkfifo(path)  # nothing ever writes to it: reading it would wait forever


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")  # endless zero bytes


GENERATED: dict[str, Callable[[Path], None]] = {
    "generated_too_large": _too_large,
    "generated_fifo": _fifo,
    "generated_device": _device,
}


def _lines(case: str) -> list[str]:
    checked = inspect_scenario_file(f"{case}.yaml")
    assert checked.compiled is None, f"{case}.yaml loaded, but it is meant to be broken"
    lines = [d.format() for d in checked.diagnostics]
    if checked.later_checks:
        lines.append(f"{case}.yaml: note: {checked.later_checks}")
    return lines


def _compare(case: str, lines: list[str]) -> None:
    expected_file = GOLDEN / f"{case}.expected"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert expected_file.exists(), f"no {expected_file.name}; run with UPDATE_GOLDEN=1"
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert lines == expected


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    _compare(case, _lines(case))


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                    reason="needs FIFOs and /dev/zero")
@pytest.mark.timeout(30)  # a FIFO that is opened for reading would hang: fail instead
@pytest.mark.parametrize("case", sorted(GENERATED))
def test_golden_generated(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    GENERATED[case](tmp_path / f"{case}.yaml")
    monkeypatch.chdir(tmp_path)
    _compare(case, _lines(case))


@pytest.mark.skipif(not yamlsafe.HAVE_C_PARSER, reason="libyaml parser not installed")
@pytest.mark.parametrize("case", CASES)
def test_golden_same_with_pure_parser(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast parser, when installed, must not change a single message."""
    monkeypatch.chdir(GOLDEN)
    fast = _lines(case)
    monkeypatch.setattr(yamlsafe, "HAVE_C_PARSER", False)
    assert _lines(case) == fast


def test_every_case_has_expected_lines() -> None:
    for case in [*CASES, *GENERATED]:
        expected = GOLDEN / f"{case}.expected"
        assert expected.exists(), f"{case}.yaml has no {expected.name}"
        text = expected.read_text(encoding="utf-8")
        assert text.strip(), f"{expected.name} is empty"
        for line in text.splitlines():
            assert line.startswith(f"{case}.yaml"), line
            assert "Traceback" not in line and "Error(" not in line, line
    assert len(CASES) >= 18
