"""The pause button and its menu: the platform's pauses, resume, predictive.

A pause chosen during a call or after-call work is queued by the core; the
menu then offers to cancel it and the status area says "next: Meeting".
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot, Pause
from softphone.ui import icons
from softphone.ui.views.commands import CommandTargets


class PauseButton(QToolButton):
    pause_chosen = Signal(int)
    resume_requested = Signal()
    cancel_next_requested = Signal()
    predictive_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pause_button")
        self.setText(self.tr("&Pause"))
        icons.themed(self, "pause")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setAccessibleName(self.tr("Pause menu"))
        self.setToolTip(self.tr("Take a pause, resume, or switch predictive calls"))
        self.setMinimumHeight(30)
        self.menu_ = QMenu(self)
        self.menu_.setObjectName("pause_menu")
        self.setMenu(self.menu_)
        self.commands = CommandTargets()
        self.pause_actions: dict[int, QAction] = {}
        self._group = QActionGroup(self)
        self._pauses: tuple[Pause, ...] | None = None
        self._predictive_on = False
        self._current_pause: int | None = None

        self.resume = QAction(self.tr("&Resume work"), self)
        icons.themed(self.resume, "resume")
        self.resume.setObjectName("resume")
        self.resume.triggered.connect(self.resume_requested)
        self.cancel_next = QAction(self.tr("&Cancel the next pause"), self)
        self.cancel_next.setObjectName("cancel_next_pause")
        self.cancel_next.triggered.connect(self.cancel_next_requested)
        self.predictive = QAction(self.tr("Pre&dictive calls"), self)
        icons.themed(self.predictive, "predictive")
        self.predictive.setObjectName("predictive")
        self.predictive.setCheckable(True)
        self.predictive.triggered.connect(self._predictive_clicked)
        self.commands.bind(self.resume, AgentCommand.RESUME, self.tr("End the pause"))
        self.commands.bind(
            self.cancel_next,
            AgentCommand.CANCEL_NEXT_PAUSE,
            self.tr("Stay available after the call"),
        )
        self.commands.bind(
            self.predictive,
            AgentCommand.TOGGLE_PREDICTIVE,
            self.tr("Let the dialler connect customers to you"),
        )

    def _predictive_clicked(self) -> None:
        """Ask; the tick follows the platform's answer (the next snapshot), not the click."""
        self.predictive.setChecked(self._predictive_on)
        self.predictive_requested.emit()

    def _pause_clicked(self, pause_id: int) -> None:
        for other_id, action in self.pause_actions.items():
            action.setChecked(other_id == self._current_pause)
        self.pause_chosen.emit(pause_id)

    def _rebuild(self, pauses: tuple[Pause, ...]) -> None:
        self.menu_.clear()
        self.commands.bindings = [
            b for b in self.commands.bindings if b.target not in self.pause_actions.values()
        ]
        for action in self.pause_actions.values():
            self._group.removeAction(action)
            action.deleteLater()
        self.pause_actions.clear()
        header = self.menu_.addSection(self.tr("Pauses"))
        header.setObjectName("pauses_header")
        for pause in pauses:
            action = QAction(pause.name, self)
            action.setCheckable(True)
            action.setObjectName(f"pause_{pause.id}")
            action.triggered.connect(lambda _checked=False, p=pause.id: self._pause_clicked(p))
            self._group.addAction(action)
            self.menu_.addAction(action)
            self.pause_actions[pause.id] = action
            self.commands.bind(action, AgentCommand.PAUSE, self.tr("Take this pause"))
        if not pauses:
            empty = self.menu_.addAction(self.tr("The platform offers no pauses"))
            empty.setEnabled(False)
        self.menu_.addSeparator()
        self.menu_.addAction(self.resume)
        self.menu_.addAction(self.cancel_next)
        self.menu_.addSeparator()
        self.menu_.addAction(self.predictive)
        self._pauses = pauses

    def present(self, snapshot: AgentSnapshot) -> None:
        # In a pause the Resume button stands beside this one: the icon alone here, so
        # the badge keeps the pause's name whole (the tooltip and Alt+P still work).
        paused = snapshot.pause is not None
        self.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if paused
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        if snapshot.pauses != self._pauses:
            self._rebuild(snapshot.pauses)
        current = snapshot.pause.id if snapshot.pause else None
        self._current_pause = current
        queued = snapshot.next_pause.id if snapshot.next_pause else None
        for pause_id, action in self.pause_actions.items():
            action.setChecked(pause_id == current)
            name = next((p.name for p in snapshot.pauses if p.id == pause_id), "")
            action.setText(
                self.tr("{pause} (next)").format(pause=name) if pause_id == queued else name
            )
        self._predictive_on = snapshot.predictive
        self.predictive.setChecked(snapshot.predictive)
        self.cancel_next.setVisible(snapshot.next_pause is not None)
        self.commands.present(snapshot)
        self.setEnabled(snapshot.sign_in.value == "signed_in")
