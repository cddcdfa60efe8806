"""``softphone`` with no sub-command opens the desktop app, from the agent's profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from softphone import cli
from softphone.cli import desktop
from softphone.core.agent_session import AgentSession

PROFILE = (
    'mediatel_url = "https://hes.example.com"\n'
    'sip_ws = ["wss://pbx.example.com/ws"]\n'
    'login = "olena"\nextension = "1001"\n'
)


class Keyring:
    def __init__(self, stored: dict[str, str]) -> None:
        self.stored = stored

    def get_password(self, service: str, account: str) -> str | None:
        return self.stored.get(account)

    def set_password(self, service: str, account: str, password: str) -> None:
        self.stored[account] = password


@pytest.fixture(autouse=True)
def _no_running_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """A softphone the developer runs must not take these launches' requests."""
    import softphone.ui.app as app

    monkeypatch.setattr(app, "forward_to_running", lambda request: False)


def write_profile(tmp_path: Path, text: str = PROFILE) -> dict[str, str]:
    """The profile, with history kept in ``tmp_path``: never the developer's own."""
    path = tmp_path / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return {"SOFTPHONE_PROFILE": str(path), "SOFTPHONE_DATA_DIR": str(tmp_path / "data")}


def test_the_profile_fills_the_form_and_builds_the_real_session(tmp_path: Path) -> None:
    launch = desktop.prepare(write_profile(tmp_path), keyring=Keyring({}))
    defaults = launch.defaults
    assert (defaults.login, defaults.extension) == ("olena", "1001")
    assert defaults.profile_name == "hes.example.com"
    assert not defaults.password_stored and not defaults.sign_in_now
    assert isinstance(launch.make_session(), AgentSession)


def test_a_remembered_password_signs_in_at_once(tmp_path: Path) -> None:
    launch = desktop.prepare(write_profile(tmp_path), keyring=Keyring({"olena:password": "s3cret"}))
    assert launch.defaults.password_stored and launch.defaults.sign_in_now


def test_no_sub_command_runs_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []
    for name, value in write_profile(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(desktop, "prepare", lambda env, **_: desktop.Launch(object, "defaults"))  # type: ignore[arg-type]
    import softphone.ui.app as app

    def fake_run_app(factory: Any, **kwargs: Any) -> int:
        started.append((factory, kwargs))
        return 0

    monkeypatch.setattr(app, "run_app", fake_run_app)
    assert cli.main([]) == 0
    assert started == [
        (
            object,
            {
                "sign_in_defaults": "defaults",
                "request": [],
                "api": None,
                "preload": desktop.PRELOAD,
            },
        )
    ]


def test_a_broken_profile_is_a_sentence_not_a_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in write_profile(tmp_path, 'sip_ws = "wss://x"\n').items():
        monkeypatch.setenv(name, value)
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "the server profile is not usable" in err
    assert "mediatel_url" in err
    assert "Traceback" not in err


def test_the_app_takes_the_headless_agents_settings_flags() -> None:
    """One definition: every settings flag of ``softphone agent`` is a flag of ``softphone``."""

    def options(parser: Any) -> set[str]:
        return {o for action in parser._actions for o in action.option_strings}

    agent = cli.build_parser("agent")._subparsers._group_actions[0].choices["agent"]
    settings = options(agent) - {"-h", "--help", "--headless", "--log-level"}
    assert "--api-port" in settings and "--login" in settings
    assert settings <= options(cli.build_parser())


def test_flags_sign_in_straight_away_and_serve_the_api_where_they_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the command line to the launch: flags over the app's preferences over the profile."""
    started: list[dict[str, Any]] = []
    profile = write_profile(tmp_path, 'mediatel_url = "https://hes.example.com"\n')
    monkeypatch.delenv("SOFTPHONE_PROFILE", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setattr(desktop, "_preferences", lambda: {"api_port": "9000", "login": "olena"})
    import softphone.cli.display as display
    import softphone.ui.app as app

    monkeypatch.setattr(display, "display_problem", lambda env: None)
    monkeypatch.setattr(app, "run_app", lambda factory, **kw: started.append(kw) or 0)
    argv = ["--profile", profile["SOFTPHONE_PROFILE"], "--login", "taras", "--extension", "2002"]
    argv += ["--password", "pw", "--sip-ws", "wss://pbx.example.com/ws", "--api-port", "0"]
    argv += ["--api-token", "t0ken", "--api-origin", "https://crm.example.com"]
    assert cli.main(argv) == 0
    (launch,) = started
    defaults = launch["sign_in_defaults"]
    assert (defaults.login, defaults.extension) == ("taras", "2002")
    assert defaults.password_stored and defaults.sign_in_now
    api = launch["api"]
    assert (api.port, api.token, api.login) == (0, "t0ken", "taras")
    assert api.origins == ("https://crm.example.com",)
    started.clear()
    assert cli.main(argv[:2]) == 0  # no flags: the app's saved API port, the preference login
    assert started[0]["api"].port == 9000
    assert started[0]["sign_in_defaults"].login == "olena"
    assert not started[0]["sign_in_defaults"].sign_in_now


def test_a_bad_settings_flag_is_a_sentence_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in write_profile(tmp_path).items():
        monkeypatch.setenv(name, value)
    assert cli.main(["--api-port", "70000"]) == 2
    err = capsys.readouterr().err
    assert "--api-port" in err and "70000" in err and "Traceback" not in err
