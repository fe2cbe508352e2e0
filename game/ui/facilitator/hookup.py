"""Facilitator mode and team play in the trainee's main window.

The main window calls into here at three points, so its own code stays about
screens:

* :func:`start_options` turns the new-session screen's choices into the roles
  at the table (one, or every role for hot-seat team play) and the journal's
  session mode (``trainee`` or ``facilitator``);
* :func:`session_started` opens the console when a facilitator-mode session
  starts or is resumed: on another screen when there is one, with the
  trainees' window in presentation type;
* :func:`add_actions` puts "Facilitator console" and "Larger type" in its
  menus (a facilitator may also open the console on any running session).

The console lives in the window's registry (closed with the main window) and
closes itself when its session's controller goes away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from shiboken6 import isValid

from .presentation import is_presentation, set_presentation

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu, QWidget

    from game.scenario.compile import CompiledScenario
    from game.ui.controller import SessionController

    from .console import FacilitatorConsole

FACILITATOR_MODE = "facilitator"
TRAINEE_MODE = "trainee"


def start_options(scenario: CompiledScenario, choices: dict[str, Any]) -> tuple[list[str], str]:
    """(roles at the table, journal mode) for the new-session screen's ``choices``."""
    roles = [r.id for r in scenario.model.roles]
    if choices.get("team") and len(roles) > 1:
        # The roles ticked as at the table, in the scenario's order (the first leads
        # and takes the decisions of a role nobody plays); every role by default.
        ticked = choices.get("table")
        seated = [r for r in roles if r in ticked] if isinstance(ticked, list) else roles
        table = seated if len(seated) > 1 else roles
    else:
        role = choices.get("role")
        table = [str(role)] if role else []
    return table, FACILITATOR_MODE if choices.get("facilitator") else TRAINEE_MODE


def find_console(window: QWidget) -> FacilitatorConsole | None:
    registry = getattr(window, "registry", None)
    for other in registry.of("console") if registry is not None else []:
        if other.objectName() == "facilitator-console":
            return other
    return None


def open_console(window: QWidget, controller: SessionController, *,
                 presentation: bool = True) -> FacilitatorConsole:
    """Open (or raise) the console on ``controller`` beside ``window``, the trainees' window."""
    console = find_console(window)
    if console is not None and console.controller is controller:
        console.show()
        console.raise_()
        return console
    if console is not None:
        console.close()
    from .console import FacilitatorConsole

    console = FacilitatorConsole(controller, trainee_window=window)
    console.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    registry = getattr(window, "registry", None)
    if registry is not None:
        registry.add(console, "console")
    if presentation:
        was_on = is_presentation(window)
        console.presentation_action.setChecked(True)  # sets the trainees' window's type
        if not was_on:
            # The larger type belongs to this facilitated session: it ends with it (home,
            # another session, quitting), so the next trainee starts at the normal size.
            def end_presentation() -> None:
                if isValid(window) and is_presentation(window):
                    set_presentation(window, False)
                    action = getattr(window, "presentation_action", None)
                    if action is not None:
                        action.setChecked(False)

            controller.closed.connect(end_presentation)
    console.place()
    console.show()
    console.raise_()
    return console


def session_started(window: QWidget, session_id: str) -> FacilitatorConsole | None:
    """Open the console if the journal says this session is run by a facilitator."""
    controller = getattr(window, "controller", None)
    journal = getattr(window, "journal", None)
    if controller is None or controller.session is None or journal is None:
        return None
    try:
        mode = journal.session(session_id).mode
    except Exception:  # noqa: BLE001 - an unreadable record just means no console
        return None
    if mode != FACILITATOR_MODE:
        return None
    return open_console(window, controller)


def add_actions(window: QWidget, session_menu: QMenu, view_menu: QMenu) -> None:
    """"Facilitator console" in the Session menu and "Larger type" in the View menu."""
    console_action = QAction("&Facilitator console", window)
    console_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
    console_action.setToolTip("Open the facilitator's console on the running session")

    def show_console() -> None:
        controller = getattr(window, "controller", None)
        if controller is not None and controller.session is not None:
            open_console(window, controller, presentation=is_presentation(window))

    console_action.triggered.connect(show_console)
    session_menu.addSeparator()
    session_menu.addAction(console_action)
    larger = QAction("&Larger type (presentation mode)", window, checkable=True)
    larger.setShortcut(QKeySequence("Ctrl+Shift+L"))

    def toggle(on: bool) -> None:
        set_presentation(window, on)
        console = find_console(window)
        if console is not None and console.presentation_action.isChecked() != on:
            console.presentation_action.setChecked(on)

    larger.toggled.connect(toggle)
    view_menu.aboutToShow.connect(lambda: larger.setChecked(is_presentation(window)))
    view_menu.addSeparator()
    view_menu.addAction(larger)
    window.presentation_action = larger  # type: ignore[attr-defined]
