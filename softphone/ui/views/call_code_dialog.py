"""After-call work: pick the call's code, by keyboard alone if you like.

Type to filter, Up/Down to move, Enter to set, Esc to decide later (the
desk keeps a button to come back). A chosen code is never lost: it stays
selected and marked while the platform confirms it, through a refresh of the
list, and after a failure (with the reason shown), until after-call work ends.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot, CallCode, ClericalView
from softphone.ui import icons
from softphone.ui.palette import Tone, badge_style, ink
from softphone.ui.views import text

ID_ROLE = Qt.ItemDataRole.UserRole
NAVIGATION_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}


class CallCodeDialog(QDialog):
    code_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call_code_dialog")
        self.setWindowTitle(self.tr("Call code"))
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setMinimumWidth(360)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)

        title = QLabel(self.tr("How did the call end?"), self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.about = QLabel(self)  # which call: the window behind may be covered
        self.about.setObjectName("call_code_about")
        layout.addWidget(self.about)

        self.countdown = QLabel(self)
        self.countdown.setObjectName("countdown")
        layout.addWidget(self.countdown)

        self.search = QLineEdit(self)
        self.search.setObjectName("code_search")
        self.search.setPlaceholderText(self.tr("Type to search the codes"))
        self.search.setAccessibleName(self.tr("Search the call codes"))
        self.search.setClearButtonEnabled(True)
        search_icon = self.search.addAction(
            icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition
        )
        icons.themed(search_icon, "search")
        layout.addWidget(self.search)

        self.list = QListWidget(self)
        self.list.setObjectName("code_list")
        self.list.setAccessibleName(self.tr("Call codes"))
        self.list.setMinimumHeight(200)
        self.list.setAlternatingRowColors(True)
        self.list.setStyleSheet("QListWidget::item { padding: 5px 6px; }")
        layout.addWidget(self.list, 1)

        self.state = QLabel(self)
        self.state.setObjectName("code_state")
        self.state.setWordWrap(True)
        self.state.hide()
        layout.addWidget(self.state)

        self.buttons = QDialogButtonBox(self)
        self.set_button = QPushButton(self.tr("&Set code"), self)
        icons.themed(self.set_button, "check")
        self.set_button.setObjectName("set_code")
        self.set_button.setDefault(True)
        self.set_button.setAccessibleName(self.tr("Set the selected call code"))
        self.later = QPushButton(self.tr("&Later"), self)
        self.later.setObjectName("later")
        self.later.setAccessibleName(self.tr("Choose the code later"))
        self.later.setToolTip(self.tr("Close; the desk keeps a button to come back (Esc)"))
        self.buttons.addButton(self.set_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.later, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(self.buttons)

        self.selected_id: int | None = None
        """The code under the cursor (kept through filtering and list refreshes)."""
        self.chosen_id: int | None = None
        """The code the agent set (kept until after-call work ends)."""
        self._codes: tuple[CallCode, ...] = ()
        self._clerical = ClericalView()
        self._can_set: str | None = None

        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemActivated.connect(lambda _item: self.choose())
        self.set_button.clicked.connect(self.choose)
        self.later.clicked.connect(self.reject)
        self.search.setFocus()

    # -- keyboard --------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up/Down in the search field move the list, so hands stay on the keys."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in NAVIGATION_KEYS:
                self.list.setFocus()
                self.list.keyPressEvent(event)
                self.search.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose()
                return True
        return super().eventFilter(watched, event)

    # -- rendering -------------------------------------------------------------
    def present(self, snapshot: AgentSnapshot, now: float) -> None:
        clerical = snapshot.clerical or ClericalView()
        self._clerical = clerical
        newly_chosen = clerical.chosen is not None and clerical.chosen.id != self.chosen_id
        if clerical.chosen is not None:
            self.chosen_id = self.selected_id = clerical.chosen.id
        if clerical.call_codes != self._codes or newly_chosen:
            self._codes = clerical.call_codes
            self._fill()
        call = snapshot.call
        if call is not None:
            parts = [text.call_type_label(call.call_type), call.number or "", call.queue or ""]
            self.about.setText(" · ".join(part for part in parts if part))
        self.about.setVisible(call is not None)
        self._can_set = text.why_not(snapshot, AgentCommand.SET_CALL_CODE)
        self._update_button()
        if self.chosen_id is not None and clerical.chosen is not None and clerical.chosen_held:
            self.show_state(
                self.tr("Code “{code}” kept; it is sent when Mediatel is back.").format(
                    code=clerical.chosen.name
                ),
                Tone.WAIT,
            )
        elif self.chosen_id is not None and clerical.chosen is not None:
            self.show_state(
                self.tr("Code “{code}” sent; waiting for the platform to confirm.").format(
                    code=clerical.chosen.name
                ),
                Tone.BUSY,
            )
        self.tick(now)

    def tick(self, now: float) -> None:
        clerical = self._clerical
        parts = []
        if clerical.ends_at is not None:
            left = max(0, math.ceil(clerical.ends_at - now))
            parts.append(
                self.tr("After-call work ends by itself in {time}.").format(
                    time=text.duration(left)
                )
            )
        if clerical.reminder_due:
            parts.append(self.tr("Please choose a code now."))
        elif clerical.reminder_at is not None and clerical.ends_at is None:
            left = max(0, math.ceil(clerical.reminder_at - now))
            parts.append(
                self.tr("Please choose a code within {time}.").format(time=text.duration(left))
            )
        self.countdown.setText(" ".join(parts))
        self.countdown.setVisible(bool(parts))
        deadline = clerical.ends_at if clerical.ends_at is not None else clerical.reminder_at
        urgent = clerical.reminder_due or (deadline is not None and deadline - now <= 10)
        self.countdown.setStyleSheet(badge_style(Tone.BAD) if urgent else "")

    def _fill(self) -> None:
        keep = self.selected_id if self.selected_id is not None else self.chosen_id
        self.list.blockSignals(True)
        self.list.clear()
        for code in self._codes:
            item = QListWidgetItem(code.name)
            item.setData(ID_ROLE, code.id)
            if code.id == self.chosen_id:
                item.setIcon(icons.icon("check"))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._filter(self.search.text(), keep)

    def _filter(self, query: str, keep: int | None = None) -> None:
        """Hide what does not match; keep the selection if it is still shown."""
        wanted = keep if keep is not None else self.selected_id
        needle = query.strip().casefold()
        first_visible: QListWidgetItem | None = None
        target: QListWidgetItem | None = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(needle) and needle not in item.text().casefold()
            item.setHidden(hidden)
            if hidden:
                continue
            first_visible = first_visible or item
            if item.data(ID_ROLE) == wanted:
                target = item
        chosen = target or first_visible
        if chosen is not None:
            self.list.setCurrentItem(chosen)
        else:
            self.list.setCurrentRow(-1)
        if target is None and first_visible is None:
            self.selected_id = None
        self._update_button()

    def _current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None and not current.isHidden():
            self.selected_id = int(current.data(ID_ROLE))
        self._update_button()

    def _update_button(self) -> None:
        item = self.list.currentItem()
        has_choice = item is not None and not item.isHidden()
        if self._can_set is not None:
            self.set_button.setEnabled(False)
            self.set_button.setToolTip(self._can_set)
        elif not has_choice:
            self.set_button.setEnabled(False)
            self.set_button.setToolTip(self.tr("Select a code first"))
        else:
            self.set_button.setEnabled(True)
            self.set_button.setToolTip(self.tr("Set the selected code (Enter)"))

    def show_state(self, sentence: str | None, tone: Tone = Tone.BAD) -> None:
        self.state.setText(sentence or "")
        self.state.setStyleSheet(f"color: {ink(tone).name()};")
        self.state.setVisible(bool(sentence))

    def show_failure(self, sentence: str) -> None:
        """The code did not reach the platform: keep it selected, say why."""
        self.show_state(
            self.tr("The code was not set: {reason} Press Enter to try again.").format(
                reason=sentence
            )
        )
        self.open()

    # -- input -----------------------------------------------------------------
    def choose(self) -> None:
        item = self.list.currentItem()
        if item is None or item.isHidden() or not self.set_button.isEnabled():
            return
        self.chosen_id = int(item.data(ID_ROLE))
        self.selected_id = self.chosen_id
        self.show_state(self.tr("Setting “{code}”…").format(code=item.text()), Tone.BUSY)
        self.code_chosen.emit(self.chosen_id)
