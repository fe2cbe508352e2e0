"""Nothing hidden ever reaches the trainees' window.

Walks the whole widget tree of the trainees' window (labels, buttons, text
boxes, list and combo items, tooltips, accessible names and descriptions,
status tips, object names, actions) at every step of a facilitated session —
while the facilitator moves a hidden meter with a secret reason, forces a
call and looks at the expert's choice — and checks that no hidden meter, no
acceptance chance, no expert reason and no hidden-meter reason shows up.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

SECRET = "SECRET-REASON-QX"


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def _model_strings(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    out: list[str] = []

    def walk(parent: QModelIndex) -> None:
        try:
            columns = model.columnCount(parent)
        except TypeError:  # list models keep columnCount private: one column
            columns = 1
        for row in range(model.rowCount(parent)):
            for column in range(columns):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                             Qt.ItemDataRole.AccessibleTextRole):
                    value = model.data(index, role)
                    if value:
                        out.append(str(value))
                walk(index)

    walk(QModelIndex())
    return out


def window_strings(root: QWidget) -> list[str]:
    """Every string a user (or a screen reader) could get from ``root`` and its children.

    Hidden widgets are walked too: a widget that is built but not shown today is one
    layout change away from the projector.
    """
    out: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        out += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription(),
                widget.whatsThis(), widget.statusTip(), widget.windowTitle(),
                widget.objectName()]
        if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
            out.append(widget.text())
        if hasattr(widget, "full_text"):
            out.append(widget.full_text())
        if isinstance(widget, QLineEdit):
            out.append(widget.placeholderText())
        if isinstance(widget, (QPlainTextEdit, QTextEdit)):
            out.append(widget.toPlainText())
        if isinstance(widget, QComboBox):
            out += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView):
            out += _model_strings(widget)
    for action in root.findChildren(QAction):
        out += [action.text(), action.toolTip(), action.statusTip(), action.whatsThis()]
    return [s for s in out if s]


def forbidden_patterns(scenario) -> list[re.Pattern[str]]:  # type: ignore[no-untyped-def]
    """Hidden meters (label, id, description), expert reasons, the console's marks."""
    words: list[str] = [SECRET, "acceptance", r"\d+%"]
    for meter in scenario.model.meters:
        if meter.hidden:
            words += [re.escape(meter.label), rf"\b{re.escape(meter.id)}\b"]
            if meter.description.strip():
                words.append(re.escape(" ".join(meter.description.split())[:40]))
    for step in scenario.model.expert:
        words.append(re.escape(step.reason[:40]))
    patterns = [re.compile(w, re.IGNORECASE) for w in words]
    return patterns + [re.compile("HIDDEN"), re.compile("★")]  # the console's pill and star


def check_clean(window, scenario, where: str) -> int:  # type: ignore[no-untyped-def]
    settle()
    strings = window_strings(window)
    patterns = forbidden_patterns(scenario)
    leaks = [(p.pattern, s[:120]) for s in strings for p in patterns if p.search(s)]
    assert not leaks, f"hidden information on the trainees' screen ({where}): {leaks}"
    return len(strings)


def test_hidden_information_never_reaches_the_trainee_window(facilitated) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(team=True, seed=3)
    scenario = controller.scenario
    cover = window.session_view.play.handover
    seen = check_clean(window, scenario, "hand-over")
    assert seen > 100, "the walk found too little to be a real check"
    cover.dismiss()
    check_clean(window, scenario, "first decision")
    # The facilitator works the hidden side; the console shows it all.
    meters = console.meters
    meters.meter.setCurrentIndex(meters.meter.findData("openness"))
    meters.delta.setValue(-20)
    meters.reason.setText(SECRET)
    assert meters.adjust()
    assert "Channel openness" in "\n".join(window_strings(console))
    check_clean(window, scenario, "after a hidden meter moved")
    panel = window.session_view.play.decision
    steps = {"first": "call", "second": "back", "third": "allies"}
    while controller.stage != "ended":
        if cover.covering:
            cover.dismiss()
        node = controller.session.node
        panel.pick_id(steps[node])
        panel.confirm_choice()
        settle()
        check_clean(window, scenario, f"consequences of {node}")
        if controller.stage == "deciding":  # a team vote: the next role votes
            continue
        window.session_view.consequences.go_on()
        settle()
        check_clean(window, scenario, f"after {node}")
        if controller.stage == "deciding" and controller.session.pending:
            # Settle a ringing call from the console, with the secret reason.
            channel = controller.session.pending[0].channel
            console.select_channel(channel)
            console.counterpart.reason.setText(SECRET)
            console.counterpart.force("answered")
            check_clean(window, scenario, "after a forced answer")
    check_clean(window, scenario, "the end")


def test_the_flagship_trainee_window_stays_clean_in_presentation_mode(facilitated) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated("balloon-2023", team=True, seed=7)
    scenario = controller.scenario
    assert window.property("presentation") is True
    play = window.session_view.play
    panel = play.decision
    meters = console.meters
    for turn in range(4):
        if play.handover.covering:
            play.handover.dismiss()
        check_clean(window, scenario, f"decision {turn + 1}")
        meters.meter.setCurrentIndex(meters.meter.findData("openness"))
        meters.delta.setValue(5)
        meters.reason.setText(SECRET)
        assert meters.adjust()
        expert = scenario.expert.get(controller.session.node)
        assert panel.pick_id(expert) if expert else panel.pick(0)
        panel.confirm_choice()
        settle()
        check_clean(window, scenario, f"consequences {turn + 1}")
        if controller.stage == "ended":
            break
        window.session_view.consequences.go_on()
        settle()
