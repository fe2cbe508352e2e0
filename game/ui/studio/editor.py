"""The scenario text editor: line numbers, problem markers, undo/redo, jump to a line.

``ScenarioEditor`` is a ``QPlainTextEdit`` (undo/redo and the usual editing
keys come with it) with a gutter that shows line numbers and a marker on each
line that has an error (red) or a warning (amber). Problems are also
underlined in the text; hovering a marked line shows its messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from .highlighter import YamlHighlighter

ERROR_COLOR = QColor("#c62828")
WARNING_COLOR = QColor("#d98a00")


@dataclass(frozen=True)
class Marker:
    """A problem to show in the editor.

    Attributes:
        line: 1-based line (0: the whole file).
        col: 1-based column (0: unknown).
        severity: ``error`` or ``warning``.
        message: What is wrong (shown on hover).
    """

    line: int
    col: int
    severity: str
    message: str


class _Gutter(QWidget):
    def __init__(self, editor: ScenarioEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        self.editor.paint_gutter(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        line = self.editor.line_at(int(event.position().y()))
        if line:
            self.editor.markerClicked.emit(line)

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):
            line = self.editor.line_at(event.pos().y())
            text = self.editor.marker_text(line) if line else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)  # type: ignore[arg-type]


class ScenarioEditor(QPlainTextEdit):
    """A YAML editor with line numbers and problem markers.

    Signals:
        markerClicked(line): The author clicked a line's marker in the gutter.
        cursorLineChanged(line): The cursor moved to another line (1-based).
    """

    markerClicked = Signal(int)
    cursorLineChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None, theme: str = "light") -> None:
        super().__init__(parent)
        self.setObjectName("scenarioEditor")
        self.setAccessibleName("Scenario text")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(10, font.pointSize()))
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(False)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 2)
        self.highlighter = YamlHighlighter(self.document(), theme)
        self._markers: dict[int, list[Marker]] = {}
        self._gutter = _Gutter(self)
        self._last_line = 0
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self.cursorPositionChanged.connect(self._cursor_moved)
        self._update_gutter_width()

    # --- markers ---
    def set_markers(self, markers: Iterable[Marker]) -> None:
        """Show these problems (replacing the previous ones)."""
        table: dict[int, list[Marker]] = {}
        for marker in markers:
            table.setdefault(max(1, marker.line), []).append(marker)
        self._markers = table
        self._underline()
        self._gutter.update()

    def markers(self) -> dict[int, list[Marker]]:
        """Line -> problems shown on it."""
        return dict(self._markers)

    def marker_severity(self, line: int) -> str | None:
        """``error``, ``warning`` or None for a line."""
        items = self._markers.get(line)
        if not items:
            return None
        return "error" if any(m.severity == "error" for m in items) else "warning"

    def marker_text(self, line: int) -> str:
        """The messages on a line, one per row."""
        return "\n".join(f"{m.severity}: {m.message}" for m in self._markers.get(line, []))

    def _underline(self) -> None:
        selections: list[QTextEdit.ExtraSelection] = []
        current = QTextEdit.ExtraSelection()
        current.format.setBackground(self.palette().alternateBase())
        current.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        current.cursor = self.textCursor()
        current.cursor.clearSelection()
        selections.append(current)
        doc = self.document()
        for line, items in self._markers.items():
            block = doc.findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            severity = "error" if any(m.severity == "error" for m in items) else "warning"
            color = ERROR_COLOR if severity == "error" else WARNING_COLOR
            text = block.text()
            col = min((m.col for m in items if m.col > 0), default=0)
            start = max(0, col - 1) if col else len(text) - len(text.lstrip())
            end = len(text.rstrip())
            if end <= start:
                start, end = 0, max(1, len(text))
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(color)
            sel.format = fmt
            cursor = QTextCursor(block)
            cursor.setPosition(block.position() + start)
            cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)
        self.setExtraSelections(selections)

    # --- navigation ---
    def go_to(self, line: int, col: int = 1) -> None:
        """Put the cursor at a line and column (1-based) and show it."""
        block = self.document().findBlockByNumber(max(0, line - 1))
        if not block.isValid():
            block = self.document().lastBlock()
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + max(0, min(col - 1, block.length() - 1)))
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_line(self) -> int:
        """The cursor's line (1-based)."""
        return self.textCursor().blockNumber() + 1

    def line_at(self, y: int) -> int:
        """The 1-based line painted at gutter height ``y`` (0 if none)."""
        block = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        while block.isValid():
            bottom = top + self.blockBoundingRect(block).height()
            if top <= y < bottom:
                return block.blockNumber() + 1
            block = block.next()
            top = bottom
        return 0

    def _cursor_moved(self) -> None:
        self._underline()
        line = self.current_line()
        if line != self._last_line:
            self._last_line = line
            self.cursorLineChanged.emit(line)

    # --- editing comfort ---
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Tab inserts two spaces; Enter keeps the line's indentation."""
        key = event.key()
        if key == Qt.Key.Key_Tab and not event.modifiers():
            self.insertPlainText("  ")
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            text = self.textCursor().block().text()
            indent = text[: len(text) - len(text.lstrip(" "))]
            stripped = text.rstrip()
            if stripped.endswith(":"):
                indent += "  "
            elif stripped.lstrip().startswith("- ") and stripped.lstrip() != "-":
                indent += "  "
            super().keyPressEvent(event)
            self.insertPlainText(indent)
            return
        super().keyPressEvent(event)

    # --- gutter ---
    def gutter_width(self) -> int:
        """Width of the line-number and marker column."""
        digits = max(3, len(str(self.blockCount())))
        return 22 + self.fontMetrics().horizontalAdvance("9") * digits + 8

    def _update_gutter_width(self, _count: int = 0) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._update_gutter_width()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        rect = self.contentsRect()
        self._gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(),
                                       rect.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        """Paint line numbers and markers."""
        painter = QPainter(self._gutter)
        pal = self.palette()
        painter.fillRect(event.rect(), pal.alternateBase())
        painter.setPen(pal.mid().color())
        painter.drawLine(self._gutter.width() - 1, event.rect().top(), self._gutter.width() - 1,
                         event.rect().bottom())
        block = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        height = self.fontMetrics().height()
        current = self.current_line()
        muted = pal.placeholderText().color()
        text_color = pal.text().color()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + self.blockBoundingRect(block).height()
            if block.isVisible() and bottom >= event.rect().top():
                number = block.blockNumber() + 1
                severity = self.marker_severity(number)
                if severity:
                    color = ERROR_COLOR if severity == "error" else WARNING_COLOR
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(color)
                    r = min(7, height // 2 - 1)
                    center = QPoint(4 + r, int(top + height / 2))
                    if severity == "error":
                        painter.drawEllipse(center, r, r)
                        painter.setPen(QColor("white"))
                        painter.drawText(QRect(center.x() - r, center.y() - r, 2 * r, 2 * r),
                                         Qt.AlignmentFlag.AlignCenter, "!")
                    else:
                        from PySide6.QtGui import QPolygon

                        painter.drawPolygon(QPolygon([
                            QPoint(center.x(), center.y() - r), QPoint(center.x() + r,
                                                                        center.y() + r - 1),
                            QPoint(center.x() - r, center.y() + r - 1)]))
                painter.setPen(text_color if number == current else muted)
                painter.drawText(0, int(top), self._gutter.width() - 6, height,
                                 Qt.AlignmentFlag.AlignRight, str(number))
            block = block.next()
            top = bottom
        painter.end()
