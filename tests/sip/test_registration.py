"""The registration client against an in-memory registrar."""

from __future__ import annotations

from collections.abc import Sequence

from softphone.sip.events import (
    Registered,
    RegistrationFailed,
    RegistrationState,
    Unregistered,
)
from tests.sip.pair import Registrar, registrar_pair


def kinds(events: Sequence[object]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_register_with_digest_md5_contact_and_outbound_params() -> None:
    p, ua, reg = registrar_pair()
    ua.register(p.now)
    p.pump()
    assert p.labels() == ["REGISTER", "401/REGISTER", "REGISTER", "200/REGISTER"]
    assert ua.registration_state is RegistrationState.REGISTERED
    (event,) = p.events["a"]
    assert isinstance(event, Registered) and event.expires == 300 and not event.refresh
    first, second = reg.registers()
    assert first.call_id == second.call_id
    assert second.cseq.seq == first.cseq.seq + 1
    contact = second.contact[0]
    assert contact.uri.host.endswith(".invalid")  # type: ignore[union-attr]
    assert contact.uri.transport == "ws"  # type: ignore[union-attr]
    assert (contact.param("+sip.instance") or "").startswith('"<urn:uuid:')
    assert contact.param("reg-id") == "1"
    assert second.headers.get("Expires") == "300"
    assert "algorithm=MD5" in (second.headers.get("Authorization") or "")


def test_sha256_challenge() -> None:
    p, ua, reg = registrar_pair(Registrar(algorithm="SHA-256"))
    ua.register(p.now)
    p.pump()
    assert ua.registration_state is RegistrationState.REGISTERED
    assert "algorithm=SHA-256" in (reg.registers()[1].headers.get("Authorization") or "")


def test_refresh_before_expiry_reuses_credentials() -> None:
    p, ua, reg = registrar_pair()
    ua.register(p.now)
    p.pump()
    p.run(269)
    assert len(reg.registers()) == 2
    p.run(271)  # refreshed 30 s before the 300 s expiry
    assert len(reg.registers()) == 3
    refresh = reg.registers()[2]
    assert refresh.headers.get("Authorization") is not None  # no new 401 round trip
    assert reg.nonce_count == 1
    assert [e.refresh for e in p.events["a"] if isinstance(e, Registered)] == [False, True]
    p.run(2000)
    assert ua.registration_state is RegistrationState.REGISTERED
    assert not any(isinstance(e, Unregistered) for e in p.events["a"])


def test_short_grant_refreshes_half_way() -> None:
    p, ua, reg = registrar_pair(Registrar(max_expires=60))
    ua.register(p.now)
    p.pump()
    p.run(29.9)
    assert len(reg.registers()) == 2
    p.run(30.1)
    assert len(reg.registers()) == 3


def test_423_retries_with_min_expires() -> None:
    p, ua, reg = registrar_pair(Registrar(min_expires=600))
    ua.register(p.now)
    p.pump()
    assert p.labels()[-2:] == ["REGISTER", "200/REGISTER"]
    assert "423/REGISTER" in p.labels()
    assert reg.registers()[-1].headers.get("Expires") == "600"
    assert [e.expires for e in p.events["a"] if isinstance(e, Registered)] == [600]


def test_wrong_password_fails_once_without_a_loop() -> None:
    p, ua, _reg = registrar_pair(Registrar(password="other"))
    ua.register(p.now)
    p.run(3600)
    assert p.labels() == ["REGISTER", "401/REGISTER", "REGISTER", "401/REGISTER"]
    assert p.events["a"] == [RegistrationFailed(401, "Unauthorized", will_retry=False)]
    assert ua.registration_state is RegistrationState.FAILED


def test_server_error_retries_with_backoff_and_retry_after() -> None:
    p, ua, _reg = registrar_pair(Registrar(script=[500, 500, 503]))
    ua.register(p.now)
    p.run(1000)
    fails = [e for e in p.events["a"] if isinstance(e, RegistrationFailed)]
    assert [f.code for f in fails] == [500, 500, 503]
    assert all(f.will_retry for f in fails)
    assert fails[0].retry_in is not None and 1.0 <= fails[0].retry_in <= 2.0
    assert fails[1].retry_in is not None and 2.0 <= fails[1].retry_in <= 4.0
    assert fails[2].retry_in == 7.0  # Retry-After
    assert ua.registration_state is RegistrationState.REGISTERED


def test_timeout_is_retried() -> None:
    p, ua, _reg = registrar_pair(reliable=False)
    p.drop = lambda s: s.sender == "a" and p.now < 40
    ua.register(p.now)
    p.run(200)
    fail = next(e for e in p.events["a"] if isinstance(e, RegistrationFailed))
    assert fail.code is None and fail.will_retry
    assert p.labels("a").count("REGISTER") >= 11 + 2  # Timer E retransmissions, then retry
    assert ua.registration_state is RegistrationState.REGISTERED


def test_unregister_sends_expires_zero() -> None:
    p, ua, reg = registrar_pair()
    ua.register(p.now)
    p.pump()
    assert reg.bindings
    ua.unregister(p.now)
    p.pump()
    assert reg.registers()[-1].headers.get("Expires") == "0"
    assert reg.bindings == {}
    assert p.events["a"][-1] == Unregistered("unregistered")
    assert ua.registration_state is RegistrationState.UNREGISTERED
    p.run(1000)
    assert reg.registers()[-1].headers.get("Expires") == "0"  # no refresh afterwards


def test_connection_lost_and_made_reregisters() -> None:
    p, ua, reg = registrar_pair()
    ua.register(p.now)
    p.pump()
    ua.connection_lost(p.now)
    p.collect()
    assert p.events["a"][-1] == Unregistered("connection lost")
    assert ua.registration_state is RegistrationState.UNREGISTERED
    p.run(1000)
    count = len(reg.registers())  # nothing is sent while the connection is down
    p.now = 1000.0
    ua.connection_made(p.now)
    p.pump()
    assert len(reg.registers()) > count
    assert ua.registration_state.value == "registered"
    assert kinds(p.events["a"])[-1] == "Registered"


def test_register_while_disconnected_waits_for_the_connection() -> None:
    p, ua, reg = registrar_pair()
    ua.connection_lost(p.now)
    ua.register(p.now)
    p.pump()
    assert reg.registers() == []
    ua.connection_made(p.now)
    p.pump()
    assert ua.registration_state is RegistrationState.REGISTERED
