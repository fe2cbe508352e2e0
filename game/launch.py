"""Opening the desktop app, and telling an app start from a terminal command.

Both :mod:`game.cli` (the entry point) and :mod:`game.commands` (the terminal
commands) use this module, so neither imports the other. It imports nothing
heavy: Qt is imported only inside :func:`open_app`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from game.records.stores import STORE_ENV, is_store_url

__all__ = ["COMMANDS", "EXIT_FAULT", "first_word", "open_app", "split_app_args",
           "unknown_command_message"]

# The names of the terminal commands. Kept here, not read from
# game.commands, so that `hotline` can open the app without importing the
# engine; tests/cli checks that this tuple matches the command registry.
COMMANDS = ("app", "validate", "lint", "check", "schema", "play", "resume", "sessions",
            "simulate", "balance", "debrief", "whatif", "class", "msel", "studio", "paths",
            "install-desktop", "store", "session", "seat", "kernel")
EXIT_FAULT = 1
_SCENARIO_SUFFIXES = (".yaml", ".yml")


def _err(*parts: object) -> None:
    print(*parts, file=sys.stderr)


def first_word(argv: list[str]) -> int | None:
    """The index of the first argument after the global ``--store`` option, if any."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--store":
            i += 2
        elif token.startswith("--store="):
            i += 1
        else:
            return i
    return None


def _is_scenario_path(token: str) -> bool:
    return token.endswith(_SCENARIO_SUFFIXES) or os.sep in token or "/" in token


def split_app_args(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """Tell ``hotline [--store P] [app args]`` (open the app) from a command line.

    The app opens for no arguments, for app or Qt options (``--theme dark``,
    ``-platform offscreen``), for ``app ...`` and for a scenario file
    (``hotline my.yaml`` opens the app on it). Any other word is a command:
    a known one runs, an unknown one is reported (with the nearest command)
    by the command parser instead of silently opening the app.

    Returns:
        ``(global_args, app_args)`` when the app should open, else None.
    """
    i = first_word(argv)
    if i is None:
        return argv, []
    token, rest = argv[i], argv[i + 1:]
    if token in ("-h", "--help", "--version"):
        return None
    if token == "app":
        return None if rest[:1] in (["-h"], ["--help"]) else (argv[:i], rest)
    if token.startswith("-"):
        return argv[:i], argv[i:]
    if token not in COMMANDS and _is_scenario_path(token):
        return argv[:i], ["--scenario", token, *rest]
    return None


def unknown_command_message(word: str) -> str | None:
    """What to say about ``hotline WORD`` when WORD is no command (None when it is one)."""
    if word in COMMANDS:
        return None
    import difflib

    near = difflib.get_close_matches(word, COMMANDS, n=2, cutoff=0.5)
    hint = (" Did you mean " + " or ".join(f"`hotline {n}`" for n in near) + "?") if near else ""
    return (f"unknown command '{word}'.{hint} Commands: {', '.join(COMMANDS)}. "
            "Run `hotline` alone to open the app, or `hotline --help` for what each does.")


def store_from_global_args(global_args: list[str]) -> str | None:
    """The ``--store`` value among the options given before the command, if any."""
    store = None
    for i, token in enumerate(global_args):
        if token == "--store" and i + 1 < len(global_args):
            store = global_args[i + 1]
        elif token.startswith("--store="):
            store = token.split("=", 1)[1]
    return store


def open_app(app_args: list[str], store: str | None) -> int:
    """Open the desktop app; Qt is imported only here."""
    if store:
        os.environ[STORE_ENV] = store if is_store_url(store) else str(Path(store).expanduser())
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
