"""The Debrief window in a real X window, every tab saved as a PNG (and the PDF's pages).

Needs a display (``xvfb-run -a``; scripts/run-tests.sh provides one). The
pictures land in ``out/screenshots/debrief/``: look at them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("debrief_shots.py")


@pytest.mark.xvfb
@pytest.mark.slow
def test_debrief_screenshots() -> None:
    if not os.environ.get("DISPLAY"):
        pytest.skip("no X display; run under `xvfb-run -a` (scripts/run-tests.sh does)")
    out = ROOT / "out" / "screenshots" / "debrief"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    written = [Path(line) for line in proc.stdout.splitlines() if line.endswith(".png")]
    tabs = {p.name for p in written if not p.name.startswith("debrief-report")}
    for tab in ("overview", "timeline", "charts", "score", "expert-and-history", "what-ifs",
                "after-action-report", "replay", "cohort"):
        assert f"debrief-{tab}-light.png" in tabs and f"debrief-{tab}-dark.png" in tabs
    for path in written:
        assert path.stat().st_size > 10_000, f"{path} looks empty"
    assert (out / "debrief-report.pdf").is_file()
