"""Presentation mode (larger type for a projector) and placing windows on screens.

Presentation mode scales every ``font-size`` of the theme's style sheet
(``assets/themes/base.qss``) and sets only those rules on the trainee's
window, so colours still come from the application's theme (switching theme
keeps working) and the facilitator's console keeps its normal, denser type.
"""

from __future__ import annotations

import re
from functools import lru_cache

from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from game.ui import theme

#: How much larger the type is in presentation mode (on a screen at least 1000 px tall;
#: smaller screens get :data:`SMALL_SCREEN_SCALE`, or the play screen would not fit).
PRESENTATION_SCALE = 1.3
SMALL_SCREEN_SCALE = 1.15

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}", re.S)
_FONT_SIZE = re.compile(r"font-size\s*:\s*([0-9.]+)\s*pt", re.I)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@lru_cache(maxsize=8)
def presentation_stylesheet(scale: float = PRESENTATION_SCALE) -> str:
    """Only the font sizes of the theme's style sheet, multiplied by ``scale``."""
    text = _COMMENT.sub("", (theme.THEMES / "base.qss").read_text(encoding="utf-8"))
    rules = []
    for selector, body in _RULE.findall(text):
        match = _FONT_SIZE.search(body)
        if match is None:
            continue
        size = round(float(match.group(1)) * scale * theme.font_scale(), 1)
        rules.append(f"{selector.strip()} {{ font-size: {size:g}pt; }}")
    return "\n".join(rules)


def scale_for(window: QWidget) -> float:
    """The type scale for ``window``'s screen."""
    screen = window.screen()
    tall = screen is not None and screen.availableGeometry().height() >= 1000
    return PRESENTATION_SCALE if tall else SMALL_SCREEN_SCALE


def set_presentation(window: QWidget, on: bool, scale: float | None = None) -> None:
    """Turn presentation mode (larger type) on or off for ``window`` and its children."""
    window.setProperty("presentation", on)
    presentation_stylesheet.cache_clear() if on else None  # the user's type size may differ
    window.setStyleSheet(presentation_stylesheet(scale or scale_for(window)) if on else "")


def is_presentation(window: QWidget) -> bool:
    return bool(window.property("presentation"))


def other_screen(widget: QWidget) -> QScreen | None:
    """A screen other than the one ``widget`` is on (None with a single screen)."""
    screens = QGuiApplication.screens()
    if len(screens) < 2:
        return None
    here = widget.screen()
    return next((s for s in screens if s is not here), None)


def place_on(window: QWidget, screen: QScreen, *, fill: bool = True) -> None:
    """Move ``window`` onto ``screen``; with ``fill``, size it to the screen's free area."""
    area = screen.availableGeometry()
    window.setScreen(screen)
    if fill:
        window.resize(area.width(), area.height())
    else:
        window.resize(min(window.width(), area.width()), min(window.height(), area.height()))
    window.move(area.topLeft())
