"""The desk's controls → session commands: dialling, the call, pauses."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from softphone.core.agent_commands import AgentCommand
from softphone.ui.bridge import AgentBridge
from softphone.ui.views import text
from softphone.ui.views.commands import hold_command, mute_command
from softphone.ui.views.main_window import MainWindow


class DeskController(QObject):
    def __init__(self, bridge: AgentBridge, window: MainWindow) -> None:
        super().__init__(window)
        self.bridge = bridge
        self.window = window
        dialer = window.dialer
        dialer.dial_requested.connect(self.dial)
        dialer.redial_requested.connect(self.redial)

        call = window.call_panel
        call.answer.clicked.connect(lambda: self.send(AgentCommand.ANSWER))
        call.reject.clicked.connect(lambda: self.send(AgentCommand.REJECT))
        call.hangup.clicked.connect(lambda: self.send(AgentCommand.HANGUP))
        call.hold.clicked.connect(self.toggle_hold)
        call.mute.clicked.connect(self.toggle_mute)
        call.dtmf_pressed.connect(self.dtmf)
        call.copy_trace_id.connect(self.copy_trace_id)
        call.open_recording.connect(self.open_recording)

        window.answer_requested.connect(lambda: self.send(AgentCommand.ANSWER))
        window.hangup_requested.connect(lambda: self.send(AgentCommand.HANGUP))
        window.hold_requested.connect(self.toggle_hold)
        window.mute_requested.connect(self.toggle_mute)

        pauses = window.pause_button
        pauses.pause_chosen.connect(self.bridge.pause)
        pauses.resume_requested.connect(lambda: self.send(AgentCommand.RESUME))
        window.resume_button.clicked.connect(lambda: self.send(AgentCommand.RESUME))
        pauses.cancel_next_requested.connect(lambda: self.send(AgentCommand.CANCEL_NEXT_PAUSE))
        pauses.predictive_requested.connect(lambda: self.send(AgentCommand.TOGGLE_PREDICTIVE))

    def send(self, command: AgentCommand) -> None:
        """Only what the snapshot allows (a shortcut may fire on a disabled action)."""
        snapshot = self.bridge.snapshot
        if not snapshot.can(command):
            self.window.show_error(
                QCoreApplication.translate("Desk", "Not now: {reason}").format(
                    reason=text.why_not(snapshot, command) or ""
                )
            )
            return
        self.bridge.command(command)

    def toggle_hold(self) -> None:
        self.send(hold_command(self.bridge.snapshot))
        self._resync_toggles()

    def toggle_mute(self) -> None:
        self.send(mute_command(self.bridge.snapshot))
        self._resync_toggles()

    def _resync_toggles(self) -> None:
        """A click flips a checkable button; only the next snapshot may really flip it."""
        call = self.bridge.snapshot.call
        self.window.call_panel.hold.setChecked(bool(call and call.on_hold))
        self.window.call_panel.mute.setChecked(bool(call and call.muted))

    def dial(self, number: str, queue: str | None) -> None:
        self.window.dialer.set_last_number(number)
        self.bridge.dial(number, queue)

    def redial(self) -> None:
        number = self.window.dialer.last_number
        if number:
            self.bridge.dial(number, self.window.dialer.queue_choice())

    def dtmf(self, digit: str) -> None:
        self.bridge.dtmf(digit)

    def copy_trace_id(self, trace_id: str) -> None:
        if not trace_id:
            return
        QGuiApplication.clipboard().setText(trace_id)
        self.window.statusBar().showMessage(
            QCoreApplication.translate("Desk", "Call ID copied: {id}").format(id=trace_id), 4000
        )

    def open_recording(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))
