"""The receive tap: our reorder buffer and the telephone-event tap in front of aiortc's receiver.

aiortc has no hook, so two attributes of one ``RTCRtpReceiver`` instance
are replaced:

* the instance's ``_handle_rtp_packet`` is wrapped: packets go through the
  ``ReorderBuffer`` (``softphone.media.jitter``) first; released
  telephone-event packets go to the DTMF detector (aiortc would queue them
  for a decoder it does not have), audio packets go on to aiortc's handler;
* its private jitter buffer becomes ``PassThroughJitterBuffer``, which
  returns each (already ordered) packet as a frame immediately.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiortc.jitterbuffer import JitterFrame

from softphone.media.jitter import ReorderBuffer

JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"

EventPacketHandler = Callable[[int, int, bytes], None]
"""(ssrc, RTP timestamp, payload) of a telephone-event packet."""


class PassThroughJitterBuffer:
    """Stands in for aiortc's JitterBuffer: each (already ordered) audio packet is a frame.

    An audio payload is its own frame (aiortc's ``depayload`` returns it
    unchanged for every audio codec), so the packet's public ``payload`` is
    used. ``frames`` counts what went through, for tests.
    """

    capacity = 1

    def __init__(self) -> None:
        self.frames = 0

    def add(self, packet: Any) -> tuple[bool, JitterFrame | None]:
        self.frames += 1
        return False, JitterFrame(data=packet.payload, timestamp=packet.timestamp)


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

    async def handle(self, packet: Any, arrival_time_ms: int) -> None:
        ready = [packet] if self.reorder is None else self.reorder.push(packet, arrival_time_ms)
        for item in ready:
            if item.payload_type in self.event_payload_types:
                if self.on_event_packet is not None and self.receiver._enabled:
                    self.on_event_packet(item.ssrc, item.timestamp, item.payload)
                continue
            if self.on_audio_packet is not None:
                self.on_audio_packet()
            await self.original(item, arrival_time_ms=arrival_time_ms)

    def uninstall(self) -> None:
        self.receiver.__dict__.pop("_handle_rtp_packet", None)


def install_receive_tap(
    receiver: Any,
    reorder: ReorderBuffer | None,
    on_event_packet: EventPacketHandler | None,
    on_audio_packet: Callable[[], None] | None = None,
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
    )
    receiver._handle_rtp_packet = path.handle
    return path
