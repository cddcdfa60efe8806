"""The receive tap: our reorder buffer and the telephone-event tap in front of aiortc's receiver.

aiortc has no hook, so two attributes of one ``RTCRtpReceiver`` instance
are replaced:

* the instance's ``_handle_rtp_packet`` is wrapped: packets go through the
  ``ReorderBuffer`` (``softphone.media.jitter``) first; released
  telephone-event packets go to the DTMF detector (aiortc would queue them
  for a decoder it does not have), audio packets go on to aiortc's handler;
* except G.711's (static payload types 0 and 8, RFC 3551): a G.711 packet
  decodes on its own and the rest of the path (``resample.FrameResampler``,
  the playout buffer placing frames by timestamp) takes frames in any
  order, so G.711 packets — and the events between them — go on the moment
  they arrive. Waiting in the reorder stage after a loss cost ~20 ms of
  extra concealment per lost packet and raised the playout delay, which
  read the wait as lateness. Opus and G.722 carry decoder state from frame
  to frame and keep the reorder stage.
* its private jitter buffer becomes ``PassThroughJitterBuffer``, which
  returns each (already ordered) packet as a frame immediately.

Each audio frame also says how many sequence numbers were given up just
before its packet (``LossMarkedFrame.lost_before``, counted over every
released packet, telephone events included): the Opus decoder
(``codecs.VoiceOpusDecoder``) makes those frames with libopus's FEC or PLC.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiortc.jitterbuffer import JitterFrame

from softphone.media.jitter import ReorderBuffer, packets_missing

JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"

MEMORYLESS_PAYLOAD_TYPES = frozenset({0, 8})
"""PCMU and PCMA: static payload types (RFC 3551), never reused for a dynamic codec."""

EventPacketHandler = Callable[[int, int, bytes], None]
"""(ssrc, RTP timestamp, payload) of a telephone-event packet."""


class LossMarkedFrame(JitterFrame):
    """A frame of one packet, with the number of packets lost just before it."""

    def __init__(self, data: bytes, timestamp: int, lost_before: int = 0) -> None:
        super().__init__(data, timestamp)
        self.lost_before = lost_before


class PassThroughJitterBuffer:
    """Stands in for aiortc's JitterBuffer: each (already ordered) audio packet is a frame.

    An audio payload is its own frame (aiortc's ``depayload`` returns it
    unchanged for every audio codec), so the packet's public ``payload`` is
    used. ``frames`` counts what went through, for tests.
    """

    capacity = 1

    def __init__(self) -> None:
        self.frames = 0
        self.lost_before_next = 0
        """Set by the tap just before it hands on a packet that follows a gap."""

    def add(self, packet: Any) -> tuple[bool, JitterFrame | None]:
        self.frames += 1
        lost, self.lost_before_next = self.lost_before_next, 0
        return False, LossMarkedFrame(packet.payload, packet.timestamp, lost)


@dataclass
class ReceivePath:
    """What the tap put on a receiver, for inspection and removal."""

    receiver: Any
    reorder: ReorderBuffer | None
    original: Callable[..., Awaitable[None]]
    jitter_buffer: PassThroughJitterBuffer | None = None
    event_payload_types: set[int] = field(default_factory=set)
    on_event_packet: EventPacketHandler | None = None
    on_audio_packet: Callable[[], None] | None = None
    _last: tuple[int, int] | None = field(default=None, init=False)  # (ssrc, seq) handed on
    direct_payload_types: frozenset[int] = MEMORYLESS_PAYLOAD_TYPES
    """Audio that skips the reorder stage (with the events of its stream)."""
    direct: bool = False
    """The last audio packet was of a direct payload type."""

    async def handle(self, packet: Any, arrival_time_ms: int) -> None:
        kind = packet.payload_type
        if kind not in self.event_payload_types:
            self.direct = kind in self.direct_payload_types
        if self.reorder is None:
            ready = [packet]
        elif self.direct and self.reorder.depth == 0:
            self.reorder.passed(packet)
            ready = [packet]
        else:
            ready = self.reorder.push(packet, arrival_time_ms)
        for item in ready:
            self._mark_gap(item)
            if item.payload_type in self.event_payload_types:
                if self.on_event_packet is not None and self.receiver._enabled:
                    self.on_event_packet(item.ssrc, item.timestamp, item.payload)
                continue
            if self.on_audio_packet is not None:
                self.on_audio_packet()
            await self.original(item, arrival_time_ms=arrival_time_ms)

    def _mark_gap(self, item: Any) -> None:
        last, self._last = self._last, (item.ssrc, item.sequence_number)
        if self.jitter_buffer is None or last is None or last[0] != item.ssrc:
            return
        self.jitter_buffer.lost_before_next = packets_missing(last[1], item.sequence_number)

    def uninstall(self) -> None:
        self.receiver.__dict__.pop("_handle_rtp_packet", None)


def install_receive_tap(
    receiver: Any,
    reorder: ReorderBuffer | None,
    on_event_packet: EventPacketHandler | None,
    on_audio_packet: Callable[[], None] | None = None,
    direct_payload_types: frozenset[int] = MEMORYLESS_PAYLOAD_TYPES,
) -> ReceivePath:
    """Tap ``receiver`` before it sees its first packet; with ``reorder``, its
    jitter buffer is replaced by the pass-through one."""
    jitter_buffer = None
    if reorder is not None:
        jitter_buffer = PassThroughJitterBuffer()
        setattr(receiver, JITTER_BUFFER, jitter_buffer)
    path = ReceivePath(
        receiver=receiver,
        reorder=reorder,
        original=receiver._handle_rtp_packet,
        jitter_buffer=jitter_buffer,
        on_event_packet=on_event_packet,
        on_audio_packet=on_audio_packet,
        direct_payload_types=direct_payload_types,
    )
    receiver._handle_rtp_packet = path.handle
    return path
