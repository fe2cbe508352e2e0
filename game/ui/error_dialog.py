"""A readable dialog for a scenario file that failed to load.

Lists every problem the loader found as ``file:line:col: path: message
(fix: …)``, one per line, in a selectable monospace box with Copy. Esc or
Enter closes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from .widgets import hbox, icon_label, label


class ScenarioErrorDialog(QDialog):
    """Every problem in one scenario file, ready to copy to an author."""

    def __init__(self, path: Path | str, problems: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = Path(path).name
        self.problems = list(problems)
        self.setWindowTitle(f"Problems in {name}")
        self.setObjectName("scenario-error")
        self.setAccessibleName(f"Problems in the scenario file {name}")
        from .screen_fit import fit_window

        fit_window(self, 820, 420, center=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        n = len(self.problems)
        title = hbox(icon_label("warning", None, 22), spacing=10)
        title.addWidget(label(f"{name} could not be loaded", "h2"), 1)
        layout.addLayout(title)
        layout.addWidget(label(
            f"The file has {n} problem{'s' if n != 1 else ''}. Each line gives the file, line and "
            "column, the field, what is wrong and how to fix it. Nothing was started; fix the "
            "file and open it again.", "body"))
        layout.addWidget(label(str(path), "muted", selectable=True))
        self.text = QPlainTextEdit()
        self.text.setObjectName("problems")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText("\n\n".join(self.problems))
        self.text.setAccessibleName("Problems, one per line")
        layout.addWidget(self.text, 1)
        copy = QPushButton("Copy all")
        copy.setObjectName("copy")
        copy.clicked.connect(self.copy)
        close = QPushButton("Close")
        close.setObjectName("close")
        close.setProperty("primary", True)
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(copy, None, close))
        close.setFocus()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.problems))
