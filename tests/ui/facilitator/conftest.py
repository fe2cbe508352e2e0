"""Fixtures for the facilitator-console and team-play tests.

The team drill (``team.yaml`` here) has three roles, role-only injects
(``to:``), a decision per role, a timed decision with a time-out rule and a
majority vote. The library gets it beside the flagship and the tiny scenario.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
TEAM = HERE / "team.yaml"
REPO_ROOT = HERE.parent.parent.parent
FLAGSHIP = REPO_ROOT / "scenarios" / "balloon-2023.yaml"
TINY = REPO_ROOT / "tests" / "engine" / "tiny.yaml"


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


@pytest.fixture(scope="session")
def team() -> object:
    from game.scenario.loader import load_scenario

    return load_scenario(TEAM)


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """Overrides the play-window fixture: the flagship, the tiny scenario and the team drill."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for path in (FLAGSHIP, TINY, TEAM):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def facilitated(make_window, library) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """Start a session the way a facilitator does; returns (window, console, controller).

    ``roles`` None: through the new-session screen (team box and facilitator box
    ticked as asked); otherwise a session with exactly those roles, in
    facilitator mode, started the way the main window starts one.
    """
    from game.ui.facilitator.hookup import find_console

    def start(scenario_id: str = "team-drill", *, seed: int = 0, team: bool = True,
              facilitator: bool = True, roles: list[str] | None = None):  # type: ignore[no-untyped-def]
        window = make_window()
        entry = next(e for e in library.entries if e.ok and e.scenario.model.id == scenario_id)
        if roles is None:
            window.show_new_session(entry)
            setup = window.new_session
            setup.team.setChecked(team)
            setup.facilitator.setChecked(facilitator)
            setup.advanced.setChecked(True)
            setup.seed.setValue(seed)
            setup.fixed_seed.setChecked(True)
            setup._begin()
        else:
            controller = window._new_controller()
            controller.start(entry.scenario, seed=seed, roles=roles,
                             mode="facilitator" if facilitator else "trainee",
                             scenario_path=str(entry.path))
        settle()
        return window, find_console(window), window.controller

    return start
