"""``hotline paths``: every folder Hotline reads or writes, and what each holds."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from game import paths as where

from .common import EXIT_OK

NAME = "paths"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(NAME, help="show where Hotline keeps scenarios, sessions, "
                            "backups and settings")
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    return parser


def run(args: argparse.Namespace) -> int:
    folders = where.folders()
    store = getattr(args, "store", None)
    if store:  # --store names this run's journal; show that one
        folders = [where.Folder(f.key, f.label, Path(store).expanduser(), f.writable,
                                "from --store") if f.key == "store" else f for f in folders]
    if args.json:
        json.dump({f.key: str(f.path) for f in folders}, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    width = max(len(f.label) for f in folders)
    for folder in folders:
        state = "" if folder.path.exists() else "  (not created yet)"
        print(f"{folder.label:<{width}}  {folder.path}{state}")
        if folder.note:
            print(f"{'':<{width}}  {folder.note}")
    return EXIT_OK
