"""Small building blocks shared by the screens: labelled text, cards, pills, scroll columns.

Styling is by dynamic property (``role``, ``card``, ``tone`` …) matched in
``assets/themes/base.qss``; :func:`set_prop` re-polishes a widget after a
property changes so the style sheet applies again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QPalette, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from . import theme


def close_keys() -> list[QKeySequence]:
    """Ctrl+W (as F1 says) and the platform's own Close keys, without repeats."""
    keys = [QKeySequence("Ctrl+W")]
    for binding in QKeySequence.keyBindings(QKeySequence.StandardKey.Close):
        # Only typed combinations (a media keyboard's own "Close" key is left to the system).
        if binding not in keys and binding[0].keyboardModifiers():  # type: ignore[index]
            keys.append(binding)
    return keys


def px(pixels: int) -> int:
    """A width meant for text at the designed type size, at the user's type size."""
    return round(pixels * theme.font_scale())


def set_prop(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property and re-apply the style sheet to the widget."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def label(
    text: str = "",
    role: str | None = None,
    *,
    wrap: bool = True,
    selectable: bool = False,
    tone: str | None = None,
    parent: QWidget | None = None,
) -> QLabel:
    """A QLabel with a text role from the style sheet (h1, h2, muted, eyebrow …)."""
    widget = QLabel(text, parent)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    if tone:
        widget.setProperty("tone", tone)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def pill(text: str, tone: str = "neutral", parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    widget.setProperty("pill", True)
    widget.setProperty("tone", tone)
    widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return widget


def card(kind: str = "true", parent: QWidget | None = None) -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("card", kind)
    return frame


def panel(parent: QWidget | None = None) -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("panel", True)
    return frame


def rule(parent: QWidget | None = None) -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("rule", True)
    return frame


def icon_label(name: str, color: str | None = None, size: int = 18,
               parent: QWidget | None = None) -> QLabel:
    widget = QLabel(parent)
    paint_icon(widget, name, color, size)
    widget.setFixedSize(size, size)
    return widget


def paint_icon(widget: QLabel, name: str, color: str | None = None, size: int = 18) -> None:
    if color is None:
        color = widget.palette().color(QPalette.ColorRole.WindowText).name()
    ratio = widget.devicePixelRatioF() if widget.window() is not None else None
    widget.setPixmap(theme.pixmap(name, color, size, ratio or None))


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every item of a layout (widgets and nested layouts)."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            # No setParent(None): that briefly makes each widget a window (slow).
            widget.hide()
            widget.deleteLater()
        else:
            inner = item.layout()
            if inner is not None:
                clear_layout(inner)


def sync_rows(layout: QLayout, widgets: dict[str, Any], rows: Sequence[Any],
              make: Callable[[Any], QWidget]) -> dict[str, Any]:
    """Show ``rows`` (each with an ``id``) as widgets in ``layout``.

    When the set of ids changed the widgets are rebuilt with ``make``;
    otherwise only widgets whose row changed are told (``show_row``), so an
    unchanged panel costs nothing on every refresh.

    Returns:
        The widgets by row id (pass it back in next time).
    """
    if [r.id for r in rows] != list(widgets):
        clear_layout(layout)
        widgets = {}
        for row in rows:
            widget = make(row)
            widgets[row.id] = widget
            layout.addWidget(widget)
        return widgets
    for row in rows:
        widget = widgets[row.id]
        if widget.row != row:
            widget.show_row(row)
    return widgets


def hbox(*items: QWidget | QLayout | int | None, spacing: int = 8,
         margins: tuple[int, int, int, int] = (0, 0, 0, 0)) -> QHBoxLayout:
    layout = QHBoxLayout()
    _fill(layout, items, spacing, margins)
    return layout


def vbox(*items: QWidget | QLayout | int | None, spacing: int = 8,
         margins: tuple[int, int, int, int] = (0, 0, 0, 0)) -> QVBoxLayout:
    layout = QVBoxLayout()
    _fill(layout, items, spacing, margins)
    return layout


def _fill(layout: QBoxLayout, items: tuple[QWidget | QLayout | int | None, ...], spacing: int,
          margins: tuple[int, int, int, int]) -> None:
    layout.setSpacing(spacing)
    layout.setContentsMargins(*margins)
    for item in items:
        if item is None:
            layout.addStretch(1)
        elif isinstance(item, int):
            layout.addSpacing(item)
        elif isinstance(item, QLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)


class _Body(QWidget):
    """The scroll area's body: tells the area when its content changed size."""

    def __init__(self, area: ScrollColumn) -> None:
        super().__init__()
        self._area = area

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._area.refit()
            self._area.updateGeometry()  # its minimum width follows the content's
        return super().event(event)


class ScrollColumn(QScrollArea):
    """A vertical scroll area whose body is a QVBoxLayout (``self.body``).

    Word-wrapped labels make the body's height depend on its width; Qt's
    scroll area only re-reads that height on some events, so content built
    while hidden (or restyled later) could end up squeezed. :meth:`refit`
    sizes the body from ``heightForWidth`` whenever its layout changes.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 8,
                 margins: tuple[int, int, int, int] = (0, 0, 6, 0)) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = _Body(self)
        inner.setObjectName("scrollBody")
        self.body = QVBoxLayout(inner)
        self.body.setSpacing(spacing)
        self.body.setContentsMargins(*margins)
        self.setWidget(inner)
        self.viewport().setAutoFillBackground(False)
        self._fitting = False
        self._viewport_width = -1

    def refit(self) -> None:
        """Schedule a refit; several layout changes in one go cost one computation."""
        if not self._fitting:
            self._fitting = True
            QTimer.singleShot(0, self, self._refit_now)  # not called once self is deleted

    def _refit_now(self) -> None:
        self._fitting = False
        inner = self.widget()
        if inner is None or not self.isVisible():
            return
        width = self.viewport().width()
        if width > 0 and self.body.hasHeightForWidth():
            height = self.body.totalHeightForWidth(width)
        else:
            height = self.body.totalMinimumSize().height()
        if inner.minimumHeight() != height:
            inner.setMinimumHeight(height)

    def minimumSizeHint(self) -> QSize:
        """Never narrower than the content: it cannot scroll sideways, so it would cut it."""
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is not None:
            need = (body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
                    + 2 * self.frameWidth())
            hint.setWidth(max(hint.width(), need))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refit()

    def viewportEvent(self, event: QEvent) -> bool:
        # The viewport narrows when the scroll bar appears without the area itself
        # resizing: wrapped text then needs more height than the body was given, and
        # the last item would be cut off. Refit whenever the viewport's width changes.
        if event.type() == QEvent.Type.Resize and self.viewport().width() != \
                self._viewport_width:
            self._viewport_width = self.viewport().width()
            self.refit()
        return super().viewportEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refit()


class ElidedLabel(QLabel):
    """One line of text, cut with … to fit; the full text is in the tooltip."""

    def __init__(self, text: str = "", role: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        if role:
            self.setProperty("role", role)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                              max(width, 10)) if width > 0 else self._full
        super().setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()


class LazyRefresh:
    """Mixin: refresh now when visible, else once the widget is next shown.

    A hidden screen (the play view while the consequences show) then costs
    nothing on each change; it catches up when it reappears.
    """

    _dirty = False

    def request_refresh(self) -> None:
        if self.isVisible():  # type: ignore[attr-defined]
            self._dirty = False
            self.refresh()  # type: ignore[attr-defined]
        else:
            self._dirty = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._dirty:
            self._dirty = False
            self.refresh()  # type: ignore[attr-defined]
        super().showEvent(event)  # type: ignore[misc]
