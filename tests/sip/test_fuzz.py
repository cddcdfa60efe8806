"""Property-based fuzzing of the message layer (hypothesis).

Real messages (the RFC 4475 archive plus everyday REGISTER / INVITE / 200
traffic) are mutated — flipped bytes, inserted and deleted runs, truncation,
duplicated and swapped lines, huge numbers, random Unicode, CR/LF injection —
and every public door must either succeed or raise ``SipParseError``: never
another exception, never a hang (inputs are bounded; pytest-timeout guards).
A message that parses must also serialise and re-parse to the same meaning.
"""

from __future__ import annotations

import contextlib
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from softphone.sip import Message, Request, SipParseError, StreamFramer, parse_message
from softphone.sip.auth import parse_challenge, parse_credentials
from softphone.sip.body import parse_multipart, sdp_body
from softphone.sip.headers import parse_content_type
from softphone.sip.salvage import salvage_response
from softphone.sip.sdp import codecs, direction, parse_sdp, with_direction
from softphone.sip.validation import check_request, check_response

TORTURE = pathlib.Path(__file__).parent / "torture"

EVERYDAY = [
    b"REGISTER sip:pbx.example.com SIP/2.0\r\n"
    b"Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;rport\r\n"
    b"Max-Forwards: 70\r\n"
    b'From: "Agent 7" <sip:7001@pbx.example.com>;tag=a73kszlfl\r\n'
    b"To: <sip:7001@pbx.example.com>\r\n"
    b"Call-ID: 1j9FpLxk3uxtm8tn@df7jal23ls0d.invalid\r\n"
    b"CSeq: 2 REGISTER\r\n"
    b'Authorization: Digest username="7001", realm="pbx", nonce="ab12", uri="sip:pbx.example.com",'
    b' response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b", qop=auth,'
    b" nc=00000001\r\n"
    b'Contact: <sip:7001@df7jal23ls0d.invalid;transport=ws>;+sip.instance="<urn:uuid:00000000-'
    b'0000-1000-8000-000A95A0E128>";reg-id=1;expires=600\r\n'
    b"Supported: path, outbound, gruu\r\n"
    b"Content-Length: 0\r\n\r\n",
    b"INVITE sip:7001@df7jal23ls0d.invalid;transport=ws SIP/2.0\r\n"
    b"Via: SIP/2.0/WSS 10.0.0.1:443;branch=z9hG4bK1d32hr4;received=10.0.0.1;rport=443\r\n"
    b"Record-Route: <sip:10.0.0.1:443;transport=ws;lr>, <sip:10.0.0.2;lr>\r\n"
    b"From: <sip:+15551234567@pbx.example.com>;tag=as3d2f\r\n"
    b"To: <sip:7001@pbx.example.com>\r\n"
    b"Call-ID: 3848276298220188511@pbx.example.com\r\n"
    b"CSeq: 102 INVITE\r\n"
    b"Max-Forwards: 69\r\n"
    b"Contact: <sip:pbx@10.0.0.1:443;transport=ws>\r\n"
    b"Session-Expires: 1800;refresher=uac\r\n"
    b"Call-Info: <sip:pbx.example.com>;answer-after=0\r\n"
    b"Content-Type: application/sdp\r\n"
    b"Content-Length: 135\r\n\r\n"
    b"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
    b"m=audio 5004 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n",
    b"SIP/2.0 401 Unauthorized\r\n"
    b"Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;rport=5060;received=1.2.3.4\r\n"
    b"From: <sip:7001@pbx.example.com>;tag=a73kszlfl\r\n"
    b"To: <sip:7001@pbx.example.com>;tag=1410948204\r\n"
    b"Call-ID: 1j9FpLxk3uxtm8tn@df7jal23ls0d.invalid\r\n"
    b"CSeq: 1 REGISTER\r\n"
    b'WWW-Authenticate: Digest realm="pbx", nonce="WZ8hWFqfE/8f1C9vlxGoRoEIpm8/tLN/",'
    b' qop="auth", algorithm=MD5, stale=FALSE\r\n'
    b"Content-Length: 0\r\n\r\n",
]

SEEDS = EVERYDAY + [p.read_bytes() for p in sorted(TORTURE.glob("*.dat"))]

INTERESTING = b'\r\n\t :;,<>"\\@%=?&/[]()*\x00\x7f\xff\xc3\xa9'
MAX_SIZE = 16_384


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                [
                    "flip",
                    "insert",
                    "delete",
                    "truncate",
                    "dup_line",
                    "swap_lines",
                    "huge_number",
                    "unicode",
                    "crlf",
                    "interesting",
                ]
            )
        )
        n = len(data)
        at = draw(st.integers(0, max(n - 1, 0)))
        if kind == "flip" and n:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete" and n:
            del data[at : at + draw(st.integers(1, 32))]
        elif kind == "truncate":
            del data[at:]
        elif kind in ("dup_line", "swap_lines"):
            lines = bytes(data).split(b"\r\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if kind == "dup_line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\r\n".join(lines))
        elif kind == "huge_number":
            digits = draw(st.sampled_from([b"0", b"9", b"4294967296", b"-1"])) * draw(
                st.integers(1, 400)
            )
            for k in range(at, n):
                if 0x30 <= data[k] <= 0x39:
                    end = k
                    while end < n and 0x30 <= data[end] <= 0x39:
                        end += 1
                    data[k:end] = digits
                    break
        elif kind == "unicode":
            data[at:at] = draw(st.text(min_size=1, max_size=8)).encode("utf-8", "surrogatepass")
        elif kind == "crlf":
            data[at:at] = draw(st.sampled_from([b"\r\n", b"\r", b"\n", b"\r\n ", b"\r\n\r\n"]))
        elif kind == "interesting":
            data[at:at] = bytes(
                draw(st.lists(st.sampled_from(INTERESTING), min_size=1, max_size=6))
            )
    return bytes(data[:MAX_SIZE])


def semantics(message: Message) -> tuple[object, ...]:
    """What a reader of the message relies on (Content-Length excluded: it
    is recomputed from the body)."""
    if isinstance(message, Request):
        start: tuple[object, ...] = (message.method, str(message.uri))
    else:
        start = (message.status_code, message.reason)
    headers = [(n, v) for n, v in message.headers if n != "Content-Length"]
    typed = (
        [str(v) for v in message.via],
        str(message.from_),
        str(message.to),
        message.call_id,
        str(message.cseq),
        [str(c) for c in message.contact],
        [str(r) for r in message.record_route],
        str(message.content_type),
        message.max_forwards,
        message.expires,
    )
    return (start, headers, typed, message.body)


def exercise(message: Message) -> None:
    """Everything the UA reads from a parsed message must be safe to read."""
    semantics(message)
    with contextlib.suppress(SipParseError):  # documented: Date is checked when read
        _ = message.date
    for name in ("WWW-Authenticate", "Proxy-Authenticate"):
        for value in message.headers.get_lines(name):
            with contextlib.suppress(SipParseError):
                parse_challenge(value)
    for name in ("Authorization", "Proxy-Authorization"):
        for value in message.headers.get_lines(name):
            with contextlib.suppress(SipParseError):
                parse_credentials(value)
    with contextlib.suppress(SipParseError):  # SDP and multipart bodies
        body = sdp_body(message)
        if body is not None:
            sdp = parse_sdp(body)
            str(with_direction(sdp, direction(sdp).reversed()))
            codecs(sdp)
    if isinstance(message, Request):
        check_request(message, methods=("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"))
    else:
        check_response(message)


FUZZ = settings(
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@pytest.mark.timeout(60)
@FUZZ
@given(mutated())
def test_parse_succeeds_or_raises_sip_parse_error(data: bytes) -> None:
    try:
        message = parse_message(data)
    except SipParseError as exc:
        reply = salvage_response(data, exc)
        if reply is not None:
            # Copied fields may be as broken as the request, but never the
            # framing: one status line, header lines, one empty line.
            wire = reply.to_bytes()
            assert wire.startswith(b"SIP/2.0 %d " % reply.status_code)
            assert wire.endswith(b"Content-Length: 0\r\n\r\n") and wire.count(b"\r\n\r\n") == 1
        return
    exercise(message)
    again = parse_message(message.to_bytes())
    assert semantics(again) == semantics(message)


@pytest.mark.timeout(60)
@settings(FUZZ, max_examples=300)
@given(st.lists(mutated(), min_size=1, max_size=3), st.data())
def test_stream_framer_only_raises_sip_parse_error(
    chunks: list[bytes], data: st.DataObject
) -> None:
    framer = StreamFramer()
    stream = b"\r\n".join(chunks)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    pieces = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    for piece in pieces:
        try:
            for message in framer.feed(piece):
                exercise(message)
        except SipParseError:
            framer = StreamFramer()  # a framing error closes the connection


@pytest.mark.timeout(60)
@settings(FUZZ, max_examples=400)
@given(st.text(max_size=200), st.sampled_from(["Digest ", 'Digest realm="r", nonce="n", ', ""]))
def test_auth_headers_only_raise_sip_parse_error(text: str, prefix: str) -> None:
    for parse in (parse_challenge, parse_credentials):
        with contextlib.suppress(SipParseError):
            parse(prefix + text)


SDP_SEED = EVERYDAY[1].split(b"\r\n\r\n", 1)[1]
MPART_SEED = (TORTURE / "mpart01.dat").read_bytes().split(b"\r\n\r\n", 1)[1]


@pytest.mark.timeout(60)
@settings(FUZZ, max_examples=500)
@given(
    st.sampled_from([SDP_SEED, MPART_SEED]),
    st.lists(
        st.tuples(st.integers(0, 600), st.binary(max_size=8), st.integers(0, 8)),
        min_size=1,
        max_size=4,
    ),
)
def test_sdp_and_multipart_only_raise_sip_parse_error(
    seed: bytes, edits: list[tuple[int, bytes, int]]
) -> None:
    data = bytearray(seed)
    for at, insert, delete in edits:
        data[at : at + delete] = insert
    with contextlib.suppress(SipParseError):
        sdp = parse_sdp(bytes(data))
        assert parse_sdp(str(sdp)) == sdp
        codecs(sdp)
        direction(sdp)
    with contextlib.suppress(SipParseError):
        ctype = parse_content_type("multipart/mixed;boundary=7a9cbec02ceef655")
        for part in parse_multipart(bytes(data), ctype):
            _ = part.content_type, part.disposition
