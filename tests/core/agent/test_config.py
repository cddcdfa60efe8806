"""Configuration: layers, secrets kept out of files, errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from softphone.core.agent_factory import policy_from
from softphone.core.agent_snapshot import CallType
from softphone.core.config import ConfigError, load_config
from softphone.core.secrets import Secrets, load_secrets, store_secrets
from softphone.net.mediatel.rest import parse_agent_settings

BASE = 'mediatel_url = "https://hes.example"\nsip_ws = ["wss://pbx.example/ws"]\n'


def profile(tmp_path: Path, text: str = BASE) -> Path:
    path = tmp_path / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_then_env_then_flags(tmp_path: Path) -> None:
    path = profile(tmp_path, BASE + "auto_answer_ms = 300\nlogin = 'file'\nscreen_pop = true\n")
    env = {"SOFTPHONE_AUTO_ANSWER_MS": "200", "SOFTPHONE_LOGIN": "env"}
    config = load_config(path, {"auto_answer_ms": "100", "login": None}, env)
    assert config.auto_answer_ms == 100  # the flag wins
    assert config.login == "env"  # a flag not given (None) does not override
    assert config.screen_pop is True and config.sip_ws == ("wss://pbx.example/ws",)
    assert load_config(path, {}, {}).auto_answer_ms == 300


def test_microphone_switches_file_then_env_then_flags(tmp_path: Path) -> None:
    path = profile(tmp_path, BASE + "noise_suppression = false\nauto_gain = false\n")
    plain = tmp_path / "plain.toml"
    plain.write_text(BASE, encoding="utf-8")
    defaults = load_config(plain, {}, {})
    assert (defaults.noise_suppression, defaults.auto_gain, defaults.echo_cancellation) == (
        True,
        True,
        False,
    )
    from_file = load_config(path, {}, {})
    assert not from_file.noise_suppression and not from_file.auto_gain
    env = {"SOFTPHONE_AUTO_GAIN": "on", "SOFTPHONE_ECHO_CANCELLATION": "yes"}
    config = load_config(path, {"noise_suppression": "true", "echo_cancellation": None}, env)
    assert config.noise_suppression  # the flag beats the file
    assert config.auto_gain  # the environment beats the file
    assert config.echo_cancellation  # a flag not given leaves the environment's
    with pytest.raises(ConfigError) as bad:
        load_config(path, {"echo_cancellation": "sometimes"}, {})
    assert bad.value.field == "echo_cancellation" and "true or false" in str(bad.value)


def test_default_profile_location_and_missing_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    env = {"SOFTPHONE_MEDIATEL_URL": "https://hes.example"}
    assert load_config(None, {}, env).mediatel_url == "https://hes.example"
    default = tmp_path / "config" / "softphone" / "profile.toml"
    default.parent.mkdir(parents=True)
    default.write_text(BASE + "login = 'from-default-file'\n", encoding="utf-8")
    assert load_config(None, {}, {}).login == "from-default-file"
    with pytest.raises(ConfigError) as missing:
        load_config(tmp_path / "nope.toml", {}, env)
    assert missing.value.field == "profile"


@pytest.mark.parametrize(
    ("text", "overrides", "field", "words"),
    [
        (BASE + "password = 'x'\n", {}, "password", "keyring"),
        (BASE + "colour = 'red'\n", {}, "colour", "unknown setting"),
        (BASE, {"auto_answer_ms": "soon"}, "auto_answer_ms", "expected a number"),
        (BASE, {"auto_answer_ms": "-5"}, "auto_answer_ms", "between"),
        (BASE, {"screen_pop": "maybe"}, "screen_pop", "true or false"),
        (BASE, {"mediatel_url": "http://hes.example"}, "mediatel_url", "not encrypted"),
        (BASE, {"sip_ws": "ws://pbx/ws"}, "sip_ws", "not encrypted"),
        (BASE, {"sip_ws": "https://pbx/ws"}, "sip_ws", "not a ws/wss URL"),
        ('sip_ws = ["wss://a/ws"]\n', {}, "mediatel_url", "required"),
        (BASE + "auto_answer_ms = [\n", {}, "profile", "not valid TOML"),
    ],
)
def test_errors_name_the_field(
    tmp_path: Path, text: str, overrides: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(profile(tmp_path, text), overrides, {})
    assert error.value.field == field and words in str(error.value)


def test_insecure_allows_plain_endpoints(tmp_path: Path) -> None:
    config = load_config(
        profile(tmp_path),
        {"insecure": "yes", "mediatel_url": "http://127.0.0.1:1", "sip_ws": "ws://127.0.0.1:2/ws"},
        {},
    )
    assert config.mediatel_url == "http://127.0.0.1:1" and config.sip_ws == ("ws://127.0.0.1:2/ws",)


def test_provisioned_profile_sits_between_file_and_env(tmp_path: Path) -> None:
    provisioned = {"login": "prov", "extension": "1001", "gateway_token": "jwt", "password": "pw"}
    config = load_config(
        profile(tmp_path), {}, {"SOFTPHONE_EXTENSION": "2002"}, provisioned=provisioned
    )
    assert config.login == "prov" and config.extension == "2002"
    secrets = Secrets(api_token="api").with_values(provisioned)
    assert (secrets.gateway_token, secrets.password, secrets.api_token) == ("jwt", "pw", "api")
    assert "jwt" not in repr(secrets) and "pw" not in repr(secrets)


class FakeKeyring:
    def __init__(self, broken: bool = False) -> None:
        self.store: dict[tuple[str, str], str] = {}
        self.broken = broken

    def get_password(self, service: str, username: str) -> str | None:
        if self.broken:
            raise RuntimeError("locked")
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.broken:
            raise RuntimeError("locked")
        self.store[(service, username)] = password


def test_secrets_from_keyring_then_environment() -> None:
    ring = FakeKeyring()
    assert store_secrets("demo", Secrets(password="kp"), keyring=ring)
    env = {"SOFTPHONE_PASSWORD": "ep", "SOFTPHONE_SIP_PASSWORD": "es"}
    secrets = load_secrets("demo", env, keyring=ring)
    assert secrets.password == "kp" and secrets.sip_password == "es"
    broken = FakeKeyring(broken=True)
    assert load_secrets("demo", env, keyring=broken).password == "ep"
    assert not store_secrets("demo", Secrets(password="x"), keyring=broken)


def test_per_agent_settings_decide_auto_answer(tmp_path: Path) -> None:
    config = load_config(profile(tmp_path, BASE + "auto_answer_ms = 700\n"), {}, {})
    assert policy_from(config).auto_answer.delay_for(CallType.INBOUND) == 700
    server = parse_agent_settings(
        {
            "error": {"code": 200},
            "result": [
                {
                    "ClientApp": {
                        "AutoAnswer": {"Predictive": "1", "Inbound": 0, "Manual": 1, "Time": "250"},
                        "ClericalReminder": "45",
                    }
                }
            ],
        }
    )
    policy = policy_from(config, server)
    assert policy.auto_answer.from_server and policy.clerical_reminder_s == 45
    assert policy.auto_answer.delay_for(CallType.PREDICTIVE) == 250
    assert policy.auto_answer.delay_for(CallType.INBOUND) is None
    assert policy.auto_answer.delay_for(CallType.OTHER) is None


def test_secret_flags_go_to_secrets_not_to_the_config(tmp_path: Path) -> None:
    flags = {"password": "flag-pw", "sip_password": None, "login": "demo"}
    config = load_config(profile(tmp_path), flags, {})
    assert config.login == "demo" and "flag-pw" not in repr(config)
    secrets = load_secrets("demo", {"SOFTPHONE_SIP_PASSWORD": "env-sip"}, keyring=FakeKeyring())
    secrets = secrets.with_values(flags)
    assert (secrets.password, secrets.sip_password) == ("flag-pw", "env-sip")


def test_stun_and_turn_servers_reach_the_phone_with_the_secret_password(tmp_path: Path) -> None:
    """An admin behind a strict firewall lists a TURN server; its password stays a secret."""
    from softphone.core.agent_factory import ice_servers

    text = BASE + (
        'ice_servers = ["stun:stun.example:3478", "turns:turn.example:443?transport=tcp"]\n'
        'turn_username = "agents"\n'
    )
    config = load_config(profile(tmp_path, text), {}, {})
    servers = ice_servers(
        config, load_secrets(None, {"SOFTPHONE_TURN_PASSWORD": "s3"}).turn_password
    )
    assert [(s.urls, s.username, s.credential) for s in servers] == [
        ("stun:stun.example:3478", None, None),
        ("turns:turn.example:443?transport=tcp", "agents", "s3"),
    ]
    with pytest.raises(ConfigError) as error:
        load_config(profile(tmp_path, BASE + 'turn_password = "x"\n'), {}, {})
    assert error.value.field == "turn_password"
    with pytest.raises(ConfigError) as error:
        load_config(profile(tmp_path, BASE + 'ice_servers = ["http://x"]\n'), {}, {})
    assert error.value.field == "ice_servers"
