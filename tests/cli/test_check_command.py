"""``hotline check FILE``: the calibration checks on any scenario, for authors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.analysis.calibration import Games, calibrate
from game.cli import main
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BALLOON = str(ROOT / "scenarios" / "balloon-2023.yaml")
TINY = str(ROOT / "tests" / "engine" / "tiny.yaml")


def test_a_calibrated_scenario_passes_with_its_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", BALLOON, "--games", "200", "--window", "dtl:shot_down:30"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{BALLOON}: calibration"
    assert out[-1] == f"{BALLOON}: calibrated"
    checks = out[1:-1]
    assert len(checks) == 7 and all(line.startswith("  ok   ") for line in checks)
    assert "end in 'frozen'" in checks[0]
    assert "No single habit matches the expert: the closest habit, always-" in checks[3]
    assert "'dtl' is not answered within 30 days of 'shot_down': never" in checks[6]


def test_the_command_and_the_library_tests_share_the_checks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The JSON figures are calibrate()'s, the function the library tests call."""
    assert main(["check", BALLOON, "--games", "100", "--seed", "3", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    expected = calibrate(load_scenario(BALLOON),
                         Games(random=100, paths=20, always=30, retry=40, mistake=20, seed=3))
    assert doc["ok"] is True
    assert [c["value"] for c in doc["files"][0]["checks"]] == [c.value for c in expected.checks]


def test_a_scenario_that_fails_a_check_exits_2_and_says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    # The tiny test scenario, with a historical ending its history cannot reach.
    wrong = tmp_path / "wrong-history.yaml"
    wrong.write_text(Path(TINY).read_text(encoding="utf-8").replace(
        "  ending: freeze\n  outcome:", "  ending: talk\n  outcome:"), encoding="utf-8")
    assert main(["check", str(wrong), "--games", "200"]) == 2
    out = capsys.readouterr().out
    assert ("  FAIL The historical path ends in the historical ending: 0% of 40 games end in "
            "'talk' (needs at least 98%)") in out
    assert "  ok   The expert beats three quarters of random play" in out
    assert out.rstrip().endswith(f"{wrong}: NOT calibrated")


def test_bad_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "missing.yaml")
    assert main(["check", missing]) == 2
    assert "cannot load the scenario" in capsys.readouterr().err
    assert main(["check", BALLOON, "--window", "dtl:shot"]) == 2
    assert "write it as CHANNEL:FLAG:DAYS" in capsys.readouterr().err
    assert main(["check", BALLOON, "--window", "nope:shot_down:30", "--games", "20"]) == 2
    assert "has no channel 'nope'" in capsys.readouterr().err
    assert main(["check", BALLOON, "--games", "5"]) == 2
    assert "--games must be at least 10" in capsys.readouterr().err
