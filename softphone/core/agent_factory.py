"""Build an ``AgentSession`` from configuration: the real Mediatel client and phone.

The desktop app, ``softphone agent --headless`` and the demo all do::

    config = load_config(profile_path, overrides, os.environ)
    secrets = load_secrets(config.login, os.environ)
    session = build_session(config, secrets)
    await session.sign_in(SignInRequest(login, password, extension))

At every sign-in the session first *prepares*: with ``provisioning_url`` set
it fetches the profile from the CRM back end (bearer token, JSON with the
profile's keys plus the credentials and gateway JWT it hands out), and with
``agent_settings_url`` set it reads Mediatel's per-agent settings, which
then decide auto-answer per call type and the clerical reminder. A gateway
403 during sign-in makes the session prepare (and so fetch) once more; one
while signed in (a reconnect refused: the token expired) fetches the profile
again, and the reconnects carry the new token (core/gateway_refresh.py).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from softphone.core.agent_api import SignInRequest
from softphone.core.agent_commands import SignInError, SignInField
from softphone.core.agent_ports import SipLogin
from softphone.core.agent_session import AgentSession, Prepared, SessionPolicy
from softphone.core.agent_snapshot import CallType
from softphone.core.auto_answer import AutoAnswerRules
from softphone.core.call_tracker import recording_url_base
from softphone.core.config import AgentConfig, ConfigError, load_config
from softphone.core.history import CallHistory
from softphone.core.phone import Phone, PhoneConfig, SipAccount
from softphone.core.screen_pop import open_in_browser
from softphone.core.secrets import Secrets, store_secrets
from softphone.media.config import IceServer, MediaConfig, MicProcessingConfig
from softphone.media.devices import AudioSettings
from softphone.net.mediatel import MediatelClient, MediatelConfig
from softphone.net.mediatel.rest import AgentSettings, fetch_agent_settings, get_json, ssl_for
from softphone.net.sip_ws import TransportConfig
from softphone.net.vouch import VouchConfig

log = logging.getLogger(__name__)


def policy_from(config: AgentConfig, server: AgentSettings | None = None) -> SessionPolicy:
    """The session's rules: the profile's, with Mediatel's per-agent settings on top."""
    by_type = {
        CallType.MANUAL: config.auto_answer_manual,
        CallType.INBOUND: config.auto_answer_inbound,
        CallType.PREDICTIVE: config.auto_answer_predictive,
        CallType.OTHER: config.auto_answer_other,
    }
    rules = AutoAnswerRules(config.auto_answer, MappingProxyType(by_type), config.auto_answer_ms)
    reminder = config.clerical_reminder_s
    if server is not None:
        by_server = {t: server.auto_answer.get(t.value, False) for t in CallType}
        delay = server.auto_answer_ms if server.auto_answer_ms is not None else rules.delay_ms
        rules = AutoAnswerRules(rules.enabled, MappingProxyType(by_server), delay, True)
        reminder = server.clerical_reminder_s or reminder
    return SessionPolicy(
        auto_answer=rules,
        invite_grace_s=config.invite_grace_ms / 1000,
        watchdog_s=config.watchdog_s,
        watchdog_pause=config.watchdog_pause,
        clerical_reminder_s=reminder,
        screen_pop=config.screen_pop,
        registrar_poll_s=config.registrar_poll_s,
    )


@dataclass(frozen=True)
class _CurrentToken(VouchConfig):
    """The gateway token as of each handshake, so a token fetched again while signed in
    (a live 401/403) is what the Mediatel and SIP reconnects carry next."""

    current: Callable[[], str | None] = field(default=lambda: None, repr=False, compare=False)

    def jwt(self) -> str:
        return self.current() or super().jwt()


@dataclass
class _Live:
    """The configuration in force; provisioning replaces it at sign-in (and on a live 403)."""

    config: AgentConfig
    secrets: Secrets

    def vouch(self) -> VouchConfig | None:
        token = self.secrets.gateway_token
        if not token:
            return None
        return _CurrentToken(token=token, current=lambda: self.secrets.gateway_token)

    def headers(self) -> dict[str, str]:
        vouch = self.vouch()
        return vouch.headers() if vouch is not None else {}


def build_session(
    config: AgentConfig,
    secrets: Secrets,
    *,
    profile_path: Path | None = None,
    overrides: Mapping[str, str | None] | None = None,
    env: Mapping[str, str] | None = None,
    opener: Callable[[str], object] = open_in_browser,
    phone_options: Mapping[str, Any] | None = None,
    history: CallHistory | None = None,
    keep_secrets: bool = True,
) -> AgentSession:
    """An ``AgentSession`` on a real ``MediatelClient`` and ``Phone`` for ``config``.

    ``profile_path``/``overrides``/``env`` are what ``config`` was loaded from,
    so a provisioned profile is layered the same way. ``phone_options``
    overrides ``PhoneConfig`` fields (the headless agent's ``--play``, tests'
    tone sources). ``keep_secrets=False`` never writes the keyring, even when the
    agent ticks "remember" (the demo's passwords live in memory only).
    """
    live = _Live(config, secrets)
    env = os.environ if env is None else env

    def make_mediatel() -> MediatelClient:
        c = live.config
        return MediatelClient(
            MediatelConfig(
                url=c.mediatel_url,
                vouch=live.vouch(),
                ca_bundle=c.ca_file,
                data_dir=c.state_dir / "mediatel",
            )
        )

    def make_phone(login: SipLogin) -> Phone:
        c = live.config
        domain = c.sip_realm or urlsplit(login.urls[0]).hostname or "localhost"
        password = login.password or live.secrets.sip_password or ""
        vouch = live.vouch()
        phone_config = PhoneConfig(
            account=SipAccount(user=login.user, domain=domain, password=password),
            transport=TransportConfig(
                urls=login.urls,
                ca_file=str(c.ca_file) if c.ca_file else None,
                headers=vouch.headers if vouch is not None else None,
            ),
            audio=AudioSettings(microphone=c.mic, speaker=c.speaker, ring=c.ring),
            media=MediaConfig(
                ice_servers=ice_servers(c, live.secrets.turn_password), mic=mic_processing(c)
            ),
            auto_answer_ms=None,  # the session's policy answers, never the phone by itself
            answer_hints=False,  # ... nor because an INVITE's header asks it to
        )
        return Phone(replace(phone_config, **dict(phone_options or {})))

    async def provision() -> None:
        """Fetch the provisioned profile and put it (and its secrets) in force."""
        # Imported here: only a profile with a provisioning URL ever fetches one.
        from softphone.core.provisioning import fetch_provisioned

        c = live.config
        assert c.provisioning_url is not None
        data = await fetch_provisioned(
            c.provisioning_url, live.secrets.provisioning_token, tls=ssl_for(ca_file=c.ca_file)
        )
        try:
            live.config = load_config(profile_path, overrides or {}, env, provisioned=data)
        except ConfigError as exc:
            raise SignInError(
                SignInField.PROFILE, f"The provisioned profile is not valid: {exc}"
            ) from None
        live.secrets = live.secrets.with_values(data)

    async def reprovision() -> bool:
        """Signed in, the gateway refused a reconnect: True if a new gateway token came."""
        if not live.config.provisioning_url:
            return False
        before = live.secrets.gateway_token
        await provision()
        return live.secrets.gateway_token != before

    async def prepare(request: SignInRequest) -> Prepared:
        if live.config.provisioning_url:
            await provision()
        c = live.config
        if request.remember and keep_secrets:
            store_secrets(
                request.login,
                replace(live.secrets, password=request.password, sip_password=request.sip_password),
            )
        server: AgentSettings | None = None
        if c.agent_settings_url:
            try:
                server = await fetch_agent_settings(
                    c.agent_settings_url, headers=live.headers(), tls=ssl_for(ca_file=c.ca_file)
                )
            except Exception as exc:  # the profile's rules stay; the agent is told
                log.warning("per-agent settings not available: %s", exc)
        if not c.sip_ws:
            raise SignInError(SignInField.PROFILE, "sip_ws: no SIP WebSocket URL is configured")
        filled = replace(
            request,
            login=request.login or c.login or "",
            password=request.password or live.secrets.password or "",
            extension=request.extension or c.extension or "",
            sip_user=request.sip_user or c.sip_user,
            sip_password=request.sip_password or live.secrets.sip_password,
        )
        return Prepared(policy_from(c, server), c.sip_ws, filled)

    async def registrar_list() -> Any:
        c = live.config
        assert c.registrar_list_url is not None
        return await get_json(
            c.registrar_list_url, headers=live.headers(), tls=ssl_for(ca_file=c.ca_file)
        )

    return AgentSession(
        mediatel=make_mediatel,
        phone=make_phone,
        sip_urls=config.sip_ws,
        policy=policy_from(config),
        history=history or CallHistory(config.history_path),
        recording_base=recording_url_base(config.mediatel_url),
        opener=opener,
        prepare=prepare,
        reprovision=reprovision if config.provisioning_url else None,
        registrar_list=registrar_list if config.registrar_list_url else None,
    )


def mic_processing(config: AgentConfig) -> MicProcessingConfig:
    """The profile's microphone switches (noise suppression, gain, echo cancellation)."""
    return MicProcessingConfig(
        noise_suppression=config.noise_suppression,
        auto_gain=config.auto_gain,
        echo_cancellation=config.echo_cancellation,
    )


def ice_servers(config: AgentConfig, turn_password: str | None) -> tuple[IceServer, ...]:
    """The profile's STUN/TURN servers; TURN ones carry the username and the secret password."""
    servers = []
    for url in config.ice_servers:
        if url.startswith(("turn:", "turns:")):
            servers.append(IceServer(url, config.turn_username, turn_password))
        else:
            servers.append(IceServer(url))
    return tuple(servers)
