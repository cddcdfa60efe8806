"""Our SRTP (``softphone/media/srtp.py``): the RFCs' test vectors, what a receiver refuses, and
that aiortc runs on it in a real call without loading pylibsrtp's binding.

Agreement with libsrtp packet by packet is tests/media/test_srtp_libsrtp.py.
"""

from __future__ import annotations

import random

import pytest

from softphone.media import srtp
from softphone.media.srtp_ciphers import Gcm, aes_cm, block_cipher
from softphone.media.srtp_keys import AEAD_AES_128_GCM, Label, SessionKeys, derive, session_keys
from tests.fresh_python import report_of
from tests.media.srtp_packets import rtcp, rtp

SSRC = 0xCAFE0001


def test_aes_cm_keystream_is_rfc_3711s_appendix_b2() -> None:
    aes = block_cipher(bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3C"))
    salt = int.from_bytes(bytes.fromhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), "big") << 16
    keystream = aes_cm(aes, salt, bytes(3 * 16))
    assert keystream.hex().upper() == (
        "E03EAD0935C95E80E166B16DD92B4EB4"
        "D23513162B02D0F72A43A2FE4A5F97AB"
        "41E95B3BB0A2E8DD477901E4FCA894C0"
    )


def test_key_derivation_is_rfc_3711s_appendix_b3() -> None:
    key = bytes.fromhex("E1F97A0D3E018BE0D64FA32C06DE4139")
    salt = bytes.fromhex("0EC675AD498AFEEBB6960B3AABE6")
    assert derive(key, salt, Label.RTP_ENCRYPTION, 16).hex().upper() == (
        "C61E7A93744F39EE10734AFE3FF7A087"
    )
    assert derive(key, salt, Label.RTP_SALT, 14).hex().upper() == "30CBBC08863D8C85D49DB34A9AE1"
    assert derive(key, salt, Label.RTP_AUTHENTICATION, 20).hex().upper() == (
        "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"
    )


def test_aes_gcm_rtp_is_rfc_7714s_section_16_1() -> None:
    key = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
    salt = bytes.fromhex("517569642070726f2071756f")
    gcm = Gcm(AEAD_AES_128_GCM, SessionKeys(key, salt, b"", key, salt, b""))
    assert Gcm._iv(int.from_bytes(salt, "big"), 0x5501A0B2, 0xF17B).hex() == (
        "51753c6580c2726f20718414"
    )
    header = bytes.fromhex("8040f17b8041f8d35501a0b2")
    sealed = gcm.seal_rtp(header, b"Gallia est omnis divisa in partes tres", 0x5501A0B2, 0xF17B)
    assert sealed.hex() == (
        "8040f17b8041f8d35501a0b2"
        "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
        "899d7f27beb16a9152cf765ee4390cce"
    )


PROFILES = {
    srtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80: 30,
    srtp.Policy.SRTP_PROFILE_AEAD_AES_128_GCM: 28,
    srtp.Policy.SRTP_PROFILE_AEAD_AES_256_GCM: 44,
}


def sessions(profile: int, seed: int = 0) -> tuple[random.Random, srtp.Session, srtp.Session]:
    rnd = random.Random(seed)
    key = rnd.randbytes(PROFILES[profile])
    out, into = (
        srtp.Policy(key=key, ssrc_type=t, srtp_profile=profile)
        for t in (srtp.Policy.SSRC_ANY_OUTBOUND, srtp.Policy.SSRC_ANY_INBOUND)
    )
    for policy in (out, into):
        policy.allow_repeat_tx, policy.window_size = True, 1024  # as aiortc sets them
    return rnd, srtp.Session(out), srtp.Session(into)


def refusal(receive: object, packet: bytes) -> str:
    with pytest.raises(srtp.Error) as refused:
        receive(packet)  # type: ignore[operator]
    return str(refused.value)


@pytest.mark.parametrize("profile", PROFILES)
def test_reordering_across_the_sequence_wrap_is_received_and_replays_are_refused(
    profile: int,
) -> None:
    rnd, sender, receiver = sessions(profile)
    plain = [rtp(rnd, seq % 65536, SSRC) for seq in range(65500, 65600)]
    sent = [sender.protect(p) for p in plain]
    order = list(range(len(sent)))
    for start in range(0, len(order), 10):  # each ten shuffled: 65530..65535 and 0..3 mixed
        chunk = order[start : start + 10]
        rnd.shuffle(chunk)
        order[start : start + 10] = chunk
    assert [receiver.unprotect(sent[i]) for i in order] == [plain[i] for i in order]
    assert refusal(receiver.unprotect, sent[-3]) == "replay check failed (bad index)"
    for seq in range(65600, 66700):  # 1,100 more: the first packets fall out of the window
        receiver.unprotect(sender.protect(rtp(rnd, seq % 65536, SSRC)))
    assert refusal(receiver.unprotect, sent[0]) == "replay check failed (index too old)"


@pytest.mark.parametrize("profile", PROFILES)
def test_a_tampered_or_cut_packet_is_refused_and_does_not_poison_the_stream(profile: int) -> None:
    rnd, sender, receiver = sessions(profile)
    plain = [rtp(rnd, seq, SSRC, size=160) for seq in (1, 2)]
    first, second = (sender.protect(p) for p in plain)
    receiver.unprotect(first)
    for at in (2, 20, len(second) - 1):  # sequence number, payload, tag
        tampered = bytearray(second)
        tampered[at] ^= 0x01
        assert refusal(receiver.unprotect, bytes(tampered)) == "authentication failure"
    header_length = len(plain[1]) - 160
    cut = second[: header_length + 3]  # shorter than a tag after the header
    assert refusal(receiver.unprotect, cut) == "error parsing data"
    assert refusal(receiver.unprotect, second[:11]) == "unsupported parameter"  # no header
    # an oversized datagram is dropped like any malformed one (libsrtp's binding raised
    # ValueError, which aiortc does not catch: its receive loop, and the call's audio, ended)
    assert refusal(receiver.unprotect, second + bytes(1500)) == "unsupported parameter"
    assert refusal(receiver.unprotect_rtcp, second + bytes(1500)) == "unsupported parameter"
    assert receiver.unprotect(second) == plain[1]  # the good one still opens


@pytest.mark.parametrize("profile", PROFILES)
def test_srtcp_refuses_replays_forgeries_and_cut_packets(profile: int) -> None:
    rnd, sender, receiver = sessions(profile)
    plain = [rtcp(rnd, SSRC) for _ in range(200)]
    sent = [sender.protect_rtcp(p) for p in plain]
    assert [receiver.unprotect_rtcp(p) for p in sent[:150]] == plain[:150]
    assert refusal(receiver.unprotect_rtcp, sent[149]) == "replay check failed (bad index)"
    assert refusal(receiver.unprotect_rtcp, sent[3]) == "replay check failed (index too old)"
    tampered = bytearray(sent[150])
    tampered[9] ^= 0x80
    assert refusal(receiver.unprotect_rtcp, bytes(tampered)) == "authentication failure"
    assert refusal(receiver.unprotect_rtcp, sent[150][:20]) == "unsupported parameter"
    assert receiver.unprotect_rtcp(sent[150]) == plain[150]


def test_no_key_material_in_reprs_or_errors() -> None:
    key = bytes(range(30))
    policy = srtp.Policy(key=key, ssrc_type=srtp.Policy.SSRC_ANY_INBOUND)
    keys = session_keys(AEAD_AES_128_GCM, bytes(range(28)))
    shown = repr(policy) + repr(keys) + repr(srtp.Session(policy).__dict__)
    for secret in (key, keys.rtp_key, keys.rtp_salt):
        assert secret.hex() not in shown and repr(secret) not in shown
    with pytest.raises(ValueError, match="at least 30 bytes") as short:
        srtp.Policy(key=key[:29])
    assert key[:29].hex() not in str(short.value)
    with pytest.raises(srtp.Error):
        srtp.Policy(srtp_profile=99)  # what aiortc's probe at import catches


A_CALL = """
import asyncio, json, sys
import softphone.media.session  # first, as in the app: aiortc is reached through softphone.media
from tests.peers.loopback_ice import loopback_ice
from tests.media.test_session import TONE_A, TONE_B, connect, hears, make_side


async def call():
    a, b = make_side(TONE_A), make_side(TONE_B)
    try:
        await connect(a, b)
        return await hears(b, TONE_A) and await hears(a, TONE_B)
    finally:
        await a.session.close()
        await b.session.close()


with loopback_ice():
    heard = asyncio.run(call())
import aiortc.rtcdtlstransport as dtls
print(json.dumps({
    "heard": heard,
    "binding": sorted(name for name in sys.modules if name.startswith("pylibsrtp.")),
    "srtp": dtls.pylibsrtp.__name__,
    "error caught is ours": dtls.pylibsrtp.Error.__module__,
}))
"""


def test_a_real_call_runs_on_our_srtp_without_loading_pylibsrtps_binding() -> None:
    """A fresh interpreter: this test process has loaded the binding as the reference."""
    report = report_of(A_CALL)
    assert report == {
        "heard": True,
        "binding": [],
        "srtp": "softphone.media.srtp",
        "error caught is ours": "softphone.media.srtp",
    }
