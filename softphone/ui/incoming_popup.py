"""The incoming-call popup: on top of everything, never taking the keyboard.

An agent typing notes in the CRM must not have the next call's popup
swallow their keystrokes (or worse, a space bar press "answer" it), so the
popup is a tool window that stays on top, does not accept focus and is shown
without activation. It only reads snapshots: it appears while a call rings,
counts down when the call will be answered by itself, and closes as soon as
the call is answered, rejected or gone.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot, CallPhase, CallView
from softphone.ui.notifications import Notifier
from softphone.ui.palette import tone_style
from softphone.ui.views import text


def ringing_call(snapshot: AgentSnapshot) -> CallView | None:
    """The call the popup is for, if one is ringing now."""
    call = snapshot.call
    return call if call is not None and call.phase is CallPhase.RINGING else None


class IncomingCallPopup(QFrame):
    """Shows the ringing call; Answer/Reject, or the auto-answer countdown."""

    answer_requested = Signal()
    reject_requested = Signal()
    activated = Signal()
    """The agent clicked the popup itself: bring the main window up."""

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._call_id: str | None = None
        self._answer_at: float | None = None
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("incomingCallPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#incomingCallPopup { border: 2px solid #2f6fd9; border-radius: 8px; }"
            "#popupNumber { font-size: 20pt; font-weight: bold; }"
            "#popupTitle { font-weight: bold; color: #2f6fd9; }\n" + tone_style()
        )
        self.setAccessibleName(self.tr("Incoming call"))

        self.title = QLabel()
        self.title.setObjectName("popupTitle")
        self.number = QLabel()
        self.number.setObjectName("popupNumber")
        self.details = QLabel()
        self.countdown = QLabel()
        self.answer_button = QPushButton(self.tr("Answer"))
        self.answer_button.setObjectName("popupAnswer")
        self.answer_button.setProperty("tone", "good")  # the window's Answer, same colours
        self.reject_button = QPushButton(self.tr("Reject"))
        self.reject_button.setObjectName("popupReject")
        self.reject_button.setProperty("tone", "bad")
        for button in (self.answer_button, self.reject_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.answer_button.setAccessibleName(self.tr("Answer the call"))
        self.reject_button.setAccessibleName(self.tr("Reject the call"))
        self.answer_button.clicked.connect(self.answer_requested)
        self.reject_button.clicked.connect(self.reject_requested)

        buttons = QHBoxLayout()
        buttons.addWidget(self.answer_button)
        buttons.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.number)
        layout.addWidget(self.details)
        layout.addWidget(self.countdown)
        layout.addLayout(buttons)
        self.setMinimumWidth(320)

        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._update_countdown)

    @property
    def call_id(self) -> str | None:
        return self._call_id

    def set_snapshot(self, snapshot: AgentSnapshot) -> None:
        """Show, update or close the popup for ``snapshot``."""
        call = ringing_call(snapshot)
        if call is None:
            self._close()
            return
        self._call_id = call.id
        self._answer_at = call.auto_answer_at
        self.title.setText(text.call_type_label(call.call_type))
        self.number.setText(call.number or self.tr("Unknown number"))
        self.details.setText(
            self.tr("Queue: {queue}").format(queue=call.queue) if call.queue else ""
        )
        auto = call.auto_answer_at is not None
        self.answer_button.setVisible(not auto)
        self.reject_button.setVisible(not auto)
        for button, command in (
            (self.answer_button, AgentCommand.ANSWER),
            (self.reject_button, AgentCommand.REJECT),
        ):
            why_not = text.why_not(snapshot, command)
            button.setEnabled(why_not is None)
            button.setToolTip(why_not or "")
        self.countdown.setVisible(auto)
        self._update_countdown()
        if auto:
            self._tick.start()
        else:
            self._tick.stop()
        if not self.isVisible():
            self.adjustSize()
            self._place()
            self.show()

    def _update_countdown(self) -> None:
        if self._answer_at is None:
            return
        left = max(0, round(self._answer_at - self._clock()))
        self.countdown.setText(
            self.tr("Answering automatically in {seconds} s").format(seconds=left)
        )

    def _close(self) -> None:
        self._call_id = None
        self._answer_at = None
        self._tick.stop()
        self.hide()

    def _place(self) -> None:
        """Bottom right of the screen's free area, above the task bar."""
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        self.move(area.right() - self.width() - 16, area.bottom() - self.height() - 16)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.activated.emit()
        super().mousePressEvent(event)


class IncomingCallAlerts(QObject):
    """The popup and the OS notification for each ringing call, from snapshots.

    One notification per call (not per snapshot: a ringing call publishes
    several); it is withdrawn when the call stops ringing. ``activated``
    fires when the agent clicks either.
    """

    activated = Signal()

    def __init__(self, popup: IncomingCallPopup, notifier: Notifier | None = None) -> None:
        super().__init__(popup)
        self.popup = popup
        self._notifier = notifier
        self._notified: str | None = None
        popup.activated.connect(self.activated)
        if notifier is not None:
            notifier.activated.connect(self.activated)

    def set_snapshot(self, snapshot: AgentSnapshot) -> None:
        self.popup.set_snapshot(snapshot)
        call = ringing_call(snapshot)
        if call is None:
            if self._notified is not None and self._notifier is not None:
                self._notifier.withdraw()
            self._notified = None
            return
        if call.id == self._notified:
            return
        self._notified = call.id
        if self._notifier is not None:
            body = call.number or self.tr("Unknown number")
            if call.queue:
                body = self.tr("{number} in queue {queue}").format(number=body, queue=call.queue)
            self._notifier.notify_call(text.call_type_label(call.call_type), body)
