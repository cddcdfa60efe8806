"""The app's secrets in a real Secret Service (gnome-keyring in a private D-Bus session).

Each step runs in a fresh interpreter in a fresh keyring session over the
same HOME, so "read back" means after the process (and the keyring daemon)
restarted, as when the agent starts the app the next morning. What the old
app saved through keyring must be found without importing keyring, and
what the app saves now must be readable by keyring.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from softphone.core.secret_store import DIRECT_NAME, KEYRING_APPLICATION
from tests.fresh_python import report_of
from tests.peers.fixtures import unavailable
from tests.peers.keyring_session import in_keyring_session, keyring_home, missing_tools
from tests.peers.subprocess_env import softphone_env

SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
FAIL = "keyring.backends.fail.Keyring"
KEYRING_CHOICE = ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS", "XDG_CURRENT_DESKTOP")

SAVE_WITH_KEYRING = """
import json, keyring
keyring.set_password("softphone", "olena:password", "saved-by-the-old-app")
backend = keyring.get_keyring()
print(json.dumps(f"{type(backend).__module__}.{type(backend).__name__}"))
"""

LOAD_AS_THE_APP = """
import json, os, sys
from softphone.core.secrets import load_secrets
env = {"SOFTPHONE_PASSWORD": "from-env", "SOFTPHONE_SIP_PASSWORD": "sip-from-env"}
secrets = load_secrets("olena", env)
loaded_keyring = "keyring" in sys.modules
from softphone.core.secret_store import open_store
store = open_store()
print(json.dumps({
    "password": secrets.password, "sip_password": secrets.sip_password,
    "keyring_imported": loaded_keyring, "store": store.name if store else None,
}))
"""

SAVE_AS_THE_APP = """
import json, sys
from softphone.core.secrets import Secrets, store_secrets
stored = store_secrets("olena", Secrets(password="saved-by-the-new-app", sip_password="s1p"))
print(json.dumps({"stored": stored, "keyring_imported": "keyring" in sys.modules}))
"""

READ_WITH_KEYRING = """
import json, keyring, secretstorage
from keyring.backends.SecretService import Keyring
backend = keyring.get_keyring()
keyring.set_password("softphone", "olena:api_token", "tok")  # one of keyring's own, to compare
def given(attributes):  # gnome-keyring adds its "xdg:schema" to some items, as it sees fit
    return {k: v for k, v in attributes.items() if not k.startswith("xdg:")}
with secretstorage.dbus_init() as bus:
    items = {
        item.get_attributes()["username"]: [item.get_label(), given(item.get_attributes())]
        for item in secretstorage.get_default_collection(bus).get_all_items()
    }
print(json.dumps({
    "backend": f"{type(backend).__module__}.{type(backend).__name__}",
    "password": keyring.get_password("softphone", "olena:password"),
    "sip_password": Keyring().get_password("softphone", "olena:sip_password"),
    "items": items,
}))
"""

LOCK_THEN_LOAD = """
import json, secretstorage
from softphone.core.secrets import Secrets, load_secrets, store_secrets
assert store_secrets("olena", Secrets(password="in-the-keyring"))
with secretstorage.dbus_init() as bus:
    secretstorage.get_default_collection(bus).lock()
# no desktop to show the unlock prompt on: it is dismissed, as by an agent pressing Cancel
print(json.dumps({
    "password": load_secrets("olena", {"SOFTPHONE_PASSWORD": "from-env"}).password,
    "stored": store_secrets("olena", Secrets(password="new")),
}))
"""


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    missing = missing_tools()
    if missing:
        unavailable(f"{', '.join(missing)} not installed (scripts/install-deps.sh)")
    return keyring_home(tmp_path)


def _env(home: dict[str, str], **extra: str) -> dict[str, str]:
    """A child's environment: keyring left to choose by itself unless ``extra`` says."""
    env = {
        k: v
        for k, v in softphone_env(loopback_ice=False).items()
        if k not in KEYRING_CHOICE and not k.startswith("KEYRING_PROPERTY_")
    }
    return {**env, **home, **extra}


def in_session(code: str, home: dict[str, str], **extra: str) -> Any:
    return report_of(code, env=_env(home, **extra), wrap=in_keyring_session)


def test_a_password_the_old_app_saved_is_read_without_keyring(home: dict[str, str]) -> None:
    assert in_session(SAVE_WITH_KEYRING, home) == SECRET_SERVICE
    report = in_session(LOAD_AS_THE_APP, home)
    assert report["password"] == "saved-by-the-old-app"
    assert report["sip_password"] == "sip-from-env"  # none saved: the environment's
    assert report["store"] == DIRECT_NAME
    assert not report["keyring_imported"]


def test_a_password_the_app_saves_is_read_by_keyring(home: dict[str, str]) -> None:
    assert in_session(SAVE_AS_THE_APP, home) == {"stored": True, "keyring_imported": False}
    report = in_session(READ_WITH_KEYRING, home)
    assert report["backend"] == SECRET_SERVICE
    assert report["password"] == "saved-by-the-new-app"
    assert report["sip_password"] == "s1p"
    # the very item keyring makes: same attributes, same label
    (our_label, ours), (their_label, theirs) = (
        report["items"]["olena:password"],
        report["items"]["olena:api_token"],
    )
    assert ours == {**theirs, "username": "olena:password"}
    assert ours["service"] == "softphone" and ours["application"] == KEYRING_APPLICATION
    assert our_label == their_label.replace("api_token", "password")
    assert our_label == "Password for 'olena:password' on 'softphone'"
    # and the app reads its own back after a restart
    assert in_session(LOAD_AS_THE_APP, home)["password"] == "saved-by-the-new-app"


def test_a_locked_keyring_falls_back_to_the_environment(home: dict[str, str]) -> None:
    assert in_session(LOCK_THEN_LOAD, home) == {"password": "from-env", "stored": False}


@pytest.mark.parametrize(
    "bus", [None, "unix:path=/nonexistent/bus"], ids=["no session bus", "bus gone"]
)
def test_without_a_secret_service_keyring_decides_as_before(
    home: dict[str, str], bus: str | None
) -> None:
    """No Secret Service: keyring's choice (here: none), the environment, nothing stored."""
    env = _env(home, **({"DBUS_SESSION_BUS_ADDRESS": bus} if bus else {}))
    loaded = report_of(LOAD_AS_THE_APP, env=env)
    assert loaded["store"] == FAIL and loaded["keyring_imported"]
    assert loaded["password"] == "from-env"
    assert report_of(SAVE_AS_THE_APP, env=env) == {"stored": False, "keyring_imported": True}


def test_a_backend_the_admin_configured_is_used(home: dict[str, str]) -> None:
    in_session(SAVE_WITH_KEYRING, home)
    # named in the environment: keyring's own SecretService backend reads it
    chosen = in_session(LOAD_AS_THE_APP, home, PYTHON_KEYRING_BACKEND=SECRET_SERVICE)
    assert chosen["store"] == SECRET_SERVICE and chosen["keyring_imported"]
    assert chosen["password"] == "saved-by-the-old-app"
    # keyring switched off in its config file: the environment, though the password is there
    rc = Path(home["XDG_CONFIG_HOME"], "python_keyring", "keyringrc.cfg")
    rc.parent.mkdir(parents=True)
    rc.write_text(f"[backend]\ndefault-keyring={FAIL}\n")
    off = in_session(LOAD_AS_THE_APP, home)
    assert off["store"] == FAIL and off["keyring_imported"]
    assert off["password"] == "from-env"
