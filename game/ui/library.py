"""The scenario library: every scenario file the app can offer, loaded off the GUI thread.

Scenarios come from the ones bundled with Hotline and from the user's folder
(both named in :mod:`game.paths`). A file that fails to load
is kept as an entry with its diagnostics, so the home screen can say what is
wrong with it instead of silently leaving it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from game import paths

from .workers import run_in_background

if TYPE_CHECKING:
    from game.scenario.compile import CompiledScenario

    from .present import ScenarioSummary

BUNDLED_SCENARIOS = paths.bundled_scenarios_dir()
DEFAULT_SCENARIO = BUNDLED_SCENARIOS / "balloon-2023.yaml"
SUFFIXES = paths.SCENARIO_SUFFIXES
user_scenarios_dir = paths.user_scenarios_dir


def default_dirs() -> list[Path]:
    return paths.scenario_dirs()


@dataclass
class ScenarioEntry:
    """One scenario file: loaded, or with the reasons it could not be."""

    path: Path
    scenario: CompiledScenario | None = None
    summary: ScenarioSummary | None = None
    problems: list[str] = field(default_factory=list)
    is_default: bool = False
    user: bool = False

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    @property
    def title(self) -> str:
        return self.summary.title if self.summary else self.path.name


def load_scenario_file(path: Path) -> CompiledScenario:
    """Load one scenario; raises ScenarioLoadError with the loader's diagnostics."""
    from game.scenario.loader import load_scenario

    return load_scenario(path)


def problem_lines(exc: BaseException) -> list[str]:
    """The loader's ``file:line:col: path: message (fix: …)`` lines for an error."""
    diagnostics = getattr(exc, "diagnostics", None)
    if diagnostics:
        return [d.format() if hasattr(d, "format") else str(d) for d in diagnostics]
    return [f"{type(exc).__name__}: {exc}"]


def load_entry(path: Path, *, is_default: bool = False, user: bool = False) -> ScenarioEntry:
    from .present import scenario_summary

    entry = ScenarioEntry(path=path, is_default=is_default, user=user)
    try:
        entry.scenario = load_scenario_file(path)
    except Exception as exc:  # a bad file is an entry with problems, never a crash
        entry.problems = problem_lines(exc)
        return entry
    entry.summary = scenario_summary(entry.scenario)
    return entry


def scan(dirs: Sequence[Path], default: Path | None = DEFAULT_SCENARIO) -> list[ScenarioEntry]:
    """Load every scenario file in ``dirs``; the default one first.

    When ``default`` is not among the files, the first loadable scenario is
    marked as the default so a first-time user always has an obvious start.
    """
    entries: list[ScenarioEntry] = []
    seen: set[Path] = set()
    user_dir = user_scenarios_dir().resolve()
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in paths.scenario_files(folder):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            is_default = default is not None and resolved == default.resolve()
            entries.append(load_entry(resolved, is_default=is_default,
                                      user=resolved.parent == user_dir))
    if not any(e.is_default and e.ok for e in entries):
        for entry in entries:
            entry.is_default = False
        first = next((e for e in entries if e.ok), None)
        if first is not None:
            first.is_default = True
    entries.sort(key=lambda e: (not e.is_default, not e.ok, e.title.lower()))
    return entries


class ScenarioLibrary(QObject):
    """The list of scenario entries; reloads off the GUI thread.

    Signals:
        loading: A reload started.
        changed: The entries changed (read :attr:`entries`).
    """

    loading = Signal()
    changed = Signal()

    def __init__(
        self,
        dirs: Sequence[Path] | None = None,
        default: Path | None = DEFAULT_SCENARIO,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.dirs = list(dirs) if dirs is not None else default_dirs()
        self.default = default
        self.entries: list[ScenarioEntry] = []
        self.is_loading = False
        self.loaded_once = False

    def reload(self) -> None:
        """Rescan the folders on a worker thread; ``changed`` fires when done."""
        if self.is_loading:
            return
        self.is_loading = True
        self.loading.emit()
        dirs, default = list(self.dirs), self.default
        run_in_background(lambda: scan(dirs, default), self._loaded, self._failed)

    def reload_now(self) -> None:
        """Rescan on this thread (tests, scripts)."""
        self._loaded(scan(self.dirs, self.default))

    def _loaded(self, entries: list[ScenarioEntry]) -> None:
        self.entries = entries
        self.is_loading = False
        self.loaded_once = True
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.is_loading = False
        self.loaded_once = True
        self.entries = [ScenarioEntry(path=Path(str(d)), problems=problem_lines(exc))
                        for d in self.dirs[:1]]
        self.changed.emit()

    def default_entry(self) -> ScenarioEntry | None:
        return next((e for e in self.entries if e.is_default and e.ok), None)

    def find(self, scenario_id: str, content_hash: str | None = None,
             path: str | None = None) -> ScenarioEntry | None:
        """The loaded entry for a session's scenario (same content hash when given)."""
        candidates = [e for e in self.entries if e.ok and e.scenario is not None
                      and e.scenario.id == scenario_id]
        if content_hash is not None:
            candidates = [e for e in candidates
                          if e.scenario is not None and e.scenario.content_hash == content_hash]
        if path is not None:
            for entry in candidates:
                if str(entry.path) == path:
                    return entry
        return candidates[0] if candidates else None
