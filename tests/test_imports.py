"""Keeping unused modules out of memory (``softphone/imports.py``), and a guard that they stay out.

``NOT_LOADED_IN_A_CALL`` lists modules the app once loaded for the whole day
without using them; tests/cli/test_agent_cli.py checks that a real agent
process, signed in and through a call, has run none of them. Each entry
says where it is kept out; add to it when you keep another one out. The
desktop app's own rarely used UI modules have their guard in
tests/ui/test_first_use.py.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from softphone.imports import has_run, hidden_from_imports, loaded_on_first_use, standing_in_for
from softphone.media import DNS_FOR_MDNS
from tests.fresh_python import report_of

NOT_LOADED_IN_A_CALL = (
    *DNS_FOR_MDNS,  # dnspython, until a .local ICE candidate (softphone/media/__init__.py)
    "requests",  # engineio's synchronous client stack (softphone/net/mediatel/sio.py)
    "urllib3",
    "charset_normalizer",
    "websocket",
    "jwt",  # PyJWT, only with a vouch secret (softphone/net/vouch.py)
    "webbrowser",  # at the first screen pop (softphone/core/screen_pop.py)
    "websockets",  # SIP over WebSocket runs on aiohttp (softphone/net/sip_ws.py)
    "aiohttp.web",  # the integration API is asyncio streams (softphone/core/cti_server.py)
    "pylibsrtp._binding",  # libsrtp + a static libcrypto: aiortc's SRTP is ours (media/srtp.py)
    # our own, imported by the function that needs them:
    "softphone.core.provisioning",  # only with a provisioning URL (core/agent_factory.py)
    "softphone.net.mediatel.diagnose",  # at a failed Mediatel connection (core/agent_session*.py)
)


def test_a_hidden_name_fails_to_import_only_inside_the_block() -> None:
    name = "softphone_test_never_imported"
    with hidden_from_imports((name, "json")):
        with pytest.raises(ImportError):
            __import__(name)
        import json as already_loaded  # loaded before the block: untouched

        assert already_loaded is json
    assert name not in sys.modules


def test_a_module_registered_for_first_use_runs_once_at_its_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = tmp_path / "runs.txt"
    name = "softphone_test_first_use"
    (tmp_path / f"{name}.py").write_text(
        f"with open({str(runs)!r}, 'a') as f:\n    f.write('ran\\n')\nVALUE = 42\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    loaded_on_first_use([name, "softphone_test_not_installed"])
    try:
        # a later import binds it without running it (importlib's: PySide6's ``__import__``
        # hook, when not replaced as the app does in ui/pyside_sources.py, reads the module)
        module = importlib.import_module(name)
        assert not runs.exists() and not has_run(name)
        assert module.VALUE == 42
        assert module.VALUE == 42
        assert runs.read_text() == "ran\n" and has_run(name)
        assert "softphone_test_not_installed" not in sys.modules
        with pytest.raises(ImportError):
            importlib.import_module("softphone_test_not_installed")
    finally:
        sys.modules.pop(name, None)


def test_an_error_in_a_module_run_at_first_use_is_raised_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "softphone_test_first_use_fails"
    (tmp_path / f"{name}.py").write_text("raise RuntimeError('broken')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    loaded_on_first_use([name])
    module = sys.modules[name]
    with pytest.raises(RuntimeError, match="broken"):
        _ = module.anything
    assert name not in sys.modules  # as after a failed import: the next import tries again


def test_a_stand_in_is_what_import_binds_and_runs_at_first_use_the_original_never(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = tmp_path / "runs.txt"
    for name in ("softphone_test_original", "softphone_test_ours"):
        (tmp_path / f"{name}.py").write_text(
            f"with open({str(runs)!r}, 'a') as f:\n    f.write({name!r} + '\\n')\nWHO = {name!r}\n",
            encoding="utf-8",
        )
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    standing_in_for("softphone_test_original", "softphone_test_ours")
    try:
        module = importlib.import_module("softphone_test_original")
        assert not runs.exists()
        assert module.WHO == "softphone_test_ours"
        assert runs.read_text() == "softphone_test_ours\n"
        standing_in_for("softphone_test_original", "json")  # already imported: left as it is
        assert importlib.import_module("softphone_test_original") is module
    finally:
        sys.modules.pop("softphone_test_original", None)
        sys.modules.pop("softphone_test_ours", None)


RESOLVE_A_LOCAL_NAME = """
import asyncio, json
import softphone.core.agent_factory, softphone.media.session  # what a call imports
from softphone.imports import has_run
from softphone.media import DNS_FOR_MDNS

before = [name for name in DNS_FOR_MDNS if has_run(name)]
from aioice import mdns


class Wire:
    '''Two mDNS protocols wired to each other instead of the multicast group.'''

    def __init__(self):
        self.peer = None

    def sendto(self, data, address):
        asyncio.get_running_loop().call_soon(self.peer.datagram_received, data, address)

    def is_closing(self):
        return False

    def get_extra_info(self, name):
        return self  # the "socket": joining the group is a no-op here

    def setsockopt(self, *args):
        pass


async def resolve():
    asker, owner = mdns.MDnsProtocol(), mdns.MDnsProtocol()
    to_owner, to_asker = Wire(), Wire()
    to_owner.peer, to_asker.peer = owner, asker
    asker.connection_made(to_owner)
    owner.connection_made(to_asker)
    await owner.publish("browser-peer.local", "192.0.2.7")
    return await asker.resolve("browser-peer.local", timeout=30)


address = asyncio.run(resolve())
print(json.dumps({"before": before, "address": address,
                  "after": [name for name in DNS_FOR_MDNS if has_run(name)]}))
"""


def test_a_call_runs_no_dnspython_until_a_local_name_is_resolved_which_works() -> None:
    """A fresh interpreter: the test process may have imported dnspython already."""
    report = report_of(RESOLVE_A_LOCAL_NAME)
    assert report["before"] == []
    assert report["address"] == "192.0.2.7"
    assert set(report["after"]) >= {"dns.message", "dns.zone", "dns.name"}
