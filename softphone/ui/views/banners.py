"""Strips across the desk for what the agent must not miss.

``ReconnectBanner``: a link is down and the core is retrying (why, and when
the next attempt is). ``PauseBanner``: a pause the agent did not choose
(Force Pause, the registration watchdog) with its reason. ``MessageBanner``:
the last command that did not work, until dismissed or replaced.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from softphone.core.agent_snapshot import AgentSnapshot, LinkHealth, LinkState
from softphone.ui import icons
from softphone.ui.palette import Tone, background, foreground
from softphone.ui.views import text


class Banner(QFrame):
    """An icon, a sentence, and an optional close button, on a toned background."""

    closed = Signal()

    def __init__(self, icon_name: str, tone: Tone, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tone = tone
        self.icon_name = icon_name
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.icon = QLabel(self)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.close_button = QToolButton(self)
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName(self.tr("Dismiss"))
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.clicked.connect(self._dismiss)
        self.close_button.hide()
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.apply_tone(tone)
        self.hide()

    def apply_tone(self, tone: Tone) -> None:
        self.tone = tone
        fg = foreground(tone)
        self.setStyleSheet(
            f"Banner {{ background-color: {background(tone).name()}; border-radius: 6px; }}"
            f" QLabel {{ color: {fg.name()}; }}"
        )
        self.icon.setPixmap(icons.pixmap(self.icon_name, 18, fg, self.devicePixelRatioF()))
        self.close_button.setIcon(icons.icon("close", fg))

    def show_text(self, text: str | None) -> None:
        self.label.setText(text or "")
        self.setAccessibleName(text or "")
        self.setVisible(bool(text))

    def _dismiss(self) -> None:
        self.hide()
        self.closed.emit()


class ReconnectBanner(Banner):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("reconnect", Tone.WAIT, parent)
        self.setObjectName("reconnect_banner")
        self._snapshot = AgentSnapshot()

    def present(self, snapshot: AgentSnapshot, now: float) -> None:
        self._snapshot = snapshot
        self.tick(now)

    def tick(self, now: float) -> None:
        lines = [
            line
            for line in (
                self._line(self.tr("Mediatel"), self._snapshot.mediatel, now),
                self._line(self.tr("SIP"), self._snapshot.sip, now),
            )
            if line
        ]
        failed = any(
            h.state is LinkState.FAILED for h in (self._snapshot.mediatel, self._snapshot.sip)
        )
        if (self.tone is Tone.BAD) != failed:
            self.apply_tone(Tone.BAD if failed else Tone.WAIT)
        self.show_text("\n".join(lines))

    def _line(self, name: str, health: LinkHealth, now: float) -> str | None:
        if health.state is LinkState.RECONNECTING:
            line = self.tr("Reconnecting to {link}…").format(link=name)
            if health.reason:
                reason = text.core_sentence(health.reason)
                line += " " + self.tr("({reason})").format(reason=reason)
            if health.retry_at is not None:
                wait = max(0, math.ceil(health.retry_at - now))
                if wait > 0:
                    line += " " + self.tr("Next attempt in {seconds} s.").format(seconds=wait)
                else:
                    line += " " + self.tr("Trying now.")
            return line
        if health.state is LinkState.FAILED:
            line = self.tr("No connection to {link}.").format(link=name)
            if health.reason:
                line += " " + text.core_sentence(health.reason)
            return line
        return None


class PauseBanner(Banner):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("warning", Tone.BAD, parent)
        self.setObjectName("pause_banner")

    def present(self, snapshot: AgentSnapshot) -> None:
        pause = snapshot.pause
        if pause is None or not (pause.forced or pause.by_watchdog or pause.reason):
            self.show_text(None)
            return
        if pause.by_watchdog:
            head = self.tr(
                "Paused because the phone line is down; you become available again by yourself when it is back."  # noqa: E501
            )
        elif pause.forced:
            head = self.tr("The platform put you in a pause ({pause}).").format(pause=pause.name)
        else:
            head = self.tr("Pause: {pause}.").format(pause=pause.name)
        if pause.reason:
            head += " " + self.tr("Reason: {reason}.").format(
                reason=text.core_sentence(pause.reason).rstrip(".")
            )
        self.show_text(head)


class MessageBanner(Banner):
    """The latest sentence from a command that did not work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("warning", Tone.BAD, parent)
        self.setObjectName("message_banner")
        self.close_button.show()
