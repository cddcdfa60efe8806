"""One configuration model for the desktop app, the headless agent and the demo.

Layers, each overriding the one before: the profile file (TOML, in the
platform's config directory unless a path is given), a provisioned profile
(JSON fetched at sign-in from the CRM back end, same keys), environment
variables ``SOFTPHONE_<KEY>`` and finally command-line flags. The CLI maps
its flags onto ``overrides`` by key (``--auto-answer-ms`` -> ``auto_answer_ms``;
None means "flag not given").

Secrets never live here: a profile file holding a password or token is
refused (naming the key), and ``AgentConfig`` has no field for one; they
come from the OS keyring or the environment (secrets.py). Every validation
error names the key it concerns.

The CLI builds both halves from the same flags::

    config = load_config(args.profile, flags, os.environ)     # flags: {"login": ..., ...}
    secrets = load_secrets(config.login, os.environ).with_values(flags)  # --password etc.

Plain ``ws://``/``http://`` endpoints are refused unless ``insecure`` is set:
the agent's password and the customer's voice would travel in clear.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

APP_NAME = "softphone"
PROFILE_FILE = "profile.toml"
ENV_PREFIX = "SOFTPHONE_"
SECRET_KEYS = frozenset(
    {
        "password",
        "sip_password",
        "gateway_token",
        "api_token",
        "provisioning_token",
        "turn_password",
    }
)


class ConfigError(ValueError):
    """A setting is missing or wrong; ``field`` names it (the UI marks it, the CLI prints it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class AgentConfig:
    """Everything but secrets. Field names are the profile's keys."""

    mediatel_url: str
    login: str | None = None
    extension: str | None = None
    sip_ws: tuple[str, ...] = ()
    sip_user: str | None = None
    sip_realm: str | None = None
    insecure: bool = False
    ca_file: Path | None = None
    auto_answer: bool = True
    auto_answer_ms: int = 0
    auto_answer_manual: bool = True
    auto_answer_inbound: bool = True
    auto_answer_predictive: bool = True
    auto_answer_other: bool = False
    invite_grace_ms: int = 2000
    watchdog_s: float = 15.0
    watchdog_pause: str | None = None
    registrar_list_url: str | None = None
    registrar_poll_s: float = 15.0
    clerical_reminder_s: float | None = None
    screen_pop: bool = False
    agent_settings_url: str | None = None
    """Base URL of Mediatel's REST (``GET <url>/v1/agents/self``); None: not used."""
    provisioning_url: str | None = None
    api_port: int | None = None
    ice_servers: tuple[str, ...] = ()
    """STUN/TURN servers (``stun:host:3478``, ``turns:host:443?transport=tcp``); none by default."""
    turn_username: str | None = None
    """For the ``turn:``/``turns:`` servers; the password is the secret ``turn_password``."""
    mic: str | None = None
    speaker: str | None = None
    ring: str | None = None
    noise_suppression: bool = True
    auto_gain: bool = True
    echo_cancellation: bool = False
    """For an agent on speakers; with a headset there is no echo to remove."""
    data_dir: Path | None = None
    """Call history and pending call codes; None: the platform's user data directory."""

    @property
    def state_dir(self) -> Path:
        return self.data_dir or Path(platformdirs.user_data_dir(APP_NAME))

    @property
    def history_path(self) -> Path:
        return self.state_dir / "history.sqlite"


# -- converters: TOML gives native values, env and flags give text -------------------


def _text(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ConfigError(key, f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    return text or None


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(key, f"expected true or false, got {str(value)[:40]!r}")


def _number(kind: type[int] | type[float], low: float, high: float) -> Callable[[str, Any], Any]:
    def convert(key: str, value: Any) -> Any:
        if isinstance(value, bool):
            raise ConfigError(key, "expected a number, got true/false")
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ConfigError(key, f"expected a number, got {str(value)[:40]!r}") from None
        if not low <= number <= high:
            raise ConfigError(key, f"must be between {low:g} and {high:g}, got {number}")
        return number

    return convert


def _optional(convert: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
    def optional(key: str, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return convert(key, value)

    return optional


def _path(key: str, value: Any) -> Path | None:
    text = _text(key, value)
    return Path(text).expanduser() if text else None


def _url_list(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[Any] = [v for v in value.replace(",", " ").split() if v]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ConfigError(key, "expected a list of URLs")
    out = []
    for item in items:
        text = _text(key, item)
        if text:
            out.append(text)
    return tuple(out)


_CONVERT: dict[str, Callable[[str, Any], Any]] = {
    "mediatel_url": _text,
    "login": _text,
    "extension": _text,
    "sip_ws": _url_list,
    "sip_user": _text,
    "sip_realm": _text,
    "insecure": _bool,
    "ca_file": _path,
    "auto_answer": _bool,
    "auto_answer_ms": _number(int, 0, 60_000),
    "auto_answer_manual": _bool,
    "auto_answer_inbound": _bool,
    "auto_answer_predictive": _bool,
    "auto_answer_other": _bool,
    "invite_grace_ms": _number(int, 0, 30_000),
    "watchdog_s": _number(float, 1, 3600),
    "watchdog_pause": _text,
    "registrar_list_url": _text,
    "registrar_poll_s": _number(float, 1, 3600),
    "clerical_reminder_s": _optional(_number(float, 1, 86_400)),
    "screen_pop": _bool,
    "agent_settings_url": _text,
    "provisioning_url": _text,
    "api_port": _optional(_number(int, 1, 65_535)),
    "ice_servers": _url_list,
    "turn_username": _text,
    "mic": _text,
    "speaker": _text,
    "ring": _text,
    "noise_suppression": _bool,
    "auto_gain": _bool,
    "echo_cancellation": _bool,
    "data_dir": _path,
}
KEYS = frozenset(_CONVERT)
assert {f.name for f in fields(AgentConfig)} == KEYS


def default_profile_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / PROFILE_FILE


def read_profile(path: Path) -> dict[str, Any]:
    """The profile file's keys; ConfigError if unreadable, not TOML or holding a secret."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise ConfigError("profile", f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("profile", f"{path} is not valid TOML: {exc}") from None
    for key in data:
        if key in SECRET_KEYS:
            raise ConfigError(
                key,
                f"secrets are not kept in the profile file ({path}); store it in the keyring "
                f"or set {ENV_PREFIX}{key.upper()}",
            )
    return data


def merge(layers: list[Mapping[str, Any]], *, allow_secrets: bool = False) -> dict[str, Any]:
    """Later layers win; None values do not override. Unknown keys are errors."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key not in KEYS and not (allow_secrets and key in SECRET_KEYS):
                raise ConfigError(key, "unknown setting")
            if value is not None:
                out[key] = value
    return out


def build_config(values: Mapping[str, Any]) -> AgentConfig:
    """Convert and validate merged raw values (secrets in ``values`` are ignored here)."""
    converted: dict[str, Any] = {}
    for key, value in values.items():
        if key in SECRET_KEYS:
            continue
        converted[key] = _CONVERT[key](key, value)
    if not converted.get("mediatel_url"):
        raise ConfigError("mediatel_url", "the Mediatel server address is required")
    config = AgentConfig(**converted)
    _validate(config)
    return config


def _validate(config: AgentConfig) -> None:
    secure = {"http": "https", "ws": "wss"}
    url = config.mediatel_url if "://" in config.mediatel_url else f"https://{config.mediatel_url}"
    checks: list[tuple[str, str, tuple[str, ...]]] = [("mediatel_url", url, ("http", "https"))]
    checks += [("sip_ws", u, ("ws", "wss")) for u in config.sip_ws]
    for server in config.ice_servers:
        if server.split(":", 1)[0] not in ("stun", "stuns", "turn", "turns"):
            raise ConfigError(
                "ice_servers", f"{server!r} is not a stun:, stuns:, turn: or turns: URL"
            )
    for key in ("registrar_list_url", "agent_settings_url", "provisioning_url"):
        value = getattr(config, key)
        if value:
            checks.append((key, value, ("http", "https")))
    for key, value, schemes in checks:
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:
            host = None
            parts = None
        if parts is None or parts.scheme not in schemes or not host:
            raise ConfigError(key, f"not a {'/'.join(schemes)} URL: {value!r}")
        if parts.scheme in secure and not config.insecure:
            raise ConfigError(
                key,
                f"{value!r} is not encrypted; use {secure[parts.scheme]}:// "
                "(or set insecure for a local test server)",
            )


def load_config(
    profile_path: Path | None,
    overrides: Mapping[str, str | None],
    env: Mapping[str, str],
    *,
    provisioned: Mapping[str, Any] | None = None,
) -> AgentConfig:
    """File < provisioned profile < ``SOFTPHONE_*`` environment < flags (``overrides``).

    ``profile_path`` None: ``SOFTPHONE_PROFILE`` or the platform's config dir; a
    missing default file is fine (everything from env/flags), a missing given
    one is an error.
    """
    explicit = profile_path is not None or bool(env.get(f"{ENV_PREFIX}PROFILE"))
    path = profile_path or Path(env.get(f"{ENV_PREFIX}PROFILE") or default_profile_path())
    file_values = read_profile(path) if explicit or path.exists() else {}
    env_values = {
        key: env[f"{ENV_PREFIX}{key.upper()}"]
        for key in KEYS
        if f"{ENV_PREFIX}{key.upper()}" in env
    }
    layers: list[Mapping[str, Any]] = [file_values]
    if provisioned is not None:
        layers.append(provisioned)
    layers += [env_values, overrides]
    # Secrets may ride in the provisioned profile and the flags (``--password``); they are
    # dropped here and taken by ``Secrets.with_values`` instead (the file was checked above).
    return build_config(merge(layers, allow_secrets=True))
