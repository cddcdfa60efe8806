"""The main window: the sign-in panel, or the desk (status, banners, tabs).

How another view joins the window (the history, for instance)::

    window.add_tab(history_view, window.tr("History"), "clock")
    window.add_view(history_view)   # if it has present(snapshot, now) / tick(now)

``add_view`` makes the window call ``present(snapshot, now)`` on every new
snapshot and ``tick(now)`` every second; commands stay with a controller.
Menus: ``window.agent_menu`` (sign out, quit) and ``window.call_menu``
(answer, hang up, hold, mute, with their shortcuts) take more actions.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot, CallPhase, SignIn
from softphone.ui import icons
from softphone.ui.palette import Tone, tone_style
from softphone.ui.phone_number import DIALABLE
from softphone.ui.shortcuts import Shortcut, key
from softphone.ui.views import text
from softphone.ui.views.banners import MessageBanner, PauseBanner, ReconnectBanner
from softphone.ui.views.call_panel import CallPanel
from softphone.ui.views.clerical import ClericalPanel
from softphone.ui.views.commands import CommandTargets, hold_command, mute_command
from softphone.ui.views.dialer import DialPanel
from softphone.ui.views.pause_menu import PauseButton
from softphone.ui.views.sign_in import SignInPanel
from softphone.ui.views.status import StatusArea


@runtime_checkable
class Renderable(Protocol):
    def present(self, snapshot: AgentSnapshot, now: float) -> None: ...


class _TabIcon:
    """A tab's icon as something with ``setIcon`` (for ``icons.themed``)."""

    def __init__(self, tabs: QTabWidget, page: QWidget) -> None:
        self.tabs = tabs
        self.page = page

    def alive(self) -> bool:
        return bool(shiboken6.isValid(self.tabs) and shiboken6.isValid(self.page))

    def setIcon(self, icon: QIcon) -> None:
        index = self.tabs.indexOf(self.page)
        if index >= 0:
            self.tabs.setTabIcon(index, icon)


class MainWindow(QMainWindow):
    close_requested = Signal()
    """The agent closed the window (the app hides it to the tray or minimises)."""
    sign_out_requested = Signal()
    quit_requested = Signal()
    answer_requested = Signal()
    hangup_requested = Signal()
    hold_requested = Signal()
    mute_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowTitle(self.tr("Softphone"))
        self.setWindowIcon(icons.icon("app"))
        self.setMinimumSize(380, 600)
        self.resize(440, 720)
        self.allow_close = False
        """Set by the app while quitting, so closing really closes."""
        self.commands = CommandTargets()
        self._views: list[Renderable] = []
        self._snapshot = AgentSnapshot()
        self._now = 0.0
        self._cut_told: str | None = None
        """The cut-call sentence the banner showed (shown once, not at every snapshot)."""

        self.pages = QStackedWidget(self)
        self.setCentralWidget(self.pages)

        self.sign_in = SignInPanel()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.sign_in)
        self.sign_in_page = scroll
        self.pages.addWidget(scroll)

        self.desk = QWidget(self)
        self.desk.setObjectName("desk")
        desk = QVBoxLayout(self.desk)
        desk.setContentsMargins(12, 10, 12, 8)
        desk.setSpacing(8)
        self.status = StatusArea(self.desk)
        self.resume_button = QPushButton(self.tr("&Resume"), self.desk)
        icons.themed(self.resume_button, "resume")
        self.resume_button.setObjectName("resume_button")
        self.resume_button.setAccessibleName(self.tr("Resume work (end the pause)"))
        self.resume_button.setMinimumHeight(30)
        self.status.add_tool(self.resume_button)
        self.pause_button = PauseButton(self.desk)
        self.status.add_tool(self.pause_button)
        desk.addWidget(self.status)
        self.reconnect_banner = ReconnectBanner(self.desk)
        self.pause_banner = PauseBanner(self.desk)
        self.message_banner = MessageBanner(self.desk)
        for banner in (self.reconnect_banner, self.pause_banner, self.message_banner):
            desk.addWidget(banner)

        self.tabs = QTabWidget(self.desk)
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        desk.addWidget(self.tabs, 1)
        self.phone = QStackedWidget()
        self.phone.setObjectName("phone_page")
        self.dialer = DialPanel()
        self.call_panel = CallPanel()
        self.clerical = ClericalPanel()
        self._phone_pages: list[QWidget] = [self.dialer, self.call_panel, self.clerical]
        for page in self._phone_pages:
            holder = QWidget()
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 8, 0, 0)
            layout.addWidget(page)
            self.phone.addWidget(holder)
        self.add_tab(self.phone, self.tr("Phone"), "phone")
        self.pages.addWidget(self.desk)

        self.notice = QLabel(self)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)  # a notice is a sentence or two: read whole, not cut
        self.notice.setContentsMargins(8, 0, 8, 2)
        self.statusBar().addWidget(self.notice, 1)
        self._build_menus()
        self.setStyleSheet(tone_style())
        self.present(AgentSnapshot(), 0.0)

    # -- extension points ------------------------------------------------------
    def add_tab(self, widget: QWidget, title: str, icon_name: str | None = None) -> int:
        """A page next to "Phone" (history...); returns its index."""
        if icon_name:
            index = self.tabs.addTab(widget, title)
            icons.themed(_TabIcon(self.tabs, widget), icon_name)
            return index
        return self.tabs.addTab(widget, title)

    def add_view(self, view: Renderable) -> None:
        """Render ``view`` with every snapshot (and ``tick(now)`` each second, if it has it)."""
        self._views.append(view)
        view.present(self._snapshot, 0.0)

    def shortcut_actions(self) -> dict[Shortcut, QAction]:
        """The action behind each shortcut (window keys and global keys trigger these)."""
        return {
            Shortcut.ANSWER: self.answer_action,
            Shortcut.HANGUP: self.hangup_action,
            Shortcut.HOLD: self.hold_action,
            Shortcut.MUTE: self.mute_action,
            Shortcut.FOCUS_NUMBER: self.focus_action,
            Shortcut.REDIAL: self.redial_action,
        }

    def _action(
        self, name: str, text: str, shortcut: Shortcut | str | None, icon_name: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if icon_name:
            icons.themed(action, icon_name)
        if isinstance(shortcut, Shortcut):
            action.setShortcut(key(shortcut))
        elif shortcut:
            action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        self.agent_menu = self.menuBar().addMenu(self.tr("&Agent"))
        self.sign_out_action = self._action("sign_out", self.tr("Sign &out"), None, "sign-out")
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        self.agent_menu.addAction(self.sign_out_action)
        self.agent_menu.addSeparator()
        self.quit_action = self._action("quit", self.tr("&Quit"), "Ctrl+Q")
        self.quit_action.triggered.connect(self.quit_requested)
        self.agent_menu.addAction(self.quit_action)
        self.commands.bind(
            self.sign_out_action, AgentCommand.LOGOUT, self.tr("Sign out and stop taking calls")
        )

        self.call_menu = self.menuBar().addMenu(self.tr("&Call"))
        self.answer_action = self._action(
            "answer_action", self.tr("&Answer"), Shortcut.ANSWER, "phone"
        )
        self.hangup_action = self._action(
            "hangup_action", self.tr("&Hang up"), Shortcut.HANGUP, "phone-hangup"
        )
        self.hold_action = self._action(
            "hold_action", self.tr("Hold / &resume"), Shortcut.HOLD, "hold"
        )
        self.mute_action = self._action(
            "mute_action", self.tr("&Mute / unmute"), Shortcut.MUTE, "mic-off"
        )
        self.focus_action = self._action(
            "focus_number", self.tr("&Number field"), Shortcut.FOCUS_NUMBER
        )
        self.redial_action = self._action(
            "redial_action", self.tr("&Redial"), Shortcut.REDIAL, "redial"
        )
        for action in (self.answer_action, self.hangup_action, self.hold_action, self.mute_action):
            self.call_menu.addAction(action)
        self.call_menu.addSeparator()
        self.call_menu.addAction(self.focus_action)
        self.call_menu.addAction(self.redial_action)
        self.answer_action.triggered.connect(self.answer_requested)
        self.hangup_action.triggered.connect(self.hangup_requested)
        self.hold_action.triggered.connect(self.hold_requested)
        self.mute_action.triggered.connect(self.mute_requested)
        self.focus_action.triggered.connect(self.focus_number)
        self.redial_action.triggered.connect(self.dialer.redial_requested)
        self.dialer.commands.bind(
            self.redial_action,
            AgentCommand.DIAL,
            self.tr("Call the last number again"),
            self.dialer.redial_problem,
        )
        self.commands.bind(
            self.answer_action, AgentCommand.ANSWER, self.tr("Answer the ringing call")
        )
        self.commands.bind(self.hangup_action, AgentCommand.HANGUP, self.tr("End the call"))
        self.commands.bind(self.hold_action, hold_command, self.tr("Hold or resume the call"))
        self.commands.bind(self.mute_action, mute_command, self.tr("Mute or unmute the microphone"))

    # -- rendering -------------------------------------------------------------
    def present(self, snapshot: AgentSnapshot, now: float) -> None:
        self._snapshot = snapshot
        self._now = now
        signed_in = snapshot.sign_in is SignIn.SIGNED_IN
        self.pages.setCurrentWidget(self.desk if signed_in else self.sign_in_page)
        self.call_menu.menuAction().setVisible(signed_in)
        self.sign_in.present(snapshot)
        self.status.present(snapshot, now)
        self.pause_button.present(snapshot)
        self.resume_button.setVisible(signed_in and snapshot.pause is not None)
        self.reconnect_banner.present(snapshot, now)
        self.pause_banner.present(snapshot)
        self.dialer.present(snapshot)
        self.call_panel.present(snapshot, now)
        self.clerical.present(snapshot, now)
        page: QWidget = self.dialer
        call = snapshot.call
        if snapshot.clerical is not None and (call is None or call.phase is CallPhase.ENDED):
            page = self.clerical  # the session keeps the ended call: the code comes first
        elif call is not None:
            page = self.call_panel
        self.phone.setCurrentIndex(self._phone_pages.index(page))
        self.commands.present(snapshot)
        self._show_notice(text.notice_label(snapshot.notice) if snapshot.notice else "")
        self._tell_cut_call(snapshot)
        title = self.tr("Softphone")
        if signed_in:
            title = self.tr("{status} — Softphone").format(status=text.status_label(snapshot))
        self.setWindowTitle(title)
        for view in self._views:
            view.present(snapshot, now)

    def _tell_cut_call(self, snapshot: AgentSnapshot) -> None:
        """A call cut by a lost server is said on top, in the banner, until the agent
        dismisses it or the next call begins: the agent did not end it and must know."""
        banner = self.message_banner
        if text.cut_call(snapshot.notice) and snapshot.notice != self._cut_told:
            banner.apply_tone(Tone.WAIT)
            banner.show_text(text.notice_label(snapshot.notice or ""))
        elif snapshot.call is not None and banner.tone is Tone.WAIT and not banner.isHidden():
            banner.hide()
        self._cut_told = snapshot.notice if text.cut_call(snapshot.notice) else None

    def _show_notice(self, sentence: str) -> None:
        """The status bar grows to the lines the sentence needs (it sizes to one)."""
        if sentence == self.notice.text():
            return
        self.notice.setText(sentence)
        self.notice.setToolTip(sentence)
        width = self.notice.width() if self.notice.width() > 100 else self.width() - 30
        self.notice.setMinimumHeight(self.notice.heightForWidth(width) if sentence else 0)

    def tick(self, now: float) -> None:
        """Every second: the clocks (time in state, call timer, countdowns)."""
        self._now = now
        self.status.tick(now)
        self.reconnect_banner.tick(now)
        self.call_panel.tick(now)
        self.clerical.tick(now)
        for view in self._views:
            tick = getattr(view, "tick", None)
            if tick is not None:
                tick(now)

    def show_error(self, sentence: str) -> None:
        self.message_banner.apply_tone(Tone.BAD)
        self.message_banner.show_text(sentence)

    def focus_number(self) -> None:
        if self.pages.currentWidget() is self.desk:
            self.tabs.setCurrentWidget(self.phone)
            self.dialer.number.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.dialer.number.selectAll()

    # -- keyboard and closing --------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Digits typed anywhere on the idle desk go to the number field."""
        typed = event.text()
        dialling = (
            self.pages.currentWidget() is self.desk
            and self.phone.currentIndex() == 0
            and not isinstance(self.focusWidget(), QLineEdit)
        )
        if dialling and len(typed) == 1 and typed in DIALABLE:
            self.focus_number()
            self.dialer.number.end(False)
            self.dialer.number.insert(typed)
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        palette_changed = event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
        )
        if palette_changed and shiboken6.isValid(self.tabs):  # not while being destroyed
            # The system switched light <-> dark: every colour and icon anew.
            self.setStyleSheet(tone_style())
            icons.refresh()
            for banner in (self.reconnect_banner, self.pause_banner, self.message_banner):
                banner.apply_tone(banner.tone)
            self.present(self._snapshot, self._now)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.allow_close:
            event.accept()
            return
        event.ignore()
        self.close_requested.emit()
