"""The call in progress: who, from which queue, how long, and what can be done.

Ringing shows Answer and Reject; a connected call shows hold, mute, the DTMF
pad and hang up. The callTraceID (which a CRM needs to find the recording)
can be copied with one click.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot, CallPhase, CallView, Direction
from softphone.ui import icons
from softphone.ui.shortcuts import Shortcut, key_text
from softphone.ui.views import text
from softphone.ui.views.commands import CommandTargets, hold_command, mute_command
from softphone.ui.views.dial_pad import DialPad
from softphone.ui.views.quality import QualityBar


def _big(label: QLabel, factor: float, bold: bool = True) -> None:
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    label.setFont(font)


class CallPanel(QFrame):
    copy_trace_id = Signal(str)
    open_recording = Signal(str)
    dtmf_pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call_panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.commands = CommandTargets()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        layout.addStretch(0)  # index 0: grows while ringing, to centre the caller
        self._layout = layout

        self.kind = QLabel(self)
        self.kind.setObjectName("call_kind")
        layout.addWidget(self.kind)
        self.number = QLabel(self)
        self.number.setObjectName("call_number")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        _big(self.number, 1.8)
        layout.addWidget(self.number)
        self.timer = QLabel(self)
        self.timer.setObjectName("call_timer")
        _big(self.timer, 1.2, bold=False)
        layout.addWidget(self.timer)
        self.auto_answer = QLabel(self)
        self.auto_answer.setObjectName("auto_answer")
        layout.addWidget(self.auto_answer)

        self.quality = QualityBar(self)
        layout.addWidget(self.quality)

        details = QGridLayout()
        details.setColumnStretch(1, 1)
        self.trace_caption = QLabel(self.tr("Call ID:"), self)
        details.addWidget(self.trace_caption, 0, 0)
        self.trace_id = QLabel(self)
        self.trace_id.setObjectName("call_trace_id")
        self.trace_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details.addWidget(self.trace_id, 0, 1)
        self.copy = QToolButton(self)
        self.copy.setObjectName("copy_trace_id")
        icons.themed(self.copy, "copy")
        self.copy.setAutoRaise(True)
        self.copy.setToolTip(self.tr("Copy the call ID (callTraceID) for the CRM"))
        self.copy.setAccessibleName(self.tr("Copy the call ID"))
        details.addWidget(self.copy, 0, 2)
        self.recording = QLabel(self)
        self.recording.setObjectName("recording_link")
        self.recording.setTextFormat(Qt.TextFormat.RichText)
        self.recording.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.recording.setAccessibleName(self.tr("Open the call's recording"))
        details.addWidget(self.recording, 1, 0, 1, 3)
        layout.addLayout(details)

        self.error = QLabel(self)
        self.error.setObjectName("call_error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addStretch(1)

        ring_row = QHBoxLayout()
        self.answer = self._button("phone", self.tr("&Answer"), "answer", "#ffffff")
        self.answer.setProperty("tone", "good")
        self.reject = self._button("phone-hangup", self.tr("Re&ject"), "reject", "#ffffff")
        self.reject.setProperty("tone", "bad")
        ring_row.addWidget(self.answer, 1)
        ring_row.addWidget(self.reject, 1)
        self.ring_buttons = QWidget(self)
        self.ring_buttons.setLayout(ring_row)
        ring_row.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ring_buttons)

        self.dtmf = DialPad(self, compact=True)
        self.dtmf.setObjectName("dtmf_pad")
        self.dtmf.hide()
        talk_row = QHBoxLayout()
        talk_row.setContentsMargins(0, 0, 0, 0)
        self.hold = self._button("hold", self.tr("&Hold"), "hold")
        self.hold.setCheckable(True)
        self.mute = self._button("mic-off", self.tr("&Mute"), "mute")
        self.mute.setCheckable(True)
        self.keypad = self._button("dialpad", self.tr("&Keypad"), "keypad")
        self.keypad.setCheckable(True)
        self.keypad.setAccessibleName(self.tr("Show the keypad to send digits"))
        self.keypad.setToolTip(self.tr("Send digits (tones) to the call"))
        self.hangup = self._button("phone-hangup", self.tr("Hang &up"), "hangup", "#ffffff")
        self.hangup.setProperty("tone", "bad")
        for button in (self.hold, self.mute, self.keypad):
            talk_row.addWidget(button, 1)
        self.talk_buttons = QWidget(self)
        self.talk_buttons.setLayout(talk_row)
        layout.addWidget(self.dtmf)
        layout.addWidget(self.talk_buttons)
        layout.addWidget(self.hangup)

        self.answer.setAccessibleName(self.tr("Answer the call"))
        self.reject.setAccessibleName(self.tr("Reject the call"))
        self.hangup.setAccessibleName(self.tr("Hang up"))
        self.commands.bind(
            self.answer,
            AgentCommand.ANSWER,
            self.tr("Answer ({key})").format(key=key_text(Shortcut.ANSWER)),
        )
        self.commands.bind(self.reject, AgentCommand.REJECT, self.tr("Reject the call"))
        self.commands.bind(
            self.hangup,
            AgentCommand.HANGUP,
            self.tr("Hang up ({key})").format(key=key_text(Shortcut.HANGUP)),
        )
        self.commands.bind(self.hold, hold_command, self._hold_help)
        self.commands.bind(self.mute, mute_command, self._mute_help)
        self.commands.bind(
            self.keypad, AgentCommand.DTMF, self.tr("Send digits (tones) to the call")
        )
        self.commands.bind(self.dtmf, AgentCommand.DTMF, self.tr("Send digits (tones) to the call"))

        self.copy.clicked.connect(lambda: self.copy_trace_id.emit(self._call_trace_id()))
        self.recording.linkActivated.connect(self.open_recording)
        self.keypad.toggled.connect(self.dtmf.setVisible)
        self.dtmf.pressed.connect(self.dtmf_pressed)
        self._call: CallView | None = None

    def _button(
        self, icon_name: str, label: str, name: str, colour: str | None = None
    ) -> QPushButton:
        button = QPushButton(label, self)
        icons.themed(button, icon_name, colour)
        button.setObjectName(name)
        button.setMinimumHeight(40)
        return button

    def _hold_help(self, command: AgentCommand) -> str:
        key = key_text(Shortcut.HOLD)
        if command is AgentCommand.UNHOLD:
            return self.tr("Take the call off hold ({key})").format(key=key)
        return self.tr("Put the call on hold ({key})").format(key=key)

    def _mute_help(self, command: AgentCommand) -> str:
        key = key_text(Shortcut.MUTE)
        if command is AgentCommand.UNMUTE:
            return self.tr("Turn the microphone back on ({key})").format(key=key)
        return self.tr("Mute the microphone ({key})").format(key=key)

    def _call_trace_id(self) -> str:
        return (self._call.call_trace_id or "") if self._call else ""

    # -- rendering -------------------------------------------------------------
    def present(self, snapshot: AgentSnapshot, now: float) -> None:
        call = snapshot.call
        self._call = call
        self.commands.present(snapshot)
        if call is None:
            return
        parts = [text.call_type_label(call.call_type)]
        if call.queue:
            parts.append(call.queue)
        arrow = "↙" if call.direction is Direction.INBOUND else "↗"
        self.kind.setText("{arrow} {text}".format(arrow=arrow, text=" · ".join(parts)))
        described = self.tr("{kind}, {direction}").format(
            kind=" · ".join(parts), direction=text.direction_label(call.direction)
        )
        self.kind.setToolTip(described)
        self.kind.setAccessibleName(described)
        ringing = call.phase in (CallPhase.RINGING, CallPhase.REQUESTED)
        unknown = self.tr("Number not known yet") if ringing else self.tr("Unknown number")
        self.number.setText(call.number or unknown)
        self.number.setAccessibleName(self.tr("Number: {number}").format(number=self.number.text()))
        self.ring_buttons.setVisible(call.phase is CallPhase.RINGING)
        self.talk_buttons.setVisible(not ringing)
        self.hangup.setVisible(call.phase is not CallPhase.RINGING)
        self.hold.setChecked(call.on_hold)
        self.hold.setText(self.tr("Resume") if call.on_hold else self.tr("&Hold"))
        icons.themed(self.hold, "resume" if call.on_hold else "hold")
        self.hold.setAccessibleName(
            self.tr("Take off hold") if call.on_hold else self.tr("Hold the call")
        )
        self.mute.setChecked(call.muted)
        self.mute.setText(self.tr("Unmute") if call.muted else self.tr("&Mute"))
        icons.themed(self.mute, "mic" if call.muted else "mic-off")
        self.mute.setAccessibleName(
            self.tr("Unmute the microphone") if call.muted else self.tr("Mute the microphone")
        )
        if not snapshot.can(AgentCommand.DTMF):
            self.keypad.setChecked(False)
        self.quality.setVisible(call.phase is CallPhase.TALKING)
        self.quality.render_quality(call.quality)
        self.trace_id.setText(call.call_trace_id or "")
        for widget in (self.trace_caption, self.trace_id, self.copy):
            widget.setVisible(bool(call.call_trace_id))
        self._layout.setStretch(0, 1 if ringing else 0)
        align = Qt.AlignmentFlag.AlignHCenter if ringing else Qt.AlignmentFlag.AlignLeft
        for label in (self.kind, self.number, self.timer, self.auto_answer):
            label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        if call.recording_url:
            self.recording.setText(
                '<a href="{url}">{label}</a>'.format(
                    url=call.recording_url, label=self.tr("Open the recording")
                )
            )
        else:
            self.recording.setText("")
        self.recording.setVisible(bool(call.recording_url))
        self.error.setText(call.error or "")
        self.error.setVisible(bool(call.error))
        self.tick(now)

    def tick(self, now: float) -> None:
        call = self._call
        if call is None:
            return
        if call.phase is CallPhase.REQUESTED:
            line = self.tr("Calling…")
        elif call.phase is CallPhase.RINGING:
            line = self.tr("Ringing {time}").format(
                time=text.duration(now - (call.started_at or now))
            )
        elif call.phase is CallPhase.CONNECTING:
            line = self.tr("Connecting…")
        elif call.phase is CallPhase.ENDED:
            line = self.tr("Call ended")
        elif call.on_hold:
            line = self.tr("Call {time} · on hold").format(
                time=text.duration(now - (call.answered_at or now))
            )
        else:
            line = self.tr("Talking {time}").format(
                time=text.duration(now - (call.answered_at or now))
            )
        if call.remote_hold:
            line += " · " + self.tr("the customer put you on hold")
        self.timer.setText(line)
        if call.auto_answer_at is not None and call.phase is CallPhase.RINGING:
            wait = max(0, math.ceil(call.auto_answer_at - now))
            self.auto_answer.setText(
                self.tr("Answering by itself in {seconds} s").format(seconds=wait)
            )
            self.auto_answer.show()
        else:
            self.auto_answer.hide()
