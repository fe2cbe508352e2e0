"""Every package stays mypy-clean: the core strictly, the UI and commands as configured."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The whole game package: pyproject.toml makes the core packages strict and
# checks the UI and the commands with the default rules.
CORE = ["game"]


def test_game_is_mypy_clean() -> None:
    if shutil.which("mypy") is None and not (Path(sys.executable).parent / "mypy").exists():
        pytest.skip("mypy is not installed (it comes with the 'test' extra)")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *[p for p in CORE if (ROOT / p).exists()]],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
