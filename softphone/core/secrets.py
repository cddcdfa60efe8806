"""Secrets: the OS keyring first, the environment as the headless fallback.

The Mediatel password, the SIP password, the gateway token, the local API
token and the provisioning token are never written to the profile file or a
log (``repr`` hides them). A desktop agent ticks "remember" and they go to
the keyring (Keychain, Credential Manager, Secret Service: which one and
how it is reached is ``secret_store``'s business); a headless agent in a
container passes ``SOFTPHONE_PASSWORD`` and friends. A keyring that is
missing or locked is not an error: the environment is used instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, fields, replace
from typing import Any

from softphone.core.secret_store import KeyringLike, open_store

__all__ = ["ENV", "SERVICE", "KeyringLike", "Secrets", "load_secrets", "store_secrets"]

log = logging.getLogger(__name__)

SERVICE = "softphone"
ENV = {
    "password": "SOFTPHONE_PASSWORD",
    "sip_password": "SOFTPHONE_SIP_PASSWORD",
    "gateway_token": "SOFTPHONE_GATEWAY_TOKEN",
    "api_token": "SOFTPHONE_API_TOKEN",
    "provisioning_token": "SOFTPHONE_PROVISIONING_TOKEN",
    "turn_password": "SOFTPHONE_TURN_PASSWORD",
}


@dataclass(frozen=True)
class Secrets:
    password: str | None = field(default=None, repr=False)
    sip_password: str | None = field(default=None, repr=False)
    gateway_token: str | None = field(default=None, repr=False)
    api_token: str | None = field(default=None, repr=False)
    provisioning_token: str | None = field(default=None, repr=False)
    turn_password: str | None = field(default=None, repr=False)

    def with_values(self, values: Mapping[str, Any]) -> Secrets:
        """These secrets, overridden by any non-empty secret in ``values`` (provisioning)."""
        changes = {
            f.name: str(values[f.name])
            for f in fields(self)
            if values.get(f.name) not in (None, "")
        }
        return replace(self, **changes) if changes else self


def _keyring() -> KeyringLike | None:
    return open_store()


@contextmanager
def _opened(given: KeyringLike | None) -> Iterator[KeyringLike | None]:
    """``given`` as is, else the system's store, closed afterwards (its D-Bus connection)."""
    if given is not None:
        yield given
        return
    store = _keyring()
    try:
        yield store
    finally:
        close = getattr(store, "close", None)
        if callable(close):
            with suppress(OSError):  # a bus already gone: nothing left to close
                close()


def _account(login: str | None, name: str) -> str:
    return f"{login or 'default'}:{name}"


def load_secrets(
    login: str | None, env: Mapping[str, str], *, keyring: KeyringLike | None = None
) -> Secrets:
    """Each secret from the keyring (under ``login``), else from its environment variable."""
    values: dict[str, str | None] = {}
    with _opened(keyring) as store:
        for name, variable in ENV.items():
            value: str | None = None
            if store is not None:
                try:
                    value = store.get_password(SERVICE, _account(login, name))
                except Exception as exc:  # a locked or absent backend: fall back quietly
                    log.debug("keyring unavailable for %s: %s", name, type(exc).__name__)
                    store = None
            values[name] = value or env.get(variable) or None
    return Secrets(**values)


def store_secrets(
    login: str | None, secrets: Secrets, *, keyring: KeyringLike | None = None
) -> bool:
    """Remember the given secrets in the keyring; False if there is no usable keyring."""
    with _opened(keyring) as store:
        if store is None:
            return False
        try:
            for f in fields(secrets):
                value = getattr(secrets, f.name)
                if value:
                    store.set_password(SERVICE, _account(login, f.name), value)
        except Exception as exc:
            log.warning("could not store secrets in the keyring: %s", type(exc).__name__)
            return False
    return True
