"""SVG icons drawn in the palette's colours, sharp at any scale.

The SVGs in ``softphone/resources/icons`` stroke with ``currentColor``; here
it becomes the palette's text colour (or a given one) before rendering, so
one file serves the light and the dark theme. ``QIcon`` gets pixmaps at 1×
and 2× of several sizes, so high-DPI screens show no blur. ``themed`` also
remembers the control, so ``refresh()`` redraws its icon when the system
switches between light and dark. (A Python ``QIconEngine`` that renders on
demand would be neater, but its lifetime under a C++ ``QIcon`` crashes.)
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from typing import Protocol

import shiboken6
from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer


@lru_cache(maxsize=64)
def svg_text(name: str) -> str:
    """The SVG source of ``name`` (without ``.svg``); a missing icon is a bug."""
    return (resources.files("softphone.resources") / "icons" / f"{name}.svg").read_text("utf-8")


def icon_names() -> list[str]:
    folder = resources.files("softphone.resources") / "icons"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".svg"))


def text_colour(disabled: bool = False) -> QColor:
    group = QPalette.ColorGroup.Disabled if disabled else QPalette.ColorGroup.Active
    return QGuiApplication.palette().color(group, QPalette.ColorRole.WindowText)


def _render(name: str, colour: QColor, device_px: int) -> QPixmap:
    return _render_rgba(name, colour.name(), colour.alpha(), device_px)


@lru_cache(maxsize=512)
def _render_rgba(name: str, rgb: str, alpha: int, device_px: int) -> QPixmap:
    """SVG colours have no alpha: the colour goes into the SVG, the alpha into the painter."""
    source = svg_text(name).replace("currentColor", rgb)
    renderer = QSvgRenderer(QByteArray(source.encode("utf-8")))
    image = QPixmap(device_px, device_px)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setOpacity(alpha / 255)
    renderer.render(painter, QRectF(0, 0, device_px, device_px))
    painter.end()
    return image


def pixmap(name: str, size: int, colour: QColor | str | None = None, scale: float = 1.0) -> QPixmap:
    """``name`` rendered at ``size`` logical pixels in ``colour`` (default: the text's)."""
    tint = QColor(colour) if colour is not None else text_colour()
    image = QPixmap(_render(name, tint, max(1, round(size * scale))))
    image.setDevicePixelRatio(scale)
    return image


def icon(name: str, colour: QColor | str | None = None) -> QIcon:
    """An icon in ``colour`` (default: the palette's text colour now), sharp at any scale.

    Disabled controls get the palette's disabled text colour. For an icon
    that should follow a later palette change, use ``themed``.
    """
    tint = QColor(colour) if colour is not None else text_colour()
    faded = text_colour(disabled=True)  # a white icon on a greyed button would vanish
    return _icon(name, tint.name(QColor.NameFormat.HexArgb), faded.name(QColor.NameFormat.HexArgb))


@lru_cache(maxsize=256)
def _icon(name: str, tint: str, faded: str) -> QIcon:
    return QIcon(_SvgEngine(name, tint, faded))


class _SvgEngine(QIconEngine):
    """Renders the SVG at the size and scale asked for, when first asked.

    Rendering every size up front (five sizes, two scales, two modes) for
    each of the window's icons cost a fifth of a second before the first
    window; most of those pixmaps were never drawn.
    """

    def __init__(self, name: str, tint: str, faded: str) -> None:
        super().__init__()
        self._name, self._tint, self._faded = name, tint, faded

    def _colour(self, mode: QIcon.Mode) -> QColor:
        return QColor(self._faded if mode is QIcon.Mode.Disabled else self._tint)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        side = max(1, min(size.width(), size.height()))
        return pixmap(self._name, side, self._colour(mode), scale)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = device_pixel_ratio(painter)
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))


def device_pixel_ratio(painter: QPainter) -> float:
    """The pixel ratio of the device ``painter`` draws on, from its transforms.

    Not ``painter.device().devicePixelRatioF()``: a tab bar paints on a
    device PySide cannot name, and to wrap it PySide creates the Python types
    of every kind of paint device: 1 MiB kept all day for one number. The
    device transform is the world transform times the device's ratio.
    """
    world, device = painter.worldTransform(), painter.deviceTransform()
    world_scale = math.hypot(world.m11(), world.m12())
    if not painter.isActive() or world_scale == 0:
        return 1.0
    return math.hypot(device.m11(), device.m12()) / world_scale

    def clone(self) -> QIconEngine:
        return _SvgEngine(self._name, self._tint, self._faded)

    def key(self) -> str:
        return "softphone-svg"


class _HasIcon(Protocol):
    def setIcon(self, icon: QIcon, /) -> None: ...


def _alive(target: object) -> bool:
    """A Qt object not yet deleted (or a helper whose ``alive()`` says so)."""
    if isinstance(target, shiboken6.Shiboken.Object):
        return bool(shiboken6.isValid(target))
    alive = getattr(target, "alive", None)
    return bool(alive()) if callable(alive) else True


_themed: dict[int, tuple[_HasIcon, str, str | None]] = {}


def themed(target: _HasIcon, name: str, colour: QColor | str | None = None) -> None:
    """Set ``target``'s icon, and set it again by ``refresh()`` when the palette changes."""
    fixed = QColor(colour).name(QColor.NameFormat.HexArgb) if colour is not None else None
    _themed[id(target)] = (target, name, fixed)
    target.setIcon(icon(name, fixed))


def refresh() -> None:
    """Redraw every themed icon in the current palette (light ↔ dark)."""
    for key, (target, name, colour) in list(_themed.items()):
        if not _alive(target):
            del _themed[key]
            continue
        try:
            target.setIcon(icon(name, colour))
        except RuntimeError:  # deleted between the check and the call (mid-destruction)
            del _themed[key]
