"""The tray icon, painted: the agent's status by colour *and* shape.

About one man in twelve cannot tell the green "available" from the red "in a
call", and a 16-pixel tray icon has no room for words, so every status has
its own shape as well as its colour: a circle when available, a square with
pause bars when paused, a diamond in a call, ... The auto-answer badge (a
small "A" disc, bottom left) and the missed-call count (a red bubble, top
right) are painted on top. Everything is vector-drawn with QPainter at each
requested size and device pixel ratio, so the icon stays sharp on a 200 %
screen without shipping bitmaps.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

from softphone.core.agent_snapshot import AgentSnapshot, CallPhase, SignIn, Status


class Shape(enum.Enum):
    RING = "ring"  # signed out / offline: a hollow grey ring
    CIRCLE = "circle"  # available
    PAUSE = "pause"  # rounded square with two bars
    DIAMOND = "diamond"  # in a call (or dialling)
    BELL = "bell"  # ringing: a triangle pointing up (attention)
    HOLD = "hold"  # on hold: hexagon
    CLERICAL = "clerical"  # after-call work: a square with a pencil stroke
    WARNING = "warning"  # connection trouble: triangle with "!"


@dataclass(frozen=True)
class StatusLook:
    shape: Shape
    colour: str
    """A colour that reads on light and dark trays alike."""


LOOKS: dict[Shape, StatusLook] = {
    Shape.RING: StatusLook(Shape.RING, "#8a8f98"),
    Shape.CIRCLE: StatusLook(Shape.CIRCLE, "#1e9e4a"),
    Shape.PAUSE: StatusLook(Shape.PAUSE, "#e39b12"),
    Shape.DIAMOND: StatusLook(Shape.DIAMOND, "#d93a2f"),
    Shape.BELL: StatusLook(Shape.BELL, "#2f6fd9"),
    Shape.HOLD: StatusLook(Shape.HOLD, "#8e44ad"),
    Shape.CLERICAL: StatusLook(Shape.CLERICAL, "#1f8fa6"),
    Shape.WARNING: StatusLook(Shape.WARNING, "#c0392b"),
}

_BY_STATUS = {
    Status.OFFLINE: Shape.RING,
    Status.AVAILABLE: Shape.CIRCLE,
    Status.PAUSE: Shape.PAUSE,
    Status.START_DIALING: Shape.DIAMOND,
    Status.IN_A_CALL: Shape.DIAMOND,
    Status.ON_HOLD: Shape.HOLD,
    Status.CLERICAL: Shape.CLERICAL,
    Status.UNKNOWN: Shape.RING,
}


def look_for(snapshot: AgentSnapshot) -> StatusLook:
    """What the icon shows for ``snapshot`` (connection trouble wins over the status)."""
    if snapshot.sign_in is not SignIn.SIGNED_IN:
        return LOOKS[Shape.RING]
    if not (snapshot.mediatel.up and snapshot.sip.up):
        return LOOKS[Shape.WARNING]
    call = snapshot.call
    if call is not None and call.phase is CallPhase.RINGING:
        return LOOKS[Shape.BELL]
    if call is not None and call.on_hold:
        return LOOKS[Shape.HOLD]
    return LOOKS[_BY_STATUS.get(snapshot.status, Shape.RING)]


@dataclass(frozen=True)
class IconState:
    """Everything the icon depends on; equal states need no repaint."""

    look: StatusLook
    auto_answer: bool = False
    missed: int = 0


SIZES = (16, 20, 22, 24, 32, 40, 48, 64, 128)
RATIOS = (1.0, 2.0)


def make_icon(state: IconState) -> QIcon:
    """A QIcon with a pixmap painted for each common tray size at 1x and 2x."""
    icon = QIcon()
    for size in SIZES:
        for ratio in RATIOS:
            icon.addPixmap(paint(state, size, ratio))
    return icon


def paint(state: IconState, size: int, ratio: float = 1.0) -> QPixmap:
    """One pixmap of ``size`` logical pixels at device pixel ratio ``ratio``."""
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(pixels / 64.0, pixels / 64.0)  # draw on a 64×64 canvas
    _draw_shape(painter, state.look)
    if state.auto_answer:
        _draw_auto_answer_badge(painter)
    if state.missed > 0:
        _draw_missed_bubble(painter, state.missed)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _outline() -> QPen:
    pen = QPen(QColor(255, 255, 255, 230))
    pen.setWidthF(3.0)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _draw_shape(p: QPainter, look: StatusLook) -> None:
    colour = QColor(look.colour)
    p.setPen(_outline())
    p.setBrush(QBrush(colour))
    box = QRectF(6, 6, 52, 52)
    shape = look.shape
    if shape is Shape.RING:
        pen = QPen(colour)
        pen.setWidthF(9.0)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(box.adjusted(5, 5, -5, -5))
    elif shape is Shape.CIRCLE:
        p.drawEllipse(box)
        _tick(p)
    elif shape is Shape.PAUSE:
        p.drawRoundedRect(box, 10, 10)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("white"))
        p.drawRoundedRect(QRectF(21, 19, 8, 26), 2, 2)
        p.drawRoundedRect(QRectF(35, 19, 8, 26), 2, 2)
    elif shape is Shape.DIAMOND:
        p.drawPath(_polygon([(32, 3), (61, 32), (32, 61), (3, 32)]))
        _handset(p)
    elif shape is Shape.BELL:
        p.drawPath(_polygon([(32, 4), (61, 58), (3, 58)]))
        _handset(p, dy=8, scale=0.8)
    elif shape is Shape.HOLD:
        points = [
            (32 + 29 * math.cos(math.radians(a)), 32 + 29 * math.sin(math.radians(a)))
            for a in range(-90, 270, 60)
        ]
        p.drawPath(_polygon(points))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("white"))
        p.drawRect(QRectF(22, 20, 7, 24))
        p.drawRect(QRectF(35, 20, 7, 24))
    elif shape is Shape.CLERICAL:
        p.drawRect(box)
        pen = QPen(QColor("white"))
        pen.setWidthF(6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawLine(QPointF(20, 44), QPointF(44, 20))
        p.drawLine(QPointF(18, 48), QPointF(26, 48))
    elif shape is Shape.WARNING:
        p.drawPath(_polygon([(32, 3), (62, 59), (2, 59)]))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("white"))
        p.drawRoundedRect(QRectF(28.5, 20, 7, 22), 3, 3)
        p.drawEllipse(QRectF(28.5, 46, 7, 7))


def _polygon(points: list[tuple[float, float]]) -> QPainterPath:
    path = QPainterPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.closeSubpath()
    return path


def _tick(p: QPainter) -> None:
    pen = QPen(QColor("white"))
    pen.setWidthF(7)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath()
    path.moveTo(19, 33)
    path.lineTo(28, 42)
    path.lineTo(45, 23)
    p.drawPath(path)


def _handset(p: QPainter, dy: float = 0.0, scale: float = 1.0) -> None:
    """A telephone receiver: an arched handle with the ear and mouth pieces at its ends."""
    p.save()
    p.translate(32, 34 + dy)
    p.scale(scale, scale)
    p.rotate(-20)
    pen = QPen(QColor("white"))
    pen.setWidthF(7)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(-15, -10, 30, 24), 25 * 16, 130 * 16)  # the handle, arched upwards
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("white"))
    for x in (-19.0, 7.0):  # ear piece, mouth piece
        p.drawRoundedRect(QRectF(x, -1, 12, 9), 3, 3)
    p.restore()


def _draw_auto_answer_badge(p: QPainter) -> None:
    p.setPen(_outline())
    p.setBrush(QColor("#1565c0"))
    p.drawEllipse(QRectF(0, 36, 28, 28))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(20)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, 36, 28, 28), Qt.AlignmentFlag.AlignCenter, "A")


def _draw_missed_bubble(p: QPainter, missed: int) -> None:
    text = str(missed) if missed < 100 else "99+"
    width = 30 if len(text) == 1 else 38
    rect = QRectF(64 - width, 0, width, 30)
    p.setPen(_outline())
    p.setBrush(QColor("#e53935"))
    p.drawRoundedRect(rect, 15, 15)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(22 if len(text) == 1 else 18)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
