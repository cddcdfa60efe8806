"""SRTP and SRTCP for aiortc without pylibsrtp's binding: the part of its API aiortc uses.

pylibsrtp's binding is a 7 MiB cffi module holding libsrtp and its own
static copy of OpenSSL's libcrypto: ~4 MiB resident in every call, in a
process that already has OpenSSL twice (``cryptography``, which aiortc's
DTLS needs, and the system libcrypto behind ``hashlib``). SRTP itself is
framing around those primitives: ``srtp_keys`` derives the session keys,
``srtp_ciphers`` seals and opens one packet, ``srtp_replay`` keeps the
packet indices; this module is the ``Policy``/``Session`` API of
pylibsrtp 1.0 over them, with libsrtp's verdicts and error messages.
``softphone/media/__init__.py`` puts it in ``sys.modules["pylibsrtp"]``
before aiortc is imported (``softphone.imports.standing_in_for``).

Like a libsrtp session made from one ``ssrc_any_*`` policy, a session keeps
one stream per SSRC, created by its first packet (sent, or received and
authentic), each with its own RTP index and replay windows.
tests/media/test_srtp_libsrtp.py checks against libsrtp itself, byte for
byte and verdict for verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from softphone.media.srtp_ciphers import RTCP_HEADER, Forged, Transform, transform_of
from softphone.media.srtp_keys import PROFILES, Profile, session_keys
from softphone.media.srtp_replay import Replay, RtcpWindow, RtpWindow

__all__ = ["Error", "Policy", "Session", "__version__"]
__version__ = "1.0.0"
"""The pylibsrtp version whose API this follows (aiortc may read it)."""

RTP_HEADER = 12
MAX_PACKET = 1500
"""pylibsrtp's buffer. A packet to send that could not fit with its trailer is a
``ValueError`` (our own bug), as there. A received one is an ``Error`` here,
where libsrtp's binding raised ``ValueError``: aiortc drops a packet on
``Error`` but ends the call's receive loop on anything else, so one oversized
datagram from the network would have silenced the call."""
MAX_TRAILER = 16 + 128
MAX_SRTCP_TRAILER = 4 + 16 + 128
DEFAULT_WINDOW = 128
"""libsrtp's RTP replay window when a policy sets none (aiortc sets 1024)."""


class Error(Exception):
    """A packet refused or a policy not usable, with libsrtp's message (as ``pylibsrtp.Error``)."""


BAD_PARAMETER = "unsupported parameter"
AUTHENTICATION_FAILED = "authentication failure"
NO_CONTEXT = "no appropriate context found"
CANNOT_CHECK = "unable to perform desired validation"
KEY_EXPIRED = "can't use key any more"
PARSE_ERROR = "error parsing data"


class Policy:
    """How to protect one stream, or any SSRC in one direction: profile, master key, window."""

    SRTP_PROFILE_AES128_CM_SHA1_80 = 1
    SRTP_PROFILE_AES128_CM_SHA1_32 = 2
    SRTP_PROFILE_AEAD_AES_128_GCM = 7
    SRTP_PROFILE_AEAD_AES_256_GCM = 8

    SSRC_UNDEFINED = 0
    SSRC_SPECIFIC = 1
    SSRC_ANY_INBOUND = 2
    SSRC_ANY_OUTBOUND = 3

    def __init__(
        self,
        key: bytes | None = None,
        ssrc_type: int = SSRC_UNDEFINED,
        ssrc_value: int = 0,
        srtp_profile: int = SRTP_PROFILE_AES128_CM_SHA1_80,
    ) -> None:
        profile = PROFILES.get(srtp_profile)
        if profile is None:
            raise Error(BAD_PARAMETER)
        self._profile: Profile = profile
        self._key: bytes | None = None
        self.key = key
        self.ssrc_type = ssrc_type
        self.ssrc_value = ssrc_value
        self.allow_repeat_tx = False
        self.window_size = 0

    def __repr__(self) -> str:  # never the key
        return f"<Policy profile={self._profile.number} ssrc_type={self.ssrc_type}>"

    @property
    def srtp_profile(self) -> int:
        return self._profile.number

    @property
    def key(self) -> bytes | None:
        """The master key followed by the master salt."""
        return self._key

    @key.setter
    def key(self, key: bytes | None) -> None:
        if key is not None:
            if not isinstance(key, bytes):
                raise TypeError("key must be bytes")
            if len(key) < self._profile.master_length:
                raise ValueError(f"key must contain at least {self._profile.master_length} bytes")
        self._key = key


@dataclass(frozen=True, repr=False)
class _Context:
    """What the streams of one policy share: the transform (keys inside) and window settings."""

    transform: Transform
    window_size: int
    allow_repeat_tx: bool

    @classmethod
    def of(cls, policy: Policy) -> _Context:
        key, window = policy.key, policy.window_size
        if key is None or (window and not 64 <= window < 0x8000):
            raise Error(BAD_PARAMETER)
        profile = PROFILES[policy.srtp_profile]
        transform = transform_of(profile, session_keys(profile, key))
        return cls(transform, window or DEFAULT_WINDOW, bool(policy.allow_repeat_tx))


class _Stream:
    """One SSRC's packet indices: its RTP window and its SRTCP window (or send counter)."""

    __slots__ = ("context", "rtcp", "rtp")

    def __init__(self, context: _Context) -> None:
        self.context = context
        self.rtp = RtpWindow(context.window_size)
        self.rtcp = RtcpWindow()


def _rtp_header_length(packet: bytes) -> int:
    """The length of the RTP header (CSRCs, extension) that stays clear; ``Error`` if cut short."""
    if len(packet) < RTP_HEADER:
        raise Error(BAD_PARAMETER)
    length = RTP_HEADER + 4 * (packet[0] & 0x0F)
    if packet[0] & 0x10:
        if len(packet) < length + 4:
            raise Error(BAD_PARAMETER)
        length += 4 + 4 * int.from_bytes(packet[length + 2 : length + 4], "big")
    if len(packet) < length:
        raise Error(BAD_PARAMETER)
    return length


def _checked(packet: object, trailer: int) -> bytes:
    """An outgoing packet that fits with its ``trailer`` (``ValueError`` if not)."""
    if not isinstance(packet, bytes):
        raise TypeError("packet must be bytes")
    if len(packet) > MAX_PACKET - trailer:
        raise ValueError("packet is too long")
    return packet


def _received(packet: object) -> bytes:
    """A received packet, or ``Error`` (dropped by aiortc) when it is too long."""
    if not isinstance(packet, bytes):
        raise TypeError("packet must be bytes")
    if len(packet) > MAX_PACKET:
        raise Error(BAD_PARAMETER)
    return packet


class Session:
    """SRTP for one direction of one transport: streams by SSRC, from a template policy."""

    def __init__(self, policy: Policy | None = None) -> None:
        self._template: _Context | None = None
        self._streams: dict[int, _Stream] = {}
        if policy is not None:
            self.add_stream(policy)

    def add_stream(self, policy: Policy) -> None:
        """Add the stream of a ``SSRC_SPECIFIC`` policy, or the template of a ``SSRC_ANY_*`` one."""
        context = _Context.of(policy)
        if policy.ssrc_type == Policy.SSRC_SPECIFIC:
            self._streams[policy.ssrc_value] = _Stream(context)
        elif policy.ssrc_type in (Policy.SSRC_ANY_INBOUND, Policy.SSRC_ANY_OUTBOUND):
            if self._template is not None:
                raise Error(BAD_PARAMETER)
            self._template = context
        else:
            raise Error(BAD_PARAMETER)

    def remove_stream(self, ssrc: int) -> None:
        if self._streams.pop(ssrc, None) is None:
            raise Error(NO_CONTEXT)

    def _sending_stream(self, ssrc: int) -> _Stream:
        stream = self._streams.get(ssrc)
        if stream is None:
            if self._template is None:
                raise Error(NO_CONTEXT)
            stream = self._streams[ssrc] = _Stream(self._template)
        return stream

    def protect(self, packet: bytes) -> bytes:
        """The SRTP packet of RTP ``packet``."""
        packet = _checked(packet, MAX_TRAILER)
        header_length = _rtp_header_length(packet)
        ssrc = int.from_bytes(packet[8:12], "big")
        stream = self._sending_stream(ssrc)
        index, delta = stream.rtp.estimate(int.from_bytes(packet[2:4], "big"))
        replay = stream.rtp.check(delta)
        if replay is None:
            stream.rtp.add(delta)
        elif replay is not Replay.REPEATED or not stream.context.allow_repeat_tx:
            raise Error(replay.value)
        header, payload = packet[:header_length], packet[header_length:]
        return stream.context.transform.seal_rtp(header, payload, ssrc, index)

    def unprotect(self, packet: bytes) -> bytes:
        """The RTP packet of SRTP ``packet``; ``Error`` if forged, replayed or malformed."""
        packet = _received(packet)
        header_length = _rtp_header_length(packet)
        ssrc = int.from_bytes(packet[8:12], "big")
        seq = int.from_bytes(packet[2:4], "big")
        stream = self._streams.get(ssrc)
        if stream is not None:
            context = stream.context
            index, delta = stream.rtp.estimate(seq)
            replay = stream.rtp.check(delta)
            if replay is not None:
                raise Error(replay.value)
        elif self._template is not None:
            context, index, delta = self._template, seq, seq  # a new stream starts at ROC 0
        else:
            raise Error(NO_CONTEXT)
        if header_length > len(packet) - context.transform.rtp_tag_length:
            raise Error(PARSE_ERROR)
        try:
            opened = context.transform.open_rtp(packet, header_length, ssrc, index)
        except Forged:
            raise Error(AUTHENTICATION_FAILED) from None
        if stream is None:  # authentic: the stream exists from now on
            stream = self._streams[ssrc] = _Stream(context)
        stream.rtp.add(delta)
        return opened

    def protect_rtcp(self, packet: bytes) -> bytes:
        """The SRTCP packet of RTCP ``packet`` (encrypted, with the next SRTCP index)."""
        packet = _checked(packet, MAX_SRTCP_TRAILER)
        if len(packet) < RTCP_HEADER:
            raise Error(BAD_PARAMETER)
        ssrc = int.from_bytes(packet[4:8], "big")
        stream = self._sending_stream(ssrc)
        index = stream.rtcp.next_to_send()
        if index is None:
            raise Error(KEY_EXPIRED)
        return stream.context.transform.seal_rtcp(packet, ssrc, index)

    def unprotect_rtcp(self, packet: bytes) -> bytes:
        """The RTCP packet of SRTCP ``packet``; ``Error`` if forged, replayed or malformed."""
        packet = _received(packet)
        if len(packet) < RTCP_HEADER:
            raise Error(BAD_PARAMETER)
        ssrc = int.from_bytes(packet[4:8], "big")
        stream = self._streams.get(ssrc)
        if stream is not None:
            context = stream.context
        elif self._template is not None:
            context = self._template
        else:
            raise Error(NO_CONTEXT)
        transform = context.transform
        if len(packet) < RTCP_HEADER + transform.rtcp_tag_length + 4:
            raise Error(BAD_PARAMETER)
        trailer_at = len(packet) - 4 - (0 if transform.aead else transform.rtcp_tag_length)
        trailer = int.from_bytes(packet[trailer_at : trailer_at + 4], "big")
        if not transform.aead and not trailer & 0x80000000:
            raise Error(CANNOT_CHECK)
        index = trailer & 0x7FFFFFFF
        if stream is not None:
            replay = stream.rtcp.check(index)
            if replay is not None:
                raise Error(replay.value)
        try:
            opened = transform.open_rtcp(packet, ssrc, index)
        except Forged:
            raise Error(AUTHENTICATION_FAILED) from None
        if stream is None:
            stream = self._streams[ssrc] = _Stream(context)
        stream.rtcp.add(index)
        return opened
