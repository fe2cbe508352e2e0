"""Windows that fit the screen they open on, from 1024×700 up to 2560×1440.

Every top-level window asks for a comfortable size (the debrief 1280×860,
the Studio 1440×900 …) and a minimum below which its layout gives up. On a
small screen both must shrink to the screen's free area, or the window opens
with its title bar or its buttons out of reach. :func:`fit_window` does that
for a new window; :func:`restore_geometry` does it for a size saved on a
bigger monitor last time.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

#: What a window frame (title bar, borders) takes before the window manager has
#: said (left+right, top+bottom), so a window sized to the free area does not
#: poke out of it once it is decorated.
FRAME_ALLOWANCE = (8, 34)


def available_area(window: QWidget) -> QRect:
    """The free area (without panels and docks) of the screen ``window`` is on."""
    screen: QScreen | None = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QRect(0, 0, 1024, 700)
    return screen.availableGeometry()


def _frame_extra(window: QWidget) -> tuple[int, int]:
    """Width and height the frame adds: measured once shown, else :data:`FRAME_ALLOWANCE`."""
    frame, inner = window.frameGeometry(), window.geometry()
    if frame != inner:
        return frame.width() - inner.width(), frame.height() - inner.height()
    return FRAME_ALLOWANCE


def fit_window(window: QWidget, width: int, height: int, *, min_width: int | None = None,
               min_height: int | None = None, center: bool = True) -> None:
    """Size ``window`` to ``width``×``height``, or to the free screen area when smaller.

    The minimum size (``min_width``/``min_height``, or the window's own) is
    clamped too, so a small screen never forces a window larger than itself.
    """
    area = available_area(window)
    extra_w, extra_h = _frame_extra(window)
    max_w = max(320, area.width() - extra_w)
    max_h = max(240, area.height() - extra_h)
    want_min_w = min_width if min_width is not None else window.minimumWidth()
    want_min_h = min_height if min_height is not None else window.minimumHeight()
    window.setMinimumSize(min(want_min_w, max_w), min(want_min_h, max_h))
    window.resize(min(width, max_w), min(height, max_h))
    if center:
        frame_w, frame_h = window.width() + extra_w, window.height() + extra_h
        window.move(area.left() + max(0, (area.width() - frame_w) // 2),
                    area.top() + max(0, (area.height() - frame_h) // 2))
    else:
        _place_inside(window, area, window.width() + extra_w, window.height() + extra_h)


def keep_on_screen(window: QWidget) -> None:
    """Shrink and move ``window`` so it lies inside its screen's free area."""
    area = available_area(window)
    extra_w, extra_h = _frame_extra(window)
    max_w, max_h = area.width() - extra_w, area.height() - extra_h
    window.setMinimumSize(min(window.minimumWidth(), max_w), min(window.minimumHeight(), max_h))
    width = min(window.width(), max_w)
    height = min(window.height(), max_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    _place_inside(window, area, width + extra_w, height + extra_h)


def _place_inside(window: QWidget, area: QRect, frame_w: int, frame_h: int) -> None:
    """Move ``window`` (whose frame will be ``frame_w``×``frame_h``) inside ``area``."""
    here = window.frameGeometry().topLeft()
    left = max(area.left(), min(here.x(), area.left() + area.width() - frame_w))
    top = max(area.top(), min(here.y(), area.top() + area.height() - frame_h))
    if (left, top) != (here.x(), here.y()):
        window.move(left, top)


def restore_geometry(window: QWidget, saved: object, default: tuple[int, int]) -> None:
    """Restore a saved geometry (or use ``default``), then keep it on the current screen."""
    if isinstance(saved, (QByteArray, bytes)) and window.restoreGeometry(QByteArray(saved)):
        keep_on_screen(window)
        return
    fit_window(window, *default)
