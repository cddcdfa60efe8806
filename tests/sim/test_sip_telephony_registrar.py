"""The simulator's registrar, sans IO: our own SIP user agent registering to it in
memory, and hand-made REGISTERs for the rules a well-behaved phone never trips."""

from __future__ import annotations

import random

import pytest

from softphone.sim.sip_registrar import Registrar
from softphone.sip import events as sip
from softphone.sip.auth import DigestCredentials, build_authorization, parse_challenge
from softphone.sip.headers import Headers
from softphone.sip.message import Request, Response, parse_message
from softphone.sip.ua import UAConfig, UserAgent
from softphone.sip.uri import parse_uri

USERS = {"1001": "1001", "1002": "secret-2"}
REALM = "127.0.0.1"


def registrar() -> Registrar[str]:
    return Registrar(USERS, REALM)


def exchange(ua: UserAgent, reg: Registrar[str], now: float, line: str = "ws-1") -> list[object]:
    """Run REGISTER/response rounds until the agent has nothing more to send."""
    events: list[object] = []
    while out := ua.data_to_send():
        for data in out:
            request = parse_message(data)
            assert isinstance(request, Request)
            ua.receive_data(reg.handle(request, line, now).to_bytes(), now)
    while (event := ua.next_event()) is not None:
        events.append(event)
    return events


def agent(user: str, password: str) -> UserAgent:
    return UserAgent(UAConfig(user=user, domain=REALM, password=password), now=0.0,
                     rng=random.Random(7))  # fmt: skip


def register(
    user: str = "1001",
    *,
    contact: str | None = "<sip:1001@abc.invalid;transport=ws>",
    expires: int | None = 300,
    cseq: int = 1,
    call_id: str = "reg-1",
    authorization: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
) -> Request:
    headers = Headers()
    headers.add("Via", f"SIP/2.0/WS abc.invalid;branch=z9hG4bK{call_id}{cseq}")
    headers.add("Max-Forwards", "70")
    headers.add("From", f"<sip:{user}@{REALM}>;tag=f{cseq}")
    headers.add("To", f"<sip:{user}@{REALM}>")
    headers.add("Call-ID", call_id)
    headers.add("CSeq", f"{cseq} REGISTER")
    if contact is not None:
        headers.add("Contact", contact)
    if expires is not None:
        headers.add("Expires", str(expires))
    if authorization is not None:
        headers.add("Authorization", authorization)
    for name, value in extra:
        headers.add(name, value)
    return Request(method="REGISTER", uri=parse_uri(f"sip:{REALM}"), headers=headers)


def answer(challenge: Response, user: str, password: str, nc: int = 1) -> str:
    value = challenge.headers.get("WWW-Authenticate")
    assert value is not None
    return build_authorization(
        parse_challenge(value), DigestCredentials(user, password),
        method="REGISTER", uri=f"sip:{REALM}", cnonce="c0ffee", nc=nc,
    )  # fmt: skip


def authorized(reg: Registrar[str], now: float = 0.0, user: str = "1001") -> str:
    """Credentials for a fresh nonce from ``reg``."""
    challenge = reg.handle(register(user, call_id="auth"), "ws-0", now)
    assert challenge.status_code == 401
    return answer(challenge, user, USERS[user])


# ------------------------------------------------------------------ with our UA


def test_our_user_agent_registers_and_unregisters() -> None:
    reg, ua = registrar(), agent("1001", "1001")
    ua.register(0.0)
    [event] = exchange(ua, reg, 0.0)
    assert isinstance(event, sip.Registered) and event.expires == 300
    [binding] = reg.lookup("1001", 1.0)
    assert binding.line == "ws-1" and binding.remaining(1.0) == 299
    ua.unregister(2.0)
    assert isinstance(exchange(ua, reg, 2.0)[0], sip.Unregistered)
    assert reg.lookup("1001", 2.0) == []


def test_wrong_password_is_forbidden() -> None:
    reg, ua = registrar(), agent("1001", "wrong")
    ua.register(0.0)
    [event] = exchange(ua, reg, 0.0)
    assert isinstance(event, sip.RegistrationFailed) and event.code == 403
    assert reg.lookup("1001", 0.0) == []


def test_unknown_user_is_challenged_then_forbidden() -> None:
    """The same answers as a wrong password: nobody learns which users exist."""
    reg = registrar()
    challenge = reg.handle(register("9999"), "ws-1", 0.0)
    assert challenge.status_code == 401
    creds = answer(challenge, "9999", "guess")
    assert reg.handle(register("9999", authorization=creds), "ws-1", 0.0).status_code == 403


def test_credentials_of_another_user_do_not_register_this_aor() -> None:
    reg = registrar()
    creds = authorized(reg, user="1002")
    assert reg.handle(register("1001", authorization=creds), "ws-1", 0.0).status_code == 403
    assert reg.lookup("1001", 0.0) == []


def test_challenge_is_md5_qop_auth_for_our_realm() -> None:
    response = registrar().handle(register(), "ws-1", 0.0)
    value = response.headers.get("WWW-Authenticate")
    assert value is not None
    challenge = parse_challenge(value)
    assert (challenge.realm, challenge.algorithm, challenge.qop) == (REALM, "MD5", ("auth",))
    assert response.to.tag  # a final response carries a To tag


def test_old_nonce_and_replayed_nc_get_a_stale_challenge() -> None:
    reg = registrar()
    creds = authorized(reg, 0.0)
    late = reg.handle(register(authorization=creds), "ws-1", 400.0)
    assert late.status_code == 401 and "stale=true" in _challenge_of(late)

    creds = authorized(reg, 500.0)
    assert reg.handle(register(authorization=creds), "ws-1", 500.0).status_code == 200
    replay = reg.handle(register(authorization=creds, cseq=2), "ws-1", 501.0)
    assert replay.status_code == 401 and "stale=true" in _challenge_of(replay)


# ------------------------------------------------------------------ bindings


def test_expires_from_contact_then_header_clamped_and_423() -> None:
    reg = registrar()
    creds = authorized(reg)
    ok = reg.handle(
        register(contact="<sip:1001@a.invalid>;expires=120", expires=300, authorization=creds),
        "ws-1", 0.0,
    )  # fmt: skip
    assert ok.status_code == 200 and ok.contact[0].param("expires") == "120"

    reg = registrar()
    ok = reg.handle(register(expires=99999, authorization=authorized(reg)), "ws-1", 0.0)
    assert ok.contact[0].param("expires") == "3600"

    reg = registrar()
    brief = reg.handle(register(expires=10, authorization=authorized(reg)), "ws-1", 0.0)
    assert brief.status_code == 423 and brief.headers.get("Min-Expires") == "30"
    assert reg.lookup("1001", 0.0) == []


def test_query_unregister_wildcard_and_order() -> None:
    reg = registrar()
    nc = iter(range(1, 100))
    value = parse_challenge(
        reg.handle(register(call_id="x"), "ws-0", 0.0).headers.get("WWW-Authenticate") or ""
    )

    def creds_next() -> str:
        return build_authorization(
            value, DigestCredentials("1001", "1001"), method="REGISTER", uri=f"sip:{REALM}",
            cnonce="c", nc=next(nc),
        )  # fmt: skip

    two = ("<sip:1001@a.invalid;transport=ws>", "<sip:1001@b.invalid;transport=ws>")
    for cseq, contact in enumerate(two, start=1):
        assert (
            reg.handle(
                register(contact=contact, cseq=cseq, authorization=creds_next()), "ws-1", 0.0
            ).status_code
            == 200
        )
    query = reg.handle(register(contact=None, cseq=3, authorization=creds_next()), "ws-1", 1.0)
    assert query.status_code == 200 and len(query.contact) == 2

    # a REGISTER older than the one that made the binding (same Call-ID)
    stale_order = reg.handle(
        register(contact=two[0], cseq=1, authorization=creds_next()), "ws-1", 1.0
    )
    assert stale_order.status_code == 500

    gone = reg.handle(
        register(contact=two[0], expires=0, cseq=4, authorization=creds_next()), "ws-1", 1.0
    )
    assert gone.status_code == 200 and [str(c.uri) for c in gone.contact] == [
        "sip:1001@b.invalid;transport=ws"
    ]
    bad = reg.handle(
        register(contact="*", expires=300, cseq=5, authorization=creds_next()), "ws-1", 1.0
    )
    assert bad.status_code == 400
    wiped = reg.handle(
        register(contact="*", expires=0, cseq=6, authorization=creds_next()), "ws-1", 1.0
    )
    assert wiped.status_code == 200 and reg.lookup("1001", 1.0) == []


def test_bindings_expire_and_die_with_their_line() -> None:
    reg = registrar()
    for user, line, contact in (
        ("1001", "ws-1", "<sip:1001@a.invalid>"),
        ("1002", "ws-2", "<sip:1002@b.invalid>"),
    ):
        response = reg.handle(
            register(user, contact=contact, expires=60, authorization=authorized(reg, user=user)),
            line, 0.0,
        )  # fmt: skip
        assert response.status_code == 200
    assert reg.drop_line("ws-1") == ["1001"]
    assert reg.lookup("1001", 1.0) == [] and len(reg.lookup("1002", 1.0)) == 1
    assert reg.lookup("1002", 61.0) == []


# ------------------------------------------------------------------ other requests


def test_options_and_refusals() -> None:
    reg = registrar()
    options = register()
    options = Request(
        method="OPTIONS", uri=options.uri, headers=_with_cseq(options.headers, "1 OPTIONS")
    )
    ok = reg.handle(options, "ws-1", 0.0)
    assert ok.status_code == 200 and "REGISTER" in (ok.headers.get("Allow") or "")

    required = reg.handle(register(extra=(("Require", "gruu-x"),)), "ws-1", 0.0)
    assert required.status_code == 420 and required.headers.get("Unsupported") == "gruu-x"

    garbled = reg.handle(register(authorization='Digest realm="127.0.0.1", nonce'), "ws-1", 0.0)
    assert garbled.status_code == 400

    tel = register()
    tel.headers.set("To", "<tel:+380661234567>")
    assert reg.handle(tel, "ws-1", 0.0).status_code == 400


@pytest.mark.parametrize("expires", ["abc", "99999999999"])
def test_bad_contact_expires_is_400(expires: str) -> None:
    reg = registrar()
    contact = f"<sip:1001@a.invalid>;expires={expires}"
    response = reg.handle(register(contact=contact, authorization=authorized(reg)), "ws-1", 0.0)
    assert response.status_code == 400


def _with_cseq(headers: Headers, cseq: str) -> Headers:
    copy = headers.copy()
    copy.set("CSeq", cseq)
    return copy


def _challenge_of(response: Response) -> str:
    return response.headers.get("WWW-Authenticate") or ""


def test_credentials_for_another_request_uri_are_refused() -> None:
    """Digest answers for one Request-URI cannot be replayed against another."""
    reg = registrar()
    challenge = reg.handle(register(call_id="auth"), "ws-0", 0.0)
    creds = build_authorization(
        parse_challenge(_challenge_of(challenge)), DigestCredentials("1001", "1001"),
        method="REGISTER", uri="sip:elsewhere.example", cnonce="c0ffee", nc=1,
    )  # fmt: skip
    refused = reg.handle(register(authorization=creds), "ws-1", 0.0)
    assert refused.status_code == 400 and "digest uri" in refused.reason
    assert reg.lookup("1001", 0.0) == []
    same_uri_other_case = build_authorization(
        parse_challenge(_challenge_of(challenge)), DigestCredentials("1001", "1001"),
        method="REGISTER", uri=f"SIP:{REALM}", cnonce="c0ffee", nc=2,
    )  # fmt: skip
    assert reg.handle(register(authorization=same_uri_other_case), "ws-1", 0.0).status_code == 200
