"""Digest authentication: RFC test vectors, header syntax, and the client's
retry / reject decisions."""

from __future__ import annotations

import itertools

import pytest

from softphone.sip import Headers, Request, Response, SipParseError, parse_uri
from softphone.sip.auth import (
    AuthResult,
    Challenge,
    ClientAuth,
    DigestCredentials,
    build_authorization,
    digest_response,
    parse_challenge,
    parse_credentials,
    verify_authorization,
)

# --------------------------------------------------------------------------
# RFC vectors


def test_rfc2617_section_3_5_example() -> None:
    challenge = parse_challenge(
        'Digest realm="testrealm@host.com", qop="auth,auth-int", '
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'
    )
    value = build_authorization(
        challenge,
        DigestCredentials("Mufasa", "Circle Of Life"),
        method="GET",
        uri="/dir/index.html",
        cnonce="0a4f113b",
        nc=1,
    )
    creds = parse_credentials(value)
    assert creds.response == "6629fae49393a05397450978507c4ef1"
    assert creds.qop == "auth" and creds.nc == 1 and creds.cnonce == "0a4f113b"
    assert creds.opaque == "5ccc069c403ebaf9f0171e9517f40e41"
    # Directive quoting exactly as the RFC: algorithm, qop and nc are tokens.
    assert "qop=auth," in value and "nc=00000001" in value and "algorithm=MD5" in value
    assert 'response="6629fae49393a05397450978507c4ef1"' in value
    assert 'cnonce="0a4f113b"' in value and 'uri="/dir/index.html"' in value
    assert verify_authorization(value, password="Circle Of Life", method="GET")
    assert not verify_authorization(value, password="Circle of Life", method="GET")


RFC7616 = (
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={alg}, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
    'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'
)


@pytest.mark.parametrize(
    ("alg", "expected"),
    [
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
    ],
)
def test_rfc7616_section_3_9_1_examples(alg: str, expected: str) -> None:
    challenge = parse_challenge(RFC7616.format(alg=alg))
    assert challenge.algorithm == alg and challenge.qop == ("auth", "auth-int")
    value = build_authorization(
        challenge,
        DigestCredentials("Mufasa", "Circle of Life"),
        method="GET",
        uri="/dir/index.html",
        cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        nc=1,
    )
    assert parse_credentials(value).response == expected
    assert f"algorithm={alg}," in value


def test_rfc2069_form_without_qop() -> None:
    challenge = parse_challenge('Digest realm="r", nonce="n"')
    value = build_authorization(
        challenge, DigestCredentials("u", "p"), method="REGISTER", uri="sip:r", cnonce="c"
    )
    assert "qop" not in value and "nc=" not in value and "cnonce" not in value
    creds = parse_credentials(value)
    import hashlib

    def md5(s: str) -> str:
        return hashlib.md5(s.encode()).hexdigest()

    assert creds.response == md5(f"{md5('u:r:p')}:n:{md5('REGISTER:sip:r')}")


def test_sess_and_auth_int_variants_verify() -> None:
    for alg, qop in itertools.product(["MD5-sess", "SHA-256-sess", "SHA-256"], ["auth-int"]):
        challenge = parse_challenge(f'Digest realm="r", nonce="n", algorithm={alg}, qop="{qop}"')
        assert challenge.algorithm == alg.upper()
        value = build_authorization(
            challenge,
            DigestCredentials("u", "p"),
            method="INVITE",
            uri="sip:b@r",
            cnonce="xyz",
            nc=3,
            body=b"v=0\r\n",
        )
        assert "qop=auth-int" in value and "nc=00000003" in value
        assert verify_authorization(value, password="p", method="INVITE", body=b"v=0\r\n")
        assert not verify_authorization(value, password="p", method="INVITE", body=b"v=1\r\n")


def test_md5_sess_matches_rfc2617_definition() -> None:
    import hashlib

    def md5(s: str) -> str:
        return hashlib.md5(s.encode()).hexdigest()

    ha1 = md5(f"{md5('u:r:p')}:n:c")
    expected = md5(f"{ha1}:n:00000001:c:auth:{md5('BYE:sip:x')}")
    got = digest_response(
        algorithm="MD5-sess",
        username="u",
        realm="r",
        password="p",
        nonce="n",
        method="BYE",
        uri="sip:x",
        qop="auth",
        cnonce="c",
        nc=1,
    )
    assert got == expected


def test_userhash() -> None:
    challenge = parse_challenge('Digest realm="r", nonce="n", algorithm=SHA-256, userhash=true')
    value = build_authorization(
        challenge, DigestCredentials("Jäsøn", "p"), method="GET", uri="/", cnonce="c"
    )
    import hashlib

    creds = parse_credentials(value)
    assert creds.userhash
    assert creds.username == hashlib.sha256("Jäsøn:r".encode()).hexdigest()
    assert verify_authorization(value, password="p", method="GET", username="Jäsøn")


# --------------------------------------------------------------------------
# syntax


def test_challenge_fields_and_case_insensitivity() -> None:
    c = parse_challenge(
        'DIGEST REALM="a\\"b,c" ,NONCE = "x y",Stale=TRUE, algorithm=sha-256,'
        ' qop=auth, domain="sip:a sip:b", opaque=""'
    )
    assert c == Challenge(
        realm='a"b,c',
        nonce="x y",
        algorithm="SHA-256",
        qop=("auth",),
        opaque="",
        stale=True,
        domain="sip:a sip:b",
    )
    assert c.supported


def test_quoting_in_output_escapes_quotes_and_backslashes() -> None:
    c = parse_challenge('Digest realm="we \\"quote\\" \\\\ here", nonce="n", qop="auth"')
    assert c.realm == 'we "quote" \\ here'
    value = build_authorization(
        c, DigestCredentials('a"b', "p"), method="OPTIONS", uri="sip:x", cnonce="c"
    )
    assert 'realm="we \\"quote\\" \\\\ here"' in value
    back = parse_credentials(value)
    assert back.realm == c.realm and back.username == 'a"b'
    assert verify_authorization(value, password="p", method="OPTIONS")


def test_unsupported_but_wellformed_challenges() -> None:
    assert not parse_challenge('Digest realm="r", nonce="n", algorithm=SHA-999').supported
    assert not parse_challenge('Digest realm="r", nonce="n", qop="auth-conf"').supported


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Digest",
        "Digest   ",
        'Basic realm="r"',
        'Digest realm="r"',  # no nonce
        'Digest nonce="n"',  # no realm
        'Digest realm="r", nonce="n",',  # trailing comma
        'Digest realm="r" nonce="n"',  # missing comma
        'Digest realm="r, nonce="n"',  # unterminated quote
        'Digest realm=, nonce="n"',
        'Digest realm, nonce="n"',
        'Digest realm="r", nonce="n", nonce="m"',
        'Digest realm="r", nonce="n", stale=maybe',
        'Digest realm="r", nonce="n", qop="auth;x"',
        'Digest realm="r", nonce="n", algorithm="MD5 x"',
        'Digest realm="r\x01", nonce="n"',
        'Digest =x, realm="r", nonce="n"',
        'Di@gest realm="r", nonce="n"',
        'Digest realm="r", nonce="n\\',
    ],
)
def test_malformed_challenges_raise_sip_parse_error(value: str) -> None:
    with pytest.raises(SipParseError):
        parse_challenge(value)


@pytest.mark.parametrize(
    "value",
    [
        'Digest username="u", realm="r", nonce="n", uri="sip:x"',  # no response
        'Digest username="u", realm="r", nonce="n", uri="sip:x", response="a", nc=1, '
        'qop=auth, cnonce="c"',  # nc not 8 hex digits
        'Digest username="u", realm="r", nonce="n", uri="sip:x", response="a", qop=auth',
    ],
)
def test_malformed_credentials(value: str) -> None:
    with pytest.raises(SipParseError):
        parse_credentials(value)
    assert not verify_authorization(value, password="p", method="REGISTER")


# --------------------------------------------------------------------------
# the client


def _request(method: str = "REGISTER", cseq: int = 1) -> Request:
    headers = Headers(
        [
            ("Via", "SIP/2.0/WS abc.invalid;branch=z9hG4bK1"),
            ("From", "<sip:alice@pbx.example>;tag=1"),
            ("To", "<sip:alice@pbx.example>"),
            ("Call-ID", "c1"),
            ("CSeq", f"{cseq} {method}"),
        ]
    )
    return Request(method=method, uri=parse_uri("sip:pbx.example"), headers=headers)


def _challenge(code: int, *values: str) -> Response:
    name = "WWW-Authenticate" if code == 401 else "Proxy-Authenticate"
    headers = Headers([(name, v) for v in values])
    return Response(status_code=code, reason="Unauthorized", headers=headers)


def _counter() -> ClientAuth:
    counter = itertools.count(1)
    return ClientAuth(
        DigestCredentials("alice", "secret"), cnonce_factory=lambda: f"cn{next(counter)}"
    )


CH = 'Digest realm="pbx", nonce="{n}", qop="auth", algorithm=MD5{extra}'


def test_first_challenge_retry_then_preemptive_with_incrementing_nc() -> None:
    auth = _counter()
    req = _request()
    auth.authorize(req)
    assert "Authorization" not in req.headers  # nothing known yet
    assert auth.handle_challenge(req, _challenge(401, CH.format(n="N1", extra=""))) is (
        AuthResult.RETRY
    )
    retry = _request(cseq=2)
    auth.authorize(retry)
    first = parse_credentials(retry.headers.get("Authorization") or "")
    assert (first.nonce, first.nc, first.cnonce, first.uri) == ("N1", 1, "cn1", "sip:pbx.example")
    assert verify_authorization(
        retry.headers.get("Authorization") or "", password="secret", method="REGISTER"
    )
    # Following requests (INVITE, BYE) carry credentials pre-emptively.
    invite = _request("INVITE", 3)
    invite.uri = parse_uri("sip:bob@pbx.example")
    auth.authorize(invite)
    creds = parse_credentials(invite.headers.get("Authorization") or "")
    assert (creds.nonce, creds.nc, creds.uri) == ("N1", 2, "sip:bob@pbx.example")
    assert verify_authorization(
        invite.headers.get("Authorization") or "", password="secret", method="INVITE"
    )
    auth.authorize(invite)  # re-authorizing replaces, never duplicates
    assert len(invite.headers.get_lines("Authorization")) == 1


def test_second_challenge_of_fresh_nonce_means_wrong_password() -> None:
    auth = _counter()
    req = _request()
    assert auth.handle_challenge(req, _challenge(401, CH.format(n="N1", extra=""))) is (
        AuthResult.RETRY
    )
    retry = _request(cseq=2)
    auth.authorize(retry)
    result = auth.handle_challenge(retry, _challenge(401, CH.format(n="N2", extra="")))
    assert result is AuthResult.REJECTED
    third = _request(cseq=3)
    auth.authorize(third)
    assert "Authorization" not in third.headers  # forgotten: no loop with bad creds


def test_stale_nonce_is_a_retry_not_a_failure() -> None:
    auth = _counter()
    auth.handle_challenge(_request(), _challenge(401, CH.format(n="N1", extra="")))
    retry = _request(cseq=2)
    auth.authorize(retry)
    stale = _challenge(401, CH.format(n="N2", extra=", stale=true"))
    assert auth.handle_challenge(retry, stale) is AuthResult.RETRY
    again = _request(cseq=3)
    auth.authorize(again)
    creds = parse_credentials(again.headers.get("Authorization") or "")
    assert (creds.nonce, creds.nc) == ("N2", 1)


def test_expired_preemptive_nonce_gets_one_retry() -> None:
    auth = _counter()
    auth.handle_challenge(_request(), _challenge(401, CH.format(n="N1", extra="")))
    for cseq in (2, 3):
        auth.authorize(_request(cseq=cseq))
    later = _request(cseq=4)
    auth.authorize(later)  # nc=3 with the old nonce
    # A server that forgets to say stale=true: still a retry, because these
    # credentials were not an answer to a fresh challenge...
    assert auth.handle_challenge(later, _challenge(401, CH.format(n="N9", extra=""))) is (
        AuthResult.RETRY
    )
    retry = _request(cseq=5)
    auth.authorize(retry)
    # ...but the answer to the new nonce being refused is final.
    assert auth.handle_challenge(retry, _challenge(401, CH.format(n="N10", extra=""))) is (
        AuthResult.REJECTED
    )


def test_rfc2069_server_wrong_password_detected_without_nc() -> None:
    auth = _counter()
    plain = 'Digest realm="pbx", nonce="{n}"'
    auth.handle_challenge(_request(), _challenge(401, plain.format(n="A")))
    retry = _request(cseq=2)
    auth.authorize(retry)
    assert auth.handle_challenge(retry, _challenge(401, plain.format(n="B"))) is (
        AuthResult.REJECTED
    )


def test_proxy_challenge_gives_proxy_authorization_and_both_can_coexist() -> None:
    auth = _counter()
    invite = _request("INVITE")
    auth.handle_challenge(invite, _challenge(401, CH.format(n="W", extra="")))
    auth.handle_challenge(
        invite, _challenge(407, 'Digest realm="proxy", nonce="P", algorithm=SHA-256, qop="auth"')
    )
    retry = _request("INVITE", 2)
    auth.authorize(retry)
    assert parse_credentials(retry.headers.get("Authorization") or "").realm == "pbx"
    proxy = parse_credentials(retry.headers.get("Proxy-Authorization") or "")
    assert proxy.realm == "proxy" and proxy.algorithm == "SHA-256"
    assert sorted(auth.realms) == ["pbx", "proxy"]
    auth.forget("proxy")
    assert auth.realms == ["pbx"]


def test_strongest_supported_challenge_is_chosen() -> None:
    auth = _counter()
    response = _challenge(
        401,
        'Digest realm="pbx", nonce="a", algorithm=MD5, qop="auth"',
        'Digest realm="pbx", nonce="b", algorithm=SHA-256, qop="auth"',
        'Digest realm="pbx", nonce="c", algorithm=FOO-1, qop="auth"',
        'Basic realm="pbx"',
    )
    assert auth.handle_challenge(_request(), response) is AuthResult.RETRY
    retry = _request(cseq=2)
    auth.authorize(retry)
    assert parse_credentials(retry.headers.get("Authorization") or "").nonce == "b"


@pytest.mark.parametrize(
    "response",
    [
        _challenge(401, 'Basic realm="pbx"'),
        _challenge(401, 'Digest realm="pbx", nonce="n", algorithm=FOO'),
        _challenge(401, "garbage"),
        _challenge(401),
        Response(status_code=403, reason="Forbidden"),
    ],
)
def test_unanswerable(response: Response) -> None:
    assert _counter().handle_challenge(_request(), response) is AuthResult.UNANSWERABLE


def test_credentials_per_realm() -> None:
    auth = ClientAuth(
        [DigestCredentials("a", "1", realm="one"), DigestCredentials("b", "2", realm="two")]
    )
    assert (
        auth.handle_challenge(_request(), _challenge(401, 'Digest realm="three", nonce="n"'))
        is AuthResult.UNANSWERABLE
    )
    auth.handle_challenge(_request(), _challenge(401, 'Digest realm="two", nonce="n"'))
    retry = _request(cseq=2)
    auth.authorize(retry)
    value = retry.headers.get("Authorization") or ""
    assert parse_credentials(value).username == "b"
    assert verify_authorization(value, password="2", method="REGISTER")


def test_default_cnonce_is_random() -> None:
    auth = ClientAuth(DigestCredentials("u", "p"))
    auth.handle_challenge(_request(), _challenge(401, CH.format(n="N", extra="")))
    seen = set()
    for cseq in range(2, 5):
        req = _request(cseq=cseq)
        auth.authorize(req)
        seen.add(parse_credentials(req.headers.get("Authorization") or "").cnonce)
    assert len(seen) == 3
