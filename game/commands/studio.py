"""``hotline studio [FILE]``: open the Authoring Studio, on a scenario if one is named."""

from __future__ import annotations

import argparse
from pathlib import Path

from game.launch import open_app

from .common import CliError, scenario_ref

NAME = "studio"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        NAME, help="open the Authoring Studio (on a scenario file or id if given)",
        description="Open the Authoring Studio: live validation and lint, the flow graph, "
        "playtests, balance. Bundled scenarios open read-only: Save makes your own copy.",
    )
    parser.add_argument("file", nargs="?", metavar="FILE", type=scenario_ref,
                        help="scenario file or id (default: a new scenario from the template)")
    return parser


def run(args: argparse.Namespace) -> int:
    app_args = ["--studio"]
    if args.file is not None:
        path = Path(args.file).expanduser()
        if not path.is_file():
            raise CliError(f"{args.file}: no such scenario file. To write a new scenario, run "
                           "`hotline studio` and choose New (it is saved in your scenarios "
                           "folder: see `hotline paths`)")
        app_args.append(str(path.resolve()))
    return open_app(app_args, args.store)
