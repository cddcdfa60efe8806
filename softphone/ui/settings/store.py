"""Where settings live: QSettings for preferences, the OS keyring for secrets.

Preferences (devices, ring volume, language...) are harmless in a config
file; the integration API token is not, so it goes to the keyring and the
QSettings file never holds it (``SECRET_KEYS`` is checked by a test).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from PySide6.QtCore import QSettings

from softphone.core.secrets import Secrets, load_secrets, store_secrets
from softphone.ui.shortcuts import GLOBAL_KEYS, KEYS

logger = logging.getLogger(__name__)

TOKEN_KEY = "api_token"
"""The integration API token's name among the core's secrets."""

DEFAULTS: dict[str, Any] = {
    "audio/microphone": "",
    "audio/speaker": "",
    "audio/ring_device": "",
    "audio/ringtone": "classic",
    "audio/ring_volume": 80,
    "audio/ring_enabled": True,
    "audio/auto_answer_beep": True,
    "audio/noise_suppression": True,
    "audio/auto_gain": True,
    "audio/echo_cancellation": False,
    "auto_answer/enabled": True,
    "auto_answer/delay_ms": 0,
    "auto_answer/inbound": True,
    "auto_answer/predictive": True,
    "auto_answer/manual": True,
    "integration/port": 8765,
    "general/language": "",
    "general/start_minimised": False,
    "general/start_with_system": False,
    **{f"shortcuts/{name.value}": sequence for name, sequence in KEYS.items()},
    "global_shortcuts/enabled": False,  # taking keys from every other program is opt-in
    **{f"global_shortcuts/{name.value}": sequence for name, sequence in GLOBAL_KEYS.items()},
    "profiles/list": "[]",
    "profiles/current": "",
}


class SecretStore(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...


class KeyringSecrets:
    """The OS keyring, where the core keeps its secrets (``core.secrets``).

    The token is stored per agent login, under the same name the core's
    integration API reads (``Secrets.api_token``); ``login`` tells whose.
    """

    def __init__(self, login: Callable[[], str | None] = lambda: None) -> None:
        self._login = login

    def get(self, key: str) -> str | None:
        value = getattr(load_secrets(self._login(), os.environ), key, None)
        return value if isinstance(value, str) else None

    def set(self, key: str, value: str) -> None:
        if not store_secrets(self._login(), Secrets(**{key: value})):
            logger.warning("no usable keyring: the %s is not remembered", key)


class MemorySecrets:
    """Secrets kept in memory only (tests; a machine without a keyring)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def set(self, key: str, value: str) -> None:
        self.values[key] = value


def new_token() -> str:
    return secrets.token_urlsafe(32)


class UiSettings:
    """Typed access to the preferences with their defaults."""

    def __init__(self, qsettings: QSettings | None = None, secrets_: SecretStore | None = None):
        self.qsettings = qsettings or QSettings()
        self.secrets: SecretStore = secrets_ or KeyringSecrets()
        self.token_listeners: list[Callable[[str], None]] = []
        """Told of a regenerated token (the running integration API takes it at once)."""

    def get(self, key: str) -> Any:
        default = DEFAULTS[key]
        value = self.qsettings.value(key, default)
        if isinstance(default, bool):
            return value in (True, "true", "1", 1)
        if isinstance(default, int):
            try:
                return int(str(value))
            except (TypeError, ValueError):
                return default
        return "" if value is None else str(value)

    def set(self, key: str, value: Any) -> None:
        if key not in DEFAULTS:
            raise KeyError(key)
        self.qsettings.setValue(key, value)

    def token(self) -> str:
        """The integration API token (made on first use, kept in the keyring)."""
        token = self.secrets.get(TOKEN_KEY)
        if not token:
            token = new_token()
            self.secrets.set(TOKEN_KEY, token)
        return token

    def regenerate_token(self) -> str:
        token = new_token()
        self.secrets.set(TOKEN_KEY, token)
        for listener in list(self.token_listeners):
            listener(token)
        return token

    def sync(self) -> None:
        self.qsettings.sync()


CORE_KEYS = {
    "audio/microphone": "mic",
    "audio/speaker": "speaker",
    "audio/ring_device": "ring",
    "audio/noise_suppression": "noise_suppression",
    "audio/auto_gain": "auto_gain",
    "audio/echo_cancellation": "echo_cancellation",
    "auto_answer/enabled": "auto_answer",
    "auto_answer/delay_ms": "auto_answer_ms",
    "auto_answer/inbound": "auto_answer_inbound",
    "auto_answer/predictive": "auto_answer_predictive",
    "auto_answer/manual": "auto_answer_manual",
    "integration/port": "api_port",
}
"""Settings the agent makes here that the core's profile also knows (``core.config``)."""


def core_overrides(settings: UiSettings, env: Mapping[str, str]) -> dict[str, str | None]:
    """The agent's saved choices as profile values for the session, read at start.

    Only what the agent actually saved counts ("System default" leaves the
    profile's device alone), and a ``SOFTPHONE_*`` variable still wins, so
    an administrator's environment beats a preference: profile file <
    these < environment.
    """
    values: dict[str, str | None] = {}
    for key, name in CORE_KEYS.items():
        if not settings.qsettings.contains(key) or f"SOFTPHONE_{name.upper()}" in env:
            continue
        value = settings.get(key)
        if value == "":
            continue
        values[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return values
