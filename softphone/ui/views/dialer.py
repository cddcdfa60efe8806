"""Dialling: the queue to call from, the number (typed, pasted or keyed) and Call.

Pasted numbers are cleaned (``phone_number.clean_number``) as they land in the
field; what cannot be dialled is said under the field and keeps Call greyed.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.ui import icons
from softphone.ui.phone_number import NumberProblem, clean_number, number_problem
from softphone.ui.shortcuts import Shortcut, key_text
from softphone.ui.views.commands import CommandTargets
from softphone.ui.views.dial_pad import DialPad


def problem_text(problem: NumberProblem) -> str:
    return {
        NumberProblem.EMPTY: QCoreApplication.translate("Dialer", "Type a number to call."),
        NumberProblem.NOT_DIALABLE: QCoreApplication.translate(
            "Dialer", "A number has only digits, * and #."
        ),
        NumberProblem.TOO_SHORT: QCoreApplication.translate("Dialer", "The number is too short."),
        NumberProblem.TOO_LONG: QCoreApplication.translate("Dialer", "The number is too long."),
    }[problem]


class DialPanel(QWidget):
    dial_requested = Signal(str, object)
    """(number, queue or None)."""
    redial_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dial_panel")
        self.commands = CommandTargets()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        form = QFormLayout()
        self.queue = QComboBox(self)
        self.queue.setObjectName("queue")
        self.queue.setAccessibleName(self.tr("Queue to call from"))
        form.addRow(self.tr("&Queue:"), self.queue)
        layout.addLayout(form)

        row = QHBoxLayout()
        self.number = QLineEdit(self)
        self.number.setObjectName("number")
        self.number.setPlaceholderText(self.tr("Number to call"))
        self.number.setAccessibleName(self.tr("Number to call"))
        self.number.setClearButtonEnabled(True)
        self.number.setMinimumHeight(36)
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.number.setFont(font)
        row.addWidget(self.number, 1)
        self.backspace = QToolButton(self)
        icons.themed(self.backspace, "backspace")
        self.backspace.setAccessibleName(self.tr("Delete the last digit"))
        self.backspace.setToolTip(self.tr("Delete the last digit"))
        self.backspace.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        row.addWidget(self.backspace)
        layout.addLayout(row)

        self.problem = QLabel(self)
        self.problem.setObjectName("number_problem")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)

        self.pad = DialPad(self)
        layout.addWidget(self.pad, 3)

        buttons = QHBoxLayout()
        self.redial = QPushButton(self.tr("&Redial"), self)
        icons.themed(self.redial, "redial")
        self.redial.setObjectName("redial")
        self.redial.setAccessibleName(self.tr("Redial the last number"))
        self.redial.setMinimumHeight(40)
        buttons.addWidget(self.redial)
        self.call = QPushButton(self.tr("Call"), self)
        icons.themed(self.call, "phone", "#ffffff")
        self.call.setObjectName("call")
        self.call.setAccessibleName(self.tr("Call the number"))
        self.call.setMinimumHeight(40)
        self.call.setProperty("tone", "good")
        buttons.addWidget(self.call, 2)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.last_number: str | None = None
        self.commands.bind(
            self.call, AgentCommand.DIAL, self.tr("Call the number (Enter)"), self.number_check
        )
        self.commands.bind(
            self.redial,
            AgentCommand.DIAL,
            lambda _c: self.tr("Call {number} again ({key})").format(
                number=self.last_number or "", key=key_text(Shortcut.REDIAL)
            ),
            self.redial_problem,
        )

        self.pad.pressed.connect(self._key)
        self.backspace.clicked.connect(self.number.backspace)
        self.number.textEdited.connect(self._edited)
        self.number.textChanged.connect(self._validate)
        self.number.returnPressed.connect(self.request_dial)
        self.call.clicked.connect(self.request_dial)
        self.redial.clicked.connect(self.redial_requested)
        self._snapshot = AgentSnapshot()
        self._validate()

    # -- rendering -------------------------------------------------------------
    def present(self, snapshot: AgentSnapshot) -> None:
        self._snapshot = snapshot
        if tuple(self.queue.itemData(i) for i in range(self.queue.count())) != (
            None,
            *snapshot.queues,
        ):
            current = self.queue.currentData()
            self.queue.clear()
            self.queue.addItem(self.tr("Default queue"), None)
            for name in snapshot.queues:
                self.queue.addItem(name, name)
            index = self.queue.findData(current)
            self.queue.setCurrentIndex(max(0, index))
        self.queue.setEnabled(bool(snapshot.queues))
        self.commands.present(snapshot)

    def set_last_number(self, number: str | None) -> None:
        self.last_number = number
        self.commands.present(self._snapshot)

    def number_check(self, _snapshot: AgentSnapshot) -> str | None:
        problem = number_problem(clean_number(self.number.text()))
        return problem_text(problem) if problem is not None else None

    def redial_problem(self, _snapshot: AgentSnapshot) -> str | None:
        return None if self.last_number else self.tr("no number dialled yet")

    # -- input -----------------------------------------------------------------
    def _key(self, digit: str) -> None:
        self.number.insert(digit)
        self.number.setFocus()

    def _edited(self, text: str) -> None:
        """Typing or pasting: keep only what can be dialled, cursor where it was."""
        cleaned = clean_number(text)
        if cleaned != text:
            cursor = len(clean_number(text[: self.number.cursorPosition()]))
            self.number.setText(cleaned)
            self.number.setCursorPosition(cursor)

    def _validate(self) -> None:
        text = clean_number(self.number.text())
        problem = number_problem(text)
        show = problem is not None and problem is not NumberProblem.EMPTY
        self.problem.setText(problem_text(problem) if show and problem else "")
        self.problem.setVisible(show)
        self.commands.present(self._snapshot)

    def queue_choice(self) -> str | None:
        data = self.queue.currentData()
        return str(data) if data else None

    def request_dial(self) -> None:
        number = clean_number(self.number.text())
        if number_problem(number) is not None or not self._snapshot.can(AgentCommand.DIAL):
            return
        self.dial_requested.emit(number, self.queue_choice())
