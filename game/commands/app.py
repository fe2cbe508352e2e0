"""``hotline app``: open the desktop app (also what ``hotline`` alone does)."""

from __future__ import annotations

import argparse

from game.launch import open_app

NAME = "app"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help="open the desktop app (the default)")
    parser.add_argument("app_args", nargs="*", metavar="ARG", help="arguments for the app")
    return parser


def run(args: argparse.Namespace) -> int:
    return open_app(list(args.app_args), args.store)
