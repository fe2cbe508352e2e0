"""The ``hotline`` terminal commands, one module each.

Each command module has ``NAME``, ``register(subparsers)`` and ``run(args)``;
:data:`COMMAND_MODULES` is the one list of them. :mod:`game.cli` opens the
app without importing this package.

Exit status, the same in every command: 0 success; 2 a problem the user can
fix (an invalid scenario, an unknown option or session id, a store that
cannot be used: damaged, foreign, locked, read-only, unreachable); 1 only for
an internal fault (a bug) or an app that cannot start. Qt is imported only
when the app is opened.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from types import ModuleType

from game import __version__
from game.launch import COMMANDS, first_word, open_app, split_app_args, unknown_command_message
from game.records import STORE_ENV, JournalError, default_store_path, is_user_problem
from game.textsafe import safe_streams

from . import (
    app,
    balance,
    check,
    class_,
    debrief,
    install_desktop,
    kernel,
    lint,
    msel,
    paths,
    play,
    resume,
    schema,
    seat,
    session,
    sessions,
    simulate,
    store,
    studio,
    validate,
    whatif,
)
from .common import EXIT_FAULT, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, CliError, err

__all__ = ["COMMANDS", "COMMAND_MODULES", "CliError", "main"]

COMMAND_MODULES: tuple[ModuleType, ...] = (
    app, validate, lint, check, schema, play, resume, sessions, simulate, balance, debrief,
    whatif, class_, msel, studio, paths, install_desktop, store, session, seat,
    kernel,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="hotline",
        description="Hotline: a crisis-communication training wargame. "
        "Run without a command to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"hotline {__version__}")
    parser.add_argument(
        "--store", metavar="PATH|URL",
        help="session journal: a SQLite file or a postgresql://user@host/db URL "
        f"(default: ${STORE_ENV}, else {default_store_path()})",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        command = module.register(sub)
        command.set_defaults(run=module.run)
        # --store is accepted after the command too (hotline play X --store P).
        command.add_argument("--store", metavar="PATH|URL", default=argparse.SUPPRESS,
                             help="session journal (as before the command)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``hotline`` command (terminal commands; see :mod:`game.cli`).

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 success, 2 bad input, 1 internal fault.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    with safe_streams():  # nothing printed can carry a control sequence to the terminal
        return _run(args_list)


def _run(args_list: list[str]) -> int:
    try:
        return _main(args_list)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_INVALID)
    except CliError as exc:
        err(f"hotline: {exc}")
        return exc.status
    except JournalError as exc:
        err(f"hotline: journal: {exc}")
        return EXIT_INVALID if is_user_problem(exc) else EXIT_FAULT
    except KeyboardInterrupt:
        err("hotline: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `hotline sessions | head`); not an error.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        err(f"hotline: internal error: {type(exc).__name__}: {exc}")
        if os.environ.get("HOTLINE_DEBUG"):
            traceback.print_exc()
        else:
            err("This is a bug in Hotline, not in your input. Please report it with the "
                "command you ran (set HOTLINE_DEBUG=1 to see the traceback).")
        return EXIT_FAULT


def _main(argv: list[str]) -> int:
    parser = build_parser()
    split = split_app_args(argv)
    if split is not None:
        global_args, app_args = split
        args = parser.parse_args(global_args)
        return open_app(app_args, args.store)
    word = first_word(argv)
    if word is not None and not argv[word].startswith("-"):
        unknown = unknown_command_message(argv[word])
        if unknown is not None:
            raise CliError(unknown)
    args = parser.parse_args(argv)
    runner: Callable[[argparse.Namespace], int] = args.run
    return runner(args)
