"""RFC 4475 torture messages, byte for byte (tests/sip/torture/*.dat).

The data files are the RFC's Appendix A archive (CRLF line ends, NUL, BEL,
DEL, UTF-8 and a binary S/MIME body kept as they are). Each test checks what
RFC 4475 says an endpoint must do with the message:

* §3.1.1 valid messages parse, with the tricky semantics checked;
* §3.1.2 invalid messages raise ``SipParseError`` with the right status, and
  ``salvage_response`` builds the answer RFC 4475 asks for (or ``None`` for
  responses, which are discarded). Where the RFC allows either rejecting or
  accepting, the test says which we do and why;
* §3.2-3.4 semantic cases parse, and ``check_request`` / ``check_response``
  give the RFC's answer for a user agent.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable

import pytest

from softphone.sip import (
    AbsoluteUri,
    Message,
    Request,
    Response,
    SipParseError,
    SipUri,
    parse_message,
    parse_uri,
)
from softphone.sip.auth import parse_credentials
from softphone.sip.grammar import unescape
from softphone.sip.salvage import salvage_response
from softphone.sip.validation import Rejection, check_request, check_response

TORTURE = pathlib.Path(__file__).parent / "torture"

# What our user agent implements when it acts as a UAS.
UA_METHODS = ("ACK", "BYE", "CANCEL", "INFO", "INVITE", "OPTIONS", "UPDATE")


def data(name: str) -> bytes:
    return (TORTURE / f"{name}.dat").read_bytes()


def request(name: str) -> Request:
    message = parse_message(data(name))
    assert isinstance(message, Request)
    return message


def response(name: str) -> Response:
    message = parse_message(data(name))
    assert isinstance(message, Response)
    return message


def test_archive_is_complete_and_byte_exact() -> None:
    names = sorted(p.stem for p in TORTURE.glob("*.dat"))
    assert len(names) == 49  # every message of RFC 4475 §3
    assert len(VALID) + len(INVALID) + len(SEMANTIC) == 49
    assert set(VALID) | set(INVALID) | set(SEMANTIC) == set(names)
    # Spot checks that no tool normalised the bytes.
    assert data("wsinv").count(b"\r\n") == 37 and b"\n" not in data("wsinv").replace(b"\r\n", b"")
    assert b"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" in data("intmeth")
    assert data("trws").split(b"\r\n", 1)[0].endswith(b"SIP/2.0  ")


# --------------------------------------------------------------------------
# §3.1.1 valid messages


def _wsinv(m: Message) -> None:
    assert isinstance(m, Request) and m.method == "INVITE"
    assert isinstance(m.uri, SipUri) and m.uri.params == (("unknownparam", None),)
    assert m.to.uri == SipUri(host="chair-dnrc.example.com", user="vivekg")
    assert m.to.tag == "1918181833n" and m.to.display_name is None
    assert m.from_.display_name == 'J Rosenberg \\"' and m.from_.tag == "98asjd8"
    assert m.max_forwards == 68 and (m.cseq.seq, m.cseq.method) == (9, "INVITE")
    assert m.call_id == "wsinv.ndaksdj@192.0.2.1"
    assert [(v.transport, v.host, v.branch) for v in m.via] == [
        ("UDP", "192.0.2.2", "390skdjuw"),
        ("TCP", "spindle.example.com", "z9hG4bK9ikj8"),
        ("UDP", "192.168.255.111", "z9hG4bK30239"),
    ]
    assert all(v.protocol == "SIP/2.0" for v in m.via)
    assert m.headers.get("Subject") == ""
    assert m.headers.get("NewFangledHeader") == "newfangled value continued newfangled value"
    assert m.headers.get("UnknownHeaderWithUnusualValue") == ";;,,;;,;"
    route = m.headers.get_all("Route")
    assert route == ["<sip:services.example.com;lr;unknownwith=value;unknown-no-value>"]
    (contact,) = m.contact
    assert contact.display_name == 'Quoted string ""'
    assert contact.params == (("newparam", "newvalue"), ("secondparam", None), ("q", "0.33"))
    assert m.content_type is not None and m.content_type.mime == "application/sdp"
    assert len(m.body) == 150 and m.body.startswith(b"v=0\r\n")


def _intmeth(m: Message) -> None:
    assert isinstance(m, Request)
    assert m.method == "!interesting-Method0123456789_*+`.%indeed'~"
    assert isinstance(m.uri, SipUri)
    assert m.uri.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"
    assert m.uri.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"
    assert m.top_via.branch == "z9hG4bK-.!%66*_+`'~"
    assert m.to.display_name == "BEL:\x07 NUL:\x00 DEL:\x7f"
    assert m.to.uri == SipUri(
        host="example.com", user="1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"
    )
    assert m.from_.display_name == "token1~` token2'+_ token3*%!.-"
    assert m.from_.param("fromParam''~+*_!.-%") == '"работающий"'
    assert m.from_.tag == "_token~1'+`*%!-."
    assert m.call_id == "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"
    assert m.cseq.method == m.method and m.cseq.seq == 139122385
    assert m.headers.get("extensionHeader-!.%*+_`'~") == "\ufeff大停電"


def _esc01(m: Message) -> None:
    assert isinstance(m, Request) and isinstance(m.uri, SipUri)
    assert unescape(m.uri.user or "") == "sips:user@example.com"
    assert m.uri.host == "example.net"
    assert m.to.uri.equivalent(parse_uri("sip:user@example.com"))
    assert unescape(m.from_.uri.user or "") == "I have spaces"
    (contact,) = m.contact
    assert contact.uri.equivalent(parse_uri("sip:caller@host5.example.net;lr;name=value%2541"))
    assert isinstance(contact.uri, SipUri)
    assert [(unescape(k), unescape(v or "")) for k, v in contact.uri.params] == [
        ("lr", ""),
        ("name", "value%41"),
    ]


def _escnull(m: Message) -> None:
    assert unescape(m.to.uri.user or "") == "null-\x00-null"  # type: ignore[union-attr]
    users = [c.uri.user for c in m.contact]  # type: ignore[union-attr]
    assert [unescape(u or "") for u in users] == ["\x00", "\x00\x00"]


def _esc02(m: Message) -> None:
    assert isinstance(m, Request) and m.method == "RE%47IST%45R"  # not REGISTER
    assert m.to.display_name == m.from_.display_name == "%Z%45"
    assert [str(c.uri) for c in m.contact] == [
        "sip:alias1@host1.example.com",
        "sip:alias3@host3.example.com",
    ]
    assert m.headers.get("C%6Fntact") == "<sip:alias2@host2.example.com>"
    assert m.top_via.branch == "z9hG4bK209%fzsnel234"


def _lwsdisp(m: Message) -> None:
    assert m.from_.display_name == "caller" and m.from_.tag == "323"


def _longreq(m: Message) -> None:
    assert len(m.via) == 34
    assert [v.host for v in m.via[:3]] == [
        "sip33.example.com",
        "sip32.example.com",
        "sip31.example.com",
    ]
    assert m.via[-1].received == "192.0.2.5" and len(m.via[-1].branch or "") > 200
    assert m.to.display_name is not None and "extreme proportion" in m.to.display_name
    assert isinstance(m.to.uri, SipUri) and m.to.uri.port == 6000 and len(m.to.uri.params) == 3
    assert m.from_.tag == "1" + "298" * 50 + "2424"
    assert len(m.from_.params) == 3 and m.from_.params[2][1] is None
    assert m.call_id.startswith("longreq.onereally") and m.cseq.seq == 3882340
    assert len(m.body) == 150


def _dblreq(m: Message) -> None:
    # The octets after the (empty) body look like an INVITE but are noise.
    assert isinstance(m, Request) and m.method == "REGISTER" and m.body == b""
    assert m.call_id == "dblreq.0ha0isndaksdj99sdfafnl3lk233412"  # compact "I:"


def _semiuri(m: Message) -> None:
    assert isinstance(m, Request) and isinstance(m.uri, SipUri)
    assert unescape(m.uri.user or "") == "user;par=u@example.net"
    assert m.uri.host == "example.com" and m.uri.params == ()
    assert m.headers.get_all("Accept") == [
        "application/sdp",
        "application/pkcs7-mime",
        "multipart/mixed",
        "multipart/signed",
        "message/sip",
        "message/sipfrag",
    ]


def _transports(m: Message) -> None:
    assert [v.transport for v in m.via] == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]
    assert m.call_id == "transports.kijh4akdnaqjkwendsasfdj"


def _mpart01(m: Message) -> None:
    assert m.content_type is not None and m.content_type.mime == "multipart/mixed"
    assert m.content_type.param("boundary") == "7a9cbec02ceef655"
    assert len(m.body) == 553 and m.body.endswith(b"--7a9cbec02ceef655--\r\n")
    assert m.headers.get("Content-Transfer-Encoding") == "binary"


def _unreason(m: Message) -> None:
    assert isinstance(m, Response) and m.status_code == 200
    assert m.reason == "= 2**3 * 5**2 но сто девяносто девять - простое"


def _noreason(m: Message) -> None:
    assert isinstance(m, Response) and m.status_code == 100 and m.reason == ""


VALID: dict[str, Callable[[Message], None]] = {
    "wsinv": _wsinv,
    "intmeth": _intmeth,
    "esc01": _esc01,
    "escnull": _escnull,
    "esc02": _esc02,
    "lwsdisp": _lwsdisp,
    "longreq": _longreq,
    "dblreq": _dblreq,
    "semiuri": _semiuri,
    "transports": _transports,
    "mpart01": _mpart01,
    "unreason": _unreason,
    "noreason": _noreason,
}


@pytest.mark.parametrize("name", VALID)
def test_valid_message_parses_with_its_semantics(name: str) -> None:
    message = parse_message(data(name))
    VALID[name](message)


@pytest.mark.parametrize("name", VALID)
def test_valid_message_round_trips(name: str) -> None:
    first = parse_message(data(name))
    again = parse_message(first.to_bytes())
    VALID[name](again)
    assert list(again.headers) == [(n, v) for n, v in first.headers if n != "Content-Length"] + [
        ("Content-Length", str(len(first.body)))
    ]


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("wsinv", None),
        ("esc01", None),
        ("lwsdisp", None),
        ("longreq", None),
        ("semiuri", None),
        ("transports", None),
        # Unknown methods: "Endpoints will generate a 501 listing the methods
        # they understand in an Allow header field" (§3.1.1.2, §3.1.1.5).
        ("intmeth", 501),
        ("esc02", 501),
        # Methods a phone does not serve.
        ("escnull", 405),
        ("dblreq", 405),
        ("mpart01", 405),
    ],
)
def test_valid_requests_answer_as_a_user_agent(name: str, answer: int | None) -> None:
    rejection = check_request(request(name), methods=UA_METHODS)
    assert (rejection.status_code if rejection else None) == answer
    if rejection is not None:
        assert dict(rejection.headers)["Allow"] == "ACK, BYE, CANCEL, INFO, INVITE, OPTIONS, UPDATE"


@pytest.mark.parametrize("name", ["unreason", "noreason"])
def test_valid_responses_are_kept(name: str) -> None:
    assert check_response(response(name)) is None


# --------------------------------------------------------------------------
# §3.1.2 invalid messages: (status of the SipParseError, words of its
# message naming the defect, status of the salvaged answer or None)

INVALID: dict[str, tuple[int, str, int | None]] = {
    "badinv01": (400, "empty Via parameter", 400),
    "clerr": (400, "body shorter than Content-Length", 400),
    "ncl": (400, "Content-Length", 400),
    "scalar02": (400, "CSeq number too large", 400),
    # A response: "An element receiving this response will simply discard it."
    "scalarlg": (400, "CSeq number too large", None),
    "quotbal": (400, "unterminated quoted string", 400),
    "ltgtruri": (400, "Request-URI enclosed in angle brackets", 400),
    "lwsruri": (400, "whitespace inside the Request-URI", 400),
    "lwsstart": (400, "more than one SP", 400),
    # "It is acceptable to reject this request as malformed" (§3.1.2.10):
    # we do, rather than guess what else trailing junk might hide.
    "trws": (400, "whitespace after the SIP version", 400),
    # "It is acceptable for an element to reject this request with a 400"
    # (§3.1.2.11): we do; a UA has no use for headers smuggled in a URI.
    "escruri": (400, "Request-URI must not carry headers", 400),
    "regbadct": (400, "outside angle brackets", 400),
    # "It is reasonable to reject this request with a 400" (§3.1.2.14).
    "badaspec": (400, "whitespace inside the angle brackets", 400),
    "baddn": (400, "bad display name", 400),
    "badvers": (505, "unsupported version", 505),
    "mismatch01": (400, "CSeq method does not match", 400),
    # "should respond with a 501 Not Implemented" (§3.1.2.18).
    "mismatch02": (501, "CSeq method does not match", 501),
    # A response with a status code beyond 3 digits: discarded.
    "bigcode": (400, "bad status code", None),
    # §3.1.2.12 baddate is accepted, see test_baddate_is_parsed_but_date_is_refused.
    "baddate": (0, "", None),
}


@pytest.mark.parametrize("name", [n for n in INVALID if n != "baddate"])
def test_invalid_message_is_rejected_and_answered(name: str) -> None:
    status, words, answer = INVALID[name]
    raw = data(name)
    with pytest.raises(SipParseError) as info:
        parse_message(raw)
    assert info.value.status_code == status
    assert words in str(info.value)
    reply = salvage_response(raw, info.value, to_tag="t1")
    if answer is None:
        assert reply is None
        return
    assert reply is not None and reply.status_code == answer
    wire = reply.to_bytes()
    assert b"\r\n\r\n" in wire and wire.count(b"\r\n\r\n") == 1
    # The answer reaches the sender's transaction: its Via lines and CSeq.
    sent = [line for line in raw.split(b"\r\n") if line.lower().startswith(b"via")]
    assert reply.headers.get_lines("Via") == [
        line.split(b":", 1)[1].strip().decode() for line in sent
    ]
    assert reply.headers.get("CSeq") is not None
    to = reply.headers.get("To")
    assert to is None or to.endswith(";tag=t1") or "tag=" in to.split(">")[-1]


def test_invalid_answers_name_the_defect() -> None:
    with pytest.raises(SipParseError) as info:
        parse_message(data("lwsstart"))
    reply = salvage_response(data("lwsstart"), info.value)
    assert reply is not None
    assert reply.reason == "Bad Request (more than one SP between request line elements)"
    with pytest.raises(SipParseError) as info:
        parse_message(data("badvers"))
    reply = salvage_response(data("badvers"), info.value)
    assert reply is not None and reply.reason == "Version Not Supported"


def test_baddate_is_parsed_but_date_is_refused() -> None:
    # §3.1.2.12: "It is acceptable to reject this request as malformed
    # (though an element shouldn't do that unless the contents of the Date
    # header field were actually important to its processing)." A phone
    # does not use Date, so the request is processed; whoever reads the
    # value gets the error.
    message = request("baddate")
    assert message.headers.get("Date") == "Fri, 01 Jan 2010 16:00:00 EST"
    with pytest.raises(SipParseError, match="Date"):
        _ = message.date
    assert check_request(message, methods=UA_METHODS) is None


def test_baddn_fails_on_the_display_name_not_on_framing() -> None:
    # The RFC's archive copy of baddn.dat ends right after "l: 0" CRLF
    # without the empty line; both forms are refused for the display name.
    for raw in (data("baddn"), data("baddn") + b"\r\n"):
        with pytest.raises(SipParseError, match="bad display name"):
            parse_message(raw)


# --------------------------------------------------------------------------
# §3.2-3.4 transaction and application layer


def _rejection(
    name: str,
    *,
    methods: tuple[str, ...] = UA_METHODS,
    supported: tuple[str, ...] = (),
    proxy: bool = False,
) -> Rejection | None:
    return check_request(request(name), methods=methods, supported=supported, proxy=proxy)


def test_badbranch_cookie_without_identifier_is_400() -> None:
    rejection = _rejection("badbranch")
    assert rejection is not None and rejection.status_code == 400
    assert "transaction identifier" in rejection.reason


def test_insuf_missing_headers_still_gets_a_400() -> None:
    raw = data("insuf")
    with pytest.raises(SipParseError, match="missing") as info:
        parse_message(raw)
    reply = salvage_response(raw, info.value)
    assert reply is not None and reply.status_code == 400
    assert reply.headers.get("CSeq") == "193942 INVITE"
    assert reply.headers.get("To") is None and reply.headers.get("Call-ID") is None


@pytest.mark.parametrize("name", ["unkscm", "novelsc"])
def test_unknown_request_uri_scheme_is_416(name: str) -> None:
    message = request(name)
    assert isinstance(message.uri, AbsoluteUri)
    rejection = _rejection(name)
    assert rejection is not None and rejection.status_code == 416


def test_unksm2_unknown_schemes_in_headers_parse() -> None:
    message = request("unksm2")
    assert message.to.uri == AbsoluteUri("isbn", "2983792873")
    assert message.from_.uri == AbsoluteUri("http", "//www.example.com")
    assert message.contact[0].uri == AbsoluteUri("name", "John_Smith")
    assert _rejection("unksm2").status_code == 405  # type: ignore[union-attr]
    # Where REGISTER is served, the To must be a SIP AOR: 400.
    registrar = _rejection("unksm2", methods=("REGISTER",))
    assert registrar is not None and registrar.status_code == 400


def test_bext01_unknown_require_is_420_and_proxy_require_is_ignored() -> None:
    rejection = _rejection("bext01")
    assert rejection == Rejection(
        420, "Bad Extension", (("Unsupported", "nothingSupportsThis, nothingSupportsThisEither"),)
    )
    assert _rejection("bext01", supported=("nothingsupportsthis", "NothingSupportsThisEither")) is (
        None
    )


def test_invut_unknown_body_type_is_415_with_accept() -> None:
    rejection = _rejection("invut")
    assert rejection is not None and rejection.status_code == 415
    assert "application/sdp" in dict(rejection.headers)["Accept"]


def test_regaut01_unknown_authorization_scheme_is_ignored() -> None:
    message = request("regaut01")
    with pytest.raises(SipParseError, match="scheme"):
        parse_credentials(message.headers.get("Authorization") or "")
    assert _rejection("regaut01", methods=("REGISTER",)) is None


def test_multi01_duplicate_single_value_headers_get_a_400() -> None:
    raw = data("multi01")
    with pytest.raises(SipParseError, match="more than one") as info:
        parse_message(raw)
    reply = salvage_response(raw, info.value)
    assert reply is not None and reply.status_code == 400
    assert reply.headers.get_lines("CSeq") == ["5 INVITE"]
    assert reply.headers.get_lines("Call-ID") == ["multi01.98asdh@192.0.2.1"]


def test_mcl01_multiple_content_lengths_get_a_400() -> None:
    raw = data("mcl01")
    with pytest.raises(SipParseError, match="Content-Length") as info:
        parse_message(raw)
    reply = salvage_response(raw, info.value)
    assert reply is not None and reply.status_code == 400


def test_bcast_response_with_two_vias_is_discarded() -> None:
    message = response("bcast")
    assert message.via[1].host == "255.255.255.255"
    assert check_response(message) == "more than one Via in a response"


def test_zeromf_is_processed_by_an_endpoint_and_refused_by_a_proxy() -> None:
    message = request("zeromf")
    assert message.max_forwards == 0
    assert _rejection("zeromf") is None
    assert _rejection("zeromf", proxy=True) == Rejection(483, "Too Many Hops")


def test_cparam01_addr_spec_parameters_belong_to_the_header() -> None:
    (contact,) = request("cparam01").contact
    assert contact.params == (("unknownparam", None),)
    assert isinstance(contact.uri, SipUri) and contact.uri.params == ()
    assert contact.uri.user == "+19725552222"


def test_cparam02_bracketed_parameters_belong_to_the_uri() -> None:
    (contact,) = request("cparam02").contact
    assert contact.params == ()
    assert isinstance(contact.uri, SipUri) and contact.uri.params == (("unknownparam", None),)


def test_regescrt_escaped_header_in_contact_uri() -> None:
    (contact,) = request("regescrt").contact
    assert isinstance(contact.uri, SipUri)
    assert contact.uri.headers == (("Route", "%3Csip:sip.example.com%3E"),)
    assert unescape(contact.uri.headers[0][1]) == "<sip:sip.example.com>"
    assert _rejection("regescrt", methods=("REGISTER",)) is None


def test_sdp01_accept_without_sdp_is_406() -> None:
    rejection = _rejection("sdp01")
    assert rejection is not None and rejection.status_code == 406
    assert dict(rejection.headers)["Accept"] == "application/sdp"


def test_inv2543_rfc2543_syntax_is_accepted() -> None:
    message = request("inv2543")
    assert message.top_via.branch is None and message.from_.tag is None
    assert message.max_forwards is None and "Content-Length" not in message.headers
    assert message.body.startswith(b"v=0\r\n") and message.body.endswith(b"RTP/AVP 0\r\n")
    assert _rejection("inv2543") is None


SEMANTIC = {
    "badbranch",
    "insuf",
    "unkscm",
    "novelsc",
    "unksm2",
    "bext01",
    "invut",
    "regaut01",
    "multi01",
    "mcl01",
    "bcast",
    "zeromf",
    "cparam01",
    "cparam02",
    "regescrt",
    "sdp01",
    "inv2543",
}
