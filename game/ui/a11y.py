"""Accessible names and descriptions for the parts Qt builds itself.

Hotline's own controls carry their names and descriptions where they are
made (``setAccessibleName``, and a tooltip, which screen readers read as the
description). Qt adds controls of its own inside ours — the text field of a
spin box, the tab bar of a tab widget and its scroll arrows, the viewport of
a chart — with neither. :func:`install` adds an application event filter that
names each of those from its owner the first time it is polished, so a screen
reader never meets an unnamed control. :func:`missing` lists the keyboard
controls of a window that still lack a name or a description (the tests use it).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QTabBar,
    QTabWidget,
    QWidget,
)

_installed: list[QObject] = []


def _owner_name(widget: QWidget) -> str:
    parent = widget.parentWidget()
    while parent is not None:
        if parent.accessibleName():
            return parent.accessibleName()
        parent = parent.parentWidget()
    return widget.window().windowTitle()


def describe(widget: QWidget) -> None:
    """Give ``widget`` a name and a description if it has none (Qt's own parts)."""
    if not isinstance(widget, QWidget):
        return
    parent = widget.parentWidget()
    name = widget.accessibleName()
    description = widget.accessibleDescription() or widget.toolTip()
    new_name, new_description = "", ""
    if isinstance(widget, QLineEdit) and isinstance(parent, QAbstractSpinBox):
        new_name = parent.accessibleName() or parent.toolTip() or "Number"
        new_description = parent.accessibleDescription() or parent.toolTip() or \
            "Type a number, or use the up and down arrow keys"
    elif isinstance(widget, QLineEdit) and isinstance(parent, QComboBox):
        new_name = parent.accessibleName() or "Choice"
        new_description = parent.accessibleDescription() or parent.toolTip() or \
            "Type, or open the list with Alt+Down"
    elif isinstance(widget, QTabBar):
        owner = parent.accessibleName() if isinstance(parent, QTabWidget) else ""
        new_name = f"{owner or _owner_name(widget)}: pages"
        new_description = "The pages of this panel: Left and Right arrows move between them"
        # A screen reader reads the current tab's tooltip as the tab bar's description.
        for index in range(widget.count()):
            if not widget.tabToolTip(index):
                text = widget.tabText(index).replace("&&", "and").replace("&", "")
                widget.setTabToolTip(index, f"{text}: page {index + 1} of {widget.count()}")
    elif isinstance(widget, QAbstractButton) and isinstance(parent, QTabBar):
        left = widget.objectName() == "ScrollLeftButton"
        new_name = "Show earlier pages" if left else "Show later pages"
        new_description = "Scroll the row of page tabs"
    elif isinstance(widget, QTabWidget):
        new_name = _owner_name(widget) + " pages"
        new_description = "Pages; Ctrl+Tab moves to the next page"
    elif isinstance(widget, QAbstractScrollArea):
        new_name = _owner_name(widget)
        new_description = "Scrolls with the arrow and Page Up/Down keys"
    elif parent is not None and isinstance(parent, QAbstractScrollArea) \
            and widget is parent.viewport():
        new_name = parent.accessibleName() or _owner_name(parent)
        new_description = parent.accessibleDescription() or parent.toolTip() or \
            "Scrolls with the arrow and Page Up/Down keys"
    if not name and new_name:
        widget.setAccessibleName(new_name)
    if not description and new_description:
        widget.setAccessibleDescription(new_description)


class _Filler(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Polish comes once, sometimes before an owner has its own name; Show comes again.
        if event.type() in (QEvent.Type.Polish, QEvent.Type.Show) and \
                isinstance(watched, QWidget):
            describe(watched)
        return False


def install() -> None:
    """Name Qt's own controls application-wide (idempotent; call once a QApplication exists)."""
    app = QApplication.instance()
    if app is None or _installed:
        return
    filler = _Filler(app)
    app.installEventFilter(filler)
    _installed.append(filler)


def keyboard_controls(root: QWidget) -> list[QWidget]:
    """The visible widgets of ``root`` a keyboard user can Tab to."""
    out = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.isVisibleTo(root) and widget.isEnabled() and \
                widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            out.append(widget)
    return out


def missing(root: QWidget) -> list[str]:
    """Keyboard controls of ``root`` without an accessible name or description."""
    problems = []
    for widget in keyboard_controls(root):
        for part in (widget, *widget.findChildren(QWidget)):
            part.ensurePolished()
        iface = QAccessible.queryAccessibleInterface(widget)
        if isinstance(widget, QTabBar) and iface is not None:
            # A tab bar is read tab by tab: each tab has its own name and description.
            for index in range(iface.childCount()):
                tab = iface.child(index)
                if not tab.text(QAccessible.Text.Name) or \
                        not tab.text(QAccessible.Text.Description):
                    problems.append(f"tab {index} of {_owner_name(widget)!r}: "
                                    "no name or description")
            continue
        name = iface.text(QAccessible.Text.Name) if iface is not None else ""
        description = iface.text(QAccessible.Text.Description) if iface is not None else ""
        if not name or not description:
            text = getattr(widget, "text", None)
            shown = text() if callable(text) else ""
            problems.append(f"{type(widget).__name__} {widget.objectName()!r} "
                            f"{shown if isinstance(shown, str) else ''!r}: "
                            + ("no name" if not name else "no description"))
    return problems
