"""``hotline validate FILE...``: check scenario files and report every problem."""

from __future__ import annotations

import argparse

from game.scenario.loader import inspect_scenario_file

from .common import EXIT_INVALID, EXIT_OK, scenario_ref

NAME = "validate"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help="check scenario files and report every problem")
    parser.add_argument("files", nargs="+", metavar="FILE", type=scenario_ref,
                        help="scenario file or id (e.g. balloon-2023)")
    return parser


def run(args: argparse.Namespace) -> int:
    files: list[str] = args.files
    invalid = errors = warnings = 0
    for path in files:
        checked = inspect_scenario_file(path)
        scenario, diagnostics = checked.compiled, checked.diagnostics
        for diagnostic in diagnostics:
            print(diagnostic.format())
        if checked.later_checks:  # errors come step by step: say what is still to come
            print(f"{path}: note: {checked.later_checks}")
        problems = [d for d in diagnostics if d.severity == "error"]
        errors += len(problems)
        warnings += len(diagnostics) - len(problems)
        if scenario is None:
            invalid += 1
            if not problems:  # cannot happen, but never call a file valid silently
                print(f"{path}: cannot be loaded")
            continue
        model = scenario.model
        print(f"{path}: ok ({model.id} v{model.version}: {len(model.nodes)} nodes, "
              f"{len(model.endings)} endings)")
    valid = len(files) - invalid
    print(f"{len(files)} file(s) checked: {valid} valid, {invalid} invalid "
          f"({errors} error(s), {warnings} warning(s))")
    return EXIT_INVALID if invalid else EXIT_OK
