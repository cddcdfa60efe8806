"""RFC 4733 events: payload format, the packet rewriting sender, the deduplicating detector."""

from __future__ import annotations

import struct

import pytest

from softphone.media import dtmf

SSRC = 0x11223344
AUDIO_PT = 96
EVENT_PT = 110
FRAME = 960  # 20 ms at 48 kHz


def audio_packet(seq: int, ts: int, ssrc: int = SSRC, pt: int = AUDIO_PT) -> bytes:
    # version 2, extension bit set with one word (like aiortc's mid extension), marker set
    header = struct.pack("!BBHII", 0x90, 0x80 | pt, seq, ts, ssrc)
    extension = struct.pack("!HH", 0xBEDE, 1) + b"\x10\x30\x00\x00"
    return header + extension + b"opus-payload-bytes"


def parse(packet: bytes) -> tuple[int, int, int, int, bytes]:
    """(marker, payload type, seq, timestamp, payload)."""
    b0, b1, seq, ts, _ = struct.unpack_from("!BBHII", packet)
    length = 12 + 4 * (b0 & 0x0F)
    if b0 & 0x10:
        length += 4 + 4 * struct.unpack_from("!H", packet, length + 2)[0]
    return b1 >> 7, b1 & 0x7F, seq, ts, packet[length:]


def run(sender: dtmf.Rfc4733Sender, count: int, seq0: int = 1000, ts0: int = 5000) -> list[bytes]:
    return [sender.rewrite(audio_packet(seq0 + i, ts0 + i * FRAME)) for i in range(count)]


def test_event_payload_round_trips() -> None:
    event = dtmf.DtmfEvent(event=11, end=True, volume=10, duration=4800)
    assert event.pack() == bytes([11, 0x80 | 10, 0x12, 0xC0])
    assert dtmf.DtmfEvent.parse(event.pack()) == event
    assert event.digit == "#"
    with pytest.raises(ValueError):
        dtmf.DtmfEvent.parse(b"\x01\x02")


def test_digit_validation() -> None:
    assert dtmf.digit_event("*") == 10 and dtmf.digit_event("d") == 15
    assert dtmf.validate_digits("12,a#") == "12,A#"
    with pytest.raises(ValueError, match="not a DTMF digit"):
        dtmf.validate_digits("12x")


def test_without_digits_packets_pass_unchanged() -> None:
    sender = dtmf.Rfc4733Sender(SSRC, AUDIO_PT, EVENT_PT, 48000)
    packet = audio_packet(1, 2)
    assert sender.rewrite(packet) is packet


def test_a_digit_becomes_start_continuation_and_three_end_packets() -> None:
    sender = dtmf.Rfc4733Sender(SSRC, AUDIO_PT, EVENT_PT, 48000)
    run(sender, 2)  # learn the frame size from the stream
    sender.insert("5", duration_ms=100, gap_ms=40)
    out = [parse(p) for p in run(sender, 12, seq0=1002, ts0=5000 + 2 * FRAME)]
    events = [(m, pt, seq, ts, dtmf.DtmfEvent.parse(pl)) for m, pt, seq, ts, pl in out[:7]]
    start_ts = 5000 + 2 * FRAME
    # same sequence space, event timestamp fixed at the start, marker only on the first
    assert [e[2] for e in events] == list(range(1002, 1009))
    assert all(e[1] == EVENT_PT and e[3] == start_ts for e in events)
    assert [e[0] for e in events] == [1, 0, 0, 0, 0, 0, 0]
    assert all(e[4].event == 5 and e[4].volume == 10 for e in events)
    durations = [e[4].duration for e in events]
    assert durations[:4] == [960, 1920, 2880, 3840]
    assert [e[4].end for e in events] == [False] * 4 + [True] * 3
    assert durations[4:] == [4800] * 3  # 100 ms, repeated in each end packet
    # audio resumes afterwards, untouched
    assert all(pt == AUDIO_PT and pl == b"opus-payload-bytes" for _, pt, _, _, pl in out[7:])
    assert not sender.busy


def test_digits_are_separated_by_the_gap_and_other_streams_are_untouched() -> None:
    sender = dtmf.Rfc4733Sender(SSRC, AUDIO_PT, EVENT_PT, 48000)
    run(sender, 2)
    sender.insert("12", duration_ms=60, gap_ms=60)
    kinds = []
    for i in range(20):
        ts = 5000 + (2 + i) * FRAME
        foreign = audio_packet(1, ts, ssrc=0x99)
        assert sender.rewrite(foreign) is foreign
        _, pt, _, _, payload = parse(sender.rewrite(audio_packet(1002 + i, ts)))
        kinds.append(dtmf.DtmfEvent.parse(payload).digit if pt == EVENT_PT else "-")
    text = "".join(kinds)
    # 60 ms = 3 packets, then 2 more end packets; a gap of >= 60 ms; the second digit
    assert text.startswith("11111---22222")
    rtcp = bytes([0x80, 200]) + bytes(26)
    assert sender.rewrite(rtcp) is rtcp


def test_detector_reports_each_event_once() -> None:
    got: list[str] = []
    detector = dtmf.DtmfDetector(lambda d: got.append(d.digit))
    for ts, digit, end in [
        (100, 1, False),
        (100, 1, False),
        (100, 1, True),
        (100, 1, True),
        (900, 1, False),
        (900, 1, True),
        (1800, 11, True),
    ]:
        detector.handle(SSRC, ts, dtmf.DtmfEvent(digit, end, 10, 960).pack())
    detector.handle(SSRC, 2000, b"\x00")  # garbage is ignored
    detector.handle(SSRC, 2100, dtmf.DtmfEvent(40, False, 10, 960).pack())  # not a digit
    assert got == ["1", "1", "#"]


def test_registering_telephone_event_is_idempotent() -> None:
    from aiortc.codecs import CODECS

    dtmf.register_telephone_event()
    dtmf.register_telephone_event()
    rates = sorted(c.clockRate for c in CODECS["audio"] if dtmf.is_telephone_event(c))
    assert rates == [8000, 48000]
