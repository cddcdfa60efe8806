"""Saved settings put in force at once: sound, auto-answer rules, the integration API.

The settings dialog only writes the store; this controller, told after each
save, hands what changed to whoever runs it: the session (through
``AgentApi.set_audio`` and ``set_auto_answer_rules``: devices and the
microphone switches from the next call, the ring at once, the rules for the
next announced call) and the integration API (a new port, a new token).
Only the language still waits for a restart.

Only what the agent changed *while this app runs* is applied, so a flag or a
``SOFTPHONE_*`` variable the app started with keeps winning over a
preference the agent did not touch; a key set by such a variable is never
taken from the dialog (the environment is the administrator's, as at start).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from softphone.core.agent_api import AgentApi
from softphone.core.agent_snapshot import CallType
from softphone.ui.aio import spawn
from softphone.ui.settings.store import CORE_KEYS, UiSettings

if TYPE_CHECKING:
    from softphone.core.audio_preferences import AudioPreferences
    from softphone.core.auto_answer import AutoAnswerRules
    from softphone.core.cti_host import IntegrationApi

log = logging.getLogger(__name__)

AUDIO = {
    "audio/microphone": "microphone",
    "audio/speaker": "speaker",
    "audio/ring_device": "ring_device",
    "audio/ring_volume": "ring_volume",
    "audio/ring_enabled": "ring_enabled",
    "audio/ringtone": "ringtone",
    "audio/noise_suppression": "noise_suppression",
    "audio/auto_gain": "auto_gain",
    "audio/echo_cancellation": "echo_cancellation",
    "audio/auto_answer_beep": "auto_answer_beep",
}
"""Store key → ``AudioPreferences`` field."""
RING_ONLY = {"audio/ring_volume", "audio/ring_enabled", "audio/ringtone", "audio/auto_answer_beep"}
"""Sound choices the profile does not know (``core_overrides`` cannot carry them at start)."""
AUTO_ANSWER_TYPES = {
    "auto_answer/inbound": CallType.INBOUND,
    "auto_answer/predictive": CallType.PREDICTIVE,
    "auto_answer/manual": CallType.MANUAL,
}
AUTO_ANSWER = ("auto_answer/enabled", "auto_answer/delay_ms", *AUTO_ANSWER_TYPES)
PORT = "integration/port"
WATCHED = (*AUDIO, *AUTO_ANSWER, PORT)


class LiveSettings:
    """Applies each save of the settings dialog to the running session and API."""

    def __init__(
        self,
        settings: UiSettings,
        session: AgentApi,
        *,
        api: Callable[[], IntegrationApi | None],
        report: Callable[[str], None],
        env: Mapping[str, str],
    ) -> None:
        """``api`` gives the app's integration API (None: not served); ``report`` shows a
        sentence on the window."""
        self.settings = settings
        self.session = session
        self._api = api
        self._report = report
        self._env = env
        self._applied = self._read()
        # the saved ring and beep, at start:
        session.set_audio(audio_preferences(self._applied, RING_ONLY))
        self.pending: asyncio.Task[Any] | None = None
        """The last change of the API in progress (a test awaits it)."""
        settings.token_listeners.append(self.token_changed)

    def _read(self) -> dict[str, Any]:
        return {key: self.settings.get(key) for key in WATCHED}

    def _changed(self, now: dict[str, Any]) -> set[str]:
        changed = {key for key in WATCHED if now[key] != self._applied[key]}
        for key in list(changed):
            name = CORE_KEYS.get(key)
            if name is not None and f"SOFTPHONE_{name.upper()}" in self._env:
                log.info("%s is set by SOFTPHONE_%s: the saved value waits", key, name.upper())
                changed.discard(key)
        return changed

    def apply(self) -> None:
        """After a save: what changed since the last one goes to the session and the API."""
        now = self._read()
        changed = self._changed(now)
        self._applied = now
        if changed & set(AUDIO):
            self.session.set_audio(audio_preferences(now, changed))
        server_rules = self.session.snapshot.auto_answer.from_server  # not the agent's to change
        if changed & set(AUTO_ANSWER) and not server_rules:
            self.session.set_auto_answer_rules(self._rules(now, changed))
        if PORT in changed:
            self.pending = spawn(
                self.move_api(int(now[PORT])), self._report, "integration API port"
            )

    def _rules(self, now: dict[str, Any], changed: set[str]) -> AutoAnswerRules:
        """The rules in force, with what the agent changed."""
        from softphone.core.auto_answer import AutoAnswerRules

        view = self.session.snapshot.auto_answer
        by_type = dict(view.by_type)
        for key, call_type in AUTO_ANSWER_TYPES.items():
            if key in changed:
                by_type[call_type] = bool(now[key])
        return AutoAnswerRules(
            enabled=bool(now["auto_answer/enabled"])
            if "auto_answer/enabled" in changed
            else view.enabled,
            by_type=MappingProxyType(by_type),
            delay_ms=int(now["auto_answer/delay_ms"])
            if "auto_answer/delay_ms" in changed
            else view.delay_ms,
        )

    async def move_api(self, port: int) -> None:
        """The integration API on ``port``; a taken port is a sentence, the old one stays."""
        api = self._api()
        if api is None:
            return  # the app serves none (the demo, tests)
        try:
            server = await api.move(port)
        except OSError as exc:
            log.warning("integration API not moved: %s", exc)
            self._report(
                QCoreApplication.translate(
                    "LiveSettings", "The integration API did not move: {0}."
                ).format(exc)
            )
            return
        except Exception as exc:  # AlreadyRunning: another agent of this user holds it
            log.warning("integration API not started: %s", exc)
            self._report(
                QCoreApplication.translate(
                    "LiveSettings", "The integration API for your CRM is off: {0}."
                ).format(exc)
            )
            return
        log.info("integration API now on %s", server.url)

    def token_changed(self, token: str) -> None:
        """A regenerated token: the API takes only it, its clients connect again."""
        api = self._api()
        if api is not None:
            self.pending = spawn(api.set_token(token), self._report, "integration API token")


def audio_preferences(values: Mapping[str, Any], keys: set[str]) -> AudioPreferences:
    """The store's ``values`` of ``keys`` as the session's sound choices (others None)."""
    from softphone.core.audio_preferences import AudioPreferences

    chosen: dict[str, Any] = {}
    for key, name in AUDIO.items():
        if key not in keys:
            continue
        value = values[key]
        if key == "audio/ring_volume":
            value = max(0, min(100, int(value))) / 100
        elif key == "audio/ringtone":
            value = Path("") if value in ("", "classic") else Path(str(value))
        chosen[name] = value
    return AudioPreferences(**chosen)
