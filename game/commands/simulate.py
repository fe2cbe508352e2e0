"""``hotline simulate SCENARIO``: play many games and summarise the outcomes."""

from __future__ import annotations

import argparse
import sys

from game import strictjson
from game.analysis import SimulationError, SimulationReport, policy_names, simulate
from game.textsafe import unwrapped

from . import balance
from .common import EXIT_OK, CliError, load_or_report, num, scenario_ref
from .driving import policy_or_error

NAME = "simulate"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help="play many games and report the outcomes")
    parser.add_argument("scenario", metavar="SCENARIO", type=scenario_ref,
                        help="scenario file or id (e.g. balloon-2023)")
    parser.add_argument("-n", type=int, default=1000, metavar="N",
                        help="number of games (default 1000)")
    parser.add_argument("--policy", default="random", metavar="POLICY",
                        help=f"automatic player (default random): {', '.join(policy_names())}")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument("--workers", type=int, metavar="W",
                        help="processes (default: every core for 2000 games or more)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--html", metavar="FILE",
                        help="with --balance: also write an HTML report")
    parser.add_argument("--balance", action="store_true",
                        help="the balance report: every policy, -n games each")
    return parser


def _print_report(report: SimulationReport) -> None:
    rate = report.games / report.elapsed if report.elapsed > 0 else 0.0
    last = report.seed + report.games - 1
    print(f"{report.games} game(s) of {report.scenario_id} with policy '{report.policy}', "
          f"seeds {report.seed}..{last}, {report.workers} worker(s), "
          f"{report.elapsed:.2f} s ({rate:,.0f} games/s)"
          + (" - CANCELLED" if report.cancelled else ""))
    print()
    print("Endings")
    width = max(len(f"{e} ({report.ending_titles[e]})") for e in report.endings)
    for ending, count in sorted(report.endings.items(), key=lambda kv: -kv[1]):
        name = f"{ending} ({report.ending_titles[ending]})"
        share = report.share(ending)
        bar = "#" * round(share * 40)
        print(f"  {name:<{width}}  {count:>7}  {share:6.1%}  {bar}")
    score = report.score
    if score is not None:
        print()
        print(f"Score            mean {score.mean:.1f}  p10 {score.p10:.1f}  p25 {score.p25:.1f}  "
              f"median {score.p50:.1f}  p75 {score.p75:.1f}  p90 {score.p90:.1f}  "
              f"(min {score.min:.1f}, max {score.max:.1f})")
        print(f"Peak escalation  mean {report.peak_escalation_mean:.1f}  "
              f"max {num(report.peak_escalation_max)}")
        print(f"Decisions        mean {report.turns_mean:.2f} per game, "
              f"longest {report.turns_max}")
    nodes = len(report.node_visits)
    print(f"Coverage         nodes {nodes - len(report.unvisited_nodes)}/{nodes}, endings "
          f"{len(report.endings) - len(report.unreached_endings)}/{len(report.endings)}")
    if report.unvisited_nodes:
        print(f"  never visited: {', '.join(report.unvisited_nodes)}")
    if report.unreached_endings:
        print(f"  never reached: {', '.join(report.unreached_endings)}")


def run(args: argparse.Namespace) -> int:
    if args.balance:
        return balance.run(args)
    if args.n < 1:
        raise CliError("-n must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise CliError("--workers must be at least 1")
    policy = policy_or_error(args.policy)
    scenario = load_or_report(args.scenario)
    progress = None
    if sys.stderr.isatty():
        def progress(done: int, total: int) -> None:
            # The program's own line rewrite, past the escaping of user text.
            unwrapped(sys.stderr).write(f"\rsimulating... {done}/{total} games")
            sys.stderr.flush()
    try:
        report = simulate(scenario, args.n, policy, seed=args.seed, workers=args.workers,
                          progress=progress)
    except SimulationError as exc:
        raise CliError(str(exc)) from None
    finally:
        if progress is not None:
            unwrapped(sys.stderr).write("\r\x1b[K")
            sys.stderr.flush()
    if args.json:
        strictjson.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_report(report)
    return EXIT_OK
