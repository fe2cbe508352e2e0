"""Time loading and validating scenario files.

For each ``scenarios/*.yaml`` (or, when there are none, a synthetic scenario
of 60 nodes with 5 options each, built in memory), time the whole load —
safe YAML parse with positions, pydantic validation, cross-reference checks
and compilation — and print the median of 20 runs in milliseconds, with the
parse/validate/compile split. The target is under 150 ms for the largest file.

Run:  PYTHONPATH=. .venv/bin/python bench/validate.py [files...]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from game.scenario.compile import compile_scenario  # noqa: E402
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


def median_ms(fn: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench(name: str, text: str) -> float:
    parsed = parse_yaml(text, name)
    model = Scenario.model_validate(parsed.data)
    compiled, problems = compile_scenario(model, name)
    if compiled is None:
        raise SystemExit(f"{name} does not load:\n" + "\n".join(p.message for p in problems))
    total = median_ms(lambda: load_scenario_text(text, name))
    t_parse = median_ms(lambda: parse_yaml(text, name))
    t_model = median_ms(lambda: Scenario.model_validate(parsed.data))
    t_compile = median_ms(lambda: compile_scenario(model, name))
    lines = text.count("\n")
    print(f"{name:40s} {len(text) / 1024:7.1f} KiB {lines:6d} lines  total {total:7.1f} ms  "
          f"(parse {t_parse:.1f}, validate {t_model:.1f}, compile {t_compile:.1f})")
    return total


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((REPO / "scenarios").glob("*.yaml"))
    results: list[tuple[int, str, float]] = []
    print(f"median of {RUNS} runs; target < {TARGET_MS:.0f} ms for the largest scenario")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        results.append((len(text), path.name, bench(path.name, text)))
    if not paths:
        print("no scenarios/*.yaml yet; timing a synthetic scenario instead")
        text = synthetic()
        results.append((len(text), "synthetic 60 nodes x 5 options", bench(
            "synthetic 60 nodes x 5 options", text)))
    size, name, ms = max(results)
    verdict = "OK" if ms < TARGET_MS else "OVER TARGET"
    print(f"largest: {name} {ms:.1f} ms -> {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
