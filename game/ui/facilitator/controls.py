"""The facilitator's controls: inject, counterpart, meters and flags, jump, clock, notes.

Each control builds one engine input and hands it to
``SessionController.facilitate`` (or ``set_decision_time``), so every action
is journaled before it is applied, replays deterministically and shows up in
the debrief as the facilitator's. The controls never touch the session.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from game.ui.present import INJECT_KIND_LABELS, STATUS_LABELS, format_short
from game.ui.widgets import hbox, label, set_prop

from .state import FORCE_RESULTS, channel_states, prepared_injects, role_title

if TYPE_CHECKING:
    from game.ui.controller import SessionController


def _submit_on_ctrl_enter(edit: QPlainTextEdit, submit: QPushButton) -> QObject:
    """Ctrl+Enter in ``edit`` presses ``submit``; returns the filter (keep a reference)."""

    class Filter(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.KeyPress:
                assert isinstance(event, QKeyEvent)
                if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                        event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                    if submit.isEnabled():
                        submit.click()
                    return True
            return False

    keeper = Filter(edit)
    edit.installEventFilter(keeper)
    return keeper


def _compact(combo: QComboBox, chars: int = 18) -> QComboBox:
    """Keep a combo box from growing to its longest item (long items would widen the column)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.view().setMinimumWidth(360)
    return combo


class Control(QScrollArea):
    """Base: a vertical form with a title line; ``done`` reports what happened.

    The form scrolls: on a small screen the console's tab keeps a usable
    height instead of pushing the window past the screen's bottom edge.
    """

    done = Signal(str)

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("scrollBody")
        self.layout_ = QVBoxLayout(body)
        self.layout_.setContentsMargins(10, 10, 10, 10)
        self.layout_.setSpacing(8)
        self.setWidget(body)

    def send(self, data: dict[str, Any], said: str) -> bool:
        result = self.controller.facilitate(data)
        if result is not None:
            self.done.emit(said)
        return result is not None

    def refresh(self) -> None:
        """Re-read the session (after any change)."""


# --- injects ------------------------------------------------------------------------


class InjectControl(Control):
    """Deliver an ad-hoc inject, or one written in the scenario, to some or all roles."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        scenario = controller.scenario
        self.prepared = prepared_injects(scenario)
        self.pick = _compact(QComboBox())
        self.pick.setToolTip("An inject written in the scenario, or your own message")
        self.pick.setObjectName("inject-prepared")
        self.pick.setAccessibleName("Prepared inject from the scenario")
        self.pick.addItem("Type your own message…", None)
        for index, item in enumerate(self.prepared):
            self.pick.addItem(item.title(), index)
            self.pick.setItemData(index + 1, item.text, Qt.ItemDataRole.ToolTipRole)
        self.pick.currentIndexChanged.connect(self._fill)
        self.sender_name = _compact(QComboBox())
        self.sender_name.setToolTip("Who the message is from, as the trainees read it")
        self.sender_name.setEditable(True)
        self.sender_name.setObjectName("inject-sender")
        self.sender_name.setAccessibleName("Sender")
        senders = sorted({i.sender for i in self.prepared})
        self.sender_name.addItems(senders or ["Staff"])
        self.sender_name.setCurrentText("Situation room")
        self.kind = _compact(QComboBox())
        self.kind.setToolTip("Intelligence, press, allies … (its colour in the feed)")
        self.kind.setObjectName("inject-kind")
        self.kind.setAccessibleName("Kind of message")
        for kind, text in INJECT_KIND_LABELS.items():
            self.kind.addItem(text, kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData("staff")))
        self.channel = _compact(QComboBox())
        self.channel.setObjectName("inject-channel")
        self.channel.setToolTip("The channel it arrives by, if any")
        self.channel.setAccessibleName("Channel it arrives by")
        self.channel.addItem("— no channel —", None)
        for channel in scenario.model.channels:
            self.channel.addItem(channel.label, channel.id)
        self.everyone = QCheckBox("Everyone")
        self.everyone.setToolTip("Every role at the table receives it")
        self.everyone.setObjectName("inject-everyone")
        self.everyone.setChecked(True)
        self.roles: dict[str, QCheckBox] = {}
        self.text = QPlainTextEdit()
        self.text.setObjectName("inject-text")
        self.text.setToolTip("What the trainees read (Ctrl+Enter delivers)")
        self.text.setAccessibleName("Message text")
        self.text.setPlaceholderText("What the trainees read…")
        self.text.setFixedHeight(84)
        self.text.textChanged.connect(self._update)
        self.deliver = QPushButton("Deliver to the trainees")
        self.deliver.setObjectName("inject-deliver")
        self.deliver.setAccessibleName("Deliver the inject to the trainees")
        self.deliver.setProperty("primary", True)
        self.deliver.setToolTip("Appears in the trainees' message feed now (Ctrl+Enter)")
        self.deliver.clicked.connect(self.send_inject)
        self._keys = _submit_on_ctrl_enter(self.text, self.deliver)
        form = QFormLayout()
        form.setVerticalSpacing(6)
        form.addRow("Prepared", self.pick)
        form.addRow("From", self.sender_name)
        form.addRow("Kind", self.kind)
        form.addRow("Channel", self.channel)
        to_row = hbox(self.everyone, spacing=10)
        team = controller.session.team_roles() if controller.session is not None else ()
        for role in scenario.model.roles:
            if controller.roles and role.id not in team:
                continue
            box = QCheckBox(role.title)
            box.setToolTip(f"Only the {role.title} receives it")
            box.setObjectName(f"inject-to-{role.id}")
            box.toggled.connect(self._roles_toggled)
            self.roles[role.id] = box
        self.everyone.toggled.connect(self._everyone_toggled)
        roles_box = QVBoxLayout()
        roles_box.setSpacing(2)
        roles_box.addLayout(to_row)
        for box in self.roles.values():
            roles_box.addWidget(box)
        form.addRow("To", roles_box)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.text)
        self.layout_.addLayout(hbox(None, self.deliver))
        self.layout_.addStretch(1)
        self._update()

    def _everyone_toggled(self, on: bool) -> None:
        if on:
            for box in self.roles.values():
                box.blockSignals(True)
                box.setChecked(False)
                box.blockSignals(False)
        elif not any(b.isChecked() for b in self.roles.values()):
            self.everyone.blockSignals(True)
            self.everyone.setChecked(True)  # nobody would receive it
            self.everyone.blockSignals(False)

    def _roles_toggled(self, _on: bool) -> None:
        picked = any(b.isChecked() for b in self.roles.values())
        self.everyone.blockSignals(True)
        self.everyone.setChecked(not picked)
        self.everyone.blockSignals(False)

    def _fill(self, _index: int) -> None:
        index = self.pick.currentData()
        if index is None:
            return
        item = self.prepared[int(index)]
        self.sender_name.setCurrentText(item.sender)
        self.kind.setCurrentIndex(max(0, self.kind.findData(item.kind)))
        self.channel.setCurrentIndex(max(0, self.channel.findData(item.channel)))
        for role, box in self.roles.items():
            box.setChecked(role in item.to)
        if not item.to:
            self.everyone.setChecked(True)
        self.text.setPlainText(item.text)

    def _update(self) -> None:
        self.deliver.setEnabled(bool(self.text.toPlainText().strip()))

    def recipients(self) -> list[str]:
        return [] if self.everyone.isChecked() else [r for r, b in self.roles.items()
                                                     if b.isChecked()]

    def send_inject(self) -> bool:
        text = " ".join(self.text.toPlainText().split())
        if not text:
            return False
        data: dict[str, Any] = {
            "type": "inject",
            "sender": self.sender_name.currentText().strip() or "Situation room",
            "kind": self.kind.currentData(),
            "text": text,
            "to": self.recipients(),
        }
        if self.channel.currentData():
            data["channel"] = self.channel.currentData()
        scenario = self.controller.scenario
        who = ", ".join(role_title(scenario, r) for r in data["to"]) or "everyone"
        if self.send(data, f"Delivered to {who}: it is in their message feed now."):
            self.text.clear()
            self.pick.setCurrentIndex(0)
            return True
        return False


# --- the counterpart ------------------------------------------------------------------


class CounterpartControl(Control):
    """Force or veto the counterpart's answer on a channel."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.channel = _compact(QComboBox())
        self.channel.setObjectName("force-channel")
        self.channel.setToolTip("The channel whose answer you force or veto")
        self.channel.setAccessibleName("Channel")
        for channel in controller.scenario.model.channels:
            self.channel.addItem(channel.label, channel.id)
        self.channel.currentIndexChanged.connect(lambda _i: self.refresh())
        self.state = label("", "body")
        self.state.setObjectName("force-state")
        self.explain = label("", "muted")
        self.reason = QLineEdit()
        self.reason.setObjectName("force-reason")
        self.reason.setPlaceholderText("Why (debrief only: trainees see just the answer)")
        self.reason.setAccessibleName("Reason for forcing the answer")
        self.buttons: dict[str, QPushButton] = {}
        row = hbox(spacing=6)
        for result, _text in FORCE_RESULTS:
            button = QPushButton("")
            button.setObjectName(f"force-{result}")
            button.setToolTip({"answered": "The counterpart answers",
                               "declined": "The counterpart declines",
                               "unanswered": "Nobody answers"}[result]
                              + " (the debrief shows it as yours)")
            button.clicked.connect(lambda _=False, r=result: self.force(r))
            self.buttons[result] = button
            row.addWidget(button)
        form = QFormLayout()
        form.addRow("Channel", self.channel)
        self.lead = label("", "h3")
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.state)
        self.layout_.addWidget(self.lead)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.reason)
        self.layout_.addWidget(self.explain)
        self.layout_.addStretch(1)
        self.refresh()

    def select(self, channel: str) -> None:
        self.channel.setCurrentIndex(max(0, self.channel.findData(channel)))

    def refresh(self) -> None:
        session = self.controller.session
        if session is None:
            return
        states = {s.id: s for s in channel_states(session)}
        state = states.get(self.channel.currentData())
        if state is None:
            return
        lines = [f"{state.status_label}. {state.outlook}"]
        if state.pending:
            lines.append(state.pending)
        self.state.setText("\n".join(lines))
        ringing = state.ringing
        words = {"answered": ("Answer now", "Answered"),
                 "declined": ("Veto: decline", "Declined"),
                 "unanswered": ("Veto: silence", "Unanswered")}
        self.lead.setText("The call is ringing. Settle it now:" if ringing else
                          "Fix the result of the next call on this channel:")
        for result, button in self.buttons.items():
            button.setText(words[result][0 if ringing else 1])
            set_prop(button, "primary", ringing and result == "answered")
            button.setEnabled(not session.ended)
            button.setAccessibleName(f"{button.text()} on {state.label}")
        self.explain.setText(
            "The trainees see the result at once; the debrief shows it as yours."
            if ringing else
            "Whatever the odds, preconditions or suspension. Nothing changes on the trainees' "
            "screen until they call; the debrief shows it as yours.")

    def force(self, result: str) -> bool:
        channel = self.channel.currentData()
        label_ = self.channel.currentText()
        # The reason is the facilitator's, not the counterpart's: it goes in the journal as a
        # note beside the override, never into the channel's history the trainees can read.
        data = {"type": "force_answer", "channel": channel, "result": result}
        ringing = any(p.channel == channel for p in self.controller.session.pending)  # type: ignore[union-attr]
        word = STATUS_LABELS[result].lower()
        said = (f"{label_}: {word} now." if ringing else
                f"{label_}: the next call will be {word}.")
        if not self.send(data, said):
            return False
        why = self.reason.text().strip()
        if why:
            self.controller.facilitate({"type": "note", "text": f"Why the {label_} call was "
                                        f"made {word}: {why}", "channel": channel})
        self.reason.clear()
        return True


# --- meters and flags ---------------------------------------------------------------


class MeterControl(Control):
    """Move a meter (with a reason, which the debrief shows) or set a flag."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        scenario = controller.scenario
        self.meter = _compact(QComboBox())
        self.meter.setObjectName("adjust-meter")
        self.meter.setToolTip("The meter to move (hidden ones are marked)")
        self.meter.setAccessibleName("Meter")
        for meter in scenario.model.meters:
            self.meter.addItem(f"{meter.label} (hidden)" if meter.hidden else meter.label,
                               meter.id)
        self.meter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.now = label("", "muted")
        self.delta = QSpinBox()
        self.delta.setToolTip("How much to move the meter, up or down")
        self.delta.setObjectName("adjust-delta")
        self.delta.setRange(-100, 100)
        self.delta.setPrefix("by ")
        self.delta.setAccessibleName("Change by")
        self.delta.valueChanged.connect(lambda _v: self._update())
        self.reason = QLineEdit()
        self.reason.setObjectName("adjust-reason")
        self.reason.setPlaceholderText("Reason (required; shown with the change)")
        self.reason.setAccessibleName("Reason for the change")
        self.reason.textChanged.connect(lambda _t: self._update())
        self.apply = QPushButton("Apply")
        self.apply.setObjectName("adjust-apply")
        self.apply.setAccessibleName("Apply the meter change")
        self.apply.setProperty("primary", True)
        self.apply.clicked.connect(self.adjust)
        form = QFormLayout()
        form.addRow("Meter", self.meter)
        form.addRow("", self.now)
        form.addRow("Change", self.delta)
        form.addRow("Reason", self.reason)
        self.layout_.addLayout(form)
        # Why Apply is off, said where the facilitator is looking.
        self.apply_hint = label("", None, tone="waiting")
        self.apply_hint.setObjectName("adjust-hint")
        self.layout_.addLayout(hbox(self.apply_hint, self.apply))
        self.layout_.addSpacing(8)
        self.layout_.addWidget(label("FLAGS", "eyebrow"))
        self.flag = _compact(QComboBox())
        self.flag.setToolTip("A flag of the scenario (its description in the list)")
        self.flag.setObjectName("flag-name")
        self.flag.setAccessibleName("Flag")
        for flag in scenario.model.flags:
            self.flag.addItem(flag.id, flag.id)
            if flag.description:
                self.flag.setItemData(self.flag.count() - 1, flag.description,
                                      Qt.ItemDataRole.ToolTipRole)
        self.flag.currentIndexChanged.connect(lambda _i: self.refresh())
        self.flag_state = label("", "muted")
        self.flag_on = QPushButton("Set on")
        self.flag_on.setToolTip("Turn the flag on now (journaled)")
        self.flag_on.setObjectName("flag-on")
        self.flag_on.clicked.connect(lambda: self.set_flag(True))
        self.flag_off = QPushButton("Set off")
        self.flag_off.setToolTip("Turn the flag off now (journaled)")
        self.flag_off.setObjectName("flag-off")
        self.flag_off.clicked.connect(lambda: self.set_flag(False))
        flags = QFormLayout()
        flags.addRow("Flag", self.flag)
        flags.addRow("", self.flag_state)
        self.layout_.addLayout(flags)
        self.layout_.addLayout(hbox(None, self.flag_on, self.flag_off))
        if not scenario.model.flags:
            for widget in (self.flag, self.flag_on, self.flag_off):
                widget.setEnabled(False)
        self.layout_.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        session = self.controller.session
        if session is None:
            return
        meter = self.meter.currentData()
        if meter in session.meters:
            spec = session.scenario.meters[meter]
            hidden = (" · hidden: the reason goes to the debrief only" if spec.hidden else
                      " · the trainees see the change and its reason")
            self.now.setText(f"Now {session.meters[meter]:.0f} of {spec.max:.0f}{hidden}")
        flag = self.flag.currentData()
        if flag:
            self.flag_state.setText("Now on" if flag in session.flags else "Now off")
        self._update()

    def _update(self) -> None:
        ended = self.controller.session is None or self.controller.session.ended
        delta, reason = self.delta.value(), bool(self.reason.text().strip())
        self.apply.setEnabled(not ended and delta != 0 and reason)
        if ended:
            why = "The session has ended."
        elif delta and not reason:
            why = "Give a reason to apply: every change shows its reason in the debrief."
        elif reason and not delta:
            why = "Set the change (not 0) to apply."
        else:
            why = ""
        self.apply_hint.setText(why)
        self.apply_hint.setVisible(bool(why))
        self.apply.setToolTip(why or "Apply the change now (journaled, shown in the debrief)")
        self.flag_on.setEnabled(not ended and self.flag.count() > 0)
        self.flag_off.setEnabled(not ended and self.flag.count() > 0)

    def adjust(self) -> bool:
        meter = self.meter.currentData()
        delta = self.delta.value()
        reason = self.reason.text().strip()
        if not delta or not reason:
            return False
        data = {"type": "adjust", "meter": meter, "delta": delta, "reason": reason}
        name = self.meter.currentText()
        if self.send(data, f"{name} {'+' if delta > 0 else ''}{delta}: {reason}"):
            self.delta.setValue(0)
            self.reason.clear()
            return True
        return False

    def set_flag(self, value: bool) -> bool:
        flag = self.flag.currentData()
        data = {"type": "set_flag", "flag": flag, "value": value}
        return self.send(data, f"Flag {flag} {'on' if value else 'off'}.")


# --- jump --------------------------------------------------------------------------------


class JumpControl(Control):
    """Move the scenario to another node (asks for a second click)."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.nodes = QListWidget()
        self.nodes.setToolTip("Pick the situation to jump to, then Jump twice")
        self.nodes.setObjectName("jump-nodes")
        self.nodes.setAccessibleName("Scenario nodes")
        for node in controller.scenario.model.nodes:
            item = QListWidgetItem(f"{node.title}  ·  {format_short(node.time)}")
            item.setData(Qt.ItemDataRole.UserRole, node.id)
            item.setToolTip(" ".join(node.brief.split()))
            self.nodes.addItem(item)
        self.nodes.currentRowChanged.connect(lambda _r: self._reset())
        self.reason = QLineEdit()
        self.reason.setObjectName("jump-reason")
        self.reason.setAccessibleName("Reason for the jump")
        self.reason.setToolTip("Why you jump (kept for the debrief)")
        self.reason.setPlaceholderText("Why (for the debrief, optional)")
        self.go = QPushButton("Jump")
        self.go.setObjectName("jump-go")
        self.go.setToolTip("Click once to arm, again to jump")
        self.go.clicked.connect(self.click)
        self.armed: str | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(5000)
        self.timer.timeout.connect(self._reset)
        self.layout_.addWidget(label("The trainees' current decision is abandoned and the "
                                     "chosen situation starts, with its messages.", "muted"))
        self.layout_.addWidget(self.nodes, 1)
        self.layout_.addWidget(self.reason)
        self.layout_.addLayout(hbox(None, self.go))
        self.refresh()

    def refresh(self) -> None:
        session = self.controller.session
        if session is None:
            return
        for row in range(self.nodes.count()):
            item = self.nodes.item(row)
            node = item.data(Qt.ItemDataRole.UserRole)
            title = session.scenario.nodes[node].title
            here = " (now)" if node == session.node and not session.ended else ""
            item.setText(f"{title}  ·  {format_short(session.scenario.nodes[node].time)}{here}")
        self._reset()

    def _reset(self) -> None:
        self.armed = None
        self.go.setText("Jump")
        set_prop(self.go, "primary", False)
        session = self.controller.session
        self.go.setEnabled(self.nodes.currentItem() is not None and session is not None
                           and not session.ended)

    def click(self) -> bool:
        item = self.nodes.currentItem()
        if item is None:
            return False
        node = item.data(Qt.ItemDataRole.UserRole)
        if self.armed != node:
            self.armed = node
            title = self.controller.scenario.nodes[node].title
            self.go.setText(f"Click again to jump to “{title}”")
            set_prop(self.go, "primary", True)
            self.timer.start()
            return False
        return self.jump(node)

    def jump(self, node: str) -> bool:
        data = {"type": "jump", "node": node, "reason": self.reason.text().strip()}
        title = self.controller.scenario.nodes[node].title
        ok = self.send(data, f"Jumped to “{title}”: the trainees see it now.")
        if ok:
            self.reason.clear()
        self._reset()
        return ok


# --- the decision clock -------------------------------------------------------------------


class ClockControl(Control):
    """Set or remove the time limit of this decision (and optionally every later one)."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.rule = label("", "muted")
        self.rule.setObjectName("clock-rule")
        self.seconds = QSpinBox()
        self.seconds.setObjectName("clock-seconds")
        self.seconds.setToolTip("Seconds the trainees get from now")
        self.seconds.setRange(10, 3600)
        self.seconds.setSingleStep(30)
        self.seconds.setValue(120)
        self.seconds.setSuffix(" s")
        self.seconds.setAccessibleName("Seconds from now")
        self.every = QCheckBox("Also every later decision (overrides the scenario's limits)")
        self.every.setObjectName("clock-every")
        self.every.setToolTip("Give every later decision this time limit too")
        self.set = QPushButton("Start countdown")
        self.set.setObjectName("clock-set")
        self.set.setToolTip("The decision timer counts down from this many seconds, now")
        self.set.setProperty("primary", True)
        self.set.clicked.connect(self.apply)
        self.remove = QPushButton("No limit")
        self.remove.setObjectName("clock-remove")
        self.remove.setToolTip("No time limit for this decision")
        self.remove.clicked.connect(self.clear)
        self.scenario_default = QPushButton("Back to the scenario's limits")
        self.scenario_default.setObjectName("clock-default")
        self.scenario_default.setToolTip("Later decisions use the limits the scenario sets")
        self.scenario_default.clicked.connect(self.use_scenario)
        form = QFormLayout()
        form.addRow("Time left", self.seconds)
        self.layout_.addWidget(self.rule)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.every)
        self.layout_.addLayout(hbox(self.remove, None, self.set))
        self.layout_.addLayout(hbox(self.scenario_default, None))
        self.layout_.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        ctrl = self.controller
        session = ctrl.session
        if session is None:
            return
        if session.ended:
            self.rule.setText("The session has ended.")
        else:
            view = session.current()
            scenario_limit = (f"The scenario gives this decision {view.time_limit} s."
                              if view.time_limit else "The scenario sets no limit here.")
            if ctrl.default_time_limit is not None:
                scenario_limit += (f" You set {ctrl.default_time_limit} s for every decision."
                                   if ctrl.default_time_limit else
                                   " You removed the limits for every decision.")
            label_ = session.scenario.option(session.node, session.timeout_option()).option.label \
                if session.available() else ""
            self.rule.setText(f"{scenario_limit} When time runs out the scenario's rule "
                              f"applies: “{label_}” is taken.")
        ended = session.ended
        for button in (self.set, self.remove, self.scenario_default):
            button.setEnabled(not ended)
        self.scenario_default.setVisible(ctrl.default_time_limit is not None)

    def apply(self) -> bool:
        seconds = self.seconds.value()
        ok = self.controller.set_decision_time(seconds, every=self.every.isChecked())
        if ok:
            self.done.emit(f"Countdown: {seconds} s from now"
                           + (" for every decision." if self.every.isChecked() else "."))
        self.refresh()
        return ok

    def clear(self) -> bool:
        ok = self.controller.set_decision_time(None, every=self.every.isChecked())
        if ok:
            self.done.emit("No time limit" + (" from now on." if self.every.isChecked()
                                              else " for this decision."))
        self.refresh()
        return ok

    def use_scenario(self) -> None:
        self.controller.default_time_limit = None
        self.controller.facilitate({"type": "note", "text": "Decision clock: back to the "
                                    "scenario's limits from the next decision"})
        self.done.emit("Later decisions use the scenario's limits again.")
        self.refresh()


# --- notes ---------------------------------------------------------------------------------


class NotesControl(QFrame):
    """Observer notes, each tied to the turn it was written in."""

    done = Signal(str)

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setProperty("panel", True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        self.title = label("OBSERVER NOTE", "eyebrow")
        layout.addWidget(self.title)
        self.text = QPlainTextEdit()
        self.text.setObjectName("note-text")
        self.text.setAccessibleName("Observer note")
        self.text.setPlaceholderText("What you saw — kept with this decision for the debrief")
        self.text.setFixedHeight(58)
        self.text.textChanged.connect(self._update)
        self.add = QPushButton("Add note")
        self.add.setObjectName("note-add")
        self.add.setAccessibleName("Add the observer note")
        self.add.setToolTip("Ctrl+Enter")
        self.add.clicked.connect(self.add_note)
        self._keys = _submit_on_ctrl_enter(self.text, self.add)
        layout.addWidget(self.text)
        self.where = label("", "muted", wrap=False)
        layout.addLayout(hbox(self.where, None, self.add))
        self.refresh()

    def refresh(self) -> None:
        session = self.controller.session
        if session is None:
            return
        where = ("For the after-action report" if session.ended else
                 f"Tied to decision {session.turn + 1}")
        self.where.setText(f"{where} · Ctrl+Enter")
        self._update()

    def _update(self) -> None:
        self.add.setEnabled(bool(self.text.toPlainText().strip()))

    def add_note(self) -> bool:
        text = self.text.toPlainText().strip()
        session = self.controller.session
        if not text or session is None:
            return False
        if session.ended:
            return self._note_after_the_end(text)
        data = {"type": "note", "text": text, "node": session.node}
        if self.controller.facilitate(data) is None:
            return False
        self.text.clear()
        self.done.emit("Note added.")
        return True

    def _note_after_the_end(self, text: str) -> bool:
        """The journal takes no inputs once a session has ended: add to the AAR's notes."""
        from game.debrief.aar import load_aar, save_aar

        ctrl = self.controller
        if ctrl.session_id is None:
            return False
        try:
            aar = load_aar(ctrl.journal, ctrl.session_id)
            line = f"Facilitator, after the end: {text}"
            notes = f"{aar.notes}\n{line}" if aar.notes.strip() else line
            save_aar(ctrl.journal, ctrl.session_id, dataclasses.replace(aar, notes=notes))
        except Exception as exc:  # noqa: BLE001 - say so on the console, keep the text
            ctrl.facilitatorError.emit(f"The note could not be saved: {exc}")
            return False
        self.text.clear()
        self.done.emit("Note added to the after-action report's notes.")
        return True
