"""Media's SDP helpers: garbage is an SdpError (a 488 to the phone), and our own
SDP keeps its o= line, extension ids and payload types across re-offers.

Reading hold state and codecs is ``sip.sdp.audio_offer``: tests/sip/test_sdp.py.
"""

from __future__ import annotations

import pytest

from softphone.media.errors import SdpError
from softphone.media.sdp import parse_audio

BASE = (
    "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n{session}"
    "m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n{media}"
)


def sdp(session: str = "", media: str = "") -> str:
    return BASE.format(session=session, media=media)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n",  # no audio
        "v=0\r\nm=audio 0 RTP/AVP 0\r\n",  # rejected stream
        "v=0\r\nm=audio 4000 RTP/AVP x\r\n",
        BASE.format(session="", media="").replace(" 101\r\n", " x\r\n", 1),  # format not a PT
        BASE.format(session="", media="").replace("audio 4000", "audio 0"),  # rejected
        "v=0\r\nm=audio 4000\r\n",
        "v=0\r\nm=audio 4000 RTP/AVP 96\r\na=rtpmap:96\r\n",
        "v=0\r\nthis is not sdp\r\n",
    ],
)
def test_garbage_raises_sdp_error(text: str) -> None:
    with pytest.raises(SdpError, match="unusable SDP"):
        parse_audio(text)


def test_a_good_offer_reads_through() -> None:
    audio = parse_audio(sdp(media="a=sendonly\r\n"))
    assert audio.is_hold
    assert [pt for _, _, pt in audio.codecs] == [8, 0, 101]


def test_origin_keeps_session_id_and_bumps_version_only_on_change() -> None:
    from softphone.media.sdp import SdpOrigin

    origin = SdpOrigin(1234)
    hold = "v=0\r\no=- 9 9 IN IP4 0.0.0.0\r\ns=-\r\na=sendonly\r\n"
    unhold = "v=0\r\no=- 9 9 IN IP4 0.0.0.0\r\ns=-\r\na=sendrecv\r\n"
    first = origin.stamp(hold)
    assert "o=- 1234 1234 IN IP4 0.0.0.0" in first
    assert "o=- 1234 1234 " in origin.stamp(hold)  # unchanged SDP: same version
    assert "o=- 1234 1235 " in origin.stamp(unhold)  # changed: version + 1
    assert "o=- 1234 1236 " in origin.stamp(hold)


def test_extmap_ids_stay_as_first_negotiated() -> None:
    from softphone.media.sdp import ExtmapIds

    keeper = ExtmapIds()
    keeper.learn(
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
        "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    )
    reoffer = (
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
        "a=extmap:2/sendrecv urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
        "a=extmap:3 urn:example:not-negotiated\r\n"
    )
    out = keeper.apply(reoffer)
    assert "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid" in out
    assert "a=extmap:1/sendrecv urn:ietf:params:rtp-hdrext:ssrc-audio-level" in out
    assert "not-negotiated" not in out


def test_payload_types_stay_as_first_negotiated() -> None:
    from softphone.media.sdp import PayloadTypes

    keeper = PayloadTypes()
    keeper.learn(
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 8 126\r\n"
        "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10\r\n"
        "a=rtpmap:8 PCMA/8000\r\na=rtpmap:126 telephone-event/8000\r\n"
    )
    reoffer = (
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 96 8 97 101\r\n"
        "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1\r\na=rtcp-fb:96 nack\r\n"
        "a=rtpmap:8 PCMA/8000\r\na=rtpmap:97 G722/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\n"
    )
    out = keeper.apply(reoffer)
    assert "m=audio 9 UDP/TLS/RTP/SAVPF 111 8 126\r\n" in out
    assert "a=rtpmap:111 opus/48000/2" in out and "a=fmtp:111 useinbandfec=1" in out
    assert "a=rtcp-fb:111 nack" in out and "a=rtpmap:126 telephone-event/8000" in out
    assert "G722" not in out and ":96 " not in out
