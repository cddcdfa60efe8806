"""The plain-RTP peer's G.711 A-law: the code points G.711 gives, and a round trip
within the quantisation step (what the gateway tests and the benchmark rely on)."""

from __future__ import annotations

import numpy as np

from tests.peers.rtp_peer import alaw_decode, alaw_encode, parse_sdp


def test_alaw_code_points() -> None:
    pcm = np.array([0, -1, 32767, -32768, 1000, -1000], dtype=np.int16)
    assert list(alaw_encode(pcm)) == [0xD5, 0x55, 0xAA, 0x2A, 0xFA, 0x7A]
    assert list(alaw_decode(bytes([0xD5, 0x55, 0xAA, 0x2A]))) == [8, -8, 32256, -32256]


def test_alaw_round_trip_is_within_a_step() -> None:
    pcm = np.arange(-32768, 32768, 7, dtype=np.int32).astype(np.int16)
    back = alaw_decode(alaw_encode(pcm)).astype(np.int32)
    error = np.abs(back - pcm)
    # the step doubles per segment: 16 in the first two, 1024 in the last
    assert np.all(error <= np.maximum(16, np.abs(pcm.astype(np.int32)) // 16 + 16))


def test_sdp_direction_and_address() -> None:
    sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 30000 RTP/AVP 8\r\na=sendonly\r\n"
    remote = parse_sdp(sdp)
    assert remote.address == ("127.0.0.1", 30000) and remote.direction == "sendonly"
