"""One registry for the windows and dialogs a window opens.

The main window (debriefs, timelines, the facilitator console, the Studio,
dialogs) and the debrief window (other sessions' debriefs) keep what they
opened here: a window is kept alive while it is open, forgotten when Qt
deletes it, found by kind, and closed with its owner.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

__all__ = ["WindowRegistry"]

W = TypeVar("W", bound=QWidget)

#: Kinds of window the registries hold (any string works; these are the ones in use).
KINDS = ("debrief", "timeline", "console", "studio", "dialog", "browser", "class")


class WindowRegistry:
    """Open windows and dialogs by kind, in the order they were opened."""

    def __init__(self) -> None:
        self._open: list[tuple[str, QWidget]] = []

    def add(self, widget: W, kind: str) -> W:
        """Keep ``widget`` (deleted when closed) until Qt destroys it."""
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._open.append((kind, widget))
        widget.destroyed.connect(lambda _=None, w=widget: self._forget(w))
        return widget

    def _forget(self, widget: QWidget) -> None:
        self._open = [(k, w) for k, w in self._open if w is not widget]

    def of(self, *kinds: str) -> list[QWidget]:
        """The open windows of these kinds (every kind if none is named)."""
        return [w for k, w in self._open if (not kinds or k in kinds) and isValid(w)]

    def find(self, kind: str) -> QWidget | None:
        """The most recently opened window of a kind, if one is open."""
        found = self.of(kind)
        return found[-1] if found else None

    def close_all(self, *kinds: str) -> None:
        """Close the open windows of these kinds (every kind if none is named)."""
        for widget in self.of(*kinds):
            widget.close()

    def __len__(self) -> int:
        return len(self.of())
