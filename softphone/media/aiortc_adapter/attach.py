"""One call's changes to its aiortc objects, applied as far as the installed aiortc allows.

``attach`` runs right after the transceiver exists (before anything is
negotiated or sent): it checks the call's own objects (``support.check``)
and applies each piece that is there, leaving aiortc's own behaviour for
each that is not. The session then reads what it needs of aiortc's state
(negotiated codecs, SSRC, DTLS role) through the ``Attachment``, never
through a private name of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiortc.codecs import is_rtx
from aiortc.sdp import SessionDescription

from softphone.media.aiortc_adapter import codecs, ice
from softphone.media.aiortc_adapter.inline import (
    InlineDecoderQueue,
    InlineExecutorLoop,
    inline_decoding,
    inline_encoding,
)
from softphone.media.aiortc_adapter.receive import (
    MEMORYLESS_PAYLOAD_TYPES,
    EventPacketHandler,
    ReceivePath,
    install_receive_tap,
)
from softphone.media.aiortc_adapter.send import SendPath
from softphone.media.aiortc_adapter.support import (
    CONSENT_END,
    DTLS_ROLE,
    INLINE_DECODE,
    INLINE_ENCODE,
    JITTER,
    NEGOTIATED_CODECS,
    RECEIVE_TAP,
    SEND_TAP,
    Support,
    check,
)
from softphone.media.config import JitterConfig
from softphone.media.jitter import ReorderBuffer


@dataclass
class Attachment:
    """What ``attach`` changed on one call's transceiver (None: left to aiortc)."""

    pc: Any
    transceiver: Any
    support: Support
    encoding: InlineExecutorLoop | None
    decoding: InlineDecoderQueue | None
    receive: ReceivePath | None
    send: SendPath | None

    @property
    def rtp_dtmf(self) -> bool:
        """RFC 4733 events can be negotiated, received and sent on this call."""
        return self.support.rtp_dtmf and self.receive is not None and self.send is not None

    def negotiated_codecs(self) -> list[Any]:
        """The codecs the last offer/answer agreed on, aiortc's first choice first."""
        if self.support.has(NEGOTIATED_CODECS):
            found: list[Any] = self.transceiver._codecs
            return found
        local, remote = self.pc.localDescription, self.pc.remoteDescription
        if local is None or remote is None:
            return []
        agreed = local if local.type == "answer" else remote
        media = SessionDescription.parse(agreed.sdp).media
        return [c for c in media[0].rtp.codecs if not is_rtx(c)] if media else []

    def dtls_role(self) -> str:
        """ "client" or "server" once negotiated ("auto" before)."""
        if self.support.has(DTLS_ROLE):
            role: str = self.transceiver.receiver.transport._role
            return role
        local, remote = self.pc.localDescription, self.pc.remoteDescription
        mine = _sdp_role(local.sdp) if local is not None else "auto"
        if mine != "auto" or remote is None:
            return mine
        theirs = _sdp_role(remote.sdp)
        return {"client": "server", "server": "client"}.get(theirs, "auto")

    def talkspurt(self) -> None:
        """The next packet we send starts a talkspurt (RTP marker bit)."""
        if self.send is not None:
            self.send.marker.arm()

    def set_send_rewriter(self, rewriter: Callable[[bytes], bytes] | None) -> None:
        if self.send is not None:
            self.send.rewriter = rewriter

    async def close(self) -> None:
        """Close the peer connection, and with it every ICE consent check (see ice.py)."""
        connection = ice.ice_connection(self.transceiver) if self.support.has(CONSENT_END) else None
        if connection is not None:
            ice.disarm(connection)
        try:
            await self.pc.close()
        finally:
            if connection is not None:
                ice.reap(connection)


def _sdp_role(sdp: str) -> str:
    media = SessionDescription.parse(sdp).media
    dtls = media[0].dtls if media else None
    return str(dtls.role) if dtls is not None and dtls.role else "auto"


def attach(
    pc: Any,
    transceiver: Any,
    jitter: JitterConfig,
    on_event_packet: EventPacketHandler | None,
    on_audio_packet: Callable[[], None] | None = None,
) -> Attachment:
    """Apply every piece the call's aiortc objects allow (before the call starts)."""
    support = check(transceiver)
    sender, receiver = transceiver.sender, transceiver.receiver
    encoding = inline_encoding(sender) if support.has(INLINE_ENCODE) else None
    decoding = inline_decoding(receiver, codecs.get_decoder) if support.has(INLINE_DECODE) else None
    receive = None
    if support.has(RECEIVE_TAP):
        reorder = None
        if jitter.enabled and support.has(JITTER):
            reorder = ReorderBuffer(jitter.window, jitter.max_window, jitter.max_wait_ms)
        direct = frozenset() if jitter.reorder_memoryless else MEMORYLESS_PAYLOAD_TYPES
        receive = install_receive_tap(
            receiver, reorder, on_event_packet, on_audio_packet, direct_payload_types=direct
        )
    send = SendPath(sender.transport, sender._ssrc) if support.has(SEND_TAP) else None
    return Attachment(pc, transceiver, support, encoding, decoding, receive, send)
