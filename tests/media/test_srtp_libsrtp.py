"""Our SRTP (``media/srtp.py``) against libsrtp itself, byte for byte and verdict for verdict.

pylibsrtp stays installed (aiortc requires it), so the reference runs in the
same process: every packet goes through both, and what comes out, or the
error, must be the same. Both directions interoperate with it too (Chromium,
Asterisk, rtpengine all run libsrtp; tests/peers carry real calls).
"""

from __future__ import annotations

import random
from types import ModuleType

import pytest

from softphone.media import srtp
from tests.media.srtp_packets import libsrtp, rtcp, rtp

LIBSRTP = libsrtp()
PROFILES = {  # name: (number, master key + salt length)
    "AES128_CM_SHA1_80": (srtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80, 30),
    "AES128_CM_SHA1_32": (srtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_32, 30),
    "AEAD_AES_128_GCM": (srtp.Policy.SRTP_PROFILE_AEAD_AES_128_GCM, 28),
    "AEAD_AES_256_GCM": (srtp.Policy.SRTP_PROFILE_AEAD_AES_256_GCM, 44),
}
SSRCS = (0x11223344, 1, 0xFFFFFFFF)
Verdict = bytes | str


def test_the_profile_and_policy_numbers_are_libsrtps() -> None:
    for name in dir(LIBSRTP.Policy):
        if name.startswith(("SRTP_PROFILE_", "SSRC_")):
            assert getattr(srtp.Policy, name) == getattr(LIBSRTP.Policy, name), name


def session(
    module: ModuleType, profile: str, key: bytes, *, inbound: bool, window: int, repeat: bool
) -> object:
    """A session as aiortc's ``RTCDtlsTransport._setup_srtp`` makes it."""
    number = PROFILES[profile][0]
    ssrc_type = module.Policy.SSRC_ANY_INBOUND if inbound else module.Policy.SSRC_ANY_OUTBOUND
    policy = module.Policy(key=key, ssrc_type=ssrc_type, srtp_profile=number)
    policy.allow_repeat_tx = repeat
    policy.window_size = window
    return module.Session(policy)


class Both:
    """One session of ours and one of libsrtp's with the same policy: each call goes to both."""

    def __init__(self, profile: str, key: bytes, *, inbound: bool, window: int = 1024) -> None:
        self.repeat = True
        kwargs = {"inbound": inbound, "window": window, "repeat": self.repeat}
        self.ours = session(srtp, profile, key, **kwargs)
        self.theirs = session(LIBSRTP, profile, key, **kwargs)
        self.refused = 0

    def __call__(self, method: str, packet: bytes) -> Verdict:
        ours, theirs = verdict(self.ours, method, packet), verdict(self.theirs, method, packet)
        assert ours == theirs, (method, packet.hex())
        self.refused += isinstance(ours, str)
        return ours


def verdict(session: object, method: str, packet: bytes) -> Verdict:
    try:
        result: bytes = getattr(session, method)(packet)
    except (srtp.Error, LIBSRTP.Error) as error:
        return str(error)
    return result


def pair(profile: str, seed: int, **kwargs: int) -> tuple[random.Random, Both, Both]:
    rnd = random.Random(seed)
    key = rnd.randbytes(PROFILES[profile][1])
    return (
        rnd,
        Both(profile, key, inbound=False, **kwargs),
        Both(profile, key, inbound=True, **kwargs),
    )


@pytest.mark.parametrize("profile", PROFILES)
def test_protect_is_libsrtps_byte_for_byte_and_each_opens_the_others(profile: str) -> None:
    rnd, sender, _ = pair(profile, 1)
    key = rnd.randbytes(PROFILES[profile][1])
    receivers = [
        session(m, profile, key, inbound=True, window=1024, repeat=True) for m in (srtp, LIBSRTP)
    ]
    senders = [
        session(m, profile, key, inbound=False, window=1024, repeat=True) for m in (srtp, LIBSRTP)
    ]
    for n in range(2500):  # across the sequence number wrap: the ROC enters IV and tag
        ssrc = SSRCS[n % 3]
        for plain, protect, unprotect in (
            (rtp(rnd, (64000 + n // 3) % 65536, ssrc), "protect", "unprotect"),
            (rtcp(rnd, ssrc), "protect_rtcp", "unprotect_rtcp"),
        ):
            ours, theirs = (getattr(s, protect)(plain) for s in senders)
            assert ours == theirs
            assert getattr(receivers[0], unprotect)(theirs) == plain  # libsrtp's, opened by ours
            assert getattr(receivers[1], unprotect)(ours) == plain  # ours, opened by libsrtp
    assert sender.refused == 0


def damaged(rnd: random.Random, packet: bytes) -> bytes:
    """``packet`` with one bit flipped (header, payload, index or tag) or cut short."""
    if rnd.random() < 0.5:
        return packet[: rnd.randrange(len(packet))]
    at = rnd.randrange(len(packet))
    return packet[:at] + bytes((packet[at] ^ (1 << rnd.randrange(8)),)) + packet[at + 1 :]


def network(rnd: random.Random, sent: list[bytes], window: int) -> list[bytes]:
    """What arrives: reordered, duplicated, very late, damaged packets among the good ones."""
    arriving: list[bytes] = []
    for start in range(0, len(sent), 8):
        burst = sent[start : start + 8]
        rnd.shuffle(burst)  # reordering, within and across the wrap
        so_far = start + len(burst)
        for packet in burst:
            arriving.append(packet)
            roll = rnd.random()
            if roll < 0.05:
                arriving.append(rnd.choice(sent[max(0, so_far - 40) : so_far]))
            elif roll < 0.08:
                arriving.append(rnd.choice(sent[: max(1, so_far - window - 20)]))  # too old
            elif roll < 0.16:
                arriving.append(damaged(rnd, rnd.choice(sent[:so_far])))
            elif roll < 0.17:
                arriving.append(rnd.randbytes(rnd.randrange(40)))
    return arriving


@pytest.mark.parametrize("window", [1024, 0], ids=["aiortc-window", "default-window"])
@pytest.mark.parametrize("profile", PROFILES)
def test_every_verdict_on_what_arrives_is_libsrtps(profile: str, window: int) -> None:
    rnd, sender, receiver = pair(profile, 2, window=window)
    first = rnd.randrange(65536)
    sent_rtp, sent_rtcp = [], []
    for n in range(3000):
        seq = (first + n + (20000 if n >= 2600 else 0)) % 65536  # a wrap; a jump
        sent_rtp.append(sender("protect", rtp(rnd, seq, SSRCS[n % 2])))
        if n % 10 == 0:
            sent_rtcp.append(sender("protect_rtcp", rtcp(rnd, SSRCS[n % 2])))
    assert sender.refused == 0
    verdicts = [receiver("unprotect", p) for p in network(rnd, sent_rtp, window or 128)]
    opened_rtp = sum(isinstance(v, bytes) for v in verdicts)
    rtcp_verdicts = [receiver("unprotect_rtcp", p) for p in network(rnd, sent_rtcp, 128)]
    opened_rtcp = sum(isinstance(v, bytes) for v in rtcp_verdicts)
    # each good packet once: the jump of 20000 is taken (below 2^15), the wrap too
    assert opened_rtp == len(sent_rtp) and opened_rtcp == len(sent_rtcp)
    reasons = {v for v in verdicts + rtcp_verdicts if isinstance(v, str)}
    assert {"authentication failure", "replay check failed (bad index)"} <= reasons
    assert "replay check failed (index too old)" in reasons


@pytest.mark.parametrize("repeat", [True, False])
@pytest.mark.parametrize("profile", ["AES128_CM_SHA1_80", "AEAD_AES_128_GCM"])
def test_the_senders_verdicts_on_repeated_and_old_sequence_numbers_are_libsrtps(
    profile: str, repeat: bool
) -> None:
    rnd = random.Random(3)
    key = rnd.randbytes(PROFILES[profile][1])
    sessions = [
        session(m, profile, key, inbound=False, window=128, repeat=repeat) for m in (srtp, LIBSRTP)
    ]
    seq = 30000
    for _ in range(3000):
        seq = (seq + rnd.choice((1, 1, 1, 0, -3, -200, 5000, 30000))) % 65536
        packet = rtp(rnd, seq, SSRCS[0], size=20)
        ours, theirs = (verdict(s, "protect", packet) for s in sessions)
        assert ours == theirs


def test_a_truncated_or_malformed_packet_gets_libsrtps_verdict_before_any_stream_exists() -> None:
    _, _, receiver = pair("AES128_CM_SHA1_80", 4)
    good = rtp(random.Random(5), 7, SSRCS[0])
    for length in range(len(good)):
        receiver("unprotect", good[:length])
        receiver("unprotect_rtcp", good[:length])
    assert receiver.refused == 2 * len(good)
