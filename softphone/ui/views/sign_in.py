"""The sign-in panel: server profile, login, password, extension, SIP account.

Each failure the core reports (``SignInError.field``) is shown under the
field it concerns, in the core's words, and that field gets the focus.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.core.agent_api import SignInRequest
from softphone.core.agent_commands import SignInField
from softphone.core.agent_snapshot import AgentSnapshot, SignIn
from softphone.ui import icons
from softphone.ui.palette import Tone, ink
from softphone.ui.views import text


@dataclass(frozen=True)
class SignInDefaults:
    """What the profile and the keyring already know, to fill the form with."""

    login: str | None = None
    extension: str | None = None
    password_stored: bool = False
    """A password is in the keyring (or the environment): the field may stay empty."""
    sip_user: str | None = None
    sip_required: bool = False
    """The profile does not provision SIP: the agent's own SIP account is needed."""
    profile_name: str | None = None
    sign_in_now: bool = False
    """Everything needed is known: sign in at start, without waiting for a click."""


class FieldError(QLabel):
    """A sentence under a field, hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, text: str | None) -> None:
        self.setText(text or "")
        self.setStyleSheet(f"color: {ink(Tone.BAD).name()};")
        self.setVisible(bool(text))


class SignInPanel(QWidget):
    submitted = Signal(object)
    """A ``SignInRequest`` the agent asked to sign in with."""
    profile_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sign_in_panel")
        outer = QVBoxLayout(self)
        # 20 px sides: the SIP box's title is long in Ukrainian and Russian, and the
        # form must fit the window's default 440 px without a sideways scroll.
        outer.setContentsMargins(20, 24, 20, 24)
        outer.addStretch(1)

        logo = QLabel(self)
        logo.setPixmap(icons.pixmap("app", 56, scale=self.devicePixelRatioF()))
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        outer.addWidget(logo)
        title = QLabel(self.tr("Sign in to take calls"), self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        outer.addWidget(title)
        outer.addSpacing(12)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        self.profile = QComboBox(self)
        self.profile.setAccessibleName(self.tr("Server profile"))
        self.profile.currentTextChanged.connect(self.profile_chosen)
        self.login = QLineEdit(self)
        self.login.setAccessibleName(self.tr("Login"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.extension = QLineEdit(self)
        self.extension.setAccessibleName(self.tr("Extension"))
        self.extension.setPlaceholderText(self.tr("e.g. 1001"))

        self.errors: dict[SignInField, FieldError] = {f: FieldError(self) for f in SignInField}
        self.errors[SignInField.PROFILE].setObjectName("error_profile")
        form.addRow(
            self.tr("&Server:"),
            self._with_errors(
                self.profile,
                self.errors[SignInField.PROFILE],
                self.errors[SignInField.SERVER],
                self.errors[SignInField.GATEWAY],
            ),
        )
        form.addRow(self.tr("&Login:"), self.login)
        form.addRow(
            self.tr("&Password:"), self._with_errors(self.password, self.errors[SignInField.LOGIN])
        )
        form.addRow(
            self.tr("&Extension:"),
            self._with_errors(self.extension, self.errors[SignInField.EXTENSION]),
        )
        outer.addLayout(form)

        self.sip_box = QGroupBox(
            self.tr("SIP account (when your administrator gave you one)"), self
        )
        self.sip_box.setCheckable(True)
        self.sip_box.setChecked(False)
        self.sip_box.setAccessibleName(self.tr("Use my own SIP account"))
        sip_form = QFormLayout(self.sip_box)
        self.sip_user = QLineEdit(self.sip_box)
        self.sip_user.setAccessibleName(self.tr("SIP user"))
        self.sip_password = QLineEdit(self.sip_box)
        self.sip_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sip_password.setAccessibleName(self.tr("SIP password"))
        sip_form.addRow(self.tr("SIP &user:"), self.sip_user)
        sip_form.addRow(self.tr("SIP pass&word:"), self.sip_password)
        outer.addWidget(self.sip_box)
        outer.addWidget(self.errors[SignInField.SIP])

        self.remember = QCheckBox(self.tr("&Remember me on this computer"), self)
        self.remember.setToolTip(self.tr("The password is kept in the system's keyring."))
        self.remember.setAccessibleName(self.tr("Remember me"))
        outer.addWidget(self.remember)

        self.general_error = FieldError(self)
        self.general_error.setObjectName("sign_in_error")
        outer.addWidget(self.general_error)

        row = QHBoxLayout()
        row.addStretch(1)
        self.button = QPushButton(self.tr("Sign in"), self)
        icons.themed(self.button, "check")
        self.button.setDefault(True)
        self.button.setMinimumHeight(36)
        self.button.setMinimumWidth(140)
        self.button.setAccessibleName(self.tr("Sign in"))
        row.addWidget(self.button)
        outer.addLayout(row)
        outer.addStretch(2)

        self.button.clicked.connect(self.submit)
        for edit in (self.login, self.password, self.extension, self.sip_user, self.sip_password):
            edit.returnPressed.connect(self.submit)
            edit.textChanged.connect(self._update_button)
        self._busy = False
        self._password_stored = False
        self._update_button()

    def _with_errors(self, field: QWidget, *errors: FieldError) -> QWidget:
        """``field`` with its error sentences right under it (no space while hidden)."""
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        for error in errors:
            column.addWidget(error)
        box.setFocusProxy(field)
        return box

    # -- rendering -------------------------------------------------------------
    def set_profiles(self, names: list[str], current: str | None = None) -> None:
        self.profile.blockSignals(True)
        self.profile.clear()
        self.profile.addItems(names)
        if current:
            self.profile.setCurrentText(current)
        self.profile.blockSignals(False)
        self.profile.setEnabled(len(names) > 1)

    def prefill(self, defaults: SignInDefaults) -> None:
        """Fill in what the profile and the keyring know; the agent can still change it."""
        if defaults.profile_name:
            self.set_profiles([defaults.profile_name])
        if defaults.login:
            self.login.setText(defaults.login)
        if defaults.extension:
            self.extension.setText(defaults.extension)
        if defaults.sip_user:
            self.sip_user.setText(defaults.sip_user)
        if defaults.sip_required:
            self.set_sip_required(True)
        self._password_stored = defaults.password_stored
        if defaults.password_stored:
            self.password.setPlaceholderText(self.tr("saved on this computer"))
            self.remember.setChecked(True)
        self._update_button()

    def set_sip_required(self, required: bool) -> None:
        """The profile does not provision SIP: the SIP account must be filled in."""
        self.sip_box.setCheckable(not required)
        self.sip_box.setChecked(True)

    def present(self, snapshot: AgentSnapshot) -> None:
        self._busy = snapshot.sign_in in (SignIn.SIGNING_IN, SignIn.SIGNING_OUT)
        if snapshot.sign_in is SignIn.SIGNING_IN:
            self.button.setText(self.tr("Signing in…"))
        elif snapshot.sign_in is SignIn.SIGNING_OUT:
            self.button.setText(self.tr("Signing out…"))
        else:
            self.button.setText(self.tr("Sign in"))
        if snapshot.sign_in_error and not any(e.isVisible() for e in self.errors.values()):
            self.general_error.show_error(text.core_sentence(snapshot.sign_in_error))
        self._update_button()

    def show_error(self, field: SignInField, message: str) -> None:
        """The core's sentence under the field it concerns; that field gets the focus."""
        self.clear_errors()
        self.errors[field].show_error(message)
        focus = {
            SignInField.SERVER: self.profile,
            SignInField.GATEWAY: self.profile,
            SignInField.PROFILE: self.profile,
            SignInField.LOGIN: self.password,
            SignInField.EXTENSION: self.extension,
            SignInField.SIP: self.sip_password if self.sip_box.isChecked() else self.extension,
        }[field]
        if field is SignInField.SIP and not self.sip_box.isChecked():
            self.sip_box.setChecked(True)
            focus = self.sip_user
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(focus, QLineEdit):
            focus.selectAll()

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.show_error(None)
        self.general_error.show_error(None)

    # -- input -----------------------------------------------------------------
    def request(self) -> SignInRequest:
        own_sip = self.sip_box.isChecked()
        return SignInRequest(
            login=self.login.text().strip(),
            password=self.password.text(),
            extension=self.extension.text().strip(),
            sip_user=(self.sip_user.text().strip() or None) if own_sip else None,
            sip_password=(self.sip_password.text() or None) if own_sip else None,
            remember=self.remember.isChecked(),
        )

    def _missing(self) -> str | None:
        if not self.login.text().strip():
            return self.tr("Type your login.")
        if not self.password.text() and not self._password_stored:
            return self.tr("Type your password.")
        if not self.extension.text().strip():
            return self.tr("Type your extension.")
        return None

    def _update_button(self) -> None:
        missing = self._missing()
        self.button.setEnabled(not self._busy and missing is None)
        self.button.setToolTip(missing or self.tr("Sign in (Enter)"))

    def submit(self) -> None:
        if self._busy or self._missing() is not None:
            return
        self.clear_errors()
        self.submitted.emit(self.request())
