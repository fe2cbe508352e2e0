"""Time loading and validating scenario files.

For each ``scenarios/*.yaml`` (or the files named on the command line) time
the whole load — safe YAML parse with positions, pydantic validation,
cross-reference checks and compilation — and print the median of 20 runs in
milliseconds, with the parse/validate/compile split, and the same load with
the pure-Python YAML parser (what a machine without libyaml's parser gets).
A synthetic scenario of 60 nodes with 5 options each (built in memory) is
timed too, and a "billion laughs" alias bomb must be refused quickly.

The target is under 150 ms for the largest shipped scenario. Machines shared
with other work are noisy: the minimum is printed beside the median.

Run:  .venv/bin/python bench/validate.py [files...]
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

from game.scenario import yamlsafe  # noqa: E402
from game.scenario.compile import compile_scenario  # noqa: E402
from game.scenario.diagnostics import ScenarioLoadError  # noqa: E402
from game.scenario.loader import load_scenario_text  # noqa: E402
from game.scenario.models import Scenario  # noqa: E402
from game.scenario.yamlsafe import parse_yaml  # noqa: E402

RUNS = 20
TARGET_MS = 150.0


def synthetic(nodes: int = 60, options: int = 5) -> str:
    """A large valid scenario: ``nodes`` decision points of ``options`` options each."""
    kinds = ["call", "escalate", "back_channel", "public", "concede", "wait", "allies",
             "de_escalate"]
    out = [
        "format: 1",
        "id: synthetic",
        "title: Synthetic benchmark crisis",
        'version: "1.0"',
        "summary: A generated scenario used to time the loader.",
        "period: Fictional",
        "fiction: true",
        "objectives:",
        "  - id: contact",
        "    text: Make contact.",
        "    rating: {performed: contact.any, major: peak.escalation >= 80}",
        "roles:",
        "  - {id: lead, title: Lead}",
        "meters:",
    ]
    for meter in ("escalation", "openness", "standing", "allies"):
        out += [f"  - id: {meter}", f"    label: {meter.title()}", "    initial: 50",
                "    bands: [{upto: 30, label: Low}, {upto: 70, label: Mid}, "
                "{upto: 100, label: High}]"]
    out += ["flags:"] + [f"  - id: flag_{i}" for i in range(10)]
    out += ["channels:",
            "  - {id: hotline, label: Hotline, level: political}",
            "  - {id: attache, label: Attache, level: military, acceptance: 0.1}",
            "counterpart:",
            "  name: Other side",
            "  openness_meter: openness",
            "  modifiers:",
            "    - {when: escalation >= 60, delta: -0.2, reason: Too tense.}",
            "nodes:"]
    for n in range(nodes):
        nxt = f"n{n + 1}" if n + 1 < nodes else "end"
        out += [
            f"  - id: n{n}",
            f"    title: Turn {n}",
            f"    time: 2024-05-01T{n % 24:02d}:00",
            f"    brief: Situation report number {n}. Things are tense.",
            "    injects:",
            "      - from: Watch officer",
            f"        text: Report {n}.",
            "        when: escalation > 10 or flags.flag_1",
            "    decision:",
            "      prompt: What now?",
            "      options:",
        ]
        for o in range(options):
            kind = kinds[(n + o) % len(kinds)]
            out += [
                f"        - id: o{o}",
                f"          kind: {kind}",
                f"          label: Option {o} at turn {n}",
                "          channel: hotline",
                f"          tags: [t{o}]",
                f"          available: escalation < 95 and not flags.flag_{o}",
                f"          effects: [escalation += {o - 2}, openness -= 1, flags.flag_{o} = true]",
                "          outcomes:",
                "            - chance: 0.6",
                "              text: It works.",
                "              effects: [standing += 2]",
                "            - chance: 0.4",
                "              text: It does not.",
                "              effects: [allies -= 2]",
                "          next:",
                f"            - when: escalation >= 90 and recent.t{o}",
                "              goto: end",
                f"            - goto: {nxt}",
            ]
    out += ["endings:",
            "  - {id: war, title: War, text: It went badly., when: escalation >= 90, tone: bad}",
            "  - {id: calm, title: Calm, text: It ended., tone: good}"]
    return "\n".join(out) + "\n"


def alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """(median, minimum) in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def bench(name: str, text: str) -> float:
    parsed = parse_yaml(text, name)
    model = Scenario.model_validate(parsed.data)
    compiled, problems = compile_scenario(model, name)
    if compiled is None:
        raise SystemExit(f"{name} does not load:\n" + "\n".join(p.message for p in problems))
    total, best = timed(lambda: load_scenario_text(text, name))
    t_parse, _ = timed(lambda: parse_yaml(text, name))
    t_model, _ = timed(lambda: Scenario.model_validate(parsed.data))
    t_compile, _ = timed(lambda: compile_scenario(model, name))
    pure, _ = timed(lambda: parse_yaml(text, name, pure=True), runs=5)
    lines = text.count("\n")
    print(f"{name:32s} {len(text) / 1024:6.1f} KiB {lines:5d} lines  "
          f"total {total:6.1f} ms (min {best:5.1f})  = parse {t_parse:5.1f} + validate "
          f"{t_model:4.1f} + compile {t_compile:5.1f};  pure-Python parse {pure:6.1f}")
    return total


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((REPO / "scenarios").glob("*.yaml"))
    parser = "libyaml (C)" if yamlsafe.HAVE_C_PARSER else "pure Python (libyaml not installed)"
    print(f"median of {RUNS} runs, YAML parser: {parser}")
    results: list[tuple[int, str, float]] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        results.append((len(text), path.name, bench(path.name, text)))
    synth = synthetic()
    synth_ms = bench("synthetic 60 nodes x 5 options", synth)
    if not results:
        results.append((len(synth), "synthetic 60 nodes x 5 options", synth_ms))

    bomb = alias_bomb()

    def refuse() -> None:
        try:
            load_scenario_text(bomb, "bomb.yaml")
        except ScenarioLoadError:
            return
        raise SystemExit("the alias bomb was not refused")

    bomb_ms, _ = timed(refuse)
    print(f"alias bomb (10^9 values if expanded) refused in {bomb_ms:.2f} ms")

    _, name, ms = max(results)
    verdict = "OK" if ms < TARGET_MS else "OVER TARGET"
    print(f"largest: {name} {ms:.1f} ms (target < {TARGET_MS:.0f} ms) -> {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
