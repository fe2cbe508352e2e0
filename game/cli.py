"""The ``hotline`` command's entry point.

Running ``hotline`` with no command opens the desktop app, so this module
imports only what that needs (:mod:`game.launch`) and hands every terminal
command to :mod:`game.commands` (which loads the scenario, engine and
analysis code).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from game.launch import COMMANDS, open_app, split_app_args, store_from_global_args

__all__ = ["COMMANDS", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``hotline`` command.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 success, 2 bad input, 1 internal fault.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    split = split_app_args(args)
    if split is not None:
        global_args, app_args = split  # global_args holds only --store and its value
        return open_app(app_args, store_from_global_args(global_args))
    from game.commands import main as run_command

    return run_command(args)
