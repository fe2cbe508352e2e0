"""The decision panel: the options at this point, grouped by kind, and Confirm.

Options are grouped Call / Escalate / Back-channel / Public / Concede / Wait /
Allies / De-escalate; each shows its number key, its channel and a one-line
description. An optional "why?" box is saved with the choice. Keys: the
number picks, Enter confirms, Esc clears the pick (or leaves the why box).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from .present import KIND_LABELS, KIND_ORDER
from .widgets import ScrollColumn, clear_layout, hbox, label, paint_icon

if TYPE_CHECKING:
    from game.engine import OptionView, TurnView
    from game.scenario.compile import CompiledScenario

    from .controller import SessionController

KEYS = "1234567890"


class OptionButton(QPushButton):
    """A checkable option: key, icon, label, and a line with channel and description."""

    def __init__(self, option: OptionView, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.option = option
        self.key = key
        self.setCheckable(True)
        # Enter confirms (the play screen handles it), also inside a dialog such as the
        # Studio's playtest window, where an auto-default button would swallow it.
        self.setAutoDefault(False)
        self.setProperty("option", True)
        self.setObjectName(f"option-{option.id}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        row = self.row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 12, 8)
        row.setSpacing(10)
        keycap = label(key, "kbd", wrap=False)
        keycap.setAlignment(Qt.AlignmentFlag.AlignCenter)
        keycap.setMinimumWidth(22)  # grows with large type
        self.kind_icon = QLabel()
        self.kind_icon.setFixedSize(20, 20)
        paint_icon(self.kind_icon, option.kind, None, 20)
        text = QVBoxLayout()
        text.setSpacing(1)
        self.title = label(option.label, "optionTitle")
        text.addWidget(self.title)
        meta = []
        if option.channel_label:
            meta.append(f"via {option.channel_label}")
        if option.description:
            meta.append(option.description)
        # The whole description, always: an option cut short reads as a different option.
        self.meta = label("  ·  ".join(meta), "optionMeta")
        self.meta.setVisible(bool(meta))
        text.addWidget(self.meta)
        self.toggled.connect(lambda _checked: self.updateGeometry())
        for child in (keycap, self.kind_icon, self.title, self.meta):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row.addWidget(keycap, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.kind_icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        name = f"Option {key}: {option.label}"
        if option.channel_label:
            name += f", via {option.channel_label}"
        self.setAccessibleName(name)
        self.setAccessibleDescription(option.description)
        self.setToolTip(f"Press {key} to pick this option")

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.row.totalHeightForWidth(width)

    def sizeHint(self) -> QSize:
        hint = self.row.totalSizeHint()
        return QSize(hint.width(), self.heightForWidth(max(hint.width(), self.width())))

    def minimumSizeHint(self) -> QSize:
        return QSize(160, self.heightForWidth(max(160, self.width())))


def role_line(scenario: CompiledScenario, role: str, seated: tuple[str, ...]) -> str:
    """Whose decision this is, and, playing alone, that the trainee takes it anyway."""
    titles = {r.id: r.title for r in scenario.model.roles}
    title = titles.get(role, role)
    if len(seated) == 1 and role not in seated:
        mine = titles.get(seated[0], seated[0])
        return (f"Decision for: {title}. You are playing every role, so this one is yours "
                f"too (your own role is {mine}).")
    if len(seated) == 1:
        return f"Decision for: {title} (your role)"
    if seated and role not in seated:
        lead = titles.get(seated[0], seated[0])
        return (f"Decision for: {title}, who is not at the table — the {lead}, the first "
                "role at the table, takes it.")
    return f"Decision for: {title}"


class DecisionPanel(QFrame):
    """Options grouped by kind, the why box and Confirm; calls ``controller.choose``."""

    picked = Signal(str)

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setProperty("panel", True)
        self.setAccessibleName("Decision")
        self.setObjectName("decision-panel")
        self.setAccessibleDescription("Number keys pick an option, Enter confirms, Esc clears")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # holds the keys when nothing is picked
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(8)
        self.eyebrow = label("YOUR DECISION", "eyebrow")
        self.prompt = label("", "h2")
        self.prompt.setAccessibleName("Decision prompt")
        self.role = label("", "muted")
        self.role.hide()
        layout.addWidget(self.eyebrow)
        layout.addWidget(self.prompt)
        layout.addWidget(self.role)
        self.list_area = ScrollColumn(spacing=6)
        layout.addWidget(self.list_area, 1)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.buttonToggled.connect(self._toggled)
        self.buttons: list[OptionButton] = []
        self.why_label = label("Why? (optional, saved with your choice for the debrief)",
                               "muted")
        layout.addWidget(self.why_label)
        self.rationale = QPlainTextEdit()
        self.rationale.setObjectName("rationale")
        self.rationale.setPlaceholderText("Your reasoning, in a sentence or two…")
        self.rationale.setAccessibleName("Rationale: why this choice (optional)")
        self.rationale.setTabChangesFocus(True)
        self.rationale.installEventFilter(self)
        self.why_label.setBuddy(self.rationale)
        self._fit_rationale()
        self.rationale.textChanged.connect(self._show_why)
        layout.addWidget(self.rationale)
        self.hint = label("", "muted", wrap=True)
        self.confirm = QPushButton("Confirm")
        self.confirm.setObjectName("confirm")
        self.confirm.setProperty("primary", True)
        self.confirm.setAccessibleName("Confirm the chosen option")
        self.confirm.setToolTip("Take the picked option; it is saved at once (Enter)")
        self.confirm.setMinimumWidth(150)
        self.confirm.setAutoDefault(False)
        self.confirm.clicked.connect(self.confirm_choice)
        layout.addLayout(hbox(self.hint, self.confirm, spacing=12))
        controller.turnReady.connect(self.show_turn)
        controller.pausedChanged.connect(self._paused)
        view = controller.current()
        if view is not None and controller.stage == "deciding":
            self.show_turn(view)

    def _fit_rationale(self) -> None:
        """Two lines of the why box in its current font (it follows the type size)."""
        self.rationale.ensurePolished()
        lines = self.rationale.fontMetrics().lineSpacing() * 2
        self.rationale.setFixedHeight(lines + 20)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_rationale()

    # -- showing ------------------------------------------------------------
    def show_turn(self, view: TurnView) -> None:
        self.prompt.setText(view.prompt)
        scenario = self.controller.scenario
        if view.role and len(scenario.model.roles) > 1:
            self.role.setText(role_line(scenario, view.role, self.controller.roles))
            self.role.show()
        else:
            self.role.hide()
        for button in self.buttons:
            self.group.removeButton(button)
        clear_layout(self.list_area.body)
        self.buttons = []
        by_kind: dict[str, list[OptionView]] = {}
        for option in view.options:
            by_kind.setdefault(option.kind, []).append(option)
        kinds = [k for k in KIND_ORDER if k in by_kind]
        kinds += [k for k in by_kind if k not in KIND_ORDER]
        for kind in kinds:
            header = label(KIND_LABELS.get(kind, kind.title()).upper(), "kind", wrap=False)
            self.list_area.body.addWidget(header)
            for option in by_kind[kind]:
                index = len(self.buttons)
                key = KEYS[index] if index < len(KEYS) else ""
                button = OptionButton(option, key)
                self.group.addButton(button)
                self.buttons.append(button)
                self.list_area.body.addWidget(button)
        self.list_area.body.addStretch(1)
        self.list_area.verticalScrollBar().setValue(0)
        self.rationale.clear()
        self._show_why()
        self._paused(self.controller.paused)
        self._update_confirm()

    def _paused(self, paused: bool) -> None:
        for button in self.buttons:
            button.setEnabled(not paused)
        self.rationale.setEnabled(not paused)
        self._update_confirm()

    def _toggled(self, button: OptionButton, checked: bool) -> None:
        self._show_why()
        if checked:
            self.picked.emit(button.option.id)
            self.list_area.ensureWidgetVisible(button, 0, 10)
            # Again once the why box has taken its room and the list has its new height.
            QTimer.singleShot(0, lambda b=button: self._keep_visible(b))
        self._update_confirm()

    def _keep_visible(self, button: OptionButton) -> None:
        if isValid(button) and button.isChecked():
            self.list_area.ensureWidgetVisible(button, 0, 10)

    def _show_why(self) -> None:
        """The why box appears once an option is picked (or holds text): until then the
        options have its room, which on a small screen is one more option in view."""
        show = self.selected() is not None or bool(self.rationale.toPlainText().strip())
        self.why_label.setVisible(show)
        self.rationale.setVisible(show)

    def _update_confirm(self) -> None:
        chosen = self.selected()
        paused = self.controller.paused
        n = len(self.buttons)
        keys = f"1–{KEYS[n - 1]}" if 1 < n <= len(KEYS) else "1"
        if paused:
            self.confirm.setText("Paused")
            self.confirm.setEnabled(False)
            session = self.controller.session
            self.hint.setText("The facilitator paused the session; decide once it resumes."
                              if session is not None and session.paused_by == "facilitator"
                              else "The session is paused. Resume it to decide.")
        elif chosen is None:
            self.confirm.setText("Confirm")
            self.confirm.setEnabled(False)
            self.hint.setText(f"Pick an option: click it or press {keys}. You can then say "
                              "why.")
        else:
            self.confirm.setText("Confirm  ⏎")
            self.confirm.setEnabled(True)
            self.hint.setText(f"Chosen: {chosen.option.label}. Enter confirms, Esc clears.")

    # -- reading ------------------------------------------------------------
    def selected(self) -> OptionButton | None:
        button = self.group.checkedButton()
        return button if isinstance(button, OptionButton) else None

    def option_ids(self) -> list[str]:
        return [b.option.id for b in self.buttons]

    # -- acting -------------------------------------------------------------
    def pick(self, index: int) -> bool:
        """Select the option at ``index`` (0-based); False if there is none."""
        if self.controller.paused or not 0 <= index < len(self.buttons):
            return False
        self.buttons[index].setChecked(True)
        self.buttons[index].setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def pick_id(self, option_id: str) -> bool:
        ids = self.option_ids()
        return option_id in ids and self.pick(ids.index(option_id))

    def clear(self) -> None:
        self.group.setExclusive(False)
        for button in self.buttons:
            button.setChecked(False)
        self.group.setExclusive(True)
        self._update_confirm()

    def confirm_choice(self) -> None:
        chosen = self.selected()
        if chosen is None or self.controller.paused:
            return
        self.controller.choose(chosen.option.id, self.rationale.toPlainText())

    def handle_key(self, event: QKeyEvent) -> bool:
        """Number keys pick, Enter confirms, Esc clears; True when handled."""
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier,):
            return False
        text = event.text()
        if text and text in KEYS:
            return self.pick(KEYS.index(text))
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.selected() is not None:
                self.confirm_choice()
                return True
            return False
        if key == Qt.Key.Key_Escape and self.selected() is not None:
            self.clear()
            # The focus leaves the option too: a focus ring on it read as "still picked".
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.rationale and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.confirm_choice()
                return True
            if event.key() == Qt.Key.Key_Escape:
                chosen = self.selected()
                (chosen or self).setFocus(Qt.FocusReason.ShortcutFocusReason)
                return True
        return super().eventFilter(watched, event)

    def retint(self) -> None:
        """Redraw icons after a theme change."""
        for button in self.buttons:
            paint_icon(button.kind_icon, button.option.kind, None, 20)

