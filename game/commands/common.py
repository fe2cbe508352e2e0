"""What every terminal command shares: exit codes, errors, the journal, loading."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from game.paths import ScenarioNotFound, find_scenario
from game.records import DamagedStoreError, Journal, ReadOnlyStoreError
from game.scenario import CompiledScenario
from game.scenario.diagnostics import ScenarioLoadError
from game.scenario.loader import load_scenario

EXIT_OK = 0
EXIT_FAULT = 1
EXIT_INVALID = 2
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """Bad input from the user: printed as ``hotline: message`` with exit status 2."""

    def __init__(self, message: str, status: int = EXIT_INVALID) -> None:
        super().__init__(message)
        self.status = status


def err(*parts: object) -> None:
    """Print to standard error."""
    print(*parts, file=sys.stderr)


def open_journal(store: str | None, *, for_reading: bool = False) -> Journal:
    """The journal named by ``--store``, else ``$HOTLINE_STORE``, else the user data folder.

    Args:
        store: ``--store``'s value (a file path or a ``postgresql://`` URL), or None.
        for_reading: The command only reads. A store that cannot be written
            (damaged, or in a read-only folder) is then opened read-only with
            a warning, instead of refusing the command.

    Raises:
        StoreError: The store cannot be used; :func:`game.commands.main`
            prints the message and exits with status 2.
    """
    try:
        return Journal(store)
    except (DamagedStoreError, ReadOnlyStoreError) as exc:
        if not for_reading:
            raise
        journal = Journal(store, read_only=True)
        err(f"warning: {exc}")
        err("warning: showing what can be read; nothing will be written to this journal.")
        return journal


def store_flag(store: str | None) -> str:
    """``--store PATH `` to repeat in advice, or nothing for the default store."""
    return f"--store {shlex.quote(store)} " if store else ""


def scenario_ref(ref: str) -> str:
    """A scenario argument: a file path as typed, or a scenario id turned into its file.

    Used as the argparse ``type`` of every argument that names a scenario, so
    ``hotline play balloon-2023`` works like ``hotline play path/to/balloon-2023.yaml``.
    An unknown id is a user error (exit 2) with the nearest ids; a missing
    path is left for the loader, which reports it with file and fix.
    """
    try:
        path = find_scenario(ref)
    except ScenarioNotFound as exc:
        raise CliError(str(exc)) from None
    return ref if path == Path(ref).expanduser() else str(path)


def load_or_report(path: str) -> CompiledScenario:
    """Load a scenario for play/simulate; print diagnostics and exit 2 if it is bad."""
    try:
        return load_scenario(path)
    except ScenarioLoadError as exc:
        for diagnostic in exc.diagnostics:
            err(diagnostic.format())
        errors = len(exc.errors)
        raise CliError(f"{path}: cannot load the scenario ({errors} error(s); "
                       f"run `hotline validate {shlex.quote(path)}`)") from None


def num(value: float) -> str:
    """A number without a needless ``.0``."""
    return f"{value:g}" if abs(value - round(value)) > 1e-9 else str(int(round(value)))


def band(scenario: CompiledScenario, meter: str, value: float) -> str:
    """The label of the meter band ``value`` falls in ('' when none)."""
    for item in scenario.meters[meter].bands:
        if value <= item.upto:
            return item.label
    return ""
