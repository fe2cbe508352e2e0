"""The authoring Studio: editor with live lint, flow graph, playtest and balance panel.

Open it with ``StudioWindow(path)`` (see :mod:`game.ui.studio.window`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .window import StudioWindow

__all__ = ["StudioWindow"]


def __getattr__(name: str) -> object:
    if name == "StudioWindow":
        from .window import StudioWindow

        return StudioWindow
    raise AttributeError(name)
