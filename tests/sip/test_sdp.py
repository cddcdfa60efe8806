"""SDP model: parsing real offers, direction for hold/unhold, codecs."""

from __future__ import annotations

import pathlib

import pytest

from softphone.sip import LocalProtocolError, SipParseError, parse_message
from softphone.sip.sdp import (
    Codec,
    Direction,
    as_answer,
    audio_offer,
    codecs,
    direction,
    parse_sdp,
    telephone_event,
    with_direction,
)

# The shape aiortc / browsers produce (abridged ICE/DTLS lines kept).
WEBRTC = (
    "v=0\r\n"
    "o=- 3918372310 3918372310 IN IP4 0.0.0.0\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0\r\n"
    "a=msid-semantic:WMS *\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 101\r\n"
    "c=IN IP4 192.0.2.7\r\n"
    "a=sendrecv\r\n"
    "a=mid:0\r\n"
    "a=msid:8b1f 4c3e\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=candidate:1 1 udp 2130706431 192.0.2.7 50000 typ host\r\n"
    "a=end-of-candidates\r\n"
    "a=ice-ufrag:Xk2p\r\n"
    "a=ice-pwd:aR7y0tRkO1GdMDIDcQIEhO\r\n"
    "a=fingerprint:sha-256 6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35\r\n"
    "a=setup:actpass\r\n"
)

LEGACY_HOLD = (
    "v=0\r\no=alice 1 2 IN IP4 host.example\r\ns=call\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 18\r\n"
)


def test_webrtc_offer_round_trips_byte_for_byte() -> None:
    sdp = parse_sdp(WEBRTC)
    assert str(sdp) == WEBRTC
    assert parse_sdp(WEBRTC.encode()).to_bytes() == WEBRTC.encode()
    assert sdp.origin.session_version == 3918372310 and sdp.origin.address == "0.0.0.0"
    (audio,) = sdp.media
    assert (audio.kind, audio.port, audio.proto) == ("audio", 9, "UDP/TLS/RTP/SAVPF")
    assert audio.formats == ("111", "0", "8", "101")
    assert audio.connection is not None and audio.connection.address == "192.0.2.7"
    assert audio.attribute("mid") == "0" and audio.has_attribute("rtcp-mux")
    assert audio.attribute("rtcp-mux") is None
    assert sdp.attributes("group") == ["BUNDLE 0"]


def test_codecs_in_offer_order_with_fmtp_and_static_types() -> None:
    sdp = parse_sdp(WEBRTC)
    assert codecs(sdp) == [
        Codec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1"),
        Codec(0, "PCMU", 8000),
        Codec(8, "PCMA", 8000),
        Codec(101, "telephone-event", 8000, 1, "0-16"),
    ]
    assert telephone_event(sdp) == Codec(101, "telephone-event", 8000, 1, "0-16")
    legacy = parse_sdp(LEGACY_HOLD)
    assert [c.name for c in codecs(legacy)] == ["PCMU", "G729"]  # no rtpmap needed
    assert telephone_event(legacy) is None
    assert codecs(legacy, "video") == []


def test_direction_media_level_wins_over_session_level() -> None:
    text = WEBRTC.replace("a=msid-semantic:WMS *\r\n", "a=msid-semantic:WMS *\r\na=inactive\r\n")
    assert direction(parse_sdp(text)) is Direction.SENDRECV
    no_media_dir = text.replace("a=sendrecv\r\n", "")
    assert direction(parse_sdp(no_media_dir)) is Direction.INACTIVE
    assert direction(parse_sdp(no_media_dir.replace("a=inactive\r\n", ""))) is Direction.SENDRECV


def test_rfc2543_hold_address_means_peer_will_not_receive() -> None:
    assert direction(parse_sdp(LEGACY_HOLD)) is Direction.SENDONLY
    assert direction(parse_sdp(LEGACY_HOLD + "a=recvonly\r\n")) is Direction.INACTIVE


@pytest.mark.parametrize("new", list(Direction))
def test_with_direction_replaces_every_direction_and_keeps_the_rest(new: Direction) -> None:
    text = WEBRTC.replace("a=msid-semantic:WMS *\r\n", "a=msid-semantic:WMS *\r\na=inactive\r\n")
    held = with_direction(parse_sdp(text), new)
    assert direction(held) is new
    assert direction(parse_sdp(str(held))) is new
    lines = str(held).split("\r\n")
    assert sum(line[2:] in {d.value for d in Direction} for line in lines) == 1
    # Nothing else changed, in order.
    others = [line for line in text.split("\r\n") if line[2:] not in {d.value for d in Direction}]
    assert [line for line in lines if line[2:] not in {d.value for d in Direction}] == others


def test_with_direction_skips_rejected_streams() -> None:
    text = WEBRTC + "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n"
    held = with_direction(parse_sdp(text), Direction.SENDONLY)
    assert held.media[1].attributes("sendonly") == []
    assert held.media[0].has_attribute("sendonly")


def test_direction_reversed_for_answers() -> None:
    assert Direction.SENDONLY.reversed() is Direction.RECVONLY
    assert Direction.RECVONLY.reversed() is Direction.SENDONLY
    assert Direction.SENDRECV.reversed() is Direction.SENDRECV
    assert Direction.INACTIVE.reversed() is Direction.INACTIVE


def test_session_version_bump() -> None:
    sdp = parse_sdp(WEBRTC).with_session_version(3918372311)
    assert "o=- 3918372310 3918372311 IN IP4 0.0.0.0\r\n" in str(sdp)


def test_lf_only_and_missing_final_newline_are_tolerated() -> None:
    sdp = parse_sdp(LEGACY_HOLD.replace("\r\n", "\n").rstrip("\n"))
    assert str(sdp) == LEGACY_HOLD


def test_torture_bodies_parse() -> None:
    root = pathlib.Path(__file__).parent / "torture"
    message = parse_message((root / "wsinv.dat").read_bytes())
    sdp = parse_sdp(message.body)
    assert [m.kind for m in sdp.media] == ["audio", "video"]
    assert [c.name for c in codecs(sdp, "video")] == ["LPC"]
    assert sdp.connection is not None and sdp.connection.address == "192.0.2.4"
    # dblreq's trailing noise carries "m =video": not SDP.
    noise = (root / "dblreq.dat").read_bytes().split(b"\r\n\r\n")[2]
    with pytest.raises(SipParseError):
        parse_sdp(noise)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "v=1\r\no=- 1 1 IN IP4 h\r\ns=-\r\n",
        "o=- 1 1 IN IP4 h\r\nv=0\r\ns=-\r\n",
        "v=0\r\ns=-\r\no=- 1 1 IN IP4 h\r\n",
        "v=0\r\no=- 1 IN IP4 h\r\ns=-\r\n",
        "v=0\r\no=- 1 x IN IP4 h\r\ns=-\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 99999 RTP/AVP 0\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 5000 RTP/AVP\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio x RTP/AVP 0\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\na=rtpmap:0\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 5000 RTP/AVP 96\r\na=rtpmap:96 opus/x\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\no=- 1 1 IN IP4 h\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nX=oops\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n\r\na=x\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\na=x\ry\r\n",
        "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n" + "a=x\r\n" * 3000,
    ],
)
def test_malformed_sdp_raises_sip_parse_error(text: str) -> None:
    with pytest.raises(SipParseError):
        parse_sdp(text)


def test_bad_bytes_and_bad_index() -> None:
    with pytest.raises(SipParseError):
        parse_sdp(b"v=0\r\no=- 1 1 IN IP4 \xff\r\ns=-\r\n")
    with pytest.raises(LocalProtocolError):
        direction(parse_sdp(LEGACY_HOLD), 3)


# -- audio_offer: what a media session acts on --------------------------------------

AUDIO = (
    "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n{session}"
    "m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n{media}"
)


def audio_sdp(session: str = "", media: str = "") -> str:
    return AUDIO.format(session=session, media=media)


def test_audio_offer_codecs_include_static_payload_types_in_offer_order() -> None:
    audio = audio_offer(audio_sdp())
    assert audio.codecs == (("PCMA", 8000, 8), ("PCMU", 8000, 0), ("telephone-event", 8000, 101))
    assert audio.direction is Direction.SENDRECV and not audio.is_hold


@pytest.mark.parametrize(
    ("session", "media", "hold"),
    [
        ("", "a=sendonly\r\n", True),
        ("", "a=inactive\r\n", True),
        ("", "a=recvonly\r\n", False),
        ("a=sendonly\r\n", "", True),  # session-level default
        ("a=sendonly\r\n", "a=sendrecv\r\n", False),  # media level wins
        ("", "c=IN IP4 0.0.0.0\r\n", True),  # RFC 2543 hold
    ],
)
def test_audio_offer_hold_is_detected(session: str, media: str, hold: bool) -> None:
    assert audio_offer(audio_sdp(session, media)).is_hold is hold


@pytest.mark.parametrize(
    "text",
    [
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n",  # no audio
        audio_sdp().replace("audio 4000", "audio 0"),  # rejected stream
        audio_sdp().replace(" 101\r\n", " x\r\n", 1),  # not an RTP payload type
        "v=0\r\nthis is not sdp\r\n",
    ],
)
def test_audio_offer_refuses_what_media_cannot_use(text: str) -> None:
    with pytest.raises(SipParseError):
        audio_offer(text)


def test_as_answer_gives_the_far_end_the_dtls_role_it_has() -> None:
    assert "a=setup:passive\r\n" in as_answer(WEBRTC, we_are_dtls_client=True)
    assert "a=setup:active\r\n" in as_answer(WEBRTC, we_are_dtls_client=False)
    assert as_answer(WEBRTC, we_are_dtls_client=True).replace("passive", "actpass") == WEBRTC


def test_origin_version_may_use_all_64_bits() -> None:
    """aiortc and our SdpOrigin write 62-bit random ids: 19 digits."""
    text = WEBRTC.replace("3918372310 3918372310", "4088102661900695232 4088102661900695232")
    assert parse_sdp(text).origin.session_version == 4088102661900695232
    with pytest.raises(SipParseError):
        parse_sdp(WEBRTC.replace("3918372310 3918372310", "1 18446744073709551616"))
