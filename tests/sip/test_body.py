"""Multipart bodies: the RFC 4475 binary MESSAGE and SDP inside multipart INVITEs."""

from __future__ import annotations

import pathlib

import pytest

from softphone.sip import Headers, LocalProtocolError, SipParseError, parse_message
from softphone.sip.body import BodyPart, build_multipart, find_part, parse_multipart, sdp_body
from softphone.sip.headers import parse_content_type
from softphone.sip.sdp import parse_sdp

TORTURE = pathlib.Path(__file__).parent / "torture"
SDP = (
    b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
    b"m=audio 4000 RTP/AVP 0\r\n"
)


def test_rfc4475_mpart01_binary_parts_are_exact() -> None:
    message = parse_message((TORTURE / "mpart01.dat").read_bytes())
    assert message.content_type is not None
    parts = parse_multipart(message.body, message.content_type)
    assert [p.content_type.mime for p in parts] == ["text/plain", "application/octet-stream"]
    assert parts[0].body == b"Hello"
    assert parts[0].headers.get("Content-Transfer-Encoding") == "binary"
    signed = parts[1].body
    assert len(signed) == 342 and signed[:4] == bytes.fromhex("30820152")
    assert signed.endswith(bytes.fromhex("bc99d005")) and b"\r" in signed and b"\n" in signed
    assert sdp_body(message) is None


def _invite(body: bytes, content_type: str | None) -> bytes:
    ctype = f"Content-Type: {content_type}\r\n" if content_type else ""
    return (
        b"INVITE sip:7001@example.com SIP/2.0\r\n"
        b"Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\n"
        b"From: <sip:a@example.com>;tag=1\r\nTo: <sip:7001@example.com>\r\n"
        b"Call-ID: mp1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        + ctype.encode()
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )


def test_sdp_found_in_multipart_mixed_with_preamble_and_epilogue() -> None:
    body = (
        b"This is a preamble.\r\n"
        b"--unique-boundary-1\r\n"
        b"Content-Type: application/ISUP;version=nxv3;base=etsi121\r\n"
        b"Content-Disposition: signal;handling=optional\r\n\r\n"
        b"\x01\x00\x49\x00\x00\x03\r\n"
        b"--unique-boundary-1\r\n"
        b"Content-Type:\r\n application/sdp\r\n\r\n"
        + SDP
        + b"\r\n--unique-boundary-1--\r\nepilogue"
    )
    message = parse_message(_invite(body, 'multipart/mixed;boundary="unique-boundary-1"'))
    assert sdp_body(message) == SDP
    assert parse_sdp(sdp_body(message) or b"").media[0].port == 4000
    assert message.content_type is not None
    parts = parse_multipart(message.body, message.content_type)
    assert parts[0].disposition == "signal" and parts[0].body == b"\x01\x00\x49\x00\x00\x03"
    assert parts[1].content_type.mime == "application/sdp"


def test_sdp_found_in_nested_alternative() -> None:
    inner, inner_type = build_multipart(
        [
            BodyPart(Headers([("Content-Type", "text/plain")]), b"no sdp here"),
            BodyPart(Headers([("Content-Type", "application/sdp")]), SDP),
        ],
        boundary="inner",
        subtype="alternative",
    )
    outer, outer_type = build_multipart(
        [BodyPart(Headers([("Content-Type", str(inner_type))]), inner)], boundary="outer"
    )
    message = parse_message(_invite(outer, str(outer_type)))
    assert sdp_body(message) == SDP
    found = find_part(outer, outer_type, "application/sdp")
    assert found is not None and found.headers.get("Content-Type") == "application/sdp"


def test_plain_and_untyped_bodies() -> None:
    assert sdp_body(parse_message(_invite(SDP, "application/sdp"))) == SDP
    assert sdp_body(parse_message(_invite(SDP, None))) == SDP  # RFC 3261 §20.15
    assert sdp_body(parse_message(_invite(b"<x/>", "application/xml"))) is None
    assert sdp_body(parse_message(_invite(b"", "application/sdp"))) is None


def test_part_without_headers_is_text_plain() -> None:
    mixed = parse_content_type("multipart/mixed;boundary=b")
    parts = parse_multipart(b"--b\r\n\r\nhi\r\n--b--", mixed)
    assert parts == [BodyPart(Headers(), b"hi")]
    assert parts[0].content_type.mime == "text/plain"


def test_build_round_trip_and_misuse() -> None:
    parts = [
        BodyPart(Headers([("Content-Type", "application/sdp")]), SDP),
        BodyPart(Headers([("Content-Type", "text/plain")]), b""),
    ]
    body, ctype = build_multipart(parts, boundary="b0undary")
    assert parse_multipart(body, ctype) == parts
    with pytest.raises(LocalProtocolError):
        build_multipart(parts, boundary="bad\r\nboundary")
    with pytest.raises(LocalProtocolError):
        build_multipart([BodyPart(Headers(), b"x--b0undary")], boundary="b0undary")


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"--b\r\n\r\nx\r\n--b--", "multipart/mixed"),  # no boundary parameter
        (b"--b\r\n\r\nx\r\n--b--", "multipart/mixed;boundary=" + "x" * 71),
        (b"--b\r\n\r\nx\r\n--b--", "application/sdp;boundary=b"),
        (b"no delimiter at all", "multipart/mixed;boundary=b"),
        (b"--b\r\n\r\nx", "multipart/mixed;boundary=b"),  # no close delimiter
        (b"--bjunk\r\n\r\nx\r\n--b--", "multipart/mixed;boundary=b"),
        (b"--b\r\nContent-Type: text/plain\r\nx\r\n--b--", "multipart/mixed;boundary=b"),
        (b"--b\r\nbad header\r\n\r\nx\r\n--b--", "multipart/mixed;boundary=b"),
        (b"--b\r\nContent-Type: nonsense\r\n\r\nx\r\n--b--", "multipart/mixed;boundary=b"),
        (b"--b\r\nX: \xff\r\n\r\nx\r\n--b--", "multipart/mixed;boundary=b"),
        (b"--b\r\n\r\nx\r\n" * 100 + b"--b--", "multipart/mixed;boundary=b"),
    ],
)
def test_malformed_multipart_raises_sip_parse_error(body: bytes, ctype: str) -> None:
    with pytest.raises(SipParseError):
        parse_multipart(body, parse_content_type(ctype))
