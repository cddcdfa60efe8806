"""The desk during after-call work: what is pending and a way back to the codes."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot, ClericalView
from softphone.ui import icons
from softphone.ui.views import text
from softphone.ui.views.commands import CommandTargets


class ClericalPanel(QFrame):
    open_codes = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clerical_panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.commands = CommandTargets()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        self.title = QLabel(self.tr("After-call work"), self)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.chosen = QLabel(self)
        self.chosen.setObjectName("clerical_chosen")
        self.chosen.setWordWrap(True)
        layout.addWidget(self.chosen)
        self.countdown = QLabel(self)
        self.countdown.setObjectName("clerical_countdown")
        layout.addWidget(self.countdown)
        self.button = QPushButton(self.tr("Choose the &call code…"), self)
        icons.themed(self.button, "check")
        self.button.setObjectName("choose_code")
        self.button.setMinimumHeight(40)
        self.button.setAccessibleName(self.tr("Choose the call code"))
        layout.addWidget(self.button)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.commands.bind(
            self.button, AgentCommand.SET_CALL_CODE, self.tr("Open the list of call codes")
        )
        self.button.clicked.connect(self.open_codes)
        self._clerical = ClericalView()

    def present(self, snapshot: AgentSnapshot, now: float) -> None:
        self._clerical = snapshot.clerical or ClericalView()
        self.commands.present(snapshot)
        chosen = self._clerical.chosen
        if chosen is not None and self._clerical.chosen_held:
            self.chosen.setText(
                self.tr("Code “{code}” kept; it is sent when Mediatel is back.").format(
                    code=chosen.name
                )
            )
        elif chosen is not None:
            self.chosen.setText(
                self.tr("Code “{code}” sent; waiting for the platform.").format(code=chosen.name)
            )
        else:
            self.chosen.setText(self.tr("Choose a code for the call you just finished."))
        self.tick(now)

    def tick(self, now: float) -> None:
        clerical = self._clerical
        if clerical.ends_at is not None:
            left = max(0, math.ceil(clerical.ends_at - now))
            line = self.tr("Ends by itself in {time}.").format(time=text.duration(left))
        elif clerical.reminder_due:
            line = self.tr("Please choose a code now.")
        elif clerical.reminder_at is not None:
            left = max(0, math.ceil(clerical.reminder_at - now))
            line = self.tr("Please choose a code within {time}.").format(time=text.duration(left))
        else:
            self.countdown.hide()
            return
        self.countdown.setText(line)
        self.countdown.show()
