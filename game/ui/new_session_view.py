"""The new-session screen: who is playing, which role, and a read-ahead briefing.

The seed is hidden behind "Advanced" (a facilitator sets it to replay the
same dice; a trainee never needs it). Enter begins, Esc goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .present import LEVEL_LABELS, STATUS_LABELS
from .widgets import ScrollColumn, hbox, label, px

if TYPE_CHECKING:
    from .library import ScenarioEntry


class NewSessionView(QWidget):
    """Set up one session of ``entry``'s scenario.

    Signals:
        beginRequested(dict): ``{"trainee", "role", "seed", "team", "table",
            "facilitator"}`` (seed None = random; team: the roles take turns at this
            machine; table: the roles at the table in the scenario's order, every role
            unless some were unticked; facilitator: open the facilitator console)
        backRequested()
    """

    beginRequested = Signal(dict)
    backRequested = Signal()

    def __init__(self, entry: ScenarioEntry, trainee: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        scenario = entry.scenario
        assert scenario is not None
        model = scenario.model
        self.setObjectName("page")
        self.setAccessibleName("New session")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        body = hbox(spacing=18, margins=(22, 18, 22, 12))

        # Left: the form.
        form_panel = QFrame()
        form_panel.setProperty("panel", True)
        form_panel.setMinimumWidth(px(360))
        form_panel.setMaximumWidth(px(440))
        left = QVBoxLayout(form_panel)
        left.setContentsMargins(18, 14, 18, 16)
        left.setSpacing(10)
        left.addWidget(label("NEW SESSION", "eyebrow"))
        left.addWidget(label(model.title, "h2"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setVerticalSpacing(6)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.name = QLineEdit(trainee)
        self.name.setObjectName("trainee")
        self.name.setPlaceholderText("e.g. Blue Team, or your name")
        self.name.setAccessibleName("Trainee or team name")
        form.addRow("Trainee or team", self.name)
        self.role = QComboBox()
        self.role.setObjectName("role")
        self.role.setAccessibleName("Role")
        self.role.setToolTip("The role you play; the briefing on the right follows it")
        for role in model.roles:
            self.role.addItem(role.title, role.id)
        self.role.currentIndexChanged.connect(self._role_changed)
        if len(model.roles) > 1:
            form.addRow("Your role", self.role)
        else:
            self.role.hide()
            form.addRow("Your role", label(model.roles[0].title, None))
        left.addLayout(form)
        # A team around one machine (hot seat), and a facilitator running the room.
        self.team = QCheckBox(f"Team play: the {len(model.roles)} roles take turns here")
        self.team.setObjectName("team")
        self.team.setAccessibleName("Team play: every role plays on this machine")
        self.team.setToolTip("Hot seat: each decision shows whose it is; team votes are "
                             "cast in turn; each role sees only its own messages")
        self.team.setVisible(len(model.roles) > 1)
        self.team.toggled.connect(lambda on: self.role.setEnabled(not on))
        self.team.toggled.connect(lambda _on: self._role_changed())
        left.addWidget(self.team)
        # Which roles are at the table: a team may play "2 of 3"; a role nobody plays
        # has its decisions taken by the first role at the table (said here, and at play).
        self.table_box = QFrame()
        self.table_box.setObjectName("table-box")
        table_layout = QVBoxLayout(self.table_box)
        table_layout.setContentsMargins(22, 0, 0, 0)
        table_layout.setSpacing(2)
        table_layout.addWidget(label("At the table (untick a role nobody plays):", "muted"))
        self.seats: dict[str, QCheckBox] = {}
        for role in model.roles:
            box = QCheckBox(role.title)
            box.setObjectName(f"seat-{role.id}")
            box.setChecked(True)
            box.setAccessibleName(f"{role.title} is at the table")
            box.toggled.connect(lambda _on: self._role_changed())
            self.seats[role.id] = box
            table_layout.addWidget(box)
        self.table_note = label("", "muted")
        self.table_note.setObjectName("table-note")
        self.table_note.setWordWrap(True)
        table_layout.addWidget(self.table_note)
        self.table_box.setVisible(False)
        self.team.toggled.connect(self.table_box.setVisible)
        left.addWidget(self.table_box)
        self.facilitator = QCheckBox("Facilitator mode: console on a second screen")
        self.facilitator.setObjectName("facilitator")
        self.facilitator.setAccessibleName("Facilitator mode")
        self.facilitator.setToolTip("The console shows hidden meters, the counterpart's odds "
                                    "and the expert's choice, and lets you pause, inject, "
                                    "override and take notes. Keep it off the projector.")
        left.addWidget(self.facilitator)
        self.advanced = QCheckBox("Advanced: set the random seed (facilitators)")
        self.advanced.setObjectName("advanced")
        self.advanced.setAccessibleName("Show advanced settings")
        self.advanced.setToolTip("Set the random seed, to replay the same dice with a class")
        left.addWidget(self.advanced)
        self.seed_row = QFrame()
        seed_layout = QFormLayout(self.seed_row)
        seed_layout.setContentsMargins(22, 0, 0, 0)
        self.seed = QSpinBox()
        self.seed.setObjectName("seed")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setAccessibleName("Random seed")
        self.fixed_seed = QCheckBox("Use this seed")
        self.fixed_seed.setToolTip("The same seed and the same choices give the same session")
        self.fixed_seed.setObjectName("fixed-seed")
        seed_layout.addRow("Seed", self.seed)
        seed_layout.addRow(self.fixed_seed)
        self.seed.valueChanged.connect(lambda _v: self.fixed_seed.setChecked(True))
        self.seed_row.setVisible(False)
        self.advanced.toggled.connect(self.seed_row.setVisible)
        left.addWidget(self.seed_row)
        left.addStretch(1)
        self.back = QPushButton("Back")
        self.back.setObjectName("back")
        self.back.setAccessibleName("Back to the scenario list")
        self.back.setToolTip("Back to the scenario list (Esc)")
        self.back.setAutoDefault(True)
        self.back.clicked.connect(self.backRequested)
        self.begin = QPushButton("Begin the session  ⏎")
        self.begin.setObjectName("begin")
        self.begin.setProperty("primary", True)
        self.begin.setAutoDefault(True)
        self.begin.setAccessibleName("Begin the session")
        self.begin.setToolTip("Start the session with these settings (Enter)")
        self.begin.clicked.connect(self._begin)
        left.addLayout(hbox(self.back, None, self.begin))
        left.addWidget(label("Enter begins · Esc goes back", "muted"))
        body.addWidget(form_panel, 2)

        # Right: the read-ahead briefing.
        brief = ScrollColumn(spacing=8)
        add = brief.body.addWidget
        add(label("READ-AHEAD BRIEFING", "eyebrow"))
        add(label(model.summary, "body", selectable=True))
        add(label(f"Period: {model.period}  ·  about {model.length_minutes} minutes  ·  "
                  f"counterpart: {model.counterpart.name}", "muted"))
        self.role_brief = label("", "body", selectable=True)
        self.role_title = label("", "h3")
        add(self.role_title)
        add(self.role_brief)
        add(label("YOUR OBJECTIVES", "eyebrow"))
        for objective in model.objectives:
            add(label(f"•  {objective.text}", "body"))
        add(label("CHANNELS YOU CAN USE", "eyebrow"))
        for channel in model.channels:
            status = STATUS_LABELS.get(channel.initial, channel.initial)
            text = f"•  {channel.label} — {LEVEL_LABELS.get(channel.level, channel.level)} level"
            if channel.initial != "open":
                text += f" (starts {status.lower()})"
            if channel.description:
                text += f". {channel.description}"
            add(label(text, "body"))
        add(label("HOW TO PLAY", "eyebrow"))
        add(label("At each decision, read the messages and the channel board, pick an option "
                  "(click it or press its number), optionally say why, and confirm with Enter. "
                  "You then see what followed and why each meter moved. Some decisions have a "
                  "time limit; P pauses. You can leave at any time and resume later from the "
                  "home screen.", "body"))
        brief.body.addStretch(1)
        body.addWidget(brief, 3)
        outer.addLayout(body, 1)
        self._role_changed()
        self.focus_name()

    def focus_name(self) -> None:
        """Focus the name, selected: the next trainee types over the last one's name."""
        # As a Tab into the field would: the line edit selects its text on focus-in.
        self.name.setFocus(Qt.FocusReason.TabFocusReason)
        self.name.selectAll()

    def table(self) -> list[str]:
        """The roles ticked as at the table, in the scenario's order."""
        return [role for role, box in getattr(self, "seats", {}).items() if box.isChecked()]

    def _role_changed(self, _index: int = 0) -> None:
        model = self.entry.scenario.model  # type: ignore[union-attr]
        if getattr(self, "team", None) is not None and self.team.isChecked():
            from game.sessions.table import Table

            seated = self.table()
            self.role_title.setText(f"The roles at the table ({len(seated)} of "
                                    f"{len(model.roles)})")
            self.role_brief.setText("\n\n".join(
                f"{r.title}: {' '.join(r.brief.split())}" if r.brief.strip() else r.title
                for r in model.roles if r.id in seated))
            self.role_brief.setVisible(True)
            if len(seated) < 2:
                note = ("Team play needs at least two roles at the table; to play one role, "
                        "untick Team play and choose it above.")
            elif len(seated) == len(model.roles):
                note = "Every role is at the table."
            else:
                note = " ".join(Table(self.entry.scenario, tuple(seated)).summary()[1:])  # type: ignore[arg-type]
            self.table_note.setText(note)
            # The box says how many take turns, so it never claims "all" for a partial table.
            self.team.setText(f"Team play: {len(seated)} of {len(model.roles)} roles take turns "
                              "here" if len(seated) < len(model.roles)
                              else f"Team play: all {len(model.roles)} roles take turns here")
            self.begin.setEnabled(len(seated) >= 2)
            return
        if getattr(self, "begin", None) is not None:
            self.begin.setEnabled(True)
        role = model.roles[max(0, self.role.currentIndex())]
        self.role_title.setText(f"Your role: {role.title}")
        self.role_brief.setText(role.brief.strip())
        self.role_brief.setVisible(bool(role.brief.strip()))

    def choices(self) -> dict[str, object]:
        return {
            "trainee": self.name.text().strip(),
            "role": self.role.currentData(),
            "seed": self.seed.value() if self.advanced.isChecked() and self.fixed_seed.isChecked()
            else None,
            "team": self.team.isChecked() and len(self.entry.scenario.model.roles) > 1,  # type: ignore[union-attr]
            "table": self.table(),
            "facilitator": self.facilitator.isChecked(),
        }

    def _begin(self) -> None:
        if not self.begin.isEnabled():  # Enter with fewer than two roles at a team table
            return
        self.beginRequested.emit(self.choices())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.backRequested.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._begin()
            event.accept()
            return
        super().keyPressEvent(event)
