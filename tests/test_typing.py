"""The core packages stay mypy-clean (the UI is checked more loosely)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ["game/scenario", "game/engine", "game/records", "game/analysis", "game/debrief",
        "game/paths.py"]


def test_core_packages_are_mypy_clean() -> None:
    if shutil.which("mypy") is None and not (Path(sys.executable).parent / "mypy").exists():
        pytest.skip("mypy is not installed (it comes with the 'test' extra)")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *[p for p in CORE if (ROOT / p).exists()]],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
