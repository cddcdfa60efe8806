"""SVG icons drawn in the palette's colours, sharp at any scale.

The SVGs in ``softphone/resources/icons`` stroke with ``currentColor``; here
it becomes the palette's text colour (or a given one) before rendering, so
one file serves the light and the dark theme. ``QIcon`` gets pixmaps at
1×, 2× and 3× so high-DPI screens show no blur.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 20, 24, 32, 48)


@lru_cache(maxsize=64)
def svg_text(name: str) -> str:
    """The SVG source of ``name`` (without ``.svg``); a missing icon is a bug."""
    return (resources.files("softphone.resources") / "icons" / f"{name}.svg").read_text("utf-8")


def icon_names() -> list[str]:
    folder = resources.files("softphone.resources") / "icons"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".svg"))


def text_colour() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText)


def pixmap(name: str, size: int, colour: QColor | str | None = None, scale: float = 1.0) -> QPixmap:
    """``name`` rendered at ``size`` logical pixels in ``colour``."""
    tint = QColor(colour) if colour is not None else text_colour()
    source = svg_text(name).replace("currentColor", tint.name())
    renderer = QSvgRenderer(QByteArray(source.encode("utf-8")))
    device = max(1, round(size * scale))
    image = QPixmap(device, device)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, device, device))
    painter.end()
    image.setDevicePixelRatio(scale)
    return image


def icon(name: str, colour: QColor | str | None = None) -> QIcon:
    """An icon for buttons and actions; disabled state greyed from the palette."""
    result = QIcon()
    disabled = QGuiApplication.palette().color(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText
    )
    for size in SIZES:
        for scale in (1.0, 2.0):
            result.addPixmap(pixmap(name, size, colour, scale), QIcon.Mode.Normal)
            result.addPixmap(pixmap(name, size, disabled, scale), QIcon.Mode.Disabled)
    return result


ICON_SIZE = QSize(20, 20)
