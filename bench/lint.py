"""Time ``hotline lint`` (validation + lint) per scenario.

For each ``scenarios/*.yaml`` (or the files named on the command line) print
the median and minimum of 15 runs, in milliseconds, of:

* ``load``  — safe parse with positions, pydantic validation, compile;
* ``lint``  — the abstract play of the flow and every lint check
  (:func:`game.scenario.lint.lint_scenario`);
* ``total`` — :func:`game.scenario.lint.lint_text`, what the CLI and the
  Studio's live check run (load + lint + placing findings in the file).

The target is a total under 150 ms for the largest shipped scenario, so live
checks never lag typing. Shared machines are noisy: look at the minimum too.

Run:  .venv/bin/python bench/lint.py [files...]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from game.scenario.lint import lint_scenario, lint_text  # noqa: E402
from game.scenario.loader import load_scenario_text  # noqa: E402

RUNS = 15
TARGET_MS = 150.0


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """(median, minimum) wall time of ``fn`` in milliseconds."""
    fn()  # warm caches and imports
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples)


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or sorted((REPO / "scenarios").glob("*.yaml"))
    print(f"{'scenario':<28} {'lines':>6} {'load ms':>14} {'lint ms':>14} {'total ms':>14}"
          f" {'findings':>9}")
    worst = (0.0, "")
    for path in files:
        text = path.read_text(encoding="utf-8")
        scenario = load_scenario_text(text, path.name)
        load = timed(lambda: load_scenario_text(text, path.name))
        lint = timed(lambda: lint_scenario(scenario))
        total = timed(lambda: lint_text(text, path.name))
        findings = len(lint_text(text, path.name).diagnostics)
        print(f"{path.stem:<28} {text.count(chr(10)):>6} "
              f"{load[0]:>7.1f} ({load[1]:>4.0f}) {lint[0]:>7.1f} ({lint[1]:>4.0f}) "
              f"{total[0]:>7.1f} ({total[1]:>4.0f}) {findings:>9}")
        if total[0] > worst[0]:
            worst = (total[0], path.stem)
    print(f"\nmedian (minimum) of {RUNS} runs. Slowest total: {worst[1]} {worst[0]:.1f} ms "
          f"(target < {TARGET_MS:.0f} ms: {'met' if worst[0] < TARGET_MS else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
