"""Batch play side by side, in one run: the bare walk, the engine, the kernel, the peer.

Random play of the flagship (``scenarios/balloon-2023.yaml``), on one core:

* **bare walk** — a walk of the node graph that picks a random option at every
  node and follows it; no state, no rules, one generator for all games. The
  floor for any engine.
* **engine** — the reference engine (``simulate(..., engine=True)``).
* **kernel** — the batch kernel (``game/analysis/kernel.py``), which every
  batch path now uses; its games are the engine's, seed for seed. It runs
  compiled with mypyc when a current build is installed (``hotline kernel
  build``; ``scripts/setup.sh`` makes it), else as Python: both are measured,
  the Python one in a child process with ``HOTLINE_PURE_KERNEL=1``, and the
  one batch play is using meets the target or not. Its figure is split into
  what seeding the two random generators costs per game (a fresh Mersenne
  Twister for the world's dice and one for the policy's, as the engine seeds
  them) and the rest.
* **peer** — the SWARM escalation sandbox (scripted personas, its baseline
  scenario), per turn, when a copy is present: ``--peer PATH`` (a checkout or
  a git directory), ``HOTLINE_PEER_SWARM``, or the mirror the search tool's
  fetch verb leaves in ``/work/.mirror``. Its code is read from there into a
  temporary folder and never kept.

Then the targets of issue 18: the full balance report on the flagship with
two worker processes, the greedy policy, 1,000 what-if games, and the
Studio's live balance (10,000 games). One-core figures are CPU time (the
best of ``--repeat`` rounds); the report's is wall time. The load average is
printed before and after: the figures mean little on a busy machine.

Usage: .venv/bin/python bench/simulate.py [--games N] [--repeat R] [--peer PATH] [SCENARIO]
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.analysis import native, simulate  # noqa: E402
from game.analysis.balance import balance_report, live_report  # noqa: E402
from game.analysis.kernel import _policy_key, _seed_generator, kernel_for  # noqa: E402
from game.debrief.whatif import what_if  # noqa: E402
from game.engine import Session  # noqa: E402
from game.scenario import END, CompiledScenario  # noqa: E402
from game.scenario.loader import load_scenario  # noqa: E402

PEER_MIRROR = Path("/work/.mirror/swarm-ai-safety+swarm/repo")
PEER_DOMAIN = "swarm/domains/escalation_sandbox"
PEER_SCENARIO = "scenarios/escalation_sandbox.yaml"

TARGET_DECISION_US = 3.0
TARGET_SPEEDUP = 8.0
TARGET_BALANCE_S = 5.0
TARGET_GREEDY = 2000.0
TARGET_WHATIF_S = 0.3
TARGET_LIVE_S = 2.0


def best_of(rounds: int, run: Callable[[int], tuple[float, int]]) -> tuple[float, int]:
    """The fastest of ``rounds`` runs: ``(seconds, units)`` (units are the same each time)."""
    best, units = math.inf, 0
    for index in range(rounds):
        seconds, units = run(index)
        best = min(best, seconds)
    return best, units


def cpu(fn: Callable[[], int]) -> tuple[float, int]:
    started = time.process_time()
    units = fn()
    return time.process_time() - started, units


# --- the four ---------------------------------------------------------------------------


def bare_walk(scenario: CompiledScenario, games: int) -> int:
    """Decisions of ``games`` walks: a random option at each node, its first way on."""
    graph = {node: [o.targets[-1] for o in options] for node, options in scenario.options.items()}
    choice = random.Random(0).choice
    start = scenario.start
    decisions = 0
    for _ in range(games):
        node = start
        while node != END:
            node = choice(graph[node])
            decisions += 1
    return decisions


def dice_per_game(games: int) -> int:
    """Seed the two generators a game needs, as the kernel does (returns ``games``)."""
    world, policy = random.Random(), random.Random()
    for seed in range(games):
        _seed_generator(world, seed)
        world.random()
        _seed_generator(policy, _policy_key(seed + 10**9))  # past the key cache
        policy.getrandbits(3)
    return games


def find_peer(given: str | None) -> Path | None:
    for candidate in (given, os.environ.get("HOTLINE_PEER_SWARM"), str(PEER_MIRROR)):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def load_peer(where: Path, folder: Path) -> tuple[Any, dict[str, Any]]:
    """The peer's runner class and its baseline configuration, read into ``folder``."""
    package = folder / PEER_DOMAIN
    package.mkdir(parents=True)
    for init in ("swarm", "swarm/domains"):
        (folder / init / "__init__.py").write_text("", encoding="utf-8")
    if (where / PEER_DOMAIN).is_dir():  # a checkout
        for source in (where / PEER_DOMAIN).glob("*.py"):
            shutil.copy(source, package / source.name)
        config_text = (where / PEER_SCENARIO).read_text(encoding="utf-8")
    else:  # a git directory (the fetch verb's mirror has no work tree)
        def show(path: str) -> str:
            return subprocess.run(["git", "--git-dir", str(where), "show", f"HEAD:{path}"],
                                  check=True, capture_output=True, text=True).stdout

        names = subprocess.run(["git", "--git-dir", str(where), "ls-tree", "--name-only",
                                "HEAD", f"{PEER_DOMAIN}/"], check=True, capture_output=True,
                               text=True).stdout.split()
        for name in names:
            if name.endswith(".py"):
                (package / Path(name).name).write_text(show(name), encoding="utf-8")
        config_text = show(PEER_SCENARIO)
    import yaml

    sys.path.insert(0, str(folder))
    config_module = importlib.import_module("swarm.domains.escalation_sandbox.config")
    runner_module = importlib.import_module("swarm.domains.escalation_sandbox.runner")
    raw = yaml.safe_load(config_text)
    config = config_module.EscalationConfig.from_dict(raw.get("domain", raw))
    return runner_module.EscalationRunner, config


def peer_turns(runner_class: Any, config: Any, episodes: int) -> int:
    turns = 0
    for seed in range(episodes):
        runner = runner_class(config, seed=seed)
        runner.run()
        turns += len(runner.env.turn_results)
    return turns


# --- the targets -------------------------------------------------------------------------


def recorded_session(scenario: CompiledScenario) -> list[dict[str, Any]]:
    """A whole recorded session of the flagship: its historical path, seed 7."""
    session = Session(scenario, 7, batch=True)
    path = scenario.historical or scenario.expert
    while not session.ended:
        offered = [o.id for o in session.available()]
        wanted = path.get(session.node)
        session.choose(wanted if wanted in offered else offered[0])
    return [dict(d) for d in session.inputs]


def whatif_games(scenario: CompiledScenario, inputs: list[dict[str, Any]], total: int,
                 engine: bool = False) -> tuple[float, int]:
    """Time what-ifs at the middle decision, sized to about ``total`` games."""
    decision = sum(1 for d in inputs if d["type"] == "choose") // 2
    probe = what_if(scenario, 7, inputs, decision, n=1)
    alternatives = len(probe.branches)
    n = max(1, math.ceil(total / alternatives) - 1)  # plus each alternative's expert road
    started = time.perf_counter()
    result = what_if(scenario, 7, inputs, decision, n=n, engine=engine)
    seconds = time.perf_counter() - started
    return seconds, sum((b.random.n if b.random else 0) + (b.expert is not None)
                        for b in result.branches)


def kernel_figure(scenario: CompiledScenario, n: int, repeat: int) -> tuple[float, int]:
    """(CPU seconds, decisions) of the best of ``repeat`` rounds of ``n`` random games."""
    return best_of(repeat, lambda i: cpu(lambda: simulate(
        scenario, n, "random", seed=i * n, workers=1).turns_total))


def pure_kernel_us(scenario_path: str, n: int, repeat: int) -> float | None:
    """The kernel's µs per decision as pure Python, measured in a child process."""
    env = {**os.environ, native.OFF: "1"}
    done = subprocess.run([sys.executable, __file__, "--pure-figure", "--games", str(n),
                           "--repeat", str(repeat), scenario_path],
                          capture_output=True, text=True, env=env)
    try:
        return float(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?",
                        default=str(ROOT / "scenarios" / "balloon-2023.yaml"))
    parser.add_argument("--games", type=int, default=20_000, help="kernel games per round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best counts")
    parser.add_argument("--peer", help="a copy of the SWARM repository (checkout or git dir)")
    parser.add_argument("--no-targets", action="store_true", help="only the four figures")
    parser.add_argument("--pure-figure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scenario = load_scenario(args.scenario)
    kernel_for(scenario)
    if args.pure_figure:  # the child of pure_kernel_us
        simulate(scenario, 500, "random", workers=1)
        seconds, decisions = kernel_figure(scenario, args.games, args.repeat)
        print(seconds / decisions * 1e6)
        return 0
    load_before = os.getloadavg()
    print(f"{scenario.id}: {len(scenario.nodes)} nodes; {os.cpu_count()} CPU(s); load average "
          f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; best of "
          f"{args.repeat} rounds")
    print(f"batch kernel: {native.status()}")
    n = args.games
    simulate(scenario, 500, "random", workers=1)  # warm-up
    simulate(scenario, 100, "random", workers=1, engine=True)

    walk_s, walk_d = best_of(args.repeat, lambda _i: cpu(lambda: bare_walk(scenario, n)))
    engine_n = max(500, n // 8)
    engine_s, engine_d = best_of(args.repeat, lambda i: cpu(lambda: simulate(
        scenario, engine_n, "random", seed=i * engine_n, workers=1, engine=True).turns_total))
    kernel_s, kernel_d = kernel_figure(scenario, n, args.repeat)
    compiled = native.status().startswith("compiled")
    pure_us = pure_kernel_us(args.scenario, n, args.repeat) if compiled else None
    dice_s, dice_games = best_of(args.repeat, lambda _i: cpu(lambda: dice_per_game(n)))
    walk_us = walk_s / walk_d * 1e6
    engine_us = engine_s / engine_d * 1e6
    kernel_us = kernel_s / kernel_d * 1e6
    dice_us = dice_s / dice_games * 1e6
    per_game = kernel_d / n

    peer_line = "  peer: SWARM escalation sandbox        (no copy found: --peer PATH)"
    peer_us: float | None = None
    where = find_peer(args.peer)
    if where is not None:
        with tempfile.TemporaryDirectory(prefix="hotline-peer-") as folder:
            try:
                runner_class, config = load_peer(where, Path(folder))
                peer_turns(runner_class, config, 5)
                peer_s, turns = best_of(args.repeat, lambda _i: cpu(
                    lambda: peer_turns(runner_class, config, 200)))
                peer_us = peer_s / turns * 1e6
                peer_line = (f"  peer: SWARM escalation sandbox  {peer_us:9.2f} µs per turn   "
                             f"(scripted personas, its baseline scenario; {where})")
            except Exception as exc:  # noqa: BLE001 - a peer that will not run is reported
                peer_line = f"  peer: SWARM escalation sandbox   could not run: {exc}"

    print("\nRandom play, one core, per decision (CPU time):")
    print(f"  bare walk of the node graph     {walk_us:9.2f} µs")
    print(f"  engine (reference)              {engine_us:9.2f} µs   {engine_us / walk_us:5.1f}x "
          "the bare walk")
    name = "kernel, compiled with mypyc " if compiled else "kernel, pure Python         "
    print(f"  {name}    {kernel_us:9.2f} µs   {kernel_us / walk_us:5.1f}x "
          f"the bare walk, {engine_us / kernel_us:4.1f}x faster than the engine")
    print(f"    of which the dice: {dice_us:.1f} µs a game to seed the two generators "
          f"({dice_us / per_game:.2f} µs a decision at {per_game:.1f} decisions a game); "
          f"the rest {kernel_us - dice_us / per_game:.2f} µs a decision")
    if pure_us is not None:
        print(f"  kernel, as pure Python          {pure_us:9.2f} µs   {pure_us / walk_us:5.1f}x "
              f"the bare walk, {engine_us / pure_us:4.1f}x faster than the engine "
              f"({native.OFF}=1)")
    elif compiled:
        print("  kernel, as pure Python          could not be measured (its child process "
              "failed)")
    else:
        print("  (no compiled kernel in use: 'hotline kernel' says why, 'hotline kernel build' "
              "makes one)")
    print(peer_line)
    if args.no_targets:
        return 0

    rows: list[tuple[str, str, str, bool]] = []
    rows.append(("speed per decision", f"{kernel_us:.2f} µs, {engine_us / kernel_us:.1f}x the "
                 "engine", f"<= {TARGET_DECISION_US:g} µs and >= {TARGET_SPEEDUP:g}x",
                 kernel_us <= TARGET_DECISION_US and engine_us / kernel_us >= TARGET_SPEEDUP))

    greedy_s, greedy_games = best_of(args.repeat, lambda i: cpu(lambda: simulate(
        scenario, 1000, "greedy", seed=i * 1000, workers=1).games))
    greedy_rate = greedy_games / greedy_s
    rows.append(("greedy policy (one core)", f"{greedy_rate:,.0f} games/s",
                 f">= {TARGET_GREEDY:,.0f} games/s", greedy_rate >= TARGET_GREEDY))

    inputs = recorded_session(scenario)
    whatif_games(scenario, inputs, 100)
    whatif_s, roads = best_of(args.repeat, lambda _i: whatif_games(scenario, inputs, 1000))
    rows.append(("what-ifs", f"{roads:,} games in {whatif_s:.3f} s",
                 f"1,000 in <= {TARGET_WHATIF_S:g} s", whatif_s * 1000 / roads <= TARGET_WHATIF_S))

    live_s, live_games = best_of(args.repeat, lambda _i: (lambda t, r: (
        time.perf_counter() - t, r.games_played))(time.perf_counter(),
                                                  live_report(scenario, 10_000)))
    rows.append(("Studio live balance (one thread)", f"{live_games:,} games in {live_s:.2f} s",
                 f"10,000 in < {TARGET_LIVE_S:g} s", live_s < TARGET_LIVE_S))

    started = time.perf_counter()
    report = balance_report(scenario, 10_000, 0, workers=2)
    balance_s = time.perf_counter() - started
    busy = sum(r.elapsed for r in report.policies.values())
    rows.append(("full balance report (2 workers)",
                 f"{report.games_played:,} games in {balance_s:.2f} s ({busy:.1f} s of work)",
                 f"<= {TARGET_BALANCE_S:g} s", balance_s <= TARGET_BALANCE_S))

    engine_whatif_s, engine_roads = whatif_games(scenario, inputs, 1000, engine=True)
    print(f"\nTargets (issue 18) — the engine's what-ifs for comparison: {engine_roads:,} games "
          f"in {engine_whatif_s:.2f} s")
    for name, figure, target, ok in rows:
        print(f"  {name:<34} {figure:<42} {target:<30} {verdict(ok)}")
    load_after = os.getloadavg()
    print(f"\nload average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
