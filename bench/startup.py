"""Start-up time of the desktop app, against a bare PySide6 window in the same run.

Each sample is a whole new process, timed from spawn until the window is
shown and the event loop is turning (the child prints a time stamp from a
zero-delay timer after ``show()``). Hotline is started the way a user starts
it (``python -m game`` → the CLI → ``run_app``); its scenario cards load on
a worker thread afterwards, reported separately. Samples alternate between
the two programs so machine noise hits both alike.

    .venv/bin/python bench/startup.py [-n 10]
    xvfb-run -a .venv/bin/python bench/startup.py   # with a real X server

Target: Hotline's home window at most 2× the bare window. Prints figures only;
on a busy machine compare the best runs (least disturbed) as well as medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
window = QLabel("bare")
window.resize(1280, 800)
window.show()
def ready():
    print(f"bare-ready {time.time():.6f}", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


def sample(cmd: list[str], env: dict[str, str], marks: tuple[str, ...]) -> dict[str, float]:
    start = time.time()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    found: dict[str, float] = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in marks:
            found[parts[0]] = float(parts[1]) - start
    if set(found) != set(marks):
        raise SystemExit(f"{cmd} did not report {marks}:\n{proc.stdout}\n{proc.stderr}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description="Hotline start-up time vs a bare window.")
    parser.add_argument("-n", type=int, default=10, help="samples of each (default 10)")
    options = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(HOTLINE_STORE=str(tmp / "journal.sqlite3"),
               HOTLINE_SETTINGS=str(tmp / "settings.ini"), HOTLINE_BENCH_STARTUP="1",
               PYTHONPATH=str(ROOT))
    bare_cmd = [sys.executable, "-c", BARE]
    app_cmd = [sys.executable, "-m", "game"]  # what `hotline` runs: the CLI, then run_app
    ui_cmd = [sys.executable, "-m", "game.ui.app"]  # run_app alone, without the CLI's imports
    marks = ("hotline-ready", "hotline-cards")
    # One unmeasured run of each warms the OS file cache.
    sample(bare_cmd, env, ("bare-ready",))
    sample(app_cmd, env, marks)
    sample(ui_cmd, env, marks)
    bare: list[float] = []
    runs: dict[str, list[dict[str, float]]] = {"hotline": [], "ui": []}
    for _ in range(options.n):
        bare.append(sample(bare_cmd, env, ("bare-ready",))["bare-ready"])
        runs["hotline"].append(sample(app_cmd, env, marks))
        runs["ui"].append(sample(ui_cmd, env, marks))
    med = statistics.median

    def line(name: str, values: list[float], note: str = "") -> None:
        print(f"{name:<38} {med(values) * 1000:6.0f} ms "
              f"({min(values) * 1000:.0f}–{max(values) * 1000:.0f}){note}")

    platform = env.get("QT_QPA_PLATFORM") or "xcb/wayland"
    print(f"platform: {platform}; {options.n} samples each, whole process, median (min–max)")
    line("bare PySide6 window", bare)
    for key, title in (("hotline", "`hotline` (python -m game)"),
                       ("ui", "run_app only (python -m game.ui.app)")):
        home = [r["hotline-ready"] for r in runs[key]]
        cards = [r["hotline-cards"] for r in runs[key]]
        line(f"{title}: home window", home,
             f"   ratio {med(home) / med(bare):.2f}× median, {min(home) / min(bare):.2f}× best "
             "(target ≤ 2×)")
        line(f"{title}: scenario cards in", cards, "   (loaded on a worker thread)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
