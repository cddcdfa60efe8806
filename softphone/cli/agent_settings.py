"""The headless agent's settings: flags and environment → a session and its sign-in.

Passwords may come from the environment (``SOFTPHONE_PASSWORD``,
``SOFTPHONE_SIP_PASSWORD``, ``SOFTPHONE_API_TOKEN``) so they stay out of
``ps``. Plain ``ws://`` and ``http://`` are refused unless ``--insecure``:
the agent's passwords and the customer's voice cross those connections.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import platformdirs

from softphone.core.agent_api import SignInRequest
from softphone.core.agent_ports import SipLogin
from softphone.core.agent_session import AgentSession, SessionPolicy
from softphone.core.auto_answer import AutoAnswerRules
from softphone.core.call_tracker import recording_url_base
from softphone.core.history import CallHistory
from softphone.core.phone import Phone, PhoneConfig, SipAccount
from softphone.media.devices import AudioSettings
from softphone.net.mediatel import MediatelClient, MediatelConfig
from softphone.net.sip_ws import TransportConfig, urls_from

PASSWORD_ENV = "SOFTPHONE_PASSWORD"
SIP_PASSWORD_ENV = "SOFTPHONE_SIP_PASSWORD"
DEFAULT_API_PORT = 8765


@dataclass(frozen=True)
class AgentPlan:
    """What the headless agent will run, checked before anything starts."""

    request: SignInRequest
    api_port: int
    api_origins: tuple[str, ...]
    make_session: Callable[[], AgentSession]
    """Called on the event loop (the session's clock and tasks need one)."""


class SettingsError(ValueError):
    """A setting is missing or wrong; ``str()`` names it."""


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--profile", type=Path, default=None, help="profile file (TOML)")
    add("--mediatel-url", help="Mediatel server, e.g. https://hes.example.com")
    add("--login", help="Mediatel login")
    add("--password", help=f"Mediatel password (or set {PASSWORD_ENV})")
    add("--extension", help="the agent's extension")
    add("--sip-ws", action="append", default=[], metavar="URL", help="SIP WebSocket URL(s)")
    add("--sip-user", help="SIP user (default: the extension)")
    add("--sip-password", help=f"SIP password (or set {SIP_PASSWORD_ENV})")
    add("--sip-realm", help="SIP domain and digest realm")
    add(
        "--api-port",
        type=int,
        default=None,
        help=f"integration API port (default {DEFAULT_API_PORT}; 0: any)",
    )
    add("--api-token", default=None, help="integration API token (or SOFTPHONE_API_TOKEN, keyring)")
    add(
        "--api-origin", action="append", default=[], metavar="ORIGIN", help="allowed CRM web origin"
    )
    add("--auto-answer-ms", type=int, default=None, help="auto-answer delay for announced calls")
    add("--insecure", action="store_true", help="allow plain ws:// and http:// (tests, demos)")
    add("--ca-file", default=None, help="CA bundle to verify the servers")
    add("--history", type=Path, default=None, help="call history file (SQLite)")
    add("--no-audio-device", action="store_true", help="use no sound card")
    add("--mic", default=None, help="microphone device (name or part of it)")
    add("--speaker", default=None, help="speaker device (name or part of it)")
    add(
        "--play", default=None, metavar="FILE.wav", help="send this WAV (looped) instead of the mic"
    )
    add("--record", default=None, metavar="FILE.wav", help="write what the agent hears here")


def _required(value: str | None, flag: str, env: str | None = None) -> str:
    if value:
        return value
    hint = f" (or set {env})" if env else ""
    raise SettingsError(f"{flag} is required{hint}")


def _check_secure(url: str, what: str, insecure: bool) -> None:
    if url.startswith(("ws://", "http://")) and not insecure:
        raise SettingsError(f"{what} {url!r} is not encrypted: use wss:/https: or pass --insecure")


def build_from_args(args: argparse.Namespace) -> AgentPlan:
    """Check the settings now (errors before anything starts); build on the loop later."""
    mediatel_url = _required(args.mediatel_url, "--mediatel-url")
    if "://" not in mediatel_url:
        mediatel_url = f"https://{mediatel_url}"
    _check_secure(mediatel_url, "--mediatel-url", args.insecure)
    login = _required(args.login, "--login")
    password = _required(args.password or os.environ.get(PASSWORD_ENV), "--password", PASSWORD_ENV)
    extension = _required(args.extension, "--extension")
    urls: list[str] = []
    for value in args.sip_ws:
        urls.extend(urls_from(value))
    if not urls:
        raise SettingsError("--sip-ws is required")
    for url in urls:
        if not url.startswith(("ws://", "wss://")):
            raise SettingsError(f"--sip-ws {url!r} is not a WebSocket URL (wss://...)")
        _check_secure(url, "--sip-ws", args.insecure)
    sip_user = args.sip_user or extension
    sip_password = _required(
        args.sip_password or os.environ.get(SIP_PASSWORD_ENV), "--sip-password", SIP_PASSWORD_ENV
    )
    realm = _required(args.sip_realm, "--sip-realm")
    if args.auto_answer_ms is not None and not 0 <= args.auto_answer_ms <= 60_000:
        raise SettingsError("--auto-answer-ms must be 0 to 60000")
    port = DEFAULT_API_PORT if args.api_port is None else args.api_port
    if not 0 <= port <= 65535:
        raise SettingsError("--api-port must be 0 to 65535")
    audio = AudioSettings(
        microphone=args.mic, speaker=args.speaker, null=bool(args.no_audio_device)
    )
    source_factory, sink_factory = _audio_files(args.play, args.record)
    history_path = args.history or Path(
        platformdirs.user_data_dir("softphone", appauthor=False), f"history-{login}.sqlite"
    )
    rules = AutoAnswerRules(delay_ms=args.auto_answer_ms or 0)
    request = SignInRequest(
        login=login,
        password=password,
        extension=extension,
        sip_user=sip_user,
        sip_password=sip_password,
    )

    def make_phone(sip: SipLogin) -> Phone:
        return Phone(
            PhoneConfig(
                account=SipAccount(user=sip.user, domain=realm, password=sip.password),
                transport=TransportConfig(urls=sip.urls, ca_file=args.ca_file),
                audio=audio,
                ring_incoming=not audio.null,
                source_factory=source_factory,
                sink_factory=sink_factory,
            )
        )

    def make_client() -> MediatelClient:
        ca = Path(args.ca_file) if args.ca_file else None
        return MediatelClient(MediatelConfig(url=mediatel_url, ca_bundle=ca))

    def make_session() -> AgentSession:
        return AgentSession(
            mediatel=make_client,
            phone=make_phone,
            sip_urls=tuple(urls),
            policy=replace(SessionPolicy(), auto_answer=rules),
            history=CallHistory(history_path),
            recording_base=recording_url_base(mediatel_url),
        )

    return AgentPlan(request, port, tuple(args.api_origin), make_session)


def _audio_files(play: str | None, record: str | None) -> tuple[Any, Any]:
    source_factory = sink_factory = None
    if play:
        from softphone.media.tracks import read_wav, wav_source

        try:
            read_wav(play)  # fail now, not at the first call
        except (OSError, ValueError) as exc:
            raise SettingsError(f"--play {play}: {exc}") from None

        def source_factory() -> Any:
            return wav_source(play, loop=True)

    if record:
        from softphone.media.tracks import WavRecorder

        def sink_factory() -> Any:
            return WavRecorder(record)

    return source_factory, sink_factory
