"""Which store the app picks, decided without importing keyring (``core.secret_store``).

The direct Secret Service path must be taken only where keyring itself
would have used its SecretService backend; these pin the decisions, and the
one thing computed in keyring's stead (its config folder) against keyring's
own function.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from keyring.util import platform_ as keyring_platform

from softphone.core.secret_store import direct_wanted, keyring_config_root, keyring_configured

DESKTOP = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}


@pytest.mark.parametrize(
    "env",
    [
        {"XDG_CONFIG_HOME": "/srv/agent/config"},
        {"XDG_CONFIG_HOME": ""},  # empty counts as unset for keyring
        {},
    ],
)
def test_the_config_folder_is_keyrings_own(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert keyring_config_root(os.environ, "Linux") == keyring_platform._config_root_Linux()
    assert keyring_config_root(os.environ) == keyring_platform.config_root()


@pytest.mark.parametrize(
    "env",
    [
        {"LOCALAPPDATA": r"C:\Users\olena\AppData\Local", "ProgramData": r"C:\ProgramData"},
        {"ProgramData": r"C:\ProgramData"},
        {},
    ],
)
def test_the_windows_config_folder_is_keyrings_own(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LOCALAPPDATA", "ProgramData"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert keyring_config_root(os.environ, "Windows") == keyring_platform._config_root_Windows()


def test_a_linux_desktop_talks_to_the_secret_service_directly(tmp_path: Path) -> None:
    env = {**DESKTOP, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    assert direct_wanted(env, "linux")
    for system in ("darwin", "win32"):
        assert not direct_wanted(env, system)
    assert not direct_wanted({"XDG_CONFIG_HOME": env["XDG_CONFIG_HOME"]}, "linux")  # no bus


def test_what_the_admin_configured_for_keyring_wins(tmp_path: Path) -> None:
    env = {**DESKTOP, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    assert not keyring_configured(env)
    backend = {**env, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}
    assert keyring_configured(backend) and not direct_wanted(backend, "linux")
    prop = {**env, "KEYRING_PROPERTY_PREFERRED_COLLECTION": "/org/freedesktop/secrets/x"}
    assert keyring_configured(prop) and not direct_wanted(prop, "linux")
    rc = tmp_path / "config" / "python_keyring" / "keyringrc.cfg"
    rc.parent.mkdir(parents=True)
    rc.write_text("[backend]\ndefault-keyring=keyring.backends.fail.Keyring\n")
    assert keyring_configured(env) and not direct_wanted(env, "linux")


def test_kde_with_python_dbus_is_left_to_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keyring ranks KWallet over the Secret Service there: the old app saved to KWallet."""
    env = {**DESKTOP, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    kde = {**env, "XDG_CURRENT_DESKTOP": "KDE"}
    (tmp_path / "site" / "dbus").mkdir(parents=True)
    (tmp_path / "site" / "dbus" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))  # python-dbus is installed
    assert not direct_wanted(kde, "linux")
    assert direct_wanted({**env, "XDG_CURRENT_DESKTOP": "GNOME"}, "linux")
