"""``hotline check FILE...``: the calibration checks on any scenario file.

The same checks the library's tests run on the shipped scenarios
(:mod:`game.analysis.calibration`), so an author can test a scenario of
their own without the test suite: does the historical path end where
history did, does the expert beat random play, does calling at every chance
fall clearly short, does a repeated refused call stay unanswered, does the
marked historical mistake cost points. ``--window`` adds a contact-window
check like the balloon's (the defense link not answered within 30 days of
the shootdown, under any policy).

Exit status: 0 when every file is calibrated, 2 when a check fails or a file
does not load.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from game.analysis.calibration import (
    WINDOW_MAX,
    CalibrationReport,
    Check,
    Games,
    answered_within,
    calibrate,
    format_report,
)
from game.analysis.policies import policy_names
from game.scenario import CompiledScenario

from .common import EXIT_INVALID, EXIT_OK, CliError, load_or_report

NAME = "check"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        NAME, help="run the calibration checks (history, expert, always-call, single habits, "
        "retry, mistake) on scenario files")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--games", type=int, default=1000, metavar="N",
                        help="random games (default 1000; the other checks play a "
                        "share of this)")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument(
        "--window", action="append", default=[], metavar="CHANNEL:FLAG:DAYS",
        help="also check that CHANNEL is answered within DAYS of FLAG being set in at "
        f"most {WINDOW_MAX * 100:.0f}%% of games, under every policy "
        "(e.g. dtl:shot_down:30)")  # '%%': argparse formats help texts with %
    return parser


def _games(n: int, seed: int) -> Games:
    if n < 10:
        raise CliError("--games must be at least 10")
    return Games(random=n, paths=max(20, n // 5), always=max(30, n * 3 // 10),
                 retry=max(40, n * 2 // 5), mistake=max(20, n // 5), seed=seed)


def _window(spec: str) -> tuple[str, str, float]:
    parts = spec.split(":")
    if len(parts) != 3:
        raise CliError(f"--window '{spec}': write it as CHANNEL:FLAG:DAYS, e.g. dtl:shot_down:30")
    channel, flag, days = parts
    try:
        hours = float(days) * 24
    except ValueError:
        raise CliError(f"--window '{spec}': DAYS must be a number") from None
    return channel, flag, hours


def _window_check(scenario: CompiledScenario, spec: str, games: Games) -> Check:
    channel, flag, hours = _window(spec)
    if channel not in scenario.channels:
        raise CliError(f"--window '{spec}': {scenario.id} has no channel '{channel}'")
    if flag not in scenario.names.flags:
        raise CliError(f"--window '{spec}': {scenario.id} has no flag '{flag}'")
    worst, worst_policy, flagged = 0.0, "", 0
    for policy in policy_names():
        n = max(20, games.paths // 2) if policy == "greedy" else games.always
        rate, seen = answered_within(scenario, channel, flag, hours, policy, n, games.seed)
        flagged += seen
        if rate > worst or not worst_policy:
            worst, worst_policy = rate, policy
    days = hours / 24
    title = f"'{channel}' is not answered within {days:g} days of '{flag}'"
    if not flagged:
        return Check(f"window:{spec}", title, None, f"no policy ever set '{flag}'", "", None)
    figure = ("never, under any policy" if worst == 0 else
              f"in {worst:.1%} of games at worst (policy '{worst_policy}')")
    return Check(f"window:{spec}", title, worst <= WINDOW_MAX, figure,
                 f"at most {WINDOW_MAX:.0%} under every policy", worst)


def run(args: argparse.Namespace) -> int:
    games = _games(int(args.games), int(args.seed))
    for spec in args.window:
        _window(spec)  # a malformed spec is reported before any game is played
    results: list[tuple[str, CalibrationReport]] = []
    for path in args.files:
        scenario = load_or_report(path)
        report = calibrate(scenario, games)
        extra = tuple(_window_check(scenario, spec, games) for spec in args.window)
        results.append((path, replace(report, checks=report.checks + extra)))
    if args.json:
        doc = {"files": [{"file": path, **report.to_dict()} for path, report in results],
               "ok": all(report.ok for _, report in results)}
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for path, report in results:
            print("\n".join(format_report(report, path)))
    return EXIT_OK if all(report.ok for _, report in results) else EXIT_INVALID
