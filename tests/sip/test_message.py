"""Message layer behaviours beyond the RFC 4475 corpus: framing safety,
stream framing, Date, reason phrases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from softphone.sip import (
    Headers,
    LocalProtocolError,
    Request,
    Response,
    SipParseError,
    StreamFramer,
    parse_message,
    parse_uri,
)
from softphone.sip.errors import RemoteProtocolError, safe_reason
from softphone.sip.headers import format_date, parse_date

OPTIONS = (
    b"OPTIONS sip:a@example.com SIP/2.0\r\n"
    b"Via: SIP/2.0/WS x.invalid;branch=z9hG4bKa1\r\n"
    b"From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
    b"Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
)


def test_serialising_refuses_header_injection() -> None:
    message = parse_message(OPTIONS)
    message.headers.add("Subject", "hi\r\nVia: SIP/2.0/UDP evil")
    with pytest.raises(LocalProtocolError):
        message.to_bytes()
    reply = Response(status_code=200, reason="OK\r\nX: y")
    with pytest.raises(LocalProtocolError):
        reply.to_bytes()
    bad_name = Headers([("Bad Name", "x")])
    request = Request(method="OPTIONS", uri=parse_uri("sip:a@b"), headers=bad_name)
    with pytest.raises(LocalProtocolError):
        request.to_bytes()


@pytest.mark.parametrize(
    "mutation",
    [
        (b"Call-ID: c1", b"Call-ID: c\r1"),  # bare CR
        (b"Content-Length: 0", b'Supported: a, "b\r\nContent-Length: 0'),  # broken list quote
    ],
)
def test_parser_refuses_what_could_not_be_relayed(mutation: tuple[bytes, bytes]) -> None:
    with pytest.raises(SipParseError):
        parse_message(OPTIONS.replace(*mutation))


def test_stream_framer_splits_keepalives_and_partial_messages() -> None:
    framer = StreamFramer()
    stream = b"\r\n\r\n" + OPTIONS + OPTIONS.replace(b"CSeq: 1", b"CSeq: 2")
    got = []
    for i in range(0, len(stream), 7):
        got.extend(framer.feed(stream[i : i + 7]))
    assert [m.cseq.seq for m in got] == [1, 2]
    assert framer.keepalives == 2


def test_stream_framer_requires_content_length() -> None:
    with pytest.raises(SipParseError, match="Content-Length"):
        list(StreamFramer().feed(OPTIONS.replace(b"Content-Length: 0\r\n", b"")))


def test_missing_final_empty_line_is_tolerated_on_a_whole_frame() -> None:
    message = parse_message(OPTIONS[:-2])
    assert message.body == b"" and message.cseq.seq == 1


def test_date_round_trip_and_rules() -> None:
    value = parse_date("Sat, 13 Nov 2010 23:29:00 GMT")
    assert value == datetime(2010, 11, 13, 23, 29, tzinfo=UTC)
    assert format_date(value) == "Sat, 13 Nov 2010 23:29:00 GMT"
    for bad in (
        "Sat, 13 Nov 2010 23:29:00 UTC",
        "Fri, 13 Nov 2010 23:29:00 GMT",
        "Sat, 31 Feb 2010 23:29:00 GMT",
        "13 Nov 2010 23:29:00 GMT",
    ):
        with pytest.raises(SipParseError):
            parse_date(bad)


def test_reason_phrases_from_peer_text_are_safe() -> None:
    error = RemoteProtocolError('bad "<thing>"\r\nX: 1')
    assert "\r" not in error.reason and "\n" not in error.reason and "<" not in error.reason
    assert error.reason.startswith("Bad Request (bad ")
    assert safe_reason("\x00\x01") == "??" and safe_reason("   ") == "Error"


def test_headers_compare_by_fields_in_order() -> None:
    assert Headers([("v", "x"), ("To", "y")]) == Headers([("Via", "x"), ("to", "y")])
    assert Headers([("Via", "x"), ("To", "y")]) != Headers([("To", "y"), ("Via", "x")])
