"""The Join a session dialog: a join code (and the class's store) → a seat or the console.

The facilitator starts a class session with ``hotline session new`` and reads
out its code. Here a desk types the code and, when the class uses a server,
the store's URL; the dialog finds the session (off the GUI thread: the server
may be far away), lists its roles, and joins as the chosen role's seat or as
the facilitator's console. Problems (a wrong code, an unreachable server, an
ended session) are shown in the dialog, next to what to change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from .widgets import clear_layout, label, set_prop
from .workers import run_in_background

if TYPE_CHECKING:
    from game.records import Journal
    from game.sessions import ClassInfo, ClassSession

#: The radio button's value for the facilitator's console.
CONSOLE = ""


class JoinDialog(QDialog):
    """Find a class session by its code and join it.

    Args:
        journal: The app's journal (reused when the code is in the same store).

    Signals:
        joined(ClassSession, store, owned): Joined; ``owned``: the journal is
            a new connection that the seat must close.
    """

    joined = Signal(object, str, bool)

    def __init__(self, journal: Journal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        self.info: ClassInfo | None = None
        self.setObjectName("join-dialog")
        self.setWindowTitle("Join a session")
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 18)
        outer.setSpacing(12)
        outer.addWidget(label("Join a class session", "h2"))
        outer.addWidget(label(
            "Each role plays at its own desk; the facilitator's console can join too. Type the "
            "code the facilitator gives you (from “hotline session new”) and, if the class "
            "uses a server, its address.", "muted"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.code = QLineEdit()
        self.code.setObjectName("join-code")
        self.code.setPlaceholderText("7KQ-M2X")
        self.code.setMaxLength(12)
        self.code.setAccessibleName("Join code")
        self.code.textEdited.connect(self._code_edited)
        self.store = QLineEdit(journal.location.display)
        self.store.setObjectName("join-store")
        self.store.setPlaceholderText("postgresql://user@server/class, or a file")
        self.store.setAccessibleName("Class store: a PostgreSQL URL or a journal file")
        self.store.setToolTip("Where the class's sessions are kept: the PostgreSQL server's URL "
                              "(postgresql://user@host/database) or a journal file. Left as "
                              "it is: this app's own journal.")
        self.store.textEdited.connect(lambda _t: self._forget())
        form.addRow("Join &code:", self.code)
        form.addRow("Class &store:", self.store)
        outer.addLayout(form)
        self.find_button = QPushButton("Find the session")
        self.find_button.setObjectName("join-find")
        self.find_button.clicked.connect(self.look_up)
        outer.addLayout(_row(None, self.find_button))
        self.found = label("", "h3")
        self.found.setObjectName("join-found")
        self.found.hide()
        outer.addWidget(self.found)
        self.roles_box = QVBoxLayout()
        self.roles_box.setSpacing(4)
        outer.addLayout(self.roles_box)
        self.group = QButtonGroup(self)
        self.group.buttonToggled.connect(lambda _b, _c: self._update())
        self.problem = label("", None, tone="bad", selectable=True)
        self.problem.setObjectName("join-problem")
        self.problem.hide()
        outer.addWidget(self.problem)
        outer.addStretch(1)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self.reject)
        self.join_button = QPushButton("Join")
        self.join_button.setObjectName("join")
        self.join_button.setProperty("primary", True)
        self.join_button.clicked.connect(self.join_session)
        outer.addLayout(_row(None, self.cancel, self.join_button))
        self.busy = False
        self._update()

    # -- finding --------------------------------------------------------------------

    def _code_edited(self, text: str) -> None:
        upper = text.upper()
        if upper != text:
            position = self.code.cursorPosition()
            self.code.setText(upper)
            self.code.setCursorPosition(position)
        self._forget()

    def _forget(self) -> None:
        if self.info is not None or self.problem.isVisible():
            self.info = None
            self.found.hide()
            self.problem.hide()
            self._clear_roles()
        self._update()

    def _clear_roles(self) -> None:
        for button in self.group.buttons():
            self.group.removeButton(button)
        clear_layout(self.roles_box)

    def store_spec(self) -> str:
        text = self.store.text().strip()
        return "" if text == self.journal.location.display else text

    def look_up(self) -> None:
        """Find the session the code belongs to (off the GUI thread)."""
        from game.sessions import ClassSession

        code = self.code.text().strip()
        if not code:
            self.show_problem("Type the join code the facilitator gave you (like 7KQ-M2X).")
            self.code.setFocus()
            return
        store = self.store_spec()
        journal = self.journal

        def work() -> ClassInfo:
            from game.records import Journal

            if not store:
                return ClassSession.look_up(journal, code)
            with Journal(store) as other:
                return ClassSession.look_up(other, code)

        self._set_busy(True, "Looking for the session…")
        run_in_background(work, self._found, self._failed)

    def _found(self, info: ClassInfo) -> None:
        self._set_busy(False)
        self.info = info
        self.problem.hide()
        self._clear_roles()
        if info.ended:
            self.show_problem(f"“{info.title}” (code {info.code}) has already ended; there is "
                              "nothing to join. Its debrief is in the session list.")
            return
        when = info.created_at[11:16]
        self.found.setText(f"“{info.title}” · code {info.code} · started {when} UTC · "
                           f"{info.inputs} input(s) so far")
        self.found.show()
        self.roles_box.addWidget(label("Join as:", "muted"))
        first: QRadioButton | None = None
        self.code.setText(info.code)
        for role, title in info.roles:
            button = QRadioButton(title)
            button.setToolTip(f"This desk plays the {title}: its messages and its decisions")
            button.setObjectName(f"join-role-{role}")
            button.setProperty("value", role)
            self.group.addButton(button)
            self.roles_box.addWidget(button)
            first = first or button
        console = QRadioButton("Facilitator console — hidden state, injects and overrides")
        console.setObjectName("join-console")
        console.setProperty("value", CONSOLE)
        self.group.addButton(console)
        self.roles_box.addWidget(console)
        self._update()
        # The new buttons are shown by a queued call: fit and focus once they are.
        QTimer.singleShot(0, lambda: self._fit(first))

    def _fit(self, focus: QWidget | None = None) -> None:
        """Grow to show every role (the list was added after the dialog was laid out)."""
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(max(self.width(), self.sizeHint().width()),
                    max(self.height(), self.sizeHint().height()))

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.show_problem(str(exc))

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setAccessibleName(f"Problem: {text}")
        self.problem.show()
        self._update()

    # -- joining --------------------------------------------------------------------

    def chosen_role(self) -> str | None:
        """The chosen role's id, CONSOLE for the console, None when nothing is chosen."""
        button = self.group.checkedButton()
        return None if button is None else str(button.property("value"))

    def join_session(self) -> None:
        """Join as the chosen role (or the console), off the GUI thread."""
        from game.sessions import ClassSession

        choice = self.chosen_role()
        if self.info is None or choice is None:
            self.look_up() if self.info is None else None
            return
        role = choice or None
        code = self.info.code
        spec = self.store_spec()
        journal = self.journal

        def work() -> tuple[ClassSession, str, bool]:
            from game.records import Journal

            mine = Journal(spec) if spec else journal
            try:
                desk = ClassSession.join(mine, code, role=role)
            except BaseException:
                if mine is not journal:
                    mine.close()
                raise
            return desk, spec or journal.location.target, mine is not journal

        self._set_busy(True, "Joining…")
        run_in_background(work, self._joined, self._failed)

    def _joined(self, value: tuple[ClassSession, str, bool]) -> None:
        self._set_busy(False)
        desk, store, owned = value
        self.joined.emit(desk, store, owned)
        self.accept()

    # -- state ----------------------------------------------------------------------

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        if busy:
            self.problem.setText(text)
            set_prop(self.problem, "tone", None)
            self.problem.show()
        else:
            set_prop(self.problem, "tone", "bad")
            self.problem.hide()
        self._update()

    def _update(self) -> None:
        found = self.info is not None and not self.info.ended
        self.find_button.setEnabled(not self.busy)
        self.find_button.setDefault(not found)
        self.join_button.setEnabled(found and self.chosen_role() is not None and not self.busy)
        self.join_button.setDefault(found)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.busy:
            if self.info is None or self.code.hasFocus() or self.store.hasFocus():
                self.look_up()
            else:
                self.join_session()
            event.accept()
            return
        super().keyPressEvent(event)


def _row(*items: QWidget | None) -> QHBoxLayout:
    row = QHBoxLayout()
    for item in items:
        if item is None:
            row.addStretch(1)
        else:
            row.addWidget(item)
    return row
