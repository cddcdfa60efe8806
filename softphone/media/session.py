"""One call's media: an aiortc peer connection behind an SDP-strings-in, SDP-strings-out API.

The SIP layer never imports aiortc: the phone passes the body of an INVITE
to ``accept_offer`` and puts the returned answer in its 200 OK, or puts
``create_offer``'s result in an INVITE and hands the 200 OK's body to
``accept_answer``. Re-INVITEs (hold, unhold, a peer's hold) go through the
same two calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from softphone.media import aiortc_adapter, dtmf
from softphone.media.config import MediaConfig, parse_codec_name
from softphone.media.errors import MediaError, MediaStateError, SdpError
from softphone.media.playout import PlayoutStats
from softphone.media.quality import CallQuality, quality_from_stats
from softphone.media.sdp import ExtmapIds, PayloadTypes, SdpOrigin, parse_audio
from softphone.media.tracks import FrameSink, MuteableTrack, null_sink, silence_source
from softphone.sip.sdp import as_answer
from softphone.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

aiortc_adapter.install_codecs()


# --- events ----------------------------------------------------------------


@dataclass(frozen=True)
class MediaConnected:
    """ICE and DTLS are up: audio can flow. ``codec`` like ``"opus/48000"``."""

    codec: str


@dataclass(frozen=True)
class DtmfReceived:
    """An RFC 4733 event from the far end (reported once, at its first packet)."""

    digit: str


@dataclass(frozen=True)
class RemoteHoldChanged:
    """The far end put us on hold (``on_hold``) or took us off it."""

    on_hold: bool


BYE_GRACE_S = 2.0
"""How long a far end that closed its media gets for its BYE to arrive (and
the session to be closed) before ``MediaFailed`` says the call is dead."""


@dataclass(frozen=True)
class MediaFailed:
    """The media path broke (ICE/DTLS failure, or the far end closed it and
    no BYE followed): the call has no audio any more."""

    reason: str


@dataclass(frozen=True)
class QualityReport:
    """The call's figures so far, every ``MediaConfig.quality_period_s`` while connected."""

    quality: CallQuality


MediaEvent = MediaConnected | DtmfReceived | RemoteHoldChanged | MediaFailed | QualityReport


# --- the session -------------------------------------------------------------


@dataclass(frozen=True)
class _Settled:
    """What the last completed offer/answer agreed: where rollback() returns."""

    direction: str
    hold_local: bool
    remote_sdp: str
    remote_type: str  # "offer" or "answer"


class MediaSession:
    """The media half of one call.

    ``source`` is what we send (microphone, file, tone); None sends silence.
    ``sink`` receives every decoded remote frame; None discards them, but the
    remote track is drained either way (aiortc's queue grows without bound
    otherwise). ``on_event`` gets ``MediaEvent``s on the event loop.
    ``playout`` reads the statistics of the playout buffer the sink plays
    through (the speaker's, or the recorder's), for ``quality``.
    """

    def __init__(
        self,
        config: MediaConfig | None = None,
        source: MediaStreamTrack | None = None,
        sink: FrameSink | None = None,
        on_event: Callable[[MediaEvent], None] | None = None,
        playout: Callable[[], PlayoutStats] | None = None,
    ) -> None:
        self.config = config or MediaConfig()
        self._playout = playout
        self._source = source
        self._sink: FrameSink = sink or null_sink
        self._on_event = on_event
        self._pc: RTCPeerConnection | None = None
        self._transceiver: Any = None
        self._outgoing: MuteableTrack | None = None
        self._media: aiortc_adapter.Attachment | None = None
        self._sending = False  # our direction includes send (for the talkspurt marker)
        self._dtmf_sender: dtmf.Rfc4733Sender | None = None
        self._dtmf_detector = dtmf.DtmfDetector(lambda d: self._emit(DtmfReceived(d.digit)))
        self._consumers: set[asyncio.Task[None]] = set()
        self._connected = asyncio.Event()
        self._connected_reported = False
        self._muted = False
        self._hold_local = False
        self._hold_remote = False
        self._settled: _Settled | None = None  # the last agreed session, for rollback()
        self._far_end_closed: asyncio.TimerHandle | None = None
        self._closed = False
        self.created_at = time.monotonic()
        self._origin = SdpOrigin(secrets.randbits(62))
        self._extmap = ExtmapIds()
        self._payload_types = PayloadTypes()
        self.first_frame_at: float | None = None
        """time.monotonic() of the first decoded remote frame (None until then)."""

    # -- state ------------------------------------------------------------

    @property
    def codec(self) -> str | None:
        """The negotiated audio codec we send, e.g. ``"opus/48000"``; None before negotiation."""
        codec = self._audio_codec()
        return None if codec is None else _codec_name(codec)

    async def quality(self) -> CallQuality:
        """Loss, jitter and round-trip time of this call so far (see ``quality.py``)."""
        codec = self._audio_codec()
        stats: list[Any] = []
        if self._pc is not None and not self._closed:
            with contextlib.suppress(Exception):  # a closing transport has no stats
                stats = list((await self._pc.getStats()).values())
        receive = self._media.receive if self._media is not None else None
        reorder = receive.reorder if receive is not None else None
        return quality_from_stats(
            stats,
            codec=self.codec,
            clock_rate=codec.clockRate if codec is not None else 0,
            late_packets=reorder.stats.late if reorder is not None else 0,
            playout=self._playout() if self._playout is not None else None,
        )

    @property
    def on_hold_local(self) -> bool:
        return self._hold_local

    @property
    def on_hold_remote(self) -> bool:
        return self._hold_remote

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def dtmf_available(self) -> bool:
        """True when the far end accepted telephone-event at our codec's clock rate."""
        return self._te_codec() is not None

    @property
    def connection_state(self) -> str:
        return "new" if self._pc is None else str(self._pc.connectionState)

    @property
    def closed(self) -> bool:
        return self._closed

    async def wait_connected(self, timeout: float | None = None) -> None:
        """Until ICE and DTLS are up; ``TimeoutError`` after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            await self._connected.wait()

    # -- offer / answer -------------------------------------------------------

    async def create_offer(self) -> str:
        """An SDP offer: for a new call, or a re-INVITE of an established one."""
        pc = self._setup()
        if pc.signalingState != "stable":
            raise MediaStateError(f"cannot make an offer in signalling state {pc.signalingState}")
        try:
            await pc.setLocalDescription(await pc.createOffer())
        except Exception as exc:
            raise MediaError(f"cannot create an offer: {exc}") from exc
        return self._local_sdp(pc)

    async def accept_offer(self, sdp: str) -> str:
        """Take the far end's offer (new call or re-INVITE) and return our answer.

        ``SdpError`` when the offer is malformed or has no codec we allow
        (answer the INVITE with 488); the session is unchanged then.
        """
        audio = parse_audio(sdp)
        self._check_codecs(audio.codecs)
        pc = self._setup()
        if pc.signalingState != "stable":
            raise MediaStateError(f"cannot take an offer in signalling state {pc.signalingState}")
        await self._set_remote(pc, sdp, "offer")
        try:
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            raise MediaError(f"cannot create an answer: {exc}") from exc
        self._negotiated()
        self._settle(sdp, "offer")
        self._set_remote_hold(audio.is_hold)
        return self._local_sdp(pc)

    async def accept_answer(self, sdp: str) -> None:
        """Take the far end's answer to our last offer."""
        pc = self._pc
        if pc is None or pc.signalingState != "have-local-offer":
            raise MediaStateError("there is no offer of ours awaiting an answer")
        audio = parse_audio(sdp)
        self._check_codecs(audio.codecs)
        # RFC 3264 section 6.1: the offerer sends with the answer's first codec.
        # aiortc would re-sort the answer by our own preferences instead, and
        # the two sides would send different codecs; follow the answer's order.
        self._transceiver.setCodecPreferences(self._preferences(answer=audio.codecs))
        try:
            await self._set_remote(pc, sdp, "answer")
        finally:
            self._transceiver.setCodecPreferences(self._preferences())
        self._negotiated()
        self._settle(sdp, "answer")
        self._set_remote_hold(audio.is_hold)

    async def rollback(self) -> None:
        """Back to the last agreed session after the far end refused our offer.

        RFC 3261 §14.1: a refused re-INVITE leaves the session as it was.
        aiortc has no "rollback", so the same is reached by offering the old
        session again and taking the far end's last SDP as the answer. Neither
        goes on the wire; the far end never left that session.
        """
        pc, settled = self._pc, self._settled
        if pc is None or pc.signalingState != "have-local-offer" or settled is None:
            raise MediaStateError("there is no offer of ours to roll back")
        self._hold_local = settled.hold_local
        self._transceiver.direction = settled.direction
        self._apply_mute()
        try:
            await pc.setLocalDescription(await pc.createOffer())
        except Exception as exc:
            raise MediaError(f"cannot restore the previous session: {exc}") from exc
        remote = settled.remote_sdp
        if settled.remote_type == "offer":
            remote = as_answer(remote, we_are_dtls_client=self._dtls_role() == "client")
        await self.accept_answer(remote)

    async def hold(self) -> str:
        """Put the far end on hold: a re-INVITE offer (sendonly, or inactive per config).

        While we hold, we send silence.
        """
        self._require_offerable()
        self._hold_local = True
        self._transceiver.direction = str(self.config.hold_direction)
        self._apply_mute()
        return await self.create_offer()

    async def unhold(self) -> str:
        """Take the far end off hold: a re-INVITE offer with sendrecv."""
        self._require_offerable()
        self._hold_local = False
        self._transceiver.direction = "sendrecv"
        self._apply_mute()
        return await self.create_offer()

    # -- in-call controls -------------------------------------------------------

    def mute(self, muted: bool = True) -> None:
        """Send silence instead of the source (no renegotiation, the far end hears nothing)."""
        self._muted = muted
        self._apply_mute()

    def send_dtmf(self, digits: str, duration_ms: int = 100, gap_ms: int = 70) -> bool:
        """Queue digits as RFC 4733 events; False when the far end did not accept
        telephone-event (send SIP INFO instead). ``ValueError`` for a bad digit.
        """
        dtmf.validate_digits(digits)
        sender = self._ensure_dtmf_sender()
        if sender is None:
            return False
        sender.insert(digits, duration_ms, gap_ms)
        return True

    async def wait_dtmf_sent(self, timeout: float | None = None) -> None:
        """Until every queued digit has been sent (end packets included)."""
        async with asyncio.timeout(timeout):
            while self._dtmf_sender is not None and self._dtmf_sender.busy:
                await asyncio.sleep(0.02)

    async def close(self) -> None:
        """Release everything: peer connection, decoder thread, consumer task. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._far_end_closed is not None:
            self._far_end_closed.cancel()
        if self._media is not None:
            self._media.set_send_rewriter(None)
        if self._pc is not None:
            with contextlib.suppress(Exception):
                if self._media is not None:
                    await self._media.close()  # also ends ICE consent checks (aioice race)
                else:
                    await self._pc.close()
        await cancel_and_wait(*self._consumers)
        if self._outgoing is not None:
            self._outgoing.stop()

    # -- internals ----------------------------------------------------------------

    def _setup(self) -> RTCPeerConnection:
        if self._closed:
            raise MediaStateError("the media session is closed")
        if self._pc is not None:
            return self._pc
        aiortc_adapter.configure_opus(self.config.opus)
        if self.config.telephone_event:
            dtmf.register_telephone_event()  # False: aiortc's table moved; check() says so
        servers = [
            RTCIceServer(urls=s.urls, username=s.username, credential=s.credential)
            for s in self.config.ice_servers
        ]
        # An explicit (possibly empty) list: None would mean Google's public STUN server.
        pc = RTCPeerConnection(RTCConfiguration(iceServers=servers))
        pc.on("connectionstatechange", self._on_connection_state)
        pc.on("track", self._on_track)
        self._outgoing = MuteableTrack(self._source or silence_source())
        transceiver = pc.addTransceiver(self._outgoing, direction="sendrecv")
        self._media = aiortc_adapter.attach(
            pc, transceiver, self.config.jitter, on_event_packet=self._dtmf_detector.handle
        )
        self._pc, self._transceiver = pc, transceiver
        transceiver.setCodecPreferences(self._preferences())
        return pc

    @property
    def _rtp_dtmf(self) -> bool:
        """RFC 4733 wanted by the config and possible with the installed aiortc."""
        return self.config.telephone_event and self._media is not None and self._media.rtp_dtmf

    def _preferences(self, answer: tuple[tuple[str, int, int], ...] = ()) -> list[Any]:
        """Our codecs as aiortc capabilities, telephone-event last.

        In our configured order, or with the codecs of ``answer`` first, in its order.
        """
        available = RTCRtpSender.getCapabilities("audio").codecs
        order = [(n.lower(), r) for n, r, _ in answer]
        order += [(n.lower(), r) for n, r in map(parse_codec_name, self.config.codecs)]
        allowed = {(n.lower(), r) for n, r in map(parse_codec_name, self.config.codecs)}
        chosen: list[Any] = []
        for key in order:
            for cap in available:
                name = cap.mimeType.split("/", 1)[1].lower()
                if (name, cap.clockRate) == key and key in allowed and cap not in chosen:
                    chosen.append(cap)
        if self._rtp_dtmf:
            chosen.extend(c for c in available if dtmf.is_telephone_event(c))
        return chosen

    def _check_codecs(self, offered: tuple[tuple[str, int, int], ...]) -> None:
        allowed_lower = set()
        for wanted in self.config.codecs:
            name, rate = parse_codec_name(wanted)
            allowed_lower.add((name.lower(), rate))
        if not any((name.lower(), rate) in allowed_lower for name, rate, _ in offered):
            names = ", ".join(f"{n}/{r}" for n, r, _ in offered) or "none"
            raise SdpError(
                f"no common audio codec: the far end offers {names}; "
                f"we allow {', '.join(self.config.codecs)}"
            )

    def _local_sdp(self, pc: RTCPeerConnection) -> str:
        """Our SDP as the peer must see it: o= line, extension ids and payload
        types stable for the whole call."""
        sdp = str(pc.localDescription.sdp)
        self._extmap.learn(sdp)
        self._payload_types.learn(sdp)
        sdp = self._payload_types.apply(self._extmap.apply(sdp))
        return self._origin.stamp(sdp)

    async def _set_remote(self, pc: RTCPeerConnection, sdp: str, kind: str) -> None:
        self._extmap.learn(sdp)
        self._payload_types.learn(sdp)
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=kind))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise SdpError(f"cannot use the remote {kind}: {exc or type(exc).__name__}") from exc
        except Exception as exc:  # aiortc's InvalidStateError, OperationError, ...
            raise MediaError(f"cannot apply the remote {kind}: {exc}") from exc

    def _settle(self, remote_sdp: str, remote_type: str) -> None:
        self._settled = _Settled(
            direction=str(self._transceiver.direction),
            hold_local=self._hold_local,
            remote_sdp=remote_sdp,
            remote_type=remote_type,
        )

    def _dtls_role(self) -> str:
        assert self._media is not None
        return self._media.dtls_role()

    def _negotiated(self) -> None:
        """After each completed offer/answer: point the DTMF tap at the negotiated types."""
        assert self._media is not None
        if self._media.receive is not None:
            self._media.receive.event_payload_types = {
                c.payloadType for c in self._agreed_codecs() if dtmf.is_telephone_event(c)
            }
        if self._dtmf_sender is not None:
            self._media.set_send_rewriter(None)
            self._dtmf_sender = None
        if self._audio_codec() is None:
            raise SdpError("negotiation left no audio codec")
        sending = self._transceiver.currentDirection in ("sendonly", "sendrecv")
        if sending and not self._sending:
            self._media.talkspurt()  # e.g. the far end took us off hold: our stream resumes
        self._sending = sending

    def _agreed_codecs(self) -> list[Any]:
        return [] if self._media is None else self._media.negotiated_codecs()

    def _audio_codec(self) -> Any:
        if self._transceiver is None:
            return None
        return next((c for c in self._agreed_codecs() if not dtmf.is_telephone_event(c)), None)

    def _te_codec(self) -> Any:
        audio = self._audio_codec()
        if audio is None or not self._rtp_dtmf:
            return None
        return next(
            (
                c
                for c in self._agreed_codecs()
                if dtmf.is_telephone_event(c) and c.clockRate == audio.clockRate
            ),
            None,
        )

    def _ensure_dtmf_sender(self) -> dtmf.Rfc4733Sender | None:
        if self._dtmf_sender is not None:
            return self._dtmf_sender
        audio, event = self._audio_codec(), self._te_codec()
        if audio is None or event is None:
            return None
        assert self._media is not None and self._media.send is not None  # _te_codec checked
        self._dtmf_sender = dtmf.Rfc4733Sender(
            ssrc=self._media.send.ssrc,
            audio_payload_type=audio.payloadType,
            event_payload_type=event.payloadType,
            clock_rate=audio.clockRate,
        )
        self._media.set_send_rewriter(self._dtmf_sender.rewrite)
        return self._dtmf_sender

    def _require_offerable(self) -> None:
        """Hold/unhold change state before the offer: refuse first, not halfway."""
        if self._pc is None or self._audio_codec() is None or self._closed:
            raise MediaStateError("hold and unhold need an established call")
        if self._pc.signalingState != "stable":
            raise MediaStateError(f"an offer/answer is in progress ({self._pc.signalingState})")

    def _apply_mute(self) -> None:
        """Send silence while muted or holding; the first packet after either ends
        starts a talkspurt (RFC 3551 §4.1: the RTP marker bit)."""
        if self._outgoing is None:
            return
        muted = self._muted or self._hold_local
        if self._outgoing.muted and not muted and self._media is not None:
            self._media.talkspurt()
        self._outgoing.muted = muted

    def _set_remote_hold(self, on_hold: bool) -> None:
        if on_hold != self._hold_remote:
            self._hold_remote = on_hold
            self._emit(RemoteHoldChanged(on_hold))

    def _emit(self, event: MediaEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            logger.exception("media event handler failed on %s", event)

    def _on_connection_state(self) -> None:
        assert self._pc is not None
        state = self._pc.connectionState
        if state == "connected" and not self._connected_reported:
            self._connected_reported = True
            self._connected.set()
            self._emit(MediaConnected(self.codec or "unknown"))
            self._on_track_task(self._report_quality())
        elif state == "failed" and not self._closed:
            self._emit(MediaFailed("ICE or DTLS failed"))
        elif state == "closed" and not self._closed and self._far_end_closed is None:
            # The far end closed DTLS: its call is over, and its BYE normally
            # arrives at once (and we close). If it never does — e.g. it could
            # not be routed after a server restart — the call is dead; without
            # this the agent would sit in a silent call for good.
            self._far_end_closed = asyncio.get_running_loop().call_later(
                BYE_GRACE_S, self._report_far_end_closed
            )

    def _report_far_end_closed(self) -> None:
        if not self._closed:
            self._emit(MediaFailed("the far end closed the media connection"))

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._on_track_task(self._consume(track))

    def _on_track_task(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run ``coro`` for as long as the call (``close`` cancels it)."""
        task = asyncio.ensure_future(coro)
        self._consumers.add(task)
        task.add_done_callback(self._consumers.discard)

    async def _report_quality(self) -> None:
        """A quality indicator's feed: the call's figures every few seconds."""
        while not self._closed:
            await asyncio.sleep(self.config.quality_period_s)
            if not self._closed:
                self._emit(QualityReport(await self.quality()))

    async def _consume(self, track: MediaStreamTrack) -> None:
        """Drain the remote track for the whole call, whether or not anybody listens."""
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if not isinstance(frame, AudioFrame):
                continue
            if self.first_frame_at is None:
                self.first_frame_at = time.monotonic()
            try:
                self._sink(frame)
            except Exception:
                logger.exception("audio sink failed; dropping the frame")


def _codec_name(codec: Any) -> str:
    return f"{codec.mimeType.split('/', 1)[1]}/{codec.clockRate}"
