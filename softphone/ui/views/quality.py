"""The live call-quality bar: a coloured bar with a word, figures in the tooltip."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from softphone.core.agent_snapshot import CallQualityView, QualityLevel
from softphone.ui.palette import background, foreground
from softphone.ui.views import text

FILL = {
    QualityLevel.GOOD: 1.0,
    QualityLevel.FAIR: 0.6,
    QualityLevel.POOR: 0.25,
    QualityLevel.UNKNOWN: 0.0,
}


class QualityBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quality_bar")
        self.quality = CallQualityView()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.render_quality(None)

    def sizeHint(self) -> QSize:
        return QSize(160, self.fontMetrics().height() + 6)

    def label(self) -> str:
        return self.tr("Call quality: {level}").format(level=text.quality_label(self.quality.level))

    def render_quality(self, quality: CallQualityView | None) -> None:
        self.quality = quality or CallQualityView()
        parts = []
        q = self.quality
        if q.loss_percent is not None:
            parts.append(self.tr("loss {value:.1f} %").format(value=q.loss_percent))
        if q.jitter_ms is not None:
            parts.append(self.tr("jitter {value:.0f} ms").format(value=q.jitter_ms))
        if q.round_trip_ms is not None:
            parts.append(self.tr("round trip {value:.0f} ms").format(value=q.round_trip_ms))
        if q.mos is not None:
            parts.append(self.tr("MOS {value:.1f}").format(value=q.mos))
        tip = self.label()
        if parts:
            tip += "\n" + ", ".join(parts)
        self.setToolTip(tip)
        self.setAccessibleName(tip)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        groove = self.palette().color(QPalette.ColorRole.Mid)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(groove)
        painter.drawRoundedRect(rect, 4, 4)
        colour = background(text.quality_tone(self.quality.level))
        fill = FILL[self.quality.level]
        if fill:
            painter.setBrush(colour)
            bar = QRectF(rect.x(), rect.y(), rect.width() * fill, rect.height())
            painter.drawRoundedRect(bar, 4, 4)
        tone = text.quality_tone(self.quality.level)
        on_fill = fill > 0.5
        pen = foreground(tone) if on_fill else self.palette().color(QPalette.ColorRole.WindowText)
        painter.setPen(pen)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.label())
        painter.end()
