"""The sign-in panel → ``session.sign_in``; failures back next to their field."""

from __future__ import annotations

from PySide6.QtCore import QObject

from softphone.core.agent_api import SignInRequest
from softphone.core.agent_snapshot import SignIn
from softphone.ui.bridge import AgentBridge, sign_in_field
from softphone.ui.views.main_window import MainWindow
from softphone.ui.views.sign_in import SignInDefaults


class SignInController(QObject):
    def __init__(
        self, bridge: AgentBridge, window: MainWindow, defaults: SignInDefaults | None = None
    ) -> None:
        super().__init__(window)
        self.bridge = bridge
        self.window = window
        self.defaults = defaults or SignInDefaults()
        window.sign_in.prefill(self.defaults)
        window.sign_in.submitted.connect(self.sign_in)
        bridge.sign_in_failed.connect(self.failed)
        window.sign_out_requested.connect(self.sign_out)

    def start(self) -> None:
        """At launch: sign in straight away when the profile and keyring have everything."""
        if self.defaults.sign_in_now and self.bridge.snapshot.sign_in is SignIn.SIGNED_OUT:
            self.window.sign_in.submit()

    def sign_in(self, request: SignInRequest) -> None:
        self.bridge.sign_in(request)

    def failed(self, field: str, message: str) -> None:
        self.window.sign_in.show_error(sign_in_field(field), message)

    def sign_out(self) -> None:
        self.bridge.sign_out()
