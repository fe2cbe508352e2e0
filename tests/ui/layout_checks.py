"""What a user would call "cut off", measured on real widgets.

Shared by the small-screen, large-type and accessibility tests. A label is
clipped when the text it holds needs more room than it was given: a
word-wrapped label shorter than its height for its width, a one-line label
narrower than its text (labels that elide on purpose put the whole text in
their tooltip and are left out), or a label pushed outside its parent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QScrollArea,
    QWidget,
)


def visible_labels(root: QWidget) -> Iterator[QLabel]:
    for widget in root.findChildren(QLabel):
        if widget.isVisibleTo(root) and widget.text() and widget.pixmap().isNull():
            yield widget


def _inside_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped_labels(root: QWidget) -> list[str]:
    """Every visible label of ``root`` whose text does not fit, with what is wrong."""
    problems = []
    for lab in visible_labels(root):
        if lab.metaObject().className() == "ElidedLabel":
            continue  # elides on purpose; the whole text is its tooltip
        text = lab.text().replace("\n", " ")[:60]
        rect = lab.contentsRect()
        if lab.wordWrap():
            need = lab.heightForWidth(lab.width())
            if need > lab.height() + 1:
                problems.append(f"{text!r}: needs {need} px of height, has {lab.height()}")
                continue
        else:
            hint = lab.sizeHint()
            if hint.width() > lab.width() + 1:
                problems.append(f"{text!r}: needs {hint.width()} px of width, has "
                                f"{lab.width()}")
                continue
        # Pushed past the edge of its parent (outside a scroll area, where that is normal).
        parent = lab.parentWidget()
        if parent is not None and not _inside_scroll_area(lab) and rect.width() > 0:
            shown = QRect(lab.mapTo(parent, rect.topLeft()), rect.size())
            if not parent.rect().contains(shown):
                problems.append(f"{text!r}: drawn outside its parent ({shown} in "
                                f"{parent.rect()})")
    # Buttons and check boxes do not wrap: their text must fit their width.
    for button in root.findChildren(QAbstractButton):
        if not button.isVisibleTo(root) or not button.text() or \
                button.metaObject().className() == "OptionButton":
            continue  # an option lays its text out itself (word-wrapped labels, checked above)
        if button.sizeHint().width() > button.width() + 1:
            problems.append(f"{button.text()!r}: the button needs {button.sizeHint().width()} "
                            f"px of width, has {button.width()}")
    # A column that cannot scroll sideways, holding content wider than itself, cuts it off.
    for area in root.findChildren(QScrollArea):
        body = area.widget()
        if body is None or not area.isVisibleTo(root) or \
                area.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            continue
        need = body.minimumSizeHint().width()
        if need > area.viewport().width() + 1:
            problems.append(f"{type(area).__name__} {area.accessibleName()!r}: content needs "
                            f"{need} px of width, shows {area.viewport().width()}")
    return problems


def isolate_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point settings, backups and user data of this test at ``tmp_path``."""
    home = tmp_path / "home"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("HOTLINE_BACKUPS", str(home / "backups"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(home / "settings"))
    return home
