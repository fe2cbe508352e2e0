"""Playtest from here: play the scenario from any node, with chosen meters and flags.

The author picks a node, meter values and flags; the Studio starts a session
at the scenario's start and applies facilitator inputs (``adjust``,
``set_flag``, then ``jump``), so the playtest is an ordinary, deterministic
session: the same seed and inputs give the same game. It is played in the
normal play view (:class:`game.ui.session_view.SessionView`) in a window of
its own, journaled to a scratch store that is thrown away afterwards.

When the author edits and saves, :meth:`PlaytestRunner.replay` rebuilds the
session on the new text with the same inputs — the setup and every choice
made so far — so the author stays where they were (as far as the choices
still exist).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from game.records.journal import Journal
    from game.scenario.compile import CompiledScenario
    from game.ui.controller import SessionController

PLAYTEST_MODE = "playtest"


@dataclass
class PlaytestSetup:
    """Where and how a playtest starts.

    Attributes:
        node: The node to start at.
        meters: Meter id -> value at that node (meters left out keep their start value).
        flags: Flag id -> value (flags left out keep their start value).
        seed: The session seed.
    """

    node: str
    meters: dict[str, float] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    seed: int = 1


def setup_inputs(scenario: CompiledScenario, setup: PlaytestSetup) -> list[dict[str, Any]]:
    """The facilitator inputs that put a new session where ``setup`` says.

    Meters and flags are set first, then the jump, so conditions on the
    node's injects see the values the author chose.

    Args:
        scenario: The compiled scenario.
        setup: Node, meters, flags.

    Returns:
        Inputs for :meth:`game.engine.Session.apply`.
    """
    inputs: list[dict[str, Any]] = []
    reason = "playtest setup"
    for meter in scenario.model.meters:
        if meter.id in setup.meters:
            delta = float(setup.meters[meter.id]) - float(meter.initial)
            if abs(delta) > 1e-9:
                inputs.append({"type": "adjust", "meter": meter.id, "delta": round(delta, 6),
                               "reason": f"playtest setup: {meter.label} starts at "
                                         f"{float(setup.meters[meter.id]):g} instead of the "
                                         f"file's {float(meter.initial):g}"})
    for flag in scenario.model.flags:
        if flag.id in setup.flags and bool(setup.flags[flag.id]) != flag.initial:
            inputs.append({"type": "set_flag", "flag": flag.id,
                           "value": bool(setup.flags[flag.id]), "reason": reason})
    if setup.node != scenario.start:
        inputs.append({"type": "jump", "node": setup.node, "reason": reason})
    return inputs


def replayable(scenario: CompiledScenario, seed: int,
               inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The longest prefix of ``inputs`` the scenario still accepts.

    Args:
        scenario: The (edited) scenario.
        seed: The session seed.
        inputs: Inputs recorded on an earlier version.

    Returns:
        The inputs that apply in order; stops at the first that no longer does
        (an option that was renamed, a node that was deleted).
    """
    from game.engine import EngineError, Session

    session = Session(scenario, seed, batch=True)  # a dry run: never attached
    kept: list[dict[str, Any]] = []
    for data in inputs:
        if data.get("type") in ("pause", "resume"):
            continue
        try:
            session.apply(data)
        except (EngineError, KeyError, ValueError):
            break
        kept.append(dict(data))
        if session.ended:
            break
    return kept


class PlaytestRunner(QObject):
    """Runs playtest sessions on a scratch journal and replays them after edits.

    Signals:
        started(session_id): A playtest (or its replay) is on screen.
        replayed(kept, total): After an edit, how many inputs could be replayed.
    """

    started = Signal(str)
    replayed = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dir = Path(tempfile.mkdtemp(prefix="hotline-playtest-"))
        self._journal: Journal | None = None
        self.controller: SessionController | None = None
        self.setup: PlaytestSetup | None = None
        self.scenario_path: str | None = None

    @property
    def journal(self) -> Journal:
        """The scratch journal (created on first use)."""
        if self._journal is None:
            from game.records.journal import Journal

            self._journal = Journal(self._dir / "playtest.sqlite3")
        return self._journal

    def make_controller(self) -> SessionController:
        """The controller the play view shows (one per runner)."""
        if self.controller is None:
            from game.ui.controller import SessionController

            self.controller = SessionController(self.journal, parent=self)
        return self.controller

    def start(self, scenario: CompiledScenario, setup: PlaytestSetup) -> str:
        """Start a playtest at ``setup.node``; returns the session id."""
        self.setup = setup
        return self._begin(scenario, setup_inputs(scenario, setup))

    def inputs(self) -> list[dict[str, Any]]:
        """Every input of the current playtest (setup and choices), in order."""
        controller = self.controller
        if controller is None or controller.session is None:
            return []
        return [dict(d) for d in controller.session.inputs]

    def replay(self, scenario: CompiledScenario) -> tuple[int, int]:
        """Rebuild the current playtest on an edited scenario.

        Returns:
            (inputs replayed, inputs recorded); the choices after the first one
            that no longer applies are dropped.
        """
        if self.setup is None:
            return (0, 0)
        recorded = [d for d in self.inputs() if d.get("type") not in ("pause", "resume")]
        kept = replayable(scenario, self.setup.seed, recorded)
        self._begin(scenario, kept)
        self.replayed.emit(len(kept), len(recorded))
        return len(kept), len(recorded)

    def _begin(self, scenario: CompiledScenario, inputs: list[dict[str, Any]]) -> str:
        """Record a new playtest session (through the controller's service) and show it.

        The setup and the replayed choices are ordinary recorded inputs; the
        controller then reopens the session so the last choice's consequences
        show again, as after any resume.
        """
        assert self.setup is not None
        controller = self.make_controller()
        with controller.service.create(scenario, seed=self.setup.seed, trainee="author",
                                       mode=PLAYTEST_MODE, scenario_path=self.scenario_path,
                                       attach=False) as recorded:
            for data in inputs:
                recorded.apply(data)
        controller.resume(recorded.id, scenario)
        self.started.emit(recorded.id)
        return recorded.id

    def close(self) -> None:
        """Stop the session and delete the scratch journal."""
        if self.controller is not None:
            self.controller.close()
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        shutil.rmtree(self._dir, ignore_errors=True)


class PlaytestWindow(QDialog):
    """The play view for a playtest, in its own window beside the Studio.

    Signals:
        restartRequested: Start again from the chosen node.
        activated: The window came to the front (the Studio locks its editor).
        closed: The window was closed (the Studio unlocks its editor).
    """

    restartRequested = Signal()
    activated = Signal()
    closed = Signal()

    def __init__(self, runner: PlaytestRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle("Playtest")
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        from game.ui.screen_fit import fit_window

        fit_window(self, 1240, 780)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QFrame()
        bar.setProperty("banner", "info")
        row = QHBoxLayout(bar)
        row.setContentsMargins(14, 6, 14, 6)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.info.setAccessibleName("Playtest status")
        row.addWidget(self.info, 1)
        self.restart = QPushButton("Restart from the chosen node")
        self.restart.setToolTip("Start the playtest again from the node and values in the Studio")
        self.restart.clicked.connect(self.restartRequested)
        row.addWidget(self.restart)
        layout.addWidget(bar)
        from game.ui.session_view import SessionView

        controller = runner.make_controller()
        self.view = SessionView(controller)
        self.view.homeRequested.connect(self.close)
        self.view.againRequested.connect(self.restartRequested)
        layout.addWidget(self.view, 1)
        controller.errorRaised.connect(lambda text: self.info.setText(f"⚠ {text}"))

    def show_status(self, text: str) -> None:
        """Say what the playtest is doing (started where, replayed how much)."""
        self.info.setText(text)

    def present(self) -> None:
        """Show, raise and activate the window, with the keys on the decision."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.view.focus_first()
        self.activated.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.activated.emit()

    def done(self, result: int) -> None:  # Esc and close both end here for a QDialog
        super().done(result)
        self.closed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.runner.controller is not None:
            self.runner.controller.clock.stop()
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()


class PlaytestPanel(QWidget):
    """Choose where a playtest starts: node, meter values, flags, seed.

    Signals:
        startRequested(PlaytestSetup)
    """

    startRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Playtest from here")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        outer.setSpacing(8)
        intro = QLabel("Play the scenario from any decision point with the meters and flags "
                       "you choose. After you edit and save, the playtest replays your choices "
                       "so you stay where you were.")
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        outer.addWidget(intro)
        form = QFormLayout()
        self.node = QComboBox()
        # Long node titles must not widen the panel and squeeze the Studio's other panes.
        self.node.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.node.setMinimumContentsLength(16)
        self.node.setAccessibleName("Start at node")
        self.node.setToolTip("The decision point to start at (follows the editor's cursor)")
        form.addRow("Start at", self.node)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(1)
        self.seed.setAccessibleName("Seed")
        self.seed.setToolTip("The same seed and choices always give the same game")
        form.addRow("Seed", self.seed)
        outer.addLayout(form)
        self.values_box = QScrollArea()
        self.values_box.setWidgetResizable(True)
        self.values_box.setFrameShape(QFrame.Shape.NoFrame)
        self._values = QWidget()
        self._grid = QGridLayout(self._values)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.values_box.setWidget(self._values)
        outer.addWidget(self.values_box, 1)
        buttons = QHBoxLayout()
        self.reset = QPushButton("Reset values")
        self.reset.setAccessibleName("Reset the values to the file's")
        self.reset.setToolTip("Put every meter and flag back to its start value")
        self.reset.clicked.connect(self._reset)
        self.start = QPushButton("▶  Playtest from here")
        self.start.setToolTip("Play from the chosen node with these values (F5: from the cursor)")
        self.start.setProperty("primary", True)
        self.start.setAccessibleName("Start the playtest")
        self.start.clicked.connect(self._start)
        buttons.addWidget(self.reset)
        buttons.addStretch(1)
        buttons.addWidget(self.start)
        outer.addLayout(buttons)
        self.meter_boxes: dict[str, QDoubleSpinBox] = {}
        self.flag_boxes: dict[str, QCheckBox] = {}
        self._initial: dict[str, float | bool] = {}
        self._shape: object = None
        self.set_scenario(None)

    def set_scenario(self, scenario: CompiledScenario | None) -> None:
        """Offer the nodes, meters and flags of a (new version of the) scenario."""
        self.start.setEnabled(scenario is not None)
        if scenario is None:
            if self.node.count() == 0:
                self.node.addItem("(the scenario has errors)", "")
            return
        model = scenario.model
        current = self.node.currentData()
        self.node.blockSignals(True)
        self.node.clear()
        for node in model.nodes:
            self.node.addItem(f"{node.title}  ({node.id})", node.id)
        index = self.node.findData(current)
        self.node.setCurrentIndex(index if index >= 0 else 0)
        self.node.blockSignals(False)
        shape = (model.id, tuple((m.id, m.label, m.min, m.max, m.initial) for m in model.meters),
                 tuple((f.id, f.initial) for f in model.flags))
        if shape == self._shape:
            return
        same_file = self._shape is not None and self._shape[0] == model.id  # type: ignore[index]
        self._shape = shape
        # Values the author set on purpose survive an edit of the file; every other box
        # follows the file, so a playtest never starts from a stale value nobody chose.
        chosen = {k: b.value() for k, b in self.meter_boxes.items()
                  if same_file and abs(b.value() - float(self._initial.get(k, b.value()))) > 1e-9}
        chosen_flags = {k: b.isChecked() for k, b in self.flag_boxes.items()
                        if same_file and b.isChecked() != bool(self._initial.get(k, False))}
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.meter_boxes.clear()
        self.flag_boxes.clear()
        self._initial = {}
        row = 0
        header = QLabel("Meters")
        header.setProperty("role", "eyebrow")
        self._grid.addWidget(header, row, 0, 1, 2)
        row += 1
        for meter in model.meters:
            box = QDoubleSpinBox()
            whole = all(float(v).is_integer() for v in (meter.min, meter.max, meter.initial))
            box.setDecimals(0 if whole else 2)  # never round the file's value away
            box.setRange(meter.min, meter.max)
            box.setValue(chosen.get(meter.id, meter.initial))
            box.setAccessibleName(f"{meter.label} at the start")
            box.setAccessibleDescription(f"The file starts it at {meter.initial:g}")
            self._initial[meter.id] = float(meter.initial)
            name = QLabel(meter.label + (" (hidden)" if meter.hidden else ""))
            name.setToolTip(f"{meter.id}: start value {meter.initial:g}")
            name.setBuddy(box)
            self._grid.addWidget(name, row, 0)
            self._grid.addWidget(box, row, 1)
            self.meter_boxes[meter.id] = box
            row += 1
        if model.flags:
            header = QLabel("Flags")
            header.setProperty("role", "eyebrow")
            self._grid.addWidget(header, row, 0, 1, 2)
            row += 1
            for flag in model.flags:
                check = QCheckBox(flag.id)
                check.setAccessibleName(f"Flag {flag.id} at the start")
                check.setToolTip(flag.description or flag.id)
                check.setChecked(chosen_flags.get(flag.id, flag.initial))
                self._initial[flag.id] = flag.initial
                self._grid.addWidget(check, row, 0, 1, 2)
                self.flag_boxes[flag.id] = check
                row += 1
        self._grid.setRowStretch(row, 1)

    def changes(self) -> list[str]:
        """What the author set differently from the file, in words (empty: the file's)."""
        out = []
        for key, box in self.meter_boxes.items():
            start = float(self._initial.get(key, box.value()))
            if abs(box.value() - start) > 1e-9:
                out.append(f"{key} {box.value():g} (the file: {start:g})")
        for key, check in self.flag_boxes.items():
            if check.isChecked() != bool(self._initial.get(key, False)):
                out.append(f"flags.{key} {'on' if check.isChecked() else 'off'}")
        return out

    def select_node(self, node_id: str) -> None:
        """Pick the start node (the Studio follows the editor's cursor)."""
        index = self.node.findData(node_id)
        if index >= 0:
            self.node.setCurrentIndex(index)

    def current_setup(self) -> PlaytestSetup:
        """What the form says."""
        return PlaytestSetup(
            node=str(self.node.currentData() or ""),
            meters={k: b.value() for k, b in self.meter_boxes.items()},
            flags={k: b.isChecked() for k, b in self.flag_boxes.items()},
            seed=self.seed.value(),
        )

    def _reset(self) -> None:
        for key, box in self.meter_boxes.items():
            box.setValue(float(self._initial.get(key, box.value())))
        for key, check in self.flag_boxes.items():
            check.setChecked(bool(self._initial.get(key, False)))

    def _start(self) -> None:
        setup = self.current_setup()
        if setup.node:
            self.startRequested.emit(setup)
