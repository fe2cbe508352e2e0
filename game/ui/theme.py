"""Themes (light, dark, high contrast) and the project's SVG icons, both bundled assets
(game.paths).

``assets/themes/base.qss`` is the style sheet; its ``@name`` tokens take their
colours from ``assets/themes/<theme>.theme`` (``name: #rrggbb`` lines). Icons
are single-colour line drawings in ``assets/icons/`` drawn with
``currentColor``; :func:`icon` and :func:`pixmap` render them in the colour
asked for at the screen's device-pixel ratio, so they stay crisp on high-DPI.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from game.paths import assets_dir

ASSETS = assets_dir()
THEMES = ASSETS / "themes"
ICONS = ASSETS / "icons"
THEME_NAMES = ("light", "dark", "high-contrast")

_TOKEN = re.compile(r"@([a-z_][a-z0-9_]*)")


@lru_cache(maxsize=None)
def colors(name: str) -> dict[str, str]:
    """The colour tokens of a theme."""
    path = THEMES / f"{name}.theme"
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue  # comments start a line; values themselves contain '#'
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


#: The type size base.qss is written for; the user's system font scales it.
REFERENCE_POINT_SIZE = 10.0
_FONT_SIZE = re.compile(r"(font-size\s*:\s*)([0-9.]+)(\s*pt)", re.I)
_system_point_size: list[float] = []


def font_scale() -> float:
    """How much larger than base.qss the type is: the system font size (or
    ``HOTLINE_FONT_SCALE``) over :data:`REFERENCE_POINT_SIZE`, from 1 to 2.5."""
    env = os.environ.get("HOTLINE_FONT_SCALE", "").strip()
    if env:
        try:
            return max(0.8, min(2.5, float(env)))
        except ValueError:
            pass
    app = QApplication.instance()
    scale = app.property("hotlineFontScale") if app is not None else None
    if isinstance(scale, float) and scale > 0:
        return scale
    return _system_scale()


def _system_scale() -> float:
    if not _system_point_size:
        app = QApplication.instance()
        # The application font before any style sheet: what the desktop asks for.
        size = QGuiApplication.font().pointSizeF() if app is not None else -1.0
        _system_point_size.append(size if size > 0 else REFERENCE_POINT_SIZE)
    # Never below the designed size: a 9 pt desktop default is not a wish for smaller type.
    return max(1.0, min(2.5, _system_point_size[0] / REFERENCE_POINT_SIZE))


def scale_font_sizes(text: str, scale: float) -> str:
    """Every ``font-size: Npt`` of a style sheet multiplied by ``scale``."""
    if abs(scale - 1.0) < 1e-3:
        return text
    return _FONT_SIZE.sub(lambda m: f"{m.group(1)}{float(m.group(2)) * scale:.1f}{m.group(3)}",
                          text)


def stylesheet(name: str, scale: float | None = None) -> str:
    """base.qss with the theme's colours filled in and its type at the user's size."""
    palette = colors(name)
    text = (THEMES / "base.qss").read_text(encoding="utf-8")

    def fill(match: re.Match[str]) -> str:
        return palette.get(match.group(1), match.group(0))

    return scale_font_sizes(_TOKEN.sub(fill, text), font_scale() if scale is None else scale)


def qpalette(name: str) -> QPalette:
    c = {k: QColor(v) for k, v in colors(name).items()}
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, c["bg"])
    pal.setColor(QPalette.ColorRole.WindowText, c["text"])
    pal.setColor(QPalette.ColorRole.Base, c["surface"])
    pal.setColor(QPalette.ColorRole.AlternateBase, c["surface2"])
    pal.setColor(QPalette.ColorRole.Text, c["text"])
    pal.setColor(QPalette.ColorRole.Button, c["surface"])
    pal.setColor(QPalette.ColorRole.ButtonText, c["text"])
    pal.setColor(QPalette.ColorRole.Highlight, c["accent"])
    pal.setColor(QPalette.ColorRole.HighlightedText, c["accent_text"])
    pal.setColor(QPalette.ColorRole.ToolTipBase, c["surface"])
    pal.setColor(QPalette.ColorRole.ToolTipText, c["text"])
    pal.setColor(QPalette.ColorRole.PlaceholderText, c["muted"])
    pal.setColor(QPalette.ColorRole.Link, c["accent"])
    pal.setColor(QPalette.ColorRole.Mid, c["border"])
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, c["muted"])
    return pal


def apply_theme(app: QApplication, name: str, font_scale: float | None = None) -> None:
    """Give the whole application a theme (``light``, ``dark`` or ``high-contrast``).

    The type follows the desktop's font size (up to 2.5×); ``font_scale`` sets it instead.
    """
    if name not in THEME_NAMES:
        name = "light"
    _system_scale()  # read the desktop's size before a style sheet is in the way
    app.setProperty("hotlineTheme", name)
    app.setProperty("hotlineFontScale", float(font_scale) if font_scale else None)
    app.setStyle("Fusion")
    app.setPalette(qpalette(name))
    app.setStyleSheet(stylesheet(name))


def tone_color(palette: QPalette, tone: str, theme: str | None = None) -> QColor:
    """A semantic colour (good, bad, waiting …) for the current theme."""
    name = theme or current_theme()
    key = {"waiting": "warn", "mixed": "warn", "neutral": "muted"}.get(tone, tone)
    value = colors(name).get(key)
    return QColor(value) if value else palette.color(QPalette.ColorRole.WindowText)


def current_theme() -> str:
    app = QApplication.instance()
    name = app.property("hotlineTheme") if app is not None else None
    return name if name in THEME_NAMES else "light"


@lru_cache(maxsize=None)
def _svg(name: str) -> str:
    path = ICONS / f"{name}.svg"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


@lru_cache(maxsize=512)
def _render(name: str, color: str, size: int, ratio: float) -> QPixmap:
    from PySide6.QtSvg import QSvgRenderer

    text = _svg(name).replace("currentColor", color)
    px = max(1, round(size * ratio))
    pixmap = QPixmap(px, px)
    pixmap.fill(Qt.GlobalColor.transparent)
    if text:
        renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, px, px))
        painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def pixmap(name: str, color: QColor | str, size: int = 18, ratio: float | None = None) -> QPixmap:
    """An icon drawn in ``color``, ``size`` logical pixels square."""
    if ratio is None:
        screen = QGuiApplication.primaryScreen()
        ratio = screen.devicePixelRatio() if screen is not None else 1.0
    hex_color = QColor(color).name() if not isinstance(color, str) else color
    return _render(name, hex_color, size, float(ratio))


def icon(name: str, color: QColor | str, size: int = 18) -> QIcon:
    result = QIcon()
    for ratio in (1.0, 2.0):
        result.addPixmap(pixmap(name, color, size, ratio))
    return result


def app_icon() -> QIcon:
    result = QIcon()
    for size in (16, 32, 64, 128, 256):
        result.addPixmap(pixmap("app", "#ffffff", size, 1.0))
    return result


ICON_SIZE = QSize(18, 18)
