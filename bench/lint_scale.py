"""Lint on very large scenarios: time and peak memory, against references.

Generates scenarios that once made lint quadratic (issue 13):

* ``chain``   — 5,000 nodes in a row (lint took 8.9 s and 1.1 GB);
* ``cycle``   — 2,000 nodes in a loop with one way out (ended in MemoryError);
* ``missing`` — 5,000 nodes whose ``next`` names a node that does not exist
  (validation took 30 s);

and runs each step in a fresh process (so peak memory is the step's own):

* ``idle``     — Python with Hotline's scenario code imported: the memory floor;
* ``yaml``     — the safe YAML read alone (a reference for the size of the file);
* ``validate`` — the loader: YAML, the models, references and compilation;
* ``lint``     — :func:`game.scenario.lint.lint_file`, what ``hotline lint`` runs.

Targets: lint of the 5,000-node scenarios under 2 s and 200 MB. The figures
are wall-clock on whatever else the machine is doing, so each step runs three
times (fastest and median shown): read them side by side with the references
of the same run.

Run:  .venv/bin/python bench/lint_scale.py [NODES]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_S = 2.0
TARGET_MB = 200.0

_HEAD = """\
id: scale
title: Scale test
version: "1"
summary: A very long scenario for the lint benchmark.
period: Test
fiction: true
sources: [{title: Benchmark, publisher: Hotline, date: "2026"}]
objectives: [{id: contact, text: Make contact., rating: {performed: contact.any}}]
roles: [{id: lead, title: Lead}]
meters:
  - {id: escalation, label: Escalation, initial: 20, higher_is: worse}
  - {id: standing, label: Standing, initial: 50}
  - {id: allies, label: Allies, initial: 50}
channels: [{id: dtl-link, label: Defense link, level: military}]
counterpart: {name: Other side}
nodes:
"""


def scenario(kind: str, nodes: int) -> str:
    """A generated scenario of ``nodes`` decision points (see the module docstring)."""
    lines = [_HEAD.rstrip("\n")]
    for i in range(nodes):
        nxt = f"n{i + 1}" if i + 1 < nodes else ("n0" if kind == "cycle" else "end")
        if kind == "missing":
            nxt = f"missing-{i}"
        lines += [f"  - id: n{i}", f"    title: Node {i}", '    time: "2023-02-01T09:00"',
                  "    brief: Something happens.", "    decision:", "      prompt: What now?",
                  "      options:"]
        if i % 10 == 0:
            lines.append("        - {id: call, kind: call, channel: dtl-link, label: Call, "
                         f"doctrine: Talk., next: {nxt}}}")
        else:
            lines.append("        - {id: push, kind: escalate, label: Push, doctrine: Press., "
                         f"effects: [escalation += 1], next: {nxt}}}")
        if kind == "cycle" and i == nodes // 2:
            lines.append("        - {id: leave, kind: de_escalate, label: Leave, "
                         "doctrine: Step back., next: end}")
    lines.append("endings: [{id: over, title: Over, text: It is over.}]")
    return "\n".join(lines) + "\n"


def _child(step: str, path: str) -> None:
    """Run one step in this (fresh) process and print its time and peak memory."""
    from game.scenario.lint import lint_file
    from game.scenario.loader import check_scenario_file
    from game.scenario.yamlsafe import parse_yaml_bytes, read_bytes

    started = time.perf_counter()
    findings = 0
    if step == "yaml":
        parse_yaml_bytes(read_bytes(path), path)
    elif step == "validate":
        findings = len(check_scenario_file(path)[1])
    elif step == "lint":
        findings = len(lint_file(path).diagnostics)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "findings": findings}))


RUNS = 3


def _measure(step: str, path: Path) -> dict[str, float]:
    """The step run RUNS times: the fastest time (a shared machine only ever adds
    time), the median beside it, and the largest peak memory."""
    runs = []
    for _ in range(RUNS):
        done = subprocess.run([sys.executable, __file__, "--child", step, str(path)],
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    times = sorted(r["seconds"] for r in runs)
    return {"seconds": times[0], "median": times[len(times) // 2],
            "peak_mb": max(r["peak_mb"] for r in runs), "findings": runs[0]["findings"]}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        _child(argv[1], argv[2])
        return 0
    nodes = int(argv[0]) if argv else 5000
    cases = [("chain", nodes), ("cycle", 2000), ("missing", nodes)]
    print(f"{'scenario':<10} {'nodes':>6} {'size':>8}   {'idle':>12} {'yaml':>21} "
          f"{'validate':>21} {'lint':>21}  findings")
    verdicts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as folder:
        for kind, count in cases:
            path = Path(folder) / f"{kind}.yaml"
            path.write_text(scenario(kind, count), encoding="utf-8")
            figures = {step: _measure(step, path) for step in ("idle", "yaml", "validate",
                                                               "lint")}
            cells = [f"{figures['idle']['peak_mb']:>8.0f} MB"]
            for step in ("yaml", "validate", "lint"):
                f = figures[step]
                cells.append(f"{f['seconds']:>5.2f} ({f['median']:.2f}) s {f['peak_mb']:>4.0f} MB")
            size = path.stat().st_size / 1024
            print(f"{kind:<10} {count:>6} {size:>6.0f}kB   " + " ".join(f"{c:>21}" for c in cells)
                  + f"  {figures['lint']['findings']:>8.0f}")
            lint = figures["lint"]
            ok = lint["seconds"] < TARGET_S and lint["peak_mb"] < TARGET_MB
            verdicts.append(f"{kind} ({count} nodes): lint {lint['seconds']:.2f} s, "
                            f"{lint['peak_mb']:.0f} MB peak -> {'met' if ok else 'NOT met'}")
    print(f"\nEach step in a fresh process, {RUNS} times: fastest (median) seconds and peak "
          "memory; 'idle' is the interpreter with Hotline imported. "
          f"Targets: lint under {TARGET_S:.0f} s and {TARGET_MB:.0f} MB.")
    for verdict in verdicts:
        print("  " + verdict)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
