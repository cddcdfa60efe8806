"""Which store keeps the secrets: the Secret Service itself on a Linux desktop, else keyring.

``keyring`` finds its backend by importing every backend module and
scanning the entry points of every installed distribution
(importlib_metadata, jaraco.*, configparser…): 6.3 MiB and 81 modules in the
running app, paid at every start only to end up, on a Linux desktop, at its
SecretService backend, which is a thin layer over ``secretstorage``
(1.1 MiB, 27 modules). So on Linux with a reachable Secret Service the app
talks to it through ``secretstorage`` the very way that backend does: the
default collection, the same item attributes and label, unlock-or-locked.
A password the old app saved is found, and one saved now is readable by
keyring (tests/core/test_secret_store_service.py checks both ways).

Everything else still goes through keyring: macOS, Windows, a Linux without
a Secret Service (KWallet, keyrings.alt), a KDE desktop where keyring would
prefer KWallet, and any keyring the admin configured (``PYTHON_KEYRING_BACKEND``,
``KEYRING_PROPERTY_*``, or a ``keyringrc.cfg`` in keyring's config folder):
what they chose wins over what is cheap.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import platform
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from jeepney.io.blocking import DBusConnection
    from secretstorage import Collection

log = logging.getLogger(__name__)

KEYRING_APPLICATION = "Python keyring library"
"""keyring's ``SecretService.Keyring.appid``: the ``application`` attribute of its items."""
DIRECT_NAME = "Secret Service (direct)"


class KeyringLike(Protocol):
    def get_password(self, service_name: str, username: str) -> str | None: ...
    def set_password(self, service_name: str, username: str, password: str) -> None: ...


class SecretStore(KeyringLike, Protocol):
    """A store the app opened itself: it can also delete, say what it is, and be closed."""

    @property
    def name(self) -> str: ...
    def delete_password(self, service_name: str, username: str) -> None: ...
    def close(self) -> None: ...


class StoreLocked(Exception):
    """The collection stayed locked (the agent dismissed the unlock prompt)."""


def keyring_config_root(env: Mapping[str, str], system: str | None = None) -> Path:
    """The folder keyring reads ``keyringrc.cfg`` from (``keyring.util.platform_.config_root``).

    Computed here because importing keyring to ask it is the very cost this
    module avoids; tests/core/test_secret_store.py compares it with keyring's.
    """
    if (system or platform.system()) == "Windows":
        return Path(env.get("LOCALAPPDATA", env.get("ProgramData", "."))) / "Python Keyring"
    root = env.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(root, "python_keyring")


def keyring_configured(env: Mapping[str, str]) -> bool:
    """The admin told keyring which backend (or backend property) to use."""
    if "PYTHON_KEYRING_BACKEND" in env or any(k.startswith("KEYRING_PROPERTY_") for k in env):
        return True
    return (keyring_config_root(env) / "keyringrc.cfg").exists()


def _keyring_prefers_kwallet(env: Mapping[str, str]) -> bool:
    """keyring ranks KWallet (5.1) over the Secret Service (5) on KDE when python-dbus is there."""
    on_kde = "KDE" in env.get("XDG_CURRENT_DESKTOP", "").split(":")
    return on_kde and importlib.util.find_spec("dbus") is not None


def direct_wanted(env: Mapping[str, str], system: str = sys.platform) -> bool:
    """Whether keyring, left to itself, would pick its SecretService backend here."""
    return (
        system.startswith("linux")
        and bool(env.get("DBUS_SESSION_BUS_ADDRESS"))
        and not keyring_configured(env)
        and not _keyring_prefers_kwallet(env)
    )


class SecretServiceStore:
    """keyring's SecretService backend, without keyring: one D-Bus connection until ``close``."""

    name = DIRECT_NAME

    def __init__(self, connection: DBusConnection) -> None:
        self._bus = connection

    @classmethod
    def connect(cls) -> SecretServiceStore | None:
        """A store on the session bus's Secret Service; None if there is none to talk to."""
        try:
            import secretstorage
        except ImportError:  # a Linux install without it: keyring decides
            return None
        # Any failure means "not viable", as keyring's own backend check treats it (a
        # vanished bus socket is a FileNotFoundError that secretstorage lets through).
        try:
            connection = secretstorage.dbus_init()
        except Exception as exc:
            log.debug("no session bus for the Secret Service: %s", type(exc).__name__)
            return None
        try:
            available = secretstorage.check_service_availability(connection)
        except Exception as exc:
            log.debug("Secret Service availability unknown: %s", type(exc).__name__)
            available = False
        if not available:
            connection.close()
            return None
        return cls(connection)

    def _collection(self) -> Collection:
        import secretstorage

        collection = secretstorage.get_default_collection(self._bus)
        if collection.is_locked():
            collection.unlock()  # the desktop's unlock prompt, as keyring shows it
            if collection.is_locked():
                raise StoreLocked("the keyring stayed locked")
        return collection

    @staticmethod
    def _query(service_name: str, username: str) -> dict[str, str]:
        return {"username": username, "service": service_name}

    def get_password(self, service_name: str, username: str) -> str | None:
        for item in self._collection().search_items(self._query(service_name, username)):
            if item.is_locked():
                item.unlock()
                if item.is_locked():
                    raise StoreLocked("the password's entry stayed locked")
            return item.get_secret().decode("utf-8")
        return None

    def set_password(self, service_name: str, username: str, password: str) -> None:
        attributes = {**self._query(service_name, username), "application": KEYRING_APPLICATION}
        label = f"Password for '{username}' on '{service_name}'"
        self._collection().create_item(label, attributes, password.encode("utf-8"), replace=True)

    def delete_password(self, service_name: str, username: str) -> None:
        for item in self._collection().search_items(self._query(service_name, username)):
            item.delete()
            return
        raise LookupError("no such password")

    def close(self) -> None:
        self._bus.close()


class KeyringStore:
    """The ``keyring`` package (whatever backend it chose), with the store's extra methods."""

    def __init__(self, keyring: Any) -> None:
        self._keyring = keyring

    @property
    def name(self) -> str:
        backend = self._keyring.get_keyring()
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def get_password(self, service_name: str, username: str) -> str | None:
        value = self._keyring.get_password(service_name, username)
        return None if value is None else str(value)

    def set_password(self, service_name: str, username: str, password: str) -> None:
        self._keyring.set_password(service_name, username, password)

    def delete_password(self, service_name: str, username: str) -> None:
        self._keyring.delete_password(service_name, username)

    def close(self) -> None:
        """Nothing: keyring opens and closes what it needs on each call."""


def open_store(env: Mapping[str, str] | None = None) -> SecretStore | None:
    """The store to use here and now; None without keyring at all. Close it after use.

    ``env`` only decides; the D-Bus address is read from ``os.environ`` as
    keyring and secretstorage read it.
    """
    try:
        direct = direct_wanted(os.environ if env is None else env)
    except Exception as exc:  # no home folder to look for keyringrc.cfg in: keyring decides
        log.debug("keyring's configuration unknown: %s", type(exc).__name__)
        direct = False
    if direct:
        store = SecretServiceStore.connect()
        if store is not None:
            return store
    try:
        import keyring
    except Exception:  # no backend module at all
        return None
    return KeyringStore(keyring)
