"""The headless agent's settings: the one configuration model, with flags on top.

Flags map onto the profile's keys (``--auto-answer-ms`` → ``auto_answer_ms``)
and override the profile file and ``SOFTPHONE_*`` variables
(softphone/core/config.py). Secrets come from the keyring or the
environment (``SOFTPHONE_PASSWORD``, ``SOFTPHONE_SIP_PASSWORD``,
``SOFTPHONE_API_TOKEN``); ``--password`` and friends exist for completeness
but show in ``ps``. Plain ``ws://``/``http://`` only with ``--insecure``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from softphone.cli.mic_flags import add_mic_arguments, mic_overrides
from softphone.core.agent_api import SignInRequest
from softphone.core.config import AgentConfig, ConfigError, load_config
from softphone.core.cti_host import ApiSettings
from softphone.core.secrets import ENV, KeyringLike, Secrets, load_secrets

if TYPE_CHECKING:  # the session and the media stack load on the loop, not with the flags
    from softphone.core.agent_session import AgentSession

DEFAULT_API_PORT = 8765


class SettingsError(ValueError):
    """A setting is missing or wrong; ``str()`` names it."""


@dataclass(frozen=True)
class AgentPlan:
    """What the headless agent will run, checked before anything starts."""

    request: SignInRequest
    login: str | None
    api_port: int
    api_token: str | None
    """From the flag, the keyring or the environment; None: make one (cti_discovery)."""
    api_origins: tuple[str, ...]
    make_session: Callable[[], AgentSession]
    """Called on the event loop (the session's clock and tasks need one)."""


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--profile", type=Path, default=None, help="profile file (TOML; default: config dir)")
    add("--mediatel-url", help="Mediatel server, e.g. https://hes.example.com")
    add("--login", help="Mediatel login")
    add("--password", help=f"Mediatel password (better: keyring or {ENV['password']})")
    add("--extension", help="the agent's extension")
    add("--sip-ws", action="append", default=[], metavar="URL", help="SIP WebSocket URL(s)")
    add("--sip-user", help="SIP user (default: the extension)")
    add("--sip-password", help=f"SIP password (better: keyring or {ENV['sip_password']})")
    add("--sip-realm", help="SIP domain and digest realm")
    add(
        "--api-port",
        type=int,
        default=None,
        help=f"integration API port (default {DEFAULT_API_PORT}; 0: any free port)",
    )
    add("--api-token", default=None, help=f"integration API token (or {ENV['api_token']})")
    add(
        "--api-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a CRM web origin allowed to connect, e.g. https://crm.example.com (repeatable)",
    )
    add("--auto-answer-ms", type=int, default=None, help="auto-answer delay for announced calls")
    add("--insecure", action="store_true", help="allow plain ws:// and http:// (tests, demos)")
    add("--ca-file", default=None, help="CA bundle to verify the servers")
    add("--data-dir", default=None, help="call history and pending call codes (default: data dir)")
    add("--no-audio-device", action="store_true", help="use no sound card")
    add("--mic", default=None, help="microphone device (name or part of it)")
    add("--speaker", default=None, help="speaker device (name or part of it)")
    add_mic_arguments(parser)
    add(
        "--play", default=None, metavar="FILE.wav", help="send this WAV (looped) instead of the mic"
    )
    add("--record", default=None, metavar="FILE.wav", help="write what the agent hears here")


def _overrides(args: argparse.Namespace) -> dict[str, str | None]:
    """Flags given → profile keys (None: not given, the lower layers decide)."""

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    port = args.api_port
    return {
        "mediatel_url": args.mediatel_url,
        "login": args.login,
        "extension": args.extension,
        "sip_ws": " ".join(args.sip_ws) or None,
        "sip_user": args.sip_user,
        "sip_realm": args.sip_realm,
        "insecure": "true" if args.insecure else None,
        "ca_file": args.ca_file,
        "auto_answer_ms": text(args.auto_answer_ms),
        "api_port": text(port) if port else None,  # 0 ("any") is the CLI's, not a profile's
        "data_dir": args.data_dir,
        "mic": args.mic,
        "speaker": args.speaker,
        **mic_overrides(args),
    }


@dataclass(frozen=True)
class Settings:
    """The profile, the keyring and the flags resolved: what any front end starts from."""

    config: AgentConfig
    secrets: Secrets
    overrides: dict[str, str | None]
    profile: Path | None
    api: ApiSettings
    phone_options: dict[str, Any]

    def build_session(self, env: Mapping[str, str]) -> AgentSession:
        """The real session (call on the event loop)."""
        from softphone.core.agent_factory import build_session

        return build_session(
            self.config,
            self.secrets,
            profile_path=self.profile,
            overrides=self.overrides,
            env=env,
            phone_options=self.phone_options,
        )


def resolve_settings(
    args: argparse.Namespace,
    env: Mapping[str, str],
    *,
    keyring: KeyringLike | None = None,
    preferences: Mapping[str, str | None] | None = None,
) -> Settings:
    """Flags over ``preferences`` (the desktop app's saved choices) over the profile.

    Raises ``ConfigError`` for a bad profile value; ``SettingsError`` for a bad flag.
    """
    overrides = dict(preferences or {})
    overrides.update({k: v for k, v in _overrides(args).items() if v is not None})
    config = load_config(args.profile, overrides, env)
    secrets = load_secrets(config.login, env, keyring=keyring)
    secrets = replace(
        secrets,
        password=args.password or secrets.password,
        sip_password=args.sip_password or secrets.sip_password,
        api_token=args.api_token or secrets.api_token,
    )
    port = DEFAULT_API_PORT if args.api_port is None else args.api_port
    if args.api_port is None and config.api_port:
        port = config.api_port
    if not 0 <= port <= 65535:
        raise SettingsError("--api-port must be 0 to 65535")
    api = ApiSettings(
        port=port, token=secrets.api_token, login=config.login, origins=tuple(args.api_origin)
    )
    phone_options = _phone_options(args, config.mic, config.speaker)
    return Settings(config, secrets, overrides, args.profile, api, phone_options)


def build_from_args(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> AgentPlan:
    """Check the settings now (errors before anything starts); build on the loop later."""
    env = os.environ if env is None else env
    try:
        settings = resolve_settings(args, env)
    except ConfigError as exc:
        raise SettingsError(_flag_sentence(exc)) from None
    config, secrets = settings.config, settings.secrets
    if not config.provisioning_url:  # else the CRM back end hands them out at sign-in
        _require(config.login, "login")
        _require(config.extension, "extension")
        _require(secrets.password, "password", ENV["password"])
        _require(secrets.sip_password, "sip_password", ENV["sip_password"])
        if not config.sip_ws:
            raise SettingsError("--sip-ws is required (sip_ws in the profile)")
    request = SignInRequest(
        login=config.login or "",
        password=secrets.password or "",
        extension=config.extension or "",
        sip_user=config.sip_user,
        sip_password=secrets.sip_password,
    )
    return AgentPlan(
        request=request,
        login=config.login,
        api_port=settings.api.port,
        api_token=settings.api.token,
        api_origins=settings.api.origins,
        make_session=lambda: settings.build_session(env),
    )


def flag_error(args: argparse.Namespace, exc: ConfigError) -> str | None:
    """The sentence naming the flag when a flag gave the refused value, else None."""
    return _flag_sentence(exc) if _overrides(args).get(exc.field) is not None else None


def _flag_sentence(exc: ConfigError) -> str:
    flag = "--" + exc.field.replace("_", "-")
    return f"{exc.field} ({flag}): {exc.message}"


def _require(value: str | None, key: str, env: str | None = None) -> None:
    if not value:
        hint = f" or set {env}" if env else f" or {key} in the profile"
        raise SettingsError(f"--{key.replace('_', '-')} is required ({hint.strip()})")


def _phone_options(
    args: argparse.Namespace, mic: str | None, speaker: str | None
) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if args.no_audio_device:
        from softphone.media.devices import AudioSettings

        options["audio"] = AudioSettings(microphone=mic, speaker=speaker, null=True)
        options["ring_incoming"] = False
    if args.play:
        from softphone.media.tracks import read_wav, wav_source

        try:
            read_wav(args.play)  # fail now, not at the first call
        except (OSError, ValueError, EOFError) as exc:
            raise SettingsError(f"--play {args.play}: {exc}") from None
        path = args.play
        options["source_factory"] = lambda: wav_source(path, loop=True)
    if args.record:
        from softphone.media.tracks import WavRecorder

        record = args.record
        options["sink_factory"] = lambda: WavRecorder(record)
    return options
