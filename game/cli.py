"""The ``hotline`` command's entry point.

Running ``hotline`` with no command opens the desktop app, so this module
imports only what that needs and hands every terminal command to
:mod:`game.commands` (which loads the scenario, engine and analysis code).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from game.records import STORE_ENV

__all__ = ["COMMANDS", "main"]

COMMANDS = ("app", "validate", "lint", "schema", "play", "resume", "sessions", "simulate",
            "balance", "debrief", "msel")
EXIT_FAULT = 1


def _err(*parts: object) -> None:
    print(*parts, file=sys.stderr)


def _split_app_args(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """Tell ``hotline [--store P] [app args]`` (open the app) from a command line.

    Returns:
        ``(global_args, app_args)`` when no command is named, else None.
    """
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--store":
            i += 2
            continue
        if token.startswith("--store="):
            i += 1
            continue
        if token in ("-h", "--help", "--version"):
            return None
        if token == "app":
            rest = argv[i + 1:]
            return (None if rest[:1] in (["-h"], ["--help"]) else (argv[:i], rest))
        if token in COMMANDS:
            return None
        return argv[:i], argv[i:]
    return argv, []



def _open_app(app_args: list[str], store: str | None) -> int:
    """Open the desktop app; Qt is imported only here."""
    if store:
        os.environ[STORE_ENV] = str(Path(store).expanduser())
    try:
        from game.ui.app import run_app
    except ModuleNotFoundError as exc:
        if exc.name in ("game.ui", "game.ui.app"):
            _err("hotline: the desktop app is not part of this build yet (game.ui.app is "
                 "missing). The terminal commands work: see `hotline --help`.")
            return EXIT_FAULT
        if exc.name and exc.name.split(".")[0] == "PySide6":
            _err(f"hotline: the desktop app needs PySide6, which is not installed ({exc}). "
                 "Run the setup command from the README.")
            return EXIT_FAULT
        raise
    except ImportError as exc:
        _err(f"hotline: cannot start the desktop app: {exc}. A system library Qt needs is "
             "probably missing; run the setup command from the README.")
        return EXIT_FAULT
    return int(run_app(app_args))




def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``hotline`` command.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 success, 2 bad input, 1 internal fault.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    split = _split_app_args(args)
    if split is not None:
        global_args, app_args = split  # global_args holds only --store and its value
        store = None
        for i, token in enumerate(global_args):
            if token == "--store" and i + 1 < len(global_args):
                store = global_args[i + 1]
            elif token.startswith("--store="):
                store = token.split("=", 1)[1]
        return _open_app(app_args, store)
    from game.commands import main as run_command

    return run_command(args)
