"""``hotline msel export|import``: a Master Scenario Events List as CSV."""

from __future__ import annotations

import argparse

from .common import scenario_ref

NAME = "msel"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    msel = sub.add_parser(NAME, help="export or import a Master Scenario Events List (CSV)")
    msel_sub = msel.add_subparsers(dest="msel_command", required=True, metavar="export|import")
    export = msel_sub.add_parser("export", help="write a scenario's injects as an MSEL CSV")
    export.add_argument("scenario", metavar="SCENARIO", type=scenario_ref,
                        help="scenario file or id")
    export.add_argument("--csv", metavar="OUT", default="-",
                        help="CSV to write (default: standard output)")
    imp = msel_sub.add_parser("import", help="turn an MSEL CSV into a scenario skeleton")
    imp.add_argument("csv", metavar="CSV")
    imp.add_argument("--out", metavar="SCENARIO.yaml", default="-")
    imp.add_argument("--id", dest="scenario_id", default=None,
                     help="scenario id (default: from the file name)")
    imp.add_argument("--title", default=None)
    imp.add_argument("--force", action="store_true", help="overwrite --out")
    return msel


def run(args: argparse.Namespace) -> int:
    from game.analysis.msel import msel_export_command, msel_import_command

    if args.msel_command == "export":
        return int(msel_export_command(args.scenario, args.csv))
    return int(msel_import_command(args.csv, args.out, scenario_id=args.scenario_id,
                                   title=args.title, force=bool(args.force)))
