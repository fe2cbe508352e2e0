"""Scenario snapshots: the canonical text a session was played on, and back.

A scenario's *canonical text* is the JSON of its model with defaults left
out, keys sorted: exactly what its content hash is the hash of
(:func:`game.scenario.compile.content_hash`). The journal keeps it once per
content hash (``Journal.put_scenario``), so a session can be rebuilt after
its file was edited or deleted: :func:`scenario_from_text` compiles it again
into the same scenario.

Loading is cached: files by (path, modification time, size), snapshots by
content hash, so opening many sessions of one scenario compiles it once.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from game.records.journal import snapshot_hash
from game.scenario import CompiledScenario, Scenario, compile_scenario

__all__ = [
    "ScenarioFileError",
    "SnapshotError",
    "canonical_text",
    "load_file",
    "scenario_from_text",
]

_CACHE_SIZE = 16


class SnapshotError(ValueError):
    """A snapshot no longer compiles (this Hotline reads scenarios more strictly)."""


class ScenarioFileError(ValueError):
    """A scenario file is missing or has errors; the message names the first one."""


def canonical_text(scenario: CompiledScenario) -> str:
    """The scenario's canonical text (its SHA-256 prefix is its content hash)."""
    text = json.dumps(
        scenario.model.model_dump(mode="json", by_alias=True, exclude_defaults=True),
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    if snapshot_hash(text) != scenario.content_hash:  # pragma: no cover - kept in step by tests
        raise SnapshotError(
            f"scenario {scenario.id}: its canonical text hashes to {snapshot_hash(text)}, "
            f"not to its content hash {scenario.content_hash}")
    return text


@dataclass
class _Cache:
    lock: threading.Lock
    by_key: OrderedDict[object, CompiledScenario]

    def get(self, key: object) -> CompiledScenario | None:
        with self.lock:
            found = self.by_key.get(key)
            if found is not None:
                self.by_key.move_to_end(key)
            return found

    def put(self, key: object, scenario: CompiledScenario) -> CompiledScenario:
        with self.lock:
            found = self.by_key.setdefault(key, scenario)
            self.by_key.move_to_end(key)
            while len(self.by_key) > _CACHE_SIZE:
                self.by_key.popitem(last=False)
            return found


_SNAPSHOTS = _Cache(threading.Lock(), OrderedDict())
_FILES = _Cache(threading.Lock(), OrderedDict())


def scenario_from_text(text: str, source_path: str | None = None) -> CompiledScenario:
    """Compile a snapshot's canonical text (cached by its content hash).

    Args:
        text: The canonical text, as :func:`canonical_text` wrote it.
        source_path: The file it was once loaded from (for messages only).

    Raises:
        SnapshotError: The text no longer validates or compiles.
    """
    key = snapshot_hash(text)
    cached = _SNAPSHOTS.get(key)
    if cached is not None:
        return cached
    try:
        model = Scenario.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:
        raise SnapshotError(f"the recorded scenario {key} no longer validates: "
                            f"{str(exc).splitlines()[0]}") from exc
    compiled, problems = compile_scenario(model, source_path)
    if compiled is None:
        first = next((p.message for p in problems if p.severity == "error"), "unknown error")
        raise SnapshotError(f"the recorded scenario {key} no longer compiles: {first}")
    return _SNAPSHOTS.put(key, compiled)


def remember(scenario: CompiledScenario) -> None:
    """Let snapshot look-ups reuse a scenario already compiled from a file."""
    _SNAPSHOTS.put(scenario.content_hash, scenario)


def load_file(path: str | Path) -> CompiledScenario:
    """Load and compile a scenario file (cached by path, modification time and size).

    Raises:
        ScenarioFileError: The file is missing or has errors; the message gives
            the loader's first error with its line.
    """
    from game.scenario.diagnostics import ScenarioLoadError
    from game.scenario.loader import load_scenario

    file = Path(path)
    if not file.is_file():
        raise ScenarioFileError(f"the scenario file {file} is not there any more")
    stat = file.stat()
    key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _FILES.get(key)
    if cached is not None:
        return cached
    try:
        compiled = load_scenario(file)
    except ScenarioLoadError as exc:
        errors = exc.errors or exc.diagnostics
        first = errors[0].format() if errors else "unknown error"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ScenarioFileError(f"the scenario file {file} has errors: {first}{more}") from exc
    except OSError as exc:
        raise ScenarioFileError(f"the scenario file {file} cannot be read: {exc}") from exc
    remember(compiled)
    return _FILES.put(key, compiled)
