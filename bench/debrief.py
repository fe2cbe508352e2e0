"""Debrief benchmarks: open a 30-turn session, export the PDF, run one decision's what-ifs.

Targets (issue 6): opening the debrief of a 30-turn session under 300 ms; PDF
export under 2 s; the what-ifs of one decision (every alternative, 200
continuations each) under 2 s.

    .venv/bin/python bench/debrief.py [--repeat 5] [--runs 200]

A synthetic 30-node scenario is generated (every option kind, calls with
consultation delays, probabilistic outcomes, ladder bands, expert and
historical paths), a session is played through it with fixed choices and
journaled in a throw-away store, then each step is timed (best and median of
``--repeat``). Qt runs offscreen.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TURNS = 30


def scenario_text(turns: int = TURNS) -> str:
    """A synthetic scenario with ``turns`` decision points, as YAML (JSON is YAML)."""
    nodes = []
    for i in range(turns):
        nxt = f"n{i + 1}" if i + 1 < turns else "end"
        nodes.append({
            "id": f"n{i}", "title": f"Day {i + 1}: the crisis goes on",
            "time": f"2023-03-{1 + i // 2:02d}T{9 + 6 * (i % 2):02d}:00",
            "brief": "Another day of the crisis. " * 6,
            "injects": [{"from": "Intel", "kind": "intel", "text": "New reporting. " * 5},
                        {"from": "Press", "kind": "press", "text": "The press asks. " * 4}],
            "decision": {"prompt": "What now?", "options": [
                {"id": "call", "kind": "call", "channel": "dtl", "label": "Call the defense link",
                 "doctrine": "Talking early keeps the ladder short. " * 3, "next": nxt},
                {"id": "back", "kind": "back_channel", "channel": "political",
                 "label": "Use the political back-channel", "next": nxt,
                 "effects": ["openness += 2"]},
                {"id": "posture", "kind": "escalate", "label": "Raise force posture",
                 "effects": ["escalation += 6", "standing += 2"], "tags": ["kinetic"],
                 "outcomes": [{"chance": 0.3, "text": "An incident at sea.",
                               "effects": ["escalation += 8"]},
                              {"chance": 0.7, "text": "Nothing happens."}],
                 "doctrine": "Posture signals resolve but narrows the other side's options.",
                 "next": nxt},
                {"id": "wait", "kind": "wait", "label": "Wait and watch", "next": nxt,
                 "outcomes": [{"chance": 0.5, "text": "Critics call it weak.",
                               "effects": ["standing -= 3"]}]},
                {"id": "allies", "kind": "allies", "label": "Consult allies",
                 "effects": ["allies += 4"], "next": nxt},
            ]},
        })
    data: dict[str, Any] = {
        "id": "bench-30", "title": "Bench crisis (30 turns)", "version": "1",
        "summary": "A synthetic long crisis for benchmarks.", "period": "March 2023",
        "fiction": True,
        "objectives": [
            {"id": "contact", "text": "Make contact early.",
             "rating": {"performed": "contact.any and peak.escalation < 50",
                        "some": "contact.any"}},
            {"id": "ladder", "text": "Stay low on the ladder.",
             "rating": {"performed": "peak.escalation < 40", "some": "peak.escalation < 60",
                        "major": "peak.escalation < 80"}},
        ],
        "roles": [{"id": "lead", "title": "Lead"}],
        "meters": [
            {"id": "escalation", "label": "Escalation risk", "initial": 20, "higher_is": "worse",
             "bands": [{"upto": 30, "label": "Subcrisis"},
                       {"upto": 60, "label": "Traditional crisis"},
                       {"upto": 85, "label": "Intense crisis"},
                       {"upto": 100, "label": "Beyond"}]},
            {"id": "openness", "label": "Channel openness", "initial": 50, "hidden": True},
            {"id": "standing", "label": "Domestic standing", "initial": 50},
            {"id": "allies", "label": "Allied confidence", "initial": 50},
        ],
        "flags": [{"id": "casualties"}],
        "channels": [
            {"id": "dtl", "label": "Defense telephone link", "level": "military",
             "delay": {"min": 0, "max": 3}, "answer_effects": ["escalation -= 3"]},
            {"id": "political", "label": "Political back-channel", "level": "political",
             "acceptance": 0.1, "answer_effects": ["openness += 5", "escalation -= 2"]},
            {"id": "press", "label": "Press", "level": "public"},
        ],
        "counterpart": {"name": "Other side", "base_acceptance": 0.35,
                        "openness_meter": "openness",
                        "modifiers": [{"when": "recent.kinetic", "delta": -0.3,
                                       "reason": "Right after a show of force"}]},
        "nodes": nodes,
        "endings": [
            {"id": "war", "title": "War", "text": "It went badly.", "when": "escalation >= 95",
             "early": True, "tone": "bad", "bonus": -20},
            {"id": "talk", "title": "Talking", "text": "Lines are open.", "when": "contact.any",
             "tone": "good"},
            {"id": "freeze", "title": "Freeze", "text": "Nobody talks.", "tone": "mixed"},
        ],
        "expert": [{"node": f"n{i}", "option": "call" if i % 3 == 0 else "back",
                    "reason": "Keep talking."} for i in range(turns)],
        "historical": {"steps": [{"node": f"n{i}", "option": "posture" if i % 4 == 0 else "wait",
                                  "reason": "They postured."} for i in range(turns)],
                       "ending": "freeze", "outcome": "Nobody talked for months."},
        "scoring": {"loss_of_life_flag": "casualties"},
    }
    return json.dumps(data, indent=1)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best and median wall time (seconds) of ``repeat`` calls, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--runs", type=int, default=200, help="random continuations")
    parser.add_argument("--decision", type=int, default=15, help="1-based decision to fork")
    options = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    from game.debrief.export_pdf import export_pdf
    from game.debrief.source import open_debrief
    from game.debrief.whatif import what_if
    from game.engine.session import Session
    from game.records.journal import Journal
    from game.scenario.loader import load_scenario
    from game.ui.debrief_window import DebriefWindow

    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-debrief-"))
    path = tmp / "bench-30.yaml"
    path.write_text(scenario_text(), encoding="utf-8")
    scenario = load_scenario(path)
    journal = Journal(tmp / "journal.sqlite3")
    sid = journal.create_session(
        scenario_id=scenario.id, scenario_version=scenario.model.version,
        content_hash=scenario.content_hash, scenario_title=scenario.model.title,
        scenario_path=str(path), seed=42, roles=[], trainee="Bench")
    session = Session(scenario, 42, batch=True)
    cycle = ("call", "posture", "back", "wait", "allies", "back")
    for i in range(TURNS):
        data = {"type": "choose", "option": cycle[i % len(cycle)],
                "rationale": f"Reason number {i + 1}, at some length. " * 3, "seconds": 20 + i}
        journal.append_input(sid, data)
        session.apply(data)
        if session.ended:
            break
    assert session.outcome is not None, "the bench session must end"
    journal.finish(sid, ending_id=session.outcome.ending_id, ending_title=session.outcome.title,
                   score=session.outcome.score)
    turns = len(session.path)
    print(f"bench scenario: {len(scenario.nodes)} nodes; session of {turns} decisions, "
          f"{len(session.events)} events, ending {session.outcome.title}, "
          f"score {session.outcome.score:g}")

    from game.debrief import source

    start = time.perf_counter()
    opened = open_debrief(journal, sid)
    print(f"debrief model, scenario file not yet loaded (parse + replay + build): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")
    best, median, opened = timed(lambda: open_debrief(journal, sid, scenario), options.repeat)
    print(f"debrief model (journal read + replay + expert/historical runs + build): "
          f"best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")
    assert source._LOADED, "the scenario file is cached after the first open"

    def open_window() -> None:
        window = DebriefWindow(journal, sid, scenario)
        window.resize(1360, 880)
        window.show()
        app.processEvents()
        window.close()
        window.deleteLater()
        app.processEvents()

    open_window()  # warm the chart and font caches once, as an open app would have
    best, median, _ = timed(open_window, options.repeat)
    verdict = "OK" if median < 0.3 else "over the 300 ms target"
    print(f"open the Debrief window, first paint (target < 300 ms): best {best * 1000:.0f} ms, "
          f"median {median * 1000:.0f} ms — {verdict}")

    def charts() -> None:
        window = DebriefWindow(journal, sid, scenario)
        window.build_charts()
        window.deleteLater()

    best, median, _ = timed(charts, options.repeat)
    print(f"open + build the Charts tab ({len(opened.debrief.meters)} meter charts + strip): "
          f"best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")

    pdf = tmp / "report.pdf"
    best, median, _ = timed(lambda: export_pdf(pdf, opened.debrief), options.repeat)
    verdict = "OK" if median < 2 else "over the 2 s target"
    print(f"PDF export (target < 2 s): best {best:.2f} s, median {median:.2f} s, "
          f"{pdf.stat().st_size // 1024} KiB — {verdict}")

    k = k_mid = min(options.decision, turns) - 1
    best, median, result = timed(
        lambda: what_if(scenario, 42, opened.inputs, k, n=options.runs), options.repeat)
    games = len(result.branches) * (options.runs + 1)
    verdict = "OK" if median < 2 else "over the 2 s target"
    print(f"what-ifs of decision {k + 1}: {len(result.branches)} alternatives × "
          f"({options.runs} random + 1 expert) = {games} games (target < 2 s): "
          f"best {best:.2f} s, median {median:.2f} s — {verdict}")
    for k in (0, turns - 1):
        best, median, result = timed(
            lambda k=k: what_if(scenario, 42, opened.inputs, k, n=options.runs), options.repeat)
        games = len(result.branches) * (options.runs + 1)
        print(f"what-ifs of decision {k + 1} ({games} games, {turns - k} decisions each): "
              f"best {best:.2f} s, median {median:.2f} s")
    cpus = os.cpu_count() or 1
    for k in (k_mid, 0):
        best, median, result = timed(
            lambda k=k: what_if(scenario, 42, opened.inputs, k, n=options.runs, workers=cpus),
            options.repeat)
        print(f"what-ifs of decision {k + 1} in {cpus} worker processes (workers={cpus}): "
              f"best {best:.2f} s, median {median:.2f} s")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(load average {load:.1f} on {os.cpu_count()} CPUs while measuring)")
    journal.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
