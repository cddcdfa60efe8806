"""The top of the desk: who is signed in, the status with its time, link health.

Status is a coloured badge that also says the status in words and how long
the agent has been in it; Mediatel and SIP each get a dot with a word, so
health never depends on colour alone.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from softphone.core.agent_snapshot import AgentSnapshot, LinkHealth
from softphone.ui.palette import Tone, badge_style, ink
from softphone.ui.views import text


class LinkIndicator(QLabel):
    """ "● Mediatel: connected" with the reason in the tooltip."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setTextFormat(Qt.TextFormat.RichText)

    def present(self, health: LinkHealth) -> None:
        colour = ink(text.link_tone(health.state)).name()
        words = text.link_label(health.state)
        shown = self.name if health.up else f"{self.name}: {words}"
        self.setText(f'<span style="color:{colour}">●</span> {shown}')
        tip = self.tr("{name}: {state}").format(name=self.name, state=words)
        if health.reason:
            tip += "\n" + text.core_sentence(health.reason)
        self.setToolTip(tip)
        self.setAccessibleName(tip)


class ElidedLabel(QLabel):
    """A label that ends in "…" when its text does not fit (the full text in the tooltip).

    With ``shorten`` (a part of the text, such as the agent's name) only that part
    is cut, so what follows it (the extension) stays readable.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._shorten = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, value: str, shorten: str = "") -> None:
        self._full = value
        self._shorten = shorten if shorten and shorten in value else ""
        self.setToolTip(value)
        self.setAccessibleName(value)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _room(self) -> int:
        return self.width()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        width = self._room()
        if metrics.horizontalAdvance(self._full) <= width:
            self.setText(self._full)
            return
        if not self._shorten:
            self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, width))
            return
        rest = metrics.horizontalAdvance(self._full) - metrics.horizontalAdvance(self._shorten)
        room = width - rest
        part = metrics.elidedText(self._shorten, Qt.TextElideMode.ElideRight, room)
        if room <= 0 or not part:
            self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, width))
            return
        self.setText(self._full.replace(self._shorten, part, 1))


class Badge(ElidedLabel):
    """The status badge: whole when there is room; else the pause's name (platform data,
    any length) is cut, never the state's time, so the buttons beside it stay whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _extra(self) -> int:
        """Padding and border around the text (the style sheet's box)."""
        return super().sizeHint().width() - self.fontMetrics().horizontalAdvance(self.text())

    def sizeHint(self) -> QSize:
        width = self._extra() + self.fontMetrics().horizontalAdvance(self._full) + 2
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        shortest = self._full.replace(self._shorten, "…", 1) if self._shorten else self._full
        width = self._extra() + self.fontMetrics().horizontalAdvance(shortest)
        return QSize(width, super().minimumSizeHint().height())

    def _room(self) -> int:
        return self.width() - self._extra()

    def _elide(self) -> None:
        if not self._shorten:  # nothing to cut: whole, the layout makes room next turn
            self.setText(self._full)
            return
        super()._elide()


class StatusArea(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status_area")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        top = QHBoxLayout()
        self.badge = Badge(self)
        self.badge.setObjectName("status_badge")
        font = QFont(self.badge.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.badge.setFont(font)
        top.addWidget(self.badge)
        top.addStretch(1)
        self.tools = QHBoxLayout()
        self.tools.setSpacing(4)
        top.addLayout(self.tools)
        layout.addLayout(top)

        links = QHBoxLayout()
        self.mediatel = LinkIndicator("Mediatel", self)
        self.mediatel.setObjectName("mediatel_health")
        self.sip = LinkIndicator("SIP", self)
        self.sip.setObjectName("sip_health")
        links.addWidget(self.mediatel)
        links.addSpacing(10)
        links.addWidget(self.sip)
        links.addSpacing(10)
        # The queued pause on this row, not beside the badge: there, with the pause and
        # resume buttons, a long state ("На удержании · 0:12") was cut in Russian.
        self.next_pause = QLabel(self)
        self.next_pause.setObjectName("next_pause")
        self.next_pause.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.next_pause.hide()
        links.addWidget(self.next_pause)
        self.agent = ElidedLabel(self)
        self.agent.setObjectName("agent_label")
        self.agent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.agent.setMinimumWidth(60)
        links.addWidget(self.agent, 1)
        layout.addLayout(links)
        self._snapshot = AgentSnapshot()

    def add_tool(self, widget: QWidget) -> None:
        """Put a small control (the pause button) at the right of the badge."""
        self.tools.addWidget(widget)

    def present(self, snapshot: AgentSnapshot, now: float) -> None:
        self._snapshot = snapshot
        self.badge.setStyleSheet(badge_style(text.status_tone(snapshot)))
        name = snapshot.agent_name or snapshot.login or ""
        if snapshot.extension:
            who = self.tr("{name} · ext. {extension}")
            self.agent.set_full_text(
                who.format(name=name, extension=snapshot.extension),
                shorten=name,  # the extension stays whole: it is what a supervisor asks for
            )
        else:
            self.agent.set_full_text(name)
        self.mediatel.present(snapshot.mediatel)
        self.sip.present(snapshot.sip)
        if snapshot.next_pause is not None:
            self.next_pause.setText(self.tr("next: {pause}").format(pause=snapshot.next_pause.name))
            self.next_pause.setStyleSheet(badge_style(Tone.WAIT))
            self.next_pause.setToolTip(
                self.tr("This pause begins when the platform allows it (after the call).")
            )
            self.next_pause.show()
        else:
            self.next_pause.hide()
        self.tick(now)

    def tick(self, now: float) -> None:
        """Refresh the time in state (called every second)."""
        snapshot = self._snapshot
        label = text.status_label(snapshot)
        if snapshot.state_since is not None and snapshot.sign_in.value == "signed_in":
            label = self.tr("{status} · {time}").format(
                status=label, time=text.duration(now - snapshot.state_since)
            )
        pause = snapshot.pause.name if snapshot.pause is not None else ""
        self.badge.set_full_text(label, shorten=pause)
        self.badge.updateGeometry()
        self.badge.setAccessibleName(self.tr("Status: {status}").format(status=label))
