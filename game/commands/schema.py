"""``hotline schema``: print the scenario file JSON Schema."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK

NAME = "schema"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    return sub.add_parser(NAME, help="print the scenario file JSON Schema")


def run(args: argparse.Namespace) -> int:
    from game.scenario.schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK
